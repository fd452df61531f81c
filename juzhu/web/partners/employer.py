"""Employer pages: our migrant staff, their 5-working-day reports, compliance, and the roster import.

An employer account reaches only the employers it is a member of: every view asks
``employers.selectors.employer_get_for`` first (the API's check), and every change goes
through ``employers.services``, which checks it again under the employer's row lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juzhu.employers import roster, selectors, services
from juzhu.employers.models import Employer, EmploymentRecord
from juzhu.employers.selectors import Standing
from juzhu.policy.deadlines import employer_report_due
from juzhu.policy.employers import report_on_time
from juzhu.policy.errors import CalendarUnknown, PolicyError
from juzhu.registry import clock
from juzhu.registry.selectors import jurisdiction
from juzhu.sharing.access import Whose, access_record_each, reader_of
from juzhu.web.i18n import request_lang, tr
from juzhu.web.pages import Problem, attempt, page, staff_page
from juzhu.web.partners.forms import date_field, is_htmx, text_field
from juzhu.workcal.selectors import work_calendar

REPORT_RULE = services.REPORT_RULE  # LH-4-employer-report-5wd
RECORD_RULE = services.RECORD_RULE  # LH-4-employer-record
STAFF_RULE = services.STAFF_RULE  # LH-4-employer-staff-100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HIRED_ON = ("签订劳动合同日期", "Labour contract signed on")
ENDED_ON = ("解除劳动关系日期", "Labour relation ended on")

# How a report stands (employers.selectors.Standing), as the roster shows it.
STANDING_LABELS: dict[Standing, tuple[str, str, str]] = {
    Standing.ON_TIME: ("按时报告", "Reported on time", "ok"),
    Standing.LATE: ("逾期报告", "Reported late", "bad"),
    Standing.PENDING: ("尚未报告（未逾期）", "Not yet reported (not overdue)", "soon"),
    Standing.MISSING: ("逾期未报告", "Overdue, not reported", "bad"),
    Standing.UNDETERMINED: ("待定：节假日安排未录入", "Pending: holiday calendar not entered", "info"),
}


# --------------------------------------------------------------------------- access


def _forbidden(request: HttpRequest, problem: Problem) -> HttpResponse:
    return page(request, "web/forbidden.html", problem=problem)


def _employer(request: HttpRequest, employer_id: int) -> tuple[Employer | None, HttpResponse | None]:
    """The employer if this account may act for it; else the refusal page (403 for another employer)."""
    employer, problem = attempt(request, selectors.employer_get_for, request.user, employer_id)
    if employer is None:
        return None, _forbidden(request, problem or _no_employer())
    return employer, None


def _memberships(request: HttpRequest) -> list[Employer]:
    """The employers this account acts for (the memberships ``employer_get_for`` checks)."""
    if not request.user.is_authenticated:
        return []
    return list(Employer.objects.filter(memberships__user=request.user).order_by("name", "pk"))


def _no_employer() -> Problem:
    return Problem.of(
        "N-17-confidentiality",
        "no-employer",
        "该账号尚未关联用人单位，请联系管理员关联后再使用。",
        "This account does not act for any employer yet: ask the administrator to link it.",
        status=403,
    )


# --------------------------------------------------------------------------- the roster and compliance


@dataclass(frozen=True)
class Row:
    """One roster line: the record (masked) and how its hire report stands today."""

    entry: selectors.RosterEntry
    standing: Standing
    label: str
    css: str


def _standing(
    kind: str, record_id: int, reported: date | None, judged: Mapping[tuple[int, str], Standing]
) -> Standing:
    """From the compliance selector: late, missing or undetermined as it lists them; otherwise a report
    made is on time and one not made is still within its 5 working days."""
    found = judged.get((record_id, kind))
    if found is not None:
        return found
    return Standing.ON_TIME if reported is not None else Standing.PENDING


def _row(entry: selectors.RosterEntry, standing: Standing) -> Row:
    zh, en, css = STANDING_LABELS[standing]
    return Row(entry, standing, tr(zh, en), css)


def _home_context(employer: Employer) -> dict[str, Any]:
    today = clock.today()
    compliance = selectors.employer_compliance(employer, today)
    judged: dict[tuple[int, str], Standing] = {
        (i.employment_id, i.kind): i.standing
        for i in (*compliance.late, *compliance.missing, *compliance.undetermined)
    }
    current = [
        _row(e, _standing("hire", e.id, e.hire_reported_on, judged))
        for e in map(selectors.roster_entry, selectors.employer_roster(employer))
    ]
    ended_qs = selectors.employer_roster(employer, include_ended=True).filter(ended_on__isnull=False)
    ended = [
        _row(e, _standing("departure", e.id, e.end_reported_on, judged))
        for e in map(selectors.roster_entry, ended_qs.order_by("-ended_on", "-id")[:50])
    ]
    policy = jurisdiction()
    return {
        "employer": employer,
        "today": today,
        "compliance": compliance,
        "rows": current,
        "ended": ended,
        "threshold": policy.employer_staff_threshold,
        "workdays": policy.employer_report_workdays,
    }


def _read_roster(request: HttpRequest, ctx: dict[str, Any], read: str = "page.employer.roster") -> None:
    """The roster names each person in full: a read of each, once per account and day on the page
    (docs/decisions/0011), logged in the page's transaction."""
    ids = [row.entry.id for row in (*ctx["rows"], *ctx["ended"])]
    persons = selectors.employment_persons(ids)
    access_record_each(reader_of(request), read, [Whose.employment(i, persons.get(i)) for i in ids])


