"""Every step of an enforcement case: one function each, atomic, row-locked and audited.

LH-4-register-penalty / LH-4-employer-penalty: warning → order to correct by a
deadline → corrected (closed), or — only once the deadline has passed
uncorrected — a fine within the legal range.  Each service asks
``juzhu.policy.penalties`` for the next status; nothing else writes one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from juzhu.accounts.selectors import staff_require
from juzhu.audit.services import audit_record
from juzhu.employers.models import Employer
from juzhu.enforcement.models import EMPLOYER_DUTIES, PERSON_DUTIES, Case, CaseEvent
from juzhu.enforcement.selectors import registration_due_nominal, registration_due_resolve
from juzhu.policy.calendar import WorkCalendar, roll_to_working_day
from juzhu.policy.errors import CalendarUnknown, InvalidInput, NotFound, TransitionNotAllowed
from juzhu.policy.identity import identity_parse
from juzhu.policy.organisations import uscc_parse
from juzhu.policy.penalties import (
    OFFENCE_RULE,
    CaseAction,
    CaseStatus,
    Offender,
    case_next,
    correction_deadline_check,
    fine_check,
)
from juzhu.registry import clock
from juzhu.registry.models import Person, ResidenceRegistration
from juzhu.registry.selectors import jurisdiction, person_get_by_identity
from juzhu.registry.services import number_next
from juzhu.workcal.selectors import work_calendar

REGISTER_DUTY = "LH-4-register-3d"


# --------------------------------------------------------------------------- helpers


def _lock_case(case_id: int) -> Case:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound(
            rule="LH-4-register-penalty",
            code="not-found",
            zh="未找到该案件。",
            en="Case not found.",
            fields=("case_id",),
        )
    return case


def _event_append(
    case: Case,
    action: CaseAction,
    *,
    on: date,
    from_status: str,
    to_status: CaseStatus,
    actor: Any,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append to a locked case's history; the caller saves ``last_seq``."""
    case.last_seq += 1
    return CaseEvent.objects.create(
        case=case,
        seq=case.last_seq,
        action=action,
        on=on,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        rule=case.rule,
        data=data or {},
    )


def correction_last_day(deadline: date, cal: WorkCalendar) -> date:
    """T-holiday: an ordered deadline that is a rest day ends on the next working day."""
    return roll_to_working_day(deadline, cal)


def _within_deadline(case: Case, on: date, cal: WorkCalendar) -> bool | None:
    """Whether ``on`` is within the correction period; None while that year's calendar is unknown."""
    if case.deadline is None or on <= case.deadline:
        return True
    try:
        return on <= correction_last_day(case.deadline, cal)
    except CalendarUnknown:
        return None


def _person_for_case(person_id: int | None, identity_number: str | None) -> Person:
    person: Person | None = None
    if person_id is not None:
        person = Person.objects.filter(pk=person_id).first()
    elif identity_number:
        return person_get_by_identity(identity_number, rule=REGISTER_DUTY)
    if person is None:
        raise NotFound(
            rule=REGISTER_DUTY,
            code="person-not-found",
            zh="未找到该人员。",
            en="Person not found.",
            fields=("identity_number",),
        )
    return person


def _employer_for_case(employer_id: int | None, credit_code: str | None) -> Employer:
    employer: Employer | None = None
    if employer_id is not None:
        employer = Employer.objects.filter(pk=employer_id).first()
    elif credit_code:
        employer = Employer.objects.filter(credit_code=uscc_parse(credit_code).code).first()
    if employer is None:
        raise NotFound(
            rule="LH-4-employer-penalty",
            code="employer-not-found",
            zh="未找到该用人单位。",
            en="Employer not found.",
            fields=("employer_id" if employer_id is not None else "credit_code",),
        )
    return employer


def _late_registration_for_case(
    registration_id: int, person_id: int | None, identity_number: str | None, rule: str, today: date
) -> ResidenceRegistration:
    """The registration, locked so that two warnings for it serialise; refused if a case has it."""
    reg = (
        ResidenceRegistration.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(pk=registration_id)
        .first()
    )
    if reg is None:
        raise NotFound(
            rule=REGISTER_DUTY,
            code="registration-not-found",
            zh="未找到该居住登记。",
            en="Registration not found.",
            fields=("registration_id",),
        )
    if (person_id is not None and person_id != reg.person_id) or (
        identity_number and identity_parse(identity_number, today).number != reg.person.identity_number
    ):
        raise InvalidInput(
            rule=REGISTER_DUTY,
            code="registration-person",
            zh="该居住登记不属于所指的人员。",
            en="The registration belongs to someone else.",
            fields=("registration_id",),
        )
    if Case.objects.filter(registration=reg).exists():
        # 行政处罚法 art. 29: one breach is not punished twice.
        raise TransitionNotAllowed(
            rule=rule,
            code="case-exists",
            zh="该居住登记已立案处理，同一违法行为不得重复处理。",
            en="A case already concerns this registration; one breach is dealt with once.",
            fields=("registration_id",),
        )
    return reg


