"""Read-only aggregates behind the supervisor dashboard: one GROUP BY query per figure.

The database counts (``TruncMonth``, ``Count(filter=…)``); Python only arranges the few grouped
rows (months × stations) into the tables the page and the CSV files share, so the two can never
disagree.  Every figure is limited to the deployment's jurisdiction (``registry.selectors
.jurisdiction()``): its police stations, and its employers.

Where a record belongs: an application to the station that received it; a card, and every event
of its history, to the station of the application that issued that card (a card never moves; the
holder's later address changes do not rewrite where past decisions were made).  Employers are
registered by division, not by station, so the employer figure is district-wide.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth

from juzhu.employers.models import Employer, EmploymentRecord
from juzhu.employers.selectors import employed_on_q
from juzhu.employers.services import REPORT_RULE, STAFF_RULE
from juzhu.policy.calendar import add_months
from juzhu.policy.employers import needs_designated_staff
from juzhu.policy.lifecycle import (
    APPLICATION_TABLE,
    PERMIT_EVENT_LABELS,
    PERMIT_STATUS_LABELS,
    PERMIT_TABLE,
    AppAction,
    PermitEvent,
    PermitStatus,
)
from juzhu.registry.models import Application, Permit, PermitHistory, PoliceStation
from juzhu.registry.selectors import jurisdiction
from juzhu.web.i18n import tr

# The longest month range one page shows (36 bars per series are still readable).
MONTHS_MAX = 36
DEFAULT_MONTHS = 12

ISSUE_RULE = APPLICATION_TABLE[AppAction.ISSUE][2]  # LH-3.2-issue-15d
# The rule behind each status, as the lifecycle table names it for the event that leads there.
STATUS_RULE: dict[PermitStatus, str] = {
    PermitStatus.VALID: PERMIT_TABLE[PermitEvent.ENDORSED][2],
    PermitStatus.SUSPENDED: PERMIT_TABLE[PermitEvent.SUSPENDED][2],
    PermitStatus.VOID: PERMIT_TABLE[PermitEvent.VOIDED][2],
}
ENDORSEMENT_EVENTS = (PermitEvent.ENDORSED, PermitEvent.ENDORSED_LATE, PermitEvent.SUSPENDED)
EVENT_RULE: dict[PermitEvent, str] = {e: PERMIT_TABLE[e][2] for e in ENDORSEMENT_EVENTS}


def event_label(event: PermitEvent) -> str:
    zh, en = PERMIT_EVENT_LABELS[event]
    return tr(zh, en)


def status_label(status: PermitStatus) -> str:
    zh, en = PERMIT_STATUS_LABELS[status]
    return tr(zh, en)


# --------------------------------------------------------------------------- filters


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    return add_months(month_start(d), 1) - timedelta(days=1)


def month_key(d: date | datetime) -> date:
    """``TruncMonth`` of a date column: a date on both backends, a datetime on some drivers."""
    return month_start(d.date() if isinstance(d, datetime) else d)


@dataclass(frozen=True)
class Filters:
    """What the supervisor asked for: one station or all of the jurisdiction, a range of whole months."""

    stations: tuple[PoliceStation, ...]  # every station of the jurisdiction
    station: PoliceStation | None
    first: date  # first day of the first month
    last: date  # first day of the last month
    today: date

    @property
    def start(self) -> date:
        return self.first

    @property
    def end(self) -> date:
        return month_end(self.last)

    @property
    def as_of(self) -> date:
        """The day a snapshot (status of the cards) is taken: the range's last day, at most today."""
        return min(self.end, self.today)

    def months(self) -> list[date]:
        out, m = [], self.first
        while m <= self.last:
            out.append(m)
            m = add_months(m, 1)
        return out

    def station_ids(self) -> list[int]:
        return [self.station.pk] if self.station is not None else [s.pk for s in self.stations]

    def query(self) -> str:
        """The filters as a query string, for the CSV links and the address bar."""
        params = {"from": f"{self.first:%Y-%m}", "to": f"{self.last:%Y-%m}"}
        if self.station is not None:
            params["station"] = self.station.code
        return urlencode(params)


def jurisdiction_stations() -> tuple[PoliceStation, ...]:
    return tuple(PoliceStation.objects.filter(division_code=jurisdiction().division_code).order_by("code"))


