"""Endorsement reminders (LH-3.2-endorse-window): when to tell a holder that the window opens or closes.

The notice sets the window (the 30 days before each anniversary) and what an
overdue permit suffers (LH-3.2-endorse-overdue); it does not set reminders.
Reminding is the system's service to the holder, so its two thresholds are
named parameters here, with the rule they serve, and the window itself always
comes from ``juzhu.policy.endorsement`` — never computed a second time.

A reminder is *due* from its reminder day until the day it announces (the window
opening, or its last day), so a daily run that was missed, or a phone number
entered late, still gets the reminder out; the outbox's dedupe key (kind, card
lineage, anniversary) makes sure it goes out once.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

from juzhu.policy.calendar import OFFICIAL, WorkCalendar
from juzhu.policy.endorsement import EndorsementWindow, WindowState, window_state
from juzhu.policy.errors import InvalidInput
from juzhu.policy.materials import CaseKind, checklist
from juzhu.policy.parameters import LINHE, JurisdictionPolicy

RULE = "LH-3.2-endorse-window"

# The longest run of consecutive official rest days a window's last day can be rolled over (T-holiday).
# No run in the official calendar has reached 10 days (Spring Festival and National Day: 8–9); 14 keeps
# the candidate query a safe superset without asking the calendar.
MAX_HOLIDAY_ROLL_DAYS = 14


@dataclass(frozen=True)
class ReminderPolicy:
    """The two reminder thresholds of LH-3.2-endorse-window, in calendar days."""

    # A week before the window opens: time to gather the proof of address, employment or study
    # the endorsement needs (N-9-materials) before the 30 days start.
    before_opens_days: int = 7
    # A week before its last day: still five working days to come to the counter before the
    # permit is suspended (LH-3.2-endorse-overdue) — and late enough not to be forgotten.
    before_closes_days: int = 7
    rule: str = RULE

    def __post_init__(self) -> None:
        if self.before_opens_days < 0 or self.before_closes_days < 0:
            raise InvalidInput(
                rule=self.rule,
                code="reminder-days-negative",
                zh="提醒天数不能为负数。",
                en="Reminder days cannot be negative.",
                fields=("before_opens_days", "before_closes_days"),
            )


REMINDERS = ReminderPolicy()


class ReminderKind(enum.StrEnum):
    WINDOW_OPENS = "endorse_window_opens"
    WINDOW_CLOSES = "endorse_window_closes"


REMINDER_KIND_LABELS: dict[ReminderKind, tuple[str, str]] = {
    ReminderKind.WINDOW_OPENS: ("签注期即将开始", "Endorsement window opens soon"),
    ReminderKind.WINDOW_CLOSES: ("签注期即将截止", "Endorsement window closes soon"),
}


@dataclass(frozen=True)
class Reminder:
    kind: ReminderKind
    anniversary: date  # the window's nominal anniversary: with the kind and the card, the dedupe key
    remind_on: date  # the reminder day
    until: date  # the last day the reminder is still worth sending
    opens: date
    closes: date  # the window's last day, or the nominal anniversary while its year's calendar is unknown
    closes_known: bool
    rules: tuple[str, ...]

    def due_on(self, on: date) -> bool:
        return self.remind_on <= on <= self.until


def reminder_days(window: EndorsementWindow, rp: ReminderPolicy = REMINDERS) -> tuple[Reminder, Reminder]:
    """The window's two reminders: N days before it opens, M days before its last day.

    While the anniversary's year has no known calendar the last day is taken as the nominal
    anniversary: the reminder comes no later than it should (the last day only ever rolls later).
    """
    closes = window.last_day or window.anniversary
    known = window.last_day is not None
    opens = Reminder(
        ReminderKind.WINDOW_OPENS,
        window.anniversary,
        remind_on=window.opens - timedelta(days=rp.before_opens_days),
        until=window.opens - timedelta(days=1),
        opens=window.opens,
        closes=closes,
        closes_known=known,
        rules=(rp.rule, *window.rules[1:]),
    )
    close = Reminder(
        ReminderKind.WINDOW_CLOSES,
        window.anniversary,
        remind_on=max(closes - timedelta(days=rp.before_closes_days), window.opens),
        until=closes,
        opens=window.opens,
        closes=closes,
        closes_known=known,
        rules=(rp.rule, *window.rules[1:]),
    )
    return opens, close


def reminders_due(
    window: EndorsementWindow, on: date, rp: ReminderPolicy = REMINDERS
) -> tuple[Reminder, ...]:
    """The reminders of this window due on ``on`` (at most one: the two periods never overlap)."""
    return tuple(r for r in reminder_days(window, rp) if r.due_on(on))


def candidate_anniversaries(
    on: date, policy: JurisdictionPolicy = LINHE, rp: ReminderPolicy = REMINDERS
) -> tuple[date, date]:
    """Nominal anniversaries (inclusive range) whose window may have a reminder due on ``on``.

    A superset for one set-based query; ``reminders_due`` decides each permit exactly.
    Lowest: a last day rolled past the anniversary by a holiday run is still ahead.
    Highest: the opening reminder of a window opening ``before_opens_days`` from now.
    """
    low = on - timedelta(days=MAX_HOLIDAY_ROLL_DAYS)
    high = on + timedelta(days=max(policy.endorse_window_days + rp.before_opens_days, rp.before_closes_days))
    return low, high


class WindowPhase(enum.StrEnum):
    EARLY = "early"  # before the window opens: endorsing is refused with the opening date
    OPEN = "open"  # within the window
    LATE = "late"  # after its last day: suspended (LH-3.2-endorse-overdue) until a late endorsement


WINDOW_PHASE_LABELS: dict[WindowPhase, tuple[str, str]] = {
    WindowPhase.EARLY: ("签注期尚未开始", "the window has not opened yet"),
    WindowPhase.OPEN: ("正在签注期内，请及时办理", "the window is open: endorse now"),
    WindowPhase.LATE: ("已超过签注期", "the window has closed"),
}


def window_phase(window: EndorsementWindow, on: date, cal: WorkCalendar = OFFICIAL) -> WindowPhase:
    """Where ``on`` falls against the window, by the same tests endorsement itself applies.

    With the last day's year unknown the permit is not yet overdue (the sweep, too, fails closed).
    """
    state = window_state(window, on, cal)
    if state is WindowState.EARLY:
        return WindowPhase.EARLY
    return WindowPhase.LATE if state is WindowState.LATE else WindowPhase.OPEN


@dataclass(frozen=True)
class Message:
    subject_zh: str
    body_zh: str
    subject_en: str
    body_en: str


def reminder_message(
    reminder: Reminder, *, name: str, permit_number: str, policy: JurisdictionPolicy = LINHE
) -> Message:
    """The reminder's text in both languages; what to bring comes from the endorsement checklist."""
    items = checklist(CaseKind.ENDORSEMENT)
    bring_zh = "、".join(r.text("zh-hans") for r in items)
    bring_en = "; ".join(r.text("en") for r in items)
    closes_zh = reminder.closes.isoformat() + ("" if reminder.closes_known else "（如遇法定节假日顺延）")
    closes_en = reminder.closes.isoformat() + (
        "" if reminder.closes_known else " (later if a public holiday)"
    )
    subject_zh, subject_en = REMINDER_KIND_LABELS[reminder.kind]
    if reminder.kind is ReminderKind.WINDOW_OPENS:
        lead_zh = (
            f"您的居住证（{permit_number}）签注期将于{reminder.opens.isoformat()}开始，至{closes_zh}截止。"
        )
        lead_en = (
            f"The endorsement window of your residence permit {permit_number} opens on "
            f"{reminder.opens.isoformat()} and closes on {closes_en}."
        )
    else:
        lead_zh = f"您的居住证（{permit_number}）签注期将于{closes_zh}截止，逾期未签注的，居住证功能中止。"
        lead_en = (
            f"The endorsement window of your residence permit {permit_number} closes on {closes_en}; "
            "a permit not endorsed by then is suspended."
        )
    return Message(
        subject_zh=f"【{policy.name_zh}居住证】{subject_zh}",
        body_zh=f"{name}：{lead_zh}请携带{bring_zh}到派出所或户籍服务大厅办理签注，签注免费。"
        f"（依据 {reminder.rules[0]}）",
        subject_en=f"[{policy.name_en} residence permit] {subject_en}",
        body_en=f"{name}: {lead_en} Bring {bring_en} to a police station or the service hall; "
        f"endorsement is free. (Rule {reminder.rules[0]})",
    )


# Mainland mobile numbers: 11 digits starting 13–19, optionally written with +86 / 0086 and spaces or dashes.
MOBILE_PATTERN = r"1[3-9][0-9]{9}"
_MOBILE = re.compile(MOBILE_PATTERN)
_SEPARATORS = re.compile(r"[\s\-()]")


def phone_normalise(value: str, rp: ReminderPolicy = REMINDERS) -> str:
    """A mobile number for SMS reminders, as 11 digits; empty stays empty (no SMS)."""
    digits = _SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if digits and not _MOBILE.fullmatch(digits):
        raise InvalidInput(
            rule=rp.rule,
            code="phone-invalid",
            zh="手机号码应为11位中国大陆手机号，例如13800138000。",
            en="The phone number must be an 11-digit mainland mobile number, e.g. 13800138000.",
            fields=("phone",),
        )
    return digits


def contact_mask(value: str) -> str:
    """138****8000, w***@example.cn: enough for the holder to recognise, not to reuse (N-17-confidentiality)."""
    if not value:
        return ""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(value) >= 7:
        return f"{value[:3]}****{value[-4:]}"
    return "*" * len(value)
