from __future__ import annotations

from juzhu.policy.calendar import WorkCalendar
from juzhu.workcal.models import DeclaredYear, HolidayOverride


def work_calendar() -> WorkCalendar:
    """The calendar the rules use: overrides first, then chinese-calendar (a few hundred rows at most)."""
    overrides = dict(HolidayOverride.objects.values_list("date", "is_working_day"))
    declared = frozenset(DeclaredYear.objects.values_list("year", flat=True))
    return WorkCalendar(overrides=overrides, declared_years=declared)
