"""Reads of the service-hall workbench: the queue with its 15-day clock, and one case with what it allows.

Nothing here decides a rule: the due date is the one the acceptance service stored (LH-3.2-issue-15d,
T-holiday), working days come from the administrator's calendar (T-workdays), the statuses and
what each allows come from ``juzhu.policy.lifecycle``, the checklist from the registry service.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from juzhu.audit.models import AuditEvent
from juzhu.policy.calendar import WorkCalendar, add_working_days
from juzhu.policy.errors import CalendarUnknown
from juzhu.policy.fees import fee_for
from juzhu.policy.lifecycle import APP_STATUS_LABELS, APPLICATION_TABLE, AppAction, AppStatus
from juzhu.policy.materials import CASE_KIND_LABELS, DOC_LABELS, CaseKind, Doc, Requirement
from juzhu.policy.materials import REISSUE_REASON_LABELS as _REASONS
from juzhu.policy.proxy import PROXY_RELATION_LABELS as _RELATIONS
from juzhu.registry.models import Application, ApplicationDocument, FeeReceipt, Notice
from juzhu.registry.selectors import applications_queue
from juzhu.registry.services import application_requirements
from juzhu.workcal.selectors import work_calendar

# The queue warns before the 15-day limit runs out: "due soon" when the due date is within this
# many working days of today (T-workdays).  A service-hall choice, not a clause of the notice: it
# exists so that a case is approved and issued before LH-3.2-issue-15d is broken.
DUE_SOON_WORKING_DAYS = 3
DUE_SOON_RULE = "LH-3.2-issue-15d"

OPEN_STATUSES = (AppStatus.RECEIVED, AppStatus.NOTIFIED, AppStatus.ACCEPTED, AppStatus.APPROVED)
CLOCK_RUNNING = frozenset({AppStatus.ACCEPTED, AppStatus.APPROVED})

KIND_LABELS: dict[str, tuple[str, str]] = {str(k): v for k, v in CASE_KIND_LABELS.items()}
CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    Application.Channel.COUNTER: ("窗口受理", "counter"),
    Application.Channel.ONLINE: ("网上预申请", "online"),
}
PROXY_RELATION_LABELS: dict[str, tuple[str, str]] = {str(k): v for k, v in _RELATIONS.items()}
REISSUE_REASON_LABELS: dict[str, tuple[str, str]] = {str(k): v for k, v in _REASONS.items()}


class Clock(enum.StrEnum):
    """Where a case stands against LH-3.2-issue-15d."""

    AWAITING = "awaiting"  # not accepted yet: the clock has not started
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    CLOSED = "closed"  # issued or refused


CLOCK_LABELS: dict[Clock, tuple[str, str]] = {
    Clock.AWAITING: ("待受理（未起算）", "awaiting acceptance (clock not started)"),
    Clock.ON_TIME: ("按期", "on time"),
    Clock.DUE_SOON: ("即将到期", "due soon"),
    Clock.OVERDUE: ("已超期", "overdue"),
    Clock.CLOSED: ("已办结", "closed"),
}
CLOCK_BADGE: dict[Clock, str] = {
    Clock.AWAITING: "info",
    Clock.ON_TIME: "ok",
    Clock.DUE_SOON: "soon",
    Clock.OVERDUE: "bad",
    Clock.CLOSED: "info",
}


@dataclass(frozen=True)
class ClockState:
    clock: Clock
    due: date | None  # the last day (rolled when the calendar is known, else the nominal day)
    rolled: bool  # False: next year's holidays are not yet known, ``due`` is the nominal day
    working_days_left: int | None  # working days after today up to and including ``due``
    rule: str = DUE_SOON_RULE

    @property
    def badge(self) -> str:
        return CLOCK_BADGE[self.clock]

    def label(self, lang: str) -> str:
        zh, en = CLOCK_LABELS[self.clock]
        return en if lang == "en" else zh


def _working_days_between(start: date, end: date, cal: WorkCalendar) -> int:
    """Working days in (start, end] (T-count: the day itself is not counted)."""
    n = 0
    d = start
    while d < end:
        d += timedelta(days=1)
        if cal.is_working_day(d):
            n += 1
    return n


def clock_state(app: Application, today: date, cal: WorkCalendar) -> ClockState:
    """The badge of one case: awaiting acceptance, on time, due soon (DUE_SOON_WORKING_DAYS) or overdue."""
    status = AppStatus(app.status)
    if status in (AppStatus.ISSUED, AppStatus.REFUSED, AppStatus.WITHDRAWN):
        return ClockState(Clock.CLOSED, app.due_on or app.due_nominal, app.due_on is not None, None)
    if status not in CLOCK_RUNNING or app.due_nominal is None:
        return ClockState(Clock.AWAITING, None, False, None)
    due = app.due_on or app.due_nominal
    rolled = app.due_on is not None
    if today > due:
        return ClockState(Clock.OVERDUE, due, rolled, 0)
    try:
        left: int | None = _working_days_between(today, due, cal)
    except CalendarUnknown:
        left = None
    soon = due <= due_soon_until(today, cal)
    return ClockState(Clock.DUE_SOON if soon else Clock.ON_TIME, due, rolled, left)


def due_soon_until(today: date, cal: WorkCalendar) -> date:
    """The last due date that is "due soon" today: DUE_SOON_WORKING_DAYS working days ahead (T-workdays).

    When those working days are not yet known, calendar days: the safe side (a case is warned earlier).
    A due date beyond the known calendar is always later than this day, so the fallback never
    applies to one case and not to another of the same day.
    """
    try:
        return add_working_days(today, DUE_SOON_WORKING_DAYS, cal)
    except CalendarUnknown:
        return today + timedelta(days=DUE_SOON_WORKING_DAYS)


@dataclass(frozen=True)
class QueueRow:
    app: Application
    clock: ClockState


@dataclass(frozen=True)
class Queue:
    rows: list[QueueRow]  # at most QUEUE_LIMIT, the nearest due dates first
    counts: dict[Clock, int]  # over every matching case, not only the rows shown
    total: int  # every matching case

    @property
    def cut(self) -> bool:
        """More cases match than the page lists."""
        return self.total > len(self.rows)


QUEUE_LIMIT = 300
COUNTED_CLOCKS = (Clock.OVERDUE, Clock.DUE_SOON, Clock.ON_TIME, Clock.AWAITING)


def _clock_counts(qs: QuerySet[Application], today: date, cal: WorkCalendar) -> tuple[dict[Clock, int], int]:
    """Cases per badge and in all, over the whole queryset in one aggregate (the same tests as
    ``clock_state``: running with a due date, then past it, within ``due_soon_until``, or later)."""
    closed = Q(status__in=[AppStatus.ISSUED, AppStatus.REFUSED, AppStatus.WITHDRAWN])
    running = Q(status__in=list(CLOCK_RUNNING), due_nominal__isnull=False)
    got = (
        qs.order_by()
        .annotate(due=Coalesce("due_on", "due_nominal"))
        .aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=running & Q(due__lt=today)),
            due_soon=Count("pk", filter=running & Q(due__gte=today, due__lte=due_soon_until(today, cal))),
            on_time=Count("pk", filter=running & Q(due__gt=due_soon_until(today, cal))),
            awaiting=Count("pk", filter=~closed & ~running),
        )
    )
    return {c: got[c.value] or 0 for c in COUNTED_CLOCKS}, got["total"] or 0


def queue(*, today: date, status: list[str] | None = None, police_station: str | None = None) -> Queue:
    """Open cases, the nearest due date first (the first QUEUE_LIMIT), each with its clock; the
    counts per badge and the total are of every matching case."""
    cal = work_calendar()
    qs = applications_queue(status=status, police_station=police_station)
    rows = [QueueRow(app, clock_state(app, today, cal)) for app in qs[:QUEUE_LIMIT]]
    counts, total = _clock_counts(qs, today, cal)
    return Queue(rows, counts, total)


# --------------------------------------------------------------------------- one case


@dataclass(frozen=True)
class RequirementLine:
    requirement: Requirement
    satisfied: bool
    uploads: list[ApplicationDocument]

    def text(self, lang: str) -> str:
        return self.requirement.text("en" if lang == "en" else "zh-hans")


def checklist_lines(app: Application, uploads: Iterable[ApplicationDocument]) -> list[RequirementLine]:
    """Each requirement (the notice's own items once a notice exists), met or not, beside its files."""
    have = {Doc(d) for d in app.documents if d in Doc._value2member_map_}
    files = list(uploads)
    return [
        RequirementLine(
            r,
            r.met_by(have),
            [u for u in files if u.doc in {d.value for d in r.any_of}],
        )
        for r in application_requirements(app)
    ]


def doc_choices(app: Application, lang: str) -> list[tuple[str, str, bool]]:
    """The documents a clerk may tick as received: those the requirements name, with whether held."""
    wanted: list[Doc] = []
    for r in application_requirements(app):
        for d in sorted(r.any_of, key=lambda d: d.value):
            if d not in wanted:
                wanted.append(d)
    return [(d.value, DOC_LABELS[d][1 if lang == "en" else 0], d.value in app.documents) for d in wanted]


@dataclass(frozen=True)
class Action:
    """One step the status allows now, with the capability it needs and the rule it applies."""

    action: AppAction
    rule: str
    needs: str  # "counter" or "decide" (juzhu.accounts.ROLE_CAPABILITIES)


_NEEDS: dict[AppAction, str] = {
    AppAction.NOTIFY: "counter",
    AppAction.SUPPLEMENT: "counter",
    AppAction.ACCEPT: "counter",
    AppAction.APPROVE: "decide",
    AppAction.REFUSE: "decide",
    AppAction.ISSUE: "counter",
    AppAction.WITHDRAW: "counter",
}
# A withdrawal is no button of the case page: it happens when the counter receives the person's new
# application (services.application_submit), which names the case that replaces it.
_NOT_ON_CASE_PAGE = frozenset({AppAction.WITHDRAW})


def actions_allowed(app: Application) -> dict[str, Action]:
    """What the lifecycle table lets this status do (the services check again on every POST)."""
    status = AppStatus(app.status)
    return {
        action.value: Action(action, rule, _NEEDS[action])
        for action, (allowed, _to, rule) in APPLICATION_TABLE.items()
        if status in allowed and action not in _NOT_ON_CASE_PAGE
    }


@dataclass(frozen=True)
class FeeState:
    due: bool  # this kind pays the card fee (LH-3.2-fees)
    amount: str
    rule: str
    receipt: FeeReceipt | None


def fee_state(app: Application) -> FeeState:
    fee = fee_for(CaseKind(app.kind))
    receipt = FeeReceipt.objects.filter(application=app).first()
    return FeeState(fee.amount > 0, str(fee.amount), fee.rule, receipt)


def notice_of(app: Application) -> Notice | None:
    return Notice.objects.filter(application=app).first()


def uploads_of(app: Application) -> list[ApplicationDocument]:
    return list(ApplicationDocument.objects.filter(application=app).order_by("id"))


def audit_events(app: Application) -> list[AuditEvent]:
    """This application's own events, and those of its notice, receipt and card."""
    subjects = [("application", str(app.pk))]
    notice = notice_of(app)
    if notice is not None:
        subjects.append(("notice", str(notice.pk)))
    receipt = FeeReceipt.objects.filter(application=app).first()
    if receipt is not None:
        subjects.append(("feereceipt", str(receipt.pk)))
    if app.permit_id is not None:
        subjects.append(("permit", str(app.permit_id)))
    events = AuditEvent.objects.none()
    for subject_type, subject_id in subjects:
        events = events | AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id)
    return list(events.order_by("id"))


def doc_label_of(code: str, lang: str) -> str:
    """The material's name in the language of the page; an unknown stored code shows as it is."""
    if code not in Doc._value2member_map_:
        return code
    zh, en = DOC_LABELS[Doc(code)]
    return en if lang == "en" else zh


def status_label(status: str, lang: str) -> str:
    zh, en = APP_STATUS_LABELS[AppStatus(status)]
    return en if lang == "en" else zh


def status_choices(lang: str) -> list[tuple[str, str]]:
    return [(s.value, status_label(s.value, lang)) for s in OPEN_STATUSES]
