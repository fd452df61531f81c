from django.apps import AppConfig


class EntitlementsConfig(AppConfig):
    name = "juzhu.entitlements"
    verbose_name = "公共服务"
