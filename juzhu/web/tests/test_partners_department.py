"""Department pages (server side): verification, the purpose-bound entitlement check and its access-log
entry, the department's own log, and the 403 for an account without a credential."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from juzhu.accounts.models import Role
from juzhu.entitlements.tests.factories import KID, PARENT, household
from juzhu.policy.entitlements import Department, Extra, Service
from juzhu.registry import services as registry
from juzhu.registry.models import Permit
from juzhu.registry.tests.factories import identity_number, registered, staff, today_is
from juzhu.sharing.models import AccessLog
from juzhu.sharing.services import credential_revoke
from juzhu.sharing.tests.factories import administrator, department_account, education
from juzhu.web.partners import department

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 5)
NOBODY = identity_number(date(1985, 3, 3), seq=777)  # registered, never holds a permit
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def permit(clerk: User) -> Permit:
    return household(clerk, staff("supervisor", Role.SUPERVISOR))


@pytest.fixture
def edu(client: Client) -> User:
    credential = education(["education.school_place"])
    client.force_login(credential.user)
    return credential.user


@pytest.fixture
def hrss(client: Client) -> User:
    credential = department_account("rsj-system", "hr_social_security", ["hrss.social_insurance"], "RSJ-01")
    client.force_login(credential.user)
    return credential.user


def html(response: Any) -> str:
    return response.content.decode()


def check(client: Client, htmx: bool = True, **body: str) -> Any:
    with today_is(TODAY):
        return client.post("/department/check/", body, **(HX if htmx else {}))


# --- access -----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    for url in ("/department/", "/department/verify/", "/department/access-log/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/?next="), url


@pytest.mark.parametrize("role", [Role.CLERK, Role.EMPLOYER, Role.SUPERVISOR])
def test_other_roles_may_not_open_the_department_pages(client: Client, role: str) -> None:
    client.force_login(staff("someone", role))
    assert client.get("/department/").status_code == 403
    assert client.post("/department/check/", {}).status_code == 403


def test_a_department_account_without_a_credential_sees_why(client: Client) -> None:
    client.force_login(staff("no-cred", Role.DEPARTMENT))
    for r in (client.get("/department/"), client.post("/department/check/", {"identity_number": KID})):
        assert r.status_code == 403
        body = html(r)
        assert "该部门账号没有有效的共享凭证" in body and 'data-rule="LH-2-sharing"' in body
        assert "系统管理员为本账号发放共享凭证" in body
    assert not AccessLog.objects.exists()


def test_a_revoked_credential_is_refused_the_same_way(client: Client, edu: User) -> None:
    credential_revoke(actor=administrator(), code="JKJ-01")
    r = client.get("/department/")
    assert r.status_code == 403 and "LH-2-sharing" in html(r)


# --- the page -------------------------------------------------------------------------------------


def test_the_page_offers_only_the_credentials_services_and_purposes(client: Client, edu: User) -> None:
    with today_is(TODAY):
        body = html(client.get("/department/"))
    assert "JKJ-01" in body and 'value="education.school_place"' in body
    assert 'value="2-school-place"' in body and 'value="2-gaokao"' in body
    assert 'value="8-social-insurance"' not in body and 'value="education.exams"' not in body
    assert 'for="check-identity"' in body and 'for="verify-number"' in body
    assert 'data-testid="access-log-empty"' in body


def test_a_police_credential_without_an_entitlement_purpose_has_no_check_form(client: Client) -> None:
    credential = department_account("gaj-mobile", "public_security", ["police.inspection"], "GAJ-01")
    client.force_login(credential.user)
    body = html(client.get("/department/"))
    assert 'data-testid="no-check-purpose"' in body and 'data-testid="check-form"' not in body


# --- verification -----------------------------------------------------------------------------------


def test_verification_shows_the_status_on_the_date_and_the_masked_name(
    client: Client, edu: User, permit: Permit
) -> None:
    with today_is(TODAY):
        r = client.get("/department/verify/", {"number": permit.number}, **HX)
    assert r.status_code == 200
    body = html(r)
    assert 'data-status="valid"' in body and "王**" in body and "王建国" not in body
    assert "LH-3.2-endorse-window" in body
    r = client.get("/department/verify/", {"number": permit.number, "on": "2025-07-09"}, **HX)
    assert 'data-status="not_issued"' in html(r) and "该日期尚未签发" in html(r)
    registry.permits_sweep(on=date(2026, 7, 11))
    r = client.get("/department/verify/", {"number": permit.number, "on": "2026-07-11"}, **HX)
    assert 'data-status="suspended"' in html(r) and "LH-3.2-endorse-overdue" in html(r)
    r = client.get("/department/verify/", {"number": permit.number, "on": "2026-07-10"}, **HX)
    assert 'data-status="valid"' in html(r)
    assert not AccessLog.objects.exists()  # the public verification's data: nothing personal read


def test_verification_of_an_unknown_number_or_bad_date_is_a_clear_4xx(client: Client, edu: User) -> None:
    r = client.get("/department/verify/", {"number": "150802000000000001"}, **HX)
    assert r.status_code in (404, 422) and 'data-testid="problem"' in html(r)
    r = client.get("/department/verify/", {"number": "X", "on": "yesterday"}, **HX)
    assert r.status_code == 422 and "on" in html(r)
    r = client.get("/department/verify/", {"number": ""})
    assert r.status_code == 422 and "<html" in html(r)


# --- entitlement checks -----------------------------------------------------------------------------


def test_an_entitled_child_is_answered_yes_with_its_rule_and_the_read_is_logged(
    client: Client, edu: User, permit: Permit
) -> None:
    r = check(client, identity_number=KID, service="2-school-place", purpose="education.school_place")
    assert r.status_code == 200 and r["HX-Trigger"] == "access-logged"
    body = html(r)
    assert 'data-entitled="yes"' in body and "LH-4-svc-2" in body
    assert "随父母或监护人的有效居住证享受该项服务" in body
    assert PARENT not in body and KID not in body
    entry = AccessLog.objects.get()
    assert (entry.purpose, entry.service, entry.credential.code, entry.endpoint) == (
        "education.school_place",
        "2-school-place",
        "JKJ-01",
        "entitlements.check",
    )
    with today_is(TODAY):
        log = html(client.get("/department/access-log/", **HX))
    assert "义务教育入学安排" in log and KID[:6] in log and KID not in log


def test_a_non_holder_is_answered_no_with_the_reason(client: Client, clerk: User, hrss: User) -> None:
    registered(clerk, number=NOBODY, registered_on=date(2025, 10, 1), name="赵六")
    r = check(client, identity_number=NOBODY, service="8-social-insurance", purpose="hrss.social_insurance")
    assert r.status_code == 200
    body = html(r)
    assert 'data-entitled="no"' in body and "该日期没有有效的居住证" in body and "LH-4-services" in body
    assert NOBODY not in body  # the purpose may see the number; the screen shows it masked
    assert AccessLog.objects.get().purpose == "hrss.social_insurance"


def test_a_service_outside_the_purpose_is_refused_and_not_logged(
    client: Client, edu: User, permit: Permit
) -> None:
    r = check(client, identity_number=PARENT, service="8-social-insurance", purpose="education.school_place")
    assert r.status_code == 403 and 'data-rule="LH-2-sharing"' in html(r) and "service" in html(r)
    r = check(client, identity_number=PARENT, service="2-school-place", purpose="education.exams")
    assert r.status_code == 403 and "LH-2-sharing" in html(r)
    assert not AccessLog.objects.exists()


def test_an_unknown_person_or_bad_number_is_refused_and_not_logged(client: Client, edu: User) -> None:
    r = check(client, identity_number=NOBODY, service="2-school-place", purpose="education.school_place")
    assert r.status_code == 404 and "LH-4-services" in html(r)
    r = check(
        client,
        identity_number="510121199005171239",
        service="2-school-place",
        purpose="education.school_place",
    )
    assert r.status_code == 422 and "LH-3.1-identity" in html(r)
    r = check(
        client, identity_number=KID, service="2-school-place", purpose="education.school_place", on="5.1.2026"
    )
    assert r.status_code == 422 and "on" in html(r)
    assert not AccessLog.objects.exists()


def test_the_date_asked_about_is_history_exact(client: Client, edu: User, permit: Permit) -> None:
    registry.permits_sweep(on=date(2026, 7, 11))
    r = check(
        client,
        identity_number=KID,
        service="2-school-place",
        purpose="education.school_place",
        on="2026-07-10",
    )
    assert 'data-entitled="yes"' in html(r)
    r = check(
        client,
        identity_number=KID,
        service="2-school-place",
        purpose="education.school_place",
        on="2026-07-11",
    )
    assert 'data-entitled="no"' in html(r) and "LH-4-services" in html(r)
    assert AccessLog.objects.count() == 2


def test_a_check_works_as_a_plain_form_post(client: Client, edu: User, permit: Permit) -> None:
    r = check(
        client, htmx=False, identity_number=KID, service="2-school-place", purpose="education.school_place"
    )
    assert r.status_code == 200
    body = html(r)
    assert "<html" in body and 'data-entitled="yes"' in body and 'data-testid="access-row"' in body


def test_the_log_shows_only_this_departments_reads(client: Client, edu: User, permit: Permit) -> None:
    check(client, identity_number=KID, service="2-school-place", purpose="education.school_place")
    other = department_account("rsj-system", "hr_social_security", ["hrss.social_insurance"], "RSJ-01")
    other_client = Client()
    other_client.force_login(other.user)
    check(other_client, identity_number=PARENT, service="8-social-insurance", purpose="hrss.social_insurance")
    assert AccessLog.objects.count() == 2
    with today_is(TODAY):
        mine = html(client.get("/department/"))
    assert mine.count('data-testid="access-row"') == 1 and "RSJ-01" not in mine


def test_the_page_and_an_answer_read_in_english(client: Client, edu: User, permit: Permit) -> None:
    with today_is(TODAY):
        body = html(client.get("/department/", HTTP_ACCEPT_LANGUAGE="en"))
    assert (
        "Check an entitlement" in body
        and "Our access log" in body
        and "Compulsory-education school place" in body
    )
    with today_is(TODAY):
        r = client.post(
            "/department/check/",
            {"identity_number": KID, "service": "2-school-place", "purpose": "education.school_place"},
            HTTP_ACCEPT_LANGUAGE="en",
            **HX,
        )
    assert "Entitled by a parent" in html(r) and "Entitled" in html(r)


ZH_PUNCTUATION = re.compile("[（）：、。；]")


def test_the_english_page_has_no_chinese_punctuation(client: Client, edu: User, permit: Permit) -> None:
    check(client, identity_number=KID, service="2-school-place", purpose="education.school_place")
    with today_is(TODAY):
        body = html(client.get("/department/", HTTP_ACCEPT_LANGUAGE="en"))
        answer = html(
            client.post(
                "/department/check/",
                {"identity_number": KID, "service": "2-school-place", "purpose": "education.school_place"},
                HTTP_ACCEPT_LANGUAGE="en",
                **HX,
            )
        )
    assert 'data-testid="access-row"' in body and "(education.school_place)" in body
    assert not ZH_PUNCTUATION.search(body), ZH_PUNCTUATION.findall(body)
    assert not ZH_PUNCTUATION.search(answer), ZH_PUNCTUATION.findall(answer)
    with today_is(TODAY):
        chinese = html(client.get("/department/"))
    assert "（education.school_place）：" in chinese


def test_the_conditions_are_listed_in_the_request_language(client: Client, hrss: User) -> None:
    with today_is(TODAY):
        body = html(client.get("/department/", HTTP_ACCEPT_LANGUAGE="en"))
    assert not ZH_PUNCTUATION.search(body), ZH_PUNCTUATION.findall(body)


def test_services_sharing_a_condition_are_joined_in_the_request_language() -> None:
    extra = Extra.COMPULSORY_SCHOOL_AGE
    two = [
        Service("a", 2, Department.EDUCATION, "甲", "first", extra),
        Service("b", 2, Department.EDUCATION, "乙", "second", extra),
    ]
    with translation.override("en"):
        assert [c.label for c in department._conditions(two)] == ["first, second"]
    with translation.override("zh-hans"):
        assert [c.label for c in department._conditions(two)] == ["甲、乙"]