def _registration_facts(reg: ResidenceRegistration, cal: WorkCalendar) -> dict[str, Any]:
    """The dates that show a LH-4-register-3d breach; refuses a registration declared on time."""
    r = registration_due_resolve(reg, cal)
    if r.late is None:
        # Declared after arrival + 3 but the due year's holidays are unknown: fail closed.
        raise CalendarUnknown(registration_due_nominal(reg.arrived_on).year)
    if not r.late or r.due_on is None:
        raise InvalidInput(
            rule=REGISTER_DUTY,
            code="registration-on-time",
            zh="该居住登记已按期申报（到达后3日内），不构成逾期。",
            en="This registration was declared on time (within 3 days of arrival): no breach.",
            fields=("registration_id",),
            extra={"due_on": r.due_on.isoformat() if r.due_on else None},
        )
    return {
        "registration_kind": reg.kind,
        "arrived_on": reg.arrived_on.isoformat(),
        "due_on": r.due_on.isoformat(),
        "declared_on": reg.declared_on.isoformat(),
        "days_late": (reg.declared_on - r.due_on).days,
    }


# --------------------------------------------------------------------------- opening: the warning


@transaction.atomic
def case_open_with_warning(
    *,
    actor: Any,
    offender: Offender | str,
    duty_rule: str | None = None,
    person_id: int | None = None,
    identity_number: str | None = None,
    employer_id: int | None = None,
    credit_code: str | None = None,
    registration_id: int | None = None,
    facts: dict[str, Any] | None = None,
    description: str = "",
) -> Case:
    """警告: open a case against a person or an employer; the warning is dated today, by ``actor``.

    A case that concerns a registration (LH-4-register-3d) takes its person and its facts from it,
    and is refused unless that registration was declared late and no case concerns it yet.
    """
    policy = jurisdiction()
    staff_require(actor, "counter", policy.division_code)
    try:
        offender = Offender(offender)
    except ValueError:
        raise InvalidInput(
            rule="LH-4-register-penalty",
            code="offender-kind",
            zh="当事人类型须为个人（person）或用人单位（employer）。",
            en="The offender must be a person or an employer.",
            fields=("offender",),
        ) from None
    rule = OFFENCE_RULE[offender]
    duties = PERSON_DUTIES if offender is Offender.PERSON else EMPLOYER_DUTIES
    duty_rule = duty_rule or duties[0]
    if duty_rule not in duties:
        raise InvalidInput(
            rule=rule,
            code="duty-rule",
            zh=f"违反的义务条款须为以下之一：{'、'.join(duties)}。",
            en=f"The duty broken must be one of: {', '.join(duties)}.",
            fields=("duty_rule",),
            extra={"allowed": list(duties)},
        )
    status = case_next(None, CaseAction.WARN, offender)
    today = clock.today()
    person: Person | None = None
    employer: Employer | None = None
    reg: ResidenceRegistration | None = None
    facts = dict(facts or {})
    if offender is Offender.PERSON:
        if employer_id is not None or credit_code:
            raise _wrong_party("employer_id" if employer_id is not None else "credit_code", rule)
        if registration_id is not None:
            reg = _late_registration_for_case(registration_id, person_id, identity_number, rule, today)
            facts.update(_registration_facts(reg, work_calendar()))
            person = reg.person
        else:
            person = _person_for_case(person_id, identity_number)
    else:
        given = {
            "person_id": person_id,
            "identity_number": identity_number,
            "registration_id": registration_id,
        }
        wrong = next((k for k, v in given.items() if v), None)
        if wrong is not None:
            raise _wrong_party(wrong, rule)
        employer = _employer_for_case(employer_id, credit_code)
    case = Case.objects.create(
        number=f"AJ{today.year}{number_next('case', today.year):07d}",
        offender=offender,
        person=person,
        employer=employer,
        rule=rule,
        duty_rule=duty_rule,
        registration=reg,
        facts=facts,
        description=description.strip(),
        status=status,
        warned_on=today,
        officer=actor,
    )
    _event_append(
        case,
        CaseAction.WARN,
        on=today,
        from_status="",
        to_status=status,
        actor=actor,
        data={"duty_rule": duty_rule, "registration": reg.pk if reg else None, **facts},
    )
    case.save(update_fields=["last_seq"])
    audit_record(
        actor=actor,
        code="case.warned",
        subject=case,
        person_id=case.person_id,
        rule=rule,
        new={
            "number": case.number,
            "status": status.value,
            "offender": offender.value,
            "duty_rule": duty_rule,
            "warned_on": str(today),
            **({"employer": case.employer_id} if case.employer_id else {}),
            **({"registration": reg.pk} if reg else {}),
        },
    )
    return case


