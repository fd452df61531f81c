"""The holder's journeys in a real browser: the pair and the code, the window and the QR; a suspended permit;
the reminders contact, a new mobile number confirmed by a code sent to it."""

from __future__ import annotations

from datetime import date

from juzhu.accounts.models import Role
from juzhu.applicants.tests.helpers import last_code
from juzhu.registry import services
from juzhu.registry.models import Permit
from juzhu.registry.tests.factories import identity_number, issued_permit, staff, station, today_is

D = date
IDENT = identity_number(D(1990, 5, 17), 123)
MOBILE = "13800138000"  # recorded by the station: the codes go there


def a_permit() -> Permit:
    station()
    clerk = staff("clerk", Role.CLERK)
    supervisor = staff("supervisor", Role.SUPERVISOR)
    return issued_permit(
        clerk, supervisor, number=IDENT, registered_on=D(2024, 8, 1), issued_on=D(2025, 3, 10), phone=MOBILE
    )


def enter_pair(page, number: str, ident: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/permit/")
    page.get_by_label("居住证编号").fill(number)
    page.get_by_label("公民身份号码").fill(ident)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_load_state()


def give_code(page, to: str = MOBILE) -> None:  # type: ignore[no-untyped-def]
    """The one screen for the code: the last digits of the phone, the code as the SMS says it."""
    assert to[-4:] in page.get_by_test_id("code-sent-to").inner_text()
    page.get_by_label("验证码（6位数字）").fill(last_code(to))
    page.get_by_role("button", name="确认").click()
    page.wait_for_load_state()


def test_the_holder_enters_the_pair_and_sees_the_qr_and_the_window(web) -> None:  # type: ignore[no-untyped-def]
    permit = a_permit()
    page = web.page
    with today_is(D(2026, 2, 10)):
        enter_pair(page, permit.number, identity_number(D(1990, 5, 17), 124))
        assert "没有与该居住证编号和公民身份号码相符的居住证" in page.get_by_test_id("problem").inner_text()
        enter_pair(page, permit.number, IDENT)
        assert page.get_by_test_id("code-screen").is_visible()  # the pair alone shows nothing
        assert permit.card_name not in page.content()
        assert page.get_by_test_id("code-resend").is_disabled()  # for a minute
        give_code(page)
        assert page.get_by_test_id("permit-status").inner_text() == "有效"
        assert page.get_by_test_id("window-opens").inner_text() == "2026-02-08"
        assert page.get_by_test_id("window-closes").inner_text() == "2026-03-10"
        assert "正在签注期内" in page.get_by_test_id("window-phase").inner_text()
        qr = page.get_by_test_id("epermit-qr").locator("svg")
        assert qr.count() == 1 and qr.is_visible()
        box = qr.bounding_box()
        assert box is not None and box["width"] > 100
        assert page.get_by_test_id("residence-since").inner_text() == "2025-03-10"
        # The QR's address opens the public verification page.
        page.get_by_test_id("epermit-link").click()
        page.wait_for_load_state()
        assert page.get_by_role("status").inner_text().strip() == "有效"


def test_a_suspended_permit_shows_its_status_and_what_to_do_on_a_phone(phone) -> None:  # type: ignore[no-untyped-def]
    permit = a_permit()
    with today_is(D(2026, 3, 11)):
        services.permits_sweep(on=D(2026, 3, 11))
    page = phone.page
    with today_is(D(2026, 3, 20)):
        enter_pair(page, permit.number, IDENT)
        give_code(page)
        assert "中止" in page.get_by_test_id("permit-status").inner_text()
        block = page.get_by_test_id("holder-suspended")
        assert block.is_visible()
        text = block.inner_text()
        assert "2026-03-11" in text and "补办签注" in text and "LH-3.2-endorse-late" in text
        assert page.get_by_test_id("suspended-bring").locator("li").count() >= 3
        assert page.get_by_test_id("window-phase").get_attribute("data-phase") == "late"
        # Nothing wider than the phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390


def test_the_reminder_contact_is_refused_in_place_then_a_new_number_confirmed(web) -> None:  # type: ignore[no-untyped-def]
    permit = a_permit()
    page = web.page
    with today_is(D(2026, 1, 15)):
        enter_pair(page, permit.number, IDENT)
        give_code(page)
        page.get_by_label("手机号码").fill("12345")
        page.get_by_role("button", name="保存联系方式").click()
        problem = page.get_by_test_id("holder-contact").get_by_test_id("problem")
        problem.wait_for()
        assert "手机号码应为11位" in problem.inner_text() and "LH-3.2-endorse-window" in problem.inner_text()
        assert page.get_by_label("手机号码").get_attribute("aria-invalid") == "true"
        # A new number: a code goes to it, and it is saved once that code comes back.
        page.get_by_label("手机号码").fill("13900001111")
        with page.expect_navigation():
            page.get_by_role("button", name="保存联系方式").click()
        assert page.get_by_test_id("code-screen").get_attribute("data-purpose") == "contact"
        give_code(page, to="13900001111")
        assert "新手机号码已确认" in page.locator(".messages").inner_text()
        assert page.get_by_label("手机号码").input_value() == "13900001111"
    permit.person.refresh_from_db()
    assert permit.person.phone == "13900001111"
