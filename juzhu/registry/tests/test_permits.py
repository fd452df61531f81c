"""Permits through the services: endorsement window, suspension sweep, late endorsement, changes, new cards."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.errors import InvalidInput, TransitionNotAllowed
from juzhu.policy.materials import CaseKind
from juzhu.registry import selectors, services
from juzhu.registry.models import Permit, PermitHistory
from juzhu.registry.tests.factories import identity_number, issued_permit, new_card, today_is

NUM = identity_number(date(1988, 2, 3))
DOCS = ["permit_card", "identity_card", "tenancy_contract"]


@pytest.fixture
def permit(clerk, supervisor) -> Permit:
    """Issued 2025-10-03: the 2026 anniversary falls in National Day, so the window's last day is 2026-10-08."""
    return issued_permit(
        clerk, supervisor, number=NUM, registered_on=date(2025, 3, 1), issued_on=date(2025, 10, 3)
    )


def endorse(clerk, number, on):
    with today_is(on):
        return services.permit_endorse(actor=clerk, number=number, documents=DOCS)


def events(permit):
    return list(
        PermitHistory.objects.filter(permit=permit).order_by("seq").values_list("event", "effective_on")
    )


def test_endorsing_the_day_before_the_window_is_refused_with_the_opening_date(clerk, permit):
    with pytest.raises(TransitionNotAllowed) as e:
        endorse(clerk, permit.number, date(2026, 9, 2))
    assert e.value.extra["opens"] == "2026-09-03"
    assert endorse(clerk, permit.number, date(2026, 9, 3)).decision.kind == "on_time"


def test_endorsing_on_the_rolled_last_day_is_on_time(clerk, permit):
    services.permits_sweep(on=date(2026, 10, 8))
    assert Permit.objects.get(pk=permit.pk).status == "valid"
    r = endorse(clerk, permit.number, date(2026, 10, 8))
    assert (r.decision.kind, r.permit.next_anniversary, r.permit.residence_since) == (
        "on_time",
        date(2027, 10, 3),
        date(2025, 10, 3),
    )


def test_the_sweep_suspends_from_the_day_after_the_last_day_and_is_safe_to_rerun(clerk, permit):
    assert services.permits_sweep(on=date(2026, 10, 8)).suspended == 0
    assert services.permits_sweep(on=date(2026, 10, 9)).suspended == 1
    assert services.permits_sweep(on=date(2026, 10, 9)).suspended == 0
    p = Permit.objects.get(pk=permit.pk)
    assert (p.status, p.suspended_on) == ("suspended", date(2026, 10, 9))
    assert events(p) == [("issued", date(2025, 10, 3)), ("suspended", date(2026, 10, 9))]
    assert selectors.permit_verify(p.number, date(2026, 10, 8)).status == "valid"
    assert selectors.permit_verify(p.number, date(2026, 10, 9)).status == "suspended"


def test_the_sweep_runs_for_today_but_never_for_a_future_date(clerk, permit):
    with today_is(date(2026, 10, 9)):
        with pytest.raises(InvalidInput) as e:
            services.permits_sweep(on=date(2026, 10, 10))
        assert e.value.code == "sweep-in-future"
        assert Permit.objects.get(pk=permit.pk).status == "valid"
        assert services.permits_sweep(on=date(2026, 10, 9)).suspended == 1


def test_after_a_reissue_the_residence_period_still_names_its_own_event(clerk, permit):
    services.permits_sweep(on=date(2026, 11, 20))
    endorse(clerk, permit.number, date(2026, 11, 20))
    card = new_card(clerk, Permit.objects.get(pk=permit.pk), CaseKind.REISSUE, date(2026, 11, 25))
    view = selectors.permit_view(card, date(2026, 11, 25))
    assert (view.residence.since, view.residence.rule) == (date(2026, 11, 20), "LH-3.2-endorse-late")


def test_a_late_endorsement_restores_and_restarts_the_residence_period(clerk, permit):
    services.permits_sweep(on=date(2026, 11, 20))
    r = endorse(clerk, permit.number, date(2026, 11, 20))
    assert r.decision.kind == "late"
    p = Permit.objects.get(pk=permit.pk)
    assert (p.status, p.residence_since, p.next_anniversary) == (
        "valid",
        date(2026, 11, 20),
        date(2027, 10, 3),
    )
    assert events(p) == [
        ("issued", date(2025, 10, 3)),
        ("suspended", date(2026, 10, 9)),
        ("endorsed_late", date(2026, 11, 20)),
    ]
    view = selectors.permit_view(p, date(2026, 11, 20))
    assert (view.residence.since, view.residence.rule) == (date(2026, 11, 20), "LH-3.2-endorse-late")
    assert selectors.permit_verify(p.number, date(2026, 11, 19)).status == "suspended"
    assert selectors.permit_verify(p.number, date(2026, 11, 20)).status == "valid"


