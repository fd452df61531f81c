"""The applicant portal, server side: guide, self-check, online application, progress and supplement.

Everything personal needs the one-time code sent to the mobile number on record (docs/decisions/0010):
the tests read it from the text message, as the person does (``applicants.tests.helpers.last_code``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from juzhu.accounts.models import Role
from juzhu.applicants.tests.helpers import last_code, sms_sent
from juzhu.policy.materials import CaseKind
from juzhu.policy.proof import CODES, LOOKUPS
from juzhu.registry import services
from juzhu.registry.models import Application, ApplicationDocument
from juzhu.registry.tests.factories import (
    identity_number,
    issued_permit,
    registered,
    staff,
    station,
    today_is,
)

pytestmark = pytest.mark.django_db

WANG = identity_number(date(1990, 5, 17))  # 王小明, registered 2026-01-05 below
MOBILE = "13800138000"  # 王小明's mobile number, recorded by the station
LI = identity_number(date(1985, 11, 3), seq=246)
STATION = "150802001"
DAY = date(2026, 7, 6)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.JUZHU_UPLOAD_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the lookup throttle counts in the cache: each test starts from zero
    yield
    cache.clear()  # and leaves no block behind for later tests in this process (the browser tests)


@pytest.fixture
def clerk() -> Any:
    return staff("clerk1", Role.CLERK)


@pytest.fixture
def supervisor() -> Any:
    return staff("supervisor", Role.SUPERVISOR)


@pytest.fixture
def wang(clerk: Any) -> str:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5), phone=MOBILE)
    return WANG


def _html(response: Any) -> str:
    return response.content.decode()


def _text(response: Any) -> str:
    """The page's text without tags, so assertions read like what a person sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _html(response)))


def _identify(client: Client, ident: str = WANG, name: str = "王小明", **extra: Any) -> Any:
    """The online application's first step: who applies (the code then goes to their phone on record)."""
    return client.post("/apply/", {"action": "identify", "identity_number": ident, "name": name}, **extra)


def _give_code(client: Client, code: str | None = None, **extra: Any) -> Any:
    return client.post("/code/", {"action": "verify", "code": last_code() if code is None else code}, **extra)


def _verified(client: Client, purpose: str) -> bool:
    proofs = client.session.get("proofs") or {}
    return purpose in proofs


def _prove_for_applying(client: Client, ident: str = WANG, name: str = "王小明") -> None:
    response = _identify(client, ident, name)
    assert response.status_code == 302 and response["Location"] == "/code/", _html(response)[:2000]
    done = _give_code(client)
    assert done.status_code == 302 and done["Location"] == "/apply/", _html(done)[:2000]


