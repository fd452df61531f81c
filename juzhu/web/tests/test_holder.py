"""The holder's permit page (/permit/): the pair and the code, status, residence period, window, QR,
reminders, and the contact (a new mobile number confirmed by a code sent to it)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import F
from django.test import Client

from juzhu.applicants.models import PhoneCode
from juzhu.applicants.tests.helpers import last_code, sms_sent
from juzhu.notifications.services import outbox_send, reminders_enqueue
from juzhu.policy.materials import CaseKind
from juzhu.policy.proof import LOOKUPS
from juzhu.registry import services
from juzhu.registry.models import Permit, Person
from juzhu.registry.tests import factories
from juzhu.registry.tests.factories import identity_number, issued_permit, new_card, today_is

pytestmark = pytest.mark.django_db

D = date
ISSUED = D(2025, 3, 10)  # anniversary Tue 2026-03-10; window 2026-02-08 … 2026-03-10
IDENT = identity_number(D(1990, 5, 17), 123)
MOBILE = "13800138000"  # on record at the station
BEFORE_WINDOW = D(2026, 1, 15)


@pytest.fixture(autouse=True)
def _throttle_cleared() -> None:
    cache.clear()  # the lookup throttle counts in the cache: each test starts from zero


@pytest.fixture
def permit(clerk: User, supervisor: User) -> Permit:
    return issued_permit(
        clerk, supervisor, number=IDENT, registered_on=D(2024, 8, 1), issued_on=ISSUED, phone=MOBILE
    )


def sign_in(client: Client, permit: Permit, on: date = BEFORE_WINDOW) -> None:
    """The pair finds the card, the code sent to the mobile on record opens it."""
    PhoneCode.objects.update(created_at=F("created_at") - timedelta(minutes=1))  # past the resend pause
    with today_is(on):
        r = client.post("/permit/", {"number": permit.number, "identity_number": IDENT})
        assert r.status_code == 302 and r["Location"] == "/code/", r.content.decode()[:3000]
        assert sms_sent()[-1].recipient == MOBILE
        r = client.post("/code/", {"action": "verify", "code": last_code(MOBILE)})
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
    sign_in(client, permit, D(2026, 1, 15))
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
    assert Person.objects.get(pk=permit.person_id).phone == MOBILE


def test_the_contact_form_refuses_a_bad_email_in_place_for_htmx(client: Client, permit: Permit) -> None:
    sign_in(client, permit)
    with today_is(D(2026, 1, 15)):
        r = client.post("/permit/contact/", {"phone": "", "email": "wang@"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="holder-contact"')  # the fragment, not the page
    assert "电子邮箱地址格式不正确" in html and "email" in html
    assert Person.objects.get(pk=permit.person_id).email == ""


def test_a_new_mobile_number_is_saved_once_the_code_sent_to_it_comes_back(
    client: Client, permit: Permit
) -> None:
    sign_in(client, permit)
    PhoneCode.objects.update(created_at=F("created_at") - timedelta(minutes=1))
    with today_is(D(2026, 1, 15)):
        r = client.post("/permit/contact/", {"phone": "139 0000 1111", "email": "wang@example.cn"})
    assert r.status_code == 302 and r["Location"] == "/code/"
    assert sms_sent()[-1].recipient == "13900001111"  # to the new number, to prove it is the holder's
    assert Person.objects.get(pk=permit.person_id).phone == MOBILE  # nothing saved yet
    screen = client.get("/code/").content.decode()
    assert "新填写的手机号码" in screen and "1111" in screen and "13900001111" not in screen
    with today_is(D(2026, 1, 15)):
        r = client.post("/code/", {"action": "verify", "code": last_code("13900001111")})
    assert r.status_code == 302 and r["Location"] == "/permit/"
    person = Person.objects.get(pk=permit.person_id)
    assert (person.phone, person.email) == ("13900001111", "wang@example.cn")
    html = show(client, D(2026, 1, 15))
    assert "新手机号码已确认" in html and 'value="13900001111"' in html


def test_keeping_the_number_and_changing_the_email_is_saved_at_once(client: Client, permit: Permit) -> None:
    sign_in(client, permit)
    sent = len(sms_sent())
    with today_is(D(2026, 1, 15)):
        r = client.post("/permit/contact/", {"phone": "138 0013 8000", "email": "wang@example.cn"})
    assert r.status_code == 302 and r["Location"] == "/permit/"
    person = Person.objects.get(pk=permit.person_id)
    assert (person.phone, person.email) == (MOBILE, "wang@example.cn") and len(sms_sent()) == sent
    html = show(client, D(2026, 1, 15))
    assert "提醒联系方式已保存" in html and f'value="{MOBILE}"' in html
    with today_is(D(2026, 1, 15)):
        r = client.post("/permit/contact/", {"phone": MOBILE, "email": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'data-testid="contact-saved"' in r.content.decode()


def test_a_new_number_by_htmx_goes_to_the_code_screen(client: Client, permit: Permit) -> None:
    sign_in(client, permit)
    PhoneCode.objects.update(created_at=F("created_at") - timedelta(minutes=1))
    with today_is(D(2026, 1, 15)):
        r = client.post("/permit/contact/", {"phone": "13900001111", "email": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Redirect"] == "/code/"


def test_a_contact_code_needs_the_permit_proof_of_the_same_holder(client: Client, permit: Permit) -> None:
    sign_in(client, permit)
    PhoneCode.objects.update(created_at=F("created_at") - timedelta(minutes=1))
    with today_is(D(2026, 1, 15)):
        client.post("/permit/contact/", {"phone": "13900001111", "email": ""})
    client.post("/permit/leave/")  # the holder leaves; the pending code is forgotten with the proofs
    r = client.post("/code/", {"action": "verify", "code": last_code("13900001111")})
    assert r.status_code == 302 and r["Location"] == "/guide/"
    assert Person.objects.get(pk=permit.person_id).phone == MOBILE


def test_the_contact_form_needs_the_code_first(client: Client, permit: Permit) -> None:
    """Issue 8: knowing the pair was enough to change the reminder contact."""
    with today_is(BEFORE_WINDOW):
        assert (
            client.post("/permit/", {"number": permit.number, "identity_number": IDENT})["Location"]
            == "/code/"
        )
    r = client.post("/permit/contact/", {"phone": "13900009999", "email": "x@example.cn"})
    assert r.status_code == 404
    assert (Person.objects.get(pk=permit.person_id).phone, Person.objects.get(pk=permit.person_id).email) == (
        MOBILE,
        "",
    )


def test_the_reminders_sent_are_listed(client: Client, permit: Permit) -> None:
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


def test_the_pair_alone_shows_nothing(client: Client, permit: Permit) -> None:
    """Issue 8: anyone who knew the holder's name and number could open the page (address, phone)."""
    with today_is(BEFORE_WINDOW):
        r = client.post("/permit/", {"number": permit.number, "identity_number": IDENT})
    assert r.status_code == 302 and r["Location"] == "/code/"
    html = show(client, BEFORE_WINDOW)
    assert 'data-testid="holder-lookup"' in html
    for personal in (permit.card_name, permit.residence_address, MOBILE, "2025-03-10"):
        assert personal not in html
    screen = client.get("/code/").content.decode()
    assert "8000" in screen and MOBILE not in screen and permit.card_name not in screen