def _render_home(
    request: HttpRequest, employer: Employer, extra: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    ctx = {**_home_context(employer), "memberships": _memberships(request), **(extra or {})}
    _read_roster(request, ctx)
    return page(request, "web/partners/employer_home.html", ctx, status=status)


@staff_page("employer")
@require_GET
def employer_home(request: HttpRequest) -> HttpResponse:
    """One employer: its page here; several: choose; none yet: say so (403)."""
    employers = _memberships(request)
    if not employers:
        return _forbidden(request, _no_employer())
    if len(employers) > 1:
        return page(request, "web/partners/employer_choose.html", {"memberships": employers})
    employer, refused = _employer(request, employers[0].pk)
    if refused is not None or employer is None:
        return refused or _forbidden(request, _no_employer())
    return _render_home(request, employer)


@staff_page("employer")
@require_GET
def employer_detail(request: HttpRequest, employer_id: int) -> HttpResponse:
    employer, refused = _employer(request, employer_id)
    if employer is None:
        return refused or _forbidden(request, _no_employer())
    return _render_home(request, employer)


@staff_page("employer")
@require_GET
def employer_roster(request: HttpRequest, employer_id: int) -> HttpResponse:
    """The roster and compliance block alone, refreshed after a report (htmx)."""
    employer, refused = _employer(request, employer_id)
    if employer is None:
        return refused or _forbidden(request, _no_employer())
    ctx = _home_context(employer)
    _read_roster(request, ctx)
    return page(request, "web/partners/_roster.html", ctx)


@staff_page("employer")
@require_GET
def employer_staff_options(request: HttpRequest, employer_id: int) -> HttpResponse:
    """The departure form's list of current staff, refreshed after a report (htmx)."""
    employer, refused = _employer(request, employer_id)
    if employer is None:
        return refused or _forbidden(request, _no_employer())
    ctx = _home_context(employer)
    _read_roster(request, ctx)
    return page(request, "web/partners/_staff_options.html", ctx)


@staff_page("employer")
@require_GET
def employer_roster_export(request: HttpRequest, employer_id: int) -> HttpResponse:
    """The current staff as .xlsx (names, masked numbers, dates): every export is logged, row by row."""
    employer, refused = _employer(request, employer_id)
    if employer is None:
        return refused or _forbidden(request, _no_employer())
    entries = [selectors.roster_entry(r) for r in selectors.employer_roster(employer)]
    body = roster.roster_export(entries)
    persons = selectors.employment_persons(e.id for e in entries)
    access_record_each(
        reader_of(request),
        "export.employer.roster",
        [Whose.employment(e.id, persons.get(e.id)) for e in entries],
    )
    return xlsx_attachment(body, f"roster-{employer.credit_code}-{clock.today():%Y%m%d}.xlsx")


def xlsx_attachment(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # N-17-confidentiality: no shared cache keeps it
    return response


# --------------------------------------------------------------------------- due-date preview


@dataclass(frozen=True)
class Preview:
    """What the policy says before the report is sent: the due day and how a report today would stand."""

    kind: str
    event_on: date
    due: date | None
    rules: tuple[str, ...]
    today: date
    on_time_today: bool | None  # None: the event is after today, or the calendar is unknown
    calendar_problem: Problem | None


def _preview(request: HttpRequest, kind: str, event_on: date) -> Preview:
    cal, policy, today = work_calendar(), jurisdiction(), clock.today()
    due: date | None = None
    rules: tuple[str, ...] = (REPORT_RULE,)
    unknown: Problem | None = None
    on_time: bool | None = None
    try:
        deadline = employer_report_due(event_on, cal, policy)
        due, rules = deadline.due, deadline.rules
    except CalendarUnknown as exc:
        unknown = Problem.from_error(exc, request)
    if event_on <= today:
        try:
            on_time = report_on_time(event_on, today, cal, policy)
        except CalendarUnknown as exc:
            unknown = unknown or Problem.from_error(exc, request)
    return Preview(kind, event_on, due, rules, today, on_time, unknown)


@staff_page("employer")
@require_GET
def employer_due_preview(request: HttpRequest, employer_id: int) -> HttpResponse:
    """The due day the policy computes for a hire or departure date, shown before the report is sent."""
    employer, refused = _employer(request, employer_id)
    if employer is None:
        return refused or _forbidden(request, _no_employer())
    kind = "departure" if request.GET.get("kind") == "departure" else "hire"
    field, label = ("ended_on", ENDED_ON) if kind == "departure" else ("hired_on", HIRED_ON)
    event_on, problem = date_field(request.GET, field, REPORT_RULE, label=label)
    ctx: dict[str, Any] = {"kind": kind, "workdays": jurisdiction().employer_report_workdays}
    if event_on is not None:
        ctx["preview"] = _preview(request, kind, event_on)
    return page(request, "web/partners/_due_preview.html", ctx, problem=problem)


# --------------------------------------------------------------------------- hire and departure reports


def _report_response(
    request: HttpRequest,
    employer: Employer,
    kind: str,
    record: EmploymentRecord | None,
    problem: Problem | None,
) -> HttpResponse:
    ctx: dict[str, Any] = {"employer": employer, "kind": kind}
    if record is not None:
        entry = selectors.roster_entry(record)
        ctx["entry"] = entry
        reported, on_time = (
            (entry.end_reported_on, entry.end_on_time)
            if kind == "departure"
            else (entry.hire_reported_on, entry.hire_on_time)
        )
        standing = (
            Standing.UNDETERMINED if on_time is None else (Standing.ON_TIME if on_time else Standing.LATE)
        )
        ctx["result"] = _row(entry, standing)
        ctx["reported_on"] = reported
    if is_htmx(request):
        response = page(request, "web/partners/_report_result.html", ctx, problem=problem)
        if record is not None:
            response["HX-Trigger"] = "roster-changed"
        return response
    key = "hire" if kind == "hire" else "departure"
    extra = {
        f"{key}_result": ctx.get("result"),
        f"{key}_problem": problem,
        f"{key}_reported_on": ctx.get("reported_on"),
        "posted": request.POST,
    }
    return _render_home(request, employer, extra, status=problem.status if problem else 200)


@staff_page("employer")
@require_POST
def employer_hire(request: HttpRequest, employer_id: int) -> HttpResponse:
    """Report a hire (LH-4-employer-record, LH-4-employer-report-5wd), dated today by the service."""
    employer, refused = _employer(request, employer_id)
    if employer is None:
        return refused or _forbidden(request, _no_employer())
    hired_on, problem = date_field(request.POST, "hired_on", REPORT_RULE, label=HIRED_ON)
    record = None
    if hired_on is not None:
        record, problem = attempt(
            request,
            services.employment_report_hire,
            actor=request.user,
            employer_id=employer.pk,
            identity_number=text_field(request.POST, "identity_number"),
            name=text_field(request.POST, "name"),
            hired_on=hired_on,
        )
    return _report_response(request, employer, "hire", record, problem)


def _open_record(employer: Employer, raw_id: str) -> EmploymentRecord | None:
    """The open record chosen from the roster list (the page never sends full identity numbers)."""
    if not raw_id.isdigit():
        return None
    return selectors.employer_roster(employer).filter(pk=int(raw_id)).first()


@staff_page("employer")
@require_POST
def employer_departure(request: HttpRequest, employer_id: int) -> HttpResponse:
    """Report that a labour relation ended (LH-4-employer-report-5wd)."""
    employer, refused = _employer(request, employer_id)
    if employer is None:
        return refused or _forbidden(request, _no_employer())
    chosen = _open_record(employer, text_field(request.POST, "employment"))
    ended_on, problem = date_field(request.POST, "ended_on", REPORT_RULE, label=ENDED_ON)
    record = None
    if chosen is None:
        problem = Problem.of(
            RECORD_RULE,
            "employment-not-found",
            "请从本单位在职人员中选择离职人员。",
            "Choose the departing person from this employer's current staff.",
            fields=("employment",),
            status=422,
        )
    elif ended_on is not None:
        record, problem = attempt(
            request,
            services.employment_report_departure,
            actor=request.user,
            employer_id=employer.pk,
            identity_number=chosen.identity_number,
            ended_on=ended_on,
        )
    return _report_response(request, employer, "departure", record, problem)


# --------------------------------------------------------------------------- roster import (.xlsx)


@staff_page("employer")
@require_GET
def employer_roster_template(request: HttpRequest) -> HttpResponse:
    """The template whose identity-number column is formatted as text (numbers would lose digits)."""
    response = HttpResponse(roster.roster_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


def _import_context(employer: Employer) -> dict[str, Any]:
    return {"employer": employer, "columns": roster.COLUMNS, "max_rows": roster.MAX_ROWS}


def _problem_rows(result: services.ImportResult, request: HttpRequest) -> list[dict[str, Any]]:
    lang = request_lang(request)
    return [
        {
            "row": p.row,
            "field": p.field,
            "column": roster.COLUMN_LABELS.get(p.field, p.field),
            "message": p.reason.text(lang),
            "rule": p.reason.rule,
            "code": p.reason.code,
        }
        for p in result.problems
    ]


def _file_missing() -> Problem:
    return Problem.of(
        RECORD_RULE,
        "file-required",
        "请选择要导入的花名册文件（.xlsx）。",
        "Choose the roster file (.xlsx) to import.",
        fields=("file",),
    )


def _not_checked() -> Problem:
    return Problem.of(
        RECORD_RULE,
        "file-not-checked",
        "该文件与刚才检查的文件不同，请先检查（试导入）再确认导入。",
        "This file is not the one just checked: check it (dry run) before confirming the import.",
        fields=("file",),
        status=409,
    )


def _import_response(
    request: HttpRequest, employer: Employer, ctx: dict[str, Any], problem: Problem | None, status: int
) -> HttpResponse:
    if is_htmx(request):
        return page(
            request,
            "web/partners/_import_result.html",
            {**_import_context(employer), **ctx},
            problem=problem,
            status=status,
        )
    full = {**_import_context(employer), **ctx, "import_problem": problem}
    return page(request, "web/partners/employer_import.html", full, status=status)


def _run_import(request: HttpRequest, employer: Employer, *, dry_run: bool) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        missing = _file_missing()
        return _import_response(request, employer, {}, missing, missing.status)
    try:
        roster.roster_size_check(upload.size or 0)
    except PolicyError as exc:
        too_large = Problem.from_error(exc, request)
        return _import_response(request, employer, {}, too_large, too_large.status)
    data = upload.read(roster.MAX_BYTES + 1)
    digest = hashlib.sha256(data).hexdigest()
    if not dry_run and text_field(request.POST, "checked") != digest:
        changed = _not_checked()
        return _import_response(request, employer, {}, changed, changed.status)
    result, problem = attempt(
        request,
        services.roster_import,
        actor=request.user,
        employer_id=employer.pk,
        data=data,
        dry_run=dry_run,
    )
    if result is None:
        return _import_response(request, employer, {}, problem, problem.status if problem else 422)
    ctx = {
        "result": result,
        "problem_rows": _problem_rows(result, request),
        "checked": digest,
        "filename": upload.name,
        "refused": not dry_run and not result.applied,
    }
    status = 422 if ctx["refused"] else 200
    response = _import_response(request, employer, ctx, None, status)
    if result.applied and is_htmx(request):
        response["HX-Trigger"] = "roster-changed"
    return response


@staff_page("employer")
@require_http_methods(["GET", "POST"])
def employer_import(request: HttpRequest, employer_id: int) -> HttpResponse:
    """GET: the upload form.  POST: the dry run — every row checked, per-row problems, nothing written."""
    employer, refused = _employer(request, employer_id)
    if employer is None:
        return refused or _forbidden(request, _no_employer())
    if request.method == "POST":
        return _run_import(request, employer, dry_run=True)
    return page(request, "web/partners/employer_import.html", _import_context(employer))


@staff_page("employer")
@require_POST
def employer_import_confirm(request: HttpRequest, employer_id: int) -> HttpResponse:
    """Write every row of the checked file, or none (``employers.services.roster_import``)."""
    employer, refused = _employer(request, employer_id)
    if employer is None:
        return refused or _forbidden(request, _no_employer())
    return _run_import(request, employer, dry_run=False)