def _apply(client: Client, on: date = DAY, **overrides: Any) -> Any:
    """Prove it is 王小明 (once per session), then post the application with two files."""
    with today_is(on):
        if not _verified(client, "apply"):
            _prove_for_applying(client)
    data: dict[str, Any] = {
        "kind": "first_issue",
        "police_station": STATION,
        "file_identity_card": SimpleUploadedFile("id.png", PNG, content_type="image/png"),
        "file_photo": SimpleUploadedFile("photo.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    with today_is(on):
        return client.post("/apply/", {k: v for k, v in data.items() if v is not None})


def _session_text(client: Client) -> str:
    """Everything the server keeps in the session, as text."""
    return json.dumps(dict(client.session.items()), ensure_ascii=False, default=str)


# --------------------------------------------------------------------------- guide


def test_the_guide_lists_conditions_materials_deadlines_and_fees_with_their_rules(client: Client) -> None:
    response = client.get("/guide/")
    assert response.status_code == 200
    text = _text(response)
    for rule in [
        "LH-5-publicity",
        "LH-3.1-hukou",
        "LH-3.1-registered-6m",
        "LH-3.1-condition",
        "LH-3.1-employment",
        "LH-3.1-residence",
        "LH-3.1-study",
        "LH-3.1-identity",
        "N-9-materials",
        "LH-3.2-replace",
        "LH-3.2-proxy",
        "LH-4-register-3d",
        "LH-3.2-issue-15d",
        "LH-3.2-endorse-window",
        "LH-3.2-fees",
    ]:
        assert rule in text, rule
    assert "居住登记满 6 个月" in text
    assert "受理后 15 日内" in text and "到达后 3 日内" in text and "签发每满1年之日前 30 日内" in text
    # Materials from the policy's checklist: the proxy's documents only under "by a proxy".
    first = (
        _html(response).split('data-testid="guide-case-first_issue"')[1].split('data-testid="guide-case-')[0]
    )
    assert "申请人居民身份证" in first and "本人近期相片" in first and "劳动合同" in first
    in_person, by_proxy = first.split("代为办理")[:2]
    assert "户口簿" not in in_person and "代办人居民身份证" in by_proxy and "户口簿" in by_proxy
    replacement = _html(response).split('data-testid="guide-case-replacement"')[1]
    assert "本人居住证" in replacement
    # Fees: first issue free, replacement and reissue 20 yuan (LINHE.card_fee_yuan).
    assert "免费" in first
    assert re.search(r"20\s*元（证件工本费）", replacement)
    assert "配偶" in text and "监护人" in text and "其他" not in _text(response).split("可代办的关系")[1][:60]


def test_the_guide_in_english(client: Client) -> None:
    text = _text(client.get("/guide/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Who may apply" in text and "a recent photo of the applicant" in text
    assert "within 15 days of acceptance" in text
    main = _html(client.get("/guide/", HTTP_ACCEPT_LANGUAGE="en")).split('<main id="main"')[1]
    assert re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", main) == []  # no Chinese word or mark


# --------------------------------------------------------------------------- self-check


def _check(client: Client, on: date, htmx: bool = False, lang: str = "", **overrides: Any) -> Any:
    data: dict[str, Any] = {
        "hukou_division": "510121",
        "registration_date": "2026-01-05",
        "registered_here": "yes",
        "conditions": ["employment"],
        "documents": ["identity_card", "labour_contract"],
    }
    data.update(overrides)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    if lang:
        headers["HTTP_ACCEPT_LANGUAGE"] = lang
    with today_is(on):
        return client.post("/check/", data, **headers)


def test_the_self_check_form_renders(client: Client) -> None:
    response = client.get("/check/")
    assert response.status_code == 200
    html = _html(response)
    assert 'for="id_hukou_division"' in html and 'for="id_registration_date"' in html
    assert 'hx-post="/check/"' in html


def test_on_the_last_day_before_six_months_the_check_names_the_rule_and_the_earliest_date(
    client: Client,
) -> None:
    # Registered 2026-01-05: six months (T-month-end, inclusive) complete on 2026-07-05.
    response = _check(client, date(2026, 7, 4))
    assert response.status_code == 200
    html = _html(response)
    assert 'data-eligible="no"' in html
    assert "LH-3.1-registered-6m" in html
    assert 'data-testid="check-earliest"' in html and "2026-07-05" in html
    # Documents to bring: the photo is still missing.
    assert re.search(r'data-testid="check-missing">[^<]*还需准备[^<]*: 本人近期相片', html)
    assert 'href="/apply/"' not in html.split('data-testid="check-result"')[1]  # not yet: no link to apply
    english = _html(_check(client, date(2026, 7, 4), lang="en"))
    result = english.split('data-testid="check-result"')[1].split("</section>")[0]
    assert re.findall(r"[\u3000-\u303f\uff00-\uffef]", result) == []  # no Chinese punctuation in English


def test_on_the_first_good_day_the_check_says_eligible_and_lists_the_documents(client: Client) -> None:
    response = _check(client, date(2026, 7, 5), documents=["identity_card", "photo", "labour_contract"])
    html = _html(response)
    assert 'data-eligible="yes"' in html
    assert "您符合居住证申领条件" in html
    assert "材料已齐全" in html and "check-earliest" not in html


def test_every_unmet_condition_is_listed_at_once(client: Client) -> None:
    html = _html(
        _check(client, DAY, hukou_division="150802", registration_date="", conditions=[], documents=[])
    )
    for rule in ["LH-3.1-hukou", "LH-3.1-registered-6m", "LH-3.1-condition"]:
        assert rule in html.split('data-testid="check-reasons"')[1].split("</ul>")[0]
    assert "check-earliest" not in html  # not only a matter of time


def test_the_check_as_htmx_returns_the_result_fragment_only(client: Client) -> None:
    response = _check(client, DAY, htmx=True)
    assert response.status_code == 200
    html = _html(response)
    assert "<html" not in html and 'data-testid="check-result"' in html


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("hukou_division", "51012", "LH-3.1-hukou"),
        ("hukou_division", "999999", "LH-3.1-hukou"),
        ("registration_date", "2026-02-30", "LH-3.1-registered-6m"),
        ("registration_date", "9999-01-01", "LH-3.1-registered-6m"),
        ("documents", "passport", "N-9-materials"),
        ("conditions", "wealth", "LH-3.1-condition"),
    ],
)
def test_bad_check_input_is_a_422_naming_the_field_and_rule(
    client: Client, field: str, value: str, rule: str
) -> None:
    for htmx in (False, True):
        response = _check(client, DAY, htmx=htmx, **{field: value})
        assert response.status_code == 422
        html = _html(response)
        assert f'data-rule="{rule}"' in html
        assert field in _text(response).split("需更正")[1]


# --------------------------------------------------------------------------- apply: who applies, then the code


def test_apply_first_asks_who_applies_and_says_why_a_code_is_needed(client: Client) -> None:
    response = client.get("/apply/")
    assert response.status_code == 200
    html, text = _html(response), _text(response)
    assert 'data-testid="apply-identify"' in html and 'name="file_' not in html  # no form to file yet
    assert 'for="id_identity_number"' in html and 'for="id_name"' in html
    assert "《中华人民共和国个人信息保护法》第五十一条" in text and "N-17-confidentiality" in text
    assert "派出所登记的手机号码" in text
    english = _text(client.get("/apply/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Personal Information Protection Law, art. 51" in english


def test_the_code_goes_to_the_phone_on_record_and_nothing_is_filed_before_it(
    client: Client, wang: str
) -> None:
    response = _identify(client)
    assert response.status_code == 302 and response["Location"] == "/code/"
    (sms,) = sms_sent()
    assert sms.recipient == MOBILE and "网上预申请" in sms.body_zh
    screen = client.get("/code/")
    assert screen.status_code == 200
    text = _text(screen)
    assert "尾号 8000" in text or "尾号8000" in text
    assert MOBILE not in _html(screen) and "王小明" not in _html(screen)
    assert 'autocomplete="one-time-code"' in _html(screen) and 'inputmode="numeric"' in _html(screen)
    assert (
        'data-resend-in="60"' in _html(screen)
        and "disabled" in _html(screen).split('data-testid="code-resend"')[1][:80]
    )
    assert not Application.objects.exists()
    assert _give_code(client)["Location"] == "/apply/"
    form = _html(client.get("/apply/"))
    assert 'data-testid="apply-form"' in form and 'name="file_identity_card"' in form
    assert "王**" in form and "王小明" not in form and "已通过短信验证码验证" in form


def test_a_third_party_reissue_is_refused_without_the_code_and_the_counter_is_not_blocked(
    client: Client, clerk: Any, supervisor: Any
) -> None:
    """Issue 8, done when: anyone who knows a holder's name and identity number could file an online
    reissue, which then blocked the holder's own counter application with 409."""
    permit = issued_permit(
        clerk,
        supervisor,
        number=WANG,
        registered_on=date(2025, 1, 6),
        issued_on=date(2025, 7, 10),
        phone=MOBILE,
    )
    stranger = Client(REMOTE_ADDR="203.0.113.66")
    files = {"file_identity_card": SimpleUploadedFile("id.png", PNG, "image/png")}
    with today_is(DAY):
        # 1. The whole form posted at once, as before: refused, nothing filed.
        direct = stranger.post(
            "/apply/",
            {"identity_number": WANG, "name": "王小明", "kind": "reissue", "reissue_reason": "lost",
             "police_station": STATION, **files},
        )  # fmt: skip
        assert direct.status_code == 403
        assert 'data-rule="N-17-confidentiality"' in _html(direct) and "验证码" in _html(direct)
        # 2. Knowing the pair sends a code — to the holder's phone, never to the stranger.
        assert _identify(stranger)["Location"] == "/code/"
        assert [m.recipient for m in sms_sent()] == [MOBILE]
        # 3. Guessing: five wrong codes kill it.
        right = last_code()
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        answers = [_give_code(stranger, wrong).status_code for _ in range(CODES.attempts)]
        assert answers == [422] * (CODES.attempts - 1) + [409]
        assert _give_code(stranger, right).status_code == 409  # dead, even with the right code
        again = stranger.post(
            "/apply/", {"kind": "reissue", "reissue_reason": "lost", "police_station": STATION, **files}
        )
        assert again.status_code == 403
    assert not Application.objects.filter(channel="online").exists()
    # 4. The holder's own reissue at the counter goes through.
    with today_is(DAY):
        counter = services.application_submit(
            actor=clerk, kind=CaseKind.REISSUE, identity_number=WANG, police_station=STATION,
            documents=["identity_card", "photo"], reissue_reason="lost",
        )  # fmt: skip
    assert counter.status == "received" and counter.old_permit == permit


def test_the_counter_replaces_the_holders_own_online_case_not_yet_accepted(
    client: Client, wang: str, clerk: Any
) -> None:
    online_app = _submit(client)
    staff_client = Client()
    staff_client.force_login(clerk)
    person = online_app.person
    counter_form = {"kind": "first_issue", "police_station": STATION, "documents": ["identity_card", "photo"]}
    with today_is(DAY):
        preview = staff_client.post(
            f"/hall/persons/{person.pk}/apply/",
            {**counter_form, "step": "preview"},
        )
        assert preview.status_code == 200
        assert online_app.number in _html(preview).split('data-testid="apply-replaces"')[1][:400]
        done = staff_client.post(
            f"/hall/persons/{person.pk}/apply/",
            {**counter_form, "step": "confirm"},
        )
    assert done.status_code in (200, 302)
    online_app.refresh_from_db()
    assert online_app.status == "withdrawn"
    assert Application.objects.filter(channel="counter", status="received").count() == 1
    # The applicant's progress page says what happened, in words.
    _look_up_and_prove(client, online_app.number, WANG)
    html = _html(client.get("/progress/"))
    assert 'data-status="withdrawn"' in html and "已撤回" in html and "您已在窗口重新申请" in html


def test_nothing_about_the_case_is_told_before_the_code(client: Client, clerk: Any) -> None:
    """Refusals other than "no match" leak no facts (e.g. registration dates) before the code is given."""
    registered(clerk, number=WANG, registered_on=date(2026, 1, 7), phone=MOBILE)  # eligible from 2026-07-07
    stranger = Client(REMOTE_ADDR="203.0.113.67")
    with today_is(date(2026, 7, 6)):
        answers = [_identify(stranger), stranger.get("/code/"), stranger.get("/apply/")]
        answers.append(stranger.post("/apply/", {"kind": "first_issue", "police_station": STATION}))
    for r in answers:
        text = _text(r)
        assert not re.search(r"20\d\d-\d\d-\d\d", text), text  # no date at all
        assert "LH-3.1-registered-6m" not in text and "王小明" not in text
    # After the code: the full refusal, its rule and the date.
    with today_is(date(2026, 7, 6)):
        assert _give_code(stranger)["Location"] == "/apply/"
    response = _apply(stranger, on=date(2026, 7, 6))
    assert response.status_code == 422 and "自2026-07-07起可申领" in _html(response)


def test_a_person_without_a_mobile_on_record_is_told_to_have_one_recorded(client: Client, clerk: Any) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))  # no phone
    response = _identify(client)
    assert response.status_code == 409
    html = _html(response)
    assert 'data-rule="N-17-confidentiality"' in html and "登记本人手机号码" in html
    assert not re.search(r"20\d\d-\d\d-\d\d", _text(response)) and sms_sent() == []
    assert "phone" not in _session_text(client)


def test_the_apply_form_has_a_file_input_per_checklist_line(client: Client, wang: str) -> None:
    station()
    with today_is(DAY):
        _prove_for_applying(client)
    html = _html(client.get("/apply/"))
    for key in ["identity_card", "photo", "condition_evidence"]:
        assert f'for="id_file_{key}"' in html and f'name="file_{key}"' in html
    assert 'name="doc_condition_evidence"' in html  # which of the 11 proofs
    assert "临河区公安局户籍服务大厅" in html
    assert 'enctype="multipart/form-data"' in html


def test_the_materials_follow_the_kind_and_the_proxy(client: Client) -> None:
    html = _html(client.get("/apply/materials/", {"kind": "replacement", "proxy": "1"}))
    assert "<html" not in html
    for key in ["identity_card", "photo", "old_card", "proxy_identity_card", "household_register"]:
        assert f'name="file_{key}"' in html
    assert "condition_evidence" not in html


def test_an_online_application_is_received_and_says_what_is_missing(client: Client, wang: str) -> None:
    response = _apply(client)
    assert response.status_code == 302 and response["Location"] == "/apply/done/"
    app = Application.objects.get()
    assert (app.channel, app.status, app.documents) == ("online", "received", ["identity_card", "photo"])
    assert ApplicationDocument.objects.filter(application=app).count() == 2
    done = client.get("/apply/done/")
    text = _text(done)
    assert app.number in text and app.number.startswith("SQ2026")
    missing = _html(done).split('data-testid="apply-missing"')[1]
    assert "LH-3.1-condition" in missing and "劳动合同" in missing
    assert "LH-3.2-one-time-notice" in missing
    # The same code opens the new case's progress: no second code.
    assert 'data-testid="progress"' in _html(client.get("/progress/"))
    assert len(sms_sent()) == 1


def test_the_session_keeps_opaque_ids_and_the_time_never_a_number_or_a_name(
    client: Client, wang: str
) -> None:
    _apply(client)
    app = Application.objects.get()
    kept = _session_text(client)
    for personal in (WANG, "王小明", MOBILE, app.number):
        assert personal not in kept
    proofs = client.session["proofs"]
    assert set(proofs) == {"apply", "progress"}
    assert proofs["progress"]["id"] == app.pk and proofs["progress"]["person"] == app.person_id
    assert set(proofs["progress"]) == {"id", "person", "code", "at"}


def test_apply_done_without_a_case_goes_back_to_the_form(client: Client) -> None:
    assert client.get("/apply/done/")["Location"] == "/apply/"


def test_a_text_file_renamed_png_is_a_422_naming_the_field(client: Client, wang: str) -> None:
    response = _apply(
        client, file_photo=SimpleUploadedFile("photo.png", b"hello, not an image\n", "image/png")
    )
    assert response.status_code == 422
    html = _html(response)
    assert 'data-rule="N-9-materials"' in html
    assert "file_photo" in _text(response).split("需更正")[1]
    assert "本人近期相片" in html and 'aria-invalid="true"' in html
    assert Application.objects.count() == 0


def test_a_name_mismatch_reveals_nothing(client: Client, wang: str, clerk: Any) -> None:
    wrong_name = _identify(client, WANG, "王大明")
    unknown = _identify(client, LI, "李四")
    assert wrong_name.status_code == unknown.status_code == 404
    for r in (wrong_name, unknown):
        assert "没有与该身份证号码和姓名相符的居住登记记录" in _html(r)
    assert "王小明" not in _html(unknown) and sms_sent() == []


def test_the_counters_refusals_show_on_the_form(client: Client, wang: str) -> None:
    assert _apply(client).status_code == 302
    again = _apply(client)
    assert again.status_code == 409 and 'data-rule="LH-3.2-issue-15d"' in _html(again)


def test_applying_the_day_before_six_months_shows_the_reason_and_the_date_in_place(
    client: Client, clerk: Any
) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 7), phone=MOBILE)  # six months on 2026-07-07
    response = _apply(client, on=date(2026, 7, 6))
    assert response.status_code == 422
    html, text = _html(response), _text(response)
    assert 'data-testid="problem"' in html and 'data-rule="LH-3.1-registered-6m"' in html
    reasons = html.split('data-testid="problem"')[1].split("</ul>")[0]
    assert (
        "居住登记未满6个月" in reasons
        and "自2026-07-07起可申领" in reasons
        and "LH-3.1-registered-6m" in reasons
    )
    assert "材料已齐全" not in text and 'data-testid="reselect-files"' not in html
    assert 'id="id_police_station"' in html  # the form, in place, to try again from that date
    assert Application.objects.count() == ApplicationDocument.objects.count() == 0
    assert not Path(django_settings.JUZHU_UPLOAD_ROOT).exists()
    with today_is(date(2026, 7, 6)):
        en = client.post(
            "/apply/",
            {
                "kind": "first_issue",
                "police_station": STATION,
                "file_identity_card": SimpleUploadedFile("id.png", PNG, content_type="image/png"),
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert en.status_code == 422 and "eligible from 2026-07-07" in _html(en)


def test_applying_on_the_first_eligible_day_is_received(client: Client, clerk: Any) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 7), phone=MOBILE)
    assert _apply(client, on=date(2026, 7, 7)).status_code == 302
    assert Application.objects.get().submitted_on == date(2026, 7, 7)


