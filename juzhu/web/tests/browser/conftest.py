"""Real-browser journeys: Playwright driving Debian's Chromium against Django's live server.

Without Chromium these tests skip with a message saying what to install (``-rs`` prints it);
CI sets ``JUZHU_REQUIRE_BROWSER=1`` so a missing browser fails the run instead.  Every page
load is checked to fetch nothing from outside the server (district intranets have no internet).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 768}  # the service-hall PC
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("JUZHU_CHROMIUM", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        message = (
            "browser journeys need Chromium: none at $JUZHU_CHROMIUM or /usr/bin/chromium "
            "(install Debian's package: apt-get install chromium)"
        )
        if os.environ.get("JUZHU_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test body's ORM calls are
    # still synchronous, one at a time, so Django's async-safety guard is lifted for them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield b
        b.close()


class Session:
    """One browser context on the live server, recording any request that leaves it."""

    def __init__(self, browser: Any, base_url: str, viewport: dict[str, int], locale: str) -> None:
        self.base_url = base_url
        self.external: list[str] = []
        self.page_errors: list[str] = []
        self.context = browser.new_context(
            base_url=base_url, viewport=viewport, locale=locale, accept_downloads=True
        )
        self.context.set_default_timeout(10_000)
        host = urlsplit(base_url).netloc
        self.context.route("**/*", self._route(host))
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def _route(self, host: str) -> Any:
        def handle(route: Any) -> None:
            url = route.request.url
            if urlsplit(url).netloc == host or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                self.external.append(url)
                route.abort()

        return handle

    def sign_in(self, username: str, password: str) -> None:
        page = self.page
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()

    def close(self) -> None:
        self.context.close()
        assert self.external == [], f"pages fetched from outside the server: {self.external}"
        assert self.page_errors == [], f"script errors on the pages: {self.page_errors}"


def _session(
    request: pytest.FixtureRequest, browser: Any, live_server: Any, viewport: dict[str, int]
) -> Iterator[Session]:
    locale = getattr(request, "param", "zh-CN")
    s = Session(browser, live_server.url, viewport, locale)
    yield s
    s.close()


@pytest.fixture
def web(request: pytest.FixtureRequest, browser: Any, live_server: Any) -> Iterator[Session]:
    """A desktop browser session (1366×768, zh-CN) on the live server."""
    yield from _session(request, browser, live_server, DESKTOP)


@pytest.fixture
def phone(request: pytest.FixtureRequest, browser: Any, live_server: Any) -> Iterator[Session]:
    """A phone-sized browser session (390×844, zh-CN)."""
    yield from _session(request, browser, live_server, PHONE)
