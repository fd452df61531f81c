"""The admin: reference data is editable; statuses, history and money are read-only (services write them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from juzhu.policy.identity import identity_mask
from juzhu.registry.models import (
    Application,
    FeeReceipt,
    Notice,
    Permit,
    PermitHistory,
    Person,
    PoliceStation,
    ResidenceRegistration,
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PoliceStation)
class PoliceStationAdmin(admin.ModelAdmin[PoliceStation]):
    list_display = ["code", "name", "division_code", "is_service_hall"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "masked_identity", "sex", "birth_date", "hukou_division"]
    search_fields = ["=identity_number", "name"]

    @admin.display(description="公民身份号码")
    def masked_identity(self, obj: Person) -> str:
        return identity_mask(obj.identity_number)


@admin.register(ResidenceRegistration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = [
        "person",
        "address",
        "police_station",
        "arrived_on",
        "declared_on",
        "due_on",
        "on_time",
        "ended_on",
    ]
    list_filter = ["on_time", "kind", "police_station"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "kind",
        "status",
        "person",
        "submitted_on",
        "accepted_on",
        "due_on",
        "issued_on",
    ]
    list_filter = ["status", "kind", "police_station"]
    search_fields = ["=number"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "application", "issued_on"]


class HistoryInline(admin.TabularInline[PermitHistory, Permit]):
    model = PermitHistory
    extra = 0
    can_delete = False
    fields = ["seq", "event", "effective_on", "from_status", "to_status", "residence_since", "rule"]
    readonly_fields = ["seq", "event", "effective_on", "from_status", "to_status", "residence_since", "rule"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Permit)
class PermitAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "card_name",
        "status",
        "issue_date",
        "residence_since",
        "next_anniversary",
        "endorse_by",
    ]
    list_filter = ["status"]
    search_fields = ["=number"]
    inlines = [HistoryInline]


@admin.register(FeeReceipt)
class FeeReceiptAdmin(ReadOnlyAdmin):
    list_display = ["number", "application", "kind", "amount", "paid_on"]
