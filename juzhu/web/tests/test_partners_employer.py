"""Employer pages (server side): the roster and its report standings, hire and departure reports with
the due day before and after, the .xlsx import (dry run, all or nothing), and who may open what."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from juzhu.accounts.models import Role
from juzhu.employers import services as employer_services
from juzhu.employers.models import Employer, EmployerMembership, EmploymentRecord
from juzhu.employers.tests.factories import (
    VILLAGE,
    WANG,
    WANG_MASKED,
    employer,
    employer_account,
    migrant_number,
    migrants,
    xlsx,
)
from juzhu.registry.tests.factories import staff, today_is

pytestmark = pytest.mark.django_db

D = date
HIRED = D(
    2026, 9, 28
)  # Monday; 5 working days later (National Day in between) is Sat 2026-10-10, a make-up day
DUE = D(2026, 10, 10)
FIRST_LATE = D(2026, 10, 11)
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def hetao(clerk: User) -> Employer:
    return employer(clerk)


@pytest.fixture
def hr(client: Client, hetao: Employer) -> User:
    user = employer_account("hetao-hr", hetao)
    client.force_login(user)
    return user


def html(response: Any) -> str:
    return response.content.decode()


def home(client: Client, on: date) -> str:
    with today_is(on):
        r = client.get("/employer/")
    assert r.status_code == 200, r.content
    return html(r)


def hire(client: Client, hetao: Employer, on: date, htmx: bool = True, **body: str) -> Any:
    data = {"name": "王小明", "identity_number": WANG, "hired_on": HIRED.isoformat(), **body}
    with today_is(on):
        return client.post(f"/employer/{hetao.pk}/hire/", data, **(HX if htmx else {}))


# --- access -----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    for url in ("/employer/", "/employer/1/", "/employer/1/import/", "/employer/roster-template.xlsx"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/?next="), url


@pytest.mark.parametrize("role", [Role.CLERK, Role.DEPARTMENT, Role.ADMINISTRATOR])
def test_other_roles_may_not_open_the_employer_pages(client: Client, hetao: Employer, role: str) -> None:
    client.force_login(staff("someone", role))
    for url in ("/employer/", f"/employer/{hetao.pk}/"):
        r = client.get(url)
        assert r.status_code == 403, url
        assert "当前账号无权打开此页面" in html(r)


def test_an_account_without_an_employer_is_told_why(client: Client) -> None:
    client.force_login(staff("hr-new", Role.EMPLOYER))
    r = client.get("/employer/")
    assert r.status_code == 403
    assert "尚未关联用人单位" in html(r) and "N-17-confidentiality" in html(r)


def test_another_employers_pages_are_refused_and_nothing_is_written(
    client: Client, clerk: User, hr: User
) -> None:
    other = employer(clerk, VILLAGE, name="丰收村股份经济合作社")
    for url in (f"/employer/{other.pk}/", f"/employer/{other.pk}/roster/", f"/employer/{other.pk}/import/"):
        r = client.get(url)
        assert r.status_code == 403, url
        assert "只能查看和报告本单位" in html(r) and "N-17-confidentiality" in html(r)
    r = hire(client, other, HIRED)
    assert r.status_code == 403
    assert not EmploymentRecord.objects.exists()


HUGE_ID = "9" * 25  # beyond any 64-bit key: SQLite's driver would overflow, PostgreSQL's bigint too


@pytest.mark.parametrize(
    "path",
    ["", "roster/", "staff-options/", "due/?hired_on=2026-09-28", "import/", "import/confirm/"],
)
def test_an_out_of_range_employer_id_is_a_404_not_a_500(client: Client, hr: User, path: str) -> None:
    assert client.get(f"/employer/{HUGE_ID}/{path}").status_code == 404


@pytest.mark.parametrize("path", ["hire/", "departure/", "import/confirm/"])
def test_a_post_to_an_out_of_range_employer_id_is_a_404(client: Client, hr: User, path: str) -> None:
    assert client.post(f"/employer/{HUGE_ID}/{path}", {"hired_on": "2026-09-28"}).status_code == 404
    assert not EmploymentRecord.objects.exists()


def test_the_largest_row_id_still_routes(client: Client, hr: User) -> None:
    # 18 digits fit a 64-bit key: the router passes it on, and the view refuses another employer's id.
    assert client.get(f"/employer/{'9' * 18}/").status_code == 403


def test_an_account_of_two_employers_chooses_then_sees_each(
    client: Client, clerk: User, hetao: Employer
) -> None:
    other = employer(clerk, VILLAGE, name="丰收村股份经济合作社")
    user = employer_account("both-hr", hetao)
    EmployerMembership.objects.create(user=user, employer=other)
    client.force_login(user)
    page = html(client.get("/employer/"))
    assert f"/employer/{hetao.pk}/" in page and f"/employer/{other.pk}/" in page
    assert "丰收村股份经济合作社" in html(client.get(f"/employer/{other.pk}/"))


# --- the roster and its standings -------------------------------------------------------------------


def test_the_roster_masks_identity_numbers_and_shows_the_due_day(
    client: Client, hetao: Employer, hr: User
) -> None:
    hire(client, hetao, D(2026, 9, 29))
    page = home(client, D(2026, 9, 29))
    assert "临河区河套农业发展有限公司" in page
    assert WANG_MASKED in page and WANG not in page
    assert "2026-10-10" in page and 'data-standing="on_time"' in page
    assert "LH-4-employer-report-5wd" in page


def test_an_unreported_hire_is_pending_on_its_due_day_and_missing_the_day_after(
    client: Client, clerk: User, hetao: Employer, hr: User
) -> None:
    with today_is(D(2026, 9, 30)):
        employer_services.employment_record_unreported(
            actor=clerk, employer_id=hetao.pk, identity_number=WANG, name="王小明", hired_on=HIRED
        )
    last_good = home(client, DUE)
    assert 'data-standing="pending"' in last_good and 'data-compliant="yes"' in last_good
    first_bad = home(client, FIRST_LATE)
    assert 'data-standing="missing"' in first_bad and 'data-compliant="no"' in first_bad
    assert "逾期未报告" in first_bad and 'data-testid="missing-count">1<' in first_bad


def test_a_report_on_the_due_day_is_on_time_and_the_day_after_is_late(
    client: Client, clerk: User, hetao: Employer, hr: User
) -> None:
    assert hire(client, hetao, DUE).status_code == 200
    assert 'data-standing="on_time"' in home(client, DUE)
    other = employer(clerk, VILLAGE, name="丰收村股份经济合作社")
    client.force_login(employer_account("village-hr", other))
    r = hire(client, other, FIRST_LATE)
    assert r.status_code == 200
    assert 'data-standing="late"' in html(r) and "逾期报告" in html(r)
    page = home(client, FIRST_LATE)
    assert 'data-testid="late-count">1<' in page and "LH-4-employer-report-5wd" in page


def test_designated_staff_are_required_from_101_migrant_staff(
    client: Client, hetao: Employer, hr: User
) -> None:
    migrants(hetao, 100, D(2026, 9, 1))
    page = home(client, D(2026, 10, 12))
    assert 'data-compliant="yes"' in page and 'data-testid="migrant-count">100<' in page
    migrants(hetao, 1, D(2026, 9, 1), start=100)
    page = home(client, D(2026, 10, 12))
    assert 'data-compliant="no"' in page and "LH-4-employer-staff-100" in page
    assert "应当确定流动人口服务管理专（兼）职人员" in page


def test_the_roster_reads_in_english(client: Client, hetao: Employer, hr: User) -> None:
    hire(client, hetao, D(2026, 9, 29))
    with today_is(D(2026, 9, 29)):
        page = html(client.get("/employer/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Current migrant staff" in page and "Reported on time" in page


# --- hire and departure -----------------------------------------------------------------------------


def test_the_due_day_is_previewed_before_the_report(client: Client, hetao: Employer, hr: User) -> None:
    url = f"/employer/{hetao.pk}/due/"
    with today_is(DUE):
        r = client.get(url, {"kind": "hire", "hired_on": HIRED.isoformat()}, **HX)
    assert r.status_code == 200
    assert 'data-testid="due-date">2026-10-10<' in html(r) and "LH-4-employer-report-5wd" in html(r)
    assert "今天报告为按时报告" in html(r)
    with today_is(FIRST_LATE):
        r = client.get(url, {"kind": "departure", "ended_on": HIRED.isoformat()}, **HX)
    assert "今天报告已逾期" in html(r)
    assert not EmploymentRecord.objects.exists()


def test_a_preview_of_a_malformed_date_names_the_field(client: Client, hetao: Employer, hr: User) -> None:
    r = client.get(f"/employer/{hetao.pk}/due/", {"kind": "hire", "hired_on": "28/09/2026"}, **HX)
    assert r.status_code == 422
    assert "签订劳动合同日期" in html(r) and "hired_on" in html(r)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "hire", "hired_on": "9999-12-31"}, "hired_on"),
        ({"kind": "departure", "ended_on": "9999-12-31"}, "ended_on"),
        ({"kind": "hire", "hired_on": "1899-12-31"}, "hired_on"),
        ({"kind": "hire", "hired_on": "3000-01-01"}, "hired_on"),
    ],
)
def test_a_preview_of_a_date_out_of_range_is_a_422_naming_the_field(
    client: Client, hetao: Employer, hr: User, query: dict[str, str], field: str
) -> None:
    r = client.get(f"/employer/{hetao.pk}/due/", query, **HX)
    assert r.status_code == 422
    assert "超出合理范围" in html(r) and field in html(r) and "LH-4-employer-report-5wd" in html(r)


def test_a_hire_dated_out_of_range_is_a_422_and_writes_nothing(
    client: Client, hetao: Employer, hr: User
) -> None:
    r = hire(client, hetao, HIRED, hired_on="9999-12-31")
    assert r.status_code == 422 and "hired_on" in html(r)
    assert not EmploymentRecord.objects.exists()


def test_the_bounds_of_the_input_dates_are_previewed(client: Client, hetao: Employer, hr: User) -> None:
    for day in ("1900-01-01", "2999-12-31"):
        r = client.get(f"/employer/{hetao.pk}/due/", {"kind": "hire", "hired_on": day}, **HX)
        assert r.status_code == 200, r.content


def test_a_hire_is_reported_and_the_roster_is_told_to_refresh(
    client: Client, hetao: Employer, hr: User
) -> None:
    r = hire(client, hetao, D(2026, 9, 30))
    assert r.status_code == 200 and r["HX-Trigger"] == "roster-changed"
    body = html(r)
    assert 'data-testid="hire-result"' in body and 'data-testid="result-due">2026-10-10<' in body
    assert WANG_MASKED in body and WANG not in body
    rec = EmploymentRecord.objects.get()
    assert (rec.hired_on, rec.hire_reported_on, rec.hire_on_time) == (HIRED, D(2026, 9, 30), True)


def test_a_hire_works_as_a_plain_form_post(client: Client, hetao: Employer, hr: User) -> None:
    r = hire(client, hetao, D(2026, 9, 30), htmx=False)
    assert r.status_code == 200
    body = html(r)
    assert "<html" in body and 'data-testid="hire-result"' in body and 'data-testid="roster-row"' in body


@pytest.mark.parametrize(
    ("body", "status", "rule", "field"),
    [
        ({"hired_on": "2026-10-01"}, 422, "LH-4-employer-report-5wd", "hired_on"),  # after today
        ({"hired_on": ""}, 422, "LH-4-employer-report-5wd", "hired_on"),
        ({"identity_number": "510121199005171239"}, 422, "LH-3.1-identity", "identity_number"),
        ({"name": " "}, 422, "LH-4-employer-record", "name"),
    ],
)
def test_a_refused_hire_names_the_field_and_rule_and_writes_nothing(
    client: Client, hetao: Employer, hr: User, body: dict[str, str], status: int, rule: str, field: str
) -> None:
    r = hire(client, hetao, D(2026, 9, 30), **body)
    assert r.status_code == status
    assert f'data-rule="{rule}"' in html(r) and field in html(r)
    assert not EmploymentRecord.objects.exists()


def test_a_second_report_of_the_same_hire_is_a_conflict(client: Client, hetao: Employer, hr: User) -> None:
    hire(client, hetao, D(2026, 9, 30))
    r = hire(client, hetao, D(2026, 9, 30))
    assert r.status_code == 409 and "LH-4-employer-record" in html(r)


def test_a_departure_is_reported_from_the_roster_list(client: Client, hetao: Employer, hr: User) -> None:
    hire(client, hetao, D(2026, 9, 30))
    rec = EmploymentRecord.objects.get()
    page = home(client, D(2026, 10, 12))
    assert f'<option value="{rec.pk}"' in page and WANG not in page
    with today_is(D(2026, 10, 12)):
        r = client.post(
            f"/employer/{hetao.pk}/departure/", {"employment": rec.pk, "ended_on": "2026-10-09"}, **HX
        )
    assert r.status_code == 200 and r["HX-Trigger"] == "roster-changed"
    assert 'data-testid="departure-result"' in html(r) and 'data-standing="on_time"' in html(r)
    rec.refresh_from_db()
    assert (rec.ended_on, rec.end_reported_on, rec.end_on_time) == (D(2026, 10, 9), D(2026, 10, 12), True)
    page = home(client, D(2026, 10, 12))
    assert 'data-testid="roster-empty"' in page and 'data-testid="departures"' in page


def test_a_departure_before_the_hire_or_of_nobody_is_refused(
    client: Client, hetao: Employer, hr: User
) -> None:
    hire(client, hetao, D(2026, 9, 30))
    rec = EmploymentRecord.objects.get()
    with today_is(D(2026, 10, 12)):
        r = client.post(
            f"/employer/{hetao.pk}/departure/", {"employment": rec.pk, "ended_on": "2026-09-01"}, **HX
        )
        assert r.status_code == 422 and "LH-4-employer-record" in html(r) and "ended_on" in html(r)
        r = client.post(
            f"/employer/{hetao.pk}/departure/", {"employment": "999", "ended_on": "2026-10-09"}, **HX
        )
        assert r.status_code == 422 and "employment" in html(r)
    rec.refresh_from_db()
    assert rec.ended_on is None


# --- the roster import ------------------------------------------------------------------------------


def upload(client: Client, url: str, data: bytes, htmx: bool = True, **fields: str) -> Any:
    f = SimpleUploadedFile("花名册.xlsx", data, content_type="application/octet-stream")
    with today_is(D(2026, 9, 30)):
        return client.post(url, {"file": f, **fields}, **(HX if htmx else {}))


GOOD = [["王小明", WANG, "2026-09-28"], ["李四", migrant_number(1), D(2026, 9, 29)]]
BAD = [*GOOD, ["张三", 510121199005171238, "2026-09-28"]]  # row 4: the number typed as a number


def test_the_template_formats_the_identity_column_as_text(client: Client, hetao: Employer, hr: User) -> None:
    r = client.get("/employer/roster-template.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert ws["B1"].value.startswith("公民身份号码") and ws["B2"].number_format == "@"


def test_the_import_page_links_the_template(client: Client, hetao: Employer, hr: User) -> None:
    page = html(client.get(f"/employer/{hetao.pk}/import/"))
    assert "/employer/roster-template.xlsx" in page and 'for="roster-file"' in page


def test_a_dry_run_lists_each_bad_row_and_writes_nothing(client: Client, hetao: Employer, hr: User) -> None:
    r = upload(client, f"/employer/{hetao.pk}/import/", xlsx(BAD))
    assert r.status_code == 200
    body = html(r)
    assert 'data-row="4" data-field="identity_number"' in body and "末尾几位可能已经丢失" in body
    assert "LH-4-employer-record" in body and 'data-testid="import-valid">2<' in body
    assert not EmploymentRecord.objects.exists()


def test_confirming_while_a_row_is_bad_writes_no_row(client: Client, hetao: Employer, hr: User) -> None:
    data = xlsx(BAD)
    r = upload(
        client, f"/employer/{hetao.pk}/import/confirm/", data, checked=hashlib.sha256(data).hexdigest()
    )
    assert r.status_code == 422
    assert "未导入任何一行" in html(r) and 'data-row="4"' in html(r)
    assert not EmploymentRecord.objects.exists()


def test_confirming_a_file_other_than_the_one_checked_is_refused(
    client: Client, hetao: Employer, hr: User
) -> None:
    r = upload(client, f"/employer/{hetao.pk}/import/confirm/", xlsx(GOOD), checked="0" * 64)
    assert r.status_code == 409 and "LH-4-employer-record" in html(r)
    assert not EmploymentRecord.objects.exists()


def test_a_checked_good_file_is_imported_whole(client: Client, hetao: Employer, hr: User) -> None:
    data = xlsx(GOOD)
    dry = upload(client, f"/employer/{hetao.pk}/import/", data)
    digest = hashlib.sha256(data).hexdigest()
    assert f'value="{digest}"' in html(dry) and not EmploymentRecord.objects.exists()
    r = upload(client, f"/employer/{hetao.pk}/import/confirm/", data, checked=digest)
    assert r.status_code == 200 and r["HX-Trigger"] == "roster-changed"
    assert 'data-testid="import-created">2<' in html(r)
    assert set(EmploymentRecord.objects.values_list("identity_number", "hire_reported_on")) == {
        (WANG, D(2026, 9, 30)),
        (migrant_number(1), D(2026, 9, 30)),
    }


def test_an_unreadable_file_or_none_is_a_422_naming_the_file(
    client: Client, hetao: Employer, hr: User
) -> None:
    r = upload(client, f"/employer/{hetao.pk}/import/", b"not a spreadsheet")
    assert r.status_code == 422 and "无法读取该文件" in html(r) and "file" in html(r)
    with today_is(D(2026, 9, 30)):
        r = client.post(f"/employer/{hetao.pk}/import/", {}, **HX)
    assert r.status_code == 422 and "请选择要导入的花名册文件" in html(r)


def test_the_import_works_as_a_plain_form_post(client: Client, hetao: Employer, hr: User) -> None:
    r = upload(client, f"/employer/{hetao.pk}/import/", xlsx(BAD), htmx=False)
    assert r.status_code == 200 and "<html" in html(r) and 'data-row="4"' in html(r)


# --- English text -----------------------------------------------------------------------------------

ZH_PUNCTUATION = re.compile("[（）：、。；]")
EN = {"HTTP_ACCEPT_LANGUAGE": "en", **HX}


def test_the_report_and_import_answers_in_english_use_english_punctuation(
    client: Client, hetao: Employer, hr: User
) -> None:
    with today_is(DUE):
        reported = html(
            client.post(
                f"/employer/{hetao.pk}/hire/",
                {"name": "王小明", "identity_number": WANG, "hired_on": HIRED.isoformat()},
                **EN,
            )
        )
    assert "Hire reported</strong>: 王小明" in reported and not ZH_PUNCTUATION.search(reported)
    with today_is(DUE):
        preview = html(client.get(f"/employer/{hetao.pk}/due/", {"hired_on": HIRED.isoformat()}, **EN))
    assert not ZH_PUNCTUATION.search(preview)
    data = xlsx(GOOD)
    f = SimpleUploadedFile("roster.xlsx", data, content_type="application/octet-stream")
    with today_is(D(2026, 9, 30)):
        dry = html(client.post(f"/employer/{hetao.pk}/import/", {"file": f}, **EN))
    assert "roster.xlsx: rows read:" in dry and not ZH_PUNCTUATION.search(dry)
    f = SimpleUploadedFile("roster.xlsx", data, content_type="application/octet-stream")
    digest = hashlib.sha256(data).hexdigest()
    with today_is(D(2026, 9, 30)):
        done = html(
            client.post(f"/employer/{hetao.pk}/import/confirm/", {"file": f, "checked": digest}, **EN)
        )
    assert "unchanged: 1." in done or "unchanged: 0." in done
    assert not ZH_PUNCTUATION.search(done)


def test_the_answers_in_chinese_keep_chinese_punctuation(client: Client, hetao: Employer, hr: User) -> None:
    reported = html(hire(client, hetao, DUE))
    assert "已报告招用</strong>：王小明" in reported
