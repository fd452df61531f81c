"""One-time codes against the real database: sent to the phone on record, stored only as an HMAC, counted,
used once, limited per person and per address, and never written in clear anywhere."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from juzhu.applicants.models import PhoneCode
from juzhu.applicants.services import SmsUnavailable, code_check, code_resend, code_send, contact_confirm
from juzhu.applicants.tests.helpers import last_code, sms_sent
from juzhu.audit.models import AuditEvent
from juzhu.notifications.models import Notification
from juzhu.policy.errors import InvalidInput, NotFound, Throttled, TransitionNotAllowed
from juzhu.policy.proof import CODES, Purpose
from juzhu.registry import clock
from juzhu.registry.models import Person
from juzhu.registry.tests.factories import identity_number, registered

pytestmark = pytest.mark.django_db

WANG = identity_number(date(1990, 5, 17))
MOBILE = "13800138000"
HALL = "10.1.1.1"


class Clock:
    """``clock.now`` moved by hand (codes' lifetimes, pauses and windows)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = datetime.fromisoformat("2026-07-06T09:30:00+08:00")
        monkeypatch.setattr(clock, "now", lambda: self.at)

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def wang(clerk: Any) -> Person:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5), phone="138 0013 8000")
    return Person.objects.get(identity_number=WANG)


def send(person: Person, purpose: Purpose = Purpose.PERMIT, address: str = HALL, **kw: Any) -> Any:
    return code_send(
        person_id=person.pk, purpose=purpose, target_id=kw.pop("target_id", 99), address=address, **kw
    )


def test_a_code_goes_by_sms_to_the_mobile_on_record_and_is_stored_only_as_an_hmac(
    wang: Person, now: Clock
) -> None:
    sent = send(wang)
    (message,) = sms_sent()
    code = last_code()
    assert (message.channel, message.recipient) == ("sms", MOBILE)  # the number the station recorded
    assert (
        "5分钟内有效" in message.body_zh
        and "我的居住证" in message.body_zh
        and "Do not tell anyone" in message.body_en
    )
    assert (sent.tail, sent.expires_at, sent.resend_at) == (
        "8000",
        now.at + timedelta(minutes=5),
        now.at + timedelta(seconds=60),
    )
    row = PhoneCode.objects.get(pk=sent.code_id)
    assert (row.person_id, row.purpose, row.target_id, row.recipient_tail) == (wang.pk, "permit", 99, "8000")
    assert row.sent_at is not None and len(row.code_hash) == 64 and code not in row.code_hash
    assert HALL not in row.address_key
    # The code is nowhere in the database: not in the codes, the outbox or the audit trail.
    assert not Notification.objects.exists()
    event = AuditEvent.objects.get(code="proof.code_sent")
    assert (event.person_id, event.rule, event.new["to"]) == (wang.pk, "N-17-confidentiality", "138****8000")
    with connection.cursor() as cur:
        for table in ("applicants_phonecode", "audit_auditevent", "notifications_notification"):
            cur.execute(f"SELECT * FROM {table}")  # noqa: S608 -- fixed table names
            assert code not in repr(cur.fetchall()), table


@pytest.mark.parametrize("recorded", ["", "0478-8123456"], ids=["none", "landline"])
def test_without_a_mobile_on_record_nothing_is_sent_and_the_station_is_named(
    clerk: Any, recorded: str, now: Clock
) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5), phone=recorded)
    person = Person.objects.get(identity_number=WANG)
    with pytest.raises(TransitionNotAllowed) as exc:
        send(person)
    assert exc.value.code == "no-phone-on-record" and "派出所" in exc.value.zh
    assert not PhoneCode.objects.exists() and sms_sent() == []


def test_the_right_code_gives_a_proof_once(wang: Person, now: Clock) -> None:
    sent = send(wang, Purpose.PROGRESS, target_id=12)
    now.move(minutes=4, seconds=59)  # the last second of its lifetime
    proof = code_check(code_id=sent.code_id, code=last_code())
    assert (proof.person_id, proof.purpose, proof.target_id, proof.verified_at, proof.code_id) == (
        wang.pk,
        Purpose.PROGRESS,
        12,
        now.at,
        sent.code_id,
    )
    assert AuditEvent.objects.filter(code="proof.code_verified", person_id=wang.pk).count() == 1
    with pytest.raises(TransitionNotAllowed) as again:
        code_check(code_id=sent.code_id, code=last_code())
    assert again.value.code == "code-used"


def test_a_code_expires_after_five_minutes(wang: Person, now: Clock) -> None:
    sent = send(wang)
    now.move(minutes=5)
    with pytest.raises(TransitionNotAllowed) as exc:
        code_check(code_id=sent.code_id, code=last_code())
    assert exc.value.code == "code-expired"
    assert PhoneCode.objects.get(pk=sent.code_id).attempts == 0  # an expired code counts no tries


def test_wrong_codes_are_counted_and_the_fifth_kills_the_code(wang: Person, now: Clock) -> None:
    sent = send(wang)
    right = last_code()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(InvalidInput) as exc:
            code_check(code_id=sent.code_id, code=wrong)
        assert (exc.value.code, exc.value.extra["attempts_left"]) == ("code-wrong", left)
    with pytest.raises(TransitionNotAllowed) as locked:
        code_check(code_id=sent.code_id, code=wrong)
    assert locked.value.code == "code-locked"
    with pytest.raises(TransitionNotAllowed) as dead:
        code_check(code_id=sent.code_id, code=right)  # the right code no longer opens anything
    assert dead.value.code == "code-locked"
    assert PhoneCode.objects.get(pk=sent.code_id).attempts == CODES.attempts
    assert AuditEvent.objects.filter(code="proof.code_locked").count() == 1


