"""Read-only queries of enforcement: the late-registration feed and cases with their history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from juzhu.enforcement.models import Case, CaseEvent
from juzhu.policy.calendar import WorkCalendar
from juzhu.policy.deadlines import registration_due
from juzhu.policy.errors import CalendarUnknown, NotFound
from juzhu.policy.parameters import LINHE, JurisdictionPolicy
from juzhu.registry.models import ResidenceRegistration
from juzhu.workcal.selectors import work_calendar

FEED_LIMIT_MAX = 500


@dataclass(frozen=True)
class DueResolution:
    """A registration's LH-4-register-3d due date: as stored, or worked out now.

    ``due_on`` is None only while the holiday calendar of the due year is still unknown and the
    declaration came after the nominal last day (arrival + 3): only then is lateness undecided.
    """

    due_on: date | None
    late: bool | None
    resolved_now: bool  # the stored due date was unknown; computed from today's calendar


def registration_due_resolve(
    reg: ResidenceRegistration, cal: WorkCalendar, policy: JurisdictionPolicy = LINHE
) -> DueResolution:
    if reg.due_on is not None:
        late = reg.on_time is False if reg.on_time is not None else reg.declared_on > reg.due_on
        return DueResolution(reg.due_on, late, resolved_now=False)
    if reg.on_time is not None:
        # Recorded on time with no due date (e.g. the change registration of a permit address
        # change, declared on arrival): nothing to resolve.
        return DueResolution(None, not reg.on_time, resolved_now=False)
    try:
        due = registration_due(reg.arrived_on, cal, policy).due
    except CalendarUnknown:
        # T-holiday only ever moves the last day later: a declaration by the nominal day is on time.
        nominal = registration_due_nominal(reg.arrived_on, policy)
        return DueResolution(None, False if reg.declared_on <= nominal else None, resolved_now=False)
    return DueResolution(due, reg.declared_on > due, resolved_now=True)


def registration_due_nominal(arrived_on: date, policy: JurisdictionPolicy = LINHE) -> date:
    """LH-4-register-3d before any T-holiday roll (T-count: the day after arrival is day one)."""
    return arrived_on + timedelta(days=policy.register_declare_days)


@dataclass(frozen=True)
class LateRegistration:
    registration: ResidenceRegistration
    due_on: date
    days_late: int
    resolved_now: bool


def late_registrations(
    *, police_station: str | None = None, limit: int = 100, policy: JurisdictionPolicy = LINHE
) -> list[LateRegistration]:
    """The enforcement feed (LH-4-register-3d): registrations, initial or change, declared after
    their due date, that no case concerns yet; the longest-overdue first.

    A registration with any case, open or closed, is left out: one breach is dealt with once
    (行政处罚法 art. 29, 一事不再罚).  Rows stored with an unknown due date (that year's holiday
    calendar was not yet entered when declared) are resolved against today's calendar; those still
    undecidable stay out until an administrator enters the calendar.
    """
    limit = max(1, min(limit, FEED_LIMIT_MAX))
    base = ResidenceRegistration.objects.select_related("person", "police_station").filter(
        enforcement_cases__isnull=True
    )
    if police_station:
        base = base.filter(police_station__code=police_station)
    found = [
        LateRegistration(reg, reg.due_on, (reg.declared_on - reg.due_on).days, resolved_now=False)
        for reg in base.filter(on_time=False, due_on__isnull=False).order_by("due_on", "id")[:limit]
        if reg.due_on is not None
    ]
    # Few rows: only declarations made while the due year's calendar was unknown.
    cal = work_calendar()
    for reg in base.filter(on_time__isnull=True, due_on__isnull=True):
        r = registration_due_resolve(reg, cal, policy)
        if r.late and r.due_on is not None:
            found.append(LateRegistration(reg, r.due_on, (reg.declared_on - r.due_on).days, r.resolved_now))
    found.sort(key=lambda f: (f.due_on, f.registration.pk))
    return found[:limit]


def _case_not_found() -> NotFound:
    return NotFound(
        rule="LH-4-register-penalty",
        code="not-found",
        zh="未找到该案件。",
        en="Case not found.",
        fields=("case_id",),
    )


def case_get(case_id: int) -> Case:
    case = (
        Case.objects.select_related("person", "employer", "registration", "officer")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise _case_not_found()
    return case


def case_events(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.select_related("actor").filter(case=case).order_by("seq"))


def cases_list(*, status: Sequence[str] | None = None, offender: str | None = None) -> QuerySet[Case]:
    """Cases, the newest warning first."""
    qs = Case.objects.select_related("person", "employer", "officer")
    if status:
        qs = qs.filter(status__in=status)
    if offender:
        qs = qs.filter(offender=offender)
    return qs.order_by("-warned_on", "-id")
