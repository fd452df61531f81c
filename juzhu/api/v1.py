"""The v1 HTTP API: every operation of the register, the what-if check, deadlines and verification."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, P, Query, QueryEx, Router, Schema, Status

from juzhu.accounts.selectors import staff_read
from juzhu.api.auth import STAFF_AUTH
from juzhu.api.errors import VERIFY_LIMIT_RESPONSE, request_lang
from juzhu.api.idempotency import run_idempotent
from juzhu.policy import deadlines as policy_deadlines
from juzhu.policy import divisions
from juzhu.policy.calendar import INPUT_DATE_MAX, INPUT_DATE_MIN
from juzhu.policy.eligibility import ApplicantFacts, conditions_from, eligibility_check
from juzhu.policy.errors import Lang, NotFound
from juzhu.policy.identity import identity_mask
from juzhu.policy.lifecycle import APP_STATUS_LABELS, PERMIT_STATUS_LABELS, AppStatus, PermitStatus
from juzhu.policy.materials import CaseKind, Doc, checklist, doc_label, docs_parse, missing, notice_for
from juzhu.policy.parameters import LINHE
from juzhu.registry import clock, selectors, services
from juzhu.registry.models import (
    Application,
    FeeReceipt,
    Notice,
    Permit,
    PermitHistory,
    ResidenceRegistration,
)
from juzhu.sharing.access import Whose, access_record, access_record_list, reader_of
from juzhu.workcal.selectors import work_calendar

router = Router(auth=STAFF_AUTH)
public = Router(auth=None)

DocCode = Literal[tuple(d.value for d in Doc)]  # type: ignore[valid-type]
KindCode = Literal["first_issue", "replacement", "reissue"]

# Dates a client sends are bounded (juzhu.policy.calendar.INPUT_DATE_MIN/MAX): 422, never a 500.
InDate = Annotated[date, Field(ge=INPUT_DATE_MIN, le=INPUT_DATE_MAX)]


@contextmanager
def _division_field(name: str) -> Iterator[None]:
    """An unknown division code names the policy's generic field; the client needs the one it sent."""
    try:
        yield
    except divisions.UnknownDivision as exc:
        exc.fields = (name,)
        raise


# ----------------------------------------------------------------------------- schemas


class ProxyIn(Schema):
    name: str = Field(..., max_length=50, description="代办人姓名")
    identity_number: str = Field(..., description="代办人公民身份号码")
    relation: Literal[
        "guardian", "spouse", "parent", "child", "sibling", "grandparent", "grandchild", "other"
    ]


class RegistrationIn(Schema):
    identity_number: str = Field(..., examples=["510121199005171238"])
    name: str = Field(..., min_length=1, max_length=50)
    ethnicity: str = Field("汉族", max_length=20)
    hukou_division: str = Field(..., pattern=r"^\d{6}$", description="户口所在地行政区划代码 (GB/T 2260)")
    hukou_address: str = Field(..., min_length=1, max_length=200)
    address: str = Field(..., min_length=1, max_length=200, description="居住地住址")
    police_station: str = Field(..., description="派出所代码")
    arrived_on: InDate
    declared_on: InDate | None = Field(None, description="默认今天")
    phone: str = Field("", max_length=20)
    limited_mobility: bool = False
    disabled: bool = False


class RegistrationOut(Schema):
    id: int
    person_id: int
    kind: str
    address: str
    division_code: str
    police_station: str
    arrived_on: date
    declared_on: date
    due_on: date | None
    on_time: bool | None
    rule: str = "LH-4-register-3d"


def _registration_out(reg: ResidenceRegistration) -> dict[str, Any]:
    return {
        "id": reg.pk,
        "person_id": reg.person_id,
        "kind": reg.kind,
        "address": reg.address,
        "division_code": reg.division_code,
        "police_station": reg.police_station.code,
        "arrived_on": reg.arrived_on,
        "declared_on": reg.declared_on,
        "due_on": reg.due_on,
        "on_time": reg.on_time,
    }


class ApplicationIn(Schema):
    kind: KindCode
    identity_number: str
    police_station: str
    documents: list[DocCode] = Field(default_factory=list)  # type: ignore[valid-type]
    proxy: ProxyIn | None = None
    reissue_reason: Literal["", "damaged", "illegible", "lost"] = ""


