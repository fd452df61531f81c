from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "juzhu.sharing"
    verbose_name = "部门共享与查验"
