from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "juzhu.accounts"
    verbose_name = "人员与令牌"
