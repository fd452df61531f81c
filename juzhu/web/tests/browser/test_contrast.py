"""Text contrast fit for a service hall: every visible text meets WCAG 2.1 AA (4.5:1, large text 3:1).

Computed in the browser from the rendered colours (text over the nearest opaque background), on
the main pages of each role, at the service-hall PC's size.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juzhu.accounts.models import Role
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.tests.factories import FIRST_DOCS, identity_number, registered, staff, station, today_is

LOW_CONTRAST = """
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(',').map((x) => parseFloat(x));
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('svg, [disabled], .skip')) continue;
    const cs = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (cs.visibility === 'hidden' || box.width === 0 || box.height === 0) continue;
    const fg = parse(cs.color), bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const text = node.textContent.trim().slice(0, 30);
    if (ratio < need) low.push(`${text} ${ratio.toFixed(2)} ${cs.color} on rgb(${bg.r},${bg.g},${bg.b})`);
  }
  return low;
}
"""


@pytest.fixture
def case(transactional_db: None) -> Any:
    station()
    clerk = staff("clerk1", Role.CLERK)
    staff("boss", Role.SUPERVISOR)
    number = identity_number(date(1990, 5, 17))
    registered(clerk, number=number, registered_on=date(2025, 8, 1))
    with today_is(date(2026, 3, 2)):
        app = services.application_submit(
            actor=clerk,
            kind=CaseKind.FIRST_ISSUE,
            identity_number=number,
            police_station="150802001",
            documents=FIRST_DOCS,
        )
        services.application_accept(actor=clerk, application_id=app.pk)
    return app


def low_contrast(web: Any, path: str) -> list[str]:
    web.page.goto(path)
    return web.page.evaluate(LOW_CONTRAST)


def test_public_pages_have_enough_contrast(web: Any) -> None:
    for path in ("/", "/guide/", "/check/", "/apply/", "/progress/", "/permit/", "/login/"):
        assert low_contrast(web, path) == [], path


def test_staff_pages_have_enough_contrast(web: Any, case: Any) -> None:
    with today_is(date(2026, 3, 10)):
        web.sign_in("boss", "x-unused-password-1")
        for path in (
            "/hall/",
            f"/hall/applications/{case.pk}/",
            "/hall/find/",
            f"/hall/persons/{case.person_id}/",
            "/dashboard/",
        ):
            assert low_contrast(web, path) == [], path


def test_the_check_finds_grey_on_white(web: Any) -> None:
    """The measure itself: #999 on white is 2.85:1 and is reported."""
    web.page.goto("/")
    web.page.add_style_tag(content=".hint { color: #999 !important; background: #fff; }")
    found = web.page.evaluate(LOW_CONTRAST)
    assert found and all("2.85" in f for f in found)
