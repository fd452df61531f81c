from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "juzhu.operations"
    verbose_name = "日常任务"
