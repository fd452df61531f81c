"""Enforcement cases through the services (LH-4-register-penalty, LH-4-employer-penalty, T-inclusive)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from juzhu.audit.models import AuditEvent
from juzhu.enforcement import services
from juzhu.enforcement.models import Case, CaseEvent
from juzhu.enforcement.tests.factories import (
    DUE,
    LATE,
    declared,
    employer,
    employer_case_ordered,
    fine,
    ordered,
    person_case_ordered,
    warned,
)
from juzhu.policy.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from juzhu.registry.tests.factories import today_is

PERSON_RULE = "LH-4-register-penalty"
EMPLOYER_RULE = "LH-4-employer-penalty"
DEADLINE = date(2026, 10, 15)  # Thu, a working day: the last day to correct
FIRST_FINE_DAY = date(2026, 10, 16)


def history(case: Case) -> list[tuple[int, str, date, str, str, str, str]]:
    return [
        (e.seq, e.action, e.on, e.from_status, e.to_status, e.actor.username if e.actor else "", e.rule)
        for e in CaseEvent.objects.filter(case=case).order_by("seq")
    ]


def audit_codes(case: Case) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="case", subject_id=str(case.pk))
        .order_by("id")
        .values_list("code", flat=True)
    )


# ----------------------------------------------------------------------------- the warning


def test_a_warning_from_a_late_registration_records_officer_date_rule_and_facts(clerk):
    reg = declared(clerk)
    case = warned(clerk, reg)
    assert case.number == "AJ20260000001"
    assert (case.offender, case.status, case.warned_on, case.officer, case.person_id) == (
        "person",
        "warned",
        LATE,
        clerk,
        reg.person_id,
    )
    assert (case.rule, case.duty_rule, case.registration_id) == (PERSON_RULE, "LH-4-register-3d", reg.pk)
    assert case.facts == {
        "registration_kind": "initial",
        "arrived_on": "2026-09-28",
        "due_on": "2026-10-08",
        "declared_on": "2026-10-09",
        "days_late": 1,
    }
    event = AuditEvent.objects.get(code="case.warned")
    assert (event.actor, event.person_id, event.rule) == (clerk, reg.person_id, PERSON_RULE)


def test_a_registration_declared_on_the_due_day_cannot_be_warned(clerk):
    reg = declared(clerk, declared_on=DUE)
    with pytest.raises(InvalidInput) as e:
        warned(clerk, reg, on=DUE)
    assert (e.value.rule, e.value.code, e.value.extra) == (
        "LH-4-register-3d",
        "registration-on-time",
        {"due_on": "2026-10-08"},
    )
    assert not Case.objects.exists()


def test_one_registration_is_dealt_with_once(clerk):
    reg = declared(clerk)
    case = warned(clerk, reg)
    with today_is(LATE):
        services.case_mark_corrected(actor=clerk, case_id=case.pk)
    with pytest.raises(TransitionNotAllowed) as e:
        warned(clerk, reg, on=date(2026, 10, 12))
    assert (e.value.rule, e.value.code) == (PERSON_RULE, "case-exists")


def test_a_person_case_without_a_registration_names_the_person(clerk):
    reg = declared(clerk)  # creates the person
    with today_is(LATE):
        case = services.case_open_with_warning(
            actor=clerk,
            offender="person",
            identity_number=reg.person.identity_number,
            description="未申报变更登记",
        )
    assert (case.person_id, case.registration_id, case.duty_rule) == (reg.person_id, None, "LH-4-register-3d")


def test_an_employer_case_cites_an_employer_duty(clerk):
    emp = employer()
    with today_is(LATE):
        with pytest.raises(InvalidInput) as e:
            services.case_open_with_warning(
                actor=clerk, offender="employer", employer_id=emp.pk, duty_rule="LH-4-register-3d"
            )
        assert (e.value.rule, e.value.code) == (EMPLOYER_RULE, "duty-rule")
        case = services.case_open_with_warning(
            actor=clerk, offender="employer", credit_code=emp.credit_code, duty_rule="LH-4-employer-staff-100"
        )
    assert (case.employer_id, case.person_id, case.rule) == (emp.pk, None, EMPLOYER_RULE)


def test_the_offender_kind_must_match_the_party_given(clerk):
    reg = declared(clerk)
    with today_is(LATE), pytest.raises(InvalidInput) as e:
        services.case_open_with_warning(actor=clerk, offender="employer", registration_id=reg.pk)
    assert e.value.code == "offender-mismatch"


def test_an_unknown_employer_is_not_found(clerk):
    with today_is(LATE), pytest.raises(NotFound) as e:
        services.case_open_with_warning(actor=clerk, offender="employer", employer_id=999)
    assert (e.value.rule, e.value.code) == (EMPLOYER_RULE, "employer-not-found")


# ----------------------------------------------------------------------------- the order


def test_the_correction_deadline_must_be_after_the_warning(clerk):
    case = warned(clerk, declared(clerk))
    with pytest.raises(InvalidInput) as e:
        ordered(clerk, case, deadline=LATE)
    assert (e.value.rule, e.value.code) == (PERSON_RULE, "deadline-not-after-warning")
    ordered(clerk, case, deadline=date(2026, 10, 10))  # the next day: accepted


def test_the_correction_deadline_must_be_after_the_order(clerk):
    case = warned(clerk, declared(clerk))
    with pytest.raises(InvalidInput) as e:
        ordered(clerk, case, deadline=date(2026, 10, 12), on=date(2026, 10, 12))
    assert (e.value.rule, e.value.code) == (PERSON_RULE, "deadline-not-after-order")


# ----------------------------------------------------------------------------- fines (T-inclusive)


@pytest.mark.parametrize(("amount", "accepted"), [("49", False), ("50", True), ("200", True), ("201", False)])
def test_a_person_is_fined_50_to_200_yuan_inclusive(clerk, supervisor, amount, accepted):
    case = person_case_ordered(clerk, DEADLINE)
    if accepted:
        done = fine(supervisor, case, amount, FIRST_FINE_DAY)
        assert (done.status, done.fined_on, done.fine_amount) == ("fined", FIRST_FINE_DAY, Decimal(amount))
    else:
        with pytest.raises(InvalidInput) as e:
            fine(supervisor, case, amount, FIRST_FINE_DAY)
        assert (e.value.rule, e.value.code) == (PERSON_RULE, "fine-out-of-range")
        assert e.value.extra == {"low": "50", "high": "200"}
        assert Case.objects.get(pk=case.pk).status == "ordered"


@pytest.mark.parametrize(
    ("amount", "accepted"), [("499", False), ("500", True), ("1000", True), ("1001", False)]
)
def test_an_employer_is_fined_500_to_1000_yuan_inclusive(clerk, supervisor, amount, accepted):
    case = employer_case_ordered(clerk, DEADLINE)
    if accepted:
        done = fine(supervisor, case, amount, FIRST_FINE_DAY)
        assert (done.status, done.fine_amount) == ("fined", Decimal(amount))
    else:
        with pytest.raises(InvalidInput) as e:
            fine(supervisor, case, amount, FIRST_FINE_DAY)
        assert (e.value.rule, e.value.code) == (EMPLOYER_RULE, "fine-out-of-range")
        assert Case.objects.get(pk=case.pk).status == "ordered"


def test_a_fine_in_part_fen_is_refused(clerk, supervisor):
    case = person_case_ordered(clerk, DEADLINE)
    with pytest.raises(InvalidInput) as e:
        fine(supervisor, case, "50.005", FIRST_FINE_DAY)
    assert e.value.code == "fine-out-of-range"
    assert fine(supervisor, case, "50.50", FIRST_FINE_DAY).fine_amount == Decimal("50.50")


def test_a_fine_on_the_deadline_day_is_refused_and_the_next_day_accepted(clerk, supervisor):
    case = person_case_ordered(clerk, DEADLINE)
    with pytest.raises(TransitionNotAllowed) as e:
        fine(supervisor, case, "100", DEADLINE)
    assert (e.value.rule, e.value.code, e.value.extra) == (
        PERSON_RULE,
        "fine-too-early",
        {"deadline": "2026-10-15"},
    )
    assert fine(supervisor, case, "100", FIRST_FINE_DAY).status == "fined"


def test_a_deadline_on_a_holiday_runs_to_the_next_working_day(clerk, supervisor):
    # Warned and ordered Tue 2026-09-29 to correct by Sat 10-03, inside National Day (10-01..10-07):
    # the period ends on Thu 10-08 (T-holiday), so a fine is refused on 10-08 and possible on 10-09.
    reg = declared(clerk, arrived_on=date(2026, 9, 20), declared_on=date(2026, 9, 29))  # due Wed 09-23
    case = ordered(clerk, warned(clerk, reg, on=date(2026, 9, 29)), deadline=date(2026, 10, 3))
    with pytest.raises(TransitionNotAllowed) as e:
        fine(supervisor, case, "50", date(2026, 10, 8))
    assert e.value.extra == {"deadline": "2026-10-08"}
    done = fine(supervisor, case, "50", date(2026, 10, 9))
    assert CaseEvent.objects.get(case=done, action="fine").data == {
        "amount": "50.00",
        "deadline": "2026-10-03",
        "last_day": "2026-10-08",
    }


def test_a_fine_straight_after_a_warning_is_refused(clerk, supervisor):
    case = warned(clerk, declared(clerk))
    with pytest.raises(TransitionNotAllowed) as e:
        fine(supervisor, case, "100", date(2026, 12, 1))
    assert (e.value.rule, e.value.code) == (PERSON_RULE, "case-transition")
    assert e.value.extra == {"status": "warned", "action": "fine"}


def test_only_a_supervisor_fines(clerk):
    case = person_case_ordered(clerk, DEADLINE)
    with pytest.raises(Forbidden):
        fine(clerk, case, "100", FIRST_FINE_DAY)


def test_a_corrected_case_cannot_be_fined(clerk, supervisor):
    case = person_case_ordered(clerk, DEADLINE)
    with today_is(date(2026, 10, 14)):
        services.case_mark_corrected(actor=clerk, case_id=case.pk)
    with pytest.raises(TransitionNotAllowed) as e:
        fine(supervisor, case, "100", FIRST_FINE_DAY)
    assert e.value.extra == {"status": "corrected", "action": "fine"}


# ----------------------------------------------------------------------------- the history


def test_warned_ordered_fined_leaves_exactly_this_history(clerk, supervisor):
    case = person_case_ordered(clerk, DEADLINE)
    fine(supervisor, case, "200", FIRST_FINE_DAY)
    assert history(case) == [
        (1, "warn", LATE, "", "warned", "clerk", PERSON_RULE),
        (2, "order", LATE, "warned", "ordered", "clerk", PERSON_RULE),
        (3, "fine", FIRST_FINE_DAY, "ordered", "fined", "supervisor", PERSON_RULE),
    ]
    assert audit_codes(case) == ["case.warned", "case.ordered", "case.fined"]
    case.refresh_from_db()
    assert (case.last_seq, case.ordered_on, case.deadline, case.corrected_on) == (3, LATE, DEADLINE, None)


def test_warned_corrected_leaves_exactly_this_history(clerk):
    case = warned(clerk, declared(clerk))
    with today_is(date(2026, 10, 12)):
        services.case_mark_corrected(actor=clerk, case_id=case.pk, note="已当面补正")
    assert history(case) == [
        (1, "warn", LATE, "", "warned", "clerk", PERSON_RULE),
        (2, "correct", date(2026, 10, 12), "warned", "corrected", "clerk", PERSON_RULE),
    ]
    assert CaseEvent.objects.get(case=case, seq=2).data == {"within_deadline": True, "note": "已当面补正"}
    assert audit_codes(case) == ["case.warned", "case.corrected"]
    case.refresh_from_db()
    assert (case.status, case.corrected_on, case.is_open) == ("corrected", date(2026, 10, 12), False)


def test_a_correction_after_the_deadline_closes_the_case_and_says_so(clerk):
    case = person_case_ordered(clerk, DEADLINE)
    with today_is(FIRST_FINE_DAY):
        services.case_mark_corrected(actor=clerk, case_id=case.pk)
    assert CaseEvent.objects.get(case=case, action="correct").data == {"within_deadline": False}


def test_the_case_history_is_append_only(clerk):
    case = warned(clerk, declared(clerk))
    event = CaseEvent.objects.get(case=case)
    event.data = {"rewritten": True}
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


# ----------------------------------------------------------------------------- database constraints


def test_the_database_refuses_a_case_against_both_a_person_and_an_employer(clerk):
    case = warned(clerk, declared(clerk))
    emp = employer()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(employer=emp)


def test_the_database_refuses_a_negative_fine_and_a_fine_without_its_status(clerk):
    case = person_case_ordered(clerk, DEADLINE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(
            status="fined", fined_on=FIRST_FINE_DAY, fine_amount=Decimal(-1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(fine_amount=Decimal(100))
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status="closed")
