"""Every read of personal data through a page, a PDF, an uploaded file or an export writes its
access-log row, in the read's transaction (N-17-confidentiality; docs/decisions/0011).

王小明 (the factories' default person) is registered 2025-01-10 and holds permit
150802202500000010, issued 2025-07-10.  The test client's address is 127.0.0.1.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from juzhu.accounts.models import Role
from juzhu.employers.models import Employer
from juzhu.employers.tests.factories import VILLAGE, employer, employer_account, migrants
from juzhu.enforcement.tests.factories import person_case_ordered
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.models import Application, ApplicationDocument, Permit, Person
from juzhu.registry.tests.factories import identity_number, issued_permit, registered, staff, today_is
from juzhu.sharing.models import AccessLog

pytestmark = pytest.mark.django_db

WANG = identity_number(date(1990, 5, 17))
PERSON_FIELDS = sorted(
    ["name", "identity_number", "sex", "birth_date", "ethnicity", "hukou_address", "phone", "registration",
     "permit_number", "residence_address", "permit_history", "application", "fee", "case", "access_log"]
)  # fmt: skip
CARD_FIELDS = sorted(
    ["name", "sex", "ethnicity", "birth_date", "identity_number", "hukou_address", "residence_address",
     "permit_number", "permit_status", "issue_date", "residence_since", "next_anniversary", "photo", "epermit"]
)  # fmt: skip


@pytest.fixture
def desk(client: Client, clerk: User) -> Client:
    client.force_login(clerk)
    return client


@pytest.fixture
def wang(clerk: User, supervisor: User) -> Permit:
    return issued_permit(
        clerk, supervisor, number=WANG, registered_on=date(2025, 1, 10), issued_on=date(2025, 7, 10)
    )


def the_row(**kw: Any) -> AccessLog:
    """The one row of the log matching ``kw``."""
    return AccessLog.objects.get(**kw)


def row_values(row: AccessLog) -> tuple[Any, ...]:
    return (
        row.actor_label, row.role, row.department, row.credential_id, row.scope, row.endpoint, row.purpose,
        row.person_id, row.subject_type, row.subject_id, row.client_address, row.rows, row.asked_on,
    )  # fmt: skip


# --------------------------------------------------------------------------- pages


def test_the_clerk_opening_the_person_page_writes_its_row_exactly(desk: Client, wang: Permit) -> None:
    assert not AccessLog.objects.exists()
    r = desk.get(f"/hall/persons/{wang.person_id}/")
    assert r.status_code == 200
    row = the_row()
    assert row_values(row) == (
        "clerk", "clerk", "public_security", None, "record", "page.person", "counter.service",
        wang.person_id, "person", str(wang.person_id), "127.0.0.1", None, timezone.localdate(),
    )  # fmt: skip
    assert row.fields == PERSON_FIELDS
    assert timezone.now() - row.at < timezone.timedelta(minutes=1)


def test_the_person_page_shows_every_reader_in_words(desk: Client, wang: Permit, supervisor: User) -> None:
    boss = Client(REMOTE_ADDR="10.3.0.7")
    boss.force_login(supervisor)
    assert boss.get(f"/hall/print/card/{wang.number}.pdf").status_code == 200
    page = desk.get(f"/hall/persons/{wang.person_id}/").content.decode()
    rows = page.split('data-testid="access-row"')[1:]
    assert len(rows) == 2
    # Newest first: the clerk's own read of this page, then the supervisor's card.
    assert "clerk · 窗口民警/辅警 · 区公安局" in rows[0] and "人员记录 (页面)" in rows[0]
    assert "办理居住登记和居住证业务" in rows[0] and "127.0.0.1" in rows[0]
    assert "supervisor · 审核负责人 · 区公安局" in rows[1] and "居住证卡片 (打印文书（PDF）)" in rows[1]
    assert "公民身份号码" in rows[1] and "本人相片" in rows[1] and "10.3.0.7" in rows[1]
    for code in ("pdf.card", "page.person", "counter.service", "public_security", "identity_number"):
        assert code not in page.split('id="access"')[1], code


def test_the_person_page_in_english_names_the_reads_in_english(desk: Client, wang: Permit) -> None:
    page = desk.get(f"/hall/persons/{wang.person_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Person&#x27;s record (page)" in page and "Residence registration and permit business" in page


def test_the_case_page_and_each_of_its_steps_are_reads(desk: Client, wang: Permit) -> None:
    app = Application.objects.get(permit=wang)
    assert desk.get(f"/hall/applications/{app.pk}/").status_code == 200
    row = the_row(endpoint="page.case")
    assert (row.person_id, row.subject_type, row.subject_id, row.purpose) == (
        wang.person_id, "application", str(app.pk), "counter.service",
    )  # fmt: skip
    assert "contact" in row.fields and "identity_number" in row.fields


def test_the_queue_masks_names_and_is_one_row_for_the_list(desk: Client, clerk: User) -> None:
    for seq, name in ((101, "张三丰"), (102, "李四")):
        number = identity_number(date(1990, 1, 1), seq=seq)
        registered(clerk, number=number, registered_on=date(2025, 1, 10), name=name)
        with today_is(date(2026, 1, 5)):
            services.application_submit(
                actor=clerk, kind=CaseKind.FIRST_ISSUE, identity_number=number, police_station="150802001",
                documents=["identity_card", "photo", "labour_contract"],
            )  # fmt: skip
    with today_is(date(2026, 1, 6)):
        page = desk.get("/hall/").content.decode()
    assert "张**" in page and "李*" in page and "张三丰" not in page and "李四" not in page
    row = the_row()
    assert (row.endpoint, row.scope, row.person_id, row.rows) == ("page.queue", "list", None, 2)
    assert row.fields == ["application", "identity_number_masked", "name_masked"]


def test_a_counter_panel_opened_for_a_person_is_a_read_of_the_card_it_acts_on(
    desk: Client, wang: Permit
) -> None:
    assert desk.get(f"/hall/persons/{wang.person_id}/address/").status_code == 200
    row = the_row()
    assert (row.endpoint, row.person_id, row.subject_type, row.subject_id) == (
        "page.counter.address", wang.person_id, "permit", str(wang.pk),
    )  # fmt: skip
    assert row.fields == ["name", "permit_number", "residence_address"]


# --------------------------------------------------------------------------- PDFs and files


def test_each_printed_document_is_a_read_of_its_person(desk: Client, clerk: User, wang: Permit) -> None:
    replacement = services.application_submit(
        actor=clerk, kind=CaseKind.REPLACEMENT, identity_number=WANG, police_station="150802001", documents=[]
    )
    notice = services.application_notify(actor=clerk, application_id=replacement.pk)
    receipt = services.fee_charge(actor=clerk, application_id=replacement.pk, amount=Decimal("20"))
    for url, read, subject in (
        (f"/hall/print/card/{wang.number}.pdf", "pdf.card", ("permit", wang.pk)),
        (f"/hall/print/notice/{notice.pk}.pdf", "pdf.notice", ("notice", notice.pk)),
        (f"/hall/print/receipt/{receipt.pk}.pdf", "pdf.receipt", ("feereceipt", receipt.pk)),
    ):
        r = desk.get(url)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf", url
        row = the_row(endpoint=read)
        assert (row.person_id, row.subject_type, row.subject_id, row.scope, row.role) == (
            wang.person_id, subject[0], str(subject[1]), "record", "clerk",
        ), url  # fmt: skip
    assert the_row(endpoint="pdf.card").fields == CARD_FIELDS
    assert the_row(endpoint="pdf.card").permit_number == wang.number


def test_an_enforcement_decision_is_a_read_for_enforcement(desk: Client, clerk: User) -> None:
    case = person_case_ordered(clerk)
    assert desk.get(f"/hall/print/decision/{case.pk}.pdf").status_code == 200
    row = the_row(endpoint="pdf.decision")
    assert (row.person_id, row.subject_type, row.purpose) == (case.person_id, "case", "case.enforcement")


def test_an_uploaded_file_is_a_read(desk: Client, wang: Permit, tmp_path: Path, settings: Any) -> None:
    settings.JUZHU_UPLOAD_ROOT = tmp_path
    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / "f.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    doc = ApplicationDocument.objects.create(
        application=Application.objects.get(permit=wang),
        doc="photo", original_name="me.png", content_type="image/png", size=24, sha256="0" * 64,
        storage_name="ab/f.png",
    )  # fmt: skip
    r = desk.get(f"/hall/uploads/{doc.pk}")
    assert r.status_code == 200
    row = the_row()
    assert (row.endpoint, row.person_id, row.subject_type, row.subject_id, row.fields) == (
        "file.upload", wang.person_id, "applicationdocument", str(doc.pk), ["uploads"],
    )  # fmt: skip


# --------------------------------------------------------------------------- refusals write nothing


def test_refused_reads_write_nothing(client: Client, desk: Client, wang: Permit, settings: Any) -> None:
    assert desk.get("/hall/persons/999999/").status_code == 404
    assert desk.get("/hall/print/card/150802202600000018.pdf").status_code == 404
    assert desk.get("/hall/print/notice/999.pdf").status_code == 404
    assert desk.get("/hall/uploads/999").status_code == 404
    for role in (Role.AUDITOR, Role.EMPLOYER, Role.DEPARTMENT, Role.SYSTEM):
        other = Client()
        other.force_login(staff(f"x-{role}", role))
        assert other.get(f"/hall/persons/{wang.person_id}/").status_code == 403, role
        assert other.get(f"/hall/print/card/{wang.number}.pdf").status_code == 403, role
    outsider = Client()
    outsider.force_login(staff("wuyuan-clerk", Role.CLERK, division="150821"))
    assert outsider.get(f"/hall/persons/{wang.person_id}/").status_code == 403
    assert not AccessLog.objects.exists()


@pytest.mark.postgres
def test_when_the_log_cannot_be_written_the_page_shows_nothing(desk: Client, wang: Permit) -> None:
    """A real failure of the database (a trigger refusing the INSERT), not a mock: the page answers
    503 without a single personal value, and nothing of the read is committed."""
    with connection.cursor() as cur:
        cur.execute(
            "CREATE FUNCTION test_refuse_access_log() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
        )
        cur.execute(
            "CREATE TRIGGER test_refuse BEFORE INSERT ON sharing_accesslog "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_access_log()"
        )
    try:
        r = desk.get(f"/hall/persons/{wang.person_id}/")
        card = desk.get(f"/hall/print/card/{wang.number}.pdf")
    finally:
        with connection.cursor() as cur:
            cur.execute("DROP TRIGGER test_refuse ON sharing_accesslog")
            cur.execute("DROP FUNCTION test_refuse_access_log()")
    assert r.status_code == 503 and card.status_code == 503
    body = r.content.decode()
    assert "read-not-logged" in body or "查阅记录无法写入" in body
    for value in (WANG, "王小明", "临河区新华街1号", wang.number):
        assert value not in body
    assert card["Content-Type"].startswith("text/html")
    assert not AccessLog.objects.exists()


# --------------------------------------------------------------------------- employers: rosters and exports


@pytest.fixture
def hetao(clerk: User) -> Employer:
    return employer(clerk)


def test_the_roster_page_is_a_read_of_each_person_once_a_day(client: Client, hetao: Employer) -> None:
    staff_rows = migrants(hetao, 3, date(2026, 9, 1))
    client.force_login(employer_account("hetao-hr", hetao))
    with today_is(date(2026, 9, 10)):
        assert client.get("/employer/").status_code == 200
        assert client.get(f"/employer/{hetao.pk}/roster/").status_code == 200  # the refresh after a report
        assert client.get(f"/employer/{hetao.pk}/staff-options/").status_code == 200
    rows = AccessLog.objects.filter(endpoint="page.employer.roster").order_by("subject_id")
    assert [(r.subject_type, r.subject_id, r.person_id) for r in rows] == [
        ("employmentrecord", str(m.pk), None) for m in sorted(staff_rows, key=lambda m: str(m.pk))
    ]
    assert {(r.role, r.department, r.purpose, r.scope) for r in rows} == {
        ("employer", "", "employer.own_staff", "rows")
    }
    assert rows[0].fields == ["employment", "identity_number_masked", "name"]


def test_an_export_is_logged_row_by_row_every_time(client: Client, hetao: Employer) -> None:
    migrants(hetao, 2, date(2026, 9, 1))
    client.force_login(employer_account("hetao-hr", hetao))
    for _ in range(2):
        r = client.get(f"/employer/{hetao.pk}/roster.xlsx")
        assert r.status_code == 200 and r["Cache-Control"] == "private, no-store"
    sheet = load_workbook(filename=io.BytesIO(r.content)).worksheets[0]
    names = [sheet.cell(row=i, column=1).value for i in (2, 3)]
    assert sorted(names) == ["员工0", "员工1"]
    assert "********" in sheet.cell(row=2, column=2).value  # numbers masked
    assert AccessLog.objects.filter(endpoint="export.employer.roster").count() == 4


def test_another_employers_roster_is_refused_and_writes_nothing(
    client: Client, clerk: User, hetao: Employer
) -> None:
    migrants(hetao, 2, date(2026, 9, 1))
    other = employer(clerk, VILLAGE, name="某村集体经济组织")
    client.force_login(employer_account("other-hr", other))
    assert client.get(f"/employer/{hetao.pk}/roster.xlsx").status_code == 403
    assert client.get(f"/employer/{hetao.pk}/roster/").status_code == 403
    assert not AccessLog.objects.filter(subject_type="employmentrecord").exists()


def test_the_people_behind_roster_lines_see_the_read(client: Client, clerk: User, hetao: Employer) -> None:
    registered(clerk, number=WANG, registered_on=date(2025, 1, 10))
    person = Person.objects.get(identity_number=WANG)
    with today_is(date(2026, 9, 2)):
        from juzhu.employers import services as employer_services

        employer_services.employment_report_hire(
            actor=clerk, employer_id=hetao.pk, identity_number=WANG, name="王小明", hired_on=date(2026, 9, 1)
        )
    client.force_login(employer_account("hetao-hr", hetao))
    client.get("/employer/")
    row = the_row(endpoint="page.employer.roster")
    assert row.person_id == person.pk


def test_dashboard_figures_read_nobody(client: Client, supervisor: User) -> None:
    client.force_login(supervisor)
    assert client.get("/dashboard/").status_code == 200
    assert not AccessLog.objects.exists()