def test_a_late_endorsement_before_the_sweep_records_the_suspension_first(clerk, permit):
    r = endorse(clerk, permit.number, date(2026, 10, 9))  # first late day, sweep not run
    assert r.decision.kind == "late"
    assert events(r.permit)[1:] == [("suspended", date(2026, 10, 9)), ("endorsed_late", date(2026, 10, 9))]


def test_endorsing_twice_in_one_window_is_refused(clerk, permit):
    endorse(clerk, permit.number, date(2026, 9, 10))
    with pytest.raises(TransitionNotAllowed) as e:
        endorse(clerk, permit.number, date(2026, 9, 11))
    assert e.value.extra["opens"] == "2027-09-03"


@pytest.mark.parametrize(
    ("division", "rule", "issue_date", "since"),
    [
        ("150802", "LH-3.2-change-same-county", date(2025, 10, 3), date(2025, 10, 3)),
        ("150821", "LH-3.2-change-same-city", date(2026, 5, 6), date(2026, 5, 6)),
        ("150102", "LH-3.2-change-other-city", date(2026, 5, 6), date(2026, 5, 6)),
    ],
)
def test_address_change_keeps_or_restarts_dates_by_area(clerk, permit, division, rule, issue_date, since):
    with today_is(date(2026, 5, 6)):
        r = services.permit_change_address(
            actor=clerk,
            number=permit.number,
            new_address="新地址1号",
            new_division=division,
            documents=DOCS,
            police_station="150802001",
        )
    p = Permit.objects.get(pk=permit.pk)
    assert (r.effect.rule, p.issue_date, p.residence_since, p.number) == (
        rule,
        issue_date,
        since,
        permit.number,
    )
    view = selectors.permit_view(p, date(2026, 5, 6))
    assert view.residence.rule == ("LH-3.2-issue-15d" if rule.endswith("county") else rule)


def test_a_suspended_permit_must_be_endorsed_before_an_address_change(clerk, permit):
    services.permits_sweep(on=date(2026, 10, 9))
    with today_is(date(2026, 10, 9)), pytest.raises(TransitionNotAllowed) as e:
        services.permit_change_address(
            actor=clerk,
            number=permit.number,
            new_address="x",
            new_division="150802",
            documents=DOCS,
            police_station="150802001",
        )
    assert e.value.rule == "LH-3.2-endorse-overdue"


def test_a_reissued_card_voids_the_old_number_and_keeps_the_schedule(clerk, permit):
    card = new_card(clerk, permit, CaseKind.REISSUE, date(2026, 3, 1))
    assert card.number != permit.number
    assert (card.issue_date, card.residence_since, card.next_anniversary) == (
        date(2025, 10, 3),
        date(2025, 10, 3),
        date(2026, 10, 3),
    )
    assert selectors.permit_verify(permit.number, date(2026, 2, 28)).status == "valid"
    assert selectors.permit_verify(permit.number, date(2026, 3, 1)).status == "void"
    assert selectors.permit_verify(card.number, date(2026, 2, 28)).status is None
    assert selectors.permit_verify(card.number, date(2026, 3, 1)).status == "valid"
    with pytest.raises(TransitionNotAllowed):
        endorse(clerk, permit.number, date(2026, 9, 10))
    assert endorse(clerk, card.number, date(2026, 9, 10)).decision.kind == "on_time"


def test_verification_agrees_with_the_policy_derivation_on_every_day(clerk, permit):
    """permit_verify reads the history in SQL; the pure status_on is the reference."""
    from datetime import timedelta

    from juzhu.policy.lifecycle import status_on

    services.permits_sweep(on=date(2026, 10, 9))
    endorse(clerk, permit.number, date(2026, 11, 20))
    card = new_card(clerk, Permit.objects.get(pk=permit.pk), CaseKind.REISSUE, date(2026, 11, 25))
    for p in (permit, card):
        entries = selectors._entries(PermitHistory.objects.filter(permit=p))
        day = date(2025, 10, 1)
        while day <= date(2026, 12, 1):
            assert selectors.permit_verify(p.number, day).status == status_on(entries, day), (p.number, day)
            day += timedelta(days=1)
