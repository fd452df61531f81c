"""Employer and department journeys in a real browser: the roster import with a bad row, a hire report
with its due day, and a department's entitlement checks showing up in its own access log."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from juzhu.accounts.models import Role
from juzhu.employers.models import Employer, EmploymentRecord
from juzhu.employers.tests.factories import (
    WANG,
    WANG_MASKED,
    employer,
    employer_account,
    migrant_number,
    xlsx,
)
from juzhu.entitlements.tests.factories import KID, household
from juzhu.registry.tests.factories import identity_number, registered, staff, station, today_is
from juzhu.sharing.models import AccessLog
from juzhu.sharing.tests.factories import education

PASSWORD = "x-unused-password-1"
TODAY = date(2026, 9, 30)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOBODY = identity_number(date(1985, 3, 3), seq=777)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clerk(transactional_db: None) -> User:
    station()
    return staff("clerk", Role.CLERK)


@pytest.fixture
def hetao(clerk: User) -> Employer:
    employer_account("hetao-hr", employer(clerk))
    return Employer.objects.get()


def roster_file(rows: list[list[Any]]) -> dict[str, Any]:
    return {"name": "花名册.xlsx", "mimeType": XLSX, "buffer": xlsx(rows)}


def test_an_employer_imports_a_roster_with_a_bad_row_then_fixes_it(web: Any, hetao: Employer) -> None:
    page = web.page
    good = [["王小明", WANG, "2026-09-28"], ["李四", migrant_number(1), "2026-09-29"]]
    with today_is(TODAY):
        web.sign_in("hetao-hr", PASSWORD)
        page.get_by_test_id("import-link").click()
        page.wait_for_load_state()
        with page.expect_download() as download:
            page.get_by_test_id("template-link").click()
        assert download.value.suggested_filename == "roster-template.xlsx"

        # Row 4 has the identity number typed as a number: the dry run names it and writes nothing.
        page.get_by_label("花名册文件（.xlsx）").set_input_files(
            roster_file([*good, ["张三", 510121199005171238, "2026-09-28"]])
        )
        page.get_by_test_id("import-check").click()
        problem = page.get_by_test_id("import-problem")
        problem.first.wait_for()
        assert problem.count() == 1
        assert problem.get_attribute("data-row") == "4"
        assert "4" in problem.locator("td").first.inner_text()
        assert (
            "末尾几位可能已经丢失" in problem.inner_text() and "LH-4-employer-record" in problem.inner_text()
        )
        assert EmploymentRecord.objects.count() == 0

        # Confirming while a row is bad writes no row.
        page.get_by_test_id("import-confirm").click()
        page.get_by_test_id("problem").wait_for()
        assert "未导入任何一行" in page.get_by_test_id("problem").inner_text()
        assert page.get_by_test_id("import-problem").get_attribute("data-row") == "4"
        assert EmploymentRecord.objects.count() == 0

        # The fixed file: checked clean, then imported whole.
        page.get_by_label("花名册文件（.xlsx）").set_input_files(
            roster_file([*good, ["张三", migrant_number(2), "2026-09-28"]])
        )
        page.get_by_test_id("import-check").click()
        page.locator('[data-testid="import-problem-count"]:text-is("0")').wait_for()
        assert page.get_by_test_id("import-problem-count").inner_text() == "0"
        assert page.get_by_test_id("import-valid").inner_text() == "3"
        page.get_by_test_id("import-confirm").click()
        page.get_by_test_id("import-applied").wait_for()
        assert page.get_by_test_id("import-created").inner_text() == "3"
        assert EmploymentRecord.objects.count() == 3

        page.get_by_role("link", name="返回本单位人员").click()
        page.wait_for_load_state()
        rows = page.get_by_test_id("roster-row")
        assert rows.count() == 3
        assert WANG_MASKED in page.get_by_test_id("roster").inner_text()
        assert WANG not in page.content()


def test_an_employer_reports_a_hire_and_sees_the_due_day_before_and_after(web: Any, hetao: Employer) -> None:
    page = web.page
    with today_is(TODAY):
        web.sign_in("hetao-hr", PASSWORD)
        assert page.get_by_test_id("roster-empty").is_visible()
        form = page.get_by_test_id("hire-form")
        form.get_by_label("姓名").fill("王小明")
        form.get_by_label("公民身份号码").fill(WANG)
        form.get_by_label("签订劳动合同日期").fill("2026-09-28")
        preview = page.get_by_test_id("hire-preview")
        assert preview.get_by_test_id("due-date").inner_text() == "2026-10-10"
        assert "LH-4-employer-report-5wd" in preview.inner_text()
        assert "今天报告为按时报告" in preview.inner_text()
        page.get_by_test_id("hire-submit").click()
        result = page.get_by_test_id("hire-result")
        assert result.get_by_test_id("result-due").inner_text() == "2026-10-10"
        assert "按时报告" in result.inner_text()
        # The roster and the departure list refresh without a reload.
        page.get_by_test_id("roster-row").wait_for()
        assert "2026-10-10" in page.get_by_test_id("roster-row").inner_text()
        page.get_by_label("离职人员").locator("option", has_text="王小明").wait_for(state="attached")
    assert EmploymentRecord.objects.get().hire_on_time is True


def test_a_refused_hire_shows_the_rule_in_place(web: Any, hetao: Employer) -> None:
    page = web.page
    with today_is(TODAY):
        web.sign_in("hetao-hr", PASSWORD)
        form = page.get_by_test_id("hire-form")
        form.get_by_label("姓名").fill("王小明")
        form.get_by_label("公民身份号码").fill("510121199005171239")
        form.get_by_label("签订劳动合同日期").fill("2026-09-28")
        page.get_by_test_id("hire-submit").click()
        problem = page.locator("#hire-result").get_by_test_id("problem")
        assert problem.get_attribute("data-rule") == "LH-3.1-identity"
    assert EmploymentRecord.objects.count() == 0


def test_a_department_checks_entitlements_and_sees_its_reads_in_its_log(web: Any, clerk: User) -> None:
    household(clerk, staff("supervisor", Role.SUPERVISOR))
    registered(clerk, number=NOBODY, registered_on=date(2025, 10, 1), name="赵六")
    education(["education.school_place"])
    page = web.page
    with today_is(date(2026, 1, 5)):
        web.sign_in("jkj-system", PASSWORD)
        assert page.url.endswith("/department/")
        assert page.get_by_test_id("access-log-empty").is_visible()
        form = page.get_by_test_id("check-form")

        form.get_by_label("公民身份号码").fill(KID)
        form.get_by_label("公共服务").select_option("2-school-place")
        page.get_by_test_id("check-submit").click()
        result = page.get_by_test_id("check-result")
        assert result.get_attribute("data-entitled") == "yes"
        assert page.get_by_test_id("check-answer").inner_text() == "享受"
        assert "LH-4-svc-2" in result.inner_text()
        page.get_by_test_id("access-row").wait_for()

        form.get_by_label("公民身份号码").fill(NOBODY)
        page.get_by_test_id("check-submit").click()
        page.locator('[data-testid="check-result"][data-entitled="no"]').wait_for()
        assert page.get_by_test_id("check-answer").inner_text() == "不享受"
        reasons = page.get_by_test_id("check-reasons").inner_text()
        assert "该日期没有有效的居住证" in reasons and "LH-4-services" in reasons

        page.get_by_test_id("access-row").nth(1).wait_for()
        log = page.get_by_test_id("access-log")
        assert log.get_by_test_id("access-row").count() == 2
        text = log.inner_text()
        assert "义务教育入学安排" in text and NOBODY not in text and KID not in text
        assert NOBODY[:6] + "********" + NOBODY[-4:] in text
    assert AccessLog.objects.filter(endpoint="entitlements.check").count() == 2
    # Each view of the department's own log is a read too: masked numbers, one row per view.
    assert (
        AccessLog.objects.exclude(endpoint="entitlements.check")
        .filter(endpoint="page.department.access_log", person__isnull=True)
        .count()
        == AccessLog.objects.exclude(endpoint="entitlements.check").count()
    )


@pytest.mark.parametrize("who", ["employer", "department"])
def test_the_pages_fit_a_phone(phone: Any, hetao: Employer, who: str) -> None:
    if who == "department":
        education(["education.school_place"])
    with today_is(TODAY):
        phone.sign_in("hetao-hr" if who == "employer" else "jkj-system", PASSWORD)
        width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
