"""Every change to employers and their staff records: one function each, atomic, row-locked, audited.

An employer account acts only for its own employer (``selectors.employer_get_for``); counter
staff act for employers in their division.  Reports are dated today (``clock.today()``); only
the counter may enter the date of a report received earlier on paper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from juzhu.accounts.selectors import staff_profile, staff_require
from juzhu.audit.models import AuditEvent
from juzhu.audit.services import audit_record
from juzhu.employers import roster
from juzhu.employers.models import DesignatedStaffEntry, Employer, EmployerMembership, EmploymentRecord
from juzhu.employers.selectors import (
    EMPLOYER_CAPABILITY,
    employer_get_for,
    employer_not_found,
    is_employer_account,
)
from juzhu.policy import divisions
from juzhu.policy.calendar import WorkCalendar
from juzhu.policy.deadlines import employer_report_due
from juzhu.policy.employers import report_on_time
from juzhu.policy.errors import (
    CalendarUnknown,
    Forbidden,
    InvalidInput,
    NotFound,
    PolicyError,
    Reason,
    TransitionNotAllowed,
)
from juzhu.policy.identity import identity_normalise, identity_parse
from juzhu.policy.organisations import uscc_parse
from juzhu.registry import clock
from juzhu.registry.models import Person
from juzhu.registry.selectors import jurisdiction
from juzhu.workcal.selectors import work_calendar

REPORT_RULE = "LH-4-employer-report-5wd"
RECORD_RULE = "LH-4-employer-record"
STAFF_RULE = "LH-4-employer-staff-100"


# --------------------------------------------------------------------------- helpers


def _lock_employer(user: Any, employer_id: int) -> Employer:
    """Check access for a change (employer account or "counter"), then lock the employer row: every
    change to one employer's staff is serialised, so the one-open-employment check cannot race."""
    employer_get_for(user, employer_id, staff_capability="counter")
    employer = Employer.objects.select_for_update().filter(pk=employer_id).first()
    if employer is None:
        raise employer_not_found()
    return employer


def _due_or_none(event_on: date, cal: WorkCalendar) -> date | None:
    """The 5th working day after the event, or None while that year's calendar is unknown."""
    try:
        return employer_report_due(event_on, cal, jurisdiction()).due
    except CalendarUnknown:
        return None


def _on_time_or_none(event_on: date, reported_on: date, cal: WorkCalendar) -> bool | None:
    try:
        return report_on_time(event_on, reported_on, cal, jurisdiction())
    except CalendarUnknown:
        return None


def _report_date(user: Any, reported_on: date | None, today: date) -> date:
    """Today for an employer account; the counter may enter an earlier date of a paper report."""
    if reported_on is None or reported_on == today:
        return today
    if is_employer_account(user):
        raise InvalidInput(
            rule=REPORT_RULE,
            code="report-date-is-today",
            zh="用人单位在线报告的报告日期为当天，不能填写其他日期。",
            en="An employer's online report is dated today; another report date cannot be given.",
            fields=("reported_on",),
        )
    if reported_on > today:
        raise InvalidInput(
            rule=REPORT_RULE,
            code="report-in-future",
            zh="报告日期不能晚于今天。",
            en="The report date cannot be after today.",
            fields=("reported_on",),
        )
    return reported_on


