"""Shared values and small builders for the API tests.

Every expected value in the tests is worked out by hand from RULES.md; the
comments beside them show the arithmetic.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpResponse

from juzhu.registry.models import Permit
from juzhu.registry.tests.factories import identity_number, issued_permit

# 王小明, born 1990-05-17, hukou 510121 (金堂县, Sichuan): the factories' default person.
WANG = identity_number(date(1990, 5, 17))
WANG_MASKED = "510121********1238"
WANG_NAME_MASKED = "王**"
# A second person, born 1985-11-03 (sequence 246: even, a woman).
LI = identity_number(date(1985, 11, 3), seq=246)

STATION = "150802001"
ADDRESS = "临河区新华街1号"  # factories.registered's address
HUKOU_ADDRESS = "四川省金堂县赵镇某街1号"
FIRST_DOCS = ["identity_card", "photo", "labour_contract"]
ENDORSE_DOCS = ["permit_card", "identity_card", "tenancy_contract"]

# Permit numbers: 150802 + year + 7-digit sequence + ISO 7064 MOD 11-2 check character.
PERMIT_2025_1 = "150802202500000010"
PERMIT_2026_1 = "150802202600000018"
PERMIT_2025_1_BAD_CHECK = "150802202500000011"
# Well-formed, right check character, never issued.
PERMIT_UNKNOWN = "150802202500009998"

PROBLEM = "https://juzhu.linhe.gov.cn/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(response: HttpResponse, status: int, code: str, *, rule: str | None = None) -> dict[str, Any]:
    """Assert an RFC 9457 body of the given status and stable code; return it for further checks."""
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEM + code
    assert body["status"] == status
    assert "fields" in body
    assert "rule" in body
    if rule is not None:
        assert body["rule"] == rule
    return body


def registration_body(number: str = WANG, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "identity_number": number,
        "name": "王小明",
        "hukou_division": "510121",
        "hukou_address": HUKOU_ADDRESS,
        "address": ADDRESS,
        "police_station": STATION,
        "arrived_on": "2026-02-27",
    }
    body.update(overrides)
    return body


def application_body(number: str = WANG, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "first_issue",
        "identity_number": number,
        "police_station": STATION,
        "documents": FIRST_DOCS,
    }
    body.update(overrides)
    return body


def wang_permit(clerk: User, supervisor: User) -> Permit:
    """王小明: registered 2025-01-10, permit PERMIT_2025_1 issued Thu 2025-07-10.

    First anniversary Fri 2026-07-10, a working day: the endorsement window runs 2026-06-10 to
    2026-07-10, and an unendorsed permit is suspended from 2026-07-11.
    """
    return issued_permit(
        clerk, supervisor, number=WANG, registered_on=date(2025, 1, 10), issued_on=date(2025, 7, 10)
    )
