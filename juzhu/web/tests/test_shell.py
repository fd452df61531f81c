"""Server-side checks of the page frame (no browser)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from django.test import Client

from juzhu.accounts.models import Role
from juzhu.policy.parameters import LINHE
from juzhu.registry.tests.factories import staff

pytestmark = pytest.mark.django_db


def test_anonymous_start_page_is_the_portal_and_links_no_outside_asset(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "临河区居住证网上服务" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "an asset from outside the server"


def test_english_by_accept_language(client: Client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Linhe District residence permits online" in html


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.CLERK, "/hall/"),
        (Role.SUPERVISOR, "/hall/"),
        (Role.EMPLOYER, "/employer/"),
        (Role.DEPARTMENT, "/department/"),
    ],
)
def test_signed_in_staff_start_on_their_role_page(client: Client, role: str, home: str) -> None:
    client.force_login(staff("u1", role))
    assert client.get("/")["Location"] == home


def test_staff_pages_send_anonymous_visitors_to_sign_in(client: Client) -> None:
    response = client.get("/hall/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/hall/")


@pytest.mark.parametrize(
    "path",
    ["/hall/", "/hall/find/?q=510121199005171238", "/hall/persons/1/", "/hall/register/", "/dashboard/"],
)
def test_staff_of_another_county_see_no_page_of_this_one(client: Client, path: str) -> None:
    client.force_login(staff("wuyuan", Role.SUPERVISOR, division="150821"))
    response = client.get(path)
    assert response.status_code == 403
    assert "该页面不属于当前账号的辖区" in response.content.decode()


def test_the_role_is_named_in_the_request_language(client: Client) -> None:
    client.force_login(staff("c1", Role.CLERK))
    assert "c1 · 窗口民警/辅警" in client.get("/hall/").content.decode()
    assert "c1 · clerk" in client.get("/hall/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_start_page_states_the_registration_period_of_the_policy(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("juzhu.registry.selectors.LINHE", replace(LINHE, registration_months=12))
    assert "居住登记后满12个月" in client.get("/").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "lived in Linhe for 12 months after registering" in english
    monkeypatch.undo()
    assert "居住登记后满6个月" in client.get("/").content.decode()


def test_every_script_and_style_of_the_frame_is_served_here(client: Client) -> None:
    html = client.get("/").content.decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any("htmx" in a for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
