"""Card fees (LH-3.2-fees, N-21-fees): first issue free, endorsement never charged."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from juzhu.policy.errors import InvalidInput
from juzhu.policy.materials import CaseKind
from juzhu.policy.parameters import LINHE, JurisdictionPolicy

FREE_KINDS = frozenset({CaseKind.FIRST_ISSUE, CaseKind.ENDORSEMENT, CaseKind.ADDRESS_CHANGE})


@dataclass(frozen=True)
class Fee:
    kind: CaseKind
    amount: Decimal
    rule: str


def fee_for(kind: CaseKind, policy: JurisdictionPolicy = LINHE) -> Fee:
    """What a case of this kind costs: 工本费 for replacement and reissue, else nothing."""
    if kind in FREE_KINDS:
        return Fee(kind, Decimal("0"), "LH-3.2-fees")
    return Fee(kind, policy.card_fee_yuan, "LH-3.2-fees")


def _mismatch(fee: Fee) -> InvalidInput:
    if fee.amount == 0:
        zh = "首次申领、签注和变更不收取任何费用。"
        en = "First issue, endorsement and address change are free of charge."
    else:
        zh = f"换领、补领的证件工本费为{fee.amount}元。"
        en = f"The card fee for replacement or reissue is {fee.amount} yuan."
    return InvalidInput(rule="LH-3.2-fees", code="fee-mismatch", zh=zh, en=en, fields=("amount",))


def fee_check_charge(kind: CaseKind, amount: Decimal, policy: JurisdictionPolicy = LINHE) -> Fee:
    """Refuse any charge that differs from the fee the rules set (never one for endorsement)."""
    fee = fee_for(kind, policy)
    if amount != fee.amount:
        raise _mismatch(fee)
    return fee


def fee_receipt_for(kind: CaseKind, amount: Decimal, policy: JurisdictionPolicy = LINHE) -> Fee:
    """The fee a receipt records: only replacement and reissue are charged, so a free case gets no receipt."""
    fee = fee_check_charge(kind, amount, policy)
    if fee.amount == 0:
        raise _mismatch(fee)
    return fee
