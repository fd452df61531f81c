"""The service hall in a real browser: find a person (typed or scanned), endorse on time and late,
and start the reissue of a lost card with its fee.

王小明: permit issued Thu 2025-07-10; window 2026-06-10 … Fri 2026-07-10; suspended from Sat 2026-07-11.
The live server runs in a thread of this process, so ``today_is`` also sets the server's date.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from juzhu.accounts.models import Role
from juzhu.epermit.services import permit_token
from juzhu.registry import services
from juzhu.registry.models import Application, Permit
from juzhu.registry.tests.factories import identity_number, issued_permit, staff, station, today_is

WANG = identity_number(date(1990, 5, 17))
PASSWORD = "x-unused-password-1"


@pytest.fixture
def clerk(transactional_db: None) -> User:
    station()
    return staff("clerk", Role.CLERK)


@pytest.fixture
def supervisor(transactional_db: None) -> User:
    return staff("supervisor", Role.SUPERVISOR)


@pytest.fixture
def wang(clerk: User, supervisor: User) -> Permit:
    return issued_permit(
        clerk, supervisor, number=WANG, registered_on=date(2025, 1, 10), issued_on=date(2025, 7, 10)
    )


def person_path(permit: Permit) -> str:
    return f"/hall/persons/{permit.person_id}/"


def find(web: Any, text: str) -> None:
    page = web.page
    page.goto("/hall/find/")
    box = page.get_by_test_id("find-q")
    assert box.evaluate("el => el === document.activeElement")  # autofocus: a scanner types straight in
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/hall/persons/\d+/$"))


def test_find_by_identity_number_and_by_scanned_qr(web: Any, wang: Permit) -> None:
    web.sign_in("clerk", PASSWORD)
    with today_is(date(2026, 1, 15)):
        find(web, WANG)
        assert web.page.url.endswith(person_path(wang))
        assert web.page.get_by_test_id("identity-number").inner_text() == WANG
        find(web, f"{web.base_url}/v/{permit_token(wang)}")
        assert web.page.url.endswith(person_path(wang))
        assert web.page.get_by_test_id("permit-number").inner_text().startswith(wang.number)
        # Nobody registered under this number: the refusal renders in place with its rule.
        web.page.goto("/hall/find/")
        web.page.get_by_test_id("find-q").fill(identity_number(date(1985, 11, 3), seq=246))
        web.page.get_by_test_id("find-submit").click()
        problem = web.page.get_by_test_id("problem")
        assert problem.get_attribute("data-rule") == "LH-4-register-3d"
        assert web.page.get_by_test_id("register-link").is_visible()


def endorse(web: Any, permit: Permit) -> Any:
    page = web.page
    page.goto(person_path(permit))
    page.get_by_test_id("action-endorse").click()
    panel = page.get_by_test_id("panel-endorse")
    for label in ("本人居住证", "申请人居民身份证", "房屋租赁合同"):
        panel.get_by_label(label, exact=True).check()
    panel.get_by_test_id("endorse-preview-button").click()
    return page.get_by_test_id("endorse-preview")


def test_endorse_on_the_last_day_of_the_window_keeps_the_residence_period(web: Any, wang: Permit) -> None:
    web.sign_in("clerk", PASSWORD)
    with today_is(date(2026, 7, 10)):
        web.page.goto(person_path(wang))
        assert web.page.get_by_test_id("window-state").get_attribute("data-state") == "in_window"
        preview = endorse(web, wang)
        assert preview.get_attribute("data-kind") == "on_time"
        assert "2025-07-10 → 2025-07-10" in preview.get_by_test_id("preview-residence").inner_text()
        assert "2027-07-10" in preview.get_by_test_id("preview-anniversary").inner_text()
        with web.page.expect_navigation(url=f"**{person_path(wang)}"):
            web.page.get_by_test_id("endorse-confirm").click()
        page = web.page
        assert page.get_by_test_id("residence-since").inner_text().startswith("2025-07-10")
        assert page.get_by_test_id("next-anniversary").inner_text() == "2027-07-10"
        assert "签注已办理" in page.get_by_role("status").first.inner_text()


def test_endorse_after_suspension_restarts_the_residence_period(
    web: Any, wang: Permit, supervisor: User
) -> None:
    with today_is(date(2026, 7, 11)):  # the first day after the window
        services.permits_sweep(on=date(2026, 7, 11), actor=supervisor)
    web.sign_in("clerk", PASSWORD)
    with today_is(date(2026, 7, 11)):
        web.page.goto(person_path(wang))
        assert web.page.get_by_test_id("window-state").get_attribute("data-state") == "late"
        assert "中止" in web.page.get_by_test_id("permit-status").inner_text()
        preview = endorse(web, wang)
        assert preview.get_attribute("data-kind") == "late"
        assert "2025-07-10 → 2026-07-11" in preview.get_by_test_id("preview-residence").inner_text()
        assert "重新计算" in preview.inner_text()
        assert "LH-3.2-endorse-late" in preview.inner_text()
        with web.page.expect_navigation(url=f"**{person_path(wang)}"):
            web.page.get_by_test_id("endorse-confirm").click()
        page = web.page
        assert page.get_by_test_id("residence-since").inner_text().startswith("2026-07-11")
        assert page.get_by_test_id("permit-status").inner_text() == "有效"
        assert page.get_by_test_id("next-anniversary").inner_text() == "2027-07-10"


def test_reissue_of_a_lost_card_with_the_fee(web: Any, wang: Permit, clerk: User, supervisor: User) -> None:
    web.sign_in("clerk", PASSWORD)
    with today_is(date(2026, 1, 20)):
        page = web.page
        page.goto(person_path(wang))
        page.get_by_test_id("action-apply").click()
        panel = page.get_by_test_id("panel-apply")
        panel.get_by_label("补领", exact=True).check()
        page.get_by_test_id("apply-reason").select_option("lost")
        for label in ("申请人居民身份证", "本人近期相片"):
            page.get_by_test_id("panel-apply").get_by_label(label, exact=True).check()
        page.get_by_test_id("apply-preview-button").click()
        assert "20 元" in page.get_by_test_id("apply-fee").inner_text()
        assert "齐全" in page.get_by_test_id("apply-missing").inner_text()
        page.get_by_test_id("apply-confirm").click()
        page.wait_for_url(re.compile(r"/hall/applications/\d+/$"))
        app = Application.objects.get(person=wang.person, kind="reissue")
        assert page.url.endswith(f"/hall/applications/{app.pk}/")
        assert (app.reissue_reason, app.status, app.old_permit_id) == ("lost", "received", wang.pk)
        # The case page is another area's: finish the issue through the services.
        services.application_accept(actor=clerk, application_id=app.pk)
        services.application_approve(actor=supervisor, application_id=app.pk)
        services.fee_charge(actor=clerk, application_id=app.pk, amount=Decimal("20"))
        new = services.application_issue(actor=clerk, application_id=app.pk)
        page.goto(person_path(wang))
        assert page.get_by_test_id("permit-number").inner_text().startswith(new.number)
        assert page.get_by_test_id("permit-status").inner_text() == "有效"
        history = page.get_by_test_id("history")
        voided = history.locator('tr[data-event="voided"]')
        assert wang.number in voided.inner_text() and "作废" in voided.inner_text()
        assert "2025-07-10" in page.get_by_test_id("issue-date").inner_text()  # carried over (LH-3.2-replace)


def test_the_person_page_fits_a_phone(phone: Any, wang: Permit) -> None:
    phone.sign_in("clerk", PASSWORD)
    with today_is(date(2026, 7, 1)):
        phone.page.goto(person_path(wang))
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
        assert phone.page.get_by_test_id("window-state").is_visible()
