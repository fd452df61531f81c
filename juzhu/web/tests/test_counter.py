"""The service hall's counter pages, server-side: find, the person's record, and each action's
preview and confirm steps, refusals with their rule, and the date boundaries the page shows.

王小明 (the factories' default person): registered 2025-01-10, permit issued Thu 2025-07-10.
First anniversary Fri 2026-07-10, a working day: the endorsement window runs 2026-06-10 to
2026-07-10; an unendorsed permit is suspended from Sat 2026-07-11.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import pytest
from django.contrib.auth.models import User
from django.test import Client

from juzhu.accounts.models import Role
from juzhu.enforcement.models import Case
from juzhu.epermit.services import permit_token
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.models import Application, Permit, Person, ResidenceRegistration
from juzhu.registry.tests.factories import (
    identity_number,
    issued_permit,
    new_card,
    registered,
    staff,
    station,
    today_is,
)
from juzhu.sharing.services import entitlement_share
from juzhu.sharing.tests.factories import education

pytestmark = pytest.mark.django_db

WANG = identity_number(date(1990, 5, 17))
LI = identity_number(date(1985, 11, 3), seq=246)
PERMIT = "150802202500000010"  # the first permit of 2025 (ISO 7064 MOD 11-2 check character 0)
ENDORSE_DOCS = ["permit_card", "identity_card", "tenancy_contract"]
CHANGE_DOCS = ENDORSE_DOCS
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk(client: Client, clerk: User) -> Client:
    client.force_login(clerk)
    return client


@pytest.fixture
def wang(clerk: User, supervisor: User) -> Permit:
    return issued_permit(
        clerk, supervisor, number=WANG, registered_on=date(2025, 1, 10), issued_on=date(2025, 7, 10)
    )


def html(response: Any) -> str:
    return str(response.content.decode())


def person_url(permit: Permit) -> str:
    return f"/hall/persons/{permit.person_id}/"


# --------------------------------------------------------------------------- access


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, wang: Permit) -> None:
    for url in ("/hall/find/", person_url(wang), f"{person_url(wang)}endorse/", "/hall/register/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_an_employer_or_a_department_may_not_open_the_counter(client: Client, wang: Permit) -> None:
    for role in (Role.EMPLOYER, Role.DEPARTMENT):
        client.force_login(staff(f"u-{role}", role))
        for url in ("/hall/find/", person_url(wang)):
            response = client.get(url)
            assert response.status_code == 403
            assert "N-8-authority" in html(response)


def test_a_system_account_reads_no_person(client: Client, wang: Permit) -> None:
    client.force_login(staff("sys", Role.SYSTEM))
    assert client.get(person_url(wang)).status_code == 403


# --------------------------------------------------------------------------- find


def test_the_find_page_has_one_autofocused_box(desk: Client) -> None:
    page = html(desk.get("/hall/find/"))
    assert 'id="q"' in page and "autofocus" in page
    assert '<label for="q">' in page


def test_find_by_identity_number_opens_the_person(desk: Client, wang: Permit) -> None:
    response = desk.get("/hall/find/", {"q": WANG})
    assert response.status_code == 302
    assert response["Location"] == person_url(wang)


def test_find_by_permit_number_typed_with_dashes(desk: Client, wang: Permit) -> None:
    response = desk.get("/hall/find/", {"q": "150802-2025-0000001-0"})
    assert response["Location"] == person_url(wang)


def test_find_by_scanned_qr_address_and_by_bare_token(desk: Client, wang: Permit) -> None:
    token = permit_token(wang)
    assert desk.get("/hall/find/", {"q": f"http://hall.example/v/{token}"})["Location"] == person_url(wang)
    assert desk.get("/hall/find/", {"q": token})["Location"] == person_url(wang)


def test_a_tampered_token_is_refused_with_the_inspection_rule(desk: Client, wang: Permit) -> None:
    token = permit_token(wang)
    bad = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = desk.get("/hall/find/", {"q": f"/v/{bad}"})
    assert response.status_code == 422
    assert "LH-4-inspection" in html(response)


def test_an_htmx_find_redirects_the_browser(desk: Client, wang: Permit) -> None:
    response = desk.get("/hall/find/", {"q": WANG}, **HX)
    assert response["HX-Redirect"] == person_url(wang)


def test_an_unregistered_identity_number_is_404_with_a_link_to_register(desk: Client) -> None:
    response = desk.get("/hall/find/", {"q": LI})
    assert response.status_code == 404
    page = html(response)
    assert "LH-4-register-3d" in page and "没有居住登记记录" in page
    assert f"/hall/register/?identity_number={LI}" in page


def test_a_mistyped_number_is_422_naming_both_checks(desk: Client) -> None:
    response = desk.get("/hall/find/", {"q": WANG[:-1] + ("0" if WANG[-1] != "0" else "1")})
    assert response.status_code == 422
    page = html(response)
    assert "LH-3.1-identity" in page and "LH-3.2-replace" in page


def test_a_short_input_is_422(desk: Client) -> None:
    response = desk.get("/hall/find/", {"q": "12345"}, **HX)
    assert response.status_code == 422
    assert 'data-rule="LH-3.1-identity"' in html(response)


def test_an_unknown_permit_number_is_404(desk: Client, wang: Permit) -> None:
    response = desk.get("/hall/find/", {"q": "150802202500009998"})
    assert response.status_code == 404
    assert "LH-3.2-replace" in html(response)


# --------------------------------------------------------------------------- the person page


def test_the_person_page_shows_facts_registration_permit_and_window(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 1, 15)):
        page = html(desk.get(person_url(wang)))
    assert WANG in page  # the full number on the person's own record (staff)
    assert "王小明" in page and "四川省成都市金堂县" in page
    assert "临河区新华街1号" in page
    assert PERMIT in page
    assert 'data-testid="issue-date">2025-07-10' in page
    assert "2026-06-10 — 2026-07-10" in page
    assert 'data-state="early"' in page
    assert "须本人办理" in page  # an adult, not disabled: no proxy (LH-3.2-proxy)


def test_an_unknown_person_is_404(desk: Client) -> None:
    response = desk.get("/hall/persons/999999/")
    assert response.status_code == 404
    assert "LH-3.1-identity" in html(response)


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (date(2026, 6, 9), "early"),  # the last day before the window
        (date(2026, 6, 10), "in_window"),  # the window opens
        (date(2026, 7, 10), "in_window"),  # the last day of the window: on time
        (date(2026, 7, 11), "late"),  # the first day after it: late
    ],
)
def test_the_window_state_on_each_side_of_its_bounds(
    desk: Client, wang: Permit, day: date, state: str
) -> None:
    with today_is(day):
        page = html(desk.get(person_url(wang)))
    assert f'data-state="{state}"' in page


def test_the_person_page_lists_who_read_the_record(desk: Client, wang: Permit) -> None:
    credential = education(["education.exams"])
    with today_is(date(2026, 1, 15)):
        entitlement_share(
            actor=credential.user, identity_number=WANG, service="2-zhongkao", purpose="education.exams",
            extra={"junior_high_graduate": True}, address="10.20.0.5",
        )  # fmt: skip
    page = html(desk.get(person_url(wang)))
    assert "jkj-system" in page and "JKJ-01" in page and "中考、高考报名资格" in page
    assert "是否享受、理由、服务、居住证状态、姓名" in page and "10.20.0.5" in page


def test_the_person_page_in_english(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 7, 1)):
        page = html(desk.get(person_url(wang), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Residence permit" in page and "in the window: endorsing today is on time" in page


def test_the_history_shows_every_card_of_the_permit(desk: Client, wang: Permit, supervisor: User) -> None:
    clerk = User.objects.get(username="clerk")
    new = new_card(clerk, wang, CaseKind.REISSUE, date(2026, 1, 20))
    with today_is(date(2026, 1, 21)):
        page = html(desk.get(person_url(wang)))
    assert new.number in page and PERMIT in page
    assert 'data-event="voided"' in page and 'data-event="reissued"' in page
    assert "20.00" in page  # the fee receipt (LH-3.2-fees)


# --------------------------------------------------------------------------- endorsement


def endorse(desk: Client, permit: Permit, step: str, docs: list[str] = ENDORSE_DOCS, **extra: Any) -> Any:
    return desk.post(f"{person_url(permit)}endorse/", {"step": step, "documents": docs}, **extra)


def test_the_endorse_panel_lists_the_checklist(desk: Client, wang: Permit) -> None:
    page = html(desk.get(f"{person_url(wang)}endorse/", **HX))
    assert 'name="documents" value="permit_card"' in page
    assert "LH-3.2-endorse-window" in page
    assert "<html" not in page  # an htmx fragment


def test_endorse_on_the_last_day_of_the_window_is_on_time(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 7, 10)):
        preview = endorse(desk, wang, "preview", **HX)
        wang.refresh_from_db()
        assert wang.next_anniversary == date(2026, 7, 10)  # a preview writes nothing
        confirm = endorse(desk, wang, "confirm", **HX)
    assert preview.status_code == 200
    page = html(preview)
    assert 'data-kind="on_time"' in page and "2025-07-10 → <strong>2025-07-10</strong>" in page
    assert confirm["HX-Redirect"] == person_url(wang)
    wang.refresh_from_db()
    assert (wang.status, wang.residence_since, wang.next_anniversary) == (
        "valid",
        date(2025, 7, 10),
        date(2027, 7, 10),
    )


def test_endorse_the_day_after_the_window_is_late_and_restarts_the_period(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 7, 11)):
        preview = endorse(desk, wang, "preview", **HX)
        confirm = endorse(desk, wang, "confirm")
        after = html(desk.get(person_url(wang), follow=False))
    page = html(preview)
    assert 'data-kind="late"' in page
    assert (
        "2025-07-10 → <strong>2026-07-11</strong>" in page
    )  # residence since restarts (LH-3.2-endorse-late)
    assert "LH-3.2-endorse-late" in page and "LH-3.2-endorse-overdue" in page
    assert confirm.status_code == 302
    wang.refresh_from_db()
    assert (wang.status, wang.residence_since) == ("valid", date(2026, 7, 11))
    assert 'data-testid="residence-since">2026-07-11' in after


def test_endorse_before_the_window_is_409_with_the_opening_date(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 6, 9)):
        response = endorse(desk, wang, "preview", **HX)
    assert response.status_code == 409
    assert "2026-06-10" in html(response) and 'data-rule="LH-3.2-endorse-window"' in html(response)


def test_endorse_without_the_card_lists_what_is_missing_and_writes_nothing(
    desk: Client, wang: Permit
) -> None:
    with today_is(date(2026, 7, 1)):
        response = endorse(desk, wang, "confirm", docs=["identity_card"], **HX)
    assert response.status_code == 422
    assert "本人居住证" in html(response)
    wang.refresh_from_db()
    assert wang.next_anniversary == date(2026, 7, 10)


def test_an_adult_may_not_send_a_proxy(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 7, 1)):
        response = desk.post(
            f"{person_url(wang)}endorse/",
            {
                "step": "preview",
                "documents": [*ENDORSE_DOCS, "proxy_identity_card", "household_register"],
                "proxy_name": "王大明",
                "proxy_identity_number": LI,
                "proxy_relation": "sibling",
            },
            **HX,
        )
    assert response.status_code == 422
    assert 'data-rule="LH-3.2-proxy"' in html(response)


def test_endorse_without_javascript_is_a_whole_page(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 7, 1)):
        response = endorse(desk, wang, "preview")
    assert response.status_code == 200
    assert "<html" in html(response) and "确认签注" in html(response)


# --------------------------------------------------------------------------- address change


def change(desk: Client, permit: Permit, step: str, **fields: str) -> Any:
    data = {"step": step, "documents": CHANGE_DOCS, "new_address": "新地址1号", **fields}
    return desk.post(f"{person_url(permit)}address/", data, **HX)


def test_a_move_within_the_district_keeps_the_dates(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 2, 10)):
        preview = change(desk, wang, "preview", new_division="150802", police_station="150802001")
        confirm = change(desk, wang, "confirm", new_division="150802", police_station="150802001")
    page = html(preview)
    assert 'data-rule="LH-3.2-change-same-county"' in page
    assert "2025-07-10 → <strong>2025-07-10</strong>" in page
    assert confirm["HX-Redirect"] == person_url(wang)
    wang.refresh_from_db()
    assert (wang.residence_address, wang.issue_date) == ("新地址1号", date(2025, 7, 10))


def test_a_move_to_another_county_of_the_city_restarts_the_dates(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 2, 10)):
        preview = change(desk, wang, "preview", new_division="150821")  # 五原县, Bayannur
        wang.refresh_from_db()
        assert wang.issue_date == date(2025, 7, 10)  # nothing written by the preview
        change(desk, wang, "confirm", new_division="150821")
    page = html(preview)
    assert 'data-rule="LH-3.2-change-same-city"' in page
    assert "2025-07-10 → <strong>2026-02-10</strong>" in page
    wang.refresh_from_db()
    assert (wang.issue_date, wang.residence_since) == (date(2026, 2, 10), date(2026, 2, 10))


def test_a_move_within_the_district_must_name_the_station(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 2, 10)):
        response = change(desk, wang, "preview", new_division="150802")
    assert response.status_code == 422
    assert 'data-rule="LH-4-register-3d"' in html(response) and "police_station" in html(response)


def test_an_unknown_division_names_the_field(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 2, 10)):
        response = change(desk, wang, "preview", new_division="999999")
    assert response.status_code == 422
    assert "new_division" in html(response)


def test_a_suspended_permit_cannot_change_address(desk: Client, wang: Permit, supervisor: User) -> None:
    with today_is(date(2026, 7, 12)):
        services.permits_sweep(on=date(2026, 7, 12), actor=supervisor)
        response = change(desk, wang, "preview", new_division="150821")
    assert response.status_code == 409
    assert "LH-3.2-endorse-overdue" in html(response)


# --------------------------------------------------------------------------- applications


def apply(desk: Client, permit: Permit, step: str, **fields: Any) -> Any:
    data = {"step": step, "police_station": "150802001", **fields}
    return desk.post(f"{person_url(permit)}apply/", data, **HX)


def test_a_reissue_shows_the_fee_and_lands_on_the_case(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 1, 20)):
        panel = html(desk.get(f"{person_url(wang)}apply/", {"kind": "reissue"}, **HX))
        preview = apply(
            desk, wang, "preview", kind="reissue", reissue_reason="lost", documents=["identity_card"]
        )
        confirm = apply(
            desk, wang, "confirm", kind="reissue", reissue_reason="lost", documents=["identity_card"]
        )
    assert 'name="reissue_reason"' in panel
    page = html(preview)
    assert "20 元" in page and "LH-3.2-fees" in page
    assert "本人近期相片" in page  # the photo is still missing: the one-time notice will list it
    app = Application.objects.get(person=wang.person, kind="reissue")
    assert (app.kind, app.reissue_reason, app.old_permit_id) == ("reissue", "lost", wang.pk)
    assert confirm["HX-Redirect"] == f"/hall/applications/{app.pk}/"


def test_a_reissue_needs_its_reason(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 1, 20)):
        response = apply(desk, wang, "confirm", kind="reissue", documents=["identity_card", "photo"])
    assert response.status_code == 422
    assert "reissue_reason" in html(response) and "LH-3.2-replace" in html(response)
    assert not Application.objects.filter(kind="reissue").exists()


def test_a_first_issue_for_a_holder_is_409(desk: Client, wang: Permit) -> None:
    with today_is(date(2026, 1, 20)):
        response = apply(desk, wang, "preview", kind="first_issue", documents=["identity_card"])
    assert response.status_code == 409
    assert PERMIT in html(response) and 'data-rule="LH-3.2-replace"' in html(response)


def test_a_first_issue_is_free(desk: Client, clerk: User) -> None:
    registered(clerk, number=LI, registered_on=date(2025, 6, 1), name="李芳")
    person = Person.objects.get(identity_number=LI)
    with today_is(date(2026, 1, 20)):
        response = desk.post(
            f"/hall/persons/{person.pk}/apply/",
            {
                "step": "preview",
                "kind": "first_issue",
                "police_station": "150802001",
                "documents": ["identity_card"],
            },
            **HX,
        )
    assert response.status_code == 200
    assert "免费" in html(response)


# --------------------------------------------------------------------------- registration


def register(desk: Client, step: str, **fields: str) -> Any:
    data = {
        "step": step,
        "identity_number": LI,
        "name": "李芳",
        "hukou_division": "510121",
        "hukou_address": "四川省金堂县赵镇某街2号",
        "address": "临河区胜利路8号",
        "police_station": "150802001",
        "arrived_on": "2026-03-02",  # Mon: due Thu 2026-03-05 (T-count, a working day)
        **fields,
    }
    return desk.post("/hall/register/", data, **HX)


def test_the_registration_form_opens_prefilled_from_find(desk: Client) -> None:
    page = html(desk.get("/hall/register/", {"identity_number": LI}))
    assert f'value="{LI}"' in page and '<label for="reg-id">' in page


def test_registration_on_the_last_day_is_on_time(desk: Client) -> None:
    with today_is(date(2026, 3, 5)):
        preview = register(desk, "preview")
        assert not Person.objects.filter(identity_number=LI).exists()
        confirm = register(desk, "confirm")
    assert "2026-03-05" in html(preview) and "按期" in html(preview)
    person = Person.objects.get(identity_number=LI)
    assert confirm["HX-Redirect"] == f"/hall/persons/{person.pk}/"
    assert ResidenceRegistration.objects.get(person=person).on_time is True


def test_registration_the_day_after_is_late(desk: Client) -> None:
    with today_is(date(2026, 3, 6)):
        preview = register(desk, "preview")
        register(desk, "confirm")
    assert "逾期申报" in html(preview)
    assert ResidenceRegistration.objects.get(person__identity_number=LI).on_time is False


def test_registration_refusals_name_the_field(desk: Client) -> None:
    with today_is(date(2026, 3, 6)):
        future = register(desk, "preview", arrived_on="2026-03-09")
        bad_date = register(desk, "preview", arrived_on="not a date")
        city = register(desk, "confirm", hukou_division="510100")
    assert future.status_code == 422 and 'data-rule="LH-4-register-3d"' in html(future)
    assert bad_date.status_code == 422 and "arrived_on" in html(bad_date)
    assert city.status_code == 422 and "hukou_division" in html(city)
    assert not Person.objects.filter(identity_number=LI).exists()


# --------------------------------------------------------------------------- enforcement


@pytest.fixture
def late_li(clerk: User) -> ResidenceRegistration:
    station()
    with today_is(date(2026, 3, 6)):
        services.residence_register(
            actor=clerk,
            identity_number=LI,
            name="李芳",
            hukou_division="510121",
            hukou_address="四川省金堂县赵镇某街2号",
            address="临河区胜利路8号",
            police_station="150802001",
            arrived_on=date(2026, 3, 2),
        )
    return ResidenceRegistration.objects.get(person__identity_number=LI)


def test_a_late_registration_is_warned_ordered_and_fined(
    client: Client, clerk: User, supervisor: User, late_li: ResidenceRegistration
) -> None:
    client.force_login(clerk)
    url = f"/hall/persons/{late_li.person_id}/"
    with today_is(date(2026, 3, 10)):
        assert 'data-testid="warnable"' in html(client.get(url))
        warned = client.post(f"{url}cases/warn/", {"registration_id": late_li.pk})
        case = Case.objects.get(registration=late_li)
        again = client.post(f"{url}cases/warn/", {"registration_id": late_li.pk}, **HX)
        early = client.post(f"/hall/cases/{case.pk}/order/", {"deadline": "2026-03-10"}, **HX)
        ordered = client.post(f"/hall/cases/{case.pk}/order/", {"deadline": "2026-03-20"}, **HX)
        page = html(client.get(url))
    assert warned.status_code == 302
    assert again.status_code == 409 and "LH-4-register-penalty" in html(again)
    assert early.status_code == 422 and "deadline" in html(early)
    assert ordered["HX-Redirect"] == url + "#cases"
    assert 'data-status="ordered"' in page and "2026-03-20" in page
    assert 'data-testid="case-fine"' not in page  # a clerk does not fine
    client.force_login(supervisor)
    with today_is(date(2026, 3, 20)):  # the deadline itself: too early to fine
        too_early = client.post(f"/hall/cases/{case.pk}/fine/", {"amount": "100"}, **HX)
    with today_is(date(2026, 3, 23)):  # Mon after the deadline (Fri 2026-03-20)
        too_much = client.post(f"/hall/cases/{case.pk}/fine/", {"amount": "200.01"}, **HX)
        fined = client.post(f"/hall/cases/{case.pk}/fine/", {"amount": "200"}, **HX)
    assert too_early.status_code == 409
    assert too_much.status_code == 422 and "200" in html(too_much)
    assert fined.status_code == 200 and fined["HX-Redirect"]
    case.refresh_from_db()
    assert (case.status, case.fine_amount) == ("fined", Decimal("200.00"))


def test_a_clerk_cannot_fine_even_by_posting(
    client: Client, clerk: User, late_li: ResidenceRegistration
) -> None:
    client.force_login(clerk)
    with today_is(date(2026, 3, 10)):
        client.post(f"/hall/persons/{late_li.person_id}/cases/warn/", {"registration_id": late_li.pk})
        case = Case.objects.get(registration=late_li)
        client.post(f"/hall/cases/{case.pk}/order/", {"deadline": "2026-03-20"})
    with today_is(date(2026, 3, 23)):
        response = client.post(f"/hall/cases/{case.pk}/fine/", {"amount": "100"}, **HX)
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "ordered"


def test_a_case_is_corrected(client: Client, clerk: User, late_li: ResidenceRegistration) -> None:
    client.force_login(clerk)
    with today_is(date(2026, 3, 10)):
        client.post(f"/hall/persons/{late_li.person_id}/cases/warn/", {"registration_id": late_li.pk})
        case = Case.objects.get(registration=late_li)
        response = client.post(f"/hall/cases/{case.pk}/correct/", {"note": "已补办"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "corrected"


def test_the_registration_form_says_the_declaration_period_of_the_parameters(
    client: Client, clerk: User
) -> None:
    client.force_login(clerk)
    assert "应在到达后3日内申报居住登记" in client.get("/hall/register/").content.decode()


def test_a_person_id_too_large_for_the_database_is_a_404(client: Client, clerk: User) -> None:
    client.force_login(clerk)
    assert client.get("/hall/persons/" + "9" * 25 + "/").status_code == 404


def test_the_proxy_hint_states_the_parameters_ages(client: Client, clerk: User, supervisor: User) -> None:
    from dataclasses import replace

    from juzhu.policy.parameters import LINHE

    permit = issued_permit(
        clerk, supervisor, number=identity_number(date(1990, 5, 17)), registered_on=date(2025, 8, 1),
        issued_on=date(2026, 3, 2),
    )  # fmt: skip
    client.force_login(clerk)
    assert (
        "未满16周岁、行动不便的老年人（60周岁以上）"
        in client.get(f"/hall/persons/{permit.person_id}/apply/").content.decode()
    )
    other = replace(LINHE, proxy_minor_age=14, elderly_age=65)
    with patch("juzhu.web.context.jurisdiction", return_value=other):
        body = client.get(f"/hall/persons/{permit.person_id}/apply/").content.decode()
    assert "未满14周岁、行动不便的老年人（65周岁以上）" in body
