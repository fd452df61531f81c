"""Error bodies: RFC 9457 problem+json with a stable type, the rule, the fields, in the request's language.

And no bad input, in a body or a path, is ever answered with a 500.
"""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric

from juzhu.accounts.models import ApiToken
from juzhu.api.tests.conftest import Api
from juzhu.api.tests.helpers import (
    PERMIT_2025_1_BAD_CHECK,
    PERMIT_UNKNOWN,
    WANG,
    application_body,
    problem,
    registration_body,
    wang_permit,
)
from juzhu.registry.models import Application, Person
from juzhu.registry.tests.factories import registered, today_is

# 510121199005171238 with its check character changed.
WANG_BAD_CHECK = WANG[:-1] + "7"
# Born on 30 February 1990, with the check character that makes the checksum right.
BORN_30_FEBRUARY = "51012119900230123" + ric.calc_check_digit("51012119900230123" + "0")


# ----------------------------------------------------------------------------- language and shape


def test_identity_number_with_a_wrong_check_character_is_422_in_chinese_by_default(as_clerk):
    with today_is(date(2026, 3, 2)):
        r = as_clerk.post("/registrations", registration_body(WANG_BAD_CHECK))
    body = problem(r, 422, "identity-checksum", rule="LH-3.1-identity")
    assert body["fields"] == ["identity_number"]
    assert body["title"] == body["detail"] == "公民身份号码校验码不符，请核对是否录入有误。"
    assert r["Content-Language"] == "zh-hans"
    assert WANG_BAD_CHECK not in r.content.decode()  # N-17-confidentiality: never echoed
    assert Person.objects.count() == 0


def test_identity_number_error_in_english_with_accept_language_en(as_clerk):
    with today_is(date(2026, 3, 2)):
        r = as_clerk.post("/registrations", registration_body(WANG_BAD_CHECK), HTTP_ACCEPT_LANGUAGE="en")
    body = problem(r, 422, "identity-checksum", rule="LH-3.1-identity")
    assert (
        body["detail"]
        == "The identity number's check character does not match; please check it for a typing error."
    )
    assert r["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("51012119900517123", "identity-format"),  # 17 characters
        ("5101211990051712X8", "identity-format"),  # X only as the check character
        (BORN_30_FEBRUARY, "identity-birth-date"),
        (WANG_BAD_CHECK, "identity-checksum"),
    ],
)
def test_application_with_a_bad_identity_number_is_422_naming_identity_number(as_clerk, number, code):
    with today_is(date(2026, 7, 6)):
        r = as_clerk.post("/applications", application_body(number))
    assert problem(r, 422, code, rule="LH-3.1-identity")["fields"] == ["identity_number"]


