"""LH-5-publish-3y: each department publishes its services scope at least once every 3 years."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.audit.models import AuditEvent
from juzhu.entitlements import selectors, services
from juzhu.entitlements.models import Publication
from juzhu.policy.entitlements import Department
from juzhu.policy.errors import Forbidden, InvalidInput
from juzhu.registry.tests.factories import today_is


def publish(actor, department: Department, on: date, title: str = "持证人享受的公共服务范围") -> Publication:
    with today_is(on):
        return services.publication_record(actor=actor, department=department, published_on=on, title=title)


def test_a_publication_exactly_three_years_old_is_not_overdue_one_a_day_older_is(supervisor):
    publish(supervisor, Department.EDUCATION, date(2023, 5, 10))
    exactly = selectors.publication_status(Department.EDUCATION, date(2026, 5, 10))  # last + 3 years
    assert (exactly.overdue, exactly.due_by) == (False, date(2026, 5, 10))
    assert selectors.publication_status(Department.EDUCATION, date(2026, 5, 11)).overdue


def test_three_years_from_29_february_end_on_28_february(supervisor):
    publish(supervisor, Department.HEALTH, date(2024, 2, 29))
    status = selectors.publication_status(Department.HEALTH, date(2027, 2, 28))  # T-month-end
    assert (status.overdue, status.due_by) == (False, date(2027, 2, 28))
    assert selectors.publication_status(Department.HEALTH, date(2027, 3, 1)).overdue


def test_the_latest_publication_counts_and_a_department_that_never_published_is_flagged(supervisor):
    publish(supervisor, Department.EDUCATION, date(2020, 1, 6))
    publish(supervisor, Department.EDUCATION, date(2025, 9, 1))
    statuses = {s.department: s for s in selectors.publication_statuses(date(2026, 1, 1))}
    assert len(statuses) == len(Department)  # every department has a service in the catalogue
    edu = statuses[Department.EDUCATION]
    assert (edu.last.published_on, edu.overdue) == (date(2025, 9, 1), False)  # type: ignore[union-attr]
    assert statuses[Department.HOUSING].overdue
    assert statuses[Department.HOUSING].last is None


def test_a_publication_after_the_date_asked_does_not_count_then(supervisor):
    publish(supervisor, Department.HOUSING, date(2025, 9, 1))
    assert selectors.publication_status(Department.HOUSING, date(2025, 8, 31)).overdue


def test_recording_is_audited_and_the_record_is_append_only(supervisor):
    p = publish(supervisor, Department.JUSTICE, date(2025, 9, 1))
    event = AuditEvent.objects.get(code="publication.recorded")
    assert (event.rule, event.new["department"], event.actor_label) == (
        "LH-5-publish-3y",
        "justice",
        "supervisor",
    )
    with pytest.raises(RuntimeError):
        p.save()
    with pytest.raises(RuntimeError):
        p.delete()


def test_a_future_date_or_an_unknown_department_is_refused(supervisor):
    with today_is(date(2025, 9, 1)), pytest.raises(InvalidInput) as e:
        services.publication_record(
            actor=supervisor, department="education", published_on=date(2025, 9, 2), title="x"
        )
    assert (e.value.code, tuple(e.value.fields)) == ("publication-in-future", ("published_on",))
    with today_is(date(2025, 9, 1)), pytest.raises(InvalidInput) as e2:
        services.publication_record(
            actor=supervisor, department="army", published_on=date(2025, 9, 1), title="x"
        )
    assert e2.value.code == "department-unknown"


def test_a_clerk_cannot_record_a_publication(clerk):
    with pytest.raises(Forbidden):
        publish(clerk, Department.EDUCATION, date(2025, 9, 1))
