"""The audit administrator's pages (审计管理员, capability "audit"): who read how much, each account's
reads, a person's reads, and the audit trail — in words, personal values masked.

GB/T 22239-2019 8.1.5.2: the audit administrator works only through these pages, analyses the
records and acts on them; 8.1.4.3: its own reads are audited like everyone's, so each page writes
its access-log row (``juzhu.sharing.access``).  It reads no person's record beyond what the log
shows: names and identity numbers masked, personal values in the trail masked
(``juzhu.policy.audit_events``).  Separation of duties (三员分立): the auditor opens none of the
counter's pages, and no other role opens these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from juzhu.accounts.models import StaffProfile
from juzhu.audit.models import AuditEvent
from juzhu.policy.audit_events import event_label, key_label, subject_label, values_masked
from juzhu.policy.calendar import INPUT_DATE_MAX, INPUT_DATE_MIN
from juzhu.policy.errors import InvalidInput, NotFound
from juzhu.policy.identity import identity_mask, name_mask
from juzhu.policy.reads import READ_ALERT_RECORDS_PER_DAY, READ_LOG_LAW, READ_REPORT_MAX_DAYS, readers_ranked
from juzhu.registry import clock
from juzhu.registry.models import Person
from juzhu.registry.selectors import person_get, person_get_by_identity
from juzhu.sharing.selectors import (
    access_log_for_person,
    account_reads,
    audit_trail,
    read_alert_threshold,
    reader_tallies,
)
from juzhu.web.context import ROLE_LABELS
from juzhu.web.i18n import label, lang, tr
from juzhu.web.pages import Problem, attempt, page, staff_page
from juzhu.web.readlog import access_lines, read_list, read_record

AUDIT = "audit"
ACCOUNT_READS_SHOWN = 500  # one page of an account's reads, newest first
TRAIL_SHOWN = 200
RULE = "N-17-confidentiality"


# --------------------------------------------------------------------------- the period


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    this_week: bool

    @property
    def query(self) -> str:
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"


def week_of(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week ``today`` is in."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def _day(raw: str, field: str, default: date) -> date:
    if not raw:
        return default
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or not INPUT_DATE_MIN <= value <= INPUT_DATE_MAX:
        raise InvalidInput(
            rule=RULE,
            code="period-date",
            zh="日期须为年-月-日，且在合理范围内。",
            en="A date must be YYYY-MM-DD and within range.",
            fields=(field,),
        )
    return value


def period_of(request: HttpRequest) -> Period:
    """The period asked (``from``, ``to``: local days, both included), this week by default."""
    monday, sunday = week_of(clock.today())
    first = _day(request.GET.get("from", "").strip(), "from", monday)
    last = _day(request.GET.get("to", "").strip(), "to", sunday if first == monday else first)
    if last < first:
        raise InvalidInput(
            rule=RULE,
            code="period-order",
            zh="结束日期不得早于开始日期。",
            en="The last day may not be before the first.",
            fields=("from", "to"),
        )
    if (last - first).days + 1 > READ_REPORT_MAX_DAYS:
        raise InvalidInput(
            rule=RULE,
            code="period-too-long",
            zh=f"统计期间最长{READ_REPORT_MAX_DAYS}日。",
            en=f"A period is at most {READ_REPORT_MAX_DAYS} days.",
            fields=("from", "to"),
        )
    return Period(first, last, (first, last) == (monday, sunday))


def _law() -> list[str]:
    return [label(pair) for pair in READ_LOG_LAW]


def _person_masked(person: Person) -> str:
    return f"{name_mask(person.name)} {identity_mask(person.identity_number)}"


def _role_now(user_ids: list[int]) -> dict[int, str]:
    return {
        p.user_id: label(ROLE_LABELS.get(p.role), p.role)
        for p in StaffProfile.objects.filter(user_id__in=user_ids)
    }


# --------------------------------------------------------------------------- the report


def _person_search(request: HttpRequest, target: str) -> tuple[HttpResponse | None, Problem | None]:
    """A person looked up by identity number (posted, never in an address): redirect to ``target``."""
    number = request.POST.get("identity_number", "").strip()
    found, problem = attempt(request, person_get_by_identity, number, rule=RULE)
    if found is None:
        return None, problem
    url = reverse(target, args=[found.pk]) if target == "web:audit-person" else reverse(target)
    return redirect(url + (f"?person={found.pk}" if target == "web:audit-trail" else "")), None


@staff_page(AUDIT)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The accounts that read the most distinct people's records in the period, flagged above the threshold."""
    problem = None
    if request.method == "POST":
        found, problem = _person_search(request, "web:audit-person")
        if found is not None:
            return found
    period, period_problem = attempt(request, period_of, request)
    threshold = read_alert_threshold()
    ctx: dict[str, Any] = {
        "threshold": threshold,
        "threshold_default": READ_ALERT_RECORDS_PER_DAY,
        "law": _law(),
        "posted": request.POST,
    }
    if period is None:
        monday, sunday = week_of(clock.today())
        ctx["period"] = Period(monday, sunday, True)
        return page(request, "web/audit/report.html", ctx, problem=period_problem)
    ranked = readers_ranked(reader_tallies(period.first, period.last), threshold)
    roles = _role_now([r.tally.account_id for r in ranked])
    read_list(request, "page.audit.report", len(ranked))
    ctx.update(
        period=period,
        ranked=[(r, roles.get(r.tally.account_id, "")) for r in ranked],
        flagged=sum(1 for r in ranked if r.flagged),
    )
    return page(request, "web/audit/report.html", ctx, problem=problem)


