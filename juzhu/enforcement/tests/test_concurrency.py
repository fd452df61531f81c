"""Parallel requests on PostgreSQL: row locks and constraints let exactly one win."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from juzhu.enforcement import services
from juzhu.enforcement.models import Case, CaseEvent
from juzhu.enforcement.tests.factories import LATE, declared, employer, person_case_ordered
from juzhu.policy.errors import PolicyError
from juzhu.registry.tests.factories import today_is
from juzhu.registry.tests.race import race

N = 20
pytestmark = pytest.mark.postgres


def test_twenty_parallel_warnings_on_one_late_registration_open_one_case(clerk):
    reg = declared(clerk)
    with today_is(LATE):
        results, errors = race(
            lambda: services.case_open_for_late_registration(actor=clerk, registration_id=reg.pk)
        )
    assert len(results) == 1
    assert len(errors) == N - 1 and all(getattr(e, "code", "") == "case-exists" for e in errors)
    assert Case.objects.count() == 1


def test_twenty_parallel_fines_of_one_case_record_one_fine(clerk, supervisor):
    case = person_case_ordered(clerk)
    with today_is(date(2026, 10, 16)):
        results, errors = race(
            lambda: services.case_fine(actor=supervisor, case_id=case.pk, amount=Decimal("100"))
        )
    assert len(results) == 1
    assert len(errors) == N - 1 and all(isinstance(e, PolicyError) for e in errors)
    assert CaseEvent.objects.filter(case=case, action="fine").count() == 1


def test_twenty_parallel_warnings_to_one_employer_get_twenty_distinct_numbers(clerk):
    emp = employer()
    with today_is(LATE):
        results, errors = race(
            lambda: services.case_open_with_warning(actor=clerk, offender="employer", employer_id=emp.pk)
        )
    assert errors == []
    assert sorted(c.number for c in results) == [f"AJ2026{i:07d}" for i in range(1, N + 1)]
