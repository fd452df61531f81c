"""Enforcement cases and fines (LH-4-register-penalty, LH-4-employer-penalty, T-inclusive)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from juzhu.policy.errors import InvalidInput, TransitionNotAllowed
from juzhu.policy.parameters import LINHE, JurisdictionPolicy, Range
from juzhu.policy.penalties import (
    CaseAction,
    CaseStatus,
    FineDecision,
    Offender,
    case_next,
    correction_deadline_check,
    fine_check,
    fine_range,
)

D = date
S = CaseStatus
A = CaseAction
RULE = {Offender.PERSON: "LH-4-register-penalty", Offender.EMPLOYER: "LH-4-employer-penalty"}
DEADLINE = D(2026, 10, 8)  # the correction deadline given with the order
AFTER = D(2026, 10, 9)  # the first day a fine is possible

# warning → order to correct → corrected, or fined after the deadline.  Everything else is refused.
ALLOWED: dict[tuple[CaseStatus | None, CaseAction], CaseStatus] = {
    (None, A.WARN): S.WARNED,
    (S.WARNED, A.ORDER): S.ORDERED,
    (S.WARNED, A.CORRECT): S.CORRECTED,  # corrected at once, before any order
    (S.ORDERED, A.CORRECT): S.CORRECTED,
    (S.ORDERED, A.FINE): S.FINED,
}
ALL_PAIRS = [(s, a) for s in (None, *CaseStatus) for a in CaseAction]


@pytest.mark.parametrize("offender", list(Offender))
@pytest.mark.parametrize(("status", "action"), ALL_PAIRS)
def test_case_table_every_status_and_action(
    status: CaseStatus | None, action: CaseAction, offender: Offender
) -> None:
    if (status, action) in ALLOWED:
        assert case_next(status, action, offender) is ALLOWED[status, action]
    else:
        with pytest.raises(TransitionNotAllowed) as exc:
            case_next(status, action, offender)
        assert exc.value.rule == RULE[offender]
        assert exc.value.code == "case-transition"
        assert exc.value.kind == "conflict"
        assert exc.value.extra == {"status": status.value if status else None, "action": action.value}


def test_the_table_has_exactly_five_allowed_steps() -> None:
    assert len(ALL_PAIRS) == 20
    assert len(ALLOWED) == 5


@pytest.mark.parametrize("offender", list(Offender))
def test_fine_straight_after_a_warning_is_refused_with_the_rule(offender: Offender) -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        case_next(S.WARNED, A.FINE, offender)
    assert exc.value.rule == RULE[offender]
    assert "[" + RULE[offender] + "]" in str(exc.value)


@pytest.mark.parametrize("offender", list(Offender))
def test_correcting_after_a_fine_is_refused_with_the_rule(offender: Offender) -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        case_next(S.FINED, A.CORRECT, offender)
    assert exc.value.rule == RULE[offender]
    assert exc.value.extra["status"] == "fined"


def test_a_whole_case_warn_order_fine() -> None:
    status: CaseStatus | None = None
    for action, expected in [(A.WARN, S.WARNED), (A.ORDER, S.ORDERED), (A.FINE, S.FINED)]:
        status = case_next(status, action, Offender.PERSON)
        assert status is expected


def test_a_case_never_opened_refuses_every_step_but_warning() -> None:
    for action in (A.ORDER, A.CORRECT, A.FINE):
        with pytest.raises(TransitionNotAllowed) as exc:
            case_next(None, action, Offender.EMPLOYER)
        assert exc.value.extra["status"] is None
        assert "not opened" in exc.value.en


# --- the fine range (T-inclusive: "50元以上200元以下", "500元以上1000元以下") ---------------


@pytest.mark.parametrize(
    ("offender", "amount", "ok"),
    [
        (Offender.PERSON, Decimal("49"), False),
        (Offender.PERSON, Decimal("49.99"), False),
        (Offender.PERSON, Decimal("50"), True),
        (Offender.PERSON, Decimal("50.00"), True),
        (Offender.PERSON, Decimal("125.50"), True),
        (Offender.PERSON, Decimal("200"), True),
        (Offender.PERSON, Decimal("200.01"), False),
        (Offender.PERSON, Decimal("201"), False),
        (Offender.PERSON, Decimal("0"), False),
        (Offender.PERSON, Decimal("-100"), False),
        (Offender.PERSON, Decimal("500"), False),  # an employer's amount, too much for a person
        (Offender.EMPLOYER, Decimal("499"), False),
        (Offender.EMPLOYER, Decimal("499.99"), False),
        (Offender.EMPLOYER, Decimal("500"), True),
        (Offender.EMPLOYER, Decimal("750"), True),
        (Offender.EMPLOYER, Decimal("1000"), True),
        (Offender.EMPLOYER, Decimal("1000.00"), True),
        (Offender.EMPLOYER, Decimal("1000.01"), False),
        (Offender.EMPLOYER, Decimal("1001"), False),
        (Offender.EMPLOYER, Decimal("200"), False),  # a person's maximum, too little for an employer
        (Offender.PERSON, Decimal("NaN"), False),
        (Offender.EMPLOYER, Decimal("Infinity"), False),
        (Offender.EMPLOYER, Decimal("-Infinity"), False),
    ],
)
def test_fine_range_boundaries(offender: Offender, amount: Decimal, ok: bool) -> None:
    if ok:
        assert fine_check(offender, amount, DEADLINE, AFTER) == FineDecision(amount, RULE[offender])
    else:
        with pytest.raises(InvalidInput) as exc:
            fine_check(offender, amount, DEADLINE, AFTER)
        assert exc.value.rule == RULE[offender]
        assert exc.value.code == "fine-out-of-range"
        assert tuple(exc.value.fields) == ("amount",)
        low, high = ("50", "200") if offender is Offender.PERSON else ("500", "1000")
        assert exc.value.extra == {"low": low, "high": high}
        assert f"{low}元以上{high}元以下" in exc.value.zh


def test_fine_ranges_are_the_linhe_parameters() -> None:
    assert fine_range(Offender.PERSON) == Range(Decimal("50"), Decimal("200"))
    assert fine_range(Offender.EMPLOYER) == Range(Decimal("500"), Decimal("1000"))
    assert LINHE.person_fine == fine_range(Offender.PERSON)


def test_another_jurisdiction_sets_its_own_range() -> None:
    other = JurisdictionPolicy(person_fine=Range(Decimal("100"), Decimal("500")))
    assert fine_check(Offender.PERSON, Decimal("500"), DEADLINE, AFTER, other).amount == Decimal("500")
    with pytest.raises(InvalidInput):
        fine_check(Offender.PERSON, Decimal("99"), DEADLINE, AFTER, other)
    with pytest.raises(InvalidInput):  # Linhe's range still refuses 500 for a person
        fine_check(Offender.PERSON, Decimal("500"), DEADLINE, AFTER)


# --- only once the correction deadline has passed ("逾期不改") ------------------------------


@pytest.mark.parametrize("offender", list(Offender))
@pytest.mark.parametrize(
    ("on", "ok"),
    [
        (D(2026, 9, 30), False),  # before the deadline
        (D(2026, 10, 7), False),  # the day before
        (DEADLINE, False),  # the deadline day itself: the offender may still correct
        (AFTER, True),  # the day after
        (D(2027, 3, 1), True),
    ],
)
def test_fine_only_after_the_correction_deadline(offender: Offender, on: date, ok: bool) -> None:
    amount = fine_range(offender).low
    if ok:
        assert fine_check(offender, amount, DEADLINE, on).rule == RULE[offender]
    else:
        with pytest.raises(TransitionNotAllowed) as exc:
            fine_check(offender, amount, DEADLINE, on)
        assert exc.value.rule == RULE[offender]
        assert exc.value.code == "fine-too-early"
        assert tuple(exc.value.fields) == ("on",)
        assert exc.value.extra == {"deadline": "2026-10-08"}


def test_too_early_is_reported_before_a_bad_amount() -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        fine_check(Offender.PERSON, Decimal("1000"), DEADLINE, DEADLINE)
    assert exc.value.code == "fine-too-early"


@pytest.mark.parametrize("offender", list(Offender))
@pytest.mark.parametrize(
    ("warned", "deadline", "ok"),
    [
        (D(2026, 10, 8), D(2026, 10, 7), False),
        (D(2026, 10, 8), D(2026, 10, 8), False),  # no time at all to correct
        (D(2026, 10, 8), D(2026, 10, 9), True),
        (D(2026, 10, 8), D(2026, 11, 8), True),
    ],
)
def test_the_correction_deadline_must_be_after_the_warning(
    offender: Offender, warned: date, deadline: date, ok: bool
) -> None:
    if ok:
        assert correction_deadline_check(warned, deadline, offender) is None
    else:
        with pytest.raises(InvalidInput) as exc:
            correction_deadline_check(warned, deadline, offender)
        assert exc.value.rule == RULE[offender]
        assert exc.value.code == "deadline-not-after-warning"


def test_a_fine_with_fractions_of_a_fen_is_refused():
    with pytest.raises(InvalidInput):
        fine_check(Offender.PERSON, Decimal("50.001"), date(2026, 5, 1), date(2026, 5, 2))
    assert fine_check(
        Offender.PERSON, Decimal("50.01"), date(2026, 5, 1), date(2026, 5, 2)
    ).amount == Decimal("50.01")
