"""T-count, T-month-end, T-holiday, T-workdays against the real 2026 official calendar.

Expected dates are worked out by hand from the State Council's 2026 holiday
notice (checked against ``chinese_calendar``): New Year 01-01..01-03 off,
Spring Festival 02-15..02-23 off, Mid-Autumn 09-25..09-27 off, National Day
10-01..10-07 off; weekend make-up working days 01-04, 02-14, 02-28, 05-09,
09-20, 10-10.
"""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.calendar import (
    OFFICIAL,
    WorkCalendar,
    add_months,
    add_working_days,
    add_years,
    is_working_day,
    period_end,
    roll_to_working_day,
    working_days_deadline,
)
from juzhu.policy.errors import CalendarUnknown

D = date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # National Day and the days around it
        (D(2026, 9, 30), True),  # Wed, last working day before the holiday
        (D(2026, 10, 1), False),
        (D(2026, 10, 2), False),
        (D(2026, 10, 3), False),
        (D(2026, 10, 4), False),
        (D(2026, 10, 5), False),  # Mon, holiday
        (D(2026, 10, 6), False),
        (D(2026, 10, 7), False),  # Wed, last holiday
        (D(2026, 10, 8), True),  # Thu, first working day after
        (D(2026, 10, 11), False),  # ordinary Sunday
        # Mid-Autumn
        (D(2026, 9, 24), True),
        (D(2026, 9, 25), False),  # Fri, holiday
        (D(2026, 9, 26), False),
        (D(2026, 9, 27), False),
        (D(2026, 9, 28), True),
        # Make-up working weekends (调休)
        (D(2026, 1, 4), True),  # Sun
        (D(2026, 2, 14), True),  # Sat
        (D(2026, 2, 28), True),  # Sat
        (D(2026, 5, 9), True),  # Sat
        (D(2026, 9, 20), True),  # Sun
        (D(2026, 10, 10), True),  # Sat
        (D(2026, 9, 19), False),  # Sat, not a make-up day
        # Weekdays that are holidays
        (D(2026, 1, 1), False),
        (D(2026, 1, 2), False),
        (D(2026, 2, 16), False),
        (D(2026, 2, 23), False),
        (D(2026, 4, 6), False),
        (D(2026, 5, 1), False),
        (D(2026, 5, 4), False),
        (D(2026, 5, 5), False),
        (D(2026, 6, 19), False),
        # Plain days
        (D(2026, 7, 15), True),  # Wed
        (D(2026, 7, 18), False),  # Sat
    ],
)
def test_official_2026_calendar_knows_holidays_and_make_up_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working
    assert OFFICIAL.is_working_day(day) is working


@pytest.mark.parametrize("day", [D(2027, 1, 4), D(2027, 6, 15), D(2003, 12, 31)])
def test_a_year_the_library_does_not_know_raises_calendar_unknown(day: date) -> None:
    with pytest.raises(CalendarUnknown) as exc:
        is_working_day(day)
    assert exc.value.year == day.year
    assert exc.value.rule == "T-workdays"
    assert exc.value.code == "calendar-unknown"
    assert exc.value.extra == {"year": day.year}
    assert str(day.year) in exc.value.message("zh-hans")
    assert str(day.year) in exc.value.message("en")


def test_knows_year_only_for_library_years_or_declared_years() -> None:
    assert OFFICIAL.knows_year(2026) is True
    assert OFFICIAL.knows_year(2004) is True
    assert OFFICIAL.knows_year(2027) is False
    assert OFFICIAL.knows_year(2003) is False
    assert WorkCalendar(declared_years=frozenset({2027})).knows_year(2027) is True


def test_a_single_override_does_not_declare_the_rest_of_its_year() -> None:
    cal = WorkCalendar(overrides={D(2027, 1, 1): False})
    assert cal.is_working_day(D(2027, 1, 1)) is False
    with pytest.raises(CalendarUnknown):
        cal.is_working_day(D(2027, 1, 4))


# A 2027 schedule entered by an administrator (illustrative, not the real notice).
CAL_2027 = WorkCalendar(
    overrides={
        D(2027, 1, 1): False,  # Fri, New Year
        D(2027, 2, 6): True,  # Sat, make-up working day
    },
    declared_years=frozenset({2027}),
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2027, 1, 1), False),  # override: holiday on a Friday
        (D(2027, 1, 2), False),  # Sat, not listed: weekend
        (D(2027, 1, 4), True),  # Mon, not listed: working
        (D(2027, 2, 6), True),  # override: make-up Saturday
        (D(2027, 2, 7), False),  # Sun, not listed
        (D(2026, 10, 1), False),  # 2026 still comes from the library
        (D(2026, 10, 10), True),
    ],
)
def test_declared_year_follows_overrides_then_monday_to_friday(day: date, working: bool) -> None:
    assert CAL_2027.is_working_day(day) is working