class RequirementOut(Schema):
    key: str
    rule: str
    any_of: list[str]
    text: str


class NoticeOut(Schema):
    number: str
    issued_on: date
    rule: str = "LH-3.2-one-time-notice"
    items: list[RequirementOut]


class ApplicationOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    status_label: str
    holder: str
    identity_number_masked: str
    police_station: str
    documents: list[str]
    missing: list[RequirementOut]
    proxy_relation: str
    submitted_on: date
    accepted_on: date | None
    due_on: date | None = Field(None, description="LH-3.2-issue-15d，按法定节假日顺延后的最后一日")
    due_nominal: date | None
    issued_on: date | None
    permit_number: str | None
    decision_reason: str
    decision_rule: str = Field(..., description="不予办理所依据的规则（RULES.md id）；未拒绝时为空")
    fee_paid: bool


def _req_out(reqs: Any, lang: Lang) -> list[dict[str, Any]]:
    return [
        {"key": r.key, "rule": r.rule, "any_of": sorted(d.value for d in r.any_of), "text": r.text(lang)}
        for r in reqs
    ]


def _application_out(app: Application, lang: Lang) -> dict[str, Any]:
    still = missing(services.application_requirements(app), docs_parse(app.documents))
    zh, en = APP_STATUS_LABELS[AppStatus(app.status)]
    return {
        "id": app.pk,
        "number": app.number,
        "kind": app.kind,
        "status": app.status,
        "status_label": en if lang == "en" else zh,
        "holder": selectors.mask_name(app.person.name),
        "identity_number_masked": identity_mask(app.person.identity_number),
        "police_station": app.police_station.code,
        "documents": app.documents,
        "missing": _req_out(still, lang),
        "proxy_relation": app.proxy_relation,
        "submitted_on": app.submitted_on,
        "accepted_on": app.accepted_on,
        "due_on": app.due_on,
        "due_nominal": app.due_nominal,
        "issued_on": app.issued_on,
        "permit_number": app.permit.number if app.permit is not None else None,
        "decision_reason": app.decision_reason,
        "decision_rule": app.decision_rule,
        "fee_paid": FeeReceipt.objects.filter(application_id=app.pk).exists(),
    }


class DocumentsIn(Schema):
    documents: list[DocCode] = Field(..., min_length=1)  # type: ignore[valid-type]


class RefuseIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)
    rule: str = Field(
        services.REFUSAL_RULE_DEFAULT,
        max_length=64,
        description="不予办理所依据的规则，须为其一：" + ", ".join(r.rule for r in services.REFUSAL_RULES),
    )


class FeeIn(Schema):
    amount: Decimal = Field(..., ge=0, max_digits=8, decimal_places=2)


class FeeOut(Schema):
    number: str
    application: str
    kind: str
    amount: Decimal
    paid_on: date
    rule: str


class WindowOut(Schema):
    anniversary: date
    opens: date
    last_day: date | None = Field(None, description="签注期最后一日；该年节假日安排未公布时为空")
    rules: list[str]


class PermitOut(Schema):
    number: str
    status: str
    status_label: str
    name: str
    sex: str
    ethnicity: str
    birth_date: date
    identity_number: str
    hukou_address: str
    residence_address: str
    residence_division: str
    authority: str
    issue_date: date
    residence_since: date
    residence_since_reason: str | None
    residence_since_rule: str | None
    next_anniversary: date
    endorsement_window: WindowOut
    suspended_on: date | None
    supersedes: str | None


