"""Entitlements through the selectors and services: history-exact, the 18th birthday, links, extras."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.audit.models import AuditEvent
from juzhu.entitlements import selectors, services
from juzhu.entitlements.models import HouseholdLink
from juzhu.entitlements.tests.factories import (
    ENDORSE_DOCS,
    KID,
    PARENT,
    PARENT_ISSUED,
    TEEN,
    child,
    household,
    link,
    parent_permit,
)
from juzhu.policy.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from juzhu.policy.lifecycle import PermitStatus
from juzhu.policy.materials import CaseKind
from juzhu.registry import services as registry
from juzhu.registry.models import Permit, Person
from juzhu.registry.tests.factories import identity_number, new_card, today_is

HEALTH = "4-public-health"  # no condition beyond the permit
SCHOOL = "2-school-place"
SCHOOL_AGE = {"compulsory_school_age": True}


def person(number: str) -> Person:
    return Person.objects.get(identity_number=number)


def ask(number: str, service: str, on: date, extra: dict[str, object] | None = None):
    return selectors.entitlement_for(person(number), service, on, extra).entitlement


def codes(e) -> list[str]:
    return [r.code for r in e.reasons]


@pytest.fixture
def permit(clerk, supervisor) -> Permit:
    return household(clerk, supervisor)


# --- LH-4-services: a minor child through a parent's permit, until the 18th birthday -------------


def test_a_child_the_day_before_the_18th_birthday_is_entitled_through_the_parents_valid_permit(permit):
    e = ask(TEEN, HEALTH, date(2026, 3, 14))  # 17 full years
    assert (e.entitled, e.via, codes(e)) == (True, "guardian_permit", ["entitled-guardian_permit"])
    assert [r.rule for r in e.reasons] == ["LH-4-svc-4"]


def test_on_the_18th_birthday_the_child_is_no_longer_covered(permit):
    e = ask(TEEN, HEALTH, date(2026, 3, 15))  # 18 full years (T-inclusive: "未满18周岁" excludes it)
    assert (e.entitled, e.via, codes(e)) == (False, None, ["child-adult"])
    assert e.reasons[0].rule == "LH-4-services"


def test_the_parent_is_entitled_by_his_own_permit(permit):
    e = ask(PARENT, HEALTH, PARENT_ISSUED)
    assert (e.entitled, e.via) == (True, "own_permit")


def test_before_the_parents_permit_was_issued_the_child_is_not_entitled(permit):
    e = ask(KID, SCHOOL, date(2025, 7, 9), SCHOOL_AGE)
    assert (e.entitled, codes(e)) == (False, ["guardian-permit-not-valid"])
    assert ask(KID, SCHOOL, PARENT_ISSUED, SCHOOL_AGE).entitled


# --- history-exact: the status on the date asked, not today's ------------------------------------


def test_a_suspension_ends_the_childs_entitlement_from_its_first_day_only(permit):
    registry.permits_sweep(on=date(2026, 7, 11))  # the 2026-07-10 anniversary passed unendorsed
    assert Permit.objects.get(pk=permit.pk).status == PermitStatus.SUSPENDED
    assert ask(KID, SCHOOL, date(2026, 7, 10), SCHOOL_AGE).entitled  # the last day it was valid
    e = ask(KID, SCHOOL, date(2026, 7, 11), SCHOOL_AGE)
    assert (e.entitled, codes(e)) == (False, ["guardian-permit-not-valid"])
    assert ask(KID, SCHOOL, date(2026, 1, 5), SCHOOL_AGE).entitled  # long before: still yes today


def test_a_late_endorsement_does_not_reach_back_over_the_suspended_days(clerk, permit):
    registry.permits_sweep(on=date(2026, 7, 11))
    with today_is(date(2026, 8, 3)):
        registry.permit_endorse(actor=clerk, number=permit.number, documents=ENDORSE_DOCS)
    assert Permit.objects.get(pk=permit.pk).status == PermitStatus.VALID  # valid now ...
    assert not ask(KID, SCHOOL, date(2026, 8, 2), SCHOOL_AGE).entitled  # ... but not then
    assert ask(KID, SCHOOL, date(2026, 8, 3), SCHOOL_AGE).entitled
    own = ask(PARENT, HEALTH, date(2026, 7, 20))
    assert (own.entitled, codes(own)) == (False, ["permit-suspended"])
    assert own.reasons[0].rule == "LH-3.2-endorse-overdue"


def test_after_a_reissue_the_card_live_on_each_date_speaks_for_the_parent(clerk, permit):
    card = new_card(clerk, permit, CaseKind.REISSUE, date(2025, 9, 1))
    answer = selectors.entitlement_for(person(KID), SCHOOL, date(2025, 8, 31), SCHOOL_AGE)
    assert answer.entitlement.entitled
    assert answer.guardian_cards[0].number == permit.number  # the old card, valid that day
    answer = selectors.entitlement_for(person(KID), SCHOOL, date(2025, 9, 1), SCHOOL_AGE)
    assert answer.entitlement.entitled
    assert answer.guardian_cards[0].number == card.number  # the old card is void from that day
    assert selectors.cards_on([person(PARENT).pk], date(2025, 9, 1))[person(PARENT).pk].status == "valid"


def test_a_link_counts_from_its_start_to_the_day_before_its_end(clerk, supervisor):
    parent_permit(clerk, supervisor)
    child(clerk, KID, "王小宝")
    made = link(clerk, KID, since=date(2025, 8, 1))
    assert codes(ask(KID, HEALTH, date(2025, 7, 31))) == ["no-permit"]
    assert ask(KID, HEALTH, date(2025, 8, 1)).entitled
    with today_is(date(2026, 1, 10)):
        services.household_unlink(actor=clerk, link_id=made.pk)
    assert ask(KID, HEALTH, date(2026, 1, 9)).entitled  # history kept: the link held then
    assert not ask(KID, HEALTH, date(2026, 1, 10)).entitled


def test_a_child_not_living_with_the_holder_is_not_covered_and_is_told_why(clerk, supervisor):
    parent_permit(clerk, supervisor)
    child(clerk, KID, "王小宝")
    link(clerk, KID, lives_with=False)
    e = ask(KID, HEALTH, date(2025, 8, 1))
    assert (e.entitled, codes(e)) == (False, ["guardian-not-living-with", "no-permit"])


def test_a_child_with_two_parents_is_entitled_if_either_permit_is_valid(clerk, supervisor, permit):
    mother = identity_number(date(1982, 1, 20), seq=462)
    child(clerk, mother, "李梅")  # registered, but holds no permit
    link(clerk, KID, mother)
    answer = selectors.entitlement_for(person(KID), HEALTH, date(2025, 8, 1))
    assert answer.entitlement.entitled
    assert answer.facts.guardian_permits == (PermitStatus.VALID, None)
    assert set(answer.guardian_ids) == {person(PARENT).pk, person(mother).pk}


# --- extra conditions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "entitled"),
    [
        ({}, False),
        ({"im_senior_high": True, "senior_high_years": 2}, False),
        ({"im_senior_high": False, "senior_high_years": 3}, False),
        ({"im_senior_high": True, "senior_high_years": 3}, True),  # 3 complete years: the last good value
    ],
)
def test_gaokao_needs_inner_mongolia_enrolment_and_three_complete_years(permit, extra, entitled):
    e = ask(TEEN, "2-gaokao", date(2025, 12, 1), extra)  # 17, through the parent's valid permit
    assert e.entitled is entitled
    if not entitled:
        assert codes(e) == ["gaokao-conditions"]
        assert e.reasons[0].rule == "LH-4-svc-2"


def test_school_place_needs_a_child_of_compulsory_school_age(permit):
    assert ask(KID, SCHOOL, date(2025, 8, 1)).entitled is True  # 10, through the parent's valid permit
    e = ask(TEEN, SCHOOL, date(2025, 8, 1))  # 17: past compulsory-school age
    assert (e.entitled, codes(e)) == (False, ["not-compulsory-school-age"])


def test_an_unknown_service_or_a_date_before_birth_is_refused(permit):
    with pytest.raises(NotFound) as e:
        ask(KID, "99-nothing", date(2025, 8, 1))
    assert (e.value.code, e.value.rule) == ("service-not-found", "LH-4-services")
    with pytest.raises(InvalidInput) as e2:
        ask(KID, HEALTH, date(2014, 8, 31))
    assert (e2.value.code, tuple(e2.value.fields)) == ("date-before-birth", ("on",))


# --- links: who may link, what is refused, what is audited -------------------------------------


def test_linking_and_unlinking_are_audited_in_order(clerk, permit):
    made = HouseholdLink.objects.get(child__identity_number=KID)
    with today_is(date(2026, 2, 1)):
        services.household_unlink(actor=clerk, link_id=made.pk, reason="随母亲迁出")
    events = list(
        AuditEvent.objects.filter(subject_type="householdlink", subject_id=str(made.pk)).values_list(
            "code", "actor_label", "person_id", "rule"
        )
    )
    kid = person(KID).pk
    assert events == [
        ("household.linked", "clerk", kid, "LH-4-services"),
        ("household.unlinked", "clerk", kid, "LH-4-services"),
    ]
    assert AuditEvent.objects.get(code="household.unlinked").new == {"ended_on": "2026-02-01"}


def test_a_child_already_18_on_the_start_date_cannot_be_linked(clerk, supervisor):
    parent_permit(clerk, supervisor)
    child(clerk, TEEN, "王小红")
    with pytest.raises(InvalidInput) as e:
        link(clerk, TEEN, since=date(2026, 3, 15))
    assert (e.value.code, e.value.rule) == ("link-not-minor", "LH-4-services")
    assert link(clerk, TEEN, since=date(2026, 3, 14)).pk  # 17 that day


def test_the_same_open_link_twice_or_a_link_to_oneself_is_refused(clerk, permit):
    with pytest.raises(TransitionNotAllowed) as e:
        link(clerk, KID, since=date(2025, 8, 1))
    assert e.value.code == "link-exists"
    with pytest.raises(InvalidInput) as e2:
        link(clerk, KID, KID)
    assert e2.value.code == "link-self"


def test_an_unregistered_child_is_named_by_its_field(clerk, permit):
    with pytest.raises(NotFound) as e:
        link(clerk, identity_number(date(2016, 6, 1), seq=571))
    assert (e.value.code, tuple(e.value.fields)) == ("person-not-found", ("child_identity_number",))


def test_a_link_may_not_end_before_it_began_nor_twice(clerk, permit):
    made = HouseholdLink.objects.get(child__identity_number=KID)
    with today_is(date(2026, 2, 1)), pytest.raises(InvalidInput) as e:
        services.household_unlink(actor=clerk, link_id=made.pk, on=date(2025, 1, 9))
    assert e.value.code == "link-end-date"
    with today_is(date(2026, 2, 1)):
        services.household_unlink(actor=clerk, link_id=made.pk)
        with pytest.raises(TransitionNotAllowed):
            services.household_unlink(actor=clerk, link_id=made.pk)


def test_only_counter_staff_link_children(supervisor, permit):
    from juzhu.accounts.models import Role
    from juzhu.registry.tests.factories import staff

    system = staff("hrss-system", Role.SYSTEM)
    with pytest.raises(Forbidden):
        link(system, KID, since=date(2025, 8, 1))
