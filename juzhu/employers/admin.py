"""The admin: accounts are linked here; employment records, reports and staff history are read-only
(services write them, with their audit events)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from juzhu.employers.models import DesignatedStaffEntry, Employer, EmployerMembership, EmploymentRecord
from juzhu.policy.identity import identity_mask
from juzhu.registry.admin import ReadOnlyAdmin


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin[Employer]):
    """Contact details are reference data; the code, division and designated staff change only
    through the services (registration; ``employer_update_designated_staff`` keeps the history)."""

    list_display = ["credit_code", "name", "division_code", "contact_name", "designated_staff_name"]
    search_fields = ["=credit_code", "name"]
    readonly_fields = [
        "credit_code",
        "division_code",
        "designated_staff_name",
        "designated_staff_phone",
        "created",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EmployerMembership)
class EmployerMembershipAdmin(admin.ModelAdmin[EmployerMembership]):
    list_display = ["user", "employer", "created"]
    search_fields = ["user__username", "=employer__credit_code"]


@admin.register(EmploymentRecord)
class EmploymentRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "employer",
        "name",
        "masked_identity",
        "hired_on",
        "hire_reported_on",
        "hire_on_time",
        "ended_on",
        "end_reported_on",
        "end_on_time",
    ]
    list_filter = ["hire_on_time", "end_on_time"]
    search_fields = ["=identity_number", "=employer__credit_code"]
    exclude = ["identity_number"]
    readonly_fields = ["masked_identity"]

    @admin.display(description="公民身份号码")
    def masked_identity(self, obj: EmploymentRecord) -> str:
        return identity_mask(obj.identity_number)


@admin.register(DesignatedStaffEntry)
class DesignatedStaffEntryAdmin(ReadOnlyAdmin):
    list_display = ["employer", "effective_on", "name", "phone", "actor", "recorded_at"]
