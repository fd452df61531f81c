"""The supervisor dashboard (server side): the numbers of a small data set built through the real
services, both sides of each date boundary, the CSV files against the page, filters, refusals."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from juzhu.accounts.models import Role
from juzhu.employers import services as employer_services
from juzhu.employers.tests.factories import employer, migrant_number, migrants
from juzhu.policy.materials import CaseKind
from juzhu.policy.parameters import LINHE
from juzhu.registry import services
from juzhu.registry.models import Application, Permit
from juzhu.registry.tests.factories import (
    FIRST_DOCS,
    identity_number,
    new_card,
    registered,
    staff,
    station,
    today_is,
)
from juzhu.web.dashboard.stats import Filters

pytestmark = pytest.mark.django_db

D = date
TODAY = D(2026, 10, 20)
HALL = "150802001"
XINHUA = "150802002"
ENDORSE_DOCS = ["permit_card", "identity_card", "tenancy_contract"]


def issue(
    clerk: User,
    supervisor: User,
    *,
    seq: int,
    station_code: str,
    registered_on: date,
    accepted: date,
    issued: date,
) -> Permit:
    """Register, apply at ``station_code`` and accept on ``accepted``, approve and issue on ``issued``."""
    number = identity_number(D(1990, 5, 17), seq=seq)
    registered(
        clerk, number=number, registered_on=registered_on, station_code=station_code, name=f"测试{seq}"
    )
    with today_is(accepted):
        app = services.application_submit(
            actor=clerk,
            kind=CaseKind.FIRST_ISSUE,
            identity_number=number,
            police_station=station_code,
            documents=FIRST_DOCS,
        )
        services.application_accept(actor=clerk, application_id=app.pk)
    with today_is(issued):
        services.application_approve(actor=supervisor, application_id=app.pk)
        return services.application_issue(actor=clerk, application_id=app.pk)


@dataclass
class World:
    clerk: User
    supervisor: User
    a: Permit  # endorsed on its anniversary (last good day), replaced in October
    b: Permit  # endorsed the day after (first bad day): suspended, then restored late
    c: Permit  # never endorsed: suspended by the daily sweep (Xinhua station)
    d: Permit  # issued on its due date: on time
    e: Permit  # issued the working day after its due date: late (Xinhua station)


def build() -> World:
    """A small district: two stations, five cards, one employer with three reports, one over 100."""
    station(HALL)
    station(XINHUA, "新华派出所")
    clerk = staff("clerk", Role.CLERK)
    supervisor = staff("supervisor", Role.SUPERVISOR)
    # 2025: three cards issued on 09-15 (accepted 09-01, due 09-16): anniversary 2026-09-15 (a Tuesday).
    # (seq, station, registered, accepted, issued)
    cards = [
        (1, HALL, D(2025, 2, 3), D(2025, 9, 1), D(2025, 9, 15)),
        (2, HALL, D(2025, 2, 3), D(2025, 9, 1), D(2025, 9, 15)),
        (3, XINHUA, D(2025, 2, 3), D(2025, 9, 1), D(2025, 9, 15)),
        # 2026: accepted Tue 09-01, due Wed 09-16 (a working day): issued on it, and on the day after.
        (4, HALL, D(2026, 2, 2), D(2026, 9, 1), D(2026, 9, 16)),
        (5, XINHUA, D(2026, 2, 2), D(2026, 9, 1), D(2026, 9, 17)),
    ]
    a, b, c, d, e = (
        issue(clerk, supervisor, seq=n, station_code=st, registered_on=reg, accepted=acc, issued=iss)
        for n, st, reg, acc, iss in cards
    )
    with today_is(D(2026, 9, 15)):  # the anniversary, the window's last day
        services.permit_endorse(actor=clerk, number=a.number, documents=ENDORSE_DOCS)
    with today_is(D(2026, 9, 16)):  # the day after: late, suspended from this day
        services.permit_endorse(actor=clerk, number=b.number, documents=ENDORSE_DOCS)
    with today_is(D(2026, 9, 20)):
        services.permits_sweep(on=D(2026, 9, 20))  # c: suspended from 09-16
    new_card(clerk, Permit.objects.get(pk=a.pk), CaseKind.REPLACEMENT, D(2026, 10, 9))  # a → void, a' valid
    # Employer reports: hired Mon 09-28, due Sat 10-10 (a make-up working day).
    emp = employer(clerk, on=D(2026, 9, 1))
    with today_is(D(2026, 10, 10)):
        employer_services.employment_report_hire(
            actor=clerk,
            employer_id=emp.pk,
            identity_number=migrant_number(1),
            name="按期",
            hired_on=D(2026, 9, 28),
        )
    with today_is(D(2026, 10, 12)):
        employer_services.employment_report_hire(
            actor=clerk,
            employer_id=emp.pk,
            identity_number=migrant_number(2),
            name="逾期",
            hired_on=D(2026, 9, 28),
        )
        employer_services.employment_record_unreported(
            actor=clerk,
            employer_id=emp.pk,
            identity_number=migrant_number(3),
            name="未报",
            hired_on=D(2026, 9, 1),
        )
    big = employer(clerk, "N2150802123456789Y", name="临河区某村集体经济组织", on=D(2024, 12, 2))
    migrants(big, 101, D(2025, 1, 6), start=10)  # 101 on staff since 2025-01: over 100, no designated staff
    return World(clerk, supervisor, a, b, c, d, e)


@pytest.fixture
def world() -> World:
    return build()


@pytest.fixture
def boss(client: Client, world: World) -> Client:
    client.force_login(world.supervisor)
    return client


def get(client: Client, url: str, **extra) -> tuple[int, str]:
    with today_is(TODAY):
        r = client.get(url, **extra)
    return r.status_code, r.content.decode()


def rows(html: str, testid: str) -> list[list[str]]:
    """The body rows of the table with ``data-testid=testid`` (and its total row), as cell texts."""
    m = re.search(rf'<table class="responsive" data-testid="{testid}">(.*?)</table>', html, re.S)
    assert m, f"no table {testid}"
    body = m.group(1).split("</thead>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def csv_rows(client: Client, url: str, **extra) -> tuple[list[str], list[list[str]]]:
    with today_is(TODAY):
        r = client.get(url, **extra)
    assert r.status_code == 200
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    assert r.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel reads the Chinese"
    header, *body = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    return header, body


# --------------------------------------------------------------------------- access


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    r = client.get("/dashboard/")
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=/dashboard/")
    assert client.get("/dashboard/permits.csv").status_code == 302


@pytest.mark.parametrize("role", [Role.CLERK, Role.EMPLOYER, Role.DEPARTMENT])
def test_roles_without_decide_are_refused(client: Client, role: str) -> None:
    client.force_login(staff("someone", role))
    for url in ("/dashboard/", "/dashboard/issue-15d.csv"):
        status, html = get(client, url)
        assert status == 403
        assert "当前账号无权打开此页面" in html and "N-8-authority" in html


def test_a_supervisor_of_another_division_sees_nothing(client: Client, world: World) -> None:
    client.force_login(staff("wuyuan", Role.SUPERVISOR, division="150821"))
    status, html = get(client, "/dashboard/")
    assert status == 403 and "N-8-authority" in html and 'data-testid="figure-permits"' not in html
    assert get(client, "/dashboard/permits.csv")[0] == 403


def test_an_administrator_may_open_it(client: Client, world: World) -> None:
    client.force_login(staff("boss", Role.ADMINISTRATOR))
    assert get(client, "/dashboard/")[0] == 200


def test_unknown_figures_are_not_found(boss: Client) -> None:
    assert get(boss, "/dashboard/secrets.csv")[0] == 404


# --------------------------------------------------------------------------- numbers


def test_the_page_shows_every_figure_with_its_chart_rule_and_csv_link(boss: Client) -> None:
    status, html = get(boss, "/dashboard/")
    assert status == 200
    for slug in ("permits", "issue-15d", "endorsements", "employers"):
        assert f'data-testid="figure-{slug}"' in html
        assert f'data-testid="chart-{slug}"' in html
        assert f'href="/dashboard/{slug}.csv?from=2025-11&amp;to=2026-10"' in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 4
    assert html.count("<title id=") == 4 and html.count("<desc id=") == 4
    for rule in (
        "LH-3.2-issue-15d",
        "LH-3.2-endorse-window",
        "LH-3.2-endorse-late",
        "LH-3.2-endorse-overdue",
        "LH-3.2-replace",
        "LH-4-employer-report-5wd",
        "LH-4-employer-staff-100",
    ):
        assert f'<span class="rule" title="依据条款">{rule}</span>' in html, rule
    assert not re.search(r'(src|href)="(https?:)?//', html), "an asset from outside the server"


def test_issued_on_the_due_date_is_on_time_and_the_next_working_day_is_late(
    boss: Client, world: World
) -> None:
    d, e = (Application.objects.get(permit=p) for p in (world.d, world.e))
    assert (d.due_on, d.issued_on, e.due_on, e.issued_on) == (
        D(2026, 9, 16),
        D(2026, 9, 16),
        D(2026, 9, 16),
        D(2026, 9, 17),
    )
    _, html = get(boss, "/dashboard/")
    by_month = {r[0]: r[1:] for r in rows(html, "table-issue-15d")}
    assert by_month["2026-09"] == ["2", "1", "1", "50.0"]
    assert by_month["2026-10"] == ["1", "1", "0", "100.0"]  # the replacement, issued the day it was accepted
    assert by_month["2026-08"] == ["0", "0", "0", "—"]
    assert by_month["合计"] == ["3", "2", "1", "66.7"]
    assert rows(html, "table-issue-15d-stations") == [
        ["临河区公安局户籍服务大厅", "2", "2", "0", "100.0"],
        ["新华派出所", "1", "0", "1", "0.0"],
    ]
    assert '<span class="n" data-testid="tile-issue-share">66.7%</span>' in html


def test_endorsed_on_the_anniversary_is_on_time_and_the_day_after_is_late_and_suspended(boss: Client) -> None:
    _, html = get(boss, "/dashboard/")
    by_month = {r[0]: r[1:] for r in rows(html, "table-endorsements")}
    # on time, late, suspended: b's suspension from 09-16 (recorded by its late endorsement) and c's (the sweep)
    assert by_month["2026-09"] == ["1", "1", "2"]
    assert by_month["2026-10"] == ["0", "0", "0"]
    assert by_month["合计"] == ["1", "1", "2"]
    assert rows(html, "table-endorsements-stations") == [
        ["临河区公安局户籍服务大厅", "1", "1", "1"],
        ["新华派出所", "0", "0", "1"],
    ]


def test_permit_status_is_taken_from_history_on_the_last_day_of_the_range(boss: Client) -> None:
    _, html = get(boss, "/dashboard/")
    head = re.search(r'data-testid="table-permits">.*?<thead>(.*?)</thead>', html, re.S).group(1)
    assert "有效" in head and "中止（逾期未签注）" in head and "作废" in head  # PERMIT_STATUS_LABELS
    assert rows(html, "table-permits") == [
        ["150802001", "临河区公安局户籍服务大厅", "3", "0", "1", "4"],  # a void, a' b d valid
        ["150802002", "新华派出所", "1", "1", "0", "2"],  # c suspended, e valid
        ["合计", "", "4", "1", "1", "6"],
    ]
    # On 2026-09-30 the replacement had not happened yet: a is valid, a' does not exist.
    _, html = get(boss, "/dashboard/?to=2026-09")
    assert rows(html, "table-permits")[-1] == ["合计", "", "4", "1", "0", "5"]
    # On 2026-08-31 the three cards of 2025 were valid, and d and e not issued yet.
    _, html = get(boss, "/dashboard/?from=2026-08&to=2026-08")
    assert rows(html, "table-permits")[-1] == ["合计", "", "3", "0", "0", "3"]


def test_employer_reports_on_time_late_and_overdue_and_the_over_100_rule(boss: Client) -> None:
    _, html = get(boss, "/dashboard/")
    by_month = {r[0]: r[1:] for r in rows(html, "table-employers")}
    # Hired 09-28, due Sat 10-10: reported on 10-10 on time, on 10-12 late; hired 09-01, never reported.
    assert by_month["2026-09"] == ["1", "1", "1", "0", "0"]
    assert by_month["合计"] == ["1", "1", "1", "0", "0"]
    assert rows(html, "table-staff-gaps") == [["N2150802123456789Y", "临河区某村集体经济组织", "101"]]
    assert '<span class="n" data-testid="tile-staff-gaps">1</span>' in html


def test_the_over_100_rule_counts_101_not_100(client: Client) -> None:
    clerk = staff("clerk", Role.CLERK)
    client.force_login(staff("supervisor", Role.SUPERVISOR))
    big = employer(clerk, on=D(2025, 1, 2))
    migrants(big, 100, D(2025, 1, 6))
    assert rows(get(client, "/dashboard/")[1], "table-staff-gaps") == [["没有这样的单位。"]]
    migrants(big, 1, D(2025, 1, 6), start=100)
    assert rows(get(client, "/dashboard/")[1], "table-staff-gaps")[0][2] == "101"


# --------------------------------------------------------------------------- filters


def test_a_station_filter_narrows_every_station_figure(boss: Client) -> None:
    _, html = get(boss, f"/dashboard/?station={XINHUA}")
    assert '<p class="dash-scope" data-testid="scope"><strong>新华派出所</strong>' in html
    assert {r[0]: r[1:] for r in rows(html, "table-issue-15d")}["合计"] == ["1", "0", "1", "0.0"]
    assert {r[0]: r[1:] for r in rows(html, "table-endorsements")}["2026-09"] == ["0", "0", "1"]
    assert rows(html, "table-permits")[-1] == ["合计", "", "1", "1", "0", "2"]
    assert f'<option value="{XINHUA}" selected>' in html


def test_a_month_range_narrows_the_months(boss: Client) -> None:
    _, html = get(boss, "/dashboard/?from=2026-10&to=2026-10")
    assert [r[0] for r in rows(html, "table-issue-15d")] == ["2026-10", "合计"]
    assert {r[0]: r[1:] for r in rows(html, "table-endorsements")}["合计"] == ["0", "0", "0"]


def test_htmx_gets_only_the_panels(boss: Client) -> None:
    with today_is(TODAY):
        r = boss.get(f"/dashboard/?station={XINHUA}", HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and html.startswith('<div id="panels"') and "<html" not in html
    assert "HX-Request" in r["Vary"]


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [
        ("station=999999999", "station", "N-17-confidentiality"),
        ("from=2026-13", "from", "T-zone"),
        ("to=last-month", "to", "T-zone"),
        ("from=2026-10&to=2026-09", "from, to", "T-zone"),
        ("from=2023-01&to=2026-01", "from, to", "T-zone"),  # 37 months
        # Years outside 1900..2999 are refused before any month arithmetic (no year-10000 overflow).
        ("from=9999-01&to=9999-12", "from", "T-zone"),
        ("from=2026-01&to=9999-12", "to", "T-zone"),
        ("from=1900-01&to=9999-12", "to", "T-zone"),
        ("from=1899-12", "from", "T-zone"),
        ("from=3000-01&to=3000-01", "from", "T-zone"),
    ],
)
def test_bad_filters_are_refused_naming_the_field_and_rule(
    boss: Client, query: str, field: str, rule: str
) -> None:
    status, html = get(boss, f"/dashboard/?{query}")
    assert status == 422
    assert f'data-rule="{rule}"' in html and f"需更正: {field}" in html
    assert 'data-testid="figure-permits"' not in html
    assert 'aria-invalid="true"' in html
    status, html = get(boss, f"/dashboard/permits.csv?{query}")
    assert status == 422 and f'data-rule="{rule}"' in html


def test_36_months_is_the_longest_range(boss: Client) -> None:
    assert get(boss, "/dashboard/?from=2023-11&to=2026-10")[0] == 200


def test_the_bounds_of_the_years_are_accepted(boss: Client) -> None:
    assert get(boss, "/dashboard/?from=1900-01&to=1900-12")[0] == 200
    assert get(boss, "/dashboard/?from=2999-01&to=2999-12")[0] == 200
    assert get(boss, "/dashboard/employers.csv?from=2999-01&to=2999-12")[0] == 200


def test_a_very_long_range_is_refused_without_listing_its_months(
    boss: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_list(self: object) -> list[date]:
        raise AssertionError("the months of a refused range were listed")

    monkeypatch.setattr(Filters, "months", no_list)
    status, html = get(boss, "/dashboard/?from=1900-01&to=2999-12")
    assert status == 422 and "一次最多统计36个月" in html


# --------------------------------------------------------------------------- CSV


def test_each_csv_matches_the_page(boss: Client) -> None:
    _, html = get(boss, "/dashboard/")
    header, body = csv_rows(boss, "/dashboard/permits.csv")
    assert header == ["派出所代码", "派出所", "有效", "中止（逾期未签注）", "作废", "合计"]
    assert body == rows(html, "table-permits")[:-1]
    header, body = csv_rows(boss, "/dashboard/issue-15d.csv")
    assert header == ["月份", "派出所代码", "派出所", "发证数", "按期（≤ 到期日）", "逾期", "按期率 %"]
    assert body == [
        ["2026-09", HALL, "临河区公安局户籍服务大厅", "1", "1", "0", "100.0"],
        ["2026-09", XINHUA, "新华派出所", "1", "0", "1", "0.0"],
        ["2026-10", HALL, "临河区公安局户籍服务大厅", "1", "1", "0", "100.0"],
    ]
    # The month × station rows add up to the page's months.
    page_total = {r[0]: r[1:] for r in rows(html, "table-issue-15d")}["合计"]
    assert [str(sum(int(r[i]) for r in body)) for i in (3, 4, 5)] == page_total[:3]
    header, body = csv_rows(boss, "/dashboard/endorsements.csv")
    assert header[3:] == ["按期签注", "逾期签注", "中止"]
    assert body == [
        ["2026-09", HALL, "临河区公安局户籍服务大厅", "1", "1", "1"],
        ["2026-09", XINHUA, "新华派出所", "0", "0", "1"],
    ]
    header, body = csv_rows(boss, "/dashboard/employers.csv")
    assert body == rows(html, "table-employers")[:-1]
    header, body = csv_rows(boss, "/dashboard/staff-100.csv")
    assert body == [["N2150802123456789Y", "临河区某村集体经济组织", "101"]]


def test_csv_takes_the_filters_and_the_request_language(boss: Client) -> None:
    header, body = csv_rows(
        boss, f"/dashboard/issue-15d.csv?station={XINHUA}&from=2026-09&to=2026-09", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert header == [
        "Month",
        "Station code",
        "Station",
        "Issued",
        "On time (≤ due date)",
        "Late",
        "On time %",
    ]
    assert body == [["2026-09", XINHUA, "新华派出所", "1", "0", "1", "0.0"]]
    with today_is(TODAY):
        r = boss.get(f"/dashboard/permits.csv?station={XINHUA}&from=2026-09&to=2026-09")
    assert r["Content-Disposition"] == f'attachment; filename="juzhu-permits-{XINHUA}-202609-202609.csv"'


def test_each_figure_is_counted_by_the_database_in_a_fixed_number_of_queries(
    boss: Client, django_assert_max_num_queries
) -> None:
    # session, user, profile, stations, then one GROUP BY per figure (two for employer reports).
    with django_assert_max_num_queries(10):
        assert get(boss, "/dashboard/")[0] == 200
    with django_assert_max_num_queries(5):
        assert get(boss, "/dashboard/endorsements.csv")[0] == 200


def test_the_page_in_english(boss: Client) -> None:
    status, html = get(boss, "/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert status == 200
    assert "Issued within 15 days of acceptance" in html and "suspended (endorsement overdue)" in html
    assert '<title id="permits-t">Permits by status</title>' in html


def test_the_limits_in_the_text_follow_the_policy(boss: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = replace(LINHE, issue_limit_days=20, employer_staff_threshold=50)
    monkeypatch.setattr("juzhu.registry.selectors.LINHE", policy)
    _, html = get(boss, "/dashboard/")
    assert "受理后20日内发证" in html and "20日内发证的比例（按月）" in html and "15日" not in html
    assert "超过50人应确定专（兼）职人员" in html and "百人" not in html
    _, html = get(boss, "/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Issued within 20 days of acceptance" in html and "Share issued within 20 days" in html
    assert "Over 50 migrant staff" in html and "15 days" not in html
