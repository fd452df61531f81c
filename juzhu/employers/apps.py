from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "juzhu.employers"
    verbose_name = "用人单位"
