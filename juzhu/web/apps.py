from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "juzhu.web"
    label = "web"
    verbose_name = "Pages for people"