@staff_page(AUDIT)
@require_GET
def account(request: HttpRequest, pk: int) -> HttpResponse:
    """One account's reads in the period, newest first; people masked."""
    user = User.objects.filter(pk=pk).first()
    period, problem = attempt(request, period_of, request)
    if user is None or period is None:
        problem = problem or Problem.of(
            RULE, "account-not-found", "未找到该账号。", "Account not found.", ("pk",), 404
        )
        return page(request, "web/audit/account.html", {"law": _law()}, problem=problem)
    entries = list(account_reads(user.pk, period.first, period.last)[:ACCOUNT_READS_SHOWN])
    read_list(request, "page.audit.account", len(entries))
    ctx = {
        "account": user,
        "role": _role_now([user.pk]).get(user.pk, ""),
        "period": period,
        "lines": access_lines(entries),
        "cut": len(entries) == ACCOUNT_READS_SHOWN,
        "shown": ACCOUNT_READS_SHOWN,
        "law": _law(),
    }
    return page(request, "web/audit/account.html", ctx)


@dataclass(frozen=True)
class TrailLine:
    event: AuditEvent
    what: str
    subject: str
    person: str
    old: str
    new: str


def _values(values: Any) -> str:
    if not isinstance(values, dict):
        return ""
    shown = values_masked(values)
    return tr("；", "; ").join(
        f"{key_label(k, lang())}{tr('：', ': ')}{v}"
        for k, v in sorted(shown.items())
        if v not in ("", None, [], {})
    )


def trail_lines(events: list[AuditEvent]) -> list[TrailLine]:
    people = {p.pk: p for p in Person.objects.filter(pk__in={e.person_id for e in events if e.person_id})}
    return [
        TrailLine(
            event=e,
            what=event_label(e.code, lang()),
            subject=subject_label(e.subject_type, lang()),
            person=_person_masked(people[e.person_id]) if e.person_id in people else "",
            old=_values(e.old),
            new=_values(e.new),
        )
        for e in events
    ]


@staff_page(AUDIT)
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """Every read of one person's data and every audit event about him or her; the person masked."""
    found, problem = attempt(request, person_get, pk)
    if found is None:
        return page(request, "web/audit/person.html", {"law": _law()}, problem=problem)
    read_record(request, "page.audit.person", found.pk, found)  # listed below, like every read
    ctx = {
        "person": found,
        "masked": _person_masked(found),
        "lines": access_lines(access_log_for_person(found)[:ACCOUNT_READS_SHOWN], person_id=found.pk),
        "trail": trail_lines(list(audit_trail(person=found)[:TRAIL_SHOWN])),
        "law": _law(),
    }
    return page(request, "web/audit/person.html", ctx)


@staff_page(AUDIT)
@require_http_methods(["GET", "POST"])
def trail(request: HttpRequest) -> HttpResponse:
    """The audit trail in words, searchable by the acting account and by the person it concerned."""
    problem = None
    if request.method == "POST":
        found, problem = _person_search(request, "web:audit-trail")
        if found is not None:
            return found
    account_name = request.GET.get("account", "").strip()[:150]
    who: Person | None = None
    raw = request.GET.get("person", "")
    if raw:
        who, problem = attempt(request, _person_by_pk, raw)
        if who is None:
            return page(
                request, "web/audit/trail.html", {"law": _law(), "account": account_name}, problem=problem
            )
    events = list(audit_trail(account=account_name, person=who)[:TRAIL_SHOWN])
    if who is not None:
        read_record(request, "page.audit.person", who.pk, who)
    else:
        read_list(request, "page.audit.trail", len(events))
    ctx = {
        "trail": trail_lines(events),
        "account": account_name,
        "who": _person_masked(who) if who is not None else "",
        "cut": len(events) == TRAIL_SHOWN,
        "shown": TRAIL_SHOWN,
        "law": _law(),
        "posted": request.POST,
    }
    return page(request, "web/audit/trail.html", ctx, problem=problem)


def _person_by_pk(raw: str) -> Person:
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound(
            rule=RULE,
            code="person-not-found",
            zh="未找到该人员。",
            en="Person not found.",
            fields=("person",),
        )
    return person_get(int(raw))
