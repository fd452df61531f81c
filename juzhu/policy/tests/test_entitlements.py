"""Public services for holders and their minor children (LH-4-services, LH-4-svc-1…12, LH-5-publish-3y)."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.entitlements import (
    CATALOGUE,
    CATEGORIES,
    SERVICES,
    Entitlement,
    Extra,
    Facts,
    Service,
    entitlement_check,
    publication_overdue,
    service_get,
)
from juzhu.policy.errors import NotFound
from juzhu.policy.lifecycle import PermitStatus
from juzhu.policy.parameters import JurisdictionPolicy

D = date
V, S, X = PermitStatus.VALID, PermitStatus.SUSPENDED, PermitStatus.VOID
ON = D(2026, 11, 26)
ADULT = D(1990, 5, 17)
PLAIN = [s for s in CATALOGUE if s.extra is None]  # services with no condition beyond the permit
HEALTH = SERVICES["4-public-health"]
GAOKAO = SERVICES["2-gaokao"]
SCHOOL = SERVICES["2-school-place"]
ELDERLY = SERVICES["11-elderly-disabled"]


def codes(e: Entitlement) -> list[str]:
    return [r.code for r in e.reasons]


def rules(e: Entitlement) -> list[str]:
    return [r.rule for r in e.reasons]


# --- the catalogue -----------------------------------------------------------------------------


def test_catalogue_has_the_twelve_categories() -> None:
    assert CATEGORIES == (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
    assert len(CATALOGUE) == 22
    assert len(SERVICES) == len(CATALOGUE)  # codes unique


@pytest.mark.parametrize("service", CATALOGUE, ids=lambda s: s.code)
def test_each_service_cites_its_category_rule(service: Service) -> None:
    assert service.rule == f"LH-4-svc-{service.category}"
    assert service.code.startswith(f"{service.category}-")


def test_services_with_their_own_condition() -> None:
    assert {s.code: s.extra for s in CATALOGUE if s.extra} == {
        "1-settlement": Extra.SETTLEMENT_CONDITIONS,
        "2-school-place": Extra.COMPULSORY_SCHOOL_AGE,
        "2-zhongkao": Extra.JUNIOR_HIGH_GRADUATE,
        "2-gaokao": Extra.GAOKAO,
        "2-student-aid": Extra.FAMILY_IN_DIFFICULTY,
        "3-employment-aid": Extra.JOB_SEEKER_IN_DIFFICULTY,
        "11-elderly-disabled": Extra.ELDERLY_OR_DISABLED,
    }


def test_unknown_service_is_not_found() -> None:
    assert service_get("4-public-health") is HEALTH
    with pytest.raises(NotFound) as exc:
        service_get("13-moon-landing")
    assert exc.value.rule == "LH-4-services"
    assert exc.value.code == "service-not-found"


# --- own permit ----------------------------------------------------------------------------------


@pytest.mark.parametrize("service", PLAIN, ids=lambda s: s.code)
def test_own_valid_permit_grants_every_plain_service(service: Service) -> None:
    e = entitlement_check(service, Facts(ADULT, V), ON)
    assert (e.entitled, e.via, e.on) == (True, "own_permit", ON)
    assert [(r.rule, r.code) for r in e.reasons] == [(service.rule, "entitled-own_permit")]


@pytest.mark.parametrize("service", CATALOGUE, ids=lambda s: s.code)
def test_own_suspended_permit_grants_nothing(service: Service) -> None:
    facts = Facts(ADULT, S, disabled=True, extra={x.value: True for x in Extra})
    e = entitlement_check(service, facts, ON)
    assert (e.entitled, e.via) == (False, None)
    assert [(r.rule, r.code) for r in e.reasons] == [("LH-3.2-endorse-overdue", "permit-suspended")]


@pytest.mark.parametrize(
    ("own", "reason"),
    [
        (None, ("LH-4-services", "no-permit")),
        (X, ("LH-3.2-replace", "permit-void")),
        (S, ("LH-3.2-endorse-overdue", "permit-suspended")),
    ],
)
def test_adult_without_a_valid_permit(own: PermitStatus | None, reason: tuple[str, str]) -> None:
    e = entitlement_check(HEALTH, Facts(ADULT, own), ON)
    assert not e.entitled
    assert [(r.rule, r.code) for r in e.reasons] == [reason]


# --- a minor via a parent's or guardian's permit (until the 18th birthday) ---------------------

CHILD = D(2008, 11, 20)  # 18 on 2026-11-20
LEAP_CHILD = D(2008, 2, 29)  # 18 on 2026-02-28 (T-month-end: 2026 has no 29 February)


@pytest.mark.parametrize(
    ("birth", "on", "entitled"),
    [
        (CHILD, D(2026, 11, 19), True),  # 17, the day before the 18th birthday
        (CHILD, D(2026, 11, 20), False),  # the 18th birthday
        (CHILD, D(2026, 11, 21), False),
        (LEAP_CHILD, D(2026, 2, 27), True),
        (LEAP_CHILD, D(2026, 2, 28), False),
        (D(2020, 6, 1), ON, True),  # a six-year-old
        (D(2026, 11, 1), ON, True),  # a baby
    ],
)
def test_minor_is_covered_by_a_guardians_valid_permit_until_18(birth: date, on: date, entitled: bool) -> None:
    e = entitlement_check(HEALTH, Facts(birth, None, guardian_permits=(V,)), on)
    assert e.entitled is entitled
    if entitled:
        assert e.via == "guardian_permit"
        assert codes(e) == ["entitled-guardian_permit"]
        assert rules(e) == ["LH-4-svc-4"]
    else:
        assert e.via is None
        assert [(r.rule, r.code) for r in e.reasons] == [("LH-4-services", "child-adult")]


@pytest.mark.parametrize(
    "guardians",
    [(S,), (X,), (None,), (S, S), (S, None), (X, S)],
)
def test_minor_gets_nothing_when_no_guardian_permit_is_valid_on_the_date(
    guardians: tuple[PermitStatus | None, ...],
) -> None:
    e = entitlement_check(HEALTH, Facts(D(2015, 3, 1), None, guardian_permits=guardians), ON)
    assert not e.entitled
    assert [(r.rule, r.code) for r in e.reasons] == [("LH-4-services", "guardian-permit-not-valid")]


@pytest.mark.parametrize("guardians", [(V, S), (S, V), (None, V), (X, V)])
def test_one_valid_guardian_permit_is_enough(guardians: tuple[PermitStatus | None, ...]) -> None:
    e = entitlement_check(HEALTH, Facts(D(2015, 3, 1), None, guardian_permits=guardians), ON)
    assert (e.entitled, e.via) == (True, "guardian_permit")


def test_minor_without_own_permit_or_linked_guardian() -> None:
    e = entitlement_check(HEALTH, Facts(D(2015, 3, 1), None), ON)
    assert not e.entitled
    assert codes(e) == ["no-permit"]


def test_minor_own_valid_permit_is_used_first() -> None:
    e = entitlement_check(HEALTH, Facts(D(2009, 1, 1), V, guardian_permits=(S,)), ON)
    assert (e.entitled, e.via) == (True, "own_permit")


def test_minor_with_own_suspended_permit_is_still_covered_by_a_valid_guardian_permit() -> None:
    # What the code does: the suspended card itself grants nothing (its reason is kept), but
    # LH-4-services covers "the minor children living with" a holder, from the parent's permit.
    e = entitlement_check(HEALTH, Facts(D(2009, 1, 1), S, guardian_permits=(V,)), ON)
    assert (e.entitled, e.via) == (True, "guardian_permit")
    assert codes(e) == ["permit-suspended", "entitled-guardian_permit"]


def test_adult_with_own_suspended_permit_and_a_valid_parent_gets_nothing() -> None:
    e = entitlement_check(HEALTH, Facts(CHILD, S, guardian_permits=(V,)), D(2026, 11, 20))
    assert not e.entitled
    assert codes(e) == ["permit-suspended", "child-adult"]


# --- services with their own conditions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "entitled"),
    [
        ({"im_senior_high": True, "senior_high_years": 3}, True),
        ({"im_senior_high": True, "senior_high_years": 4}, True),
        ({"im_senior_high": True, "senior_high_years": 2}, False),  # not 3 complete years
        ({"im_senior_high": True, "senior_high_years": 0}, False),
        ({"im_senior_high": False, "senior_high_years": 3}, False),  # enrolled outside Inner Mongolia
        ({"senior_high_years": 3}, False),
        ({"im_senior_high": True}, False),
        ({"im_senior_high": True, "senior_high_years": "3"}, False),  # not a count of years
        ({}, False),
    ],
)
def test_gaokao_needs_im_enrolment_and_three_complete_years(extra: dict[str, object], entitled: bool) -> None:
    student = D(2008, 12, 1)  # 17 on ON: covered by the parent's permit
    e = entitlement_check(GAOKAO, Facts(student, None, guardian_permits=(V,), extra=extra), ON)
    assert e.entitled is entitled
    if entitled:
        assert codes(e) == ["entitled-guardian_permit"]
    else:
        assert [(r.rule, r.code) for r in e.reasons] == [("LH-4-svc-2", "gaokao-conditions")]
        assert "3年完整学习经历" in e.reasons[0].zh


def test_gaokao_by_own_permit() -> None:
    facts = Facts(D(2007, 6, 1), V, extra={"im_senior_high": True, "senior_high_years": 3})
    assert entitlement_check(GAOKAO, facts, ON).via == "own_permit"


def test_gaokao_conditions_do_not_replace_a_permit() -> None:
    facts = Facts(
        D(2008, 12, 1), None, guardian_permits=(S,), extra={"im_senior_high": True, "senior_high_years": 3}
    )
    e = entitlement_check(GAOKAO, facts, ON)
    assert not e.entitled
    assert codes(e) == ["guardian-permit-not-valid"]


@pytest.mark.parametrize(
    ("birth", "disabled", "entitled"),
    [
        (D(1966, 11, 26), False, True),  # 60 on ON: "60周岁以上" includes 60
        (D(1966, 11, 27), False, False),  # 59, turning 60 the next day
        (D(1940, 1, 1), False, True),
        (ADULT, True, True),  # 36 and disabled
        (ADULT, False, False),
    ],
)
def test_elderly_or_disabled_benefits(birth: date, disabled: bool, entitled: bool) -> None:
    e = entitlement_check(ELDERLY, Facts(birth, V, disabled=disabled), ON)
    assert e.entitled is entitled
    if not entitled:
        assert [(r.rule, r.code) for r in e.reasons] == [("LH-4-svc-11", "not-elderly-or-disabled")]


@pytest.mark.parametrize(
    ("code", "flag"),
    [
        ("1-settlement", "settlement_conditions"),
        ("2-zhongkao", "junior_high_graduate"),
        ("2-student-aid", "family_in_difficulty"),
        ("3-employment-aid", "job_seeker_in_difficulty"),
    ],
)
def test_flag_conditions(code: str, flag: str) -> None:
    service = SERVICES[code]
    child = D(2016, 9, 1)
    yes = entitlement_check(service, Facts(child, None, guardian_permits=(V,), extra={flag: True}), ON)
    no = entitlement_check(service, Facts(child, None, guardian_permits=(V,)), ON)
    assert yes.entitled and yes.via == "guardian_permit"
    assert not no.entitled and no.via is None
    assert [(r.rule, r.code) for r in no.reasons] == [(service.rule, f"extra-{flag}")]


@pytest.mark.parametrize(
    ("birth", "flag", "entitled"),
    [
        (D(2020, 11, 26), False, True),  # 6th birthday on ON: school age
        (D(2020, 11, 27), False, False),  # 6 tomorrow
        (D(2010, 11, 27), False, True),  # 15, the last year of school age
        (D(2010, 11, 26), False, False),  # 16 today
        (D(2010, 11, 26), True, True),  # 16, still in compulsory school (recorded fact)
    ],
)
def test_school_place_follows_compulsory_school_age(birth, flag, entitled) -> None:
    extra = {"compulsory_school_age": True} if flag else {}
    e = entitlement_check(SCHOOL, Facts(birth, None, (V,), extra=extra), ON)
    assert e.entitled is entitled
    if not entitled:
        assert [(r.rule, r.code) for r in e.reasons] == [("LH-4-svc-2", "not-compulsory-school-age")]


def test_school_place_for_a_child_on_a_parents_permit() -> None:
    e = entitlement_check(SCHOOL, Facts(D(2019, 9, 1), None, (V,), extra={"compulsory_school_age": True}), ON)
    assert (e.entitled, e.via, rules(e)) == (True, "guardian_permit", ["LH-4-svc-2"])


# --- LH-5-publish-3y: last publication + 3 years (T-month-end) is the last good day --------------


@pytest.mark.parametrize(
    ("published", "on", "overdue"),
    [
        (D(2023, 11, 26), D(2023, 11, 26), False),  # published today
        (D(2023, 11, 26), D(2026, 11, 25), False),
        (D(2023, 11, 26), D(2026, 11, 26), False),  # exactly 3 years: the last good day
        (D(2023, 11, 26), D(2026, 11, 27), True),  # one day later
        (D(2024, 2, 29), D(2027, 2, 28), False),  # 2027 has no 29 Feb: 2027-02-28 is the last day
        (D(2024, 2, 29), D(2027, 3, 1), True),
        (D(2023, 8, 31), D(2026, 8, 31), False),
        (D(2023, 8, 31), D(2026, 9, 1), True),
        (None, ON, True),  # never published
    ],
)
def test_publication_overdue(published: date | None, on: date, overdue: bool) -> None:
    assert publication_overdue(published, on) is overdue


def test_publication_interval_is_a_parameter() -> None:
    every_2 = JurisdictionPolicy(publish_every_years=2)
    assert publication_overdue(D(2024, 11, 26), D(2026, 11, 26), every_2) is False
    assert publication_overdue(D(2024, 11, 26), D(2026, 11, 27), every_2) is True
