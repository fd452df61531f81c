"""LH-3.2-issue-15d, LH-4-register-3d, LH-4-employer-report-5wd on the 2026 official calendar."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.calendar import WorkCalendar
from juzhu.policy.deadlines import DEADLINE_KINDS, employer_report_due, issue_due, registration_due
from juzhu.policy.errors import CalendarUnknown, InvalidInput
from juzhu.policy.parameters import LINHE, JurisdictionPolicy

D = date


@pytest.mark.parametrize(
    ("accepted", "nominal", "due"),
    [
        (D(2026, 9, 15), D(2026, 9, 30), D(2026, 9, 30)),  # Wed, working: no roll
        (D(2026, 9, 16), D(2026, 10, 1), D(2026, 10, 8)),  # first National Day holiday
        (D(2026, 9, 20), D(2026, 10, 5), D(2026, 10, 8)),  # brief's example
        (D(2026, 9, 22), D(2026, 10, 7), D(2026, 10, 8)),  # last holiday
        (D(2026, 9, 23), D(2026, 10, 8), D(2026, 10, 8)),  # first working day after
        (D(2026, 9, 25), D(2026, 10, 10), D(2026, 10, 10)),  # make-up Saturday: working
        (D(2026, 9, 26), D(2026, 10, 11), D(2026, 10, 12)),  # ordinary Sunday
        (D(2026, 9, 10), D(2026, 9, 25), D(2026, 9, 28)),  # Mid-Autumn
        (D(2026, 2, 1), D(2026, 2, 16), D(2026, 2, 24)),  # Spring Festival
        (D(2026, 1, 30), D(2026, 2, 14), D(2026, 2, 14)),  # make-up Saturday
        (D(2026, 12, 16), D(2026, 12, 31), D(2026, 12, 31)),  # last day of the known year
    ],
)
def test_issue_due_is_acceptance_plus_15_days_rolled_over_rest_days(
    accepted: date, nominal: date, due: date
) -> None:
    deadline = issue_due(accepted)
    assert deadline.nominal == nominal
    assert deadline.due == due
    assert deadline.rules[0] == "LH-3.2-issue-15d"
    assert "T-count" in deadline.rules
    assert ("T-holiday" in deadline.rules) is (due != nominal)
    assert deadline.rolled is (due != nominal)


def test_issue_due_rules_for_a_rolled_deadline() -> None:
    assert issue_due(D(2026, 9, 20)).rules == ("LH-3.2-issue-15d", "T-count", "T-holiday")


def test_issue_due_in_2027_fails_closed_without_the_2027_calendar() -> None:
    with pytest.raises(CalendarUnknown) as exc:
        issue_due(D(2026, 12, 17))  # nominal 2027-01-01
    assert exc.value.year == 2027


def test_issue_due_in_2027_with_an_entered_schedule() -> None:
    cal = WorkCalendar(overrides={D(2027, 1, 1): False}, declared_years=frozenset({2027}))
    # nominal 2027-01-01 (holiday, Fri) → Sat, Sun → Mon 2027-01-04
    deadline = issue_due(D(2026, 12, 17), cal)
    assert deadline.nominal == D(2027, 1, 1)
    assert deadline.due == D(2027, 1, 4)


@pytest.mark.parametrize(
    ("limit", "accepted", "due"),
    [
        (30, D(2026, 9, 1), D(2026, 10, 8)),  # nominal 10-01 → 10-08
        (10, D(2026, 9, 20), D(2026, 9, 30)),
    ],
)
def test_issue_due_follows_the_policy_limit(limit: int, accepted: date, due: date) -> None:
    assert issue_due(accepted, policy=JurisdictionPolicy(issue_limit_days=limit)).due == due


@pytest.mark.parametrize("limit", [31, 0, -1])
def test_issue_limit_over_30_days_or_not_positive_is_refused(limit: int) -> None:
    with pytest.raises(InvalidInput) as exc:
        JurisdictionPolicy(issue_limit_days=limit)
    assert exc.value.rule == "N-9-extension"
    assert exc.value.code == "issue-limit-out-of-range"


def test_linhe_issue_limit_is_15_days() -> None:
    assert LINHE.issue_limit_days == 15


@pytest.mark.parametrize(
    ("arrived", "nominal", "due"),
    [
        (D(2026, 9, 27), D(2026, 9, 30), D(2026, 9, 30)),
        (D(2026, 9, 28), D(2026, 10, 1), D(2026, 10, 8)),
        (D(2026, 10, 4), D(2026, 10, 7), D(2026, 10, 8)),
        (D(2026, 10, 5), D(2026, 10, 8), D(2026, 10, 8)),
        (D(2026, 10, 7), D(2026, 10, 10), D(2026, 10, 10)),  # make-up Saturday
        (D(2026, 10, 8), D(2026, 10, 11), D(2026, 10, 12)),
    ],
)
def test_registration_due_is_arrival_plus_3_days(arrived: date, nominal: date, due: date) -> None:
    deadline = registration_due(arrived)
    assert (deadline.nominal, deadline.due) == (nominal, due)
    assert deadline.rules[0] == "LH-4-register-3d"


@pytest.mark.parametrize(
    ("signed", "due"),
    [
        (D(2026, 9, 28), D(2026, 10, 10)),
        (D(2026, 10, 1), D(2026, 10, 13)),
        (D(2026, 9, 24), D(2026, 10, 9)),  # 09-28, 09-29, 09-30, 10-08, 10-09
        (D(2026, 9, 25), D(2026, 10, 9)),  # a holiday trigger is not itself counted
        (D(2026, 9, 29), D(2026, 10, 12)),  # 09-30, 10-08, 10-09, 10-10, 10-12
    ],
)
def test_employer_report_due_is_5_working_days(signed: date, due: date) -> None:
    deadline = employer_report_due(signed)
    assert deadline.due == due
    assert deadline.rules == ("LH-4-employer-report-5wd", "T-count", "T-workdays")


def test_deadline_kinds_are_named() -> None:
    assert {
        "issue": issue_due,
        "registration": registration_due,
        "employer_report": employer_report_due,
    } == DEADLINE_KINDS


def test_issue_due_nominal_needs_no_calendar_for_next_year():
    from juzhu.policy.deadlines import issue_due_nominal

    assert issue_due_nominal(date(2026, 12, 20)) == date(2027, 1, 4)
    assert issue_due_nominal(date(2026, 9, 20)) == date(2026, 10, 5)  # before the National Day roll
