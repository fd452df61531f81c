"""What an action at the counter would do, before the clerk confirms it.  Nothing here writes.

Each preview gathers the same inputs as its service in ``juzhu.registry.services``, runs the
same checks in the same order (reusing the services' own helpers) and asks the same policy
function, so the preview a clerk reads out and the change the service then makes cannot
disagree.  A refusal is the same ``PolicyError`` the service would raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from juzhu.policy import divisions
from juzhu.policy.change import ChangeEffect
from juzhu.policy.deadlines import registration_due
from juzhu.policy.endorsement import (
    EndorsementDecision,
    EndorsementKind,
    EndorsementWindow,
    WindowState,
    endorsement_window,
    suspended_from,
    window_state,
)
from juzhu.policy.errors import CalendarUnknown, InvalidInput
from juzhu.policy.fees import Fee, fee_for
from juzhu.policy.identity import identity_parse
from juzhu.policy.lifecycle import PermitEvent, PermitStatus, permit_next
from juzhu.policy.materials import CaseKind, Requirement, checklist, docs_parse, missing
from juzhu.registry import clock
from juzhu.registry.models import Application, Permit, Person, PoliceStation, ResidenceRegistration
from juzhu.registry.selectors import jurisdiction, permit_get_by_number
from juzhu.registry.services import (
    _person_by_identity,
    _proxy_fields,
    _station,
    address_change_check,
    address_change_station_require,
    application_admissible,
    application_replaceable_online,
    endorsement_check,
    moving_date_check,
    registration_dates_check,
    registration_order_check,
)
from juzhu.workcal.selectors import work_calendar

APPLICATION_KINDS = (CaseKind.FIRST_ISSUE, CaseKind.REPLACEMENT, CaseKind.REISSUE)


# --------------------------------------------------------------------------- endorsement


@dataclass(frozen=True)
class EndorsementState:
    state: WindowState
    window: EndorsementWindow
    suspended_from: date | None
    rules: tuple[str, ...]


def endorsement_state(permit: Permit, on: date) -> EndorsementState:
    """Early, in the window, or late on ``on`` — the same dates ``endorsement_decide`` uses."""
    policy = jurisdiction()
    cal = work_calendar()
    window = endorsement_window(permit.next_anniversary, cal, policy)
    if permit.status == PermitStatus.VOID:
        return EndorsementState(WindowState.VOID, window, None, ("LH-3.2-replace",))
    state = window_state(window, on, cal)
    if state is WindowState.EARLY or state is WindowState.IN_WINDOW:
        return EndorsementState(state, window, None, window.rules)
    if state is WindowState.UNDECIDED:
        return EndorsementState(state, window, None, (*window.rules, "T-holiday"))
    return EndorsementState(
        WindowState.LATE,
        window,
        suspended_from(permit.next_anniversary, cal),
        ("LH-3.2-endorse-overdue", "LH-3.2-endorse-late"),
    )


@dataclass(frozen=True)
class EndorsePreview:
    permit: Permit
    decision: EndorsementDecision
    status_before: PermitStatus
    status_after: PermitStatus
    residence_since_before: date
    residence_since_after: date
    next_anniversary_before: date
    next_anniversary_after: date

    @property
    def late(self) -> bool:
        return self.decision.kind is EndorsementKind.LATE

    @property
    def restarts_residence(self) -> bool:
        return self.residence_since_after != self.residence_since_before


def endorse_preview(
    *, number: str, documents: list[str], proxy: dict[str, str] | None = None, on: date | None = None
) -> EndorsePreview:
    """``services.permit_endorse`` without the writing: on time, or late with the period restarting."""
    policy = jurisdiction()
    permit = permit_get_by_number(number)
    today = on or clock.today()
    decision = endorsement_check(
        permit, documents=documents, proxy=proxy, on=today, cal=work_calendar(), policy=policy
    )
    status = PermitStatus(permit.status)
    if decision.kind is EndorsementKind.LATE:
        before_late = (
            permit_next(PermitStatus.VALID, PermitEvent.SUSPENDED) if status is PermitStatus.VALID else status
        )
        after = permit_next(before_late, PermitEvent.ENDORSED_LATE)
    else:
        after = permit_next(status, PermitEvent.ENDORSED)
    return EndorsePreview(
        permit=permit,
        decision=decision,
        status_before=status,
        status_after=after,
        residence_since_before=permit.residence_since,
        residence_since_after=decision.residence_since or permit.residence_since,
        next_anniversary_before=permit.next_anniversary,
        next_anniversary_after=decision.next_anniversary,
    )


# --------------------------------------------------------------------------- address change


@dataclass(frozen=True)
class RegistrationDue:
    """LH-4-register-3d for a declaration: the due date (None while the year is unknown) and on time."""

    arrived_on: date
    declared_on: date
    due_on: date | None
    on_time: bool | None
    rules: tuple[str, ...]


def _registration_due(arrived_on: date, declared_on: date) -> RegistrationDue:
    try:
        d = registration_due(arrived_on, work_calendar(), jurisdiction())
    except CalendarUnknown:
        return RegistrationDue(arrived_on, declared_on, None, None, ("LH-4-register-3d", "T-holiday"))
    return RegistrationDue(arrived_on, declared_on, d.due, declared_on <= d.due, d.rules)


@dataclass(frozen=True)
class ChangePreview:
    permit: Permit
    effect: ChangeEffect
    new_address: str
    new_division: divisions.Division
    station: PoliceStation | None
    registration: RegistrationDue | None  # the change registration at the new station (LH-4-register-3d)

    @property
    def restarts(self) -> bool:
        return (
            self.effect.issue_date != self.permit.issue_date
            or self.effect.residence_since != self.permit.residence_since
        )


def address_change_preview(
    *,
    number: str,
    new_address: str,
    new_division: str,
    documents: list[str],
    police_station: str | None = None,
    moved_on: date | None = None,
    on: date | None = None,
) -> ChangePreview:
    """``services.permit_change_address`` without the writing: issue date and period kept or restarted."""
    address_change_station_require(new_division, police_station, jurisdiction())
    permit = permit_get_by_number(number)
    today = on or clock.today()
    _, effect, station = address_change_check(
        permit, new_division=new_division, documents=documents, police_station=police_station, on=today
    )
    division = divisions.division_get(new_division)
    registration = None
    if station is not None:
        moved = moving_date_check(moved_on, today)
        registration = _registration_due(moved, today)
    return ChangePreview(permit, effect, new_address, division, station, registration)


# --------------------------------------------------------------------------- applications


@dataclass(frozen=True)
class ApplicationPreview:
    person: Person
    kind: CaseKind
    checklist: tuple[Requirement, ...]
    missing: tuple[Requirement, ...]  # a one-time notice will list these (LH-3.2-one-time-notice)
    fee: Fee
    old_permit: Permit | None  # the card a replacement or reissue supersedes
    proxy: dict[str, str]
    replaces: Application | None = None  # the online pre-application the counter's case withdraws


def application_preview(
    *,
    kind: CaseKind | str,
    identity_number: str,
    police_station: str,
    documents: list[str],
    proxy: dict[str, str] | None = None,
    on: date | None = None,
) -> ApplicationPreview:
    """``services.application_submit`` without the writing, plus the fee the case will cost (LH-3.2-fees)."""
    today = on or clock.today()
    try:
        case_kind = CaseKind(kind)
    except ValueError:
        case_kind = CaseKind.ENDORSEMENT  # refused just below, as the service refuses it
    if case_kind not in APPLICATION_KINDS:
        raise InvalidInput(
            rule="LH-3.2-replace",
            code="application-kind",
            zh="申请类型须为首次申领、换领或补领。",
            en="The application kind must be first_issue, replacement or reissue.",
            fields=("kind",),
        )
    person = _person_by_identity(identity_number)
    docs = docs_parse(documents)
    _station(police_station)
    proxy_fields = _proxy_fields(person, proxy, today)
    live = application_admissible(person, case_kind)
    reqs = checklist(case_kind, proxy=bool(proxy))
    return ApplicationPreview(
        person=person,
        kind=case_kind,
        checklist=reqs,
        missing=missing(reqs, docs),
        fee=fee_for(case_kind, jurisdiction()),
        old_permit=live if case_kind is not CaseKind.FIRST_ISSUE else None,
        proxy=proxy_fields,
        replaces=application_replaceable_online(person),
    )


# --------------------------------------------------------------------------- registration


@dataclass(frozen=True)
class RegistrationPreview:
    identity_number: str
    person: Person | None  # None: a new person
    station: PoliceStation
    hukou: divisions.Division
    due: RegistrationDue
    ends: ResidenceRegistration | None  # the open registration this one ends


def registration_preview(
    *,
    identity_number: str,
    hukou_division: str,
    police_station: str,
    arrived_on: date,
    declared_on: date | None = None,
    on: date | None = None,
) -> RegistrationPreview:
    """``services.residence_register`` without the writing: its due date and whether it is on time."""
    today = on or clock.today()
    declared = declared_on or today
    info = identity_parse(identity_number, today)
    hukou = divisions.county_get(hukou_division, field="hukou_division")
    station = _station(police_station)
    registration_dates_check(arrived_on, declared, today)
    person = Person.objects.filter(identity_number=info.number).first()
    previous = (
        ResidenceRegistration.objects.filter(person=person, ended_on__isnull=True).first()
        if person is not None
        else None
    )
    registration_order_check(previous, declared)
    return RegistrationPreview(
        info.number, person, station, hukou, _registration_due(arrived_on, declared), previous
    )