def default_range(today: date) -> tuple[date, date]:
    last = month_start(today)
    return add_months(last, 1 - DEFAULT_MONTHS), last


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    """A table exactly as the page shows it and the CSV file carries it."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    numeric_from: int = 1  # columns from this index are numbers (right-aligned)
    total: tuple[object, ...] | None = None

    def cells(self) -> list[list[tuple[str, object, bool]]]:
        """Rows as (label, value, numeric) for ``td data-label`` on a phone."""
        return [self._cells(row) for row in self.rows]

    def total_cells(self) -> list[tuple[str, object, bool]]:
        return self._cells(self.total) if self.total is not None else []

    def _cells(self, row: tuple[object, ...]) -> list[tuple[str, object, bool]]:
        return [(self.columns[i], v, i >= self.numeric_from) for i, v in enumerate(row)]


def share(part: int, whole: int) -> float | None:
    """Percentage with one decimal; None when there is nothing to divide (shown as "—")."""
    return round(100 * part / whole, 1) if whole else None


def show(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _station_label(stations: dict[int, PoliceStation], pk: int | None) -> str:
    s = stations.get(pk) if pk is not None else None
    return s.name if s is not None else tr("（未知派出所）", "(unknown station)")


def _issuing_station(card: str) -> Subquery:
    """The station of the application that issued the card ``card`` points at (one per card)."""
    return Subquery(Application.objects.filter(permit_id=OuterRef(card)).values("police_station_id")[:1])


# --------------------------------------------------------------------------- 1. permits by status


@dataclass(frozen=True)
class PermitFigure:
    as_of: date
    totals: dict[PermitStatus, int]
    by_station: Table
    rules: dict[PermitStatus, str] = field(default_factory=lambda: dict(STATUS_RULE))


def permits_by_status(f: Filters) -> PermitFigure:
    """Cards by their status on ``f.as_of``, from each card's own history (as verification derives it)."""
    status_then = Subquery(
        PermitHistory.objects.filter(permit_id=OuterRef("pk"), effective_on__lte=f.as_of)
        .order_by("-effective_on", "-seq")
        .values("to_status")[:1]
    )
    rows = (
        Permit.objects.annotate(station_id=_issuing_station("pk"), status_then=status_then)
        .filter(station_id__in=f.station_ids(), status_then__isnull=False)
        .values("station_id", "status_then")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[PermitStatus, int]] = defaultdict(lambda: dict.fromkeys(PermitStatus, 0))
    for r in rows:
        counts[r["station_id"]][PermitStatus(r["status_then"])] += r["n"]
    stations = {s.pk: s for s in f.stations}
    totals = dict.fromkeys(PermitStatus, 0)
    table_rows = []
    for s in _ordered(stations, counts):
        c = counts[s]
        table_rows.append(
            (stations[s].code, _station_label(stations, s), *(c[st] for st in PermitStatus), sum(c.values()))
        )
        for st in PermitStatus:
            totals[st] += c[st]
    columns = (
        tr("派出所代码", "Station code"),
        tr("派出所", "Station"),
        *(status_label(st) for st in PermitStatus),
        tr("合计", "Total"),
    )
    total_row = (tr("合计", "Total"), "", *(totals[st] for st in PermitStatus), sum(totals.values()))
    return PermitFigure(
        as_of=f.as_of, totals=totals, by_station=Table(columns, tuple(table_rows), 2, total_row)
    )


def _ordered(stations: dict[int, PoliceStation], counts: Iterable[int]) -> list[int]:
    """Stations in code order, only those with something to count."""
    present = set(counts)
    return [pk for pk in stations if pk in present]


# --------------------------------------------------------------------------- 2. issued within 15 days


@dataclass(frozen=True)
class IssueFigure:
    months: list[date]
    on_time: list[int]
    late: list[int]
    by_month: Table
    by_station: Table
    csv: Table
    issued: int
    on_time_total: int
    rule: str = ISSUE_RULE

    @property
    def share(self) -> float | None:
        return share(self.on_time_total, self.issued)