def _name_clean(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 50:
        raise InvalidInput(
            rule=RECORD_RULE,
            code="name-required",
            zh="请填写从业人员姓名（不超过50个字）。",
            en="The employee's name is required (at most 50 characters).",
            fields=("name",),
        )
    return cleaned


def _staff_clean(name: str, phone: str) -> tuple[str, str]:
    name, phone = " ".join(name.split()), phone.strip()
    if phone and not name:
        raise InvalidInput(
            rule=STAFF_RULE,
            code="designated-staff-name",
            zh="填写了专（兼）职人员电话，请同时填写姓名。",
            en="A designated staff phone number needs the staff member's name.",
            fields=("designated_staff_name",),
        )
    return name, phone


@dataclass(frozen=True)
class _Prior:
    """What the register already holds for one identity number at one employer."""

    open: EmploymentRecord | None
    last_ended_on: date | None


HireAction = Literal["create", "report", "unchanged"]


def _hire_check(
    *, hired_on: date, reported_on: date | None, today: date, prior: _Prior, reporting: bool = True
) -> HireAction:
    """Judge one hire against today and the employer's records; raise the PolicyError that refuses it.

    "report": the open record was found unreported and this is its (late or on-time) report;
    "unchanged": already on the roster, reported, with the same date (a re-imported roster).
    """
    if hired_on > today:
        raise InvalidInput(
            rule=REPORT_RULE,
            code="hired-in-future",
            zh="签订劳动合同日期不能晚于今天；请在签订后报告。",
            en="The labour contract date cannot be after today: report it once signed.",
            fields=("hired_on",),
        )
    if reported_on is not None and reported_on < hired_on:
        raise InvalidInput(
            rule=REPORT_RULE,
            code="report-before-event",
            zh="报告日期不能早于签订劳动合同的日期。",
            en="The report cannot be dated before the labour contract was signed.",
            fields=("reported_on",),
        )
    rec = prior.open
    if rec is not None:
        if rec.hired_on != hired_on:
            raise TransitionNotAllowed(
                rule=RECORD_RULE,
                code="employment-open-other-date",
                zh=f"该人员已在本单位从业登记中，签订日期为{rec.hired_on}；如有误请到窗口更正。",
                en=f"This person is already on the roster, hired on {rec.hired_on}; "
                "ask the counter to correct a wrong date.",
                fields=("hired_on",),
            )
        if rec.hire_reported_on is None and reporting:
            return "report"
        if not reporting:
            raise TransitionNotAllowed(
                rule=RECORD_RULE,
                code="employment-open",
                zh="该人员已在本单位从业登记中。",
                en="This person is already on this employer's roster.",
                fields=("identity_number",),
            )
        return "unchanged"
    if prior.last_ended_on is not None and hired_on < prior.last_ended_on:
        raise InvalidInput(
            rule=RECORD_RULE,
            code="employment-overlap",
            zh=f"该人员在本单位的上一段劳动关系于{prior.last_ended_on}解除，新签订日期不能早于该日。",
            en=f"This person's previous employment here ended on {prior.last_ended_on}; "
            "a new one cannot start before that.",
            fields=("hired_on",),
        )
    return "create"


def _prior(employer: Employer, number: str) -> _Prior:
    records = EmploymentRecord.objects.filter(employer=employer, identity_number=number)
    return _Prior(
        open=records.filter(ended_on__isnull=True).first(),
        last_ended_on=records.exclude(ended_on__isnull=True)
        .order_by("-ended_on")
        .values_list("ended_on", flat=True)
        .first(),
    )


def _hire_apply(
    *,
    actor: Any,
    employer: Employer,
    action: HireAction,
    prior: _Prior,
    number: str,
    name: str,
    hired_on: date,
    reported_on: date | None,
    person_id: int | None,
    cal: WorkCalendar,
) -> EmploymentRecord | None:
    """Write one judged hire and its audit event.  ``reported_on`` None records an unreported hire."""
    if action == "unchanged":
        return None
    on_time = None if reported_on is None else _on_time_or_none(hired_on, reported_on, cal)
    if action == "report":
        rec = prior.open
        if rec is None:  # _hire_check returns "report" only for an open record
            raise ValueError("no open record to report")
        rec.hire_reported_on, rec.hire_on_time = reported_on, on_time
        rec.save(update_fields=["hire_reported_on", "hire_on_time"])
    else:
        rec = EmploymentRecord.objects.create(
            employer=employer,
            identity_number=number,
            name=name,
            person_id=person_id,
            hired_on=hired_on,
            hire_reported_on=reported_on,
            hire_due_on=_due_or_none(hired_on, cal),
            hire_on_time=on_time,
        )
    audit_record(
        actor=actor,
        code="employment.hire_reported" if reported_on is not None else "employment.hire_found",
        subject=rec,
        person_id=rec.person_id,
        rule=REPORT_RULE,
        new=_hire_audit_new(employer, hired_on, reported_on, rec.hire_due_on, on_time),
    )
    return rec


def _hire_audit_new(
    employer: Employer, hired_on: date, reported_on: date | None, due_on: date | None, on_time: bool | None
) -> dict[str, Any]:
    return {
        "employer": employer.credit_code,
        "hired_on": str(hired_on),
        "reported_on": str(reported_on) if reported_on else None,
        "due_on": str(due_on) if due_on else None,
        "on_time": on_time,
    }


def _audit_many(actor: Any, code: str, items: list[tuple[EmploymentRecord, dict[str, Any]]]) -> None:
    """``audit_record`` for many records in one INSERT: the same fields, written the same way."""
    user = actor if isinstance(actor, User) and actor.is_authenticated else None
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=user,
            actor_label=user.get_username() if user is not None else "system",
            code=code,
            subject_type=EmploymentRecord.__name__.lower(),
            subject_id=str(rec.pk),
            person_id=rec.person_id,
            rule=REPORT_RULE,
            new=new,
        )
        for rec, new in items
    )