def test_missing_field_is_422_naming_it(as_clerk):
    body = application_body()
    del body["identity_number"]
    r = as_clerk.post("/applications", body)
    problem_body = problem(r, 422, "invalid-request")
    assert problem_body["fields"] == ["identity_number"]
    assert problem_body["errors"] == [{"field": "identity_number", "message": "Field required"}]
    assert problem_body["title"] == "请求内容有误"
    r_en = as_clerk.post("/applications", body, HTTP_ACCEPT_LANGUAGE="en")
    assert problem(r_en, 422, "invalid-request")["title"] == "Invalid request"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"documents": "photo"}, "documents"),  # a string, not a list
        ({"documents": ["passport"]}, "documents.0"),  # not a document code
        ({"kind": 5}, "kind"),
        ({"kind": "renewal"}, "kind"),
        ({"identity_number": 510121199005171238}, "identity_number"),  # a number, not a string
        ({"proxy": {"name": "王大明", "identity_number": WANG, "relation": "cousin"}}, "proxy.relation"),
    ],
)
def test_wrong_type_is_422_naming_the_field(as_clerk, change, field):
    r = as_clerk.post("/applications", application_body(**change))
    assert problem(r, 422, "invalid-request")["fields"] == [field]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"arrived_on": "2026-13-01"}, "arrived_on"),
        ({"arrived_on": "9999-12-31"}, "arrived_on"),
        ({"hukou_division": "5101"}, "hukou_division"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_registration_values_are_422_naming_the_field(as_clerk, change, field):
    with today_is(date(2026, 3, 2)):
        r = as_clerk.post("/registrations", registration_body(**change))
    assert problem(r, 422, "invalid-request")["fields"] == [field]


def test_unknown_hukou_division_names_hukou_division(as_clerk):
    with today_is(date(2026, 3, 2)):
        r = as_clerk.post("/registrations", registration_body(hukou_division="999999"))
    body = problem(r, 422, "division-unknown", rule="LH-3.1-hukou")
    assert body["fields"] == ["hukou_division"]


def test_arrival_after_declaration_is_422(as_clerk):
    with today_is(date(2026, 3, 2)):
        r = as_clerk.post("/registrations", registration_body(arrived_on="2026-03-03"))
    assert problem(r, 422, "registration-dates", rule="LH-4-register-3d")["fields"] == [
        "arrived_on",
        "declared_on",
    ]


def test_unknown_police_station_is_404_naming_police_station(as_clerk):
    with today_is(date(2026, 3, 2)):
        r = as_clerk.post("/registrations", registration_body(police_station="150802999"))
    assert problem(r, 404, "police-station-not-found")["fields"] == ["police_station"]


@pytest.mark.parametrize(
    ("accept_language", "content_language"),
    [
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("fr-FR", "zh-hans"),
        ("", "zh-hans"),
    ],
)
def test_the_message_language_follows_accept_language_with_chinese_as_default(
    as_clerk, accept_language, content_language
):
    r = as_clerk.get(f"/permits/{PERMIT_UNKNOWN}", HTTP_ACCEPT_LANGUAGE=accept_language)
    body = problem(r, 404, "permit-not-found")
    assert r["Content-Language"] == content_language
    assert body["detail"] == (
        "No permit with this number." if content_language == "en" else "没有这个编号的居住证。"
    )


# ----------------------------------------------------------------------------- authentication and roles


def test_no_token_is_401(anonymous):
    r = anonymous.get("/applications")
    body = problem(r, 401, "unauthenticated", rule="N-17-confidentiality")
    assert body["title"] == "需要登录或有效的API令牌"


@pytest.mark.parametrize("header", ["Bearer jz_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer", ""])
def test_a_wrong_or_malformed_token_is_401(client, db, header):
    r = Api(client, None).post("/applications", application_body(), HTTP_AUTHORIZATION=header)
    problem(r, 401, "unauthenticated")


def test_a_revoked_token_is_401(as_clerk):
    ApiToken.objects.update(revoked=True)
    problem(as_clerk.get("/applications"), 401, "unauthenticated")


def test_a_system_token_reads_no_personal_record_and_cannot_act_at_the_counter(as_system, clerk):
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with today_is(date(2026, 7, 6)):
        listed = as_system.get("/applications")
        r = as_system.post("/applications", application_body())
        r_en = as_system.post("/applications", application_body(), HTTP_ACCEPT_LANGUAGE="en")
    problem(listed, 403, "forbidden", rule="N-8-authority")  # N-17: verification only, like the public
    body = problem(r, 403, "forbidden", rule="N-8-authority")
    assert body["detail"] == "当前账号无权执行此操作。"
    assert problem(r_en, 403, "forbidden")["detail"] == "This account may not perform this operation."
    assert Application.objects.count() == 0


def test_a_system_token_cannot_register_or_sweep(as_system):
    with today_is(date(2026, 3, 2)):
        problem(as_system.post("/registrations", registration_body()), 403, "forbidden")
        problem(as_system.post("/sweeps", {"on": "2026-03-02"}), 403, "forbidden")


# ----------------------------------------------------------------------------- not found


def test_unknown_permit_is_404(as_clerk):
    r = as_clerk.get(f"/permits/{PERMIT_UNKNOWN}")
    assert problem(r, 404, "permit-not-found", rule="LH-3.2-replace")["fields"] == ["number"]
    problem(as_clerk.get(f"/permits/{PERMIT_UNKNOWN}/history"), 404, "permit-not-found")


def test_unknown_application_is_404(as_clerk):
    r = as_clerk.get("/applications/424242")
    assert problem(r, 404, "not-found")["fields"] == ["application_id"]
    problem(as_clerk.post("/applications/424242/accept"), 404, "not-found")


def test_permit_number_with_a_wrong_check_character_is_422(as_clerk, anonymous, clerk, supervisor):
    wang_permit(clerk, supervisor)
    body = problem(as_clerk.get(f"/permits/{PERMIT_2025_1_BAD_CHECK}"), 422, "permit-number-checksum")
    assert (body["rule"], body["fields"]) == ("LH-3.2-replace", ["number"])
    problem(anonymous.get(f"/verify/{PERMIT_2025_1_BAD_CHECK}"), 422, "permit-number-checksum")
    problem(
        as_clerk.post(f"/permits/{PERMIT_2025_1_BAD_CHECK}/endorse", {"documents": ["permit_card"]}),
        422,
        "permit-number-checksum",
    )


# ----------------------------------------------------------------------------- never a 500


# A body that is not a JSON object is 400 malformed-body; an object with the wrong members is 422.
MALFORMED_BODIES = [
    ("{not json", 400),
    ("null", 400),
    ("[]", 400),
    ('"text"', 400),
    ("42", 400),
    ("", 422),
    ('{"kind": null}', 422),
    ('{"documents": {"a": 1}}', 422),
]


@pytest.mark.parametrize(("raw", "status"), MALFORMED_BODIES)
@pytest.mark.parametrize("path", ["/registrations", "/applications", "/checks/eligibility", "/sweeps"])
def test_malformed_bodies_are_4xx_problems(as_supervisor, raw, status, path):
    with today_is(date(2026, 3, 2)):
        r = as_supervisor.post(path, raw)
    if path == "/sweeps" and raw.startswith("{") and status == 422:
        assert r.status_code == 200, r.content  # members it does not know are ignored; "on" defaults to today
        return
    assert r.status_code == status, r.content
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["fields"]
    assert "rule" in r.json()


def test_a_sweep_with_a_non_object_body_does_not_run(as_supervisor):
    with today_is(date(2026, 3, 2)):
        r = as_supervisor.post("/sweeps", "42")
    assert problem(r, 400, "malformed-body")["fields"] == ["body"]


def test_a_body_that_is_not_json_is_400_in_the_request_language(as_clerk):
    zh = as_clerk.post("/applications", "{not json")
    en = as_clerk.post("/applications", "{not json", HTTP_ACCEPT_LANGUAGE="en")
    assert problem(zh, 400, "malformed-body", rule="N-9-materials")["fields"] == ["body"]
    assert zh.json()["detail"] == "请求体须为JSON对象"
    assert problem(en, 400, "malformed-body")["detail"] == "The request body must be a JSON object"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/permits/ABC", 422),
        ("/permits/15080220250000001", 422),  # 17 characters
        ("/permits/1508022025000000101", 422),  # 19 characters
        (f"/permits/{PERMIT_2025_1_BAD_CHECK}", 422),
        ("/permits/%E4%B8%AD%E6%96%87", 422),  # 中文
        ("/permits/１５０８０２２０２５０００００００１０", 422),  # full-width digits
        ("/applications/abc", 422),
        ("/applications/-1", 404),
        ("/applications/99999999999999999999999", 404),
        ("/applications/1.5", 422),
        ("/applications?limit=0", 422),
        ("/applications?limit=abc", 422),
        ("/deadlines?kind=issue&start=0000-01-01", 422),
    ],
)
def test_malformed_paths_and_queries_are_problems_not_500(as_clerk, anonymous, path, status):
    r = (anonymous if path.startswith("/deadlines") else as_clerk).get(path)
    assert r.status_code == status, r.content
    assert r["Content-Type"] == "application/problem+json"


def test_a_permit_number_of_superscript_digits_is_422_not_500(anonymous, db):
    r = anonymous.get("/verify/" + "²" * 17 + "0")  # NFKC reads them as 2s; the check character then fails
    problem(r, 422, "permit-number-checksum")
    r = anonymous.get("/verify/" + "١" * 17 + "0")  # Arabic-Indic digits are not ASCII digits
    problem(r, 422, "permit-number-format")


@pytest.mark.parametrize(
    "body",
    [
        {"hukou_division": "510121", "registration_date": "9999-12-31", "on": "9999-12-31"},
        {"hukou_division": "510121", "registration_date": "0001-01-01"},
        {"hukou_division": "510121", "conditions": ["wealth"]},
        {"hukou_division": "510121", "registration_division": "1508"},
    ],
)
def test_what_if_with_absurd_values_is_422_not_500(anonymous, db, body):
    r = anonymous.post("/checks/eligibility", body)
    problem(r, 422, "invalid-request")
