"""Dates, periods and working days (T-count, T-month-end, T-holiday, T-workdays).

The official working-day calendar is ``chinese-calendar`` (2004–2026 at the
time of writing), consulted *after* an override table that an administrator
fills from the State Council's annual holiday notice.  A date that neither
knows raises ``CalendarUnknown`` — never a silent Monday–Friday guess.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from juzhu.policy.errors import CalendarUnknown

# The dates a person may type into any form or API field.  The rules' arithmetic on a date (15 days,
# six months, a year, a month's end) must never leave Python's ``date`` range: a year like 9999 is a
# typing error, refused naming its field, not a 500.  Input sanity, shared by every entry point.
INPUT_DATE_MIN = date(1900, 1, 1)
INPUT_DATE_MAX = date(2999, 12, 31)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are official working days.

    ``overrides`` maps a date to True (working) or False (rest), and wins over
    the library.  ``declared_years`` are years whose whole holiday schedule has
    been entered as overrides: there, a day not listed follows Monday–Friday.
    """

    overrides: Mapping[date, bool] = field(default_factory=dict)
    declared_years: frozenset[int] = frozenset()

    def is_working_day(self, d: date) -> bool:
        """T-workdays: Mon–Fri that are not public holidays, plus 调休 make-up days."""
        if d in self.overrides:
            return self.overrides[d]
        if d.year in self.declared_years:
            return d.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(d))
        except NotImplementedError:  # the library's way of saying "year unknown"
            raise CalendarUnknown(d.year) from None

    def knows_year(self, year: int) -> bool:
        try:
            self.is_working_day(date(year, 1, 1))
        except CalendarUnknown:
            return False
        return True


OFFICIAL = WorkCalendar()


@dataclass(frozen=True)
class Deadline:
    """A computed last day, with the nominal day before any holiday roll and the rules applied."""

    due: date
    nominal: date
    rules: tuple[str, ...]

    @property
    def rolled(self) -> bool:
        return self.due != self.nominal


def add_months(d: date, months: int) -> date:
    """T-month-end: the corresponding day of the final month, or its last day if it has none."""
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    last = _stdcal.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def add_years(d: date, years: int) -> date:
    """T-month-end: 2024-02-29 + 1 year = 2025-02-28."""
    return add_months(d, 12 * years)


def is_working_day(d: date, cal: WorkCalendar = OFFICIAL) -> bool:
    return cal.is_working_day(d)


def roll_to_working_day(d: date, cal: WorkCalendar = OFFICIAL) -> date:
    """T-holiday: a last day that is a statutory rest day moves to the next working day."""
    while not cal.is_working_day(d):
        d += timedelta(days=1)
    return d


def period_end(
    trigger: date,
    *,
    days: int = 0,
    months: int = 0,
    years: int = 0,
    cal: WorkCalendar = OFFICIAL,
) -> Deadline:
    """Last day of a period that begins on the day after ``trigger`` (T-count).

    A period of n days ends on trigger + n; a period of months or years on the
    corresponding day (T-month-end); a last day that is a rest day moves to the
    next working day (T-holiday).
    """
    nominal = add_months(trigger, 12 * years + months) + timedelta(days=days)
    rules = ["T-count"]
    if months or years:
        rules.append("T-month-end")
    due = roll_to_working_day(nominal, cal)
    if due != nominal:
        rules.append("T-holiday")
    return Deadline(due=due, nominal=nominal, rules=tuple(rules))


def add_working_days(d: date, n: int, cal: WorkCalendar = OFFICIAL) -> date:
    """The n-th working day after ``d``, counting from the day after (T-count, T-workdays).

    Unlike ``chinese_calendar.find_workday``, a rest day ``d`` is not counted.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    count = 0
    while count < n:
        d += timedelta(days=1)
        if cal.is_working_day(d):
            count += 1
    return d


def working_days_deadline(trigger: date, n: int, cal: WorkCalendar = OFFICIAL) -> Deadline:
    due = add_working_days(trigger, n, cal)
    return Deadline(due=due, nominal=due, rules=("T-count", "T-workdays"))
