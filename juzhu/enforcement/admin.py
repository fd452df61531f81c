"""The admin shows cases and their history read-only: only the services change a case."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from juzhu.enforcement.models import Case, CaseEvent
from juzhu.registry.admin import ReadOnlyAdmin


class CaseEventInline(admin.TabularInline[CaseEvent, Case]):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["seq", "action", "on", "actor", "from_status", "to_status", "rule", "data"]
    readonly_fields = ["seq", "action", "on", "actor", "from_status", "to_status", "rule", "data"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "offender",
        "duty_rule",
        "status",
        "warned_on",
        "deadline",
        "fined_on",
        "fine_amount",
    ]
    list_filter = ["status", "offender", "duty_rule"]
    search_fields = ["=number"]
    inlines = [CaseEventInline]
