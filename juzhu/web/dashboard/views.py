"""The supervisor dashboard: the jurisdiction's figures by station and month, charts and CSV files.

Supervisors and administrators only (capability "decide"); the figures come from
``juzhu.web.dashboard.stats`` (database aggregates), the charts from ``charts`` (SVG drawn
here).  The filter form is a plain GET form; htmx swaps only the panels, and the address bar
keeps the filters so a CSV link, a reload or a bookmark shows the same numbers.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from juzhu.accounts.selectors import staff_require
from juzhu.policy.calendar import INPUT_DATE_MAX, INPUT_DATE_MIN
from juzhu.policy.lifecycle import PermitEvent, PermitStatus
from juzhu.registry import clock
from juzhu.registry.selectors import jurisdiction
from juzhu.web.dashboard import charts, stats
from juzhu.web.dashboard.stats import Filters, Table
from juzhu.web.i18n import tr
from juzhu.web.pages import Problem, attempt, page, staff_page

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# The years a month may be asked in: the bound of every date input, so that a month's end and a
# range's months stay within ``date``.
YEAR_MIN, YEAR_MAX = INPUT_DATE_MIN.year, INPUT_DATE_MAX.year
DATE_RULE = "T-zone"  # all dates are local dates (Asia/Shanghai); a month is asked as YYYY-MM
SCOPE_RULE = "N-17-confidentiality"  # staff read only their jurisdiction's records

STATUS_COLOUR = {
    PermitStatus.VALID: charts.GREEN,
    PermitStatus.SUSPENDED: charts.AMBER,
    PermitStatus.VOID: charts.BLUE,
}
EVENT_COLOUR = {
    PermitEvent.ENDORSED: charts.GREEN,
    PermitEvent.ENDORSED_LATE: charts.RED,
    PermitEvent.SUSPENDED: charts.AMBER,
}


def _month(raw: str, field: str) -> tuple[date | None, Problem | None]:
    m = MONTH.match(raw.strip())
    if m is None or not 1 <= int(m.group(2)) <= 12 or not YEAR_MIN <= int(m.group(1)) <= YEAR_MAX:
        return None, Problem.of(
            DATE_RULE,
            "month-invalid",
            f"月份“{raw}”无效，请按“年-月”填写，例如 2026-09。",
            f"The month '{raw}' is not valid: write it as year-month, e.g. 2026-09.",
            fields=(field,),
        )
    return date(int(m.group(1)), int(m.group(2)), 1), None


def _filters(request: HttpRequest) -> tuple[Filters, Problem | None]:
    """The filters of the request, or the default ones and the problem with what was asked."""
    today = clock.today()
    stations = stats.jurisdiction_stations()
    first, last = stats.default_range(today)
    default = Filters(stations, None, first, last, today)
    code = request.GET.get("station", "").strip()
    station = next((s for s in stations if s.code == code), None)
    if code and station is None:
        return default, Problem.of(
            SCOPE_RULE,
            "station-not-in-jurisdiction",
            f"本辖区没有代码为“{code}”的派出所。",
            f"No police station with code '{code}' in this jurisdiction.",
            fields=("station",),
        )
    if request.GET.get("from", "").strip():
        first_or_none, problem = _month(request.GET["from"], "from")
        if problem is not None or first_or_none is None:
            return default, problem
        first = first_or_none
    if request.GET.get("to", "").strip():
        last_or_none, problem = _month(request.GET["to"], "to")
        if problem is not None or last_or_none is None:
            return default, problem
        last = last_or_none
    if first > last:
        return default, Problem.of(
            DATE_RULE,
            "month-range-reversed",
            "起始月份晚于截止月份。",
            "The first month is after the last month.",
            fields=("from", "to"),
        )
    # Counted arithmetically: the month list is built only once the range is known to be short.
    if (last.year - first.year) * 12 + (last.month - first.month) + 1 > stats.MONTHS_MAX:
        return default, Problem.of(
            DATE_RULE,
            "month-range-too-long",
            f"一次最多统计{stats.MONTHS_MAX}个月。",
            f"At most {stats.MONTHS_MAX} months at a time.",
            fields=("from", "to"),
        )
    return Filters(stations, station, first, last, today), None


def _labels(months: list[date]) -> list[str]:
    return [f"{m:%Y-%m}" for m in months]


def _figures(f: Filters) -> dict[str, Any]:
    """Every figure and its chart, for the page."""
    permits = stats.permits_by_status(f)
    issue = stats.issued_within_limit(f)
    endorse = stats.endorsements(f)
    employers = stats.employer_compliance(f)
    months = _labels(f.months())
    days = jurisdiction().issue_limit_days
    scope = f.station.name if f.station is not None else tr("全区", "the whole district")
    span = f"{months[0]} – {months[-1]}"
    statuses = list(PermitStatus)
    permits_chart = charts.bar_chart(
        chart_id="permits",
        title=tr("居住证按状态", "Permits by status"),
        desc=tr(
            f"{scope}，截至{permits.as_of}："
            + "，".join(f"{stats.status_label(s)} {permits.totals[s]} 张" for s in statuses),
            f"{scope}, on {permits.as_of}: "
            + ", ".join(f"{stats.status_label(s)} {permits.totals[s]}" for s in statuses),
        ),
        categories=[stats.status_label(s) for s in statuses],
        series=[
            charts.Series(
                stats.status_label(s),
                tuple(float(permits.totals[s]) if s is t else None for t in statuses),
                STATUS_COLOUR[s],
            )
            for s in statuses
        ],
    )
    shares = [stats.share(ok, ok + late) for ok, late in zip(issue.on_time, issue.late, strict=True)]
    issue_chart = charts.line_chart(
        chart_id="issue-15d",
        title=tr(f"{days}日内发证的比例（按月）", f"Share issued within {days} days, by month"),
        desc=tr(
            f"{scope}，{span}："
            + "；".join(f"{m} {stats.show(v)}%" for m, v in zip(months, shares, strict=True)),
            f"{scope}, {span}: "
            + "; ".join(f"{m} {stats.show(v)}%" for m, v in zip(months, shares, strict=True)),
        ),
        categories=months,
        series=[charts.Series(tr("按期发证率", "Issued on time"), tuple(shares), charts.BLUE)],
    )
    endorse_chart = charts.bar_chart(
        chart_id="endorsements",
        title=tr("签注与中止（按月）", "Endorsements and suspensions, by month"),
        desc=tr(
            f"{scope}，{span}，合计："
            + "，".join(f"{stats.event_label(e)} {n}" for e, n in endorse.totals.items()),
            f"{scope}, {span}, in all: "
            + ", ".join(f"{stats.event_label(e)} {n}" for e, n in endorse.totals.items()),
        ),
        categories=months,
        series=[
            charts.Series(stats.event_label(e), tuple(float(v) for v in endorse.series[e]), EVENT_COLOUR[e])
            for e in stats.ENDORSEMENT_EVENTS
        ],
    )
    on_time_all = sum(employers.on_time)
    late_all = sum(employers.late)
    missing_all = sum(employers.missing)
    employers_chart = charts.bar_chart(
        chart_id="employers",
        title=tr("用人单位报告（按月）", "Employer reports, by month"),
        desc=tr(
            f"全区，{span}，合计：按期报告 {on_time_all}，逾期报告 {late_all}，逾期未报告 {missing_all}",
            f"Whole district, {span}, in all: on time {on_time_all}, late {late_all}, "
            f"overdue and unreported {missing_all}",
        ),
        categories=months,
        series=[
            charts.Series(
                tr("按期报告", "On time"), tuple(float(v) for v in employers.on_time), charts.GREEN
            ),
            charts.Series(tr("逾期报告", "Late"), tuple(float(v) for v in employers.late), charts.RED),
            charts.Series(
                tr("逾期未报告", "Overdue, unreported"),
                tuple(float(v) for v in employers.missing),
                charts.AMBER,
            ),
        ],
    )
    return {
        "permits": permits,
        "permits_chart": permits_chart,
        "permit_rules": [(stats.status_label(s), permits.rules[s]) for s in statuses],
        "issue": issue,
        "issue_chart": issue_chart,
        "endorse": endorse,
        "endorse_chart": endorse_chart,
        "endorse_rules": [(stats.event_label(e), endorse.rules[e]) for e in stats.ENDORSEMENT_EVENTS],
        "employers": employers,
        "employers_chart": employers_chart,
        "staff_gaps": stats.staff_gap_table(employers.staff_gaps),
        "scope": scope,
    }


def _form(request: HttpRequest, f: Filters, problem: Problem | None) -> dict[str, str]:
    """The values the form shows: what was typed when it was refused, so it can be corrected."""
    if problem is None:
        return {
            "station": f.station.code if f.station else "",
            "from": f"{f.first:%Y-%m}",
            "to": f"{f.last:%Y-%m}",
        }
    return {k: request.GET.get(k, "") for k in ("station", "from", "to")}


def _scope_check(request: HttpRequest) -> Problem | None:
    """The jurisdiction again: an account of another division sees none of this one's figures."""
    _, problem = attempt(request, staff_require, request.user, "decide", jurisdiction().division_code)
    return problem


