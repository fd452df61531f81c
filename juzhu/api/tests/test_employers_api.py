"""Employers over HTTP: one test per operation and its error bodies; an employer account sees and
reports only its own staff (403 for any other employer)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from juzhu.api.tests.conftest import BASE, Api, token_for
from juzhu.api.tests.helpers import WANG, WANG_MASKED, problem
from juzhu.employers.models import Employer, EmploymentRecord
from juzhu.employers.tests.factories import (
    ENTERPRISE,
    ENTERPRISE_BAD_CHECK,
    OTHER,
    VILLAGE,
    employer,
    employer_account,
    migrant_number,
    migrants,
    xlsx,
)
from juzhu.registry.tests.factories import today_is

D = date


def employer_body(code: str = ENTERPRISE, **overrides):
    body = {
        "credit_code": code,
        "name": "临河区河套农业发展有限公司",
        "address": "临河区胜利路8号",
        "division_code": "150802",
        "contact_name": "李经理",
        "contact_phone": "0478-8123456",
    }
    body.update(overrides)
    return body


@pytest.fixture
def hetao(clerk) -> Employer:
    return employer(clerk)


@pytest.fixture
def village(clerk) -> Employer:
    return employer(clerk, VILLAGE, name="临河区八一乡丰收村股份经济合作社")


@pytest.fixture
def as_hetao(client, hetao) -> Api:
    """An employer account of 河套 (role employer, member of that employer only)."""
    return Api(client, token_for(employer_account("hetao", hetao), "hetao hr"))


def upload(api: Api, employer_id: int, data: bytes, *, dry_run: bool, **extra):
    f = SimpleUploadedFile("roster.xlsx", data, content_type="application/octet-stream")
    query = "true" if dry_run else "false"
    return api.client.post(
        f"{BASE}/employers/{employer_id}/roster-import?dry_run={query}",
        {"file": f},
        HTTP_AUTHORIZATION=f"Bearer {api.key}",
        **extra,
    )


# --- POST /employers ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", [ENTERPRISE, VILLAGE, OTHER])
def test_register_an_employer(as_clerk, code):
    with today_is(D(2026, 9, 1)):
        r = as_clerk.post("/employers", employer_body(code))
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["credit_code"], body["migrant_count"], body["designated_staff_required"]) == (code, 0, False)
    assert Employer.objects.filter(pk=body["id"]).exists()


def test_register_refuses_a_wrong_check_character(as_clerk):
    r = as_clerk.post("/employers", employer_body(ENTERPRISE_BAD_CHECK), HTTP_ACCEPT_LANGUAGE="en")
    body = problem(r, 422, "credit-code-checksum", rule="LH-4-employer-record")
    assert body["fields"] == ["credit_code"]
    assert "check character" in body["detail"]
    assert not Employer.objects.exists()


def test_register_twice_is_a_conflict(as_clerk, hetao):
    problem(as_clerk.post("/employers", employer_body()), 409, "employer-exists", rule="LH-4-employer-record")


def test_an_employer_account_cannot_register_employers(as_hetao):
    problem(as_hetao.post("/employers", employer_body(OTHER)), 403, "forbidden")


def test_register_needs_authentication(anonymous):
    problem(anonymous.post("/employers", employer_body()), 401, "unauthenticated")


# --- GET /employers/{id} ------------------------------------------------------------------------


def test_an_employer_account_reads_its_own_employer_only(as_hetao, hetao, village):
    r = as_hetao.get(f"/employers/{hetao.pk}")
    assert r.status_code == 200
    assert r.json()["credit_code"] == ENTERPRISE
    body = problem(
        as_hetao.get(f"/employers/{village.pk}"), 403, "other-employer", rule="N-17-confidentiality"
    )
    assert "临河区八一乡" not in r.content.decode() + str(body)
    problem(as_hetao.get(f"/employers/{village.pk + 1000}"), 403, "other-employer")  # no existence leak


def test_staff_read_any_employer_and_get_404_for_none(as_clerk, as_system, hetao):
    assert as_clerk.get(f"/employers/{hetao.pk}").status_code == 200
    assert as_system.get(f"/employers/{hetao.pk}").status_code == 403  # a system token reads no records
    problem(as_clerk.get(f"/employers/{hetao.pk + 1000}"), 404, "employer-not-found")


# --- PUT /employers/{id}/designated-staff -------------------------------------------------------


def test_name_the_designated_staff(as_hetao, hetao, village):
    with today_is(D(2026, 10, 8)):
        r = as_hetao.client.put(
            f"{BASE}/employers/{hetao.pk}/designated-staff",
            {"name": "赵专员", "phone": "13800000000"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {as_hetao.key}",
        )
        assert r.status_code == 200, r.content
        assert (r.json()["designated_staff_name"], r.json()["designated_staff_phone"]) == (
            "赵专员",
            "13800000000",
        )
        other = as_hetao.client.put(
            f"{BASE}/employers/{village.pk}/designated-staff",
            {"name": "赵专员"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {as_hetao.key}",
        )
    problem(other, 403, "other-employer")
    village.refresh_from_db()
    assert village.designated_staff_name == ""


# --- POST /employers/{id}/hires and /departures ------------------------------------------------


@pytest.mark.parametrize(
    ("hired", "reported", "due", "on_time"),
    [
        ("2026-09-28", D(2026, 10, 10), "2026-10-10", True),  # due on the make-up Saturday
        ("2026-09-28", D(2026, 10, 12), "2026-10-10", False),
        ("2026-10-01", D(2026, 10, 13), "2026-10-13", True),
        ("2026-10-01", D(2026, 10, 14), "2026-10-13", False),
    ],
)
def test_report_a_hire(as_hetao, hetao, hired, reported, due, on_time):
    with today_is(reported):
        r = as_hetao.post(
            f"/employers/{hetao.pk}/hires", {"identity_number": WANG, "name": "王小明", "hired_on": hired}
        )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["hired_on"], body["hire_reported_on"], body["hire_due_on"], body["hire_on_time"]) == (
        hired,
        reported.isoformat(),
        due,
        on_time,
    )
    assert (body["identity_number_masked"], body["rule"]) == (WANG_MASKED, "LH-4-employer-report-5wd")
    assert WANG not in r.content.decode()


def test_an_employer_account_cannot_report_another_employers_staff(as_hetao, village):
    with today_is(D(2026, 10, 12)):
        r = as_hetao.post(
            f"/employers/{village.pk}/hires",
            {"identity_number": WANG, "name": "王小明", "hired_on": "2026-09-28"},
        )
        d = as_hetao.post(
            f"/employers/{village.pk}/departures", {"identity_number": WANG, "ended_on": "2026-10-09"}
        )
    problem(r, 403, "other-employer", rule="N-17-confidentiality")
    problem(d, 403, "other-employer")
    assert not EmploymentRecord.objects.exists()


def test_a_hire_report_with_errors(as_clerk, as_hetao, hetao):
    with today_is(D(2026, 10, 12)):
        bad = as_hetao.post(
            f"/employers/{hetao.pk}/hires",
            {"identity_number": "510121199005171230", "name": "王", "hired_on": "2026-09-28"},
        )
        future = as_hetao.post(
            f"/employers/{hetao.pk}/hires",
            {"identity_number": WANG, "name": "王小明", "hired_on": "2026-10-13"},
        )
        backdated = as_hetao.post(
            f"/employers/{hetao.pk}/hires",
            {
                "identity_number": WANG,
                "name": "王小明",
                "hired_on": "2026-09-28",
                "reported_on": "2026-10-09",
            },
        )
        unreported = as_hetao.post(
            f"/employers/{hetao.pk}/hires",
            {"identity_number": WANG, "name": "王小明", "hired_on": "2026-09-28", "unreported": True},
        )
        ok = as_hetao.post(
            f"/employers/{hetao.pk}/hires",
            {"identity_number": WANG, "name": "王小明", "hired_on": "2026-09-28"},
        )
        again = as_hetao.post(
            f"/employers/{hetao.pk}/hires",
            {"identity_number": WANG, "name": "王小明", "hired_on": "2026-09-28"},
        )
        missing_date = as_hetao.post(
            f"/employers/{hetao.pk}/hires", {"identity_number": WANG, "name": "王小明"}
        )
    problem(bad, 422, "identity-checksum", rule="LH-3.1-identity")
    problem(future, 422, "hired-in-future", rule="LH-4-employer-report-5wd")
    problem(backdated, 422, "report-date-is-today")
    problem(unreported, 403, "forbidden")
    assert ok.status_code == 201
    problem(again, 409, "employment-open", rule="LH-4-employer-record")
    assert problem(missing_date, 422, "invalid-request")["fields"] == ["hired_on"]


def test_the_counter_records_a_paper_report_and_an_unreported_hire(as_clerk, hetao):
    with today_is(D(2026, 10, 14)):
        paper = as_clerk.post(
            f"/employers/{hetao.pk}/hires",
            {
                "identity_number": WANG,
                "name": "王小明",
                "hired_on": "2026-09-28",
                "reported_on": "2026-10-09",
            },
        )
        found = as_clerk.post(
            f"/employers/{hetao.pk}/hires",
            {
                "identity_number": migrant_number(1),
                "name": "张三",
                "hired_on": "2026-10-01",
                "unreported": True,
            },
        )
    assert (paper.status_code, paper.json()["hire_on_time"]) == (201, True)
    assert found.status_code == 201
    assert (found.json()["hire_reported_on"], found.json()["hire_due_on"]) == (None, "2026-10-13")


def test_report_a_departure(as_hetao, hetao):
    with today_is(D(2026, 9, 28)):
        as_hetao.post(
            f"/employers/{hetao.pk}/hires",
            {"identity_number": WANG, "name": "王小明", "hired_on": "2026-09-28"},
        )
    with today_is(D(2026, 10, 12)):
        r = as_hetao.post(
            f"/employers/{hetao.pk}/departures", {"identity_number": WANG, "ended_on": "2026-09-30"}
        )
        none = as_hetao.post(
            f"/employers/{hetao.pk}/departures",
            {"identity_number": migrant_number(1), "ended_on": "2026-09-30"},
        )
    assert r.status_code == 200, r.content
    # Wed 09-30: 8 ①, 9 ②, 10 ③, 12 ④, 13 ⑤
    assert (r.json()["ended_on"], r.json()["end_due_on"], r.json()["end_on_time"]) == (
        "2026-09-30",
        "2026-10-13",
        True,
    )
    problem(none, 404, "employment-not-found")


def test_a_hire_report_is_idempotent_with_a_key(as_hetao, hetao):
    body = {"identity_number": WANG, "name": "王小明", "hired_on": "2026-09-28"}
    with today_is(D(2026, 10, 12)):
        first = as_hetao.post(f"/employers/{hetao.pk}/hires", body, HTTP_IDEMPOTENCY_KEY="hire-1")
        retry = as_hetao.post(f"/employers/{hetao.pk}/hires", body, HTTP_IDEMPOTENCY_KEY="hire-1")
    assert (first.status_code, retry.status_code) == (201, 201)
    assert first.json() == retry.json()
    assert EmploymentRecord.objects.count() == 1


# --- GET /employers/{id}/roster -----------------------------------------------------------------


def test_the_roster_masks_identity_numbers(as_hetao, hetao, village):
    with today_is(D(2026, 10, 12)):
        as_hetao.post(
            f"/employers/{hetao.pk}/hires",
            {"identity_number": WANG, "name": "王小明", "hired_on": "2026-10-09"},
        )
    r = as_hetao.get(f"/employers/{hetao.pk}/roster")
    assert r.status_code == 200
    assert [(e["name"], e["identity_number_masked"]) for e in r.json()] == [("王小明", WANG_MASKED)]
    assert WANG not in r.content.decode()
    assert as_hetao.get(f"/employers/{hetao.pk}/roster", {"on": "2026-10-08"}).json() == []
    problem(as_hetao.get(f"/employers/{village.pk}/roster"), 403, "other-employer")


# --- GET /employers/{id}/compliance -------------------------------------------------------------


@pytest.mark.parametrize(("count", "compliant"), [(100, True), (101, False)])
def test_compliance_cites_the_101_rule(as_hetao, hetao, count, compliant):
    migrants(hetao, count, D(2026, 3, 2))
    r = as_hetao.get(f"/employers/{hetao.pk}/compliance", {"on": "2026-11-02"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["migrant_count"], body["designated_staff_required"], body["compliant"]) == (
        count,
        not compliant,
        compliant,
    )
    assert [x["rule"] for x in body["reasons"]] == ([] if compliant else ["LH-4-employer-staff-100"])


def test_compliance_lists_late_and_missing_reports(as_clerk, as_hetao, hetao, village):
    with today_is(D(2026, 10, 12)):
        as_hetao.post(
            f"/employers/{hetao.pk}/hires",
            {"identity_number": WANG, "name": "王小明", "hired_on": "2026-09-28"},
        )
        as_clerk.post(
            f"/employers/{hetao.pk}/hires",
            {
                "identity_number": migrant_number(1),
                "name": "张三",
                "hired_on": "2026-10-01",
                "unreported": True,
            },
        )
    r = as_hetao.get(f"/employers/{hetao.pk}/compliance", {"on": "2026-10-14"})
    body = r.json()
    assert body["compliant"] is False
    assert [(i["name"], i["standing"], i["due_on"]) for i in body["late"]] == [
        ("王小明", "late", "2026-10-10")
    ]
    assert [(i["name"], i["standing"], i["due_on"]) for i in body["missing"]] == [
        ("张三", "missing", "2026-10-13")
    ]
    assert {x["code"] for x in body["reasons"]} == {"reports-late", "reports-missing"}
    assert WANG not in r.content.decode()
    problem(as_hetao.get(f"/employers/{village.pk}/compliance"), 403, "other-employer")
    assert problem(
        as_hetao.get(f"/employers/{hetao.pk}/compliance", {"on": "9999-01-01"}), 422, "invalid-request"
    )


# --- roster template and import -----------------------------------------------------------------


def test_the_roster_template_downloads_without_login(anonymous):
    r = anonymous.get("/employers/roster-template")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "roster-template.xlsx" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert ws.cell(row=2, column=2).number_format == "@"


def test_import_dry_run_lists_the_bad_row_and_applies_nothing(as_hetao, hetao):
    rows = [
        ["王小明", WANG, datetime(2026, 10, 9)],
        ["张三", int(migrant_number(1)), datetime(2026, 10, 9)],  # typed as a number: sheet row 3
        ["李四", migrant_number(2), datetime(2026, 10, 9)],
    ]
    with today_is(D(2026, 10, 12)):
        dry = upload(as_hetao, hetao.pk, xlsx(rows), dry_run=True, HTTP_ACCEPT_LANGUAGE="en")
        applied = upload(as_hetao, hetao.pk, xlsx(rows), dry_run=False)
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert (body["dry_run"], body["applied"], body["rows"], body["valid"], body["created"]) == (
        True,
        False,
        3,
        2,
        0,
    )
    (p,) = body["problems"]
    assert (p["row"], p["field"], p["code"], p["rule"]) == (
        3,
        "identity_number",
        "identity-typed-as-number",
        "LH-4-employer-record",
    )
    assert "Format the column as Text" in p["message"]
    assert p["column"] == "公民身份号码 Identity number"
    assert (applied.json()["applied"], applied.json()["created"]) == (False, 0)
    assert not EmploymentRecord.objects.exists()


def test_import_applies_all_rows(as_hetao, hetao):
    rows = [["王小明", WANG, datetime(2026, 10, 9)], ["李四", migrant_number(2), "2026-10-09"]]
    with today_is(D(2026, 10, 12)):
        r = upload(as_hetao, hetao.pk, xlsx(rows), dry_run=False)
    assert r.status_code == 200, r.content
    assert (r.json()["applied"], r.json()["created"], r.json()["problems"]) == (True, 2, [])
    assert EmploymentRecord.objects.filter(employer=hetao, hire_reported_on=D(2026, 10, 12)).count() == 2


def test_import_into_another_employer_is_forbidden(as_hetao, village):
    r = upload(as_hetao, village.pk, xlsx([["王小明", WANG, datetime(2026, 10, 9)]]), dry_run=False)
    problem(r, 403, "other-employer")
    assert not EmploymentRecord.objects.exists()


def test_import_refuses_a_file_that_is_not_xlsx(as_hetao, hetao):
    problem(
        upload(as_hetao, hetao.pk, b"%PDF-1.4", dry_run=True),
        422,
        "roster-unreadable",
        rule="LH-4-employer-record",
    )


def test_import_needs_a_file(as_hetao, hetao):
    r = as_hetao.client.post(
        f"{BASE}/employers/{hetao.pk}/roster-import", {}, HTTP_AUTHORIZATION=f"Bearer {as_hetao.key}"
    )
    # ninja locates it as ("file", "file"): the source, then the name.
    assert problem(r, 422, "invalid-request")["fields"] == ["file"]
