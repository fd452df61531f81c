"""The entitlements API: catalogue, the purpose-limited and logged check, household links, publications."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from juzhu.api.tests.conftest import Api, token_for
from juzhu.api.tests.helpers import problem
from juzhu.entitlements.tests.factories import KID, PARENT, TEEN, child, household, parent_permit
from juzhu.policy.sharing import PURPOSES
from juzhu.registry import services as registry
from juzhu.registry.tests.factories import identity_number, today_is
from juzhu.sharing.models import AccessLog
from juzhu.sharing.tests.factories import department_account

META = {"on", "purpose", "rule"}  # every answer's frame: not personal data


def as_department(client: Client, username: str, department: str, purposes: list[str], code: str) -> Api:
    credential = department_account(username, department, purposes, code)
    return Api(client, token_for(credential.user, code))


@pytest.fixture
def as_education(client, db) -> Api:
    return as_department(
        client, "jkj-system", "education", ["education.school_place", "education.exams"], "JKJ-01"
    )


@pytest.fixture
def permit(clerk, supervisor):
    return household(clerk, supervisor)


def check(api: Api, number: str, service: str, on: str = "2025-12-01", lang: str = "zh-hans", **params):
    """Ask on 2026-01-05 about ``on``; ``params`` are the other query parameters."""
    query = {"identity_number": number, "service": service, "on": on, **params}
    with today_is(date(2026, 1, 5)):
        return api.get("/entitlements/check", query, HTTP_ACCEPT_LANGUAGE=lang)


# --- the catalogue ---------------------------------------------------------------------------------


def test_the_catalogue_is_public_with_rule_ids_and_the_publication_flag(anonymous, supervisor):
    with today_is(date(2025, 9, 1)):
        r = anonymous.post("/entitlements/publications", {})
    assert r.status_code == 401
    body = anonymous.get("/entitlements/services", {"on": "2025-09-01"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert len(body) == 22
    gaokao = next(s for s in body if s["code"] == "2-gaokao")
    assert gaokao == {
        "code": "2-gaokao",
        "category": 2,
        "name": "Gaokao registration",
        "department": "education",
        "department_label": "Education and Science Bureau",
        "extra": "gaokao",
        "rules": ["LH-4-services", "LH-4-svc-2"],
        "publication_overdue": True,  # nothing published yet
    }


# --- the check: only the purpose's fields -----------------------------------------------------------


def test_school_place_never_returns_the_identity_number_or_the_address(as_education, permit):
    r = check(
        as_education,
        KID,
        "2-school-place",
        purpose="education.school_place",
        conditions="compulsory_school_age",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == META | {"entitled", "reasons", "service", "permit_status"}
    assert (body["entitled"], body["permit_status"], body["purpose"]) == (
        True,
        "valid",
        "education.school_place",
    )
    assert body["reasons"] == [
        {
            "rule": "LH-4-svc-2",
            "code": "entitled-guardian_permit",
            "message": "随父母或监护人的有效居住证享受该项服务。",
        }
    ]
    text = r.content.decode()
    for secret in (KID, PARENT, "identity_number", "residence_address", "临河区新华街", "王"):
        assert secret not in text


SERVICE_OF = {
    "education.school_place": ("education", "2-school-place"),
    "education.exams": ("education", "2-zhongkao"),
    "hrss.social_insurance": ("hr_social_security", "8-social-insurance"),
    "housing.subsidised": ("housing", "9-housing"),
    "health.public_health": ("health", "4-public-health"),
}


@pytest.mark.parametrize("purpose", sorted(SERVICE_OF))
def test_every_purpose_gets_exactly_its_fields_and_one_log_entry(client, permit, purpose):
    department, service = SERVICE_OF[purpose]
    api = as_department(client, "dept", department, [purpose], "D-01")
    body = check(api, PARENT, service, purpose=purpose).json()
    assert set(body) - META == PURPOSES[purpose].fields
    entry = AccessLog.objects.get()
    assert (entry.purpose, entry.fields, entry.credential.code) == (
        purpose,
        sorted(PURPOSES[purpose].fields),
        "D-01",
    )


def test_housing_may_see_the_identity_number_and_address_its_purpose_names(client, permit):
    api = as_department(client, "zjj", "housing", ["housing.subsidised"], "ZJJ-01")
    body = check(api, PARENT, "9-housing", purpose="housing.subsidised").json()
    assert (body["identity_number"], body["residence_address"], body["residence_since"]) == (
        PARENT,
        "临河区新华街1号",
        "2025-07-10",
    )


def test_every_department_read_leaves_exactly_one_entry(as_education, permit):
    for n in range(1, 4):
        r = check(as_education, KID, "2-school-place", purpose="education.school_place")
        assert r.status_code == 200
        assert AccessLog.objects.count() == n


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"service": "9-housing", "purpose": "education.school_place"}, 403, "service-outside-purpose"),
        # Its own department's service, but another purpose's question (the exams purpose sees names).
        ({"service": "2-school-place", "purpose": "education.exams"}, 403, "service-outside-purpose"),
        ({"service": "2-gaokao", "purpose": "education.school_place"}, 403, "service-outside-purpose"),
        ({"service": "2-school-place", "purpose": "housing.subsidised"}, 403, "purpose-not-allowed"),
        ({"service": "2-school-place"}, 422, "purpose-required"),
        ({"service": "99-none", "purpose": "education.school_place"}, 404, "service-not-found"),
    ],
)
def test_a_refused_department_read_leaves_no_entry(as_education, permit, params, status, code):
    with today_is(date(2026, 1, 5)):
        r = as_education.get("/entitlements/check", {"identity_number": KID, **params})
    problem(r, status, code)
    assert AccessLog.objects.count() == 0


def test_an_unknown_or_malformed_identity_number_leaves_no_entry(as_education, permit):
    unknown = identity_number(date(2015, 1, 1), seq=7)
    problem(
        check(as_education, unknown, "2-school-place", purpose="education.school_place"),
        404,
        "person-not-found",
    )
    problem(
        check(as_education, "12345", "2-school-place", purpose="education.school_place"),
        422,
        "identity-format",
    )
    assert AccessLog.objects.count() == 0


def test_the_inspection_purpose_does_not_answer_entitlement_questions(client, permit):
    api = as_department(client, "gaj", "public_security", ["police.inspection"], "GAJ-01")
    problem(
        check(api, PARENT, "1-passport", purpose="police.inspection"), 403, "purpose-not-for-entitlements"
    )


def test_staff_may_ask_and_get_the_answer_only_and_are_logged(as_clerk, permit):
    body = check(as_clerk, KID, "4-public-health").json()
    assert set(body) == META | {"entitled", "reasons", "service", "permit_status"}
    assert body["purpose"] == "staff.counter"
    assert AccessLog.objects.get().department == "public_security"


def test_anonymous_and_employer_accounts_cannot_ask(anonymous, client, permit):
    problem(check(anonymous, KID, "4-public-health"), 401, "unauthenticated")
    from juzhu.accounts.models import Role
    from juzhu.registry.tests.factories import staff

    employer = Api(client, token_for(staff("acme", Role.EMPLOYER), "acme"))
    problem(check(employer, KID, "4-public-health"), 403, "forbidden")


# --- history-exact and the 18th birthday ------------------------------------------------------------


def test_the_childs_school_place_follows_the_parents_permit_history(as_education, permit):
    registry.permits_sweep(on=date(2026, 7, 11))  # suspended from 2026-07-11 (LH-3.2-endorse-overdue)
    params = {"purpose": "education.school_place", "conditions": "compulsory_school_age"}
    with today_is(date(2026, 8, 1)):
        before = as_education.get(
            "/entitlements/check",
            {"identity_number": KID, "service": "2-school-place", "on": "2026-07-10", **params},
        ).json()
        after = as_education.get(
            "/entitlements/check",
            {"identity_number": KID, "service": "2-school-place", "on": "2026-07-11", **params},
        ).json()
    assert (before["entitled"], before["permit_status"]) == (True, "valid")
    assert (after["entitled"], after["permit_status"]) == (False, "suspended")
    assert [r["code"] for r in after["reasons"]] == ["guardian-permit-not-valid"]


def test_a_child_is_covered_the_day_before_the_18th_birthday_and_not_on_it(as_education, permit):
    params = {"purpose": "education.exams", "conditions": "junior_high_graduate"}
    assert check(as_education, TEEN, "2-zhongkao", on="2026-03-14", **params).json()["entitled"] is True
    body = check(as_education, TEEN, "2-zhongkao", on="2026-03-15", lang="en", **params).json()
    assert body["entitled"] is False
    assert body["reasons"] == [
        {
            "rule": "LH-4-services",
            "code": "child-adult",
            "message": "Aged 18 or over: no longer covered by a parent's or guardian's permit.",
        }
    ]


@pytest.mark.parametrize(
    ("facts", "entitled"),
    [
        ({}, False),
        ({"im_senior_high": "true", "senior_high_years": 2}, False),
        ({"im_senior_high": "true", "senior_high_years": 3}, True),
    ],
)
def test_gaokao_needs_enrolment_and_three_complete_years(as_education, permit, facts, entitled):
    body = check(as_education, TEEN, "2-gaokao", purpose="education.exams", **facts).json()
    assert body["entitled"] is entitled
    assert set(body) - META == PURPOSES["education.exams"].fields
    if not entitled:
        assert body["reasons"][0]["rule"] == "LH-4-svc-2"
        assert body["reasons"][0]["code"] == "gaokao-conditions"


def test_bad_query_values_are_422_naming_the_field(as_education, permit):
    r = check(as_education, TEEN, "2-gaokao", purpose="education.exams", senior_high_years=40)
    assert problem(r, 422, "invalid-request")["fields"] == ["senior_high_years"]
    r = check(as_education, TEEN, "2-gaokao", purpose="education.exams", on="9999-01-01")
    assert problem(r, 422, "invalid-request")["fields"] == ["on"]
    assert AccessLog.objects.count() == 0


# --- household links --------------------------------------------------------------------------------


def test_a_clerk_links_lists_and_ends_a_household_link(as_clerk, clerk, supervisor):
    parent_permit(clerk, supervisor)
    child(clerk, KID, "王小宝")
    with today_is(date(2025, 8, 1)):
        r = as_clerk.post(
            "/household-links",
            {"child_identity_number": KID, "guardian_identity_number": PARENT, "relation": "parent"},
        )
    assert r.status_code == 201, r.content
    made = r.json()
    assert (made["child"], made["guardian"], made["since"], made["ended_on"], made["rule"]) == (
        "510121********3519",
        "510121********1313",
        "2025-08-01",
        None,
        "LH-4-services",
    )
    with today_is(date(2025, 8, 1)):
        again = as_clerk.post(
            "/household-links",
            {"child_identity_number": KID, "guardian_identity_number": PARENT, "relation": "parent"},
        )
    problem(again, 409, "link-exists", rule="LH-4-services")
    listed = as_clerk.get(f"/persons/{PARENT}/household-links").json()
    assert [link["id"] for link in listed] == [made["id"]]
    with today_is(date(2026, 2, 1)):
        ended = as_clerk.post(f"/household-links/{made['id']}/end", {"reason": "迁出"}).json()
    assert ended["ended_on"] == "2026-02-01"
    with today_is(date(2026, 2, 1)):
        problem(as_clerk.post("/household-links/999999/end", {}), 404, "not-found")


def test_linking_an_adult_or_a_stranger_is_refused_with_the_field(as_clerk, clerk, supervisor):
    parent_permit(clerk, supervisor)
    child(clerk, TEEN, "王小红")
    body = {"child_identity_number": TEEN, "guardian_identity_number": PARENT, "relation": "parent"}
    with today_is(date(2026, 3, 15)):
        assert problem(as_clerk.post("/household-links", body), 422, "link-not-minor")["fields"] == ["since"]
        stranger = {**body, "child_identity_number": identity_number(date(2016, 6, 1), seq=571)}
        r = as_clerk.post("/household-links", stranger)
    assert problem(r, 404, "person-not-found")["fields"] == ["child_identity_number"]


def test_a_department_account_cannot_link(as_education, permit):
    with today_is(date(2025, 8, 1)):
        r = as_education.post(
            "/household-links",
            {"child_identity_number": KID, "guardian_identity_number": PARENT, "relation": "parent"},
        )
    problem(r, 403, "forbidden")


# --- publications -----------------------------------------------------------------------------------


def test_a_publication_exactly_three_years_old_is_not_flagged_a_day_older_is(as_supervisor, anonymous):
    with today_is(date(2023, 5, 10)):
        r = as_supervisor.post(
            "/entitlements/publications",
            {
                "department": "education",
                "published_on": "2023-05-10",
                "title": "持证人享受的教育服务范围",
                "reference": "临教发〔2023〕5号",
            },
        )
    assert r.status_code == 201, r.content
    assert r.json()["rule"] == "LH-5-publish-3y"

    def education_on(day: str) -> dict:
        rows = anonymous.get("/entitlements/publications", {"on": day}).json()
        return next(row for row in rows if row["department"] == "education")

    exactly = education_on("2026-05-10")
    assert (exactly["overdue"], exactly["last_published_on"], exactly["due_by"]) == (
        False,
        "2023-05-10",
        "2026-05-10",
    )
    assert [p["reference"] for p in exactly["publications"]] == ["临教发〔2023〕5号"]
    assert education_on("2026-05-11")["overdue"] is True
    services = anonymous.get("/entitlements/services", {"on": "2026-05-11"}).json()
    assert next(s for s in services if s["code"] == "2-gaokao")["publication_overdue"] is True
    services = anonymous.get("/entitlements/services", {"on": "2026-05-10"}).json()
    assert next(s for s in services if s["code"] == "2-gaokao")["publication_overdue"] is False


def test_a_clerk_cannot_record_a_publication_and_bad_input_names_the_field(as_clerk, as_supervisor):
    body = {"department": "education", "published_on": "2025-09-01", "title": "x"}
    with today_is(date(2025, 9, 1)):
        problem(as_clerk.post("/entitlements/publications", body), 403, "forbidden")
        r = as_supervisor.post("/entitlements/publications", {**body, "published_on": "2025-09-02"})
        assert problem(r, 422, "publication-in-future")["fields"] == ["published_on"]
        r = as_supervisor.post("/entitlements/publications", {**body, "department": "army"})
        assert problem(r, 422, "invalid-request")["fields"] == ["department"]