def issued_within_limit(f: Filters) -> IssueFigure:
    """Applications issued in the range, and how many on or before their due date (LH-3.2-issue-15d).

    The due date is the rolled one (T-holiday) when the calendar of its year is known, else the
    nominal one; the service decides on time the same way when it issues (``application_issue``).
    """
    due = Coalesce(F("due_on"), F("due_nominal"))
    rows = (
        Application.objects.filter(
            issued_on__gte=f.start,
            issued_on__lte=f.end,
            police_station_id__in=f.station_ids(),
        )
        .annotate(month=TruncMonth("issued_on"))
        .values("month", "police_station_id")
        .annotate(issued=Count("id"), on_time=Count("id", filter=Q(issued_on__lte=due)))
        .order_by()
    )
    cells: dict[tuple[date, int], tuple[int, int]] = {
        (month_key(r["month"]), r["police_station_id"]): (r["issued"], r["on_time"]) for r in rows
    }
    months = f.months()
    stations = {s.pk: s for s in f.stations}
    per_month = {m: [0, 0] for m in months}
    per_station: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (m, s), (n, ok) in cells.items():
        per_month[m][0] += n
        per_month[m][1] += ok
        per_station[s][0] += n
        per_station[s][1] += ok
    head = (
        tr("发证数", "Issued"),
        tr("按期（≤ 到期日）", "On time (≤ due date)"),
        tr("逾期", "Late"),
        tr("按期率 %", "On time %"),
    )
    issued = sum(n for n, _ in per_month.values())
    ok_all = sum(ok for _, ok in per_month.values())
    by_month = Table(
        (tr("月份", "Month"), *head),
        tuple((f"{m:%Y-%m}", n, ok, n - ok, show(share(ok, n))) for m, (n, ok) in per_month.items()),
        total=(tr("合计", "Total"), issued, ok_all, issued - ok_all, show(share(ok_all, issued))),
    )
    by_station = Table(
        (tr("派出所", "Station"), *head),
        tuple(
            (_station_label(stations, s), n, ok, n - ok, show(share(ok, n)))
            for s in _ordered(stations, per_station)
            for n, ok in [per_station[s]]
        ),
    )
    csv = Table(
        (tr("月份", "Month"), tr("派出所代码", "Station code"), tr("派出所", "Station"), *head),
        tuple(
            (f"{m:%Y-%m}", stations[s].code, _station_label(stations, s), n, ok, n - ok, show(share(ok, n)))
            for m in months
            for s in stations
            if (m, s) in cells
            for n, ok in [cells[(m, s)]]
        ),
        numeric_from=3,
    )
    return IssueFigure(
        months=months,
        on_time=[per_month[m][1] for m in months],
        late=[per_month[m][0] - per_month[m][1] for m in months],
        by_month=by_month,
        by_station=by_station,
        csv=csv,
        issued=issued,
        on_time_total=ok_all,
    )


# --------------------------------------------------------------------------- 3. endorsements


@dataclass(frozen=True)
class EndorsementFigure:
    months: list[date]
    series: dict[PermitEvent, list[int]]
    by_month: Table
    by_station: Table
    csv: Table
    totals: dict[PermitEvent, int]
    rules: dict[PermitEvent, str] = field(default_factory=lambda: dict(EVENT_RULE))


def endorsements(f: Filters) -> EndorsementFigure:
    """Endorsements on time (LH-3.2-endorse-window), late (LH-3.2-endorse-late) and suspensions
    (LH-3.2-endorse-overdue) per month, from the cards' history: the event kind is the decision."""
    rows = (
        PermitHistory.objects.filter(
            event__in=[e.value for e in ENDORSEMENT_EVENTS],
            effective_on__gte=f.start,
            effective_on__lte=f.end,
        )
        .annotate(station_id=_issuing_station("permit_id"), month=TruncMonth("effective_on"))
        .filter(station_id__in=f.station_ids())
        .values("month", "station_id", "event")
        .annotate(n=Count("id"))
        .order_by()
    )
    cells: dict[tuple[date, int], dict[PermitEvent, int]] = defaultdict(
        lambda: dict.fromkeys(ENDORSEMENT_EVENTS, 0)
    )
    for r in rows:
        cells[(month_key(r["month"]), r["station_id"])][PermitEvent(r["event"])] += r["n"]
    months = f.months()
    stations = {s.pk: s for s in f.stations}
    per_month = {m: dict.fromkeys(ENDORSEMENT_EVENTS, 0) for m in months}
    per_station: dict[int, dict[PermitEvent, int]] = defaultdict(lambda: dict.fromkeys(ENDORSEMENT_EVENTS, 0))
    for (m, s), c in cells.items():
        for e, n in c.items():
            per_month[m][e] += n
            per_station[s][e] += n
    totals = {e: sum(per_month[m][e] for m in months) for e in ENDORSEMENT_EVENTS}
    head = tuple(event_label(e) for e in ENDORSEMENT_EVENTS)
    return EndorsementFigure(
        months=months,
        series={e: [per_month[m][e] for m in months] for e in ENDORSEMENT_EVENTS},
        by_month=Table(
            (tr("月份", "Month"), *head),
            tuple((f"{m:%Y-%m}", *(c[e] for e in ENDORSEMENT_EVENTS)) for m, c in per_month.items()),
            total=(tr("合计", "Total"), *(totals[e] for e in ENDORSEMENT_EVENTS)),
        ),
        by_station=Table(
            (tr("派出所", "Station"), *head),
            tuple(
                (_station_label(stations, s), *(per_station[s][e] for e in ENDORSEMENT_EVENTS))
                for s in _ordered(stations, per_station)
            ),
        ),
        csv=Table(
            (tr("月份", "Month"), tr("派出所代码", "Station code"), tr("派出所", "Station"), *head),
            tuple(
                (
                    f"{m:%Y-%m}",
                    stations[s].code,
                    _station_label(stations, s),
                    *(cells[(m, s)][e] for e in ENDORSEMENT_EVENTS),
                )
                for m in months
                for s in stations
                if (m, s) in cells
            ),
            numeric_from=3,
        ),
        totals=totals,
    )


