"""Reminders: queue what is due (set-based, deduplicated), then send after commit; the holder's contact.

``reminders_enqueue`` and ``outbox_send`` are the daily run's last step (``run_daily``):
the first commits the queued rows, the second sends them in later transactions, so a
message is only ever sent about something that was committed.  Re-running either is safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from juzhu.audit.services import audit_record
from juzhu.notifications.backends import Backend, backend_get, channel_of
from juzhu.notifications.models import Notification
from juzhu.policy.endorsement import EndorsementWindow, endorsement_window
from juzhu.policy.errors import InvalidInput
from juzhu.policy.lifecycle import PermitStatus
from juzhu.policy.reminders import (
    MOBILE_PATTERN,
    REMINDERS,
    Reminder,
    candidate_anniversaries,
    contact_mask,
    phone_normalise,
    reminder_message,
    reminders_due,
)
from juzhu.registry import clock
from juzhu.registry.models import Permit, Person
from juzhu.registry.selectors import jurisdiction
from juzhu.workcal.selectors import work_calendar

# A failing send is retried on the next runs until it has been tried this many times.
MAX_ATTEMPTS = 5
# A row a sender claimed but never finished (the process died) may be claimed again after this long.
CLAIM_TIMEOUT = timedelta(minutes=15)


# --------------------------------------------------------------------------- the holder's contact


def _email_clean(value: str) -> str:
    email = (value or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(
            rule=REMINDERS.rule,
            code="email-invalid",
            zh="电子邮箱地址格式不正确，例如 wang@example.cn。",
            en="The e-mail address is not valid, e.g. wang@example.cn.",
            fields=("email",),
        ) from None
    if len(email) > Person._meta.get_field("email").max_length:  # type: ignore[operator]
        raise InvalidInput(
            rule=REMINDERS.rule,
            code="email-too-long",
            zh="电子邮箱地址过长。",
            en="The e-mail address is too long.",
            fields=("email",),
        )
    return email


def contact_clean(phone: str, email: str) -> tuple[str, str]:
    """The phone (11 digits) and e-mail as ``contact_set`` would store them; 422 naming the field else."""
    return phone_normalise(phone), _email_clean(email)


@transaction.atomic
def contact_set(*, person_id: int, phone: str, email: str, actor: Any = None, via: str = "holder") -> Person:
    """Where reminders go (Person.phone / Person.email); both validated before anything is written.

    The audit event keeps the values masked: the record itself holds them (N-17-confidentiality).
    """
    new_phone, new_email = contact_clean(phone, email)
    person = Person.objects.select_for_update().get(pk=person_id)
    old = {"phone": contact_mask(person.phone), "email": contact_mask(person.email)}
    if (person.phone, person.email) == (new_phone, new_email):
        return person
    person.phone, person.email = new_phone, new_email
    person.save(update_fields=["phone", "email"])
    audit_record(
        actor=actor,
        code="person.contact_changed",
        subject=person,
        person_id=person.pk,
        rule=REMINDERS.rule,
        old=old,
        new={"phone": contact_mask(new_phone), "email": contact_mask(new_email)},
        reason=f"reminder contact set by the {via}",
    )
    return person


# --------------------------------------------------------------------------- queueing


def _mobile(phone: str) -> str:
    """The number if it is a mobile number an SMS can reach (a counter may have typed anything)."""
    return phone if _MOBILE_FULL.fullmatch(phone or "") else ""


_MOBILE_FULL = re.compile(MOBILE_PATTERN)
# Only numbers an SMS can reach count as a way to reach the holder; anything else is not tried.
_HAS_MOBILE = Q(person__phone__regex=f"^{MOBILE_PATTERN}$")


def _recipient(person: Person, channel: str) -> str:
    if channel == Notification.Channel.EMAIL:
        return person.email
    if channel == Notification.Channel.SMS:
        return _mobile(person.phone)
    return _mobile(person.phone) or person.email


def _reachable(channel: str) -> Q:
    if channel == Notification.Channel.EMAIL:
        return ~Q(person__email="")
    if channel == Notification.Channel.SMS:
        return _HAS_MOBILE
    return _HAS_MOBILE | ~Q(person__email="")


def dedupe_key(permit: Permit, reminder: Reminder) -> str:
    """One reminder per kind, permit (all its cards) and window, whatever the channel."""
    return f"{reminder.kind.value}:{permit.lineage_id or permit.pk}:{reminder.anniversary.isoformat()}"


@dataclass(frozen=True)
class EnqueueResult:
    on: date
    candidates: int
    queued: int


def reminders_enqueue(on: date | None = None, *, backend: Backend | None = None) -> EnqueueResult:
    """Queue every endorsement reminder due on ``on`` for valid permits whose holder can be reached.

    One query for the candidate permits (valid, anniversary in the range that can be due, a
    contact for the channel), the pure rule per permit, one insert; the unique dedupe key
    makes a re-run — or a concurrent one — queue nothing twice.
    """
    on = on or clock.today()
    if on > clock.today():
        raise InvalidInput(
            rule=REMINDERS.rule,
            code="reminders-in-future",
            zh="不能按未来日期发送提醒。",
            en="Reminders cannot be queued for a future date.",
            fields=("on",),
        )
    channel = channel_of(backend or backend_get())
    policy = jurisdiction()
    low, high = candidate_anniversaries(on, policy, REMINDERS)
    permits = (
        Permit.objects.filter(status=PermitStatus.VALID, next_anniversary__range=(low, high))
        .filter(_reachable(channel))
        .select_related("person")
        .order_by("id")
    )
    cal = work_calendar()
    windows: dict[date, EndorsementWindow] = {}
    rows: dict[str, Notification] = {}
    candidates = 0
    for permit in permits:
        candidates += 1
        window = windows.get(permit.next_anniversary)
        if window is None:
            window = windows[permit.next_anniversary] = endorsement_window(
                permit.next_anniversary, cal, policy
            )
        for reminder in reminders_due(window, on, REMINDERS):
            msg = reminder_message(
                reminder, name=permit.card_name, permit_number=permit.number, policy=policy
            )
            key = dedupe_key(permit, reminder)
            rows[key] = Notification(
                person=permit.person,
                permit=permit,
                kind=reminder.kind.value,
                channel=channel,
                recipient=_recipient(permit.person, channel),
                subject_zh=msg.subject_zh,
                body_zh=msg.body_zh,
                subject_en=msg.subject_en,
                body_en=msg.body_en,
                rule=reminder.rules[0],
                anniversary=reminder.anniversary,
                send_after=on,
                dedupe_key=key,
            )
    with transaction.atomic():
        existing = set(Notification.objects.filter(dedupe_key__in=rows).values_list("dedupe_key", flat=True))
        fresh = [n for k, n in rows.items() if k not in existing]
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return EnqueueResult(on, candidates, len(fresh))


# --------------------------------------------------------------------------- sending


@dataclass(frozen=True)
class SendResult:
    sent: int
    failed: int


def _sendable(now: datetime, on: date, channel: str) -> Q:
    return Q(channel=channel, send_after__lte=on) & (
        Q(status=Notification.Status.QUEUED)
        | Q(status=Notification.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=Notification.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT, attempts__lt=MAX_ATTEMPTS)
    )


def _claim(limit: int, on: date, channel: str) -> list[Notification]:
    """Take up to ``limit`` rows (skipping rows another sender holds) and commit the claim before sending."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(_sendable(now, on, channel))
            .order_by("send_after", "id")
            .values_list("id", flat=True)[:limit]
        )
        Notification.objects.filter(id__in=ids).update(
            status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(Notification.objects.filter(id__in=ids).select_related("person").order_by("send_after", "id"))


def outbox_send(limit: int = 500, *, on: date | None = None, backend: Backend | None = None) -> SendResult:
    """Send queued reminders (and retry failed ones, up to ``MAX_ATTEMPTS``) through the backend.

    Each row is claimed and committed first, then sent outside any transaction, then marked
    sent or failed with the error: a message goes out only for a committed row, and a failure
    of one never stops the others.
    """
    backend = backend or backend_get()
    sent = failed = 0
    for notification in _claim(limit, on or clock.today(), channel_of(backend)):
        # The holder may have changed the contact since the reminder was queued (or after a failed
        # try): send to the current one; a holder who removed it is not contacted.
        current = _recipient(notification.person, notification.channel)
        if current != notification.recipient:
            notification.recipient = current
            notification.save(update_fields=["recipient"])
        if not current:
            notification.status = Notification.Status.FAILED
            notification.error = "no contact on record"
            notification.attempts = MAX_ATTEMPTS
            notification.save(update_fields=["status", "error", "attempts"])
            failed += 1
            continue
        try:
            backend.send(notification)
        except Exception as exc:  # any gateway error is recorded and retried
            notification.status = Notification.Status.FAILED
            notification.error = f"{type(exc).__name__}: {exc}"[:2000]
            notification.save(update_fields=["status", "error"])
            failed += 1
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = timezone.now()
            notification.error = ""
            notification.save(update_fields=["status", "sent_at", "error"])
            sent += 1
    return SendResult(sent, failed)
