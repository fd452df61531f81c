"""v1 API: the services catalogue, entitlement checks, household links and publications (issue 3).

``GET /entitlements/check`` is the departments' question (LH-2-sharing): the answer carries only
the fields of the caller's purpose, and every answer leaves one access-log entry
(``juzhu.sharing.services.entitlement_share``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, P, Query, QueryEx, Router, Schema, Status

from juzhu.accounts.selectors import staff_read
from juzhu.api.auth import STAFF_AUTH
from juzhu.api.errors import request_lang
from juzhu.api.idempotency import run_idempotent
from juzhu.api.v1 import InDate, ReasonOut
from juzhu.entitlements import selectors, services
from juzhu.entitlements.models import HouseholdLink, Publication
from juzhu.policy.entitlements import CATALOGUE, DEPARTMENT_LABELS, Department, Extra
from juzhu.policy.errors import Lang
from juzhu.policy.identity import identity_mask
from juzhu.registry import clock
from juzhu.registry.selectors import person_get_by_identity
from juzhu.sharing.access import Whose, access_record, client_address, reader_of
from juzhu.sharing.services import entitlement_share

router = Router(auth=STAFF_AUTH, tags=["公共服务 entitlements"])
public = Router(auth=None, tags=["公共服务 entitlements"])

DepartmentCode = Literal[tuple(d.value for d in Department)]  # type: ignore[valid-type]
# Conditions a department asserts from its own records; gaokao (enrolment, years) and
# elderly-or-disabled (age, disability in the register) are asked or derived separately.
ConditionCode = Literal[  # type: ignore[valid-type]
    tuple(x.value for x in Extra if x not in (Extra.GAOKAO, Extra.ELDERLY_OR_DISABLED))
]


def _department_label(d: Department, lang: Lang) -> str:
    zh, en = DEPARTMENT_LABELS[d]
    return en if lang == "en" else zh


# ----------------------------------------------------------------------------- catalogue


class ServiceOut(Schema):
    code: str
    category: int
    name: str
    department: str
    department_label: str
    extra: str | None = Field(None, description="the service's own condition beyond a valid permit")
    rules: list[str] = Field(..., description="LH-4-services and the category's LH-4-svc-N")
    publication_overdue: bool = Field(..., description="LH-5-publish-3y: the department's scope is overdue")


@public.get(
    "/entitlements/services",
    response=list[ServiceOut],
    summary="The catalogue of services for holders and their minor children (LH-4-svc-1…12)",
)
def service_list(request: HttpRequest, on: InDate | None = None) -> list[dict[str, Any]]:
    lang = request_lang(request)
    overdue = {s.department: s.overdue for s in selectors.publication_statuses(on or clock.today())}
    return [
        {
            "code": s.code,
            "category": s.category,
            "name": s.name(lang),
            "department": s.department.value,
            "department_label": _department_label(s.department, lang),
            "extra": s.extra.value if s.extra else None,
            "rules": ["LH-4-services", s.rule],
            "publication_overdue": overdue.get(s.department, True),
        }
        for s in CATALOGUE
    ]


# ----------------------------------------------------------------------------- the check


class EntitlementShareOut(Schema):
    """Only the fields of the caller's purpose are present; the others are absent, never null."""

    on: date
    purpose: str
    rule: str
    entitled: bool | None = None
    reasons: list[ReasonOut] | None = None
    service: str | None = None
    permit_status: Literal["valid", "suspended", "void"] | None = None
    permit_number: str | None = None
    issue_date: date | None = None
    residence_since: date | None = None
    name: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    identity_number: str | None = None
    residence_address: str | None = None


@router.get(
    "/entitlements/check",
    response=EntitlementShareOut,
    exclude_unset=True,
    summary="Is a person entitled to a service on a date? (history-exact, purpose-limited, logged)",
)
def entitlement_check(
    request: HttpRequest,
    identity_number: str,
    service: str,
    on: InDate | None = None,
    purpose: QueryEx[
        str | None, P(description="the credential's purpose, e.g. education.school_place")
    ] = None,
    im_senior_high: QueryEx[
        bool | None, P(description="gaokao: Inner Mongolia senior-high enrolment")
    ] = None,
    senior_high_years: QueryEx[int | None, P(ge=0, le=12)] = None,
    conditions: Query[list[ConditionCode] | None] = None,  # type: ignore[valid-type]
) -> dict[str, Any]:
    extra: dict[str, object] = {c: True for c in conditions or ()}
    if im_senior_high is not None:
        extra["im_senior_high"] = im_senior_high
    if senior_high_years is not None:
        extra["senior_high_years"] = senior_high_years
    shared = entitlement_share(
        actor=request.user,
        identity_number=identity_number,
        service=service,
        on=on,
        purpose=purpose,
        extra=extra,
        lang=request_lang(request),
        address=client_address(request),
    )
    return {"on": shared.on, "purpose": shared.purpose, "rule": "LH-2-sharing", **shared.data}


