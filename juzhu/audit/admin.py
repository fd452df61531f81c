from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from juzhu.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["at", "actor_label", "code", "subject_type", "subject_id", "rule"]
    list_filter = ["code", "rule"]
    search_fields = ["subject_id", "actor_label", "code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
