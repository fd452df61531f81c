"""Parallel requests on PostgreSQL: the employer's row lock and the constraints let exactly one win."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from juzhu.employers import services
from juzhu.employers.models import Employer, EmploymentRecord
from juzhu.employers.tests.factories import ENTERPRISE, WANG, employer, migrant_number, xlsx
from juzhu.policy.errors import PolicyError
from juzhu.registry.tests.factories import today_is
from juzhu.registry.tests.test_concurrency import N, race

pytestmark = pytest.mark.postgres


def test_parallel_registrations_of_one_credit_code_make_one_employer(clerk):
    with today_is(date(2026, 9, 1)):
        results, errors = race(
            lambda: services.employer_register(
                actor=clerk,
                credit_code=ENTERPRISE,
                name="河套",
                address="临河区胜利路8号",
                division_code="150802",
                contact_name="李",
                contact_phone="1",
            )
        )
    assert len(results) == 1
    assert len(errors) == N - 1 and all(getattr(e, "code", "") == "employer-exists" for e in errors)
    assert Employer.objects.count() == 1


def test_parallel_reports_of_one_hire_make_one_record(clerk):
    emp = employer(clerk)
    with today_is(date(2026, 10, 12)):
        results, errors = race(
            lambda: services.employment_report_hire(
                actor=clerk,
                employer_id=emp.pk,
                identity_number=WANG,
                name="王小明",
                hired_on=date(2026, 9, 28),
            )
        )
    assert len(results) == 1
    assert len(errors) == N - 1 and all(isinstance(e, PolicyError) for e in errors)
    assert EmploymentRecord.objects.count() == 1


def test_parallel_imports_of_one_roster_record_each_row_once(clerk):
    emp = employer(clerk)
    data = xlsx([[f"员工{i}", migrant_number(i), datetime(2026, 10, 9)] for i in range(5)])
    with today_is(date(2026, 10, 12)):
        results, errors = race(
            lambda: services.roster_import(actor=clerk, employer_id=emp.pk, data=data, dry_run=False)
        )
    assert errors == []
    assert sorted(r.created for r in results) == [0] * (N - 1) + [5]
    assert EmploymentRecord.objects.count() == 5
