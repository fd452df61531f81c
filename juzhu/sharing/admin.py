"""The admin: the access log is read-only; credentials are issued and revoked by the audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from juzhu.sharing.models import AccessLog, DepartmentCredential


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DepartmentCredential)
class DepartmentCredentialAdmin(_ReadOnly):
    list_display = ["code", "name", "department", "purposes", "active", "created"]
    list_filter = ["department", "active"]


@admin.register(AccessLog)
class AccessLogAdmin(_ReadOnly):
    list_display = ["at", "actor_label", "department", "purpose", "endpoint", "permit_number", "asked_on"]
    list_filter = ["department", "purpose", "endpoint"]
    search_fields = ["=permit_number", "=official_credential_number"]
