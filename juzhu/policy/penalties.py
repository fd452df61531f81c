"""Enforcement cases (LH-4-register-penalty, LH-4-employer-penalty).

warning → order to correct by a deadline → corrected (closed), or — only once
the deadline has passed uncorrected — a fine within the legal range
(T-inclusive: 50–200 yuan for a person, 500–1000 for an employer).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from juzhu.policy.errors import InvalidInput, TransitionNotAllowed
from juzhu.policy.parameters import LINHE, JurisdictionPolicy, Range


class Offender(enum.StrEnum):
    PERSON = "person"
    EMPLOYER = "employer"


# The rule each kind of offender breaks, and where its fine range comes from.
OFFENCE_RULE = {Offender.PERSON: "LH-4-register-penalty", Offender.EMPLOYER: "LH-4-employer-penalty"}


class CaseStatus(enum.StrEnum):
    WARNED = "warned"  # 警告
    ORDERED = "ordered"  # 责令限期改正
    CORRECTED = "corrected"  # 已改正，结案
    FINED = "fined"  # 逾期不改，罚款


class CaseAction(enum.StrEnum):
    WARN = "warn"
    ORDER = "order"
    CORRECT = "correct"
    FINE = "fine"


CASE_STATUS_LABELS: dict[CaseStatus, tuple[str, str]] = {
    CaseStatus.WARNED: ("已警告", "warned"),
    CaseStatus.ORDERED: ("已责令限期改正", "ordered to correct"),
    CaseStatus.CORRECTED: ("已改正，结案", "corrected (closed)"),
    CaseStatus.FINED: ("逾期未改正，已罚款", "fined (not corrected in time)"),
}
CASE_ACTION_LABELS: dict[CaseAction, tuple[str, str]] = {
    CaseAction.WARN: ("警告", "warn"),
    CaseAction.ORDER: ("责令限期改正", "order correction"),
    CaseAction.CORRECT: ("已改正，结案", "corrected: close"),
    CaseAction.FINE: ("罚款", "fine"),
}


_S = CaseStatus
CASE_TABLE: dict[CaseAction, tuple[frozenset[CaseStatus | None], CaseStatus]] = {
    CaseAction.WARN: (frozenset({None}), _S.WARNED),
    CaseAction.ORDER: (frozenset({_S.WARNED}), _S.ORDERED),
    CaseAction.CORRECT: (frozenset({_S.WARNED, _S.ORDERED}), _S.CORRECTED),
    CaseAction.FINE: (frozenset({_S.ORDERED}), _S.FINED),
}


def case_next(status: CaseStatus | None, action: CaseAction, offender: Offender) -> CaseStatus:
    allowed, to = CASE_TABLE[action]
    if status not in allowed:
        raise TransitionNotAllowed(
            rule=OFFENCE_RULE[offender],
            code="case-transition",
            zh=f"案件当前状态为“{status.value if status else '未立案'}”，不能执行此步骤（{action.value}）。"
            "程序为：警告→责令限期改正→改正结案或逾期罚款。",
            en=f"The case is {status.value if status else 'not opened'}; '{action.value}' is not allowed. "
            "The steps are: warning → order to correct by a deadline → corrected, or a fine after the deadline.",
            extra={"status": status.value if status else None, "action": action.value},
        )
    return to


def fine_range(offender: Offender, policy: JurisdictionPolicy = LINHE) -> Range:
    return policy.person_fine if offender is Offender.PERSON else policy.employer_fine


@dataclass(frozen=True)
class FineDecision:
    amount: Decimal
    rule: str


def fine_check(
    offender: Offender,
    amount: Decimal,
    deadline: date,
    on: date,
    policy: JurisdictionPolicy = LINHE,
) -> FineDecision:
    """A fine is possible only after the correction deadline has passed, and within the range."""
    rule = OFFENCE_RULE[offender]
    if on <= deadline:
        raise TransitionNotAllowed(
            rule=rule,
            code="fine-too-early",
            zh=f"改正期限（{deadline.isoformat()}）尚未届满，不能罚款。",
            en=f"The correction deadline ({deadline.isoformat()}) has not passed: no fine yet.",
            fields=("on",),
            extra={"deadline": deadline.isoformat()},
        )
    r = fine_range(offender, policy)
    exponent = amount.as_tuple().exponent if isinstance(amount, Decimal) else 0
    if amount not in r or not isinstance(exponent, int) or exponent < -2:  # whole fen only
        raise InvalidInput(
            rule=rule,
            code="fine-out-of-range",
            zh=f"罚款金额须在{r.low}元以上{r.high}元以下（含本数）。",
            en=f"The fine must be from {r.low} to {r.high} yuan inclusive.",
            fields=("amount",),
            extra={"low": str(r.low), "high": str(r.high)},
        )
    return FineDecision(amount, rule)


def correction_deadline_check(warned_on: date, deadline: date, offender: Offender) -> None:
    """The order to correct must give time: a deadline after the warning."""
    if deadline <= warned_on:
        raise InvalidInput(
            rule=OFFENCE_RULE[offender],
            code="deadline-not-after-warning",
            zh="改正期限须晚于警告日期。",
            en="The correction deadline must be after the warning.",
            fields=("deadline",),
        )
