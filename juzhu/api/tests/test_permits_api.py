"""Permits over HTTP: the card, its history, endorsement, address change and the daily sweep."""

from __future__ import annotations

from datetime import date

from juzhu.api.tests.helpers import (
    ADDRESS,
    ENDORSE_DOCS,
    PERMIT_2025_1,
    WANG,
    problem,
    wang_permit,
)
from juzhu.registry import services
from juzhu.registry.models import Permit, PermitHistory, ResidenceRegistration
from juzhu.registry.tests.factories import today_is

CHANGE_DOCS = ["permit_card", "identity_card", "tenancy_contract"]


def test_permit_detail_shows_the_card_and_its_endorsement_window(as_clerk, clerk, supervisor):
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 1, 15)):
        r = as_clerk.get(f"/permits/{PERMIT_2025_1}")
        en = as_clerk.get(f"/permits/{PERMIT_2025_1}", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200, r.content
    p = r.json()
    assert p["number"] == PERMIT_2025_1
    assert (p["status"], p["status_label"]) == ("valid", "有效")
    assert en.json()["status_label"] == "valid"
    assert (p["name"], p["identity_number"], p["residence_address"]) == ("王小明", WANG, ADDRESS)
    assert p["issue_date"] == p["residence_since"] == "2025-07-10"
    # Window: opens 2026-07-10 − 30 days = 2026-06-10; last day Fri 2026-07-10 itself, a working day.
    assert p["endorsement_window"] == {
        "anniversary": "2026-07-10",
        "opens": "2026-06-10",
        "last_day": "2026-07-10",
        "rules": ["LH-3.2-endorse-window", "T-month-end"],
    }


def test_permit_detail_accepts_a_number_typed_with_spaces_and_dashes(as_clerk, clerk, supervisor):
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 1, 15)):
        r = as_clerk.get("/permits/150802-2025-0000001-0")
    assert r.status_code == 200, r.content
    assert r.json()["number"] == PERMIT_2025_1


def test_permit_history_lists_the_events_in_order(as_clerk, clerk, supervisor):
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 7, 1)):
        services.permit_endorse(actor=clerk, number=PERMIT_2025_1, documents=ENDORSE_DOCS)
        r = as_clerk.get(f"/permits/{PERMIT_2025_1}/history")
    assert r.status_code == 200, r.content
    assert r.json() == [
        {
            "seq": 1,
            "event": "issued",
            "effective_on": "2025-07-10",
            "from_status": "",
            "to_status": "valid",
            "residence_since": "2025-07-10",
            "rule": "LH-3.2-issue-15d",
            "data": {"application": "SQ20250000001"},
        },
        {
            "seq": 2,
            "event": "endorsed",
            "effective_on": "2026-07-01",
            "from_status": "valid",
            "to_status": "valid",
            "residence_since": None,
            "rule": "LH-3.2-endorse-window",
            "data": {"next_anniversary": "2027-07-10"},
        },
    ]


def test_endorse_on_time_moves_the_anniversary_a_year_on(as_clerk, clerk, supervisor):
    wang_permit(clerk, supervisor)
    # Endorsed 2026-07-01: current up to the first anniversary later than 2026-07-31, i.e. 2027-07-10.
    with today_is(date(2026, 7, 1)):
        r = as_clerk.post(f"/permits/{PERMIT_2025_1}/endorse", {"documents": ENDORSE_DOCS})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["kind"] == "on_time"
    assert body["rules"] == ["LH-3.2-endorse-window", "T-month-end"]
    assert body["next_anniversary"] == "2027-07-10"
    assert body["residence_since"] == "2025-07-10"  # continues (not late)
    assert body["suspended_from"] is None
    assert body["permit"]["next_anniversary"] == "2027-07-10"
    assert body["permit"]["endorsement_window"]["opens"] == "2027-06-10"


def test_endorse_on_the_day_the_window_opens(as_clerk, clerk, supervisor):
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 6, 10)):
        r = as_clerk.post(f"/permits/{PERMIT_2025_1}/endorse", {"documents": ENDORSE_DOCS})
    assert r.status_code == 200, r.content
    assert r.json()["kind"] == "on_time"