def _permit_out(permit: Permit, lang: Lang) -> dict[str, Any]:
    view = selectors.permit_view(permit, clock.today())
    zh, en = PERMIT_STATUS_LABELS[PermitStatus(permit.status)]
    res = view.residence
    return {
        "number": permit.number,
        "status": permit.status,
        "status_label": en if lang == "en" else zh,
        "name": permit.card_name,
        "sex": permit.card_sex,
        "ethnicity": permit.card_ethnicity,
        "birth_date": permit.card_birth_date,
        "identity_number": permit.card_identity_number,
        "hukou_address": permit.card_hukou_address,
        "residence_address": permit.residence_address,
        "residence_division": permit.residence_division,
        "authority": permit.authority,
        "issue_date": permit.issue_date,
        "residence_since": permit.residence_since,
        "residence_since_reason": res.event.value if res else None,
        "residence_since_rule": res.rule if res else None,
        "next_anniversary": permit.next_anniversary,
        "endorsement_window": {
            "anniversary": view.window.anniversary,
            "opens": view.window.opens,
            "last_day": view.window.last_day,
            "rules": list(view.window.rules),
        },
        "suspended_on": permit.suspended_on,
        "supersedes": permit.supersedes.number if permit.supersedes_id else None,  # type: ignore[union-attr]
    }


class HistoryOut(Schema):
    seq: int
    event: str
    effective_on: date
    from_status: str
    to_status: str
    residence_since: date | None
    rule: str
    data: dict[str, Any]


class EndorseIn(Schema):
    documents: list[DocCode] = Field(..., min_length=1)  # type: ignore[valid-type]
    proxy: ProxyIn | None = None


class EndorseOut(Schema):
    kind: Literal["on_time", "late"]
    rules: list[str]
    next_anniversary: date
    residence_since: date
    suspended_from: date | None
    permit: PermitOut


class ChangeIn(Schema):
    new_address: str = Field(..., min_length=1, max_length=200)
    new_division: str = Field(..., pattern=r"^\d{6}$")
    police_station: str | None = Field(
        None, description="新住址所属派出所代码；本区内变更时必填 (LH-4-register-3d)"
    )
    moved_on: InDate | None = Field(None, description="搬入新住址的日期，默认今天；变更登记须在3日内申报")
    documents: list[DocCode] = Field(..., min_length=1)  # type: ignore[valid-type]


class ChangeOut(Schema):
    relation: str
    rule: str
    explanation: str
    issue_date: date
    residence_since: date
    new_card: bool
    permit: PermitOut


class SweepIn(Schema):
    on: InDate | None = None


class SweepOut(Schema):
    on: date
    rolled: int
    suspended: int
    rule: str = "LH-3.2-endorse-overdue"


# ----------------------------------------------------------------------------- staff operations


@router.post(
    "/registrations",
    response={201: RegistrationOut},
    tags=["居住登记 registration"],
    summary="Register residence (居住登记, LH-4-register-3d)",
)
def register(request: HttpRequest, payload: RegistrationIn) -> Status[Any]:
    def make() -> dict[str, Any]:
        with _division_field("hukou_division"):
            reg = services.residence_register(actor=request.user, **payload.dict())
        return _registration_out(reg)

    return run_idempotent(request, 201, make)


@router.post(
    "/applications",
    response={201: ApplicationOut},
    tags=["申请 applications"],
    summary="Receive an application (申领/换领/补领)",
)
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status[Any]:
    def make() -> dict[str, Any]:
        app = services.application_submit(
            actor=request.user,
            kind=CaseKind(payload.kind),
            identity_number=payload.identity_number,
            police_station=payload.police_station,
            documents=list(payload.documents),
            proxy=payload.proxy.dict() if payload.proxy else None,
            reissue_reason=payload.reissue_reason,
        )
        return _application_out(app, request_lang(request))

    return run_idempotent(request, 201, make)


