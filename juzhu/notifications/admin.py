"""The outbox in the admin, read-only: only the services queue and send."""

from __future__ import annotations

from django.contrib import admin

from juzhu.notifications.models import Notification
from juzhu.policy.reminders import contact_mask
from juzhu.registry.admin import ReadOnlyAdmin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "created",
        "kind",
        "channel",
        "masked_recipient",
        "send_after",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["=dedupe_key", "=permit__number"]
    raw_id_fields = ["person", "permit"]

    @admin.display(description="接收人")
    def masked_recipient(self, obj: Notification) -> str:
        return contact_mask(obj.recipient)