def test_the_tour_registering_today_then_applying_online_is_refused_with_the_date(
    client: Client, clerk: Any
) -> None:
    """README tour: the clerk registers a new identity number and the person applies online that day."""
    registered(clerk, number=WANG, registered_on=DAY, phone=MOBILE)
    response = _apply(client)
    assert response.status_code == 422
    assert "自2027-01-06起可申领" in _html(response)
    assert Application.objects.count() == 0


def test_a_reissue_needs_a_permit_and_a_reason(client: Client, wang: str) -> None:
    response = _apply(client, kind="reissue", reissue_reason="", file_photo=None)
    assert response.status_code == 422 and "reissue_reason" in _text(response).split("需更正")[1]
    response = _apply(client, kind="reissue", reissue_reason="lost", file_photo=None)
    assert response.status_code == 409 and 'data-rule="LH-3.2-replace"' in _html(response)


def test_a_proxy_for_an_adult_is_refused_with_the_reason(client: Client, wang: str) -> None:
    response = _apply(
        client,
        proxy="1",
        proxy_name="李四",
        proxy_identity_number=LI,
        proxy_relation="spouse",
        file_photo=None,
    )
    assert response.status_code == 422
    html = _html(response)
    assert 'data-rule="LH-3.2-proxy"' in html and "须本人办理" in html
    incomplete = _apply(client, proxy="1", proxy_name="李四", file_photo=None)
    assert incomplete.status_code == 422 and "proxy_relation" in _text(incomplete).split("需更正")[1]


