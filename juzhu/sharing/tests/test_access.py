"""The access log's one writer (juzhu.sharing.access) and the database's own checks on its rows."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from juzhu.accounts.models import Role
from juzhu.policy.errors import Forbidden
from juzhu.registry.models import Permit, Person
from juzhu.registry.tests.factories import identity_number, issued_permit, registered, staff
from juzhu.sharing.access import (
    Whose,
    access_record,
    access_record_each,
    access_record_list,
    reader_for,
)
from juzhu.sharing.models import AccessLog
from juzhu.sharing.tests.factories import education

pytestmark = pytest.mark.django_db

WANG = identity_number(date(1990, 5, 17))


@pytest.fixture
def wang(clerk: User, supervisor: User) -> Permit:
    return issued_permit(
        clerk, supervisor, number=WANG, registered_on=date(2025, 1, 10), issued_on=date(2025, 7, 10)
    )


def _person(clerk: User, seq: int = 123) -> Person:
    number = identity_number(date(1990, 1, 1), seq=seq)
    registered(clerk, number=number, registered_on=date(2025, 1, 10))
    return Person.objects.get(identity_number=number)


def _inserts(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "sharing_accesslog"')]


def test_a_record_read_is_one_row_naming_who_whose_what_why_and_from_where(clerk: User, wang: Permit) -> None:
    with transaction.atomic():
        row = access_record(reader_for(clerk, "10.1.2.3"), "pdf.card", Whose.of(wang.person_id, wang))
    row.refresh_from_db()
    assert (row.actor, row.actor_label, row.role, row.department, row.credential) == (
        clerk, "clerk", "clerk", "public_security", None,
    )  # fmt: skip
    assert (row.person_id, row.subject_type, row.subject_id) == (wang.person_id, "permit", str(wang.pk))
    assert (row.endpoint, row.scope, row.purpose, row.rows) == ("pdf.card", "record", "counter.service", None)
    assert row.fields == sorted(
        ["name", "sex", "ethnicity", "birth_date", "identity_number", "hukou_address", "residence_address",
         "permit_number", "permit_status", "issue_date", "residence_since", "next_anniversary", "photo", "epermit"]
    )  # fmt: skip
    assert row.client_address == "10.1.2.3"


def test_a_row_outside_the_reads_transaction_is_refused(
    clerk: User, wang: Permit, django_db_blocker: object
) -> None:
    # pytest-django's test transaction is itself an atomic block; step outside it to see the guard.
    connection.in_atomic_block, was = False, connection.in_atomic_block
    try:
        with pytest.raises(RuntimeError, match="inside the read's transaction"):
            access_record(reader_for(clerk), "page.person", Whose.of(wang.person_id))
    finally:
        connection.in_atomic_block = was
    assert not AccessLog.objects.exists()


def test_a_system_account_is_no_reader(db: None) -> None:
    with pytest.raises(Forbidden):
        reader_for(staff("card-maker", Role.SYSTEM))


def test_an_employer_reads_for_its_own_staff_and_as_no_department(clerk: User) -> None:
    hr = staff("hr", Role.EMPLOYER)
    person = _person(clerk)
    with transaction.atomic():
        (row,) = access_record_each(
            reader_for(hr), "page.employer.roster", [Whose(person.pk, "employmentrecord", "7")]
        )
    assert (row.role, row.department, row.purpose, row.scope) == (
        "employer",
        "",
        "employer.own_staff",
        "rows",
    )


def test_a_list_naming_people_is_one_insert_and_once_a_day(clerk: User) -> None:
    people = [_person(clerk, seq) for seq in range(101, 106)]
    reader = reader_for(clerk, "10.0.0.1")
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        rows = access_record_each(reader, "api.late_registrations", [Whose.of(p.pk) for p in people[:3]])
    assert len(rows) == 3 and len(_inserts(ctx)) == 1
    # The same list again, now with two more people: only the two are new today.
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        rows = access_record_each(reader, "api.late_registrations", [Whose.of(p.pk) for p in people])
    assert sorted(r.person_id for r in rows) == sorted(p.pk for p in people[3:])
    assert len(_inserts(ctx)) == 1
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        assert access_record_each(reader, "api.late_registrations", [Whose.of(p.pk) for p in people]) == []
    assert _inserts(ctx) == []
    # An export is a new copy each time: every person again.
    with transaction.atomic():
        again = access_record_each(reader, "export.employer.roster", [Whose.of(p.pk) for p in people])
    assert len(again) == 5


def test_a_list_identifying_nobody_is_one_row_with_its_size(clerk: User) -> None:
    with transaction.atomic():
        row = access_record_list(reader_for(clerk), "page.queue", 42)
    row.refresh_from_db()
    assert (row.person_id, row.rows, row.scope, row.fields) == (
        None, 42, "list", ["application", "identity_number_masked", "name_masked"],
    )  # fmt: skip


def test_a_read_of_the_wrong_scope_is_a_programming_error(clerk: User) -> None:
    with transaction.atomic(), pytest.raises(ValueError, match="not a record read"):
        access_record(reader_for(clerk), "page.queue", Whose.of(None))


# --------------------------------------------------------------------------- the database's checks


def _row(user: User, **kw: object) -> AccessLog:
    values: dict[str, object] = {
        "actor": user, "actor_label": user.get_username(), "role": "clerk", "department": "public_security",
        "scope": "record", "purpose": "counter.service", "asked_on": date(2026, 12, 7), "fields": [],
        "endpoint": "page.person",
    }  # fmt: skip
    values.update(kw)
    return AccessLog(**values)


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"endpoint": "page.nowhere"}, "access_endpoint_valid"),
        ({"role": "system"}, "access_role_valid"),  # a system account never reads a record
        ({"department": ""}, "access_department_valid"),  # only an employer reads as no department
        ({"role": "department", "department": "education"}, "access_department_credential"),
        ({"scope": "list", "rows": 3}, "access_whose_record"),  # a masked list names nobody
        ({"person": None}, "access_whose_record"),  # a record read says whose
        ({"endpoint": "inspections.number", "reason": "巡查"}, "access_inspection_who_why"),
    ],
)
def test_the_database_refuses_a_row_that_breaks_its_meaning(
    clerk: User, wang: Permit, change: dict[str, object], constraint: str
) -> None:
    _row(clerk, person=wang.person).save()  # the baseline row is accepted
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        _row(clerk, **{"person": wang.person, **change}).save()


def test_a_department_row_needs_its_credential(wang: Permit) -> None:
    credential = education()
    ok = _row(credential.user, person=wang.person, role="department", department="education",
              credential=credential, endpoint="entitlements.check")  # fmt: skip
    ok.save()
    with pytest.raises(IntegrityError, match="access_department_credential"), transaction.atomic():
        _row(staff("x-clerk"), person=wang.person, credential=credential).save()


def test_the_log_stays_append_only(clerk: User, wang: Permit) -> None:
    with transaction.atomic():
        row = access_record(reader_for(clerk), "page.person", Whose.of(wang.person_id))
    with pytest.raises(RuntimeError, match="append-only"):
        row.save()
    with pytest.raises(RuntimeError, match="append-only"):
        row.delete()
