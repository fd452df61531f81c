"""Enforcement over HTTP: the late-registration feed, and a case's warning, order, correction and fine.

Reference dates (juzhu.enforcement.tests.factories): arrival 2026-09-28 → due 2026-10-08 over National
Day (LH-4-register-3d, T-count, T-holiday); declared 2026-10-09: one day late.
"""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.api.tests.helpers import LI, WANG, WANG_MASKED, WANG_NAME_MASKED, problem
from juzhu.enforcement.models import Case
from juzhu.enforcement.tests.factories import (
    CREDIT_CODE,
    DUE,
    LATE,
    declared,
    employer,
    employer_case_ordered,
    person_case_ordered,
    warned,
)
from juzhu.registry.tests.factories import today_is

PERSON_RULE = "LH-4-register-penalty"
EMPLOYER_RULE = "LH-4-employer-penalty"
DEADLINE = "2026-10-15"  # Thu, a working day
FIRST_FINE_DAY = date(2026, 10, 16)


def _fine(api, case_id, amount, on=FIRST_FINE_DAY):
    with today_is(on):
        return api.post(f"/enforcement/cases/{case_id}/fine", {"amount": amount})


# ----------------------------------------------------------------------------- the feed


def test_late_registrations_lists_one_day_late_and_not_the_due_day(as_clerk, clerk):
    declared(clerk, number=LI, name="李四", declared_on=DUE)  # on time: not listed
    reg = declared(clerk, number=WANG, declared_on=LATE)
    r = as_clerk.get("/enforcement/late-registrations")
    assert r.status_code == 200, r.content
    assert r.json() == [
        {
            "registration_id": reg.pk,
            "kind": "initial",
            "person_id": reg.person_id,
            "holder": WANG_NAME_MASKED,
            "identity_number_masked": WANG_MASKED,
            "police_station": "150802001",
            "address": "临河区新华街1号",
            "arrived_on": "2026-09-28",
            "due_on": "2026-10-08",
            "declared_on": "2026-10-09",
            "days_late": 1,
            "due_resolved_now": False,
            "rule": "LH-4-register-3d",
        }
    ]


def test_the_feed_is_for_enforcement_staff_only(as_system, anonymous):
    problem(as_system.get("/enforcement/late-registrations"), 403, "forbidden", rule="N-8-authority")
    problem(anonymous.get("/enforcement/late-registrations"), 401, "unauthenticated")


# ----------------------------------------------------------------------------- the warning


def test_case_create_warns_from_a_late_registration_in_one_step(as_clerk, clerk):
    reg = declared(clerk)
    with today_is(LATE):
        r = as_clerk.post("/enforcement/cases", {"registration_id": reg.pk})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["number"], body["offender"], body["status"], body["status_label"], body["open"]) == (
        "AJ20260000001",
        "person",
        "warned",
        "已警告",
        True,
    )
    assert (body["rule"], body["duty_rule"], body["registration_id"]) == (
        PERSON_RULE,
        "LH-4-register-3d",
        reg.pk,
    )
    assert body["person"] == {
        "id": reg.person_id,
        "name": WANG_NAME_MASKED,
        "identity_number_masked": WANG_MASKED,
        "credit_code": None,
    }
    assert body["employer"] is None
    assert (body["warned_on"], body["officer"], body["deadline"], body["fine_amount"]) == (
        "2026-10-09",
        "clerk",
        None,
        None,
    )
    assert body["facts"]["due_on"] == "2026-10-08"
    assert body["fine_range"] == {"low": "50", "high": "200"}
    assert body["history"] == [
        {
            "seq": 1,
            "action": "warn",
            "on": "2026-10-09",
            "actor": "clerk",
            "from_status": "",
            "to_status": "warned",
            "rule": PERSON_RULE,
            "data": {"duty_rule": "LH-4-register-3d", "registration": reg.pk, **body["facts"]},
        }
    ]
    assert as_clerk.get("/enforcement/late-registrations").json() == []


def test_case_create_retried_with_the_same_idempotency_key_opens_one_case(as_clerk, clerk):
    emp = employer()
    body = {"offender": "employer", "employer_id": emp.pk, "duty_rule": "LH-4-employer-record"}
    with today_is(LATE):
        first = as_clerk.post("/enforcement/cases", body, HTTP_IDEMPOTENCY_KEY="warn-1")
        again = as_clerk.post("/enforcement/cases", body, HTTP_IDEMPOTENCY_KEY="warn-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Case.objects.count() == 1


def test_case_create_against_an_employer_by_credit_code(as_clerk, clerk):
    emp = employer()
    with today_is(LATE):
        r = as_clerk.post(
            "/enforcement/cases",
            {"offender": "employer", "credit_code": CREDIT_CODE, "duty_rule": "LH-4-employer-report-5wd"},
        )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["employer"] == {
        "id": emp.pk,
        "name": emp.name,
        "identity_number_masked": None,
        "credit_code": CREDIT_CODE,
    }
    assert (body["rule"], body["fine_range"]) == (EMPLOYER_RULE, {"low": "500", "high": "1000"})


def test_case_create_refuses_a_registration_declared_on_time(as_clerk, clerk):
    reg = declared(clerk, declared_on=DUE)
    with today_is(DUE):
        r = as_clerk.post("/enforcement/cases", {"registration_id": reg.pk})
    body = problem(r, 422, "registration-on-time", rule="LH-4-register-3d")
    assert body["fields"] == ["registration_id"]


def test_case_create_twice_for_one_registration_is_a_conflict(as_clerk, clerk):
    reg = declared(clerk)
    warned(clerk, reg)
    with today_is(LATE):
        r = as_clerk.post("/enforcement/cases", {"registration_id": reg.pk})
    problem(r, 409, "case-exists", rule=PERSON_RULE)


def test_case_create_with_an_unknown_duty_is_invalid(as_clerk, clerk):
    with today_is(LATE):
        r = as_clerk.post("/enforcement/cases", {"identity_number": WANG, "duty_rule": "LH-9-made-up"})
    problem(r, 422, "invalid-request")


# ----------------------------------------------------------------------------- reading


def test_case_detail_shows_the_append_only_history(as_clerk, clerk):
    case = person_case_ordered(clerk)
    r = as_clerk.get(f"/enforcement/cases/{case.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["status"], body["ordered_on"], body["deadline"], body["deadline_last_day"]) == (
        "ordered",
        "2026-10-09",
        "2026-10-15",
        "2026-10-15",
    )
    assert [(h["seq"], h["action"], h["from_status"], h["to_status"]) for h in body["history"]] == [
        (1, "warn", "", "warned"),
        (2, "order", "warned", "ordered"),
    ]


def test_case_detail_of_an_unknown_case_is_404(as_clerk):
    problem(as_clerk.get("/enforcement/cases/999"), 404, "not-found", rule=PERSON_RULE)


def test_case_list_filters_by_status(as_clerk, clerk):
    case = person_case_ordered(clerk)
    assert [c["id"] for c in as_clerk.get("/enforcement/cases", {"status": "ordered"}).json()] == [case.pk]
    assert as_clerk.get("/enforcement/cases", {"status": "fined"}).json() == []


# ----------------------------------------------------------------------------- order, correct


def test_case_order_sets_the_deadline(as_clerk, clerk):
    case = warned(clerk, declared(clerk))
    with today_is(LATE):
        r = as_clerk.post(f"/enforcement/cases/{case.pk}/order", {"deadline": DEADLINE})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["deadline"]) == ("ordered", DEADLINE)


