"""The applicant's journey in a real browser: self-check, who applies and the code, online application,
notice, supplement, issue."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfgen import canvas

from juzhu.accounts.models import Role
from juzhu.applicants.tests.helpers import last_code
from juzhu.registry import services
from juzhu.registry.models import Application
from juzhu.registry.tests.factories import identity_number, registered, staff, today_is

WANG = identity_number(date(1990, 5, 17))
MOBILE = "13800138000"  # recorded by the station: the codes go there


def identify_and_give_code(page: Any) -> None:
    """Step 1 of the online application: who applies, then the one screen for the code."""
    page.goto("/apply/")
    page.get_by_label("公民身份号码", exact=True).fill(WANG)
    page.get_by_label("姓名", exact=True).fill("王小明")
    page.get_by_test_id("identify-submit").click()
    page.wait_for_url("**/code/")
    assert "8000" in page.get_by_test_id("code-sent-to").inner_text()
    page.get_by_label("验证码（6位数字）").fill(last_code(MOBILE))
    page.get_by_test_id("code-submit").click()
    page.wait_for_url("**/apply/")


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Path) -> None:
    settings.JUZHU_UPLOAD_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A real (grey) PNG image, built by hand: signature, IHDR, IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(text: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.save()
    return buf.getvalue()


def _file(name: str, mime: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_self_check_apply_notice_supplement_and_issue(web, settings, tmp_path) -> None:
    clerk = staff("clerk1", Role.CLERK)
    supervisor = staff("supervisor", Role.SUPERVISOR)
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5), phone=MOBILE)
    page = web.page

    # 1. Self-check the day before six months are complete: the reason, its rule and the earliest date.
    with today_is(date(2026, 7, 4)):
        page.goto("/check/")
        page.get_by_label("户口所在地行政区划代码（6位）").fill("510121")
        page.get_by_label("居住登记日期").fill("2026-01-05")
        page.get_by_label("合法稳定就业").check()
        page.get_by_label("申请人居民身份证").check()
        page.get_by_test_id("check-submit").click()
        result = page.get_by_test_id("check-result")
        assert result.get_attribute("data-eligible") == "no"
        reasons = page.get_by_test_id("check-reasons").inner_text()
        assert "居住登记未满6个月" in reasons and "LH-3.1-registered-6m" in reasons
        assert "2026-07-05" in page.get_by_test_id("check-earliest").inner_text()
        assert page.url.endswith("/check/")  # swapped in place by htmx

    # 2. Two days later: eligible, and exactly which documents to bring.
    with today_is(date(2026, 7, 6)):
        page.get_by_test_id("check-submit").click()
        page.wait_for_selector('[data-testid=check-result][data-eligible="yes"]')
        checklist = page.get_by_test_id("check-checklist").inner_text()
        assert "本人近期相片" in checklist and "N-9-materials" in checklist
        assert "本人近期相片" in page.get_by_test_id("check-missing").inner_text()

        # 3. Apply online: who applies and the code sent to the phone on record, then the identity card
        #    (PNG) and photo (PDF); no proof of a condition yet.
        identify_and_give_code(page)
        assert "已通过短信验证码验证" in page.get_by_test_id("apply-applicant").inner_text()
        with page.expect_response("**/apply/materials/**"):  # htmx redraws the file inputs for the kind
            page.get_by_label("申请类型").select_option("replacement")
        page.locator("#id_file_old_card").wait_for()
        with page.expect_response("**/apply/materials/**"):
            page.get_by_label("申请类型").select_option("first_issue")
        page.locator("#id_file_old_card").wait_for(state="detached")
        page.locator("#id_file_condition_evidence").wait_for()
        page.get_by_label("手机号码").fill("13900001111")
        page.locator("#id_file_identity_card").set_input_files(_file("身份证.png", "image/png", png_bytes()))
        page.locator("#id_file_photo").set_input_files(
            _file("相片.pdf", "application/pdf", pdf_bytes("photo"))
        )
        page.get_by_test_id("apply-submit").click()
        page.wait_for_url("**/apply/done/")
        number = page.get_by_test_id("application-number").inner_text()
        assert number.startswith("SQ2026")
        missing = page.get_by_test_id("apply-missing").inner_text()
        assert "LH-3.1-condition" in missing and "劳动合同" in missing

        # 4. The clerk issues the one-time notice.
        app = Application.objects.get(number=number)
        assert app.channel == "online"
        services.application_notify(actor=clerk, application_id=app.pk)

        # 5. The applicant looks the case up (a new code), reads the notice item and its rule, supplements.
        page.goto("/progress/")
        page.get_by_test_id("progress-forget").click()
        page.get_by_label("申请编号").fill(number)
        page.get_by_label("公民身份号码", exact=True).fill(WANG)
        page.get_by_test_id("progress-submit").click()
        page.wait_for_url("**/code/")
        page.get_by_label("验证码（6位数字）").fill(last_code(MOBILE))
        page.get_by_test_id("code-submit").click()
        page.wait_for_url("**/progress/")
        assert page.get_by_test_id("progress").get_attribute("data-status") == "notified"
        item = page.get_by_test_id("notice-item-condition_evidence").inner_text()
        assert "LH-3.1-condition" in item and "劳动合同" in item
        with page.expect_download() as download:
            page.get_by_test_id("upload-identity_card").click()
        assert download.value.suggested_filename == "身份证.png"
        page.get_by_label("材料种类").select_option("labour_contract")
        page.locator("#id_file_condition_evidence").set_input_files(
            _file("劳动合同.pdf", "application/pdf", pdf_bytes("contract"))
        )
        page.get_by_test_id("supplement-submit").click()
        page.wait_for_load_state()
        assert "补正材料已提交" in page.locator(".messages").inner_text()
        assert "已补正" in page.get_by_test_id("notice-item-condition_evidence").inner_text()

        # 6. Accepted, approved and issued at the counter.
        services.application_accept(actor=clerk, application_id=app.pk)
        page.reload()
        assert "2026-07-21" in page.get_by_test_id("progress-due").inner_text()  # 15 days (LH-3.2-issue-15d)
        services.application_approve(actor=supervisor, application_id=app.pk)
        permit = services.application_issue(actor=clerk, application_id=app.pk)

        # 7. Progress shows the permit number.
        page.reload()
        assert page.get_by_test_id("progress").get_attribute("data-status") == "issued"
        assert page.get_by_test_id("progress-status").inner_text() == "已发证"
        assert page.get_by_test_id("progress-permit").inner_text() == permit.number
    # The three files went to this test's upload root (outside the web root), by SHA-256.
    assert Path(settings.JUZHU_UPLOAD_ROOT) == tmp_path / "uploads"
    assert len([p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]) == 3


def test_a_text_file_renamed_png_is_refused_with_a_422_naming_the_field(web) -> None:
    clerk = staff("clerk1", Role.CLERK)
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5), phone=MOBILE)
    page = web.page
    with today_is(date(2026, 7, 6)):
        identify_and_give_code(page)
        page.locator("#id_file_photo").set_input_files(_file("photo.png", "image/png", b"a text file\n"))
        with page.expect_response(lambda r: r.url.endswith("/apply/") and r.request.method == "POST") as resp:
            page.get_by_test_id("apply-submit").click()
        assert resp.value.status == 422
        problem = page.get_by_test_id("problem")
        assert problem.get_attribute("data-rule") == "N-9-materials"
        assert "本人近期相片" in problem.inner_text() and "file_photo" in problem.inner_text()
        assert page.locator("#id_file_photo").get_attribute("aria-invalid") == "true"
        assert Application.objects.count() == 0


def test_the_guide_fits_a_phone(phone) -> None:
    page = phone.page
    page.goto("/guide/")
    assert page.get_by_role("heading", level=1).inner_text() == "居住证办事指南"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    deadlines = page.get_by_test_id("guide-deadlines")
    assert "LH-3.2-issue-15d" in deadlines.inner_text()
    # The table becomes labelled rows: each cell shows its column name.
    cell = deadlines.locator("td").first
    assert page.evaluate("el => getComputedStyle(el, '::before').content", cell.element_handle()) == '"事项"'
    assert "20" in page.get_by_test_id("guide-case-reissue").inner_text()


def test_the_code_screen_on_a_phone(phone) -> None:  # type: ignore[no-untyped-def]
    """One field with the numeric keyboard, the phone's last digits, a resend button that wakes up."""
    clerk = staff("clerk1", Role.CLERK)
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5), phone=MOBILE)
    page = phone.page
    page.goto("/apply/")
    page.get_by_label("公民身份号码", exact=True).fill(WANG)
    page.get_by_label("姓名", exact=True).fill("王小明")
    page.get_by_test_id("identify-submit").click()
    page.wait_for_url("**/code/")
    field = page.get_by_label("验证码（6位数字）")
    assert (
        field.get_attribute("inputmode") == "numeric"
        and field.get_attribute("autocomplete") == "one-time-code"
    )
    assert page.evaluate("document.activeElement.id") == "id_code"  # ready to type
    assert "尾号8000" in page.get_by_test_id("code-sent-to").inner_text().replace(" ", "")
    assert MOBILE not in page.content()
    resend = page.get_by_test_id("code-resend")
    assert resend.is_disabled()
    first = int(page.locator("[data-countdown]").inner_text())
    page.wait_for_function(f"Number(document.querySelector('[data-countdown]').textContent) < {first}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # A wrong code is refused in place, naming what is left.
    wrong = f"{(int(last_code(MOBILE)) + 1) % 1_000_000:06d}"
    field.fill(wrong)
    page.get_by_test_id("code-submit").click()
    assert "还可以再试4次" in page.get_by_test_id("problem").inner_text()
    assert page.get_by_label("验证码（6位数字）").get_attribute("aria-invalid") == "true"
