from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "juzhu.registry"
    verbose_name = "居住证登记簿"