@pytest.mark.parametrize(
    ("overrides", "day", "working"),
    [
        ({D(2026, 10, 8): False}, D(2026, 10, 8), False),  # library says working
        ({D(2026, 10, 11): True}, D(2026, 10, 11), True),  # library says Sunday rest
        ({D(2026, 10, 1): True}, D(2026, 10, 1), True),  # library says National Day
    ],
)
def test_override_wins_over_the_library(overrides: dict[date, bool], day: date, working: bool) -> None:
    assert WorkCalendar(overrides=overrides).is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # T-month-end example
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2027, 12, 31), 2, D(2028, 2, 29)),  # leap year has the 29th
        (D(2026, 1, 15), 6, D(2026, 7, 15)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # across a year end
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 31), 1, D(2026, 6, 30)),
    ],
)
def test_add_months_ends_on_the_corresponding_day_or_the_last_day(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (D(2024, 2, 29), 1, D(2025, 2, 28)),  # T-month-end example
        (D(2024, 2, 29), 2, D(2026, 2, 28)),
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
        (D(2025, 10, 3), 1, D(2026, 10, 3)),
    ],
)
def test_add_years_handles_29_february(start: date, years: int, expected: date) -> None:
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 9, 30), D(2026, 9, 30)),  # working day: unchanged
        (D(2026, 10, 1), D(2026, 10, 8)),
        (D(2026, 10, 7), D(2026, 10, 8)),
        (D(2026, 10, 10), D(2026, 10, 10)),  # make-up Saturday is a working day
        (D(2026, 10, 11), D(2026, 10, 12)),
        (D(2026, 9, 25), D(2026, 9, 28)),  # Mid-Autumn
        (D(2026, 9, 19), D(2026, 9, 20)),  # Sat → make-up Sunday
        (D(2026, 2, 15), D(2026, 2, 24)),  # Spring Festival
        (D(2026, 2, 28), D(2026, 2, 28)),  # make-up Saturday
        (D(2026, 5, 1), D(2026, 5, 6)),  # Labour Day
    ],
)
def test_roll_to_working_day_moves_a_rest_day_to_the_next_working_day(day: date, expected: date) -> None:
    assert roll_to_working_day(day) == expected


@pytest.mark.parametrize(
    ("trigger", "kwargs", "nominal", "due", "rules"),
    [
        # T-count: 3 days after 2026-09-27 ends 09-30 (working)
        (D(2026, 9, 27), {"days": 3}, D(2026, 9, 30), D(2026, 9, 30), ("T-count",)),
        # ... and after 09-28 it would end 10-01, a holiday → 10-08 (T-holiday)
        (D(2026, 9, 28), {"days": 3}, D(2026, 10, 1), D(2026, 10, 8), ("T-count", "T-holiday")),
        (D(2026, 1, 15), {"months": 6}, D(2026, 7, 15), D(2026, 7, 15), ("T-count", "T-month-end")),
        (
            D(2025, 10, 3),
            {"years": 1},
            D(2026, 10, 3),
            D(2026, 10, 8),
            ("T-count", "T-month-end", "T-holiday"),
        ),
        (D(2024, 2, 29), {"years": 1}, D(2025, 2, 28), D(2025, 2, 28), ("T-count", "T-month-end")),
    ],
)
def test_period_end(
    trigger: date, kwargs: dict[str, int], nominal: date, due: date, rules: tuple[str, ...]
) -> None:
    deadline = period_end(trigger, **kwargs)
    assert deadline.nominal == nominal
    assert deadline.due == due
    assert deadline.rules == rules
    assert deadline.rolled is (due != nominal)


def test_period_end_in_an_unknown_year_fails_closed() -> None:
    with pytest.raises(CalendarUnknown) as exc:
        period_end(D(2026, 8, 31), months=6)  # nominal 2027-02-28
    assert exc.value.year == 2027


def test_period_end_in_a_declared_year_uses_the_entered_schedule() -> None:
    # 2026-08-31 + 6 months = 2027-02-28, a Sunday in the declared year → Mon 2027-03-01.
    deadline = period_end(D(2026, 8, 31), months=6, cal=CAL_2027)
    assert deadline.nominal == D(2027, 2, 28)
    assert deadline.due == D(2027, 3, 1)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 9, 28), 5, D(2026, 10, 10)),  # 09-29, 09-30, 10-08, 10-09, 10-10 (make-up Sat)
        (D(2026, 10, 1), 5, D(2026, 10, 13)),  # 10-08, 10-09, 10-10, 10-12, 10-13
        (D(2026, 9, 25), 5, D(2026, 10, 9)),  # start on a holiday: not counted
        (D(2026, 9, 24), 1, D(2026, 9, 28)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Fri → make-up Sunday
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Fri → make-up Saturday
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # over the Spring Festival
    ],
)
def test_add_working_days_counts_from_the_day_after(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected
    deadline = working_days_deadline(start, n)
    assert deadline.due == expected
    assert deadline.nominal == expected
    assert deadline.rules == ("T-count", "T-workdays")


def test_add_working_days_into_an_unknown_year_fails_closed() -> None:
    # 12-29, 12-30, 12-31 are working; the 4th would need 2027.
    assert add_working_days(D(2026, 12, 28), 3) == D(2026, 12, 31)
    with pytest.raises(CalendarUnknown) as exc:
        add_working_days(D(2026, 12, 28), 4)
    assert exc.value.year == 2027


def test_add_working_days_into_a_declared_year() -> None:
    # 12-29, 12-30, 12-31, (2027-01-01 holiday, 01-02/03 weekend), 01-04
    assert add_working_days(D(2026, 12, 28), 4, CAL_2027) == D(2027, 1, 4)


def test_override_changes_a_working_day_count() -> None:
    # Sunday 2026-10-11 declared working: 10-08, 10-09, 10-10, 10-11, 10-12.
    cal = WorkCalendar(overrides={D(2026, 10, 11): True})
    assert add_working_days(D(2026, 10, 1), 5, cal) == D(2026, 10, 12)


@pytest.mark.parametrize("n", [0, -1])
def test_add_working_days_needs_a_positive_count(n: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(D(2026, 9, 28), n)