def test_missing_applicant_fields_are_a_422(client: Client) -> None:
    response = _identify(client, name="")
    assert response.status_code == 422 and "name" in _text(response).split("需更正")[1]


def test_the_refresh_button_redraws_the_form_without_submitting(client: Client, wang: str) -> None:
    response = _apply(client, kind="replacement", action="refresh")
    assert response.status_code == 200 and 'name="file_old_card"' in _html(response)
    assert Application.objects.count() == 0


# --------------------------------------------------------------------------- the code screen


def test_a_wrong_code_says_how_many_tries_are_left_and_marks_the_field(client: Client, wang: str) -> None:
    _identify(client)
    wrong = f"{(int(last_code()) + 1) % 1_000_000:06d}"
    response = _give_code(client, wrong)
    assert response.status_code == 422
    html = _html(response)
    assert (
        "还可以再试4次" in html
        and 'aria-invalid="true"' in html
        and 'data-rule="N-17-confidentiality"' in html
    )
    english = _give_code(client, wrong, HTTP_ACCEPT_LANGUAGE="en")
    assert "3 tries left" in _html(english)
    malformed = _give_code(client, "12ab")
    assert malformed.status_code == 422 and "6位数字验证码" in _html(malformed)
    assert _give_code(client)["Location"] == "/apply/"  # the right code still works


