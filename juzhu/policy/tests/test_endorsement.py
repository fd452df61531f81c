"""Annual endorsement: LH-3.2-endorse-window, -overdue, -late, on the 2026 official calendar."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.calendar import WorkCalendar
from juzhu.policy.endorsement import (
    EndorsementKind,
    anniversary,
    anniversary_after,
    endorsement_decide,
    endorsement_window,
    is_overdue,
    suspended_from,
)
from juzhu.policy.errors import CalendarUnknown, TransitionNotAllowed
from juzhu.policy.parameters import JurisdictionPolicy

D = date
ON_TIME = EndorsementKind.ON_TIME
LATE = EndorsementKind.LATE


@pytest.mark.parametrize(
    ("issued", "k", "expected"),
    [
        (D(2025, 10, 3), 1, D(2026, 10, 3)),
        (D(2024, 2, 29), 1, D(2025, 2, 28)),  # T-month-end
        (D(2024, 2, 29), 2, D(2026, 2, 28)),
        (D(2024, 2, 29), 4, D(2028, 2, 29)),  # counted from the issue date, not chained
    ],
)
def test_anniversary_k_is_issue_date_plus_k_years(issued: date, k: int, expected: date) -> None:
    assert anniversary(issued, k) == expected


@pytest.mark.parametrize(
    ("issued", "after", "expected"),
    [
        (D(2025, 10, 3), D(2025, 10, 3), D(2026, 10, 3)),
        (D(2025, 10, 3), D(2026, 10, 2), D(2026, 10, 3)),
        (D(2025, 10, 3), D(2026, 10, 3), D(2027, 10, 3)),  # strictly later
        (D(2025, 10, 3), D(2029, 1, 1), D(2029, 10, 3)),
        (D(2024, 2, 29), D(2026, 2, 27), D(2026, 2, 28)),
        (D(2024, 2, 29), D(2026, 2, 28), D(2027, 2, 28)),
        (D(2024, 2, 29), D(2027, 2, 28), D(2028, 2, 29)),
    ],
)
def test_anniversary_after_is_the_first_one_strictly_later(issued: date, after: date, expected: date) -> None:
    assert anniversary_after(issued, after) == expected


# --- An anniversary inside National Day: issued 2025-10-03 -----------------------------------------
# Anniversary 2026-10-03 (Sat, holiday).  Window opens 10-03 − 30 days = 2026-09-03.  The last day
# rolls over 10-03..10-07 to Thu 2026-10-08, the first working day; suspended from 2026-10-09.
ISSUED = D(2025, 10, 3)
ANNIV = D(2026, 10, 3)


def test_window_for_an_anniversary_in_national_day() -> None:
    window = endorsement_window(ANNIV)
    assert window.anniversary == ANNIV
    assert window.opens == D(2026, 9, 3)
    assert window.last_day == D(2026, 10, 8)
    assert window.rules == ("LH-3.2-endorse-window", "T-month-end", "T-holiday")
    assert suspended_from(ANNIV) == D(2026, 10, 9)


def test_endorsing_the_day_before_the_window_opens_is_refused_with_the_opening_date() -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        endorsement_decide(ISSUED, ANNIV, D(2026, 9, 2))
    err = exc.value
    assert err.rule == "LH-3.2-endorse-window"
    assert err.code == "endorse-too-early"
    assert err.extra["opens"] == "2026-09-03"
    assert err.extra["anniversary"] == "2026-10-03"
    assert "2026-09-03" in err.message("zh-hans")
    assert "2026-09-03" in err.message("en")
    assert err.fields == ("on",)


@pytest.mark.parametrize(
    ("on", "kind", "next_anniv", "residence_since", "suspended"),
    [
        (D(2026, 9, 3), ON_TIME, D(2027, 10, 3), None, None),  # opening day; D+30 = anniversary itself
        (D(2026, 9, 30), ON_TIME, D(2027, 10, 3), None, None),
        (D(2026, 10, 3), ON_TIME, D(2027, 10, 3), None, None),  # the anniversary itself
        (D(2026, 10, 8), ON_TIME, D(2027, 10, 3), None, None),  # rolled last day: still on time
        (D(2026, 10, 9), LATE, D(2027, 10, 3), D(2026, 10, 9), D(2026, 10, 9)),  # first late day
        (D(2027, 3, 1), LATE, D(2027, 10, 3), D(2027, 3, 1), D(2026, 10, 9)),
        (D(2026, 12, 31), LATE, D(2027, 10, 3), D(2026, 12, 31), D(2026, 10, 9)),
    ],
)
def test_endorsement_around_national_day(
    on: date, kind: EndorsementKind, next_anniv: date, residence_since: date | None, suspended: date | None
) -> None:
    decision = endorsement_decide(ISSUED, ANNIV, on)
    assert decision.kind is kind
    assert decision.next_anniversary == next_anniv
    assert decision.residence_since == residence_since
    assert decision.suspended_from == suspended
    if kind is LATE:
        assert decision.rules[:2] == ("LH-3.2-endorse-overdue", "LH-3.2-endorse-late")
    else:
        assert decision.rules[0] == "LH-3.2-endorse-window"


def test_a_very_late_endorsement_skips_the_anniversary_it_already_covers() -> None:
    # Endorsed late on 2027-09-10: D + 30 = 2027-10-10 is after the 2027 anniversary.
    decision = endorsement_decide(ISSUED, ANNIV, D(2027, 9, 10))
    assert decision.kind is LATE
    assert decision.next_anniversary == D(2028, 10, 3)
    assert decision.residence_since == D(2027, 9, 10)


@pytest.mark.parametrize(
    ("on", "overdue"),
    [
        (D(2026, 10, 3), False),
        (D(2026, 10, 5), False),  # past the anniversary, but the window is still open
        (D(2026, 10, 8), False),  # last day
        (D(2026, 10, 9), True),  # first day of suspension
        (D(2026, 11, 1), True),
    ],
)
def test_is_overdue_from_the_day_after_the_rolled_last_day(on: date, overdue: bool) -> None:
    assert is_overdue(ANNIV, on) is overdue


@pytest.mark.parametrize(
    ("anniv", "opens", "last_day", "first_suspended"),
    [
        (D(2026, 9, 25), D(2026, 8, 26), D(2026, 9, 28), D(2026, 9, 29)),  # Mid-Autumn, Fri
        (D(2026, 10, 1), D(2026, 9, 1), D(2026, 10, 8), D(2026, 10, 9)),
        (D(2026, 10, 7), D(2026, 9, 7), D(2026, 10, 8), D(2026, 10, 9)),
        (D(2026, 10, 8), D(2026, 9, 8), D(2026, 10, 8), D(2026, 10, 9)),  # working: no roll
        (D(2026, 10, 10), D(2026, 9, 10), D(2026, 10, 10), D(2026, 10, 11)),  # make-up Sat: no roll
        (D(2026, 10, 11), D(2026, 9, 11), D(2026, 10, 12), D(2026, 10, 13)),  # ordinary Sunday
        (D(2026, 2, 28), D(2026, 1, 29), D(2026, 2, 28), D(2026, 3, 1)),  # make-up Sat
        (D(2026, 2, 16), D(2026, 1, 17), D(2026, 2, 24), D(2026, 2, 25)),  # Spring Festival
        (D(2026, 3, 31), D(2026, 3, 1), D(2026, 3, 31), D(2026, 4, 1)),
    ],
)
def test_window_bounds(anniv: date, opens: date, last_day: date, first_suspended: date) -> None:
    window = endorsement_window(anniv)
    assert (window.opens, window.last_day) == (opens, last_day)
    assert ("T-holiday" in window.rules) is (last_day != anniv)
    assert suspended_from(anniv) == first_suspended
    assert is_overdue(anniv, last_day) is False
    assert is_overdue(anniv, first_suspended) is True


@pytest.mark.parametrize(
    ("on", "kind"),
    [
        (D(2026, 10, 10), ON_TIME),  # the anniversary is a make-up working Saturday
        (D(2026, 10, 11), LATE),
    ],
)
def test_anniversary_on_a_make_up_saturday_does_not_roll(on: date, kind: EndorsementKind) -> None:
    issued = D(2024, 10, 10)
    decision = endorsement_decide(issued, anniversary(issued, 2), on)
    assert decision.kind is kind
    assert decision.next_anniversary == D(2027, 10, 10)


# --- A permit issued on 29 February -------------------------------------------------------------
@pytest.mark.parametrize(
    ("on", "kind", "next_anniv"),
    [
        (D(2026, 1, 29), ON_TIME, D(2027, 2, 28)),  # opens 2026-02-28 − 30 days
        (D(2026, 2, 28), ON_TIME, D(2027, 2, 28)),  # anniversary, a make-up working Saturday
        (D(2026, 3, 1), LATE, D(2027, 2, 28)),
    ],
)
def test_leap_day_issue(on: date, kind: EndorsementKind, next_anniv: date) -> None:
    issued = D(2024, 2, 29)
    decision = endorsement_decide(issued, D(2026, 2, 28), on)
    assert decision.kind is kind
    assert decision.next_anniversary == next_anniv


def test_leap_day_issue_refused_the_day_before_the_window() -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        endorsement_decide(D(2024, 2, 29), D(2026, 2, 28), D(2026, 1, 28))
    assert exc.value.extra["opens"] == "2026-01-29"


# --- An anniversary in 2027, before the 2027 holiday calendar is known ---------------------------
ISSUED_JAN = D(2025, 1, 10)
ANNIV_2027 = D(2027, 1, 10)  # a Sunday; window opens 2026-12-11


def test_a_2027_anniversary_can_be_endorsed_in_december_2026_without_the_2027_calendar() -> None:
    window = endorsement_window(ANNIV_2027)
    assert window.opens == D(2026, 12, 11)
    assert window.last_day is None
    assert "T-holiday" not in window.rules
    for on in (D(2026, 12, 11), D(2026, 12, 31)):
        decision = endorsement_decide(ISSUED_JAN, ANNIV_2027, on)
        assert decision.kind is ON_TIME
        assert decision.next_anniversary == D(2028, 1, 10)
        assert decision.residence_since is None
    assert is_overdue(ANNIV_2027, D(2027, 1, 10)) is False


def test_a_2027_anniversary_refused_on_10_december_2026() -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        endorsement_decide(ISSUED_JAN, ANNIV_2027, D(2026, 12, 10))
    assert exc.value.extra["opens"] == "2026-12-11"


def test_lateness_after_an_unknown_anniversary_fails_closed() -> None:
    with pytest.raises(CalendarUnknown) as exc:
        endorsement_decide(ISSUED_JAN, ANNIV_2027, D(2027, 1, 11))
    assert exc.value.year == 2027
    with pytest.raises(CalendarUnknown):
        suspended_from(ANNIV_2027)


@pytest.mark.parametrize(
    ("on", "kind"),
    [
        (D(2027, 1, 11), ON_TIME),  # Sun 01-10 rolls to Mon 01-11
        (D(2027, 1, 12), LATE),
    ],
)
def test_a_2027_anniversary_with_an_entered_schedule(on: date, kind: EndorsementKind) -> None:
    cal = WorkCalendar(overrides={D(2027, 1, 1): False}, declared_years=frozenset({2027}))
    assert endorsement_window(ANNIV_2027, cal).last_day == D(2027, 1, 11)
    assert endorsement_decide(ISSUED_JAN, ANNIV_2027, on, cal).kind is kind


def test_window_length_is_a_policy_parameter() -> None:
    policy = JurisdictionPolicy(endorse_window_days=60)
    assert endorsement_window(ANNIV, policy=policy).opens == D(2026, 8, 4)
    # D + 60 on 2026-08-04 is 2026-10-03, the anniversary itself → the next one.
    assert endorsement_decide(ISSUED, ANNIV, D(2026, 8, 4), policy=policy).next_anniversary == D(2027, 10, 3)
    with pytest.raises(TransitionNotAllowed):
        endorsement_decide(ISSUED, ANNIV, D(2026, 8, 3), policy=policy)


@pytest.mark.parametrize(
    ("on", "state"),
    [
        (date(2026, 9, 5), "early"),  # the day before the window opens (anniversary − 30 days)
        (date(2026, 9, 6), "in_window"),
        (date(2026, 10, 6), "in_window"),  # the anniversary falls in National Day (10-01..10-07) ...
        (date(2026, 10, 8), "in_window"),  # ... so the last day rolls to the next working day
        (date(2026, 10, 9), "late"),
    ],
)
def test_window_state_on_both_sides_of_each_bound(on: date, state: str) -> None:
    from juzhu.policy.endorsement import window_state

    assert window_state(endorsement_window(date(2026, 10, 6)), on) == state


def test_window_state_is_undecided_after_an_anniversary_whose_year_has_no_calendar() -> None:
    from juzhu.policy.endorsement import WindowState, window_state

    window = endorsement_window(date(2027, 3, 10))
    assert window_state(window, date(2027, 3, 10)) is WindowState.IN_WINDOW  # no calendar needed yet
    assert window_state(window, date(2027, 3, 11)) is WindowState.UNDECIDED