def test_the_session_keeps_the_cards_id_and_the_time_only(client: Client, permit: Permit) -> None:
    sign_in(client, permit)
    kept = json.dumps(dict(client.session.items()), ensure_ascii=False, default=str)
    for personal in (IDENT, permit.number, permit.card_name, MOBILE):
        assert personal not in kept
    assert client.session["proofs"]["permit"]["id"] == permit.pk


def test_the_code_starts_a_new_session(client: Client, permit: Permit) -> None:
    with today_is(BEFORE_WINDOW):
        client.post("/permit/", {"number": permit.number, "identity_number": IDENT})
    planted = client.cookies[settings.SESSION_COOKIE_NAME].value
    with today_is(BEFORE_WINDOW):
        client.post("/code/", {"action": "verify", "code": last_code()})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert 'data-testid="holder-lookup"' in attacker.get("/permit/").content.decode()


def test_after_three_failed_lookups_the_right_pair_waits_a_little(
    client: Client, permit: Permit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """N-17-confidentiality: the pair is not even checked while the wait runs; the wait is seconds."""
    import time

    now = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    wrong = identity_number(D(1990, 5, 17), 124)
    with today_is(BEFORE_WINDOW):
        for i in range(LOOKUPS.free_per_number + 1):
            r = client.post("/permit/", {"number": permit.number, "identity_number": wrong})
            assert r.status_code == 404, i
        r = client.post("/permit/", {"number": permit.number, "identity_number": IDENT})
    assert r.status_code == 429 and r["Retry-After"] == "2"
    html = r.content.decode()
    assert 'data-rule="N-17-confidentiality"' in html and "请2秒后再试" in html
    assert permit.card_name not in html and sms_sent() == []
    english = client.post(
        "/permit/", {"number": permit.number, "identity_number": IDENT}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 429 and "try again in 2 s" in english.content.decode()
    now[0] += 2
    sign_in(client, permit)


def test_a_match_clears_the_cards_count(client: Client, permit: Permit) -> None:
    wrong = identity_number(D(1990, 5, 17), 124)
    with today_is(BEFORE_WINDOW):
        for _ in range(LOOKUPS.free_per_number):
            assert (
                client.post("/permit/", {"number": permit.number, "identity_number": wrong}).status_code
                == 404
            )
    sign_in(client, permit)
    other = identity_number(D(1990, 5, 17), 125)  # the first wrong number keeps its own count
    with today_is(BEFORE_WINDOW):
        for _ in range(LOOKUPS.free_per_number + 1):
            assert (
                client.post("/permit/", {"number": permit.number, "identity_number": other}).status_code
                == 404
            )


def test_a_holder_without_a_mobile_on_record_is_told_to_have_one_recorded(
    client: Client, clerk: User, supervisor: User
) -> None:
    card = issued_permit(clerk, supervisor, number=IDENT, registered_on=D(2024, 8, 1), issued_on=ISSUED)
    with today_is(BEFORE_WINDOW):
        r = client.post("/permit/", {"number": card.number, "identity_number": IDENT})
    assert r.status_code == 409
    html = r.content.decode()
    assert "登记本人手机号码" in html and card.card_name not in html and sms_sent() == []


def test_a_verified_lookup_expires(client: Client, permit: Permit, monkeypatch: pytest.MonkeyPatch) -> None:
    from juzhu.policy.proof import CODES
    from juzhu.registry import clock

    start = clock.now()
    sign_in(client, permit)
    monkeypatch.setattr(clock, "now", lambda: start + CODES.verified_for + timedelta(seconds=5))
    html = show(client, BEFORE_WINDOW)
    assert 'data-testid="holder-lookup"' in html and 'data-testid="proof-expired"' in html
    assert permit.card_name not in html
