"""The admin shows links and publications read-only: the audited services write them."""

from __future__ import annotations

from django.contrib import admin

from juzhu.entitlements.models import HouseholdLink, Publication
from juzhu.registry.admin import ReadOnlyAdmin


@admin.register(HouseholdLink)
class HouseholdLinkAdmin(ReadOnlyAdmin):
    list_display = ["child", "guardian", "relation", "lives_with", "since", "ended_on"]
    list_filter = ["relation", "lives_with"]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["department", "published_on", "title", "reference"]
    list_filter = ["department"]
