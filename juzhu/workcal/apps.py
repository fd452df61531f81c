from django.apps import AppConfig


class WorkcalConfig(AppConfig):
    name = "juzhu.workcal"
    verbose_name = "工作日历"
