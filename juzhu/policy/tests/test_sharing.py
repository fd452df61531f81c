"""Department sharing (LH-2-sharing, N-17-confidentiality): each purpose sees only what it needs."""

from __future__ import annotations

import pytest

from juzhu.policy.entitlements import Department
from juzhu.policy.errors import Forbidden
from juzhu.policy.sharing import FIELDS, PURPOSES, fields_for, purpose_get

# A record with every shareable field, and some that are never shareable.
RECORD: dict[str, object] = {
    "entitled": True,
    "reasons": [{"rule": "LH-4-svc-2", "code": "entitled-guardian_permit"}],
    "service": "2-school-place",
    "permit_status": "valid",
    "permit_number": "150802202612345670",
    "issue_date": "2026-03-14",
    "residence_since": "2026-03-14",
    "next_anniversary": "2027-03-14",
    "name": "张三",
    "sex": "male",
    "birth_date": "1990-05-17",
    "identity_number": "510121199005171238",
    "residence_address": "临河区新华街1号",
    "hukou_address": "四川省金堂县赵镇",
    "photo": b"\x89PNG",  # never in any purpose
    "password_hash": "x",
}
ANSWER = {"entitled", "reasons", "service"}

# Worked out by hand from what each purpose needs (LH-2-sharing: "only what its purpose needs").
EXPECTED: dict[str, tuple[Department, set[str]]] = {
    "education.school_place": (Department.EDUCATION, ANSWER | {"permit_status"}),
    "education.exams": (Department.EDUCATION, ANSWER | {"permit_status", "name"}),
    "hrss.social_insurance": (
        Department.HR_SOCIAL_SECURITY,
        ANSWER | {"permit_status", "permit_number", "name", "identity_number", "residence_since"},
    ),
    "housing.subsidised": (
        Department.HOUSING,
        ANSWER | {"permit_status", "name", "identity_number", "residence_since", "residence_address"},
    ),
    "health.public_health": (Department.HEALTH, ANSWER | {"permit_status", "name", "sex", "birth_date"}),
    "police.inspection": (
        Department.PUBLIC_SECURITY,
        {"permit_status", "permit_number", "name", "issue_date", "next_anniversary"},
    ),
}


def test_the_purposes_are_exactly_these() -> None:
    assert set(PURPOSES) == set(EXPECTED)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_purpose_sees_exactly_its_fields(code: str) -> None:
    department, fields = EXPECTED[code]
    purpose = purpose_get(code, frozenset({code}))
    assert purpose.code == code
    assert purpose.department is department
    assert purpose.fields == fields
    shared = fields_for(purpose, RECORD)
    assert set(shared) == fields
    assert all(shared[k] == RECORD[k] for k in shared)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_no_purpose_goes_beyond_the_shareable_fields(code: str) -> None:
    assert PURPOSES[code].fields <= FIELDS
    shared = fields_for(PURPOSES[code], RECORD)
    assert "photo" not in shared
    assert "password_hash" not in shared


def test_school_place_never_returns_identity_number_or_address() -> None:
    shared = fields_for(purpose_get("education.school_place", frozenset({"education.school_place"})), RECORD)
    assert shared == {
        "entitled": True,
        "reasons": [{"rule": "LH-4-svc-2", "code": "entitled-guardian_permit"}],
        "service": "2-school-place",
        "permit_status": "valid",
    }
    for secret in ("identity_number", "residence_address", "hukou_address", "name", "birth_date"):
        assert secret not in shared


def test_hukou_address_is_shared_with_no_department() -> None:
    assert all("hukou_address" not in p.fields for p in PURPOSES.values())


def test_fields_absent_from_the_record_are_not_invented() -> None:
    purpose = PURPOSES["housing.subsidised"]
    assert fields_for(purpose, {"entitled": False, "identity_number": "510121199005171238"}) == {
        "entitled": False,
        "identity_number": "510121199005171238",
    }
    assert fields_for(purpose, {}) == {}


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        ("education.everything", frozenset({"education.school_place"})),  # unknown purpose
        ("education.everything", frozenset({"education.everything"})),  # unknown, even if "granted"
        ("", frozenset(PURPOSES)),
        ("housing.subsidised", frozenset({"education.school_place"})),  # known but not bound
        ("police.inspection", frozenset()),  # a credential bound to nothing
        ("EDUCATION.SCHOOL_PLACE", frozenset({"education.school_place"})),  # codes are exact
    ],
)
def test_unknown_or_unbound_purpose_is_forbidden(code: str, allowed: frozenset[str]) -> None:
    with pytest.raises(Forbidden) as exc:
        purpose_get(code, allowed)
    assert exc.value.rule == "LH-2-sharing"
    assert exc.value.code == "purpose-not-allowed"
    assert exc.value.kind == "forbidden"
    assert tuple(exc.value.fields) == ("purpose",)
    assert exc.value.extra == {"allowed": sorted(allowed)}


def test_a_credential_bound_to_two_purposes_may_use_either() -> None:
    allowed = frozenset({"education.school_place", "education.exams"})
    assert purpose_get("education.exams", allowed).fields == EXPECTED["education.exams"][1]
    assert purpose_get("education.school_place", allowed).code == "education.school_place"
    with pytest.raises(Forbidden):
        purpose_get("hrss.social_insurance", allowed)


def test_a_purpose_covers_only_its_own_questions() -> None:
    from juzhu.policy.entitlements import SERVICES

    school, exams = PURPOSES["education.school_place"], PURPOSES["education.exams"]
    assert school.covers(SERVICES["2-school-place"]) and not school.covers(SERVICES["2-gaokao"])
    assert exams.covers(SERVICES["2-gaokao"]) and not exams.covers(SERVICES["2-school-place"])
    assert not school.covers(SERVICES["9-housing"])  # another department's service
    housing = PURPOSES["housing.subsidised"]  # no list: every service of its department
    assert housing.covers(SERVICES["9-housing"]) and not housing.covers(SERVICES["8-social-insurance"])