def test_endorse_before_the_window_is_409_with_the_opening_date(as_clerk, clerk, supervisor):
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 6, 9)):  # the last bad day: the window opens 2026-06-10
        r = as_clerk.post(f"/permits/{PERMIT_2025_1}/endorse", {"documents": ENDORSE_DOCS})
        r_en = as_clerk.post(
            f"/permits/{PERMIT_2025_1}/endorse", {"documents": ENDORSE_DOCS}, HTTP_ACCEPT_LANGUAGE="en"
        )
    body = problem(r, 409, "endorse-too-early", rule="LH-3.2-endorse-window")
    assert body["context"] == {"opens": "2026-06-10", "anniversary": "2026-07-10"}
    assert body["detail"] == "签注期为签发每满1年之日前30日内，本次签注自2026-06-10起方可办理。"
    assert problem(r_en, 409, "endorse-too-early")["detail"] == (
        "Endorsement is possible within the 30 days before the anniversary; this one opens on 2026-06-10."
    )
    assert PermitHistory.objects.filter(event="endorsed").count() == 0


def test_endorse_late_restores_a_suspended_permit_and_restarts_the_residence_period(
    as_clerk, as_supervisor, clerk, supervisor
):
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 7, 12)):
        as_supervisor.post("/sweeps", {"on": "2026-07-12"})
    # Suspended from 2026-07-11.  Late endorsement on 2026-08-03 (LH-3.2-endorse-late): residence since
    # that day; current up to the first anniversary later than 2026-09-02, i.e. 2027-07-10.
    with today_is(date(2026, 8, 3)):
        r = as_clerk.post(f"/permits/{PERMIT_2025_1}/endorse", {"documents": ENDORSE_DOCS})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["kind"] == "late"
    assert body["rules"][:2] == ["LH-3.2-endorse-overdue", "LH-3.2-endorse-late"]
    assert body["suspended_from"] == "2026-07-11"
    assert body["residence_since"] == "2026-08-03"
    assert body["next_anniversary"] == "2027-07-10"
    assert body["permit"]["status"] == "valid"
    assert body["permit"]["suspended_on"] is None
    assert body["permit"]["residence_since_rule"] == "LH-3.2-endorse-late"


def test_endorse_without_the_permit_card_lists_what_is_missing(as_clerk, clerk, supervisor):
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 7, 1)):
        r = as_clerk.post(f"/permits/{PERMIT_2025_1}/endorse", {"documents": ["identity_card"]})
    body = problem(r, 422, "materials-incomplete", rule="LH-3.2-endorse-window")
    assert body["fields"] == ["documents"]
    assert [x["code"] for x in body["reasons"]] == ["missing-permit_card", "missing-condition_evidence"]


def test_address_change_within_the_county_keeps_the_dates(as_clerk, clerk, supervisor):
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 2, 10)):
        r = as_clerk.post(
            f"/permits/{PERMIT_2025_1}/address-change",
            {
                "new_address": "临河区胜利路8号",
                "new_division": "150802",
                "police_station": "150802001",
                "moved_on": "2026-02-06",
                "documents": CHANGE_DOCS,
            },
        )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["relation"], body["rule"]) == ("same_county", "LH-3.2-change-same-county")
    assert body["explanation"] == "同一县级行政区域内变更：签发日期不变，居住年限连续计算。"
    assert (body["issue_date"], body["residence_since"], body["new_card"]) == (
        "2025-07-10",
        "2025-07-10",
        False,
    )
    assert body["permit"]["residence_address"] == "临河区胜利路8号"
    assert body["permit"]["next_anniversary"] == "2026-07-10"
    # The change of registration carries the 3-day duty (LH-4-register-3d): moved Fri 02-06, due Mon
    # 02-09 (02-09 is a working day), declared Tue 02-10 — one day late, so it reaches enforcement.
    reg = ResidenceRegistration.objects.get(kind="change")
    assert (reg.arrived_on, reg.due_on, reg.declared_on, reg.on_time) == (
        date(2026, 2, 6), date(2026, 2, 9), date(2026, 2, 10), False,
    )  # fmt: skip


def test_a_move_within_the_district_must_name_the_police_station(as_clerk, clerk, supervisor):
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 2, 10)):
        r = as_clerk.post(
            f"/permits/{PERMIT_2025_1}/address-change",
            {"new_address": "临河区胜利路8号", "new_division": "150802", "documents": CHANGE_DOCS},
        )
    assert problem(r, 422, "police-station-required", rule="LH-4-register-3d")["fields"] == ["police_station"]


