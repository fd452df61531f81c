"""Employers' duties (LH-4-employer-staff-100, LH-4-employer-report-5wd)."""

from __future__ import annotations

from datetime import date, timedelta

from juzhu.policy.calendar import OFFICIAL, WorkCalendar
from juzhu.policy.errors import InvalidInput
from juzhu.policy.parameters import LINHE, JurisdictionPolicy


def needs_designated_staff(migrant_count: int, policy: JurisdictionPolicy = LINHE) -> bool:
    """LH-4-employer-staff-100: "超过百人" — more than 100, so 101 or more (T-inclusive)."""
    if migrant_count < 0:
        raise InvalidInput(
            rule="LH-4-employer-staff-100",
            code="migrant-count-negative",
            zh="流动人口从业人数不能为负数。",
            en="The number of migrant employees cannot be negative.",
            fields=("migrant_count",),
        )
    return migrant_count > policy.employer_staff_threshold


def report_on_time(
    event_on: date,
    reported_on: date,
    cal: WorkCalendar = OFFICIAL,
    policy: JurisdictionPolicy = LINHE,
) -> bool:
    """LH-4-employer-report-5wd: on time when reported on or before the 5th working day after the
    labour relation was signed or ended (T-count, T-workdays); the due day itself is on time.

    Equivalent to ``reported_on <= employer_report_due(event_on).due``, but counts only the days
    before ``reported_on``, so an early report is judged even when the due day falls in a year
    whose holiday calendar is not yet known; a late one still fails closed (CalendarUnknown).
    """
    if reported_on < event_on:
        raise InvalidInput(
            rule="LH-4-employer-report-5wd",
            code="report-before-event",
            zh="报告日期不能早于签订或解除劳动关系的日期。",
            en="The report cannot be dated before the labour relation was signed or ended.",
            fields=("reported_on",),
        )
    counted = 0
    d = event_on + timedelta(days=1)
    while d < reported_on:
        if cal.is_working_day(d):
            counted += 1
            if counted >= policy.employer_report_workdays:
                return False  # the due day was before the report
        d += timedelta(days=1)
    return True