# --------------------------------------------------------------------------- 4. employers


@dataclass(frozen=True)
class StaffGap:
    """An employer that needs designated staff (LH-4-employer-staff-100) and has none today."""

    name: str
    credit_code: str
    migrant_count: int


@dataclass(frozen=True)
class EmployerFigure:
    months: list[date]
    on_time: list[int]
    late: list[int]
    missing: list[int]
    by_month: Table
    totals: dict[str, int]
    staff_gaps: list[StaffGap]
    report_rule: str = REPORT_RULE
    staff_rule: str = STAFF_RULE


def employer_compliance(f: Filters) -> EmployerFigure:
    """Hire and departure reports by the month of the hire or departure: on time, late, and hires
    still unreported after their due day (LH-4-employer-report-5wd, as judged and stored when
    reported); and employers over the staff threshold without designated staff, today."""
    employers = Employer.objects.filter(division_code=jurisdiction().division_code)
    hires = (
        EmploymentRecord.objects.filter(employer__in=employers, hired_on__gte=f.start, hired_on__lte=f.end)
        .annotate(month=TruncMonth("hired_on"))
        .values("month")
        .annotate(
            on_time=Count("id", filter=Q(hire_on_time=True)),
            late=Count("id", filter=Q(hire_on_time=False)),
            # Unreported past the stored due day: what compliance lists as missing today.
            missing=Count("id", filter=Q(hire_reported_on__isnull=True, hire_due_on__lt=f.today)),
        )
        .order_by()
    )
    departures = (
        EmploymentRecord.objects.filter(employer__in=employers, ended_on__gte=f.start, ended_on__lte=f.end)
        .annotate(month=TruncMonth("ended_on"))
        .values("month")
        .annotate(
            on_time=Count("id", filter=Q(end_on_time=True)),
            late=Count("id", filter=Q(end_on_time=False)),
        )
        .order_by()
    )
    months = f.months()
    hire = {m: (0, 0, 0) for m in months}
    for r in hires:
        hire[month_key(r["month"])] = (r["on_time"], r["late"], r["missing"])
    dep = {m: (0, 0) for m in months}
    for r in departures:
        dep[month_key(r["month"])] = (r["on_time"], r["late"])
    rows = tuple((f"{m:%Y-%m}", *hire[m], *dep[m]) for m in months)
    totals = {
        "hire_on_time": sum(hire[m][0] for m in months),
        "hire_late": sum(hire[m][1] for m in months),
        "hire_missing": sum(hire[m][2] for m in months),
        "departure_on_time": sum(dep[m][0] for m in months),
        "departure_late": sum(dep[m][1] for m in months),
    }
    by_month = Table(
        (
            tr("月份", "Month"),
            tr("招用按期报告", "Hires reported on time"),
            tr("招用逾期报告", "Hires reported late"),
            tr("招用逾期未报告", "Hires overdue, unreported"),
            tr("解除按期报告", "Departures reported on time"),
            tr("解除逾期报告", "Departures reported late"),
        ),
        rows,
        total=(tr("合计", "Total"), *totals.values()),
    )
    return EmployerFigure(
        months=months,
        on_time=[hire[m][0] + dep[m][0] for m in months],
        late=[hire[m][1] + dep[m][1] for m in months],
        missing=[hire[m][2] for m in months],
        by_month=by_month,
        totals=totals,
        staff_gaps=staff_gaps(f.today),
    )


def staff_gaps(on: date) -> list[StaffGap]:
    """Migrant staff per employer on ``on`` in one GROUP BY; the threshold is the policy's own test."""
    counts = (
        EmploymentRecord.objects.filter(
            employed_on_q(on), employer__division_code=jurisdiction().division_code
        )
        .values("employer_id", "employer__name", "employer__credit_code", "employer__designated_staff_name")
        .annotate(n=Count("id"))
        .order_by("employer__credit_code")
    )
    return [
        StaffGap(r["employer__name"], r["employer__credit_code"], r["n"])
        for r in counts
        if needs_designated_staff(r["n"], jurisdiction()) and not r["employer__designated_staff_name"]
    ]


def staff_gap_table(gaps: list[StaffGap]) -> Table:
    return Table(
        (
            tr("统一社会信用代码", "Credit code"),
            tr("用人单位", "Employer"),
            tr("流动人口从业人员", "Migrant staff"),
        ),
        tuple((g.credit_code, g.name, g.migrant_count) for g in gaps),
        numeric_from=2,
    )
