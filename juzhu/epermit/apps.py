from django.apps import AppConfig


class EpermitConfig(AppConfig):
    name = "juzhu.epermit"
    verbose_name = "电子居住证"