def test_a_new_code_after_a_minute_and_the_old_one_stops_working(
    client: Client, wang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from juzhu.registry import clock

    start = clock.now()
    _identify(client)
    first = last_code()
    soon = client.post("/code/", {"action": "resend"})
    assert soon.status_code == 429 and 1 <= int(soon["Retry-After"]) <= 60
    assert "秒后可以重新获取" in _html(soon) and len(sms_sent()) == 1
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=61))
    resent = client.post("/code/", {"action": "resend"})
    assert resent.status_code == 302 and resent["Location"] == "/code/"
    assert len(sms_sent()) == 2 and "新的验证码已发送" in _html(client.get("/code/"))
    second = last_code()
    if first != second:
        assert _give_code(client, first).status_code == 422  # only the newest code counts here
    assert _give_code(client, second)["Location"] == "/apply/"


def test_an_expired_code_asks_for_a_new_one(
    client: Client, wang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from juzhu.registry import clock

    start = clock.now()
    _identify(client)
    monkeypatch.setattr(clock, "now", lambda: start + CODES.lifetime + timedelta(seconds=5))
    assert 'data-testid="code-expired"' in _html(client.get("/code/"))
    response = _give_code(client)
    assert response.status_code == 409 and "验证码已过期" in _html(response)


def test_the_identity_step_and_the_code_screen_in_english(client: Client, wang: str) -> None:
    cjk = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    identify = _html(client.get("/apply/", HTTP_ACCEPT_LANGUAGE="en")).split('<main id="main"')[1]
    assert "Send me a code" in identify and cjk.findall(identify) == []
    _identify(client)
    screen = _html(client.get("/code/", HTTP_ACCEPT_LANGUAGE="en")).split('<main id="main"')[1]
    assert "ending in <strong>8000</strong>" in screen and "Code (6 digits)" in screen
    assert cjk.findall(screen) == []


def test_going_back_from_the_code_screen(client: Client, wang: str) -> None:
    _identify(client)
    assert client.post("/code/", {"action": "cancel"})["Location"] == "/apply/"
    assert client.get("/code/")["Location"] == "/guide/"  # nothing pending any more


def test_too_many_codes_for_one_person_is_a_429(
    client: Client, wang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from juzhu.registry import clock

    start = clock.now()
    for i in range(CODES.per_person_hour):
        monkeypatch.setattr(clock, "now", lambda i=i: start + timedelta(minutes=2 * i))
        assert _identify(Client(REMOTE_ADDR=f"10.4.4.{i}"))["Location"] == "/code/"
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=20))
    refused = _identify(client)
    assert refused.status_code == 429 and "获取验证码的次数过多" in _html(refused)
    assert int(refused["Retry-After"]) == 40 * 60


