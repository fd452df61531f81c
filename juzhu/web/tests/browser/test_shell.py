"""The frame every page shares: start page, staff sign-in by role, language switch."""

from __future__ import annotations

from juzhu.accounts.models import Role
from juzhu.registry.tests.factories import staff


def test_the_start_page_is_the_applicant_portal_in_chinese_and_switches_to_english(web) -> None:
    page = web.page
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", level=1).inner_text() == "临河区居住证网上服务"
    page.get_by_test_id("lang-switch").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Linhe District residence permits online"
    page.get_by_test_id("lang-switch").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "临河区居住证网上服务"


def test_a_wrong_password_is_refused_on_the_page(web) -> None:
    staff("clerk1", Role.CLERK)
    web.sign_in("clerk1", "not-the-password")
    assert "用户名或密码不正确" in web.page.get_by_test_id("problem").inner_text()


def test_an_employer_signs_in_and_sees_only_the_employer_pages(web) -> None:
    staff("hr1", Role.EMPLOYER)
    web.sign_in("hr1", "x-unused-password-1")
    assert web.page.url.endswith("/employer/")
    response = web.page.goto("/hall/")
    assert response.status == 403
    assert "当前账号无权打开此页面" in web.page.get_by_test_id("problem").inner_text()
    nav = web.page.get_by_role("navigation", name="主导航")
    assert nav.get_by_role("link").all_inner_texts() == ["本单位"]


def test_a_clerk_signs_in_and_finds_a_person_with_the_keyboard_only(web) -> None:
    from datetime import date

    from juzhu.registry.tests.factories import identity_number, issued_permit, station

    station()
    clerk = staff("clerk1", Role.CLERK)
    permit = issued_permit(
        clerk, staff("boss", Role.SUPERVISOR), number=identity_number(date(1990, 5, 17)),
        registered_on=date(2025, 8, 1), issued_on=date(2026, 3, 2),
    )  # fmt: skip
    page = web.page
    page.goto("/login/")
    page.keyboard.type("clerk1")  # the username field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type("x-unused-password-1")
    page.keyboard.press("Enter")
    page.wait_for_url("**/hall/")
    page.goto("/hall/find/")
    page.keyboard.type(permit.number)  # the search box has the focus, as a QR scanner needs
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/hall/persons/{permit.person_id}/")
    assert permit.number in page.content()
    # The first Tab reaches the skip link, which jumps over the navigation to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"


def test_with_debug_on_a_not_found_shows_in_place_and_the_page_stays(web, settings) -> None:
    """`make run` serves with DEBUG on: a 404 fragment must not replace the whole page."""
    settings.DEBUG = True
    from juzhu.registry.tests.factories import station

    station()
    staff("clerk1", Role.CLERK)
    web.sign_in("clerk1", "x-unused-password-1")
    page = web.page
    page.goto("/hall/find/")
    page.keyboard.type("510121199005171238")
    page.keyboard.press("Enter")
    problem = page.get_by_test_id("problem")
    problem.wait_for()
    assert "没有居住登记记录" in problem.inner_text()
    assert page.get_by_role("navigation", name="主导航").is_visible()


def test_on_a_phone_the_find_page_the_start_page_and_the_guide_are_no_wider_than_the_screen(phone) -> None:
    """390 px wide: inputs stay within their container and tables stack or scroll inside their box."""
    from juzhu.registry.tests.factories import station

    station()
    staff("c", Role.CLERK)
    phone.sign_in("c", "x-unused-password-1")
    page = phone.page
    for path in ("/hall/find/", "/", "/guide/"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px phone"
    page.goto("/hall/find/")
    box = page.get_by_test_id("find-q").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
