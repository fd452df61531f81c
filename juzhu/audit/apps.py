from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "juzhu.audit"
    verbose_name = "审计日志"
