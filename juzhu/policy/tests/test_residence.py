"""The residence period (居住年限): LH-3.2-endorse-late, LH-3.2-change-*, LH-3.2-replace."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.lifecycle import HistoryEntry, PermitEvent, PermitStatus
from juzhu.policy.residence import ResidencePeriod, residence_period_on

D = date
E = PermitEvent
P = PermitStatus

HISTORY = (
    HistoryEntry(1, E.ISSUED, D(2024, 2, 29), P.VALID, residence_since=D(2024, 2, 29)),
    HistoryEntry(2, E.ENDORSED, D(2025, 2, 10), P.VALID),  # on time: nothing restarts
    HistoryEntry(3, E.SUSPENDED, D(2026, 3, 1), P.SUSPENDED),
    HistoryEntry(4, E.ENDORSED_LATE, D(2026, 3, 20), P.VALID, residence_since=D(2026, 3, 20)),
    HistoryEntry(5, E.ADDRESS_CHANGED, D(2026, 6, 1), P.VALID),  # same county: continues
    HistoryEntry(6, E.ADDRESS_CHANGED, D(2026, 9, 1), P.VALID, residence_since=D(2026, 9, 1)),  # same city
)


@pytest.mark.parametrize(
    ("on", "since", "event", "rule"),
    [
        (D(2024, 2, 29), D(2024, 2, 29), E.ISSUED, "LH-3.2-issue-15d"),
        (D(2026, 3, 1), D(2024, 2, 29), E.ISSUED, "LH-3.2-issue-15d"),  # suspension alone restarts nothing
        (D(2026, 3, 19), D(2024, 2, 29), E.ISSUED, "LH-3.2-issue-15d"),
        (D(2026, 3, 20), D(2026, 3, 20), E.ENDORSED_LATE, "LH-3.2-endorse-late"),
        (D(2026, 8, 31), D(2026, 3, 20), E.ENDORSED_LATE, "LH-3.2-endorse-late"),  # same-county change
        (D(2026, 9, 1), D(2026, 9, 1), E.ADDRESS_CHANGED, "LH-3.2-change-same-city"),
    ],
)
def test_residence_period_restarts_only_on_events_that_restart_it(
    on: date, since: date, event: PermitEvent, rule: str
) -> None:
    assert residence_period_on(HISTORY, on) == ResidencePeriod(since, event, rule)


def test_no_residence_period_before_issue() -> None:
    assert residence_period_on(HISTORY, D(2024, 2, 28)) is None


@pytest.mark.parametrize(
    ("since", "on", "years"),
    [
        (D(2024, 3, 1), D(2025, 2, 28), 0),
        (D(2024, 3, 1), D(2025, 3, 1), 1),
        (D(2025, 10, 3), D(2026, 10, 2), 0),
        (D(2025, 10, 3), D(2026, 10, 3), 1),
        (D(2025, 10, 3), D(2030, 10, 3), 5),
        (D(2025, 10, 3), D(2025, 9, 1), 0),  # never negative
        # T-month-end: 2024-02-29 + 1 year = 2025-02-28, so the first year is complete then.
        (D(2024, 2, 29), D(2025, 2, 27), 0),
        (D(2024, 2, 29), D(2025, 2, 28), 1),
        (D(2024, 2, 29), D(2028, 2, 28), 3),
        (D(2024, 2, 29), D(2028, 2, 29), 4),
    ],
)
def test_full_years_of_residence(since: date, on: date, years: int) -> None:
    assert ResidencePeriod(since, E.ISSUED, "LH-3.2-issue-15d").years_on(on) == years


def test_a_move_to_another_city_cites_the_other_city_rule():
    history = [
        HistoryEntry(1, PermitEvent.ISSUED, date(2025, 3, 1), PermitStatus.VALID, date(2025, 3, 1)),
        HistoryEntry(
            2,
            PermitEvent.ADDRESS_CHANGED,
            date(2026, 5, 6),
            PermitStatus.VALID,
            date(2026, 5, 6),
            "LH-3.2-change-other-city",
        ),
    ]
    period = residence_period_on(history, date(2026, 5, 6))
    assert (period.since, period.rule) == (date(2026, 5, 6), "LH-3.2-change-other-city")
    assert residence_period_on(history, date(2026, 5, 5)).rule == "LH-3.2-issue-15d"


def test_every_event_that_sets_the_period_has_its_reason_in_both_languages() -> None:
    from juzhu.policy.residence import _RULE, RESIDENCE_REASONS

    assert set(RESIDENCE_REASONS) == set(_RULE)
    assert all(zh and en for zh, en in RESIDENCE_REASONS.values())
