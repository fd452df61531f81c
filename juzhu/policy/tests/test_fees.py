"""Card fees (LH-3.2-fees, N-21-fees)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juzhu.policy.errors import InvalidInput
from juzhu.policy.fees import fee_check_charge, fee_for
from juzhu.policy.materials import CaseKind
from juzhu.policy.parameters import LINHE, JurisdictionPolicy


@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        (CaseKind.FIRST_ISSUE, Decimal("0")),
        (CaseKind.ENDORSEMENT, Decimal("0")),
        (CaseKind.ADDRESS_CHANGE, Decimal("0")),
        (CaseKind.REPLACEMENT, Decimal("20")),
        (CaseKind.REISSUE, Decimal("20")),
    ],
)
def test_fee_per_case_kind(kind: CaseKind, amount: Decimal) -> None:
    fee = fee_for(kind)
    assert fee.kind is kind
    assert fee.amount == amount
    assert fee.rule == "LH-3.2-fees"
    assert fee_check_charge(kind, amount) == fee


def test_linhe_card_fee_is_20_yuan() -> None:
    assert LINHE.card_fee_yuan == Decimal("20")


@pytest.mark.parametrize("kind", [CaseKind.REPLACEMENT, CaseKind.REISSUE])
def test_replacement_and_reissue_cost_the_policy_card_fee(kind: CaseKind) -> None:
    policy = JurisdictionPolicy(card_fee_yuan=Decimal("15.50"))
    assert fee_for(kind, policy).amount == Decimal("15.50")
    assert fee_check_charge(kind, Decimal("15.5"), policy).amount == Decimal("15.50")
    with pytest.raises(InvalidInput) as exc:
        fee_check_charge(kind, Decimal("20"), policy)
    assert "15.50" in exc.value.message("zh-hans")


@pytest.mark.parametrize("kind", [CaseKind.FIRST_ISSUE, CaseKind.ENDORSEMENT, CaseKind.ADDRESS_CHANGE])
def test_free_cases_stay_free_whatever_the_card_fee(kind: CaseKind) -> None:
    assert fee_for(kind, JurisdictionPolicy(card_fee_yuan=Decimal("50"))).amount == Decimal("0")


@pytest.mark.parametrize(
    ("kind", "charged"),
    [
        (CaseKind.ENDORSEMENT, Decimal("20")),
        (CaseKind.ENDORSEMENT, Decimal("0.01")),
        (CaseKind.FIRST_ISSUE, Decimal("20")),
        (CaseKind.ADDRESS_CHANGE, Decimal("1")),
        (CaseKind.REPLACEMENT, Decimal("0")),
        (CaseKind.REPLACEMENT, Decimal("19.99")),
        (CaseKind.REISSUE, Decimal("20.01")),
        (CaseKind.REISSUE, Decimal("40")),
    ],
)
def test_a_charge_other_than_the_set_fee_is_refused(kind: CaseKind, charged: Decimal) -> None:
    with pytest.raises(InvalidInput) as exc:
        fee_check_charge(kind, charged)
    assert exc.value.rule == "LH-3.2-fees"
    assert exc.value.code == "fee-mismatch"
    assert exc.value.fields == ("amount",)


def test_refusal_messages_say_what_the_fee_is() -> None:
    with pytest.raises(InvalidInput) as exc:
        fee_check_charge(CaseKind.ENDORSEMENT, Decimal("20"))
    assert "签注" in exc.value.message("zh-hans")
    assert "free of charge" in exc.value.message("en")
    with pytest.raises(InvalidInput) as exc:
        fee_check_charge(CaseKind.REISSUE, Decimal("10"))
    assert "20元" in exc.value.message("zh-hans")


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("1000"), places=2),
)
def test_an_endorsement_can_never_be_charged(amount: Decimal, card_fee: Decimal) -> None:
    policy = JurisdictionPolicy(card_fee_yuan=card_fee)
    assert fee_for(CaseKind.ENDORSEMENT, policy).amount == 0
    with pytest.raises(InvalidInput):
        fee_check_charge(CaseKind.ENDORSEMENT, amount, policy)