# --------------------------------------------------------------------------- employers


@transaction.atomic
def employer_register(
    *,
    actor: Any,
    credit_code: str,
    name: str,
    address: str,
    division_code: str,
    contact_name: str,
    contact_phone: str,
    designated_staff_name: str = "",
    designated_staff_phone: str = "",
) -> Employer:
    """Register an employer by its 统一社会信用代码 (LH-4-employer-record), at the counter."""
    staff_require(actor, "counter")
    code = uscc_parse(credit_code).code
    division = divisions.division_get(division_code)
    if division.level is not divisions.Level.COUNTY:
        raise InvalidInput(
            rule=RECORD_RULE,
            code="employer-division-level",
            zh="用人单位所在地应为县级行政区划代码。",
            en="An employer's division must be a county-level code.",
            fields=("division_code",),
        )
    staff_require(actor, "counter", division_code)
    staff_name, staff_phone = _staff_clean(designated_staff_name, designated_staff_phone)
    exists = TransitionNotAllowed(
        rule=RECORD_RULE,
        code="employer-exists",
        zh="该统一社会信用代码的用人单位已登记。",
        en="An employer with this credit code is already registered.",
        fields=("credit_code",),
    )
    if Employer.objects.filter(credit_code=code).exists():
        raise exists
    try:
        with transaction.atomic():
            employer = Employer.objects.create(
                credit_code=code,
                name=name.strip(),
                address=address.strip(),
                division_code=division_code,
                contact_name=contact_name.strip(),
                contact_phone=contact_phone.strip(),
                designated_staff_name=staff_name,
                designated_staff_phone=staff_phone,
            )
    except IntegrityError:  # registered concurrently
        raise exists from None
    if staff_name:
        DesignatedStaffEntry.objects.create(
            employer=employer,
            effective_on=clock.today(),
            name=staff_name,
            phone=staff_phone,
            actor=_user(actor),
        )
    audit_record(
        actor=actor,
        code="employer.registered",
        subject=employer,
        rule=RECORD_RULE,
        new={
            "credit_code": code,
            "name": employer.name,
            "division_code": division_code,
            "designated_staff_name": staff_name,
        },
    )
    return employer


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def employer_update_designated_staff(*, actor: Any, employer_id: int, name: str, phone: str = "") -> Employer:
    """Name (or clear, with an empty name) the designated migrant-affairs staff (LH-4-employer-staff-100),
    effective today; the history keeps who was designated on every earlier date."""
    employer = _lock_employer(actor, employer_id)
    name, phone = _staff_clean(name, phone)
    old = {"name": employer.designated_staff_name, "phone": employer.designated_staff_phone}
    if old == {"name": name, "phone": phone}:
        return employer
    employer.designated_staff_name, employer.designated_staff_phone = name, phone
    employer.save(update_fields=["designated_staff_name", "designated_staff_phone"])
    DesignatedStaffEntry.objects.create(
        employer=employer, effective_on=clock.today(), name=name, phone=phone, actor=_user(actor)
    )
    audit_record(
        actor=actor,
        code="employer.designated_staff_changed",
        subject=employer,
        rule=STAFF_RULE,
        old=old,
        new={"name": name, "phone": phone},
    )
    return employer


