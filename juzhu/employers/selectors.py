"""Read-only queries of employers: who may see which employer, rosters, and compliance on a date.

Nothing here writes.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.db.models import Q, QuerySet

from juzhu.accounts.selectors import staff_profile, staff_require
from juzhu.employers.models import DesignatedStaffEntry, Employer, EmployerMembership, EmploymentRecord
from juzhu.policy.calendar import WorkCalendar
from juzhu.policy.employers import needs_designated_staff, report_on_time
from juzhu.policy.errors import CalendarUnknown, Forbidden, NotFound, Reason
from juzhu.policy.identity import identity_mask
from juzhu.policy.parameters import LINHE, JurisdictionPolicy
from juzhu.registry.selectors import jurisdiction
from juzhu.workcal.selectors import work_calendar

EMPLOYER_CAPABILITY = "employer"


# --------------------------------------------------------------------------- access


def _other_employer() -> Forbidden:
    return Forbidden(
        rule="N-17-confidentiality",
        code="other-employer",
        zh="用人单位账号只能查看和报告本单位的从业人员。",
        en="An employer account may see and report only its own employer's staff.",
        fields=("employer_id",),
    )


def employer_not_found() -> NotFound:
    return NotFound(
        rule="LH-4-employer-record",
        code="employer-not-found",
        zh="未找到该用人单位。",
        en="Employer not found.",
        fields=("employer_id",),
    )


def is_employer_account(user: Any) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.can(EMPLOYER_CAPABILITY)


def employer_get_for(user: Any, employer_id: int, *, staff_capability: str = "read") -> Employer:
    """The employer, if ``user`` may act on it; else Forbidden (or NotFound for staff).

    An employer account reaches only the employers it is a member of; it is refused before
    the lookup, so it cannot learn which other ids exist.  Staff need ``staff_capability``
    ("read" to look, "counter" to record) in the employer's division.
    """
    if is_employer_account(user):
        if not EmployerMembership.objects.filter(user=user, employer_id=employer_id).exists():
            raise _other_employer()
        employer = Employer.objects.filter(pk=employer_id).first()
        if employer is None:  # a membership cannot outlive its employer (CASCADE); defensive
            raise employer_not_found()
        return employer
    staff_require(user, staff_capability)
    employer = Employer.objects.filter(pk=employer_id).first()
    if employer is None:
        raise employer_not_found()
    staff_require(user, staff_capability, employer.division_code)
    return employer


# --------------------------------------------------------------------------- roster


def employed_on_q(on: date) -> Q:
    """Employed on ``on``: signed on or before it, not yet ended.  On the day the relation ends the
    person no longer counts (the relation ended that day)."""
    return Q(hired_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def migrant_count_on(employer: Employer, on: date) -> int:
    """LH-4-employer-staff-100: migrant staff employed on ``on``.  Every employment record is of a
    migrant: the roster is the employer's list of 流动人口 staff (LH-4-employer-record)."""
    return EmploymentRecord.objects.filter(employed_on_q(on), employer=employer).count()


@dataclass(frozen=True)
class RosterEntry:
    id: int
    name: str
    identity_number_masked: str
    hired_on: date
    hire_reported_on: date | None
    hire_due_on: date | None
    hire_on_time: bool | None
    ended_on: date | None
    end_reported_on: date | None
    end_due_on: date | None
    end_on_time: bool | None


def roster_entry(r: EmploymentRecord) -> RosterEntry:
    """N-17-confidentiality: lists show the identity number masked."""
    return RosterEntry(
        id=r.pk,
        name=r.name,
        identity_number_masked=identity_mask(r.identity_number),
        hired_on=r.hired_on,
        hire_reported_on=r.hire_reported_on,
        hire_due_on=r.hire_due_on,
        hire_on_time=r.hire_on_time,
        ended_on=r.ended_on,
        end_reported_on=r.end_reported_on,
        end_due_on=r.end_due_on,
        end_on_time=r.end_on_time,
    )


def employer_roster(
    employer: Employer, *, on: date | None = None, include_ended: bool = False
) -> QuerySet[EmploymentRecord]:
    """Staff employed on ``on`` (default: currently open records), or every record ever."""
    qs = EmploymentRecord.objects.filter(employer=employer)
    if not include_ended:
        qs = qs.filter(employed_on_q(on) if on is not None else Q(ended_on__isnull=True))
    return qs.order_by("-hired_on", "-id")


def employment_persons(ids: Iterable[int]) -> dict[int, int | None]:
    """The register's person behind each employment record (None: a migrant the register does not know)."""
    return dict(EmploymentRecord.objects.filter(pk__in=list(ids)).values_list("pk", "person_id"))


# --------------------------------------------------------------------------- compliance


class Standing(enum.Enum):
    """A report's standing on a date (LH-4-employer-report-5wd)."""

    ON_TIME = "on_time"
    LATE = "late"
    PENDING = "pending"  # not reported yet, still within the 5 working days
    MISSING = "missing"  # not reported, and the due day has passed
    UNDETERMINED = "undetermined"  # needs a year whose holiday calendar is not entered (T-workdays)


