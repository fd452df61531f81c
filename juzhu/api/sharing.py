"""v1 API: department sharing and on-the-spot inspections (LH-2-sharing, LH-4-inspection, N-17).

The access logs: a department sees its own reads; staff see every read of a person's data, as the
person's own record shows it.  An inspection is an official's check of a permit, by number or by
its scanned QR token, logged with the official's credential number and reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, P, QueryEx, Router, Schema, Status

from juzhu.accounts.selectors import staff_read
from juzhu.api.auth import STAFF_AUTH
from juzhu.api.errors import request_lang
from juzhu.policy.entitlements import DEPARTMENT_LABELS, Department
from juzhu.policy.errors import Forbidden, Lang
from juzhu.policy.identity import identity_mask
from juzhu.policy.reads import READS, purpose_label
from juzhu.policy.sharing import PURPOSES
from juzhu.registry.selectors import person_get_by_identity
from juzhu.sharing import selectors
from juzhu.sharing.access import Whose, access_record, client_address, reader_of
from juzhu.sharing.models import AccessLog
from juzhu.sharing.services import inspection_record

router = Router(auth=STAFF_AUTH, tags=["部门共享与查验 sharing"])
public = Router(auth=None, tags=["部门共享与查验 sharing"])


def _department_label(code: str, lang: Lang) -> str:
    zh, en = DEPARTMENT_LABELS[Department(code)]
    return en if lang == "en" else zh


def _purpose_label(code: str, lang: Lang) -> str:
    """A purpose in words: a department credential's, or a reader's own (juzhu.policy.reads)."""
    return purpose_label(code, lang)


# ----------------------------------------------------------------------------- purposes


class PurposeOut(Schema):
    code: str
    department: str
    label: str
    fields: list[str]
    rule: str = "LH-2-sharing"


@public.get(
    "/sharing/purposes",
    response=list[PurposeOut],
    summary="Each sharing purpose and exactly the fields it may see (LH-2-sharing)",
)
def purpose_list(request: HttpRequest) -> list[dict[str, Any]]:
    lang = request_lang(request)
    return [
        {"code": p.code, "department": p.department.value, "label": _purpose_label(p.code, lang),
         "fields": sorted(p.fields)}
        for p in PURPOSES.values()
    ]  # fmt: skip


# ----------------------------------------------------------------------------- access logs


class DepartmentAccessOut(Schema):
    id: int
    at: datetime
    credential: str | None
    actor: str
    purpose: str
    purpose_label: str
    endpoint: str
    person: str = Field(..., description="masked identity number of the person whose data was read")
    service: str
    asked_on: date
    fields: list[str]
    official_credential_number: str
    reason: str


class PersonAccessOut(DepartmentAccessOut):
    department: str = Field(..., description='the reader\'s department; "" for an employer')
    department_label: str
    role: str = Field(..., description="the reader's role when it read (accounts.Role)")
    read_label: str = Field(
        ..., description="what was read (page, API operation, PDF, file, export), in words"
    )
    scope: Literal["record", "rows"]
    client_address: str | None = Field(..., description="where the read came from; null for a job")
    permit_number: str
    as_guardian: bool = Field(
        ..., description="the read concerned a child; this person's permit was consulted"
    )


def _access_out(e: AccessLog, lang: Lang) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at,
        "credential": e.credential.code if e.credential else None,
        "actor": e.actor_label,
        "purpose": e.purpose,
        "purpose_label": _purpose_label(e.purpose, lang),
        "endpoint": e.endpoint,
        "person": identity_mask(e.person.identity_number) if e.person is not None else "",
        "service": e.service,
        "asked_on": e.asked_on,
        "fields": e.fields,
        "official_credential_number": e.official_credential_number,
        "reason": e.reason,
    }


@router.get(
    "/sharing/access-log",
    response=list[DepartmentAccessOut],
    summary="The calling department's own reads of personal data, newest first",
)
def department_access_log(
    request: HttpRequest, limit: QueryEx[int, P(ge=1, le=500)] = 100
) -> list[dict[str, Any]]:
    credential = selectors.credential_for(request.user)
    if credential is None:
        raise Forbidden(
            rule="LH-2-sharing",
            code="no-credential",
            zh="只有共享部门账号可以查看本部门的访问记录。",
            en="Only a department account can see its department's access log.",
        )
    lang = request_lang(request)
    entries = selectors.access_log_for_department(Department(credential.department))[:limit]
    return [_access_out(e, lang) for e in entries]


@router.get(
    "/persons/{identity_number}/access-log",
    response=list[PersonAccessOut],
    summary="Every read of a person's data, by anyone, newest first (N-17; this read is logged too)",
)
def person_access_log(
    request: HttpRequest, identity_number: str, limit: QueryEx[int, P(ge=1, le=500)] = 100
) -> list[dict[str, Any]]:
    staff_read(request.user)
    lang = request_lang(request)
    with transaction.atomic():
        person = person_get_by_identity(identity_number, rule="LH-4-services")
        access_record(reader_of(request), "api.person.access_log", Whose.of(person.pk, person))
        return [
            {
                **_access_out(e, lang),
                "department": e.department,
                "department_label": _department_label(e.department, lang) if e.department else "",
                "role": e.role,
                "read_label": READS[e.endpoint].label(lang) if e.endpoint in READS else e.endpoint,
                "scope": e.scope,
                "client_address": e.client_address,
                "permit_number": e.permit_number,
                "as_guardian": e.person_id != person.pk,
            }
            for e in selectors.access_log_for_person(person)[:limit]
        ]


# ----------------------------------------------------------------------------- inspections


class InspectionIn(Schema):
    official_credential_number: str = Field(..., min_length=1, max_length=32, description="执法证/工作证号")
    reason: str = Field(..., min_length=1, max_length=200, description="查验事由")
    number: str | None = Field(None, max_length=40, description="居住证编号 — or give token")
    token: str | None = Field(None, max_length=1000, description="the scanned QR token — or give number")


class InspectionOut(Schema):
    """Exactly the fields of the police.inspection purpose, as of today."""

    on: date
    method: Literal["number", "token"]
    permit_status: Literal["valid", "suspended", "void"] | None
    permit_number: str
    name: str
    issue_date: date
    next_anniversary: date
    access_log_id: int
    rule: str = "LH-4-inspection"


@router.post(
    "/inspections",
    response={201: InspectionOut},
    summary="An official checks a permit by number or scanned QR token (LH-4-inspection, logged)",
)
def inspection_create(request: HttpRequest, payload: InspectionIn) -> Status[Any]:
    shared = inspection_record(actor=request.user, address=client_address(request), **payload.dict())
    method = "token" if shared.log.endpoint == AccessLog.Endpoint.INSPECTION_TOKEN else "number"
    return Status(201, {"on": shared.on, "method": method, "access_log_id": shared.log.pk, **shared.data})
