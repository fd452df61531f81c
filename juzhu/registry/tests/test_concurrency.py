"""Parallel requests on PostgreSQL: row locks and constraints let exactly one win."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.errors import PolicyError
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.models import Permit, PermitHistory
from juzhu.registry.tests.factories import FIRST_DOCS, identity_number, issued_permit, registered, today_is
from juzhu.registry.tests.race import race

N = 20
pytestmark = pytest.mark.postgres


def test_twenty_parallel_issues_of_one_application_make_one_permit(clerk, supervisor):
    number = identity_number(date(1990, 5, 17))
    registered(clerk, number=number, registered_on=date(2025, 1, 5))
    with today_is(date(2026, 8, 3)):
        app = services.application_submit(
            actor=clerk,
            kind=CaseKind.FIRST_ISSUE,
            identity_number=number,
            police_station="150802001",
            documents=FIRST_DOCS,
        )
        services.application_accept(actor=clerk, application_id=app.pk)
        services.application_approve(actor=supervisor, application_id=app.pk)
        results, errors = race(lambda: services.application_issue(actor=clerk, application_id=app.pk))
    assert len(results) == 1
    assert len(errors) == N - 1 and all(isinstance(e, PolicyError) for e in errors)
    assert Permit.objects.count() == 1


def test_twenty_parallel_endorsements_record_one_event(clerk, supervisor):
    permit = issued_permit(
        clerk,
        supervisor,
        number=identity_number(date(1988, 2, 3)),
        registered_on=date(2025, 3, 1),
        issued_on=date(2025, 10, 3),
    )
    with today_is(date(2026, 9, 10)):
        results, errors = race(
            lambda: services.permit_endorse(
                actor=clerk,
                number=permit.number,
                documents=["permit_card", "identity_card", "tenancy_contract"],
            )
        )
    assert len(results) == 1
    assert len(errors) == N - 1 and all(isinstance(e, PolicyError) for e in errors)
    assert PermitHistory.objects.filter(permit=permit, event="endorsed").count() == 1
