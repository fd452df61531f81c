from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "juzhu.enforcement"
    verbose_name = "违法处理"