@router.get(
    "/applications",
    response=list[ApplicationOut],
    tags=["申请 applications"],
    summary="Open cases, nearest 15-day due date first",
)
def application_list(
    request: HttpRequest,
    status: Query[list[str] | None] = None,
    police_station: str | None = None,
    limit: QueryEx[int, P(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    staff_read(request.user)
    lang = request_lang(request)
    with transaction.atomic():
        qs = selectors.applications_queue(status=status, police_station=police_station)[:limit]
        body = [_application_out(a, lang) for a in qs]
        # Names and identity numbers masked: one row for the list (docs/decisions/0011).
        access_record_list(reader_of(request), "api.applications", len(body))
    return body


@router.get("/applications/{application_id}", response=ApplicationOut, tags=["申请 applications"])
def application_detail(request: HttpRequest, application_id: int) -> dict[str, Any]:
    staff_read(request.user)
    with transaction.atomic():
        app = selectors.application_get(application_id)
        body = _application_out(app, request_lang(request))
        access_record(reader_of(request), "api.application", Whose.of(app.person_id, app))
    return body


@router.post(
    "/applications/{application_id}/notice",
    response={201: NoticeOut},
    tags=["申请 applications"],
    summary="Issue the one-time notice of missing materials (一次性告知)",
)
def application_notice_create(request: HttpRequest, application_id: int) -> Status[Any]:
    lang = request_lang(request)

    def make() -> dict[str, Any]:
        notice = services.application_notify(actor=request.user, application_id=application_id)
        return _notice_out(notice, lang)

    return run_idempotent(request, 201, make)


def _notice_out(n: Notice, lang: Lang) -> dict[str, Any]:
    return {
        "number": n.number,
        "issued_on": n.issued_on,
        "items": [
            {
                "key": i["key"],
                "rule": i["rule"],
                "any_of": i["any_of"],
                "text": i["en"] if lang == "en" else i["zh"],
            }
            for i in n.items
        ],
    }


@router.get("/applications/{application_id}/notice", response=NoticeOut, tags=["申请 applications"])
def application_notice_get(request: HttpRequest, application_id: int) -> dict[str, Any]:
    staff_read(request.user)
    with transaction.atomic():
        app = selectors.application_get(application_id)
        notice = Notice.objects.filter(application=app).first()
        if notice is None:
            raise NotFound(
                rule="LH-3.2-one-time-notice",
                code="not-found",
                zh="该申请没有一次性告知书。",
                en="This application has no notice.",
                fields=("application_id",),
            )
        body = _notice_out(notice, request_lang(request))
        access_record(reader_of(request), "api.notice", Whose.of(app.person_id, notice))
    return body


@router.post(
    "/applications/{application_id}/supplement",
    response=ApplicationOut,
    tags=["申请 applications"],
    summary="Add documents after the notice (补正)",
)
def application_supplement(request: HttpRequest, application_id: int, payload: DocumentsIn) -> dict[str, Any]:
    app = services.application_supplement(
        actor=request.user, application_id=application_id, documents=list(payload.documents)
    )
    return _application_out(app, request_lang(request))


@router.post(
    "/applications/{application_id}/accept",
    response=ApplicationOut,
    tags=["申请 applications"],
    summary="Accept (受理): starts the 15-day clock",
)
def application_accept(request: HttpRequest, application_id: int) -> dict[str, Any]:
    app = services.application_accept(actor=request.user, application_id=application_id)
    return _application_out(app, request_lang(request))


@router.post("/applications/{application_id}/approve", response=ApplicationOut, tags=["申请 applications"])
def application_approve(request: HttpRequest, application_id: int) -> dict[str, Any]:
    app = services.application_approve(actor=request.user, application_id=application_id)
    return _application_out(app, request_lang(request))


@router.post("/applications/{application_id}/refuse", response=ApplicationOut, tags=["申请 applications"])
def application_refuse(request: HttpRequest, application_id: int, payload: RefuseIn) -> dict[str, Any]:
    app = services.application_refuse(
        actor=request.user, application_id=application_id, reason=payload.reason, rule=payload.rule
    )
    return _application_out(app, request_lang(request))


@router.post(
    "/applications/{application_id}/fee",
    response={201: FeeOut},
    tags=["申请 applications"],
    summary="Charge the card fee (工本费, LH-3.2-fees)",
)
def application_fee(request: HttpRequest, application_id: int, payload: FeeIn) -> Status[Any]:
    def make() -> dict[str, Any]:
        r = services.fee_charge(actor=request.user, application_id=application_id, amount=payload.amount)
        return {
            "number": r.number,
            "application": r.application.number,
            "kind": r.kind,
            "amount": r.amount,
            "paid_on": r.paid_on,
            "rule": r.rule,
        }

    return run_idempotent(request, 201, make)


@router.post(
    "/applications/{application_id}/issue",
    response={201: PermitOut},
    tags=["申请 applications"],
    summary="Issue the permit card",
)
def application_issue(request: HttpRequest, application_id: int) -> Status[Any]:
    lang = request_lang(request)

    def make() -> dict[str, Any]:
        permit = services.application_issue(actor=request.user, application_id=application_id)
        return _permit_out(permit, lang)

    return run_idempotent(request, 201, make)


@router.get(
    "/permits/{number}", response=PermitOut, tags=["居住证 permits"], summary="The card and its schedule"
)
def permit_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    staff_read(request.user)
    with transaction.atomic():
        permit = selectors.permit_get_by_number(number)
        body = _permit_out(permit, request_lang(request))
        access_record(
            reader_of(request), "api.permit", Whose.of(permit.person_id, permit, permit_number=permit.number)
        )
    return body


@router.get("/permits/{number}/history", response=list[HistoryOut], tags=["居住证 permits"])
def permit_history(request: HttpRequest, number: str) -> list[PermitHistory]:
    staff_read(request.user)
    with transaction.atomic():
        permit = selectors.permit_get_by_number(number)
        history = selectors.permit_history(permit)
        access_record(
            reader_of(request),
            "api.permit.history",
            Whose.of(permit.person_id, permit, permit_number=permit.number),
        )
    return history


@router.post(
    "/permits/{number}/endorse",
    response=EndorseOut,
    tags=["居住证 permits"],
    summary="Endorse (签注): on time, or late to restore a suspended permit",
)
def permit_endorse(request: HttpRequest, number: str, payload: EndorseIn) -> Any:
    lang = request_lang(request)

    def make() -> dict[str, Any]:
        r = services.permit_endorse(
            actor=request.user,
            number=number,
            documents=list(payload.documents),
            proxy=payload.proxy.dict() if payload.proxy else None,
        )
        return {
            "kind": r.decision.kind.value,
            "rules": list(r.decision.rules),
            "next_anniversary": r.decision.next_anniversary,
            "residence_since": r.permit.residence_since,
            "suspended_from": r.decision.suspended_from,
            "permit": _permit_out(r.permit, lang),
        }

    return run_idempotent(request, 200, make)


@router.post(
    "/permits/{number}/address-change",
    response=ChangeOut,
    tags=["居住证 permits"],
    summary="Change the residence address (变更登记)",
)
def permit_change(request: HttpRequest, number: str, payload: ChangeIn) -> Any:
    lang = request_lang(request)

    def make() -> dict[str, Any]:
        with _division_field("new_division"):
            r = services.permit_change_address(actor=request.user, number=number, **payload.dict())
        e = r.effect
        return {
            "relation": e.relation.value,
            "rule": e.rule,
            "explanation": e.en if lang == "en" else e.zh,
            "issue_date": e.issue_date,
            "residence_since": e.residence_since,
            "new_card": e.new_card,
            "permit": _permit_out(r.permit, lang),
        }

    return run_idempotent(request, 200, make)


@router.post(
    "/sweeps",
    response=SweepOut,
    tags=["居住证 permits"],
    summary="Run the daily sweep that suspends overdue permits (supervisor)",
)
def sweep(request: HttpRequest, payload: SweepIn) -> Any:
    r = services.permits_sweep(on=payload.on or clock.today(), actor=request.user)
    return {"on": r.on, "rolled": r.rolled, "suspended": r.suspended}


# ----------------------------------------------------------------------------- public


class VerificationOut(Schema):
    number: str
    on: date
    status: Literal["valid", "suspended", "void", "not_issued"]
    status_label: str
    holder: str | None = Field(
        None,
        description="always null: a number alone proves nothing about who holds the card, so walking through "
        "numbers yields no names (N-17-confidentiality). The card's signed QR (POST /api/v1/epermit/verify) "
        "carries the masked name.",
    )
    rule: str


@public.get(
    "/verify/{number}",
    response=VerificationOut,
    tags=["核验 verification"],
    summary="Verify a permit number on a date (history-exact, status only; limited per address)",
    openapi_extra={"responses": {429: VERIFY_LIMIT_RESPONSE}},
)
def verify(request: HttpRequest, number: str, on: InDate | None = None) -> HttpResponse:
    """The status of a card number on a date.  No name: sequential numbers are easy to walk through,
    so the answer carries nothing about the person (N-17-confidentiality; 《个人信息保护法》第六条, the
    minimum necessary).  Requests per address and minute are limited (``web.throttle``), 429 beyond."""
    v = selectors.permit_verify(number, on or clock.today())
    lang = request_lang(request)
    label = (
        ("该日期尚未签发", "not issued on that date") if v.status is None else PERMIT_STATUS_LABELS[v.status]
    )
    # The busiest public read: the body is built from typed values of the selector, so it is sent as
    # it is, without a second validation pass (the schema above still documents it).
    return JsonResponse(
        {
            "number": v.number,
            "on": v.on.isoformat(),
            "status": v.status.value if v.status else "not_issued",
            "status_label": label[1] if lang == "en" else label[0],
            "holder": None,
            "rule": v.rule,
        },
        json_dumps_params={"ensure_ascii": False},
    )


class WhatIfIn(Schema):
    hukou_division: str = Field(..., pattern=r"^\d{6}$")
    registration_date: InDate | None = Field(None, description="居住登记日期")
    registration_division: str | None = Field(LINHE.division_code, pattern=r"^\d{6}$")
    conditions: list[Literal["employment", "residence", "study"]] = Field(default_factory=list)
    documents: list[DocCode] = Field(default_factory=list)  # type: ignore[valid-type]
    proxy: bool = False
    on: InDate | None = None


class ReasonOut(Schema):
    rule: str
    code: str
    message: str
    field: str | None = None
    earliest: date | None = None


class WhatIfOut(Schema):
    on: date
    eligible: bool
    earliest: date | None
    reasons: list[ReasonOut]
    met: list[ReasonOut]
    checklist: list[RequirementOut]
    notice: list[RequirementOut]
    complete: bool


@public.post(
    "/checks/eligibility",
    response=WhatIfOut,
    tags=["自助 self-service"],
    summary="What-if: eligibility and the one-time notice for given facts (nothing stored)",
)
def what_if(request: HttpRequest, payload: WhatIfIn) -> dict[str, Any]:
    lang = request_lang(request)
    on = payload.on or clock.today()
    docs = docs_parse(payload.documents)
    with _division_field("hukou_division"):
        result = eligibility_check(
            ApplicantFacts(
                hukou_division=payload.hukou_division,
                registration_division=payload.registration_division if payload.registration_date else None,
                registration_date=payload.registration_date,
                documents=docs,
                claimed_conditions=conditions_from(payload.conditions),
            ),
            on,
        )
    reqs = checklist(CaseKind.FIRST_ISSUE, proxy=payload.proxy)
    notice = notice_for(reqs, docs)
    return {
        "on": on,
        "eligible": result.eligible,
        "earliest": result.earliest,
        "reasons": [r.as_dict(lang) for r in result.reasons],
        "met": [r.as_dict(lang) for r in result.met],
        "checklist": _req_out(reqs, lang),
        "notice": _req_out(notice.items if notice else (), lang),
        "complete": notice is None,
    }


class DeadlineOut(Schema):
    kind: str
    start: date
    due: date
    nominal: date
    rolled: bool
    rules: list[str]


@public.get(
    "/deadlines",
    response=DeadlineOut,
    tags=["自助 self-service"],
    summary="Deadline calculator: issue (15 days), registration (3 days), employer report (5 working days)",
)
def deadline(
    request: HttpRequest, kind: Literal["issue", "registration", "employer_report"], start: InDate
) -> dict[str, Any]:
    d = policy_deadlines.DEADLINE_KINDS[kind](start, work_calendar())
    return {
        "kind": kind,
        "start": start,
        "due": d.due,
        "nominal": d.nominal,
        "rolled": d.rolled,
        "rules": list(d.rules),
    }


class DocumentOut(Schema):
    code: str
    label: str


@public.get(
    "/documents", response=list[DocumentOut], tags=["自助 self-service"], summary="Document codes and names"
)
def documents(request: HttpRequest) -> list[dict[str, str]]:
    lang = request_lang(request)
    return [{"code": d.value, "label": doc_label(d, lang)} for d in Doc]


class HealthOut(Schema):
    status: str


@public.get("/health", response=HealthOut, tags=["核验 verification"], summary="Constant liveness answer")
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}
