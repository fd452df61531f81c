"""The admin shows links and publications read-only: the audited services write them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from juzhu.entitlements.models import HouseholdLink, Publication


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HouseholdLink)
class HouseholdLinkAdmin(_ReadOnly):
    list_display = ["child", "guardian", "relation", "lives_with", "since", "ended_on"]
    list_filter = ["relation", "lives_with"]


@admin.register(Publication)
class PublicationAdmin(_ReadOnly):
    list_display = ["department", "published_on", "title", "reference"]
    list_filter = ["department"]