def test_a_city_code_is_not_a_new_address_division(as_clerk, clerk, supervisor):
    """150800 is 巴彦淖尔市 itself: no county, so it must not reset the dates as a same-city move."""
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 2, 10)):
        r = as_clerk.post(
            f"/permits/{PERMIT_2025_1}/address-change",
            {"new_address": "巴彦淖尔市", "new_division": "150800", "documents": CHANGE_DOCS},
        )
    assert problem(r, 422, "division-not-county")["fields"] == ["new_division"]
    assert Permit.objects.get(number=PERMIT_2025_1).issue_date == date(2025, 7, 10)


def test_address_change_to_another_county_of_the_city_restarts_the_dates(as_clerk, clerk, supervisor):
    wang_permit(clerk, supervisor)
    # 150821 五原县 is in 巴彦淖尔市 like 临河区: LH-3.2-change-same-city, issue date := change date.
    with today_is(date(2026, 2, 10)):
        r = as_clerk.post(
            f"/permits/{PERMIT_2025_1}/address-change",
            {"new_address": "五原县隆兴昌镇1号", "new_division": "150821", "documents": CHANGE_DOCS},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["relation"], body["rule"]) == ("same_city", "LH-3.2-change-same-city")
    assert body["explanation"] == (
        "Another county of the same city: the issue date becomes the change date 2026-02-10; "
        "the residence period restarts."
    )
    assert body["issue_date"] == body["residence_since"] == "2026-02-10"
    assert body["permit"]["residence_division"] == "150821"
    assert body["permit"]["next_anniversary"] == "2027-02-10"


def test_address_change_to_an_unknown_division_names_new_division(as_clerk, clerk, supervisor):
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 2, 10)):
        r = as_clerk.post(
            f"/permits/{PERMIT_2025_1}/address-change",
            {"new_address": "某地", "new_division": "159999", "documents": CHANGE_DOCS},
        )
    assert problem(r, 422, "division-unknown", rule="LH-3.1-hukou")["fields"] == ["new_division"]


def test_sweep_suspends_from_the_day_after_the_last_day(as_supervisor, clerk, supervisor):
    wang_permit(clerk, supervisor)
    # Last day of the window: Fri 2026-07-10.  Suspended from 2026-07-11 (LH-3.2-endorse-overdue).
    with today_is(date(2026, 7, 11)):
        on_last_day = as_supervisor.post("/sweeps", {"on": "2026-07-10"})
        day_after = as_supervisor.post("/sweeps", {"on": "2026-07-11"})
        rerun = as_supervisor.post("/sweeps", {})  # "on" defaults to today; nothing left to do
    assert on_last_day.status_code == 200, on_last_day.content
    assert on_last_day.json() == {
        "on": "2026-07-10",
        "rolled": 0,
        "suspended": 0,
        "rule": "LH-3.2-endorse-overdue",
    }
    assert day_after.json()["suspended"] == 1
    assert rerun.json() == {"on": "2026-07-11", "rolled": 0, "suspended": 0, "rule": "LH-3.2-endorse-overdue"}
    permit = Permit.objects.get(number=PERMIT_2025_1)
    assert (permit.status, permit.suspended_on) == ("suspended", date(2026, 7, 11))


def test_sweep_is_for_supervisors_only(as_clerk, db):
    r = as_clerk.post("/sweeps", {"on": "2026-07-11"})
    problem(r, 403, "forbidden", rule="N-8-authority")


def test_suspended_permit_cannot_change_address_409(as_clerk, as_supervisor, clerk, supervisor):
    wang_permit(clerk, supervisor)
    with today_is(date(2026, 7, 12)):
        as_supervisor.post("/sweeps", {"on": "2026-07-12"})
        r = as_clerk.post(
            f"/permits/{PERMIT_2025_1}/address-change",
            {
                "new_address": "临河区胜利路8号",
                "new_division": "150802",
                "police_station": "150802001",
                "documents": CHANGE_DOCS,
            },
        )
    problem(r, 409, "permit-transition", rule="LH-3.2-endorse-overdue")