@staff_page("decide", personal=False)  # counts only: no person is read
def dashboard(request: HttpRequest) -> HttpResponse:
    """The figures; an htmx request (the filter form) gets only the panels."""
    problem = _scope_check(request)
    if problem is not None:
        return page(request, "web/forbidden.html", problem=problem)
    f, problem = _filters(request)
    ctx: dict[str, Any] = {
        "filters": f,
        "form": _form(request, f, problem),
        "policy": jurisdiction(),
    }
    if problem is None:
        ctx.update(_figures(f))
    template = "web/dashboard/_panels.html" if getattr(request, "htmx", False) else "web/dashboard/index.html"
    response = page(request, template, ctx, problem=problem)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _csv_table(figure: str, f: Filters) -> Table:
    if figure == "permits":
        return stats.permits_by_status(f).by_station
    if figure == "issue-15d":
        return stats.issued_within_limit(f).csv
    if figure == "endorsements":
        return stats.endorsements(f).csv
    if figure == "employers":
        return stats.employer_compliance(f).by_month
    return stats.staff_gap_table(stats.staff_gaps(f.today))


CSV_FIGURES = ("permits", "issue-15d", "endorsements", "employers", "staff-100")


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on a service-hall PC opens the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@staff_page("decide", personal=False)  # counts only: no person is read
def figure_csv(request: HttpRequest, figure: str) -> HttpResponse:
    """The numbers behind one chart, with the same filters, headed in the request's language."""
    problem = _scope_check(request)
    if problem is not None:
        return page(request, "web/forbidden.html", problem=problem)
    f, problem = _filters(request)
    if problem is not None:
        ctx = {"filters": f, "form": _form(request, f, problem), "policy": jurisdiction()}
        return page(request, "web/dashboard/index.html", ctx, problem=problem)
    station = f"-{f.station.code}" if f.station is not None else ""
    name = f"juzhu-{figure}{station}-{f.first:%Y%m}-{f.last:%Y%m}.csv"
    response = HttpResponse(csv_bytes(_csv_table(figure, f)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
