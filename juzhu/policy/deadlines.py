"""Deadlines the rules set, each a ``Deadline`` with the rules that computed it."""

from __future__ import annotations

from datetime import date, timedelta

from juzhu.policy.calendar import OFFICIAL, Deadline, WorkCalendar, period_end, working_days_deadline
from juzhu.policy.parameters import LINHE, JurisdictionPolicy


def issue_due(
    accepted_on: date, cal: WorkCalendar = OFFICIAL, policy: JurisdictionPolicy = LINHE
) -> Deadline:
    """LH-3.2-issue-15d: issue within 15 days of acceptance (T-count, T-holiday)."""
    d = period_end(accepted_on, days=policy.issue_limit_days, cal=cal)
    return Deadline(d.due, d.nominal, ("LH-3.2-issue-15d", *d.rules))


def issue_due_nominal(accepted_on: date, policy: JurisdictionPolicy = LINHE) -> date:
    """LH-3.2-issue-15d before any T-holiday roll: known even when next year's calendar is not."""
    return accepted_on + timedelta(days=policy.issue_limit_days)


def registration_due(
    arrived_on: date, cal: WorkCalendar = OFFICIAL, policy: JurisdictionPolicy = LINHE
) -> Deadline:
    """LH-4-register-3d: declare residence within 3 days of arriving (T-count, T-holiday)."""
    d = period_end(arrived_on, days=policy.register_declare_days, cal=cal)
    return Deadline(d.due, d.nominal, ("LH-4-register-3d", *d.rules))


def employer_report_due(
    signed_or_ended_on: date, cal: WorkCalendar = OFFICIAL, policy: JurisdictionPolicy = LINHE
) -> Deadline:
    """LH-4-employer-report-5wd: report within 5 working days (T-workdays)."""
    d = working_days_deadline(signed_or_ended_on, policy.employer_report_workdays, cal)
    return Deadline(d.due, d.nominal, ("LH-4-employer-report-5wd", *d.rules))


DEADLINE_KINDS = {
    "issue": issue_due,
    "registration": registration_due,
    "employer_report": employer_report_due,
}