# --------------------------------------------------------------------------- progress


def _submit(client: Client) -> Application:
    assert _apply(client).status_code == 302
    client.post("/progress/forget/")
    return Application.objects.get()


def _look_up(client: Client, number: str, ident: str, on: date = DAY) -> Any:
    with today_is(on):
        return client.post("/progress/", {"number": number, "identity_number": ident})


def _look_up_and_prove(client: Client, number: str, ident: str, on: date = DAY) -> None:
    found = _look_up(client, number, ident, on)
    assert found.status_code == 302 and found["Location"] == "/code/", _html(found)[:2000]
    with today_is(on):
        assert _give_code(client)["Location"] == "/progress/"


def test_progress_needs_both_numbers_and_one_neutral_answer(client: Client, wang: str, clerk: Any) -> None:
    app = _submit(client)
    registered(clerk, number=LI, registered_on=date(2026, 1, 5), name="李四")
    answers = [
        _look_up(client, app.number, LI),
        _look_up(client, "SQ20269999999", WANG),
        _look_up(client, app.number, "not a number"),
    ]
    assert {r.status_code for r in answers} == {404}
    problems = {_html(r).split('data-testid="problem"')[1].split("</div>")[0] for r in answers}
    assert len(problems) == 1
    assert "王小明" not in _html(answers[0])
    assert 'data-testid="progress-form"' in _html(client.get("/progress/"))


def test_the_right_pair_alone_opens_nothing(client: Client, wang: str) -> None:
    app = _submit(client)
    found = _look_up(client, app.number, WANG)
    assert found.status_code == 302 and found["Location"] == "/code/"
    assert sms_sent()[-1].recipient == MOBILE
    page = client.get("/progress/")
    assert 'data-testid="progress-form"' in _html(page) and "已收件" not in _html(page)
    assert client.get(f"/progress/documents/{ApplicationDocument.objects.first().pk}/").status_code == 404


def test_progress_shows_the_stages_and_remembers_the_proof(client: Client, wang: str) -> None:
    app = _submit(client)
    _look_up_and_prove(client, app.number.lower(), WANG)
    with today_is(DAY):
        html = _html(client.get("/progress/"))
    assert 'data-status="received"' in html and "已收件" in html
    assert 'data-testid="preliminary-missing"' in html and "LH-3.1-condition" in html
    assert 'data-testid="upload-identity_card"' in html
    assert client.post("/progress/forget/").status_code == 302
    assert 'data-testid="progress-form"' in _html(client.get("/progress/"))