def test_a_malformed_code_is_a_422_and_not_counted(wang: Person, now: Clock) -> None:
    sent = send(wang)
    with pytest.raises(InvalidInput) as exc:
        code_check(code_id=sent.code_id, code="12ab")
    assert exc.value.code == "code-format"
    assert PhoneCode.objects.get(pk=sent.code_id).attempts == 0
    with pytest.raises(NotFound):
        code_check(code_id=sent.code_id + 1000, code="123456")


def test_a_new_code_after_the_pause_and_the_hourly_limit_per_person(wang: Person, now: Clock) -> None:
    first = send(wang)
    now.move(seconds=59)
    with pytest.raises(Throttled) as soon:
        code_resend(code_id=first.code_id, address=HALL)
    assert (soon.value.code, soon.value.retry_after) == ("code-resend-too-soon", 1)
    for _ in range(CODES.per_person_hour - 1):
        now.move(seconds=61)
        code_resend(code_id=first.code_id, address=HALL)
    assert len(sms_sent()) == CODES.per_person_hour
    now.move(seconds=61)
    with pytest.raises(Throttled) as hour:
        send(wang, address="10.9.9.9")  # from another address: the person's limit still holds
    assert hour.value.code == "codes-per-person"
    assert len(sms_sent()) == CODES.per_person_hour


def test_an_address_asks_for_thirty_codes_an_hour_for_everyone_together(clerk: Any, now: Clock) -> None:
    persons = []
    for i in range(CODES.per_address_hour + 1):
        number = identity_number(date(1980, 1, 1) + timedelta(days=i), seq=300 + i)
        registered(
            clerk, number=number, registered_on=date(2026, 1, 5), phone=f"1390000{i:04d}", name=f"人{i}"
        )
        persons.append(Person.objects.get(identity_number=number))
    for person in persons[:-1]:
        send(person, address="10.2.2.2")
    with pytest.raises(Throttled) as exc:
        send(persons[-1], address="10.2.2.2")
    assert exc.value.code == "codes-per-address"
    send(persons[-1], address="10.3.3.3")  # another address is not affected


def test_a_gateway_failure_is_a_503_and_still_counts(wang: Person, now: Clock) -> None:
    class Broken:
        channel = "sms"

        def send(self, notification: Notification) -> None:
            raise ConnectionError("gateway down")

    with pytest.raises(SmsUnavailable) as exc:
        send(wang, backend=Broken())
    assert (exc.value.kind, exc.value.code) == ("unavailable", "sms-unavailable")
    row = PhoneCode.objects.get()
    assert row.sent_at is None
    with pytest.raises(Throttled):  # no hammering of a broken gateway
        send(wang)


def test_with_debug_off_and_no_gateway_no_code_is_printed(wang: Person, now: Clock, settings: Any) -> None:
    settings.JUZHU_SMS_BACKEND = ""
    settings.JUZHU_NOTIFY_BACKEND = "console"
    settings.DEBUG = False
    with pytest.raises(SmsUnavailable):
        send(wang)
    settings.JUZHU_NOTIFY_BACKEND = "juzhu.notifications.backends.MemoryBackend"  # the reminders' gateway
    now.move(minutes=2)
    send(wang)
    assert len(sms_sent()) == 1


def test_a_new_mobile_number_is_saved_only_when_its_own_code_comes_back(wang: Person, now: Clock) -> None:
    sent = send(
        wang, Purpose.CONTACT, target_id=wang.pk, new_phone="13900001111", new_email="wang@example.cn"
    )
    assert sms_sent()[-1].recipient == "13900001111"  # to the new number, to prove it is the holder's
    assert Person.objects.get(pk=wang.pk).phone == "138 0013 8000"  # nothing saved yet
    with pytest.raises(InvalidInput):
        contact_confirm(
            code_id=sent.code_id, code="000000" if last_code() != "000000" else "111111", person_id=wang.pk
        )
    person = contact_confirm(code_id=sent.code_id, code=last_code(), person_id=wang.pk)
    assert (person.phone, person.email) == ("13900001111", "wang@example.cn")
    row = PhoneCode.objects.get(pk=sent.code_id)
    assert (row.new_phone, row.new_email) == ("", "")  # kept no longer than needed
    event = AuditEvent.objects.get(code="person.contact_changed")
    assert event.new == {"phone": "139****1111", "email": "w***@example.cn"}


def test_a_contact_code_cannot_be_used_for_another_person(wang: Person, clerk: Any, now: Clock) -> None:
    sent = send(wang, Purpose.CONTACT, target_id=wang.pk, new_phone="13900001111")
    other = identity_number(date(1985, 11, 3), seq=246)
    registered(clerk, number=other, registered_on=date(2026, 1, 5), name="李四", phone="13700000000")
    with pytest.raises(NotFound):
        contact_confirm(
            code_id=sent.code_id, code=last_code(), person_id=Person.objects.get(identity_number=other).pk
        )