@transaction.atomic
def employer_membership_grant(*, actor: Any, employer_id: int, user: Any) -> EmployerMembership:
    """Let an employer account (role ``employer``) act for this employer (administrators only)."""
    staff_require(actor, "admin")
    employer = Employer.objects.select_for_update().filter(pk=employer_id).first()
    if employer is None:
        raise employer_not_found()
    profile = staff_profile(user)
    if profile is None or not profile.can(EMPLOYER_CAPABILITY):
        raise InvalidInput(
            rule="N-17-confidentiality",
            code="not-an-employer-account",
            zh="只有“用人单位”角色的账号可以关联用人单位。",
            en="Only an account with the employer role can act for an employer.",
            fields=("user",),
        )
    membership, created = EmployerMembership.objects.get_or_create(user=user, employer=employer)
    if created:
        audit_record(
            actor=actor,
            code="employer.account_granted",
            subject=employer,
            rule="N-17-confidentiality",
            new={"user": user.get_username()},
        )
    return membership


@transaction.atomic
def employer_membership_revoke(*, actor: Any, employer_id: int, user: Any) -> None:
    staff_require(actor, "admin")
    deleted, _ = EmployerMembership.objects.filter(user=user, employer_id=employer_id).delete()
    if deleted:
        employer = Employer.objects.get(pk=employer_id)
        audit_record(
            actor=actor,
            code="employer.account_revoked",
            subject=employer,
            rule="N-17-confidentiality",
            old={"user": user.get_username()},
        )


# --------------------------------------------------------------------------- hires and departures


def _person_id(number: str) -> int | None:
    return Person.objects.filter(identity_number=number).values_list("pk", flat=True).first()


@transaction.atomic
def employment_report_hire(
    *,
    actor: Any,
    employer_id: int,
    identity_number: str,
    name: str,
    hired_on: date,
    reported_on: date | None = None,
) -> EmploymentRecord:
    """Report the hire of a migrant (LH-4-employer-record, LH-4-employer-report-5wd): records the
    person, the report's due day (5 working days, T-workdays) and whether it was on time.

    A hire the counter recorded as found unreported is reported by the same call, late or not.
    """
    employer = _lock_employer(actor, employer_id)
    today = clock.today()
    reported = _report_date(actor, reported_on, today)
    number = identity_parse(identity_number, today).number
    clean_name = _name_clean(name)
    prior = _prior(employer, number)
    action = _hire_check(hired_on=hired_on, reported_on=reported, today=today, prior=prior)
    if action == "unchanged":
        raise TransitionNotAllowed(
            rule=RECORD_RULE,
            code="employment-open",
            zh="该人员已在本单位从业登记中，招用已报告。",
            en="This person is already on this employer's roster and the hire was reported.",
            fields=("identity_number",),
        )
    rec = _hire_apply(
        actor=actor,
        employer=employer,
        action=action,
        prior=prior,
        number=number,
        name=clean_name,
        hired_on=hired_on,
        reported_on=reported,
        person_id=_person_id(number),
        cal=work_calendar(),
    )
    if rec is None:  # unreachable: "unchanged" was refused above
        raise ValueError("nothing recorded")
    return rec


