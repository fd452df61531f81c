"""The audit administrator's pages (审计管理员): bulk reading made visible, each account's reads, a
person's reads, the audit trail in words — masked, and logged themselves (GB/T 22239-2019 8.1.5.2)."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from juzhu.accounts.models import Role
from juzhu.audit.models import AuditEvent
from juzhu.registry.models import Person
from juzhu.registry.tests.factories import identity_number, registered, staff
from juzhu.sharing.access import Whose, access_record, reader_for
from juzhu.sharing.alerts import reads_alert_raise
from juzhu.sharing.models import AccessLog

pytestmark = pytest.mark.django_db

THRESHOLD = 3  # set per deployment (JUZHU_READ_ALERT_PER_DAY); small here so both sides are cheap


@pytest.fixture(autouse=True)
def _threshold(settings: Any) -> None:
    settings.JUZHU_READ_ALERT_PER_DAY = THRESHOLD


@pytest.fixture
def auditor(client: Client) -> Client:
    client.force_login(staff("auditor", Role.AUDITOR))
    return client


@pytest.fixture
def people(clerk: User) -> list[Person]:
    numbers = [identity_number(date(1990, 1, 1), seq=s) for s in range(101, 106)]
    for i, n in enumerate(numbers):
        registered(clerk, number=n, registered_on=date(2025, 1, 10), name=f"张{'三四五六七'[i]}丰")
    return list(Person.objects.filter(identity_number__in=numbers).order_by("identity_number"))


def opened(user: User, persons: list[Person], read: str = "page.person") -> None:
    """``user`` opens each person's record once (through the log's writer, as the pages do)."""
    with transaction.atomic():
        for p in persons:
            access_record(reader_for(user, "10.0.0.9"), read, Whose.of(p.pk, p))


def html(r: Any) -> str:
    return str(r.content.decode())


# --------------------------------------------------------------------------- who opens what


def test_the_auditor_lands_on_the_report_with_its_own_navigation(auditor: Client) -> None:
    r = auditor.get("/")
    assert r.status_code == 302 and r["Location"] == "/audit/"
    page = html(auditor.get("/audit/"))
    assert 'href="/audit/"' in page and 'href="/audit/trail/"' in page
    assert 'href="/hall/"' not in page and 'href="/dashboard/"' not in page


def test_the_auditor_cannot_open_counter_pages(auditor: Client, clerk: User, people: list[Person]) -> None:
    for url in (
        "/hall/",
        "/hall/find/",
        f"/hall/persons/{people[0].pk}/",
        "/hall/print/card/X.pdf",
        "/dashboard/",
    ):
        assert auditor.get(url).status_code == 403, url
    assert not AccessLog.objects.exclude(role="auditor").exists()


@pytest.mark.parametrize(
    "role", [Role.CLERK, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.EMPLOYER, Role.DEPARTMENT]
)
def test_no_other_role_opens_the_audit_pages(client: Client, role: str, people: list[Person]) -> None:
    client.force_login(staff(f"x-{role}", role))
    for url in ("/audit/", "/audit/trail/", f"/audit/persons/{people[0].pk}/", "/audit/accounts/1/"):
        assert client.get(url).status_code == 403, (role, url)
    assert client.post("/audit/", {"identity_number": people[0].identity_number}).status_code == 403
    assert not AccessLog.objects.exists()


# --------------------------------------------------------------------------- the report and the threshold


def test_the_report_ranks_readers_and_flags_only_above_the_threshold(
    auditor: Client, clerk: User, people: list[Person]
) -> None:
    busy = staff("busy-clerk")
    opened(clerk, people[:THRESHOLD])  # exactly the threshold: not flagged
    opened(busy, people[: THRESHOLD + 1])  # one more person: flagged
    opened(busy, people[:1])  # the same person again: still 4 people
    page = html(auditor.get("/audit/"))
    rows = page.split('data-testid="rank-row"')[1:]
    assert [r.split('data-account="')[1].split('"')[0] for r in rows] == ["busy-clerk", "clerk"]
    assert 'data-flagged="yes"' in rows[0] and 'data-flagged="no"' in rows[1]
    assert ">4<" in rows[0] and ">5<" in rows[0]  # 4 people, 5 records opened
    assert "超过阈值" in rows[0] and "超过阈值" not in rows[1]
    assert f"<strong>{THRESHOLD}</strong>" in page
    assert 'data-testid="flagged-count">1 ' in page


def test_the_report_of_a_chosen_period_counts_only_that_period(
    auditor: Client, clerk: User, people: list[Person]
) -> None:
    opened(clerk, people[:2])
    last_week = timezone.localdate() - timedelta(days=7)
    page = html(auditor.get(f"/audit/?from={last_week - timedelta(days=6)}&to={last_week}"))
    assert 'data-testid="no-readers"' in page and "所选期间" in page
    today = timezone.localdate()
    assert 'data-account="clerk"' in html(auditor.get(f"/audit/?from={today}&to={today}"))


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("from=2026-12-10&to=2026-12-01", "from"),
        ("from=2025-01-01&to=2026-12-31", "from"),
        ("from=2026-13-01", "from"),
    ],
)
def test_a_bad_period_is_422_naming_the_field(auditor: Client, query: str, fields: str) -> None:
    r = auditor.get(f"/audit/?{query}")
    assert r.status_code == 422 and 'aria-invalid="true"' in html(r)


def test_the_auditors_own_reads_are_logged(auditor: Client, clerk: User, people: list[Person]) -> None:
    opened(clerk, people[:2])
    auditor.get("/audit/")
    auditor.get(f"/audit/accounts/{clerk.pk}/")
    auditor.get("/audit/trail/")
    mine = AccessLog.objects.filter(role="auditor").order_by("id")
    assert [(e.endpoint, e.scope, e.rows, e.purpose) for e in mine] == [
        ("page.audit.report", "list", 1, "audit.review"),
        ("page.audit.account", "list", 2, "audit.review"),
        ("page.audit.trail", "list", AuditEvent.objects.count(), "audit.review"),
    ]


def test_an_accounts_reads_show_people_masked(auditor: Client, clerk: User, people: list[Person]) -> None:
    opened(clerk, people[:2])
    page = html(auditor.get(f"/audit/accounts/{clerk.pk}/"))
    assert page.count('data-testid="access-line"') == 2
    assert "张**" in page and "510121********" in page and "10.0.0.9" in page and "人员记录" in page
    for p in people[:2]:
        assert p.name not in page and p.identity_number not in page


def test_an_unknown_account_is_404(auditor: Client) -> None:
    assert auditor.get("/audit/accounts/999999/").status_code == 404


# --------------------------------------------------------------------------- a person, the trail


def test_a_person_is_found_by_a_posted_number_and_shown_masked(
    auditor: Client, client: Client, clerk: User, people: list[Person]
) -> None:
    wang = people[0]
    opened(clerk, [wang])
    r = auditor.post("/audit/", {"identity_number": wang.identity_number})
    assert r.status_code == 302 and r["Location"] == f"/audit/persons/{wang.pk}/"  # no number in the address
    page = html(auditor.get(r["Location"]))
    assert "张**" in page and wang.name not in page and wang.identity_number not in page
    assert page.count('data-testid="access-line"') == 2  # the clerk's read, and this very read
    assert "居住登记" in page and "临河区*****" in page and "临河区新华街1号" not in page  # the trail, masked
    row = AccessLog.objects.get(role="auditor", endpoint="page.audit.person")
    assert (row.person_id, row.purpose, row.scope) == (wang.pk, "audit.review", "record")
    # The person's own record at the counter shows the audit administrator's read, in words.
    desk = Client()
    desk.force_login(clerk)
    assert "审计管理员" in html(desk.get(f"/hall/persons/{wang.pk}/")) and "安全审计" in html(
        desk.get(f"/hall/persons/{wang.pk}/")
    )


def test_an_unknown_number_is_404_and_reads_nobody(auditor: Client, people: list[Person]) -> None:
    r = auditor.post("/audit/", {"identity_number": identity_number(date(1991, 2, 2))})
    assert r.status_code == 404
    assert not AccessLog.objects.filter(endpoint="page.audit.person").exists()


def test_the_trail_is_in_words_and_searchable_by_account_and_by_person(
    auditor: Client, clerk: User, people: list[Person]
) -> None:
    staff("other-clerk")
    page = html(auditor.get("/audit/trail/?account=clerk"))
    assert page.count('data-testid="trail-line"') == len(people)
    assert "居住登记" in page and "registration.declared" not in page and "临河区新华街1号" not in page
    assert 'data-testid="no-trail"' in html(auditor.get("/audit/trail/?account=other-clerk"))
    r = auditor.post("/audit/trail/", {"identity_number": people[1].identity_number})
    assert r.status_code == 302 and r["Location"] == f"/audit/trail/?person={people[1].pk}"
    page = html(auditor.get(r["Location"]))
    assert page.count('data-testid="trail-line"') == 1 and "张**" in page and people[1].name not in page
    assert AccessLog.objects.filter(role="auditor", endpoint="page.audit.person", person=people[1]).exists()


def test_the_trail_in_english(auditor: Client, people: list[Person]) -> None:
    page = html(auditor.get("/audit/trail/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "residence registered" in page and "Audit trail" in page


# --------------------------------------------------------------------------- the daily alert


def test_the_alert_is_raised_once_per_account_and_day_above_the_threshold(
    clerk: User, people: list[Person], caplog: pytest.LogCaptureFixture
) -> None:
    busy = staff("busy-clerk")
    opened(clerk, people[:THRESHOLD])
    opened(busy, people[: THRESHOLD + 1])
    today = timezone.localdate()
    with caplog.at_level(logging.WARNING, logger="juzhu.access"):
        alerts = reads_alert_raise(today)
    assert (alerts.threshold, [r.tally.account for r in alerts.flagged], alerts.raised) == (
        THRESHOLD, ["busy-clerk"], 1,
    )  # fmt: skip
    event = AuditEvent.objects.get(code="reads.bulk_alert")
    assert (event.actor, event.subject_type, event.subject_id, event.rule) == (
        None, "user", str(busy.pk), "N-17-confidentiality",
    )  # fmt: skip
    assert event.new == {"day": today.isoformat(), "records": THRESHOLD + 1, "threshold": THRESHOLD}
    assert "busy-clerk" in caplog.text and f"{THRESHOLD + 1} people" in caplog.text
    assert reads_alert_raise(today).raised == 0  # a re-run writes nothing new
    assert AuditEvent.objects.filter(code="reads.bulk_alert").count() == 1


def test_the_daily_run_checks_the_whole_day_before(clerk: User, people: list[Person]) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    at = timezone.make_aware(datetime.combine(yesterday, time(10, 0)))
    AccessLog.objects.bulk_create(
        AccessLog(
            at=at, actor=clerk, actor_label="clerk", role="clerk", department="public_security", scope="record",
            person=p, subject_type="person", subject_id=str(p.pk), purpose="counter.service",
            asked_on=yesterday, fields=["name"], endpoint="page.person",
        )
        for p in people[: THRESHOLD + 1]
    )  # fmt: skip
    out = StringIO()
    call_command("run_daily", stdout=out)
    assert f"bulk reading {yesterday}: 1 accounts above {THRESHOLD} people, 1 alerts raised" in out.getvalue()
    assert AuditEvent.objects.get(code="reads.bulk_alert").new["day"] == yesterday.isoformat()


def test_the_alert_shows_in_the_trail_in_words(auditor: Client, clerk: User, people: list[Person]) -> None:
    opened(clerk, people[: THRESHOLD + 1])
    reads_alert_raise(timezone.localdate())
    page = html(auditor.get("/audit/trail/"))
    assert "批量查阅告警" in page and "查阅人数：4" in page and "告警阈值：3" in page and "系统" in page