def _wrong_party(field: str, rule: str) -> InvalidInput:
    return InvalidInput(
        rule=rule,
        code="offender-mismatch",
        zh="当事人类型与所给的人员、用人单位或居住登记不符。",
        en="The offender kind does not match the person, employer or registration given.",
        fields=(field,),
    )


def case_open_for_late_registration(*, actor: Any, registration_id: int, description: str = "") -> Case:
    """One step from the feed: warn the person whose registration was declared late (LH-4-register-3d)."""
    return case_open_with_warning(
        actor=actor,
        offender=Offender.PERSON,
        duty_rule=REGISTER_DUTY,
        registration_id=registration_id,
        description=description,
    )


# --------------------------------------------------------------------------- the next steps


@transaction.atomic
def case_order_correction(*, actor: Any, case_id: int, deadline: date) -> Case:
    """责令限期改正: order the offender to correct by ``deadline`` (a day after the warning and the order)."""
    staff_require(actor, "counter", jurisdiction().division_code)
    case = _lock_case(case_id)
    offender = Offender(case.offender)
    old = CaseStatus(case.status)
    to = case_next(old, CaseAction.ORDER, offender)
    correction_deadline_check(case.warned_on, deadline, offender)
    today = clock.today()
    if deadline <= today:
        raise InvalidInput(
            rule=case.rule,
            code="deadline-not-after-order",
            zh="改正期限须晚于责令改正之日。",
            en="The correction deadline must be after the day of the order.",
            fields=("deadline",),
        )
    case.status = to
    case.ordered_on = today
    case.deadline = deadline
    _event_append(
        case,
        CaseAction.ORDER,
        on=today,
        from_status=old,
        to_status=to,
        actor=actor,
        data={"deadline": str(deadline)},
    )
    case.save(update_fields=["status", "ordered_on", "deadline", "last_seq"])
    audit_record(
        actor=actor,
        code="case.ordered",
        subject=case,
        person_id=case.person_id,
        rule=case.rule,
        old={"status": old.value},
        new={"status": to.value, "ordered_on": str(today), "deadline": str(deadline)},
    )
    return case


@transaction.atomic
def case_mark_corrected(*, actor: Any, case_id: int, note: str = "") -> Case:
    """已改正，结案: the offender corrected; the case closes without a fine.

    The table allows it after a warning or an order.  A correction made after the deadline still
    closes the case (fining stays a supervisor's decision, taken before this step); the history
    records whether it came within the deadline.
    """
    staff_require(actor, "counter", jurisdiction().division_code)
    case = _lock_case(case_id)
    old = CaseStatus(case.status)
    to = case_next(old, CaseAction.CORRECT, Offender(case.offender))
    today = clock.today()
    within = _within_deadline(case, today, work_calendar())
    case.status = to
    case.corrected_on = today
    _event_append(
        case,
        CaseAction.CORRECT,
        on=today,
        from_status=old,
        to_status=to,
        actor=actor,
        data={"within_deadline": within, **({"note": note.strip()} if note.strip() else {})},
    )
    case.save(update_fields=["status", "corrected_on", "last_seq"])
    audit_record(
        actor=actor,
        code="case.corrected",
        subject=case,
        person_id=case.person_id,
        rule=case.rule,
        old={"status": old.value},
        new={"status": to.value, "corrected_on": str(today), "within_deadline": within},
        reason=note.strip(),
    )
    return case


@transaction.atomic
def case_fine(*, actor: Any, case_id: int, amount: Decimal) -> Case:
    """逾期不改正，罚款 (supervisor): only after the deadline has passed, within the range (T-inclusive)."""
    policy = jurisdiction()
    staff_require(actor, "decide", policy.division_code)
    case = _lock_case(case_id)
    offender = Offender(case.offender)
    old = CaseStatus(case.status)
    to = case_next(old, CaseAction.FINE, offender)
    if case.deadline is None:  # excluded by the constraint case_ordered_has_deadline
        raise RuntimeError(f"ordered case {case.number} has no deadline")
    today = clock.today()
    last_day = correction_last_day(case.deadline, work_calendar())
    decision = fine_check(offender, amount, last_day, today, policy)
    amount = decision.amount.quantize(Decimal("0.01"))  # whole fen, checked by fine_check
    case.status = to
    case.fined_on = today
    case.fine_amount = amount
    _event_append(
        case,
        CaseAction.FINE,
        on=today,
        from_status=old,
        to_status=to,
        actor=actor,
        data={"amount": str(amount), "deadline": str(case.deadline), "last_day": str(last_day)},
    )
    case.save(update_fields=["status", "fined_on", "fine_amount", "last_seq"])
    audit_record(
        actor=actor,
        code="case.fined",
        subject=case,
        person_id=case.person_id,
        rule=decision.rule,
        old={"status": old.value},
        new={"status": to.value, "fined_on": str(today), "amount": str(amount)},
    )
    return case
