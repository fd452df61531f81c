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
