"""Reads of the outbox.  Nothing here writes."""

from __future__ import annotations

from django.db.models import QuerySet

from juzhu.notifications.models import Notification
from juzhu.registry.models import Person


def notifications_for_person(person: Person, limit: int = 20) -> QuerySet[Notification]:
    """The reminders queued or sent to a person, newest first (what the holder's page lists)."""
    return (
        Notification.objects.filter(person=person)
        .select_related("permit")
        .order_by("-created", "-id")[:limit]
    )
