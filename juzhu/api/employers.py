"""v1 API: employers and their migrant staff (issue 3; LH-4-employer-record, -report-5wd, -staff-100).

Counter staff register employers and may report for any employer of their division; an employer
account (role ``employer``) sees and reports only its own staff, and gets 403 for any other.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, P, QueryEx, Router, Schema, Status, UploadedFile

from juzhu.api.auth import STAFF_AUTH
from juzhu.api.errors import request_lang
from juzhu.api.idempotency import run_idempotent
from juzhu.api.v1 import InDate, ReasonOut
from juzhu.employers import roster, selectors, services
from juzhu.employers.models import Employer, EmploymentRecord
from juzhu.policy.employers import needs_designated_staff
from juzhu.policy.errors import Lang
from juzhu.policy.parameters import LINHE
from juzhu.registry import clock
from juzhu.sharing.access import Whose, access_record_each, reader_of

router = Router(auth=STAFF_AUTH, tags=["用人单位 employers"])
public = Router(auth=None, tags=["用人单位 employers"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ----------------------------------------------------------------------------- schemas


class EmployerIn(Schema):
    credit_code: str = Field(
        ..., max_length=40, description="统一社会信用代码 (GB 32100)", examples=["91150802MA0Q123451"]
    )
    name: str = Field(..., min_length=1, max_length=100)
    address: str = Field(..., min_length=1, max_length=200)
    division_code: str = Field(LINHE.division_code, pattern=r"^\d{6}$", description="所在地县级行政区划代码")
    contact_name: str = Field(..., min_length=1, max_length=50)
    contact_phone: str = Field(..., min_length=1, max_length=20)
    designated_staff_name: str = Field("", max_length=50, description="流动人口服务管理专（兼）职人员")
    designated_staff_phone: str = Field("", max_length=20)


class EmployerOut(Schema):
    id: int
    credit_code: str
    name: str
    address: str
    division_code: str
    contact_name: str
    contact_phone: str
    designated_staff_name: str
    designated_staff_phone: str
    migrant_count: int = Field(..., description="流动人口从业人员（今天）")
    designated_staff_required: bool = Field(..., description="LH-4-employer-staff-100: 101 or more")


def _employer_out(e: Employer) -> dict[str, Any]:
    count = selectors.migrant_count_on(e, clock.today())
    return {
        "id": e.pk,
        "credit_code": e.credit_code,
        "name": e.name,
        "address": e.address,
        "division_code": e.division_code,
        "contact_name": e.contact_name,
        "contact_phone": e.contact_phone,
        "designated_staff_name": e.designated_staff_name,
        "designated_staff_phone": e.designated_staff_phone,
        "migrant_count": count,
        "designated_staff_required": needs_designated_staff(count, LINHE),
    }


class DesignatedStaffIn(Schema):
    name: str = Field(..., max_length=50, description="empty to record that nobody is designated")
    phone: str = Field("", max_length=20)


class HireIn(Schema):
    identity_number: str = Field(..., max_length=40, examples=["510121199005171238"])
    name: str = Field(..., min_length=1, max_length=50)
    hired_on: InDate = Field(..., description="签订劳动合同日期")
    reported_on: InDate | None = Field(
        None, description="counter only: the date of a paper report; default today"
    )
    unreported: bool = Field(False, description="counter only: record a hire found that was never reported")


class DepartureIn(Schema):
    identity_number: str = Field(..., max_length=40)
    ended_on: InDate = Field(..., description="解除或终止劳动关系日期")
    reported_on: InDate | None = Field(
        None, description="counter only: the date of a paper report; default today"
    )


class EmploymentOut(Schema):
    id: int
    name: str
    identity_number_masked: str
    hired_on: date
    hire_reported_on: date | None
    hire_due_on: date | None = Field(
        None, description="5th working day after hire; empty while the calendar is unknown"
    )
    hire_on_time: bool | None
    ended_on: date | None
    end_reported_on: date | None
    end_due_on: date | None
    end_on_time: bool | None
    rule: str = "LH-4-employer-report-5wd"


def _employment_out(r: EmploymentRecord) -> dict[str, Any]:
    return vars(selectors.roster_entry(r))


class ReportItemOut(Schema):
    employment_id: int
    kind: Literal["hire", "departure"]
    name: str
    identity_number_masked: str
    event_on: date
    due_on: date | None
    reported_on: date | None
    standing: Literal["on_time", "late", "pending", "missing", "undetermined"]


class ComplianceOut(Schema):
    employer_id: int
    on: date
    compliant: bool
    migrant_count: int
    designated_staff_required: bool
    has_designated_staff: bool
    late: list[ReportItemOut]
    missing: list[ReportItemOut]
    undetermined: list[ReportItemOut] = Field(..., description="needs a holiday calendar not yet entered")
    reasons: list[ReasonOut]


def _item_out(i: selectors.ReportItem) -> dict[str, Any]:
    return {**vars(i), "standing": i.standing.value}


class ImportProblemOut(Schema):
    row: int
    field: str
    column: str
    rule: str
    code: str
    message: str


class ImportOut(Schema):
    dry_run: bool
    applied: bool
    rows: int
    valid: int
    unchanged: int
    created: int
    problems: list[ImportProblemOut]
    rule: str = "LH-4-employer-report-5wd"


def _import_out(r: services.ImportResult, lang: Lang) -> dict[str, Any]:
    return {
        "dry_run": r.dry_run,
        "applied": r.applied,
        "rows": r.rows,
        "valid": r.valid,
        "unchanged": r.unchanged,
        "created": r.created,
        "problems": [
            {
                "row": p.row,
                "field": p.field,
                "column": roster.COLUMN_LABELS.get(p.field, p.field),
                "rule": p.reason.rule,
                "code": p.reason.code,
                "message": p.reason.text(lang),
            }
            for p in r.problems
        ],
    }


# ----------------------------------------------------------------------------- operations


@router.post("/employers", response={201: EmployerOut}, summary="Register an employer (LH-4-employer-record)")
def employer_create(request: HttpRequest, payload: EmployerIn) -> Status[Any]:
    def make() -> dict[str, Any]:
        return _employer_out(services.employer_register(actor=request.user, **payload.dict()))

    return run_idempotent(request, 201, make)


@router.get(
    "/employers/{int:employer_id}",
    response=EmployerOut,
    summary="An employer (own employer only for accounts)",
)
def employer_detail(request: HttpRequest, employer_id: int) -> dict[str, Any]:
    return _employer_out(selectors.employer_get_for(request.user, employer_id))


@router.put(
    "/employers/{int:employer_id}/designated-staff",
    response=EmployerOut,
    summary="Name the designated migrant-affairs staff (LH-4-employer-staff-100)",
)
def employer_designated_staff(
    request: HttpRequest, employer_id: int, payload: DesignatedStaffIn
) -> dict[str, Any]:
    e = services.employer_update_designated_staff(
        actor=request.user, employer_id=employer_id, name=payload.name, phone=payload.phone
    )
    return _employer_out(e)


@router.post(
    "/employers/{int:employer_id}/hires",
    response={201: EmploymentOut},
    summary="Report a hire (LH-4-employer-report-5wd: within 5 working days)",
)
def employment_hire(request: HttpRequest, employer_id: int, payload: HireIn) -> Status[Any]:
    def make() -> dict[str, Any]:
        if payload.unreported:
            rec = services.employment_record_unreported(
                actor=request.user,
                employer_id=employer_id,
                identity_number=payload.identity_number,
                name=payload.name,
                hired_on=payload.hired_on,
            )
        else:
            rec = services.employment_report_hire(
                actor=request.user,
                employer_id=employer_id,
                identity_number=payload.identity_number,
                name=payload.name,
                hired_on=payload.hired_on,
                reported_on=payload.reported_on,
            )
        return _employment_out(rec)

    return run_idempotent(request, 201, make)


@router.post(
    "/employers/{int:employer_id}/departures",
    response=EmploymentOut,
    summary="Report a departure (LH-4-employer-report-5wd: within 5 working days)",
)
def employment_departure(request: HttpRequest, employer_id: int, payload: DepartureIn) -> Status[Any]:
    def make() -> dict[str, Any]:
        rec = services.employment_report_departure(
            actor=request.user,
            employer_id=employer_id,
            identity_number=payload.identity_number,
            ended_on=payload.ended_on,
            reported_on=payload.reported_on,
        )
        return _employment_out(rec)

    return run_idempotent(request, 200, make)


@router.get(
    "/employers/{int:employer_id}/roster",
    response=list[EmploymentOut],
    summary="Migrant staff, identity numbers masked (current, on a date, or every record)",
)
def employer_roster(
    request: HttpRequest,
    employer_id: int,
    on: InDate | None = None,
    include_ended: bool = False,
    limit: QueryEx[int, P(ge=1, le=5000)] = 500,
    offset: QueryEx[int, P(ge=0)] = 0,
) -> list[dict[str, Any]]:
    employer = selectors.employer_get_for(request.user, employer_id)
    with transaction.atomic():
        records = list(
            selectors.employer_roster(employer, on=on, include_ended=include_ended)[offset : offset + limit]
        )
        # Full names: a read of each person listed, once per account and day (docs/decisions/0011).
        access_record_each(
            reader_of(request), "api.employer.roster", [Whose.employment(r.pk, r.person_id) for r in records]
        )
    return [_employment_out(r) for r in records]


@router.get(
    "/employers/{int:employer_id}/compliance",
    response=ComplianceOut,
    summary="Late and missing reports and the >100 rule, as they stood on a date",
)
def employer_compliance(request: HttpRequest, employer_id: int, on: InDate | None = None) -> dict[str, Any]:
    employer = selectors.employer_get_for(request.user, employer_id)
    with transaction.atomic():
        c = selectors.employer_compliance(employer, on or clock.today())
        items = [i.employment_id for i in (*c.late, *c.missing, *c.undetermined)]
        persons = selectors.employment_persons(items)
        access_record_each(
            reader_of(request),
            "api.employer.compliance",
            [Whose.employment(i, persons.get(i)) for i in items],
        )
    lang = request_lang(request)
    return {
        "employer_id": employer.pk,
        "on": c.on,
        "compliant": c.compliant,
        "migrant_count": c.migrant_count,
        "designated_staff_required": c.designated_staff_required,
        "has_designated_staff": bool(c.designated_staff_name),
        "late": [_item_out(i) for i in c.late],
        "missing": [_item_out(i) for i in c.missing],
        "undetermined": [_item_out(i) for i in c.undetermined],
        "reasons": [r.as_dict(lang) for r in c.reasons],
    }


@router.get(
    "/employers/{int:employer_id}/roster.xlsx",
    summary="Current staff as .xlsx (names, masked numbers, dates); every export is logged, row by row",
    openapi_extra={"responses": {200: {"description": "xlsx", "content": {XLSX: {}}}}},
)
def employer_roster_export(request: HttpRequest, employer_id: int) -> HttpResponse:
    employer = selectors.employer_get_for(request.user, employer_id)
    with transaction.atomic():
        entries = [selectors.roster_entry(r) for r in selectors.employer_roster(employer)]
        body = roster.roster_export(entries)
        persons = selectors.employment_persons(e.id for e in entries)
        access_record_each(
            reader_of(request),
            "export.employer.roster",
            [Whose.employment(e.id, persons.get(e.id)) for e in entries],
        )
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="roster-{employer.credit_code}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@public.get(
    "/employers/roster-template",
    summary="The roster template (.xlsx; the identity number column is formatted as text)",
    openapi_extra={"responses": {200: {"description": "xlsx", "content": {XLSX: {}}}}},
)
def roster_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(roster.roster_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


@router.post(
    "/employers/{int:employer_id}/roster-import",
    response=ImportOut,
    summary="Import the roster (.xlsx): dry run by default; apply is all or nothing",
)
def roster_import(
    request: HttpRequest, employer_id: int, file: File[UploadedFile], dry_run: bool = True
) -> dict[str, Any]:
    selectors.employer_get_for(request.user, employer_id, staff_capability="counter")  # before reading
    roster.roster_size_check(file.size or 0)
    data = file.read(roster.MAX_BYTES + 1)
    result = services.roster_import(actor=request.user, employer_id=employer_id, data=data, dry_run=dry_run)
    return _import_out(result, request_lang(request))
