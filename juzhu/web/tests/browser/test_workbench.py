"""Service-hall journeys in a real browser: accept → approve → issue → card PDF; the overdue badge;
the one-time notice from the case page and its PDF.

"Today" is fixed with ``today_is`` around the browser steps too: the live server runs in a thread of
this process and reads the same clock hook.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pypdf
from django.contrib.auth.models import User

from juzhu.accounts.models import Role
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.models import Application
from juzhu.registry.tests.factories import FIRST_DOCS, identity_number, registered, staff, station, today_is

WANG = identity_number(date(1990, 5, 17))
LI = identity_number(date(1985, 11, 3), seq=246)
PASSWORD = "x-unused-password-1"


def _submitted(clerk: User, number: str, name: str, documents: list[str], on: date) -> Application:
    registered(clerk, number=number, registered_on=date(2025, 8, 1), name=name)
    with today_is(on):
        return services.application_submit(
            actor=clerk,
            kind=CaseKind.FIRST_ISSUE,
            identity_number=number,
            police_station="150802001",
            documents=documents,
        )


def _pdf_text(path: str | Path) -> str:
    data = Path(path).read_bytes()
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def _sign_out(web) -> None:
    web.page.get_by_role("button", name="退出").click()
    web.page.wait_for_load_state()


def test_clerk_accepts_supervisor_approves_and_issues_and_the_card_pdf_downloads(web) -> None:
    station()
    clerk = staff("clerk1", Role.CLERK)
    staff("super1", Role.SUPERVISOR)
    app = _submitted(clerk, WANG, "王小明", FIRST_DOCS, date(2026, 3, 2))
    page = web.page
    with today_is(date(2026, 3, 2)):
        web.sign_in("clerk1", PASSWORD)
        assert page.url.endswith("/hall/")
        row = page.get_by_test_id("queue-row").filter(has_text=app.number)
        assert "待受理" in row.get_by_test_id("clock-badge").inner_text()
        assert "510121********1238" in row.inner_text()
        row.get_by_role("link", name=app.number).click()
        page.wait_for_load_state()
        assert page.get_by_test_id("person-identity").inner_text() == WANG
        assert page.get_by_test_id("action-approve").count() == 0  # a clerk does not decide
        page.get_by_test_id("action-accept").click()
        page.get_by_test_id("done").wait_for()
        assert "15日" in page.get_by_test_id("done").inner_text()
        assert page.get_by_test_id("case-panel").get_attribute("data-status") == "accepted"
        assert "2026-03-17" in page.get_by_test_id("case-clock").inner_text()
        _sign_out(web)

        web.sign_in("super1", PASSWORD)
        page.goto(f"/hall/applications/{app.pk}/")
        page.get_by_test_id("action-approve").click()
        page.locator('[data-testid="case-panel"][data-status="approved"]').wait_for()
        page.get_by_test_id("action-issue").click()
        page.locator('[data-testid="case-panel"][data-status="issued"]').wait_for()
        number = page.get_by_test_id("permit-number").inner_text()
        with page.expect_download() as download:
            page.get_by_test_id("card-pdf").click()
        text = _pdf_text(download.value.path())
    assert "王小明" in text and "居住证" in text and number in text
    codes = page.get_by_test_id("audit-event").evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert {"application.accepted", "application.approved", "application.issued"} <= set(codes)


def test_the_queue_shows_an_overdue_case(web) -> None:
    station()
    clerk = staff("clerk1", Role.CLERK)
    app = _submitted(clerk, WANG, "王小明", FIRST_DOCS, date(2026, 3, 2))
    with today_is(date(2026, 3, 2)):
        services.application_accept(actor=clerk, application_id=app.pk)
    with today_is(date(2026, 3, 18)):  # due 2026-03-17: the first day past LH-3.2-issue-15d
        web.sign_in("clerk1", PASSWORD)
        row = web.page.get_by_test_id("queue-row").filter(has_text=app.number)
        assert row.get_attribute("data-clock") == "overdue"
        assert row.get_by_test_id("clock-badge").inner_text() == "已超期"
        assert web.page.get_by_test_id("count-overdue").locator(".n").inner_text() == "1"


def test_clerk_issues_the_one_time_notice_and_its_pdf_lists_the_missing_items(web) -> None:
    station()
    clerk = staff("clerk1", Role.CLERK)
    app = _submitted(clerk, LI, "李四", ["identity_card", "labour_contract"], date(2026, 3, 2))
    page = web.page
    with today_is(date(2026, 3, 2)):
        web.sign_in("clerk1", PASSWORD)
        page.goto(f"/hall/applications/{app.pk}/")
        missing = page.locator('[data-testid="requirement"][data-satisfied="no"]')
        assert missing.count() == 1 and "本人近期相片" in missing.inner_text()
        page.get_by_test_id("action-notify").click()
        page.get_by_test_id("notice").wait_for()
        assert "本人近期相片" in page.get_by_test_id("notice").inner_text()
        assert page.get_by_test_id("action-notify").count() == 0  # once
        with page.expect_download() as download:
            page.get_by_test_id("notice-pdf").click()
        text = _pdf_text(download.value.path())
    assert "一次性告知书" in text and "本人近期相片" in text and "李四" in text


def test_the_queue_on_a_phone_filters_by_status_in_place(phone) -> None:
    station()
    clerk = staff("clerk1", Role.CLERK)
    waiting = _submitted(clerk, WANG, "王小明", FIRST_DOCS, date(2026, 3, 2))
    other = _submitted(clerk, LI, "李四", FIRST_DOCS, date(2026, 3, 2))
    with today_is(date(2026, 3, 2)):
        services.application_accept(actor=clerk, application_id=other.pk)
        phone.sign_in("clerk1", PASSWORD)
        page = phone.page
        assert page.get_by_test_id("queue-row").count() == 2
        page.get_by_label("状态").select_option("accepted")
        page.wait_for_url("**/hall/?*status=accepted*")
        page.get_by_test_id("queue-row").first.wait_for()
        assert page.get_by_test_id("queue-row").count() == 1
        assert other.number in page.get_by_test_id("queue-row").inner_text()
        assert waiting.number not in page.get_by_test_id("queue-table").inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the queue scrolls sideways on a phone"