@transaction.atomic
def employment_record_unreported(
    *, actor: Any, employer_id: int, identity_number: str, name: str, hired_on: date
) -> EmploymentRecord:
    """Record a hire the police found that the employer never reported (counter only).

    The record has its due day but no report: once the due day has passed, compliance lists it as
    missing until the employer reports it (``employment_report_hire``).
    """
    if is_employer_account(actor):
        raise Forbidden(
            rule=REPORT_RULE,
            code="forbidden",
            zh="用人单位账号应直接报告招用。",
            en="An employer account reports the hire instead.",
        )
    employer = _lock_employer(actor, employer_id)
    today = clock.today()
    number = identity_parse(identity_number, today).number
    clean_name = _name_clean(name)
    prior = _prior(employer, number)
    action = _hire_check(hired_on=hired_on, reported_on=None, today=today, prior=prior, reporting=False)
    rec = _hire_apply(
        actor=actor,
        employer=employer,
        action=action,
        prior=prior,
        number=number,
        name=clean_name,
        hired_on=hired_on,
        reported_on=None,
        person_id=_person_id(number),
        cal=work_calendar(),
    )
    if rec is None:  # unreachable: reporting=False never answers "unchanged"
        raise ValueError("nothing recorded")
    return rec


@transaction.atomic
def employment_report_departure(
    *,
    actor: Any,
    employer_id: int,
    identity_number: str,
    ended_on: date,
    reported_on: date | None = None,
) -> EmploymentRecord:
    """Report the end of a migrant's labour relation (LH-4-employer-report-5wd)."""
    employer = _lock_employer(actor, employer_id)
    today = clock.today()
    reported = _report_date(actor, reported_on, today)
    number = identity_normalise(identity_number)
    rec = (
        EmploymentRecord.objects.select_for_update()
        .filter(employer=employer, identity_number=number, ended_on__isnull=True)
        .first()
    )
    if rec is None:
        identity_parse(number, today)  # a malformed number is a 422 naming the problem, not a 404
        raise NotFound(
            rule=RECORD_RULE,
            code="employment-not-found",
            zh="本单位没有该人员在职的从业记录；请先报告招用。",
            en="This employer has no open employment for this person: report the hire first.",
            fields=("identity_number",),
        )
    if ended_on > today:
        raise InvalidInput(
            rule=REPORT_RULE,
            code="ended-in-future",
            zh="解除劳动关系日期不能晚于今天；请在解除后报告。",
            en="The end date cannot be after today: report it once the relation has ended.",
            fields=("ended_on",),
        )
    if ended_on < rec.hired_on:
        raise InvalidInput(
            rule=RECORD_RULE,
            code="ended-before-hired",
            zh=f"解除劳动关系日期不能早于签订日期{rec.hired_on}。",
            en=f"The end date cannot be before the hire date {rec.hired_on}.",
            fields=("ended_on",),
        )
    if reported < ended_on:
        raise InvalidInput(
            rule=REPORT_RULE,
            code="report-before-event",
            zh="报告日期不能早于解除劳动关系的日期。",
            en="The report cannot be dated before the labour relation ended.",
            fields=("reported_on",),
        )
    cal = work_calendar()
    rec.ended_on = ended_on
    rec.end_reported_on = reported
    rec.end_due_on = _due_or_none(ended_on, cal)
    rec.end_on_time = _on_time_or_none(ended_on, reported, cal)
    rec.save(update_fields=["ended_on", "end_reported_on", "end_due_on", "end_on_time"])
    audit_record(
        actor=actor,
        code="employment.departure_reported",
        subject=rec,
        person_id=rec.person_id,
        rule=REPORT_RULE,
        new={
            "employer": employer.credit_code,
            "ended_on": str(ended_on),
            "reported_on": str(reported),
            "due_on": str(rec.end_due_on) if rec.end_due_on else None,
            "on_time": rec.end_on_time,
        },
    )
    return rec


