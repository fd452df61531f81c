"""Endorsement reminders (LH-3.2-endorse-window): reminder days, due on both sides of each boundary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from juzhu.policy.calendar import WorkCalendar
from juzhu.policy.endorsement import endorsement_window
from juzhu.policy.errors import InvalidInput
from juzhu.policy.reminders import (
    REMINDERS,
    ReminderKind,
    ReminderPolicy,
    WindowPhase,
    candidate_anniversaries,
    contact_mask,
    phone_normalise,
    reminder_days,
    reminder_message,
    reminders_due,
    window_phase,
)

D = date
OPENS = ReminderKind.WINDOW_OPENS
CLOSES = ReminderKind.WINDOW_CLOSES

# Issued 2025-03-10: anniversary Tue 2026-03-10 (a working day, no roll).  The window opens
# 2026-02-08; the opening reminder is due 2026-02-01, the closing one 2026-03-03.
ANNIV = D(2026, 3, 10)
WINDOW = endorsement_window(ANNIV)


def kinds(on: date, window=WINDOW, rp: ReminderPolicy = REMINDERS) -> list[ReminderKind]:
    return [r.kind for r in reminders_due(window, on, rp)]


def test_the_thresholds_are_named_with_their_rule() -> None:
    assert REMINDERS.before_opens_days == 7
    assert REMINDERS.before_closes_days == 7
    assert REMINDERS.rule == "LH-3.2-endorse-window"


def test_reminder_days_of_a_plain_window() -> None:
    opens, closes = reminder_days(WINDOW)
    assert (opens.kind, opens.remind_on, opens.until) == (OPENS, D(2026, 2, 1), D(2026, 2, 7))
    assert (closes.kind, closes.remind_on, closes.until) == (CLOSES, D(2026, 3, 3), D(2026, 3, 10))
    assert opens.opens == D(2026, 2, 8) and closes.closes == ANNIV and closes.closes_known
    assert opens.rules[0] == closes.rules[0] == "LH-3.2-endorse-window"


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2026, 1, 31), []),  # the day before the opening reminder day: nothing
        (D(2026, 2, 1), [OPENS]),  # the reminder day: one
        (D(2026, 2, 7), [OPENS]),  # still due the day before the window opens (a missed run catches up)
        (D(2026, 2, 8), []),  # the window has opened: the opening reminder is stale
        (D(2026, 3, 2), []),  # the day before the closing reminder day
        (D(2026, 3, 3), [CLOSES]),  # the closing reminder day
        (D(2026, 3, 10), [CLOSES]),  # the last day
        (D(2026, 3, 11), []),  # overdue: suspension, not reminders (LH-3.2-endorse-overdue)
    ],
)
def test_due_on_both_sides_of_each_boundary(on: date, expected: list[ReminderKind]) -> None:
    assert kinds(on) == expected


def test_never_two_reminders_on_one_day() -> None:
    day = D(2025, 12, 1)
    while day <= D(2026, 4, 1):
        assert len(kinds(day)) <= 1
        day += timedelta(days=1)


def test_the_closing_reminder_counts_back_from_the_rolled_last_day() -> None:
    # Anniversary Sat 2026-10-03 (National Day): the last day rolls to Thu 2026-10-08 (T-holiday).
    window = endorsement_window(D(2026, 10, 3))
    _, closes = reminder_days(window)
    assert closes.closes == D(2026, 10, 8)
    assert closes.remind_on == D(2026, 10, 1)
    assert "T-holiday" in closes.rules
    assert kinds(D(2026, 9, 30), window) == [] and kinds(D(2026, 10, 1), window) == [CLOSES]
    assert kinds(D(2026, 10, 8), window) == [CLOSES] and kinds(D(2026, 10, 9), window) == []


def test_an_unknown_year_reminds_from_the_nominal_anniversary() -> None:
    window = endorsement_window(D(2031, 6, 2))  # no calendar for 2031
    assert window.last_day is None
    _, closes = reminder_days(window)
    assert (closes.closes, closes.remind_on, closes.closes_known) == (D(2031, 6, 2), D(2031, 5, 26), False)


def test_a_closing_threshold_longer_than_the_window_starts_when_it_opens() -> None:
    rp = ReminderPolicy(before_opens_days=3, before_closes_days=40)
    _, closes = reminder_days(WINDOW, rp)
    assert closes.remind_on == WINDOW.opens
    assert kinds(D(2026, 2, 7), rp=rp) == [OPENS] and kinds(D(2026, 2, 8), rp=rp) == [CLOSES]


def test_negative_thresholds_are_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        ReminderPolicy(before_opens_days=-1)
    assert err.value.rule == "LH-3.2-endorse-window"


def test_the_candidate_range_holds_every_anniversary_with_a_reminder_due() -> None:
    on = D(2026, 9, 28)
    low, high = candidate_anniversaries(on)
    anniv = on - timedelta(days=60)
    while anniv <= on + timedelta(days=90):
        if reminders_due(endorsement_window(anniv), on):
            assert low <= anniv <= high, anniv
        anniv += timedelta(days=1)


@pytest.mark.parametrize(
    ("on", "phase"),
    [
        (D(2026, 2, 7), WindowPhase.EARLY),
        (D(2026, 2, 8), WindowPhase.OPEN),
        (D(2026, 3, 10), WindowPhase.OPEN),
        (D(2026, 3, 11), WindowPhase.LATE),
    ],
)
def test_window_phase_on_both_sides(on: date, phase: WindowPhase) -> None:
    assert window_phase(WINDOW, on) is phase


def test_window_phase_follows_the_rolled_last_day_and_fails_closed_without_a_calendar() -> None:
    rolled = endorsement_window(D(2026, 10, 3))
    assert window_phase(rolled, D(2026, 10, 8)) is WindowPhase.OPEN
    assert window_phase(rolled, D(2026, 10, 9)) is WindowPhase.LATE
    unknown = endorsement_window(D(2031, 6, 2), WorkCalendar())
    assert window_phase(unknown, D(2031, 6, 3)) is WindowPhase.OPEN


def test_the_message_names_the_dates_what_to_bring_and_the_rule_in_both_languages() -> None:
    opens, closes = reminder_days(WINDOW)
    m = reminder_message(opens, name="王小明", permit_number="150802202600001X")
    assert "2026-02-08" in m.body_zh and "2026-03-10" in m.body_zh and "王小明" in m.body_zh
    assert "居住证" in m.body_zh and "LH-3.2-endorse-window" in m.body_zh and "签注免费" in m.body_zh
    assert "opens on 2026-02-08" in m.body_en and "LH-3.2-endorse-window" in m.body_en
    assert m.subject_zh.endswith("签注期即将开始")
    c = reminder_message(closes, name="王小明", permit_number="150802202600001X")
    assert "2026-03-10" in c.body_zh and "中止" in c.body_zh and "suspended" in c.body_en
    unknown = reminder_days(endorsement_window(D(2031, 6, 2)))[1]
    assert "顺延" in reminder_message(unknown, name="王", permit_number="1").body_zh


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("", ""),
    ],
)
def test_phone_numbers_normalise(raw: str, expected: str) -> None:
    assert phone_normalise(raw) == expected


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "138001380001", "0471-1234567", "abc"])
def test_bad_phone_numbers_are_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(InvalidInput) as err:
        phone_normalise(raw)
    assert err.value.fields == ("phone",) and err.value.rule == "LH-3.2-endorse-window"


def test_contacts_are_masked() -> None:
    assert contact_mask("13800138000") == "138****8000"
    assert contact_mask("wang@example.cn") == "w***@example.cn"
    assert contact_mask("") == ""
