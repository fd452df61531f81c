"""Statuses and the only gate between them (STYLE habit 3).

Applications and permits each have a table: for every action, the statuses
it may start from and the status it leads to.  Services ask ``*_next`` and
never write a status themselves.  A permit's status on any date is derived
from its append-only history (``status_on``), the residence period likewise
(``juzhu.policy.residence``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from juzhu.policy.errors import TransitionNotAllowed


class AppStatus(enum.StrEnum):
    RECEIVED = "received"  # 已收件，材料待审
    NOTIFIED = "notified"  # 已一次性告知，待补正
    ACCEPTED = "accepted"  # 已受理 (15-day clock running)
    APPROVED = "approved"  # 已审核通过
    REFUSED = "refused"  # 不予办理
    ISSUED = "issued"  # 已发证
    WITHDRAWN = "withdrawn"  # 已撤回: an online pre-application the person replaced at the counter


class AppAction(enum.StrEnum):
    NOTIFY = "notify"
    SUPPLEMENT = "supplement"
    ACCEPT = "accept"
    APPROVE = "approve"
    REFUSE = "refuse"
    ISSUE = "issue"
    WITHDRAW = "withdraw"


_A = AppStatus
APPLICATION_TABLE: dict[AppAction, tuple[frozenset[AppStatus], AppStatus, str]] = {
    AppAction.NOTIFY: (frozenset({_A.RECEIVED}), _A.NOTIFIED, "LH-3.2-one-time-notice"),
    AppAction.SUPPLEMENT: (frozenset({_A.NOTIFIED}), _A.NOTIFIED, "LH-3.2-one-time-notice"),
    AppAction.ACCEPT: (frozenset({_A.RECEIVED, _A.NOTIFIED}), _A.ACCEPTED, "LH-3.2-issue-15d"),
    AppAction.APPROVE: (frozenset({_A.ACCEPTED}), _A.APPROVED, "LH-3.2-issue-15d"),
    AppAction.REFUSE: (frozenset({_A.RECEIVED, _A.NOTIFIED, _A.ACCEPTED}), _A.REFUSED, "LH-3.1-condition"),
    AppAction.ISSUE: (frozenset({_A.APPROVED}), _A.ISSUED, "LH-3.2-issue-15d"),
    # Only before acceptance: once accepted, the 15-day clock runs and the case is decided, not dropped.
    # The rule is the one that allows a person one open application at a time (docs/decisions/0010).
    AppAction.WITHDRAW: (frozenset({_A.RECEIVED, _A.NOTIFIED}), _A.WITHDRAWN, "LH-3.2-issue-15d"),
}

APP_STATUS_LABELS: dict[AppStatus, tuple[str, str]] = {
    _A.RECEIVED: ("已收件", "received"),
    _A.NOTIFIED: ("已一次性告知，待补正", "notice issued, awaiting documents"),
    _A.ACCEPTED: ("已受理", "accepted"),
    _A.APPROVED: ("已审核通过", "approved"),
    _A.REFUSED: ("不予办理", "refused"),
    _A.ISSUED: ("已发证", "issued"),
    _A.WITHDRAWN: ("已撤回", "withdrawn"),
}


def application_next(status: AppStatus, action: AppAction) -> AppStatus:
    allowed, to, rule = APPLICATION_TABLE[action]
    if status not in allowed:
        if action is AppAction.NOTIFY and status is AppStatus.NOTIFIED:
            raise TransitionNotAllowed(
                rule="LH-3.2-one-time-notice",
                code="notice-already-issued",
                zh="该申请已发出一次性告知，不得再次告知补充其他材料。",
                en="A one-time notice has already been issued for this application; "
                "no second notice may ask for more.",
            )
        zh_from, en_from = APP_STATUS_LABELS[status]
        raise TransitionNotAllowed(
            rule=rule,
            code="application-transition",
            zh=f"申请当前状态为“{zh_from}”，不能执行此操作（{action.value}）。",
            en=f"The application is {en_from}; '{action.value}' is not allowed.",
            extra={"status": status.value, "action": action.value},
        )
    return to


class PermitStatus(enum.StrEnum):
    VALID = "valid"  # 有效
    SUSPENDED = "suspended"  # 中止 (LH-3.2-endorse-overdue)
    VOID = "void"  # 作废 (superseded card, LH-3.2-replace)


PERMIT_STATUS_LABELS: dict[PermitStatus, tuple[str, str]] = {
    PermitStatus.VALID: ("有效", "valid"),
    PermitStatus.SUSPENDED: ("中止（逾期未签注）", "suspended (endorsement overdue)"),
    PermitStatus.VOID: ("作废", "void"),
}


class PermitEvent(enum.StrEnum):
    ISSUED = "issued"
    ENDORSED = "endorsed"
    ENDORSED_LATE = "endorsed_late"
    SUSPENDED = "suspended"
    ADDRESS_CHANGED = "address_changed"
    REPLACED = "replaced"  # first event of the new card of a 换领
    REISSUED = "reissued"  # first event of the new card of a 补领
    VOIDED = "voided"  # last event of the superseded card


PERMIT_EVENT_LABELS: dict[PermitEvent, tuple[str, str]] = {
    PermitEvent.ISSUED: ("签发", "issued"),
    PermitEvent.ENDORSED: ("按期签注", "endorsed on time"),
    PermitEvent.ENDORSED_LATE: ("逾期签注", "endorsed late"),
    PermitEvent.SUSPENDED: ("中止", "suspended"),
    PermitEvent.ADDRESS_CHANGED: ("变更住址", "address changed"),
    PermitEvent.REPLACED: ("换领新证", "replacement card"),
    PermitEvent.REISSUED: ("补领新证", "reissued card"),
    PermitEvent.VOIDED: ("作废", "voided"),
}


_P = PermitStatus
_E = PermitEvent
# event -> (statuses it may start from (None = a new card), resulting status or None = keep, rule)
PERMIT_TABLE: dict[PermitEvent, tuple[frozenset[PermitStatus | None], PermitStatus | None, str]] = {
    _E.ISSUED: (frozenset({None}), _P.VALID, "LH-3.2-issue-15d"),
    _E.ENDORSED: (frozenset({_P.VALID}), _P.VALID, "LH-3.2-endorse-window"),
    _E.ENDORSED_LATE: (frozenset({_P.SUSPENDED}), _P.VALID, "LH-3.2-endorse-late"),
    _E.SUSPENDED: (frozenset({_P.VALID}), _P.SUSPENDED, "LH-3.2-endorse-overdue"),
    _E.ADDRESS_CHANGED: (frozenset({_P.VALID}), _P.VALID, "LH-3.2-change-same-county"),
    _E.REPLACED: (frozenset({None}), None, "LH-3.2-replace"),
    _E.REISSUED: (frozenset({None}), None, "LH-3.2-replace"),
    _E.VOIDED: (frozenset({_P.VALID, _P.SUSPENDED}), _P.VOID, "LH-3.2-replace"),
}


def permit_next(
    status: PermitStatus | None, event: PermitEvent, carried: PermitStatus | None = None
) -> PermitStatus:
    """The status after ``event``; ``carried`` is the old card's status for a new card of the same permit."""
    allowed, to, rule = PERMIT_TABLE[event]
    if status not in allowed:
        label = PERMIT_STATUS_LABELS[status] if status else ("未发证", "not issued")
        if status is PermitStatus.SUSPENDED and event in (_E.ENDORSED, _E.ADDRESS_CHANGED):
            rule = "LH-3.2-endorse-overdue"
        raise TransitionNotAllowed(
            rule=rule,
            code="permit-transition",
            zh=f"居住证当前状态为“{label[0]}”，不能办理此项（{event.value}）。",
            en=f"The permit is {label[1]}; '{event.value}' is not allowed.",
            extra={"status": status.value if status else None, "event": event.value},
        )
    if to is None:
        if carried is None or carried is PermitStatus.VOID:
            raise TransitionNotAllowed(
                rule=rule,
                code="permit-transition",
                zh="新证必须承接一张有效或中止的原证。",
                en="A new card must continue a valid or suspended card.",
            )
        return carried
    return to


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a permit's append-only history, as the derivations need it."""

    seq: int
    event: PermitEvent
    effective_on: date
    to_status: PermitStatus
    residence_since: date | None = None  # set when the event (re)starts the residence period
    rule: str = ""  # the rule the event applied, when the event kind alone does not say it


def _upto(history: Iterable[HistoryEntry], on: date) -> Sequence[HistoryEntry]:
    return sorted((h for h in history if h.effective_on <= on), key=lambda h: (h.effective_on, h.seq))


def status_on(history: Iterable[HistoryEntry], on: date) -> PermitStatus | None:
    """The card's status on a date, from its history (None: not yet issued on that date)."""
    past = _upto(history, on)
    return past[-1].to_status if past else None
