"""Browser journey: a supervisor opens the dashboard, reads the charts, filters by a station
(htmx swaps the panels and the address keeps the filter) and downloads a CSV file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from juzhu.registry.tests.factories import today_is
from juzhu.web.tests.test_dashboard import TODAY, XINHUA, build

PASSWORD = "x-unused-password-1"


def test_a_supervisor_filters_by_station_and_downloads_a_csv(web) -> None:
    build()
    page = web.page
    with today_is(TODAY):
        web.sign_in("supervisor", PASSWORD)
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="统计看板").click()
        page.wait_for_load_state()
        assert page.url.endswith("/dashboard/")
        assert page.get_by_role("heading", level=1).inner_text() == "统计看板"
        for slug in ("permits", "issue-15d", "endorsements", "employers"):
            chart = page.get_by_test_id(f"chart-{slug}")
            expect(chart).to_be_visible()
            assert chart.evaluate("e => e.tagName") == "svg"
        expect(page.get_by_role("img", name="居住证按状态")).to_be_visible()
        assert page.get_by_test_id("scope").inner_text().startswith("全区")
        # The data table behind a chart opens from its <details>.
        page.get_by_test_id("table-issue-details").locator("summary").click()
        expect(page.get_by_test_id("table-issue-15d")).to_be_visible()

        page.evaluate("window.stillTheSamePage = true")
        page.get_by_label("派出所", exact=True).select_option(XINHUA)
        expect(page.get_by_test_id("scope")).to_contain_text("新华派出所")
        assert f"station={XINHUA}" in page.url
        assert page.evaluate("window.stillTheSamePage") is True, "htmx swapped the panels, no reload"
        assert page.get_by_test_id("tile-issue-share").inner_text() == "0.0%"

        with page.expect_download() as info:
            page.get_by_test_id("csv-issue-15d").click()
        download = info.value
        assert download.suggested_filename == f"juzhu-issue-15d-{XINHUA}-202511-202610.csv"
        raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *body = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[0] == "月份" and body == [["2026-09", XINHUA, "新华派出所", "1", "0", "1", "0.0"]]


def test_the_dashboard_fits_a_phone_and_a_bad_month_is_refused_in_place(phone) -> None:
    build()
    page = phone.page
    with today_is(TODAY):
        phone.sign_in("supervisor", PASSWORD)
        page.goto("/dashboard/")
        expect(page.get_by_test_id("chart-permits")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.goto("/dashboard/?from=2026-10&to=2026-09")
        problem = page.get_by_test_id("problem")
        expect(problem).to_contain_text("起始月份晚于截止月份")
        assert problem.get_attribute("data-rule") == "T-zone"
