"""The status tables: the only gate between statuses (STYLE habit 3)."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.errors import TransitionNotAllowed
from juzhu.policy.lifecycle import (
    AppAction,
    AppStatus,
    HistoryEntry,
    PermitEvent,
    PermitStatus,
    application_next,
    permit_next,
    status_on,
)

D = date
A = AppStatus
Act = AppAction
P = PermitStatus
E = PermitEvent

ALLOWED_APP = {
    (A.RECEIVED, Act.NOTIFY): A.NOTIFIED,
    (A.NOTIFIED, Act.SUPPLEMENT): A.NOTIFIED,
    (A.RECEIVED, Act.ACCEPT): A.ACCEPTED,
    (A.NOTIFIED, Act.ACCEPT): A.ACCEPTED,
    (A.ACCEPTED, Act.APPROVE): A.APPROVED,
    (A.RECEIVED, Act.REFUSE): A.REFUSED,
    (A.NOTIFIED, Act.REFUSE): A.REFUSED,
    (A.ACCEPTED, Act.REFUSE): A.REFUSED,
    (A.APPROVED, Act.ISSUE): A.ISSUED,
    # An online pre-application the person replaces at the counter, before it is accepted.
    (A.RECEIVED, Act.WITHDRAW): A.WITHDRAWN,
    (A.NOTIFIED, Act.WITHDRAW): A.WITHDRAWN,
}


@pytest.mark.parametrize(("start", "action", "end"), [(s, a, e) for (s, a), e in ALLOWED_APP.items()])
def test_allowed_application_moves(start: AppStatus, action: AppAction, end: AppStatus) -> None:
    assert application_next(start, action) is end


@pytest.mark.parametrize(
    ("start", "action"),
    [(s, a) for s in AppStatus for a in AppAction if (s, a) not in ALLOWED_APP],
)
def test_every_other_application_move_is_refused(start: AppStatus, action: AppAction) -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        application_next(start, action)
    assert exc.value.kind == "conflict"
    if (start, action) == (A.NOTIFIED, Act.NOTIFY):
        assert exc.value.code == "notice-already-issued"
    else:
        assert exc.value.code == "application-transition"
        assert exc.value.extra == {"status": start.value, "action": action.value}


def test_a_second_notice_is_refused_citing_the_one_time_notice_rule() -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        application_next(A.NOTIFIED, Act.NOTIFY)
    assert exc.value.rule == "LH-3.2-one-time-notice"
    assert "一次性告知" in exc.value.message("zh-hans")


def test_issuing_needs_approval_first() -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        application_next(A.ACCEPTED, Act.ISSUE)
    assert exc.value.rule == "LH-3.2-issue-15d"
    assert "已受理" in exc.value.message("zh-hans")


def test_the_happy_path_with_a_notice() -> None:
    status = A.RECEIVED
    for action in (Act.NOTIFY, Act.SUPPLEMENT, Act.ACCEPT, Act.APPROVE, Act.ISSUE):
        status = application_next(status, action)
    assert status is A.ISSUED


ALLOWED_PERMIT = {
    (None, E.ISSUED): P.VALID,
    (P.VALID, E.ENDORSED): P.VALID,
    (P.SUSPENDED, E.ENDORSED_LATE): P.VALID,
    (P.VALID, E.SUSPENDED): P.SUSPENDED,
    (P.VALID, E.ADDRESS_CHANGED): P.VALID,
    (P.VALID, E.VOIDED): P.VOID,
    (P.SUSPENDED, E.VOIDED): P.VOID,
}


@pytest.mark.parametrize(("start", "event", "end"), [(s, e, t) for (s, e), t in ALLOWED_PERMIT.items()])
def test_allowed_permit_moves(start: PermitStatus | None, event: PermitEvent, end: PermitStatus) -> None:
    assert permit_next(start, event) is end


@pytest.mark.parametrize(
    ("start", "event"),
    [
        (s, e)
        for s in (None, *PermitStatus)
        for e in PermitEvent
        if (s, e) not in ALLOWED_PERMIT and not (s is None and e in (E.REPLACED, E.REISSUED))
    ],
)
def test_every_other_permit_move_is_refused(start: PermitStatus | None, event: PermitEvent) -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        permit_next(start, event)
    assert exc.value.code == "permit-transition"
    assert exc.value.extra == {"status": start.value if start else None, "event": event.value}


@pytest.mark.parametrize("event", [E.ENDORSED, E.ADDRESS_CHANGED])
def test_a_suspended_permit_must_be_endorsed_late_first(event: PermitEvent) -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        permit_next(P.SUSPENDED, event)
    assert exc.value.rule == "LH-3.2-endorse-overdue"
    assert "中止" in exc.value.message("zh-hans")


def test_a_void_card_can_do_nothing() -> None:
    for event in PermitEvent:
        with pytest.raises(TransitionNotAllowed):
            permit_next(P.VOID, event)


@pytest.mark.parametrize("event", [E.REPLACED, E.REISSUED])
@pytest.mark.parametrize("carried", [P.VALID, P.SUSPENDED])
def test_a_new_card_carries_the_old_cards_status(event: PermitEvent, carried: PermitStatus) -> None:
    # LH-3.2-replace: the new card carries the same permit, suspended or not.
    assert permit_next(None, event, carried) is carried


@pytest.mark.parametrize("event", [E.REPLACED, E.REISSUED])
@pytest.mark.parametrize("carried", [None, P.VOID])
def test_a_new_card_cannot_continue_a_void_or_missing_card(
    event: PermitEvent, carried: PermitStatus | None
) -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        permit_next(None, event, carried)
    assert exc.value.rule == "LH-3.2-replace"


HISTORY = (
    HistoryEntry(1, E.ISSUED, D(2025, 10, 3), P.VALID, residence_since=D(2025, 10, 3)),
    HistoryEntry(2, E.SUSPENDED, D(2026, 10, 9), P.SUSPENDED),
    HistoryEntry(3, E.ENDORSED_LATE, D(2026, 11, 2), P.VALID, residence_since=D(2026, 11, 2)),
    HistoryEntry(4, E.VOIDED, D(2027, 3, 1), P.VOID),
)


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (D(2025, 10, 2), None),  # before issue
        (D(2025, 10, 3), P.VALID),
        (D(2026, 10, 8), P.VALID),  # last day of the window
        (D(2026, 10, 9), P.SUSPENDED),
        (D(2026, 11, 1), P.SUSPENDED),
        (D(2026, 11, 2), P.VALID),
        (D(2027, 2, 28), P.VALID),
        (D(2027, 3, 1), P.VOID),
    ],
)
def test_status_on_a_date_is_derived_from_the_history(on: date, status: PermitStatus | None) -> None:
    assert status_on(HISTORY, on) is status
    assert status_on(reversed(HISTORY), on) is status  # order of storage does not matter


def test_same_day_events_are_ordered_by_sequence() -> None:
    history = [
        HistoryEntry(2, E.VOIDED, D(2026, 5, 6), P.VOID),
        HistoryEntry(1, E.ISSUED, D(2026, 5, 6), P.VALID),
    ]
    assert status_on(history, D(2026, 5, 6)) is P.VOID
