"""The reminder outbox: queued once on the reminder day, sent after commit, retried when a gateway fails."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command

from juzhu.audit.models import AuditEvent
from juzhu.notifications.backends import ConsoleBackend, backend_get
from juzhu.notifications.models import Notification
from juzhu.notifications.services import MAX_ATTEMPTS, contact_set, outbox_send, reminders_enqueue
from juzhu.policy.errors import InvalidInput
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.models import Permit, Person
from juzhu.registry.tests.factories import identity_number, issued_permit, new_card, today_is

pytestmark = pytest.mark.django_db

D = date
# Issued 2025-03-10: window 2026-02-08 … 2026-03-10; reminders on 2026-02-01 and 2026-03-03.
OPENS_REMINDER = D(2026, 2, 1)
CLOSES_REMINDER = D(2026, 3, 3)


def holder(
    clerk: User, supervisor: User, seq: int = 123, phone: str = "13800138000", email: str = ""
) -> Permit:
    permit = issued_permit(
        clerk,
        supervisor,
        number=identity_number(D(1990, 5, 17), seq),
        registered_on=D(2024, 8, 1),
        issued_on=D(2025, 3, 10),
    )
    Person.objects.filter(pk=permit.person_id).update(phone=phone, email=email)
    return Permit.objects.select_related("person").get(pk=permit.pk)


def enqueue(on: date) -> int:
    with today_is(on):
        return reminders_enqueue(on).queued


class FailingGateway:
    """An SMS adapter whose gateway is down."""

    channel = "sms"
    calls = 0

    def send(self, notification: Notification) -> None:
        FailingGateway.calls += 1
        raise ConnectionError("gateway 502")


class RecordingGateway:
    """An SMS adapter without a ``channel``: taken to send SMS."""

    sent: list[str] = []

    def send(self, notification: Notification) -> None:
        RecordingGateway.sent.append(notification.recipient)


def test_nothing_the_day_before_the_reminder_day_one_on_it_and_never_twice(
    clerk: User, supervisor: User
) -> None:
    holder(clerk, supervisor)
    assert enqueue(D(2026, 1, 31)) == 0
    assert enqueue(OPENS_REMINDER) == 1
    assert enqueue(OPENS_REMINDER) == 0  # the daily job re-run
    assert enqueue(D(2026, 2, 2)) == 0  # still due, already queued
    n = Notification.objects.get()
    assert (n.kind, n.channel, n.recipient, n.send_after) == (
        "endorse_window_opens",
        "console",
        "13800138000",
        OPENS_REMINDER,
    )
    assert "2026-02-08" in n.body_zh and "LH-3.2-endorse-window" in n.body_zh and "opens on" in n.body_en
    assert n.dedupe_key == f"endorse_window_opens:{n.permit.lineage_id}:2026-03-10"
    assert enqueue(D(2026, 3, 2)) == 0
    assert enqueue(CLOSES_REMINDER) == 1
    assert enqueue(CLOSES_REMINDER) == 0
    assert sorted(Notification.objects.values_list("kind", flat=True)) == [
        "endorse_window_closes",
        "endorse_window_opens",
    ]


def test_a_missed_run_catches_up_until_the_window_opens(clerk: User, supervisor: User) -> None:
    holder(clerk, supervisor)
    assert enqueue(D(2026, 2, 7)) == 1
    assert enqueue(D(2026, 2, 8)) == 0


def test_only_valid_permits_whose_holder_can_be_reached(clerk: User, supervisor: User) -> None:
    holder(clerk, supervisor, seq=123, phone="")
    reachable = holder(clerk, supervisor, seq=124)
    assert enqueue(OPENS_REMINDER) == 1
    assert Notification.objects.get().person_id == reachable.person_id


def test_a_suspended_permit_gets_no_reminder(clerk: User, supervisor: User) -> None:
    permit = holder(clerk, supervisor)
    with today_is(D(2026, 3, 11)):
        services.permits_sweep(on=D(2026, 3, 11))
    permit.refresh_from_db()
    assert permit.status == "suspended"
    assert enqueue(D(2026, 3, 11)) == 0


def test_a_replacement_card_is_the_same_permit_for_the_dedupe(clerk: User, supervisor: User) -> None:
    old = holder(clerk, supervisor)
    assert enqueue(OPENS_REMINDER) == 1
    new_card(clerk, old, CaseKind.REPLACEMENT, D(2026, 2, 3))
    assert enqueue(D(2026, 2, 4)) == 0


def test_reminders_are_not_queued_for_a_future_date(clerk: User) -> None:
    with today_is(D(2026, 2, 1)), pytest.raises(InvalidInput) as err:
        reminders_enqueue(D(2026, 2, 2))
    assert err.value.fields == ("on",)


def test_the_console_backend_prints_and_marks_sent_once(clerk: User, supervisor: User) -> None:
    holder(clerk, supervisor)
    enqueue(OPENS_REMINDER)
    out = io.StringIO()
    with today_is(OPENS_REMINDER):
        result = outbox_send(backend=ConsoleBackend(out))
        again = outbox_send(backend=ConsoleBackend(out))
    assert (result.sent, result.failed, again.sent) == (1, 0, 0)
    assert "13800138000" in out.getvalue() and "签注期即将开始" in out.getvalue()
    n = Notification.objects.get()
    assert (n.status, n.attempts, n.error) == ("sent", 1, "") and n.sent_at is not None


def test_the_default_backend_is_the_console(settings: Any, capsys: pytest.CaptureFixture[str]) -> None:
    settings.JUZHU_NOTIFY_BACKEND = "console"
    assert isinstance(backend_get(), ConsoleBackend)


def test_the_email_backend_sends_through_django_mail(settings: Any, clerk: User, supervisor: User) -> None:
    settings.JUZHU_NOTIFY_BACKEND = "email"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    holder(clerk, supervisor, seq=123, phone="13800138000", email="")  # no e-mail: not reachable by e-mail
    holder(clerk, supervisor, seq=124, phone="", email="wang@example.cn")
    assert enqueue(OPENS_REMINDER) == 1
    with today_is(OPENS_REMINDER):
        result = outbox_send()
    assert result.sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang@example.cn"]
    assert "签注期即将开始" in message.subject
    assert "2026-02-08" in message.body and "opens on 2026-02-08" in message.body
    assert Notification.objects.get().channel == "email"


def test_a_failing_gateway_marks_failed_and_retries_up_to_the_limit(
    settings: Any, clerk: User, supervisor: User
) -> None:
    settings.JUZHU_NOTIFY_BACKEND = f"{__name__}.FailingGateway"
    FailingGateway.calls = 0
    holder(clerk, supervisor)
    assert enqueue(OPENS_REMINDER) == 1
    n = Notification.objects.get()
    assert n.channel == "sms"
    with today_is(OPENS_REMINDER):
        first = outbox_send()
    n.refresh_from_db()
    assert (first.sent, first.failed) == (0, 1)
    assert (n.status, n.attempts, n.sent_at) == ("failed", 1, None)
    assert "ConnectionError: gateway 502" in n.error
    for _ in range(MAX_ATTEMPTS + 2):
        with today_is(D(2026, 2, 2)):
            outbox_send()
    n.refresh_from_db()
    assert n.attempts == MAX_ATTEMPTS == FailingGateway.calls
    assert n.status == "failed"


def test_a_failed_reminder_is_sent_when_the_gateway_is_back(
    settings: Any, clerk: User, supervisor: User
) -> None:
    holder(clerk, supervisor)
    settings.JUZHU_NOTIFY_BACKEND = f"{__name__}.FailingGateway"
    enqueue(OPENS_REMINDER)
    with today_is(OPENS_REMINDER):
        outbox_send()
    settings.JUZHU_NOTIFY_BACKEND = f"{__name__}.RecordingGateway"
    RecordingGateway.sent = []
    with today_is(D(2026, 2, 2)):
        assert outbox_send().sent == 1
    assert RecordingGateway.sent == ["13800138000"]
    n = Notification.objects.get()
    assert (n.status, n.attempts, n.error) == ("sent", 2, "")


def test_a_reminder_queued_for_another_channel_waits_for_its_backend(clerk: User, supervisor: User) -> None:
    holder(clerk, supervisor)
    enqueue(OPENS_REMINDER)  # console
    with today_is(OPENS_REMINDER):
        assert outbox_send(backend=RecordingGateway()).sent == 0  # type: ignore[arg-type]
    assert Notification.objects.get().status == "queued"


def test_the_daily_run_queues_then_sends_and_keeps_its_first_line(clerk: User, supervisor: User) -> None:
    holder(clerk, supervisor)
    out = io.StringIO()
    with today_is(OPENS_REMINDER):
        call_command("run_daily", stdout=out)
        call_command("run_daily", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("daily run 2026-02-01: ") and "permits suspended" in lines[0]
    assert lines[1] == "reminders 2026-02-01: 1 queued, 1 sent, 0 failed"
    assert lines[2] == "uploads: 0 unreferenced files removed"
    assert lines[3] == "bulk reading 2026-01-31: 0 accounts above 100 people, 0 alerts raised"
    assert lines[5] == "reminders 2026-02-01: 0 queued, 0 sent, 0 failed"
    assert Notification.objects.get().status == "sent"


def test_contact_set_validates_then_writes_and_audits(clerk: User, supervisor: User) -> None:
    permit = holder(clerk, supervisor, phone="")
    with pytest.raises(InvalidInput) as err:
        contact_set(person_id=permit.person_id, phone="12345", email="")
    assert err.value.fields == ("phone",)
    with pytest.raises(InvalidInput) as err:
        contact_set(person_id=permit.person_id, phone="13800138000", email="not-an-address")
    assert err.value.fields == ("email",)
    assert Person.objects.get(pk=permit.person_id).phone == ""  # nothing half-written
    person = contact_set(person_id=permit.person_id, phone="+86 139 0000 1111", email="wang@example.cn")
    assert (person.phone, person.email) == ("13900001111", "wang@example.cn")
    event = AuditEvent.objects.filter(code="person.contact_changed").get()
    assert event.person_id == permit.person_id and event.rule == "LH-3.2-endorse-window"
    assert event.new == {"phone": "139****1111", "email": "w***@example.cn"}
    contact_set(person_id=permit.person_id, phone="13900001111", email="wang@example.cn")  # unchanged
    assert AuditEvent.objects.filter(code="person.contact_changed").count() == 1


def test_a_phone_field_that_is_not_a_mobile_number_is_not_a_way_to_reach_the_holder(
    clerk: User, supervisor: User
) -> None:
    holder(clerk, supervisor, seq=123, phone="0478-8888888")  # a landline typed at the counter
    holder(clerk, supervisor, seq=124, phone="0478-8888888", email="li@example.cn")
    assert enqueue(OPENS_REMINDER) == 1  # console: only the holder with an e-mail address
    assert Notification.objects.get().recipient == "li@example.cn"


def test_a_reminder_goes_to_the_contact_on_record_when_it_is_sent(
    settings: Any, clerk: User, supervisor: User
) -> None:
    settings.JUZHU_NOTIFY_BACKEND = "email"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    permit = holder(clerk, supervisor, phone="", email="old@example.cn")
    assert enqueue(OPENS_REMINDER) == 1
    contact_set(person_id=permit.person_id, phone="", email="new@example.cn")
    with today_is(OPENS_REMINDER):
        assert outbox_send().sent == 1
    assert mail.outbox[-1].to == ["new@example.cn"]
    assert Notification.objects.get().recipient == "new@example.cn"


def test_a_reminder_whose_holder_removed_the_contact_is_not_sent(
    settings: Any, clerk: User, supervisor: User
) -> None:
    settings.JUZHU_NOTIFY_BACKEND = "email"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    permit = holder(clerk, supervisor, phone="", email="old@example.cn")
    assert enqueue(OPENS_REMINDER) == 1
    contact_set(person_id=permit.person_id, phone="", email="")
    with today_is(OPENS_REMINDER):
        assert outbox_send().failed == 1
        assert outbox_send().failed == 0  # never retried
    assert mail.outbox == []
    assert Notification.objects.get().error == "no contact on record"
