"""Annual endorsement (LH-3.2-endorse-window, -overdue, -late).

A permit stores its *nominal* next anniversary (issue date + k years,
T-month-end).  The window's last day is that anniversary rolled to a working
day (T-holiday), computed only when it is needed and the calendar for that
year is known, so endorsing never fails because next year's holidays have
not been announced yet.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from juzhu.policy.calendar import OFFICIAL, WorkCalendar, add_years, roll_to_working_day
from juzhu.policy.errors import CalendarUnknown, TransitionNotAllowed
from juzhu.policy.parameters import LINHE, JurisdictionPolicy


def anniversary(issue_date: date, k: int) -> date:
    """Anniversary k of the issue date (T-month-end: 2024-02-29 → 2025-02-28)."""
    return add_years(issue_date, k)


def anniversary_after(issue_date: date, after: date) -> date:
    """The first anniversary of ``issue_date`` strictly later than ``after``."""
    k = max(after.year - issue_date.year - 1, 1)
    while anniversary(issue_date, k) <= after:
        k += 1
    return anniversary(issue_date, k)


@dataclass(frozen=True)
class EndorsementWindow:
    anniversary: date
    opens: date
    last_day: date | None  # None while the anniversary's year has no known calendar
    rules: tuple[str, ...]


def endorsement_window(
    nominal_anniversary: date, cal: WorkCalendar = OFFICIAL, policy: JurisdictionPolicy = LINHE
) -> EndorsementWindow:
    """Opens anniversary − 30 days; last day is the anniversary, rolled by T-holiday."""
    opens = nominal_anniversary - timedelta(days=policy.endorse_window_days)
    rules = ["LH-3.2-endorse-window", "T-month-end"]
    try:
        last = roll_to_working_day(nominal_anniversary, cal)
    except CalendarUnknown:
        last = None
    else:
        if last != nominal_anniversary:
            rules.append("T-holiday")
    return EndorsementWindow(nominal_anniversary, opens, last, tuple(rules))


def suspended_from(nominal_anniversary: date, cal: WorkCalendar = OFFICIAL) -> date:
    """LH-3.2-endorse-overdue: the day after the window's last day (needs the calendar)."""
    return roll_to_working_day(nominal_anniversary, cal) + timedelta(days=1)


def is_overdue(nominal_anniversary: date, on: date, cal: WorkCalendar = OFFICIAL) -> bool:
    """True once the window has closed unendorsed.  No calendar is needed on or before the anniversary."""
    if on <= nominal_anniversary:
        return False
    return on >= suspended_from(nominal_anniversary, cal)


class WindowState(enum.StrEnum):
    """Where a date falls against a permit's endorsement window (LH-3.2-endorse-window, -overdue)."""

    EARLY = "early"  # before the window opens: endorsing is refused
    IN_WINDOW = "in_window"  # an endorsement that day is on time
    LATE = "late"  # the window has closed: suspended, a late endorsement restores it
    UNDECIDED = "undecided"  # after the anniversary, but that year's holidays are not yet entered
    VOID = "void"  # a superseded card, never endorsed (decided by the card's status, not the date)


WINDOW_STATE_LABELS: dict[WindowState, tuple[str, str]] = {
    WindowState.EARLY: ("签注期未到", "window not yet open"),
    WindowState.IN_WINDOW: ("在签注期内，今日签注为按期签注", "in the window: endorsing today is on time"),
    WindowState.LATE: (
        "签注期已过：逾期签注将重新计算居住年限",
        "window closed: a late endorsement restarts the period",
    ),
    WindowState.UNDECIDED: (
        "该年节假日安排未录入，暂无法判断",
        "undecided: that year's holidays are not entered",
    ),
    WindowState.VOID: ("已作废", "void"),
}


def window_state(window: EndorsementWindow, on: date, cal: WorkCalendar = OFFICIAL) -> WindowState:
    """Early, in the window, late, or undecided on ``on``: the tests ``endorsement_decide`` applies."""
    if on < window.opens:
        return WindowState.EARLY
    try:
        overdue = is_overdue(window.anniversary, on, cal)
    except CalendarUnknown:
        return WindowState.UNDECIDED
    return WindowState.LATE if overdue else WindowState.IN_WINDOW


class EndorsementKind(enum.StrEnum):
    ON_TIME = "on_time"
    LATE = "late"


@dataclass(frozen=True)
class EndorsementDecision:
    kind: EndorsementKind
    next_anniversary: date  # nominal; the permit is current up to it
    residence_since: date | None  # set when a late endorsement restarts the residence period
    suspended_from: date | None  # for a late endorsement: since when the permit was suspended
    rules: tuple[str, ...]


def endorsement_decide(
    issue_date: date,
    nominal_anniversary: date,
    on: date,
    cal: WorkCalendar = OFFICIAL,
    policy: JurisdictionPolicy = LINHE,
) -> EndorsementDecision:
    """Endorse on date ``on``: refused before the window, on time within it, late after it.

    An endorsement on D makes the permit current up to the first anniversary
    later than D + 30 days; a late one also restarts the residence period on D.
    """
    window = endorsement_window(nominal_anniversary, cal, policy)
    if on < window.opens:
        raise TransitionNotAllowed(
            rule="LH-3.2-endorse-window",
            code="endorse-too-early",
            zh=f"签注期为签发每满1年之日前{policy.endorse_window_days}日内，"
            f"本次签注自{window.opens.isoformat()}起方可办理。",
            en=f"Endorsement is possible within the {policy.endorse_window_days} days before the "
            f"anniversary; this one opens on {window.opens.isoformat()}.",
            fields=("on",),
            extra={"opens": window.opens.isoformat(), "anniversary": nominal_anniversary.isoformat()},
        )
    nxt = anniversary_after(issue_date, on + timedelta(days=policy.endorse_window_days))
    if not is_overdue(nominal_anniversary, on, cal):
        return EndorsementDecision(EndorsementKind.ON_TIME, nxt, None, None, window.rules)
    return EndorsementDecision(
        EndorsementKind.LATE,
        nxt,
        residence_since=on,
        suspended_from=suspended_from(nominal_anniversary, cal),
        rules=("LH-3.2-endorse-overdue", "LH-3.2-endorse-late", *window.rules),
    )