def employment_deadlines_settle() -> int:
    """Fill the due days and on-time flags left empty while a year's calendar was unknown
    (T-workdays), once an administrator has entered it.  Set-based and safe to re-run; meant for the
    daily sweep.  Returns the number of fields filled."""
    cal = work_calendar()
    filled = 0
    with transaction.atomic():
        for field, event in (("hire_due_on", "hired_on"), ("end_due_on", "ended_on")):
            pending = (
                EmploymentRecord.objects.filter(**{f"{field}__isnull": True, f"{event}__isnull": False})
                .values_list(event, flat=True)
                .distinct()
            )
            for event_on in list(pending):
                due = _due_or_none(event_on, cal)
                if due is not None:
                    filled += EmploymentRecord.objects.filter(
                        **{f"{field}__isnull": True, event: event_on}
                    ).update(**{field: due})
        for flag, event, reported in (
            ("hire_on_time", "hired_on", "hire_reported_on"),
            ("end_on_time", "ended_on", "end_reported_on"),
        ):
            pairs = (
                EmploymentRecord.objects.filter(**{f"{flag}__isnull": True, f"{reported}__isnull": False})
                .values_list(event, reported)
                .distinct()
            )
            for event_on, reported_on in list(pairs):
                on_time = _on_time_or_none(event_on, reported_on, cal)
                if on_time is not None:
                    filled += EmploymentRecord.objects.filter(
                        **{f"{flag}__isnull": True, event: event_on, reported: reported_on}
                    ).update(**{flag: on_time})
    return filled


# --------------------------------------------------------------------------- roster import

# Callback for long imports: (stage "check" or "apply", rows done, rows in all).
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 500  # rows between progress calls; also the rows of one INSERT when applying


@dataclass(frozen=True)
class RowProblem:
    row: int  # the spreadsheet's row number
    field: str  # column key: name, identity_number, hired_on
    reason: Reason


@dataclass(frozen=True)
class ImportResult:
    dry_run: bool
    applied: bool
    rows: int  # non-blank data rows read
    valid: int  # rows that would be, or were, recorded as hire reports
    unchanged: int  # already on the roster, reported, with the same date
    created: int  # records written (0 on a dry run or when any row has a problem)
    problems: tuple[RowProblem, ...]


def _as_reason(exc: PolicyError) -> Reason:
    return Reason(rule=exc.rule, code=exc.code, zh=exc.zh, en=exc.en)


def _field(exc: PolicyError, default: str) -> str:
    field = exc.fields[0] if exc.fields else default
    return field if field in roster.COLUMN_LABELS else default


