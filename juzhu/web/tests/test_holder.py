"""The holder's permit page (/permit/): the pair, status, residence period, window, QR, reminders, contact."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from juzhu.notifications.services import outbox_send, reminders_enqueue
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.models import Permit, Person
from juzhu.registry.tests import factories
from juzhu.registry.tests.factories import identity_number, issued_permit, new_card, today_is
from juzhu.web.throttle import LOOKUP_FAILURES_ALLOWED

pytestmark = pytest.mark.django_db

D = date
ISSUED = D(2025, 3, 10)  # anniversary Tue 2026-03-10; window 2026-02-08 … 2026-03-10
IDENT = identity_number(D(1990, 5, 17), 123)
BEFORE_WINDOW = D(2026, 1, 15)


@pytest.fixture(autouse=True)
def _throttle_cleared() -> None:
    cache.clear()  # the lookup throttle counts in the cache: each test starts from zero


@pytest.fixture
def permit(clerk: User, supervisor: User) -> Permit:
    return issued_permit(clerk, supervisor, number=IDENT, registered_on=D(2024, 8, 1), issued_on=ISSUED)


def sign_in(client: Client, permit: Permit, on: date = BEFORE_WINDOW) -> None:
    with today_is(on):
        r = client.post("/permit/", {"number": permit.number, "identity_number": IDENT})
    assert r.status_code == 302 and r["Location"] == "/permit/"


def show(client: Client, on: date, **extra: Any) -> str:
    with today_is(on):
        r = client.get("/permit/", **extra)
    assert r.status_code == 200
    return r.content.decode()


def test_the_form_labels_every_field(client: Client) -> None:
    html = client.get("/permit/").content.decode()
    assert 'data-testid="holder-lookup"' in html
    assert '<label for="id_number">' in html and '<label for="id_identity_number">' in html
    assert "N-17-confidentiality" in html


@pytest.mark.parametrize(
    "pair",
    [
        {"identity_number": identity_number(D(1990, 5, 17), 124)},  # someone else's identity number
        {"number": "150802202699999X"},  # no such card
        {"number": "not a number"},  # malformed: the same neutral answer
        {"identity_number": "123"},
    ],
)
def test_a_wrong_pair_is_one_neutral_404(client: Client, permit: Permit, pair: dict[str, str]) -> None:
    data = {"number": permit.number, "identity_number": IDENT, **pair}
    r = client.post("/permit/", data)
    assert r.status_code == 404
    html = r.content.decode()
    assert (
        "没有与该居住证编号和公民身份号码相符的居住证" in html and 'data-rule="N-17-confidentiality"' in html
    )
    assert permit.card_name not in html
    assert client.get("/permit/").content.decode().count('data-testid="holder-lookup"') == 1  # not remembered


def test_a_blank_field_is_a_422_naming_it(client: Client, permit: Permit) -> None:
    r = client.post("/permit/", {"number": permit.number, "identity_number": ""})
    assert r.status_code == 422
    html = r.content.decode()
    assert "identity_number" in html and 'aria-invalid="true"' in html


def test_the_permit_page_shows_status_residence_window_and_qr(client: Client, permit: Permit) -> None:
    sign_in(client, permit)
    html = show(client, D(2026, 1, 15))
    assert 'data-status="valid"' in html and "有效" in html
    assert permit.number in html and permit.card_name in html
    assert IDENT not in html and IDENT[:6] in html  # masked
    residence = re.search(r'data-testid="holder-residence".*?</section>', html, re.S)
    assert residence is not None
    assert "2025-03-10" in residence.group(0) and "自签发之日起算" in residence.group(0)
    assert "LH-3.2-issue-15d" in residence.group(0)
    assert re.search(r'data-testid="window-opens">2026-02-08<', html)
    assert re.search(r'data-testid="window-closes">2026-03-10<', html)
    assert 'data-phase="early"' in html and "LH-3.2-endorse-window" in html
    assert "<svg" in html and 'data-testid="epermit-qr"' in html
    assert re.search(r'href="http://testserver/v/JZ1\.[^"]+"', html)
    assert "还没有发给您的提醒" in html
    assert "2026-02-01" in html and "2026-03-03" in html  # the reminder days


@pytest.mark.parametrize(
    ("on", "phase"),
    [
        (D(2026, 2, 7), "early"),  # the day before the window opens
        (D(2026, 2, 8), "open"),  # the first day
        (D(2026, 3, 10), "open"),  # the last good day
        (D(2026, 3, 11), "late"),  # the first bad day (before the sweep has run)
    ],
)
def test_the_window_phase_on_both_sides_of_each_boundary(
    client: Client, permit: Permit, on: date, phase: str
) -> None:
    sign_in(client, permit)
    assert f'data-phase="{phase}"' in show(client, on)


def test_a_suspended_permit_says_what_to_do(client: Client, permit: Permit) -> None:
    with today_is(D(2026, 3, 11)):
        services.permits_sweep(on=D(2026, 3, 11))
    sign_in(client, permit)
    html = show(client, D(2026, 3, 20))
    assert 'data-status="suspended"' in html and "中止" in html
    block = re.search(r'data-testid="holder-suspended".*?</section>', html, re.S)
    assert block is not None
    text = block.group(0)
    assert "2026-03-11" in text
    for rule in ("LH-3.2-endorse-overdue", "LH-3.2-endorse-late", "LH-4-services"):
        assert rule in text
    assert "居住证" in text and "居民身份证" in text  # what to bring, from the endorsement checklist
    assert "<svg" in html  # the QR still verifies — as suspended


def test_after_a_late_endorsement_the_residence_period_restarts(
    client: Client, clerk: User, permit: Permit
) -> None:
    with today_is(D(2026, 4, 1)):
        services.permits_sweep(on=D(2026, 4, 1))
        services.permit_endorse(
            actor=clerk, number=permit.number, documents=["identity_card", "permit_card", "labour_contract"]
        )
    sign_in(client, permit)
    html = show(client, D(2026, 4, 2))
    residence = re.search(r'data-testid="holder-residence".*?</section>', html, re.S)
    assert residence is not None
    assert "2026-04-01" in residence.group(0) and "LH-3.2-endorse-late" in residence.group(0)
    assert "逾期后补办签注" in residence.group(0)
    assert 'data-status="valid"' in html


def test_a_void_card_names_the_new_one_and_shows_no_qr(client: Client, permit: Permit) -> None:
    new = new_card(factories.User.objects.get(username="clerk"), permit, CaseKind.REPLACEMENT, D(2026, 1, 5))
    with today_is(D(2026, 1, 15)):
        r = client.post("/permit/", {"number": permit.number, "identity_number": IDENT})
    assert r.status_code == 302
    html = show(client, D(2026, 1, 15))
    assert 'data-status="void"' in html and new.number in html and "LH-3.2-replace" in html
    assert "<svg" not in html


def test_the_contact_form_refuses_a_bad_phone_with_422_naming_the_field(
    client: Client, permit: Permit
) -> None:
    sign_in(client, permit)
    with today_is(D(2026, 1, 15)):
        r = client.post("/permit/contact/", {"phone": "12345", "email": ""})
    assert r.status_code == 422
    html = r.content.decode()
    assert "手机号码应为11位" in html and "phone" in html and 'data-rule="LH-3.2-endorse-window"' in html
    assert 'id="id_phone"' in html and 'value="12345"' in html
    assert Person.objects.get(pk=permit.person_id).phone == ""


def test_the_contact_form_refuses_a_bad_email_in_place_for_htmx(client: Client, permit: Permit) -> None:
    sign_in(client, permit)
    with today_is(D(2026, 1, 15)):
        r = client.post("/permit/contact/", {"phone": "", "email": "wang@"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="holder-contact"')  # the fragment, not the page
    assert "电子邮箱地址格式不正确" in html and "email" in html
    assert Person.objects.get(pk=permit.person_id).email == ""


def test_the_contact_is_saved_and_shown(client: Client, permit: Permit) -> None:
    sign_in(client, permit)
    with today_is(D(2026, 1, 15)):
        r = client.post("/permit/contact/", {"phone": "138 0013 8000", "email": "wang@example.cn"})
    assert r.status_code == 302
    person = Person.objects.get(pk=permit.person_id)
    assert (person.phone, person.email) == ("13800138000", "wang@example.cn")
    html = show(client, D(2026, 1, 15))
    assert "提醒联系方式已保存" in html and 'value="13800138000"' in html
    with today_is(D(2026, 1, 15)):
        r = client.post("/permit/contact/", {"phone": "13900001111", "email": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'data-testid="contact-saved"' in r.content.decode()


def test_the_contact_form_needs_the_pair_first(client: Client, permit: Permit) -> None:
    r = client.post("/permit/contact/", {"phone": "13800138000", "email": ""})
    assert r.status_code == 404
    assert Person.objects.get(pk=permit.person_id).phone == ""


def test_the_reminders_sent_are_listed(client: Client, permit: Permit) -> None:
    Person.objects.filter(pk=permit.person_id).update(phone="13800138000")
    with today_is(D(2026, 2, 1)):
        reminders_enqueue(D(2026, 2, 1))
        outbox_send()
    sign_in(client, permit)
    html = show(client, D(2026, 2, 2))
    table = re.search(r'data-testid="reminder-list".*?</table>', html, re.S)
    assert table is not None
    assert "签注期即将开始" in table.group(0) and "已发送" in table.group(0)
    assert "138****8000" in table.group(0) and "13800138000" not in table.group(0)


def test_leave_forgets_the_pair(client: Client, permit: Permit) -> None:
    sign_in(client, permit)
    assert client.post("/permit/leave/").status_code == 302
    assert 'data-testid="holder-lookup"' in client.get("/permit/").content.decode()


def test_the_page_in_english(client: Client, permit: Permit) -> None:
    sign_in(client, permit)
    html = show(client, D(2026, 2, 10), HTTP_ACCEPT_LANGUAGE="en")
    assert "Residence period" in html and "the window is open: endorse now" in html and ">valid<" in html


def test_a_successful_lookup_starts_a_new_session(client: Client, permit: Permit) -> None:
    planted = client.session.session_key
    sign_in(client, permit)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert 'data-testid="holder-lookup"' in attacker.get("/permit/").content.decode()


def test_after_ten_failed_lookups_the_right_pair_is_a_429(client: Client, permit: Permit) -> None:
    """N-17-confidentiality: the pair is not even checked once the allowance is used up."""
    wrong = identity_number(D(1990, 5, 17), 124)
    with today_is(BEFORE_WINDOW):
        for i in range(LOOKUP_FAILURES_ALLOWED):
            r = client.post("/permit/", {"number": permit.number, "identity_number": wrong})
            assert r.status_code == 404, i
        r = client.post("/permit/", {"number": permit.number, "identity_number": IDENT})
    assert r.status_code == 429
    html = r.content.decode()
    assert 'data-rule="N-17-confidentiality"' in html and "查询失败次数过多" in html
    assert permit.card_name not in html
    assert 'data-testid="holder-lookup"' in client.get("/permit/").content.decode()  # not remembered
    english = client.post(
        "/permit/", {"number": permit.number, "identity_number": IDENT}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 429 and "Too many lookups" in english.content.decode()
    # Another address is not affected.
    sign_in(Client(REMOTE_ADDR="10.0.0.2"), permit)


def test_a_success_in_between_does_not_reset_the_permit_lookup_count(client: Client, permit: Permit) -> None:
    wrong = identity_number(D(1990, 5, 17), 124)
    with today_is(BEFORE_WINDOW):
        for _ in range(LOOKUP_FAILURES_ALLOWED - 1):
            assert (
                client.post("/permit/", {"number": permit.number, "identity_number": wrong}).status_code
                == 404
            )
    sign_in(client, permit)
    with today_is(BEFORE_WINDOW):
        assert client.post("/permit/", {"number": permit.number, "identity_number": wrong}).status_code == 404
        assert client.post("/permit/", {"number": permit.number, "identity_number": IDENT}).status_code == 429
