"""Employers' duties: LH-4-employer-report-5wd (T-workdays) and LH-4-employer-staff-100 (T-inclusive).

The official 2026 calendar around National Day, worked by hand from the State Council's notice:

    Sep 19 Sat rest · Sep 20 Sun WORK (make-up) · Sep 21–24 Mon–Thu work
    Sep 25–27 Fri–Sun Mid-Autumn rest · Sep 28–30 Mon–Wed work
    Oct 1–7 Thu–Wed National Day rest · Oct 8–9 Thu–Fri work · Oct 10 Sat WORK (make-up)
    Oct 11 Sun rest · Oct 12–16 Mon–Fri work
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from juzhu.policy.calendar import WorkCalendar
from juzhu.policy.deadlines import employer_report_due
from juzhu.policy.employers import needs_designated_staff, report_on_time
from juzhu.policy.errors import CalendarUnknown, InvalidInput
from juzhu.policy.parameters import LINHE, JurisdictionPolicy

D = date
RULES = ("LH-4-employer-report-5wd", "T-count", "T-workdays")
CAL_2027 = WorkCalendar(overrides={D(2027, 1, 1): False}, declared_years=frozenset({2027}))


# --- LH-4-employer-report-5wd: the 5th working day after signing or ending -----------------------


@pytest.mark.parametrize(
    ("event", "due"),
    [
        # Mon: 29 Tue ①, 30 Wed ②, [Oct 1–7 off], 8 Thu ③, 9 Fri ④, 10 Sat make-up ⑤
        (D(2026, 9, 28), D(2026, 10, 10)),
        # Tue: 30 ①, 8 ②, 9 ③, 10 ④, [11 Sun], 12 Mon ⑤
        (D(2026, 9, 29), D(2026, 10, 12)),
        # Wed: 8 ①, 9 ②, 10 ③, 12 ④, 13 ⑤
        (D(2026, 9, 30), D(2026, 10, 13)),
        # National Day itself: 8 ①, 9 ②, 10 ③, 12 ④, 13 ⑤
        (D(2026, 10, 1), D(2026, 10, 13)),
        (D(2026, 10, 7), D(2026, 10, 13)),
        # Thu: 9 ①, 10 ②, 12 ③, 13 ④, 14 ⑤
        (D(2026, 10, 8), D(2026, 10, 14)),
        # Fri: 10 Sat ①, 12 ②, 13 ③, 14 ④, 15 ⑤
        (D(2026, 10, 9), D(2026, 10, 15)),
        # the make-up Saturday itself: 12 ①, … 16 ⑤
        (D(2026, 10, 10), D(2026, 10, 16)),
        # Thu before Mid-Autumn: [25–27 off], 28 ①, 29 ②, 30 ③, 8 ④, 9 ⑤
        (D(2026, 9, 24), D(2026, 10, 9)),
        # Sat before the make-up Sunday: 20 Sun ①, 21 ②, 22 ③, 23 ④, 24 ⑤
        (D(2026, 9, 19), D(2026, 9, 24)),
        # an ordinary week: Mon → next Mon
        (D(2026, 11, 2), D(2026, 11, 9)),
        # the last event whose due day 2026 can settle: 25 ①, 28 ②, 29 ③, 30 ④, 31 ⑤
        (D(2026, 12, 24), D(2026, 12, 31)),
    ],
)
def test_employer_report_due_on_the_2026_calendar(event: date, due: date) -> None:
    deadline = employer_report_due(event)
    assert deadline.due == due
    assert deadline.nominal == due  # a working-day count lands on a working day: no roll
    assert deadline.rules == RULES
    assert not deadline.rolled


def test_employer_report_due_needs_the_2027_calendar() -> None:
    with pytest.raises(CalendarUnknown) as exc:
        employer_report_due(D(2026, 12, 25))
    assert exc.value.year == 2027
    assert exc.value.rule == "T-workdays"
    # 28 ①, 29 ②, 30 ③, 31 ④, [Jan 1 holiday, 2 Sat, 3 Sun], Jan 4 Mon ⑤
    assert employer_report_due(D(2026, 12, 25), CAL_2027).due == D(2027, 1, 4)


def test_the_five_working_days_are_a_parameter() -> None:
    assert LINHE.employer_report_workdays == 5
    three = JurisdictionPolicy(employer_report_workdays=3)
    assert employer_report_due(D(2026, 9, 28), policy=three).due == D(2026, 10, 8)


# --- report_on_time: reported on the due day is on time ------------------------------------------


@pytest.mark.parametrize(
    ("event", "reported", "on_time"),
    [
        (D(2026, 9, 28), D(2026, 9, 28), True),  # the same day
        (D(2026, 9, 28), D(2026, 10, 1), True),  # a holiday, before the due day
        (D(2026, 9, 28), D(2026, 10, 9), True),
        (D(2026, 9, 28), D(2026, 10, 10), True),  # the due day (make-up Saturday)
        (D(2026, 9, 28), D(2026, 10, 11), False),
        (D(2026, 9, 28), D(2026, 10, 12), False),
        (D(2026, 10, 1), D(2026, 10, 13), True),
        (D(2026, 10, 1), D(2026, 10, 14), False),
        (D(2026, 9, 30), D(2026, 10, 13), True),
        (D(2026, 9, 30), D(2026, 10, 14), False),
        (D(2026, 9, 19), D(2026, 9, 24), True),
        (D(2026, 9, 19), D(2026, 9, 25), False),
        (D(2026, 3, 2), D(2026, 12, 31), False),  # months late
    ],
)
def test_report_on_time(event: date, reported: date, on_time: bool) -> None:
    assert report_on_time(event, reported) is on_time


def test_report_on_time_agrees_with_the_due_day_throughout_2026() -> None:
    event = D(2026, 1, 1)
    while event <= D(2026, 12, 24):
        due = employer_report_due(event).due
        for late in range(0, 22):
            reported = event + timedelta(days=late)
            if reported.year > 2026:
                break
            assert report_on_time(event, reported) is (reported <= due), (event, reported)
        event += timedelta(days=1)


def test_an_early_report_needs_no_unknown_calendar() -> None:
    # Due day is in 2027, but a report on 2026-12-30 is plainly on time.
    assert report_on_time(D(2026, 12, 28), D(2026, 12, 30)) is True
    assert report_on_time(D(2026, 12, 28), D(2026, 12, 31)) is True


def test_a_report_in_an_unknown_year_fails_closed() -> None:
    with pytest.raises(CalendarUnknown):
        report_on_time(D(2026, 12, 28), D(2027, 1, 5))


def test_a_report_across_new_year_with_the_2027_schedule_entered() -> None:
    # 29 ①, 30 ②, 31 ③, [Jan 1–3 off], Jan 4 ④, Jan 5 ⑤
    assert employer_report_due(D(2026, 12, 28), CAL_2027).due == D(2027, 1, 5)
    assert report_on_time(D(2026, 12, 28), D(2027, 1, 5), CAL_2027) is True
    assert report_on_time(D(2026, 12, 28), D(2027, 1, 6), CAL_2027) is False


def test_report_on_time_follows_the_policy() -> None:
    three = JurisdictionPolicy(employer_report_workdays=3)
    assert report_on_time(D(2026, 9, 28), D(2026, 10, 8), policy=three) is True
    assert report_on_time(D(2026, 9, 28), D(2026, 10, 9), policy=three) is False


def test_a_report_dated_before_the_event_is_refused() -> None:
    with pytest.raises(InvalidInput) as exc:
        report_on_time(D(2026, 9, 28), D(2026, 9, 27))
    assert exc.value.rule == "LH-4-employer-report-5wd"
    assert exc.value.code == "report-before-event"


# --- LH-4-employer-staff-100: "超过百人" is 101 or more --------------------------------------------


@pytest.mark.parametrize(
    ("count", "needs"),
    [(0, False), (1, False), (99, False), (100, False), (101, True), (102, True), (5000, True)],
)
def test_needs_designated_staff(count: int, needs: bool) -> None:
    assert needs_designated_staff(count) is needs


def test_staff_threshold_is_the_linhe_parameter() -> None:
    assert LINHE.employer_staff_threshold == 100
    fifty = JurisdictionPolicy(employer_staff_threshold=50)
    assert needs_designated_staff(50, fifty) is False
    assert needs_designated_staff(51, fifty) is True
    assert needs_designated_staff(100, fifty) is True


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(InvalidInput) as exc:
        needs_designated_staff(-1)
    assert exc.value.rule == "LH-4-employer-staff-100"
    assert exc.value.code == "migrant-count-negative"