def report_standing(
    event_on: date,
    reported_on: date | None,
    on: date,
    cal: WorkCalendar,
    policy: JurisdictionPolicy = LINHE,
) -> Standing:
    """Standing on ``on`` of the report of a hire or departure on ``event_on``.

    A report made after ``on`` did not exist yet on ``on`` (history-exact).  Unreported on ``on``
    is missing when ``on`` is after the due day: the same test as a report dated ``on`` being
    late, so only the days before ``on`` need a known calendar.
    """
    try:
        if reported_on is not None and reported_on <= on:
            return Standing.ON_TIME if report_on_time(event_on, reported_on, cal, policy) else Standing.LATE
        return Standing.PENDING if report_on_time(event_on, on, cal, policy) else Standing.MISSING
    except CalendarUnknown:
        return Standing.UNDETERMINED


@dataclass(frozen=True)
class ReportItem:
    employment_id: int
    kind: Literal["hire", "departure"]
    name: str
    identity_number_masked: str
    event_on: date
    due_on: date | None
    reported_on: date | None  # as known on the compliance date
    standing: Standing


@dataclass(frozen=True)
class Compliance:
    employer: Employer
    on: date
    migrant_count: int
    designated_staff_required: bool
    designated_staff_name: str  # who was designated on ``on`` ("" for nobody)
    late: tuple[ReportItem, ...]
    missing: tuple[ReportItem, ...]
    undetermined: tuple[ReportItem, ...]
    reasons: tuple[Reason, ...]  # each way the employer falls short on ``on``, with its rule

    @property
    def compliant(self) -> bool:
        return not self.reasons


def designated_staff_on(employer: Employer, on: date) -> str:
    """The designated staff member's name on ``on`` from the append-only history ("" for nobody)."""
    entry = (
        DesignatedStaffEntry.objects.filter(employer=employer, effective_on__lte=on)
        .order_by("-effective_on", "-id")
        .first()
    )
    return entry.name if entry is not None else ""


def _item(r: EmploymentRecord, kind: Literal["hire", "departure"], on: date, cal: WorkCalendar) -> ReportItem:
    if kind == "hire":
        event_on, reported_on, due_on, stored = r.hired_on, r.hire_reported_on, r.hire_due_on, r.hire_on_time
    else:
        if r.ended_on is None:  # only called for ended records
            raise ValueError("a departure item needs an end date")
        event_on, reported_on, due_on, stored = r.ended_on, r.end_reported_on, r.end_due_on, r.end_on_time
    known = reported_on if reported_on is not None and reported_on <= on else None
    if known is not None and stored is not None:
        standing = Standing.ON_TIME if stored else Standing.LATE  # judged when reported
    else:
        standing = report_standing(event_on, known, on, cal, jurisdiction())
    return ReportItem(
        employment_id=r.pk,
        kind=kind,
        name=r.name,
        identity_number_masked=identity_mask(r.identity_number),
        event_on=event_on,
        due_on=due_on,
        reported_on=known,
        standing=standing,
    )


def employer_compliance(employer: Employer, on: date) -> Compliance:
    """Late and missing reports (LH-4-employer-report-5wd) and the designated-staff duty
    (LH-4-employer-staff-100) as they stood on ``on``."""
    policy = jurisdiction()
    cal = work_calendar()
    items: list[ReportItem] = []
    for r in EmploymentRecord.objects.filter(employer=employer, hired_on__lte=on).order_by("hired_on", "id"):
        items.append(_item(r, "hire", on, cal))
        if r.ended_on is not None and r.ended_on <= on:
            items.append(_item(r, "departure", on, cal))
    late = tuple(i for i in items if i.standing is Standing.LATE)
    missing = tuple(i for i in items if i.standing is Standing.MISSING)
    undetermined = tuple(i for i in items if i.standing is Standing.UNDETERMINED)
    count = migrant_count_on(employer, on)
    required = needs_designated_staff(count, policy)
    staff = designated_staff_on(employer, on)
    reasons: list[Reason] = []
    if required and not staff:
        limit = policy.employer_staff_threshold
        reasons.append(
            Reason(
                rule="LH-4-employer-staff-100",
                code="designated-staff-missing",
                zh=f"流动人口从业人员{count}人，超过{limit}人，应当确定流动人口服务管理专（兼）职人员。",
                en=f"{count} migrant employees, more than {limit}: designated migrant-affairs staff are required.",
            )
        )
    if late:
        reasons.append(
            Reason(
                rule="LH-4-employer-report-5wd",
                code="reports-late",
                zh=f"{len(late)}项招用或解除劳动关系报告超过{policy.employer_report_workdays}个工作日。",
                en=f"{len(late)} hire or departure report(s) made after {policy.employer_report_workdays} "
                "working days.",
            )
        )
    if missing:
        reasons.append(
            Reason(
                rule="LH-4-employer-report-5wd",
                code="reports-missing",
                zh=f"{len(missing)}项招用或解除劳动关系逾期未报告。",
                en=f"{len(missing)} hire or departure report(s) overdue and not made.",
            )
        )
    return Compliance(
        employer=employer,
        on=on,
        migrant_count=count,
        designated_staff_required=required,
        designated_staff_name=staff,
        late=late,
        missing=missing,
        undetermined=undetermined,
        reasons=tuple(reasons),
    )
