"""The public endpoints: verification (history-exact, minimal data), the what-if check, deadlines,
document codes and health.  None needs a token."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.api.tests.helpers import (
    ADDRESS,
    HUKOU_ADDRESS,
    PERMIT_2025_1,
    PERMIT_2026_1,
    PERMIT_UNKNOWN,
    WANG,
    WANG_NAME_MASKED,
    problem,
    wang_permit,
)
from juzhu.audit.models import AuditEvent
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.models import (
    Application,
    IdempotencyRecord,
    Notice,
    Permit,
    Person,
    ResidenceRegistration,
)
from juzhu.registry.tests.factories import new_card, registered


def _verify(anonymous, number: str, on: str, **extra) -> dict:
    r = anonymous.get(f"/verify/{number}", {"on": on}, **extra)
    assert r.status_code == 200, r.content
    return r.json()


# ----------------------------------------------------------------------------- verification


def test_verify_before_the_issue_date_is_not_issued(anonymous, clerk, supervisor):
    wang_permit(clerk, supervisor)
    body = _verify(anonymous, PERMIT_2025_1, "2025-07-09")
    assert body == {
        "number": PERMIT_2025_1,
        "on": "2025-07-09",
        "status": "not_issued",
        "status_label": "该日期尚未签发",
        "holder": None,
        "rule": "LH-3.2-issue-15d",
    }
    assert _verify(anonymous, PERMIT_2025_1, "2025-07-09", HTTP_ACCEPT_LANGUAGE="en")["status_label"] == (
        "not issued on that date"
    )


def test_verify_on_the_issue_date_is_valid(anonymous, clerk, supervisor):
    wang_permit(clerk, supervisor)
    body = _verify(anonymous, PERMIT_2025_1, "2025-07-10")
    assert (body["status"], body["status_label"], body["rule"]) == ("valid", "有效", "LH-3.2-endorse-window")


def test_verify_after_suspension_is_suspended_and_exact_to_the_day(anonymous, clerk, supervisor):
    wang_permit(clerk, supervisor)
    services.permits_sweep(on=date(2026, 7, 20))
    # The history says: valid up to the window's last day 2026-07-10, suspended from 2026-07-11.
    assert _verify(anonymous, PERMIT_2025_1, "2026-07-10")["status"] == "valid"
    body = _verify(anonymous, PERMIT_2025_1, "2026-07-11")
    assert (body["status"], body["rule"]) == ("suspended", "LH-3.2-endorse-overdue")
    assert body["status_label"] == "中止（逾期未签注）"


def test_verify_an_old_card_after_reissue_is_void_and_shows_no_name(
    anonymous, clerk, supervisor
):
    permit = wang_permit(clerk, supervisor)
    new_card(clerk, permit, CaseKind.REISSUE, date(2026, 3, 2))
    assert _verify(anonymous, PERMIT_2025_1, "2026-03-01")["status"] == "valid"
    r = anonymous.get(f"/verify/{PERMIT_2025_1}", {"on": "2026-03-02"})
    assert r.status_code == 200
    assert r.json() == {
        "number": PERMIT_2025_1,
        "on": "2026-03-02",
        "status": "void",
        "status_label": "作废",
        "holder": None,
        "rule": "LH-3.2-replace",
    }
    text = r.content.decode()
    for secret in (WANG, ADDRESS, HUKOU_ADDRESS, "王小明", WANG_NAME_MASKED, "王", "1990-05-17"):
        assert secret not in text
    # The new card of the same permit verifies as valid; it did not exist the day before it was made.
    assert _verify(anonymous, PERMIT_2026_1, "2026-03-02")["status"] == "valid"
    assert _verify(anonymous, PERMIT_2026_1, "2026-03-01")["status"] == "not_issued"


def test_verify_an_unknown_number_is_404(anonymous, db):
    problem(anonymous.get(f"/verify/{PERMIT_UNKNOWN}"), 404, "permit-not-found", rule="LH-3.2-replace")


def test_walking_through_sequential_numbers_yields_no_names_and_soon_a_429(
    anonymous, clerk, supervisor, monkeypatch
):
    """Issue 8: /verify is rate-limited and enumerating sequential numbers yields no names."""
    import time

    from juzhu.policy.numbers import permit_number_make
    from juzhu.policy.proof import VERIFICATIONS
    from juzhu.registry.tests.factories import identity_number, issued_permit

    names = ["王小明", "李四", "张三丰"]
    for i, name in enumerate(names):
        issued_permit(
            clerk,
            supervisor,
            number=identity_number(date(1980 + i, 3, 1), seq=400 + i),
            registered_on=date(2025, 1, 10),
            issued_on=date(2025, 7, 10),
            name=name,
        )
    monkeypatch.setattr(time, "time", lambda: 1_800_000_030.0)  # mid-minute: one window for the whole walk
    statuses, bodies = [], []
    for seq in range(1, VERIFICATIONS.per_minute + 6):
        r = anonymous.get(f"/verify/{permit_number_make('150802', 2025, seq)}")
        statuses.append(r.status_code)
        bodies.append(r.content.decode())
    assert statuses[:3] == [200, 200, 200]  # the three cards exist and verify
    assert statuses[VERIFICATIONS.per_minute :] == [429] * 5  # then the address must wait
    text = "".join(bodies)
    for name in names:
        for ch in name:
            assert ch not in text, ch  # not even the surname of a masked name


# ----------------------------------------------------------------------------- what-if


STORED = (Person, ResidenceRegistration, Application, Notice, Permit, AuditEvent, IdempotencyRecord)


def _counts() -> list[int]:
    return [m.objects.count() for m in STORED]


def test_what_if_before_six_months_gives_the_earliest_date_and_stores_nothing(anonymous, clerk):
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))  # something already on the register
    before = _counts()
    # Registered 2026-01-10: six months complete on 2026-07-10; asked on 2026-07-09, the last bad day.
    r = anonymous.post(
        "/checks/eligibility",
        {
            "hukou_division": "510121",
            "registration_date": "2026-01-10",
            "documents": ["labour_contract"],
            "on": "2026-07-09",
        },
    )
    assert _counts() == before
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["on"] == "2026-07-09"
    assert body["eligible"] is False
    assert body["earliest"] == "2026-07-10"
    assert body["reasons"] == [
        {
            "rule": "LH-3.1-registered-6m",
            "code": "registered-too-short",
            "message": "居住登记未满6个月（登记日期2026-01-10），自2026-07-10起可申领。",
            "field": "registration_date",
            "earliest": "2026-07-10",
        }
    ]
    assert [m["code"] for m in body["met"]] == ["hukou-elsewhere", "condition-employment"]
    assert [c["key"] for c in body["checklist"]] == ["identity_card", "photo", "condition_evidence"]
    assert [n["key"] for n in body["notice"]] == ["identity_card", "photo"]
    assert body["complete"] is False


def test_what_if_on_the_six_month_day_is_eligible(anonymous, db):
    r = anonymous.post(
        "/checks/eligibility",
        {
            "hukou_division": "510121",
            "registration_date": "2026-01-10",
            "on": "2026-07-10",
            "documents": ["identity_card", "photo", "student_card"],
        },
    )
    body = r.json()
    assert (body["eligible"], body["earliest"], body["reasons"]) == (True, None, [])
    assert (body["notice"], body["complete"]) == ([], True)


def test_what_if_six_months_end_on_the_last_day_of_a_short_month(anonymous, db):
    # T-month-end: 2026-08-31 + 6 months = 2027-02-28.
    r = anonymous.post(
        "/checks/eligibility",
        {
            "hukou_division": "510121",
            "registration_date": "2026-08-31",
            "on": "2027-02-27",
            "conditions": ["residence"],
        },
    )
    assert r.json()["earliest"] == "2027-02-28"


def test_what_if_lists_every_unmet_condition_at_once_in_english(anonymous, db):
    # A local hukou (150802 itself), no registration and no evidence: three reasons, no earliest date.
    r = anonymous.post(
        "/checks/eligibility", {"hukou_division": "150802", "on": "2026-07-10"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = r.json()
    assert [x["code"] for x in body["reasons"]] == ["hukou-local", "no-registration", "no-condition"]
    assert body["earliest"] is None
    assert body["reasons"][2]["message"].startswith("Must have stable lawful employment")


def test_what_if_with_an_unknown_hukou_division_names_hukou_division(anonymous, db):
    r = anonymous.post("/checks/eligibility", {"hukou_division": "999999"})
    assert problem(r, 422, "division-unknown", rule="LH-3.1-hukou")["fields"] == ["hukou_division"]


# ----------------------------------------------------------------------------- deadlines


def test_deadline_issue_rolls_over_national_day(anonymous, db):
    # 2026-09-20 + 15 days = 2026-10-05, a National Day holiday (10-01..10-07): due Thu 2026-10-08.
    r = anonymous.get("/deadlines", {"kind": "issue", "start": "2026-09-20"})
    assert r.status_code == 200, r.content
    assert r.json() == {
        "kind": "issue",
        "start": "2026-09-20",
        "due": "2026-10-08",
        "nominal": "2026-10-05",
        "rolled": True,
        "rules": ["LH-3.2-issue-15d", "T-count", "T-holiday"],
    }


def test_deadline_registration_counts_from_the_day_after_arrival(anonymous, db):
    # Arrived Fri 2026-02-27: + 3 = Mon 2026-03-02, a working day.
    plain = anonymous.get("/deadlines", {"kind": "registration", "start": "2026-02-27"}).json()
    assert (plain["due"], plain["nominal"], plain["rolled"]) == ("2026-03-02", "2026-03-02", False)
    assert plain["rules"] == ["LH-4-register-3d", "T-count"]
    # Arrived Wed 2026-09-30: + 3 = 2026-10-03, in the holiday: due 2026-10-08.
    rolled = anonymous.get("/deadlines", {"kind": "registration", "start": "2026-09-30"}).json()
    assert (rolled["due"], rolled["nominal"], rolled["rolled"]) == ("2026-10-08", "2026-10-03", True)


def test_deadline_employer_report_counts_working_days_including_a_make_up_saturday(anonymous, db):
    # Signed Mon 2026-09-28: working days 09-29, 09-30, (10-01..10-07 off), 10-08, 10-09 and
    # Sat 10-10, a make-up working day (调休): the fifth is 2026-10-10.
    r = anonymous.get("/deadlines", {"kind": "employer_report", "start": "2026-09-28"})
    assert r.json() == {
        "kind": "employer_report",
        "start": "2026-09-28",
        "due": "2026-10-10",
        "nominal": "2026-10-10",
        "rolled": False,
        "rules": ["LH-4-employer-report-5wd", "T-count", "T-workdays"],
    }


def test_deadline_needing_the_unknown_2027_calendar_is_503(anonymous, db):
    # 2026-12-25 + 15 = Sat 2027-01-09: whether it rolls needs the 2027 holiday schedule (T-workdays).
    r = anonymous.get("/deadlines", {"kind": "issue", "start": "2026-12-25"})
    body = problem(r, 503, "calendar-unknown", rule="T-workdays")
    assert body["context"] == {"year": 2027}
    assert body["detail"].startswith("2027年的法定节假日安排尚未录入")
    r_en = anonymous.get("/deadlines", {"kind": "issue", "start": "2026-12-25"}, HTTP_ACCEPT_LANGUAGE="en")
    assert problem(r_en, 503, "calendar-unknown")["detail"].startswith(
        "The 2027 official holiday calendar has not been entered"
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "payment", "start": "2026-09-20"}, "kind"),
        ({"kind": "issue", "start": "2026-02-30"}, "start"),
        ({"kind": "issue"}, "start"),
        ({"kind": "issue", "start": "9999-12-25"}, "start"),  # + 15 days would leave the calendar
    ],
)
def test_deadline_bad_query_is_422_naming_the_parameter(anonymous, db, params, field):
    r = anonymous.get("/deadlines", params)
    assert problem(r, 422, "invalid-request")["fields"] == [field]


# ----------------------------------------------------------------------------- documents, health


def test_documents_lists_every_code_with_its_name(anonymous, db):
    zh = anonymous.get("/documents").json()
    en = anonymous.get("/documents", HTTP_ACCEPT_LANGUAGE="en").json()
    assert len(zh) == len(en) == 16
    assert zh[0] == {"code": "identity_card", "label": "申请人居民身份证"}
    assert en[0] == {"code": "identity_card", "label": "applicant's resident identity card"}
    assert {"code": "household_register", "label": "户口簿"} in zh


def test_health_is_ok_without_a_token(anonymous, db):
    r = anonymous.get("/health")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


def test_the_openapi_schema_renders(anonymous, db):
    r = anonymous.client.get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/verify/{number}" in paths
    assert "/api/v1/checks/eligibility" in paths
