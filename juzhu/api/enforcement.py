"""v1 API: enforcement (issue 3) — the late-registration feed and cases (LH-4-register-3d,
LH-4-register-penalty, LH-4-employer-penalty).

Clerks (``counter``) warn, order and record corrections; only a supervisor (``decide``) fines.
Every case answer carries its append-only history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, P, Query, QueryEx, Router, Schema, Status

from juzhu.accounts.selectors import staff_require
from juzhu.api.auth import STAFF_AUTH
from juzhu.api.errors import request_lang
from juzhu.api.idempotency import run_idempotent
from juzhu.api.v1 import InDate
from juzhu.enforcement import selectors, services
from juzhu.enforcement.models import EMPLOYER_DUTIES, PERSON_DUTIES, Case, CaseEvent
from juzhu.policy.calendar import roll_to_working_day
from juzhu.policy.errors import CalendarUnknown, Lang
from juzhu.policy.identity import identity_mask
from juzhu.policy.penalties import CASE_STATUS_LABELS, CaseStatus, Offender, fine_range
from juzhu.registry.selectors import jurisdiction, mask_name
from juzhu.sharing.access import Whose, access_record, access_record_each, access_record_list, reader_of
from juzhu.workcal.selectors import work_calendar

router = Router(auth=STAFF_AUTH)
public = Router(auth=None)

TAGS = ["执法 enforcement"]
DutyCode = Literal[(*PERSON_DUTIES, *EMPLOYER_DUTIES)]  # type: ignore[valid-type]


# ----------------------------------------------------------------------------- schemas


class LateRegistrationOut(Schema):
    registration_id: int
    kind: str = Field(..., description="initial 居住登记 / change 变更登记: the same 3-day duty")
    person_id: int
    holder: str = Field(..., description="masked name")
    identity_number_masked: str
    police_station: str
    address: str
    arrived_on: date
    due_on: date = Field(..., description="LH-4-register-3d: arrival + 3 days, rolled by T-holiday")
    declared_on: date
    days_late: int
    due_resolved_now: bool = Field(..., description="the due date was unknown when declared; computed now")
    rule: str = "LH-4-register-3d"


class CaseIn(Schema):
    offender: Literal["person", "employer"] = "person"
    registration_id: int | None = Field(None, description="a late registration from the feed (one step)")
    identity_number: str | None = Field(None, description="the person, when no registration is given")
    employer_id: int | None = None
    credit_code: str | None = Field(None, description="统一社会信用代码, instead of employer_id")
    duty_rule: DutyCode | None = Field(
        None, description="the duty broken; default LH-4-register-3d for a person"
    )
    facts: dict[str, str | int | bool | None] = Field(default_factory=dict, max_length=20)
    description: str = Field("", max_length=1000)


class OrderIn(Schema):
    deadline: InDate = Field(..., description="the last day to correct; after the warning and the order")


class CorrectIn(Schema):
    note: str = Field("", max_length=500)


class FineIn(Schema):
    # Deliberately no range here: an amount outside it is refused by the rule itself, naming it.
    amount: Decimal = Field(..., description="yuan, whole fen; 50–200 for a person, 500–1000 for an employer")


class PartyOut(Schema):
    id: int
    name: str = Field(..., description="a person's name is masked")
    identity_number_masked: str | None = None
    credit_code: str | None = None


class CaseEventOut(Schema):
    seq: int
    action: str
    on: date
    actor: str
    from_status: str
    to_status: str
    rule: str
    data: dict[str, Any]


class RangeOut(Schema):
    low: Decimal
    high: Decimal


class CaseOut(Schema):
    id: int
    number: str
    offender: str
    rule: str
    duty_rule: str
    status: str
    status_label: str
    open: bool
    person: PartyOut | None
    employer: PartyOut | None
    registration_id: int | None
    facts: dict[str, Any]
    description: str
    warned_on: date
    officer: str
    ordered_on: date | None
    deadline: date | None
    deadline_last_day: date | None = Field(
        None, description="the deadline rolled by T-holiday; null while that year's calendar is unknown"
    )
    corrected_on: date | None
    fined_on: date | None
    fine_amount: Decimal | None
    fine_range: RangeOut
    history: list[CaseEventOut]


def _last_day(d: date | None) -> date | None:
    if d is None:
        return None
    try:
        return roll_to_working_day(d, work_calendar())
    except CalendarUnknown:
        return None


def _event_out(e: CaseEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "action": e.action,
        "on": e.on,
        "actor": e.actor.get_username() if e.actor is not None else "system",
        "from_status": e.from_status,
        "to_status": e.to_status,
        "rule": e.rule,
        "data": e.data,
    }


def _case_out(case: Case, lang: Lang) -> dict[str, Any]:
    zh, en = CASE_STATUS_LABELS[CaseStatus(case.status)]
    r = fine_range(Offender(case.offender), jurisdiction())
    person = case.person
    employer = case.employer
    return {
        "id": case.pk,
        "number": case.number,
        "offender": case.offender,
        "rule": case.rule,
        "duty_rule": case.duty_rule,
        "status": case.status,
        "status_label": en if lang == "en" else zh,
        "open": case.is_open,
        "person": (
            {
                "id": person.pk,
                "name": mask_name(person.name),
                "identity_number_masked": identity_mask(person.identity_number),
            }
            if person is not None
            else None
        ),
        "employer": (
            {"id": employer.pk, "name": employer.name, "credit_code": employer.credit_code}
            if employer is not None
            else None
        ),
        "registration_id": case.registration_id,
        "facts": case.facts,
        "description": case.description,
        "warned_on": case.warned_on,
        "officer": case.officer.get_username(),
        "ordered_on": case.ordered_on,
        "deadline": case.deadline,
        "deadline_last_day": _last_day(case.deadline),
        "corrected_on": case.corrected_on,
        "fined_on": case.fined_on,
        "fine_amount": case.fine_amount,
        "fine_range": {"low": r.low, "high": r.high},
        "history": [_event_out(e) for e in selectors.case_events(case)],
    }


# ----------------------------------------------------------------------------- operations


@router.get(
    "/enforcement/late-registrations",
    response=list[LateRegistrationOut],
    tags=TAGS,
    summary="Registrations declared late with no case yet: the enforcement feed (LH-4-register-3d)",
)
def late_registrations(
    request: HttpRequest,
    police_station: str | None = None,
    limit: QueryEx[int, P(ge=1, le=selectors.FEED_LIMIT_MAX)] = 100,
) -> list[dict[str, Any]]:
    staff_require(request.user, "counter", jurisdiction().division_code)
    with transaction.atomic():
        feed = selectors.late_registrations(police_station=police_station, limit=limit)
        # Each line shows the address in full: a read of each person (docs/decisions/0011).
        access_record_each(
            reader_of(request),
            "api.late_registrations",
            [Whose.of(f.registration.person_id, f.registration) for f in feed],
        )
    return [
        {
            "registration_id": f.registration.pk,
            "kind": f.registration.kind,
            "person_id": f.registration.person_id,
            "holder": mask_name(f.registration.person.name),
            "identity_number_masked": identity_mask(f.registration.person.identity_number),
            "police_station": f.registration.police_station.code,
            "address": f.registration.address,
            "arrived_on": f.registration.arrived_on,
            "due_on": f.due_on,
            "declared_on": f.registration.declared_on,
            "days_late": f.days_late,
            "due_resolved_now": f.resolved_now,
        }
        for f in feed
    ]


@router.post(
    "/enforcement/cases",
    response={201: CaseOut},
    tags=TAGS,
    summary="Open a case with a warning (警告) against a person or an employer",
)
def case_create(request: HttpRequest, payload: CaseIn) -> Status[Any]:
    lang = request_lang(request)

    def make() -> dict[str, Any]:
        case = services.case_open_with_warning(actor=request.user, **payload.dict())
        return _case_out(selectors.case_get(case.pk), lang)

    return run_idempotent(request, 201, make)


@router.get(
    "/enforcement/cases", response=list[CaseOut], tags=TAGS, summary="Cases, the newest warning first"
)
def case_list(
    request: HttpRequest,
    status: Query[list[Literal["warned", "ordered", "corrected", "fined"]] | None] = None,
    offender: Literal["person", "employer"] | None = None,
    limit: QueryEx[int, P(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    staff_require(request.user, "counter", jurisdiction().division_code)
    lang = request_lang(request)
    with transaction.atomic():
        body = [_case_out(c, lang) for c in selectors.cases_list(status=status, offender=offender)[:limit]]
        # A person's name and number are masked in a case: one row for the list.
        access_record_list(reader_of(request), "api.cases", len(body))
    return body


@router.get(
    "/enforcement/cases/{case_id}", response=CaseOut, tags=TAGS, summary="A case with its append-only history"
)
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    staff_require(request.user, "counter", jurisdiction().division_code)
    with transaction.atomic():
        case = selectors.case_get(case_id)
        body = _case_out(case, request_lang(request))
        if case.person_id is not None:  # an employer's case reads no person's record
            access_record(reader_of(request), "api.case", Whose.of(case.person_id, case))
    return body


def _case_step(request: HttpRequest, case_id: int, step: Callable[[], object]) -> Any:
    """Run one audited step of a case (idempotently) and answer with the case and its history."""
    lang = request_lang(request)

    def make() -> dict[str, Any]:
        step()
        return _case_out(selectors.case_get(case_id), lang)

    return run_idempotent(request, 200, make)


@router.post(
    "/enforcement/cases/{case_id}/order",
    response=CaseOut,
    tags=TAGS,
    summary="Order correction by a deadline (责令限期改正)",
)
def case_order(request: HttpRequest, case_id: int, payload: OrderIn) -> Any:
    return _case_step(
        request,
        case_id,
        lambda: services.case_order_correction(
            actor=request.user, case_id=case_id, deadline=payload.deadline
        ),
    )


@router.post(
    "/enforcement/cases/{case_id}/correct",
    response=CaseOut,
    tags=TAGS,
    summary="Record the correction and close the case (已改正，结案)",
)
def case_correct(request: HttpRequest, case_id: int, payload: CorrectIn) -> Any:
    return _case_step(
        request,
        case_id,
        lambda: services.case_mark_corrected(actor=request.user, case_id=case_id, note=payload.note),
    )


@router.post(
    "/enforcement/cases/{case_id}/fine",
    response=CaseOut,
    tags=TAGS,
    summary="Fine after the deadline passed uncorrected (supervisor; range T-inclusive)",
)
def case_fine(request: HttpRequest, case_id: int, payload: FineIn) -> Any:
    return _case_step(
        request,
        case_id,
        lambda: services.case_fine(actor=request.user, case_id=case_id, amount=payload.amount),
    )
