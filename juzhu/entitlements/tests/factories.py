"""A household for the entitlement tests: a parent holding a permit, and minor children linked to him.

王建国, born 1980-05-17, registered 2025-01-10, permit issued Thu 2025-07-10.  Its first anniversary
is Fri 2026-07-10, a working day: unendorsed, it is suspended from 2026-07-11.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User

from juzhu.entitlements import services
from juzhu.entitlements.models import HouseholdLink
from juzhu.registry.models import Permit
from juzhu.registry.tests.factories import identity_number, issued_permit, registered, today_is

PARENT = identity_number(date(1980, 5, 17), seq=131)
PARENT_ISSUED = date(2025, 7, 10)
# 王小红: 18 on 2026-03-15 (17 the day before).
TEEN_BORN = date(2008, 3, 15)
TEEN = identity_number(TEEN_BORN, seq=242)
# 王小宝: 11 in 2025, a child of compulsory-school age throughout the tests.
KID_BORN = date(2014, 9, 1)
KID = identity_number(KID_BORN, seq=351)
REGISTERED = date(2025, 1, 10)
ENDORSE_DOCS = ["permit_card", "identity_card", "tenancy_contract"]


def parent_permit(clerk: User, supervisor: User) -> Permit:
    return issued_permit(
        clerk, supervisor, number=PARENT, registered_on=REGISTERED, issued_on=PARENT_ISSUED, name="王建国"
    )


def child(clerk: User, number: str, name: str, registered_on: date = REGISTERED) -> None:
    registered(clerk, number=number, registered_on=registered_on, name=name)


def link(
    clerk: User,
    child_number: str,
    guardian_number: str = PARENT,
    *,
    since: date = REGISTERED,
    lives_with: bool = True,
    relation: str = "parent",
) -> HouseholdLink:
    with today_is(since):
        return services.household_link(
            actor=clerk,
            child_identity_number=child_number,
            guardian_identity_number=guardian_number,
            relation=relation,
            lives_with=lives_with,
            since=since,
        )


def household(clerk: User, supervisor: User) -> Permit:
    """The parent's permit, and both children registered and linked from 2025-01-10, living with him."""
    permit = parent_permit(clerk, supervisor)
    child(clerk, TEEN, "王小红")
    child(clerk, KID, "王小宝")
    link(clerk, TEEN)
    link(clerk, KID)
    return permit