def test_a_verified_lookup_expires_after_thirty_minutes(
    client: Client, wang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from juzhu.registry import clock

    app = _submit(client)
    start = clock.now()
    _look_up_and_prove(client, app.number, WANG)
    monkeypatch.setattr(clock, "now", lambda: start + CODES.verified_for - timedelta(seconds=5))
    assert 'data-testid="progress"' in _html(client.get("/progress/"))  # the last moments: still open
    monkeypatch.setattr(clock, "now", lambda: start + CODES.verified_for + timedelta(seconds=5))
    page = _html(client.get("/progress/"))
    assert 'data-testid="progress-form"' in page and 'data-testid="proof-expired"' in page
    assert client.get("/progress/notice.pdf").status_code == 404
    assert "proofs" not in client.session or "progress" not in client.session["proofs"]


def test_notice_supplement_accept_and_issue_as_the_applicant_sees_them(
    client: Client, wang: str, clerk: Any, supervisor: Any
) -> None:
    app = _submit(client)
    with today_is(DAY):
        services.application_notify(actor=clerk, application_id=app.pk)
    _look_up_and_prove(client, app.number, WANG)
    html = _html(client.get("/progress/"))
    assert 'data-status="notified"' in html
    items = html.split('data-testid="notice-items"')[1].split("</ul>")[0]
    assert "LH-3.1-condition" in items and "photo" not in items  # the photo was uploaded
    assert 'data-testid="supplement-form"' in html and 'name="file_condition_evidence"' in html
    # Something the notice does not list is refused, naming the rule.
    wrong = client.post(
        "/progress/supplement/",
        {
            "doc_condition_evidence": "permit_card",
            "file_condition_evidence": SimpleUploadedFile("x.png", PNG, "image/png"),
        },
    )
    assert wrong.status_code == 422 and "doc_condition_evidence" in _text(wrong).split("需更正")[1]
    ok = client.post(
        "/progress/supplement/",
        {
            "doc_condition_evidence": "labour_contract",
            "file_condition_evidence": SimpleUploadedFile("contract.pdf", PDF, "application/pdf"),
        },
    )
    assert ok.status_code == 302
    app.refresh_from_db()
    assert app.documents == ["identity_card", "labour_contract", "photo"]
    html = _html(client.get("/progress/"))
    assert "补正材料已提交" in html
    assert 'data-testid="supplement-form"' not in html  # every item of the notice is in
    accepted_on = date(2026, 7, 6)  # + 15 days (T-count) = Tue 2026-07-21, a working day
    with today_is(accepted_on):
        services.application_accept(actor=clerk, application_id=app.pk)
    html = _html(client.get("/progress/"))
    assert (
        'data-status="accepted"' in html and "2026-07-21" in html.split('data-testid="progress-due"')[1][:80]
    )
    assert 'data-testid="supplement-form"' not in html
    with today_is(date(2026, 7, 10)):
        services.application_approve(actor=supervisor, application_id=app.pk)
        permit = services.application_issue(actor=clerk, application_id=app.pk)
    html = _html(client.get("/progress/"))
    assert 'data-status="issued"' in html
    assert permit.number in html.split('data-testid="progress-permit"')[1][:40]


def test_the_code_starts_a_new_session(client: Client, wang: str) -> None:
    """No session fixation: a session id planted before the code never sees the case."""
    app = _submit(client)
    assert _look_up(client, app.number, WANG).status_code == 302
    planted = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    with today_is(DAY):
        assert _give_code(client)["Location"] == "/progress/"
    fresh = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert fresh and fresh != planted
    assert 'data-testid="progress"' in _html(client.get("/progress/"))
    attacker = Client()
    attacker.cookies[django_settings.SESSION_COOKIE_NAME] = planted
    assert 'data-testid="progress-form"' in _html(attacker.get("/progress/"))
    assert attacker.get("/apply/done/")["Location"] == "/apply/"


def test_contact_typed_online_is_kept_on_the_application_and_shown_to_staff(
    client: Client, wang: str, clerk: Any
) -> None:
    """Never copied to the person (N-17-confidentiality); the case page shows it to the clerk."""
    assert _apply(client, phone="13900001111", email="wang@example.cn").status_code == 302
    app = Application.objects.get()
    assert (app.contact_phone, app.contact_email) == ("13900001111", "wang@example.cn")
    assert (app.person.phone, app.person.email) == (MOBILE, "")
    staff_client = Client()
    staff_client.force_login(clerk)
    with today_is(DAY):
        response = staff_client.get(f"/hall/applications/{app.pk}/")
    assert response.status_code == 200
    shown = _html(response).split("网上填写的联系方式")[1].split("</dd>")[0]  # among the application's facts
    assert 'data-testid="online-contact"' in shown and "13900001111" in shown and "wang@example.cn" in shown
    trail = _text(response)
    assert "本人验证" in trail and "登记手机号码短信验证码" in trail  # how the applicant was identified


# --------------------------------------------------------------------------- lookup brakes


def test_after_three_failures_on_a_number_the_next_try_waits_even_with_the_right_pair(
    client: Client, wang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _submit(client)
    now = [1_800_000_000.0]
    monkeypatch.setattr("time.time", lambda: now[0])
    for i in range(LOOKUPS.free_per_number + 1):
        assert _look_up(client, f"SQ2026999{i:04d}", WANG).status_code == 404, i
    blocked = _look_up(client, app.number, WANG)
    assert blocked.status_code == 429 and blocked["Retry-After"] == "2"
    html = _html(blocked)
    assert 'data-rule="N-17-confidentiality"' in html and "请2秒后再试" in html
    assert 'data-testid="progress-form"' in _html(client.get("/progress/"))  # nothing found, no code sent
    now[0] += 2
    assert _look_up(client, app.number, WANG)["Location"] == "/code/"  # a short wait, not 15 minutes


def test_a_service_hall_address_is_not_blocked_by_other_peoples_typos(
    client: Client, wang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _submit(client)
    hall = Client(REMOTE_ADDR="10.8.8.8")
    for i in range(LOOKUPS.free_per_address):
        other = identity_number(date(1980, 1, 1) + timedelta(days=i), seq=500 + i)
        assert _look_up(hall, f"SQ2026{100 + i:07d}", other).status_code == 404  # other people's typos
    assert _look_up(hall, app.number, WANG)["Location"] == "/code/"


def test_the_apply_form_cannot_be_used_to_test_who_is_registered(client: Client, wang: str) -> None:
    for i in range(LOOKUPS.free_per_number + 1):
        assert _identify(client, WANG, f"不是王{i}").status_code == 404, i
    blocked = _identify(client)  # the right name now: refused all the same
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) >= 1
    assert 'data-rule="N-17-confidentiality"' in _html(blocked)
    assert sms_sent() == [] and not Application.objects.exists()


# --------------------------------------------------------------------------- after the code


def test_a_refusal_shows_its_reason(client: Client, wang: str, supervisor: Any) -> None:
    app = _submit(client)
    with today_is(DAY):
        services.application_refuse(actor=supervisor, application_id=app.pk, reason="劳动合同为伪造")
    _look_up_and_prove(client, app.number, WANG)
    html = _html(client.get("/progress/"))
    assert 'data-status="refused"' in html and "劳动合同为伪造" in html and "LH-3.1-condition" in html


def test_a_refusal_cites_the_rule_it_was_decided_on(client: Client, wang: str, supervisor: Any) -> None:
    app = _submit(client)
    with today_is(DAY):
        services.application_refuse(
            actor=supervisor, application_id=app.pk, reason="材料系伪造", rule="N-9-materials"
        )
    _look_up_and_prove(client, app.number, WANG)
    refused = _html(client.get("/progress/")).split('data-testid="stage-refused"')[1].split("</li>")[0]
    assert "材料系伪造" in refused and "N-9-materials" in refused and "LH-3.1-condition" not in refused


def test_supplement_before_the_notice_is_a_409(client: Client, wang: str) -> None:
    _apply(client)
    response = client.post(
        "/progress/supplement/", {"file_photo": SimpleUploadedFile("p.png", PNG, "image/png")}
    )
    assert response.status_code == 409
    assert 'data-rule="LH-3.2-one-time-notice"' in _html(response)


def test_an_upload_downloads_only_in_the_applicants_session(client: Client, wang: str) -> None:
    _apply(client)
    row = ApplicationDocument.objects.get(doc="identity_card")
    response = client.get(f"/progress/documents/{row.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and b"".join(response.streaming_content) == PNG
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"  # N-17-confidentiality
    assert Client().get(f"/progress/documents/{row.pk}/").status_code == 404
    assert client.get("/progress/documents/999999/").status_code == 404


def test_the_notice_pdf_for_the_applicant(client: Client, wang: str, clerk: Any) -> None:
    pytest.importorskip("juzhu.printing.pdf")
    _apply(client)
    app = Application.objects.get()
    assert client.get("/progress/notice.pdf").status_code == 404  # no notice yet
    with today_is(DAY):
        notice = services.application_notify(actor=clerk, application_id=app.pk)
    response = client.get("/progress/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and notice.number in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"  # N-17-confidentiality
    assert Client().get("/progress/notice.pdf").status_code == 404


def test_portal_pages_are_public_and_link_nothing_outside(
    client: Client, clerk: Any, supervisor: Any
) -> None:
    issued_permit(clerk, supervisor, number=LI, registered_on=date(2025, 1, 6), issued_on=date(2025, 7, 10))
    for url in ["/guide/", "/check/", "/apply/", "/progress/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not re.search(r'(src|href|action)="(https?:)?//', _html(response)), url
