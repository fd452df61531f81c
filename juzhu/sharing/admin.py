"""The admin: the access log is read-only; credentials are issued and revoked by the audited services."""

from __future__ import annotations

from django.contrib import admin

from juzhu.registry.admin import ReadOnlyAdmin
from juzhu.sharing.models import AccessLog, DepartmentCredential


@admin.register(DepartmentCredential)
class DepartmentCredentialAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "department", "purposes", "active", "created"]
    list_filter = ["department", "active"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "department", "purpose", "endpoint", "permit_number", "asked_on"]
    list_filter = ["department", "purpose", "endpoint"]
    search_fields = ["=permit_number", "=official_credential_number"]