# ----------------------------------------------------------------------------- household links


class LinkIn(Schema):
    child_identity_number: str
    guardian_identity_number: str
    relation: Literal["parent", "guardian"]
    lives_with: bool = True
    since: InDate | None = Field(None, description="默认今天")


class LinkEndIn(Schema):
    on: InDate | None = Field(None, description="the first day the link no longer holds; default today")
    reason: str = Field("", max_length=500)


class LinkOut(Schema):
    id: int
    child: str = Field(..., description="masked identity number")
    child_birth_date: date
    guardian: str = Field(..., description="masked identity number")
    relation: str
    lives_with: bool
    since: date
    ended_on: date | None
    rule: str = "LH-4-services"


def _link_out(link: HouseholdLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "child": identity_mask(link.child.identity_number),
        "child_birth_date": link.child.birth_date,
        "guardian": identity_mask(link.guardian.identity_number),
        "relation": link.relation,
        "lives_with": link.lives_with,
        "since": link.since,
        "ended_on": link.ended_on,
    }


@router.post(
    "/household-links",
    response={201: LinkOut},
    summary="Link a minor child to a parent or guardian who holds a permit (LH-4-services)",
)
def household_link_create(request: HttpRequest, payload: LinkIn) -> Status[Any]:
    def make() -> dict[str, Any]:
        return _link_out(services.household_link(actor=request.user, **payload.dict()))

    return run_idempotent(request, 201, make)


@router.post("/household-links/{link_id}/end", response=LinkOut, summary="End a household link from a date")
def household_link_end(request: HttpRequest, link_id: int, payload: LinkEndIn) -> dict[str, Any]:
    link = services.household_unlink(
        actor=request.user, link_id=link_id, on=payload.on, reason=payload.reason
    )
    return _link_out(link)


@router.get("/persons/{identity_number}/household-links", response=list[LinkOut])
def household_link_list(request: HttpRequest, identity_number: str) -> list[dict[str, Any]]:
    staff_read(request.user)
    with transaction.atomic():
        person = person_get_by_identity(identity_number, rule="LH-4-services")
        body = [_link_out(link) for link in selectors.household_links(person)]
        access_record(reader_of(request), "api.person.household", Whose.of(person.pk, person))
    return body


# ----------------------------------------------------------------------------- publications


class PublicationIn(Schema):
    department: DepartmentCode  # type: ignore[valid-type]
    published_on: InDate
    title: str = Field(..., min_length=1, max_length=200)
    reference: str = Field("", max_length=200)


class PublicationOut(Schema):
    id: int
    department: str
    published_on: date
    title: str
    reference: str
    rule: str = "LH-5-publish-3y"


def _publication_out(p: Publication) -> dict[str, Any]:
    return {
        "id": p.pk,
        "department": p.department,
        "published_on": p.published_on,
        "title": p.title,
        "reference": p.reference,
    }


class PublicationStatusOut(Schema):
    department: str
    department_label: str
    last_published_on: date | None
    due_by: date | None = Field(None, description="the last good day for the next publication")
    overdue: bool
    rule: str = "LH-5-publish-3y"
    publications: list[PublicationOut]


@router.post(
    "/entitlements/publications",
    response={201: PublicationOut},
    summary="Record a department's publication of its services scope (LH-5-publish-3y)",
)
def publication_create(request: HttpRequest, payload: PublicationIn) -> Status[Any]:
    def make() -> dict[str, Any]:
        return _publication_out(services.publication_record(actor=request.user, **payload.dict()))

    return run_idempotent(request, 201, make)


@router.get(  # beside the POST of the same path (one URL pattern), but open to anyone
    "/entitlements/publications",
    auth=None,
    response=list[PublicationStatusOut],
    summary="Each department's publications, flagged when the last is more than 3 years old",
)
def publication_list(request: HttpRequest, on: InDate | None = None) -> list[dict[str, Any]]:
    lang = request_lang(request)
    day = on or clock.today()
    by_department: dict[str, list[dict[str, Any]]] = {}
    for p in selectors.publications().filter(published_on__lte=day):
        by_department.setdefault(p.department, []).append(_publication_out(p))
    return [
        {
            "department": s.department.value,
            "department_label": _department_label(s.department, lang),
            "last_published_on": s.last.published_on if s.last else None,
            "due_by": s.due_by,
            "overdue": s.overdue,
            "publications": by_department.get(s.department.value, []),
        }
        for s in selectors.publication_statuses(day)
    ]