def test_case_order_on_the_warning_day_is_refused(as_clerk, clerk):
    case = warned(clerk, declared(clerk))
    with today_is(LATE):
        r = as_clerk.post(f"/enforcement/cases/{case.pk}/order", {"deadline": "2026-10-09"})
    body = problem(r, 422, "deadline-not-after-warning", rule=PERSON_RULE)
    assert body["fields"] == ["deadline"]


def test_case_correct_closes_the_case(as_clerk, clerk):
    case = warned(clerk, declared(clerk))
    with today_is(date(2026, 10, 12)):
        r = as_clerk.post(f"/enforcement/cases/{case.pk}/correct", {"note": "已补正"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["status"], body["open"], body["corrected_on"]) == ("corrected", False, "2026-10-12")
    assert [(h["action"], h["to_status"]) for h in body["history"]] == [
        ("warn", "warned"),
        ("correct", "corrected"),
    ]


# ----------------------------------------------------------------------------- fines


@pytest.mark.parametrize(("amount", "accepted"), [(49, False), (50, True), (200, True), (201, False)])
def test_case_fine_for_a_person_is_50_to_200_inclusive(as_supervisor, clerk, amount, accepted):
    case = person_case_ordered(clerk)
    r = _fine(as_supervisor, case.pk, amount)
    if accepted:
        assert r.status_code == 200, r.content
        assert (r.json()["status"], r.json()["fine_amount"], r.json()["fined_on"]) == (
            "fined",
            f"{amount}.00",
            "2026-10-16",
        )
    else:
        body = problem(r, 422, "fine-out-of-range", rule=PERSON_RULE)
        assert (body["fields"], body["context"]) == (["amount"], {"low": "50", "high": "200"})


@pytest.mark.parametrize(("amount", "accepted"), [(499, False), (500, True), (1000, True), (1001, False)])
def test_case_fine_for_an_employer_is_500_to_1000_inclusive(as_supervisor, clerk, amount, accepted):
    case = employer_case_ordered(clerk)
    r = _fine(as_supervisor, case.pk, amount)
    if accepted:
        assert r.status_code == 200, r.content
        assert r.json()["fine_amount"] == f"{amount}.00"
    else:
        problem(r, 422, "fine-out-of-range", rule=EMPLOYER_RULE)


def test_case_fine_on_the_deadline_day_is_refused_and_the_next_day_accepted(as_supervisor, clerk):
    case = person_case_ordered(clerk)
    body = problem(
        _fine(as_supervisor, case.pk, 100, on=date(2026, 10, 15)), 409, "fine-too-early", rule=PERSON_RULE
    )
    assert body["context"] == {"deadline": "2026-10-15"}
    r = _fine(as_supervisor, case.pk, 100, on=date(2026, 10, 16))
    assert r.status_code == 200, r.content
    assert [(h["seq"], h["action"], h["on"], h["actor"], h["to_status"]) for h in r.json()["history"]] == [
        (1, "warn", "2026-10-09", "clerk", "warned"),
        (2, "order", "2026-10-09", "clerk", "ordered"),
        (3, "fine", "2026-10-16", "supervisor", "fined"),
    ]


def test_case_fine_straight_after_a_warning_is_refused(as_supervisor, clerk):
    case = warned(clerk, declared(clerk))
    body = problem(_fine(as_supervisor, case.pk, 100), 409, "case-transition", rule=PERSON_RULE)
    assert body["context"] == {"status": "warned", "action": "fine"}


def test_case_fine_by_a_clerk_is_forbidden(as_clerk, clerk):
    case = person_case_ordered(clerk)
    problem(_fine(as_clerk, case.pk, 100), 403, "forbidden", rule="N-8-authority")
    assert Case.objects.get(pk=case.pk).status == "ordered"


def test_case_fine_in_words_is_invalid_input(as_supervisor, clerk):
    case = person_case_ordered(clerk)
    problem(_fine(as_supervisor, case.pk, "fifty"), 422, "invalid-request")