def roster_import(
    *,
    actor: Any,
    employer_id: int,
    data: bytes,
    dry_run: bool = True,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the roster (.xlsx): each row is a hire report dated today (LH-4-employer-report-5wd).

    Every row is checked first; a dry run, or any row with a problem, writes nothing and lists
    every problem by row and column.  Otherwise all rows are written in one transaction, under the
    employer's row lock: all or nothing.
    """
    if dry_run:
        employer = employer_get_for(actor, employer_id, staff_capability="counter")
        return _roster_run(actor, employer, data, apply=False, progress=progress)
    with transaction.atomic():
        return _roster_run(actor, _lock_employer(actor, employer_id), data, apply=True, progress=progress)


@dataclass
class _Planned:
    row: int
    action: HireAction
    prior: _Prior
    number: str
    name: str
    hired_on: date


def _roster_run(
    actor: Any, employer: Employer, data: bytes, *, apply: bool, progress: Progress | None
) -> ImportResult:
    today = clock.today()
    rows = roster.roster_read(data)
    total = len(rows)
    # The employer's records and the register's persons, fetched once for the whole file.
    opens: dict[str, EmploymentRecord] = {}
    last_end: dict[str, date] = {}
    for rec in EmploymentRecord.objects.filter(employer=employer).order_by("ended_on"):
        if rec.ended_on is None:
            opens[rec.identity_number] = rec
        else:
            last_end[rec.identity_number] = max(rec.ended_on, last_end.get(rec.identity_number, rec.ended_on))
    problems: list[RowProblem] = []
    planned: list[_Planned] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(rows, start=1):
        if progress is not None and (i % PROGRESS_EVERY == 0 or i == total):
            progress("check", i, total)
        if r.problems:
            problems.extend(RowProblem(r.row, key, reason) for key, reason in r.problems)
            continue
        if r.name is None or r.identity_number is None or r.hired_on is None:  # implied by no problems
            continue
        try:
            number = identity_parse(r.identity_number, today).number
        except PolicyError as exc:
            problems.append(RowProblem(r.row, "identity_number", _as_reason(exc)))
            continue
        if number in seen:
            problems.append(
                RowProblem(
                    r.row,
                    "identity_number",
                    Reason(
                        rule=RECORD_RULE,
                        code="duplicate-in-file",
                        zh=f"与第{seen[number]}行的公民身份号码重复。",
                        en=f"The same identity number as row {seen[number]}.",
                    ),
                )
            )
            continue
        seen[number] = r.row
        prior = _Prior(open=opens.get(number), last_ended_on=last_end.get(number))
        try:
            action = _hire_check(hired_on=r.hired_on, reported_on=today, today=today, prior=prior)
        except PolicyError as exc:
            problems.append(RowProblem(r.row, _field(exc, "hired_on"), _as_reason(exc)))
            continue
        planned.append(_Planned(r.row, action, prior, number, r.name, r.hired_on))
    valid = sum(1 for p in planned if p.action != "unchanged")
    unchanged = len(planned) - valid
    result = ImportResult(
        dry_run=not apply,
        applied=False,
        rows=total,
        valid=valid,
        unchanged=unchanged,
        created=0,
        problems=tuple(problems),
    )
    if not apply or problems:
        return result
    cal = work_calendar()
    persons = dict(
        Person.objects.filter(identity_number__in=[p.number for p in planned]).values_list(
            "identity_number", "pk"
        )
    )
    to_write = [p for p in planned if p.action != "unchanged"]
    created = 0
    # Hires found unreported and now reported: few, one at a time.
    for p in (p for p in to_write if p.action == "report"):
        _hire_apply(
            actor=actor,
            employer=employer,
            action=p.action,
            prior=p.prior,
            number=p.number,
            name=p.name,
            hired_on=p.hired_on,
            reported_on=today,
            person_id=persons.get(p.number),
            cal=cal,
        )
        created += 1
    # New records: in batches of one INSERT each, with their audit events (one row at a time took
    # about 3 ms a row on PostgreSQL, a minute for a 20,000-row file).
    judged: dict[date, tuple[date | None, bool | None]] = {}
    news = [p for p in to_write if p.action == "create"]
    batch = PROGRESS_EVERY
    for start in range(0, len(news), batch):
        chunk = news[start : start + batch]
        for p in chunk:
            if p.hired_on not in judged:
                judged[p.hired_on] = (_due_or_none(p.hired_on, cal), _on_time_or_none(p.hired_on, today, cal))
        recs = EmploymentRecord.objects.bulk_create(
            EmploymentRecord(
                employer=employer,
                identity_number=p.number,
                name=p.name,
                person_id=persons.get(p.number),
                hired_on=p.hired_on,
                hire_reported_on=today,
                hire_due_on=judged[p.hired_on][0],
                hire_on_time=judged[p.hired_on][1],
            )
            for p in chunk
        )
        _audit_many(
            actor,
            "employment.hire_reported",
            [
                (rec, _hire_audit_new(employer, rec.hired_on, today, rec.hire_due_on, rec.hire_on_time))
                for rec in recs
            ],
        )
        created += len(recs)
        if progress is not None:
            progress("apply", created, len(to_write))
    audit_record(
        actor=actor,
        code="employer.roster_imported",
        subject=employer,
        rule=REPORT_RULE,
        new={"rows": total, "recorded": created, "unchanged": unchanged, "reported_on": str(today)},
    )
    return ImportResult(
        dry_run=False,
        applied=True,
        rows=total,
        valid=valid,
        unchanged=unchanged,
        created=created,
        problems=(),
    )
