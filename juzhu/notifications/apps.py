from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "juzhu.notifications"
    label = "notifications"
    verbose_name = "通知"
