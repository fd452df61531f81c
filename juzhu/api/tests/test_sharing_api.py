"""The sharing API: purposes, access logs (a department's own, a person's), on-the-spot inspections."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.api.tests.conftest import Api, token_for
from juzhu.api.tests.helpers import problem
from juzhu.entitlements.tests.factories import KID, PARENT, household
from juzhu.policy.sharing import PURPOSES
from juzhu.registry.tests.factories import today_is
from juzhu.sharing.models import AccessLog
from juzhu.sharing.tests.factories import department_account

TODAY = date(2026, 1, 5)
OFFICIAL = "150802-0047"  # the inspecting official's 执法证 number
INSPECTION_FIELDS = {"permit_status", "permit_number", "name", "issue_date", "next_anniversary"}


def as_department(client, username: str, department: str, purposes: list[str], code: str) -> Api:
    credential = department_account(username, department, purposes, code)
    return Api(client, token_for(credential.user, code))


@pytest.fixture
def as_police(client, db) -> Api:
    return as_department(client, "gaj-mobile", "public_security", ["police.inspection"], "GAJ-01")


@pytest.fixture
def as_education(client, db) -> Api:
    return as_department(client, "jkj-system", "education", ["education.school_place"], "JKJ-01")


@pytest.fixture
def permit(clerk, supervisor):
    return household(clerk, supervisor)


def inspect(api: Api, **body):
    with today_is(TODAY):
        return api.post(
            "/inspections", {"official_credential_number": OFFICIAL, "reason": "治安检查", **body}
        )


def school_place(api: Api):
    with today_is(TODAY):
        return api.get(
            "/entitlements/check",
            {"identity_number": KID, "service": "2-school-place", "purpose": "education.school_place"},
        )


def test_the_purposes_and_their_fields_are_public(anonymous):
    body = anonymous.get("/sharing/purposes").json()
    assert {p["code"]: set(p["fields"]) for p in body} == {
        code: set(p.fields) for code, p in PURPOSES.items()
    }
    assert all(p["rule"] == "LH-2-sharing" for p in body)


# --- inspections (LH-4-inspection) ------------------------------------------------------------------


def test_an_inspection_by_scanned_qr_token_is_logged_with_the_officials_number(as_police, as_clerk, permit):
    with today_is(TODAY):
        token = as_clerk.get(f"/permits/{permit.number}/epermit").json()["token"]
    r = inspect(as_police, token=token)
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) - {"on", "method", "access_log_id", "rule"} == INSPECTION_FIELDS
    assert (body["method"], body["permit_status"], body["permit_number"], body["name"], body["rule"]) == (
        "token", "valid", permit.number, "王建国", "LH-4-inspection"
    )  # fmt: skip
    assert (body["issue_date"], body["next_anniversary"], body["on"]) == (
        "2025-07-10",
        "2026-07-10",
        "2026-01-05",
    )
    assert PARENT not in r.content.decode()
    entry = AccessLog.objects.get(endpoint__startswith="inspections.")  # the clerk fetched the QR too
    assert (entry.pk, entry.endpoint, entry.official_credential_number, entry.reason) == (
        body["access_log_id"], "inspections.token", OFFICIAL, "治安检查"
    )  # fmt: skip
    assert (entry.credential.code, entry.purpose, entry.permit_number) == (
        "GAJ-01",
        "police.inspection",
        permit.number,
    )


def test_an_inspection_by_number_is_logged_too_and_shows_a_suspended_permit(as_clerk, permit):
    from juzhu.registry import services as registry

    registry.permits_sweep(on=date(2026, 7, 11))
    with today_is(date(2026, 7, 11)):
        r = as_clerk.post(
            "/inspections",
            {"official_credential_number": OFFICIAL, "reason": "出租屋检查", "number": permit.number},
        )
    assert r.status_code == 201, r.content
    assert (r.json()["method"], r.json()["permit_status"]) == ("number", "suspended")
    entry = AccessLog.objects.get()
    assert (entry.endpoint, entry.credential, entry.official_credential_number) == (
        "inspections.number", None, OFFICIAL
    )  # fmt: skip


def test_a_tampered_token_is_refused_with_422_and_leaves_no_entry(as_police, as_clerk, permit):
    with today_is(TODAY):
        token = as_clerk.get(f"/permits/{permit.number}/epermit").json()["token"]
    head, kid, payload, sig = token.split(".")
    forged = ".".join([head, kid, payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1], sig])
    problem(inspect(as_police, token=forged), 422, "token-invalid", rule="LH-4-inspection")
    problem(inspect(as_police, token="not a token"), 422, "token-format", rule="LH-4-inspection")
    assert not AccessLog.objects.filter(endpoint__startswith="inspections.").exists()  # only the QR fetch


def test_an_inspection_needs_who_why_and_exactly_one_of_number_or_token(as_police, permit):
    body = problem(
        inspect(as_police, number=permit.number, token="JZ1.a.b.c"), 422, "inspection-number-or-token"
    )
    assert body["fields"] == ["number", "token"]
    problem(inspect(as_police), 422, "inspection-number-or-token")
    with today_is(TODAY):
        r = as_police.post("/inspections", {"official_credential_number": OFFICIAL, "number": permit.number})
    assert problem(r, 422, "invalid-request")["fields"] == ["reason"]
    assert problem(inspect(as_police, number="150802202500009998"), 404, "permit-not-found")
    assert AccessLog.objects.count() == 0


def test_a_department_without_the_inspection_purpose_cannot_inspect(as_education, permit):
    problem(inspect(as_education, number=permit.number), 403, "purpose-not-allowed", rule="LH-2-sharing")
    assert AccessLog.objects.count() == 0


# --- access logs ------------------------------------------------------------------------------------


def test_a_department_sees_its_own_reads_only(client, as_education, as_police, permit):
    assert school_place(as_education).status_code == 200
    assert inspect(as_police, number=permit.number).status_code == 201
    mine = as_education.get("/sharing/access-log").json()
    assert len(mine) == 1
    entry = mine[0]
    assert (entry["credential"], entry["purpose"], entry["endpoint"], entry["service"], entry["person"]) == (
        "JKJ-01", "education.school_place", "entitlements.check", "2-school-place", "510121********3519"
    )  # fmt: skip
    assert entry["fields"] == ["entitled", "permit_status", "reasons", "service"]
    police = as_police.get("/sharing/access-log").json()
    assert [e["endpoint"] for e in police] == ["inspections.number"]
    assert police[0]["official_credential_number"] == OFFICIAL


def test_staff_have_no_department_log_and_departments_no_person_log(as_clerk, as_education, permit):
    problem(as_clerk.get("/sharing/access-log"), 403, "no-credential")
    problem(as_education.get(f"/persons/{KID}/access-log"), 403, "forbidden")


def test_a_persons_record_shows_every_read_and_the_parents_shows_the_childs(
    as_clerk, as_education, as_police, permit
):
    school_place(as_education)
    inspect(as_police, number=permit.number)
    kid_log = as_clerk.get(f"/persons/{KID}/access-log", HTTP_ACCEPT_LANGUAGE="en").json()
    # The clerk's own reading of the log is a read of the child's record too, and comes first.
    assert [(e["department"], e["purpose_label"], e["as_guardian"]) for e in kid_log] == [
        ("public_security", "Residence registration and permit business", False),
        ("education", "Compulsory-education school place", False),
    ]
    assert (kid_log[0]["role"], kid_log[0]["read_label"], kid_log[0]["client_address"]) == (
        "clerk", "Access log", "127.0.0.1",
    )  # fmt: skip
    parent_log = as_clerk.get(f"/persons/{PARENT}/access-log").json()
    assert [(e["endpoint"], e["as_guardian"], e["department_label"]) for e in parent_log] == [
        ("api.person.access_log", False, "区公安局"),
        ("inspections.number", False, "区公安局"),
        ("entitlements.check", True, "区教科局"),  # the parent's permit was consulted for the child
    ]
    assert parent_log[1]["permit_number"] == permit.number


def test_the_log_endpoints_need_an_account(anonymous, permit):
    problem(anonymous.get("/sharing/access-log"), 401, "unauthenticated")
    problem(anonymous.get(f"/persons/{KID}/access-log"), 401, "unauthenticated")
    problem(
        anonymous.post("/inspections", {"official_credential_number": OFFICIAL, "reason": "x"}),
        401,
        "unauthenticated",
    )
