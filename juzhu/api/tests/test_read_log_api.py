"""Every staff API read of personal data writes its access-log row in the read's transaction, and a
refused read writes none (N-17-confidentiality; docs/decisions/0011)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from juzhu.api.tests.conftest import Api, token_for
from juzhu.api.tests.helpers import LI, PERMIT_UNKNOWN, WANG, problem, wang_permit
from juzhu.employers.tests.factories import employer, employer_account, migrants
from juzhu.enforcement.tests.factories import declared, person_case_ordered
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.models import Application, Notice
from juzhu.sharing.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(clerk, supervisor):
    return wang_permit(clerk, supervisor)


def row(**kw: Any) -> AccessLog:
    return AccessLog.objects.get(**kw)


def test_a_clerk_reading_a_permit_writes_its_row_exactly(as_clerk, clerk, permit):
    r = as_clerk.get(f"/permits/{permit.number}")
    assert r.status_code == 200 and r.json()["identity_number"] == WANG
    e = row()
    assert (e.actor, e.actor_label, e.role, e.department, e.credential_id) == (
        clerk, "clerk", "clerk", "public_security", None,
    )  # fmt: skip
    assert (e.endpoint, e.scope, e.purpose, e.person_id, e.subject_type, e.subject_id, e.permit_number) == (
        "api.permit", "record", "counter.service", permit.person_id, "permit", str(permit.pk), permit.number,
    )  # fmt: skip
    assert e.fields == sorted(
        ["name", "sex", "ethnicity", "birth_date", "identity_number", "hukou_address", "residence_address",
         "permit_number", "permit_status", "issue_date", "residence_since", "next_anniversary"]
    )  # fmt: skip
    assert (e.client_address, e.rows, e.asked_on) == ("127.0.0.1", None, timezone.localdate())


@pytest.mark.parametrize(
    ("path", "read", "subject"),
    [
        ("/permits/{number}/history", "api.permit.history", "permit"),
        ("/permits/{number}/epermit", "api.epermit", "permit"),
        ("/applications/{app}", "api.application", "application"),
        ("/persons/{identity}/access-log", "api.person.access_log", "person"),
        ("/persons/{identity}/household-links", "api.person.household", "person"),
    ],
)
def test_each_record_read_of_the_api_is_logged(as_clerk, permit, path, read, subject):
    app = Application.objects.get(permit=permit)
    r = as_clerk.get(path.format(number=permit.number, app=app.pk, identity=WANG))
    assert r.status_code == 200, r.content
    e = row(endpoint=read)
    assert (e.person_id, e.subject_type, e.scope, e.role) == (permit.person_id, subject, "record", "clerk")


def test_the_notice_is_a_read(as_clerk, clerk, permit):
    app = services.application_submit(
        actor=clerk, kind=CaseKind.REPLACEMENT, identity_number=WANG, police_station="150802001", documents=[]
    )
    notice = services.application_notify(actor=clerk, application_id=app.pk)
    assert as_clerk.get(f"/applications/{app.pk}/notice").status_code == 200
    e = row(endpoint="api.notice")
    assert (e.person_id, e.subject_type, e.subject_id, e.fields) == (
        permit.person_id, "notice", str(notice.pk), ["notice"],
    )  # fmt: skip
    assert Notice.objects.count() == 1


def test_a_masked_list_is_one_row_with_its_size(as_clerk, clerk):
    person_case_ordered(clerk)
    body = as_clerk.get("/enforcement/cases").json()
    assert len(body) == 1 and body[0]["person"]["name"] == "王**"
    e = row()
    assert (e.endpoint, e.scope, e.person_id, e.rows, e.purpose) == (
        "api.cases", "list", None, 1, "case.enforcement",
    )  # fmt: skip


def test_a_case_is_a_read_for_enforcement(as_clerk, clerk):
    case = person_case_ordered(clerk)
    assert as_clerk.get(f"/enforcement/cases/{case.pk}").status_code == 200
    e = row(endpoint="api.case")
    assert (e.person_id, e.subject_type, e.purpose) == (case.person_id, "case", "case.enforcement")


def test_the_late_registrations_feed_names_each_person_once_a_day(as_clerk, clerk):
    wang = declared(clerk, number=WANG)
    li = declared(clerk, number=LI, name="李四")
    for _ in range(3):
        assert len(as_clerk.get("/enforcement/late-registrations").json()) == 2
    rows = AccessLog.objects.filter(endpoint="api.late_registrations").order_by("person_id")
    assert [(e.person_id, e.subject_type, e.scope) for e in rows] == sorted(
        [(wang.person_id, "residenceregistration", "rows"), (li.person_id, "residenceregistration", "rows")]
    )
    assert "residence_address" in rows[0].fields


def test_an_employers_roster_compliance_and_export_through_the_api(client, clerk, as_clerk):
    hetao = employer(clerk)
    records = migrants(hetao, 3, date(2026, 9, 1))
    as_hr = Api(client, token_for(employer_account("hetao-hr", hetao), "hr"))
    assert len(as_hr.get(f"/employers/{hetao.pk}/roster").json()) == 3
    assert as_hr.get(f"/employers/{hetao.pk}/compliance").status_code == 200
    assert as_clerk.get(f"/employers/{hetao.pk}/roster.xlsx").status_code == 200
    rows = AccessLog.objects.filter(endpoint="api.employer.roster")
    assert sorted(e.subject_id for e in rows) == sorted(str(r.pk) for r in records)
    assert {(e.role, e.purpose) for e in rows} == {("employer", "employer.own_staff")}
    exported = AccessLog.objects.filter(endpoint="export.employer.roster")
    assert exported.count() == 3 and {(e.role, e.purpose) for e in exported} == {("clerk", "counter.service")}


def test_refused_reads_write_nothing(as_clerk, as_system, anonymous, client, clerk, permit):
    problem(as_clerk.get(f"/permits/{PERMIT_UNKNOWN}"), 404, "permit-not-found")
    problem(as_clerk.get("/applications/999999"), 404, "not-found")
    problem(as_system.get(f"/permits/{permit.number}"), 403, "forbidden")
    problem(anonymous.get(f"/permits/{permit.number}"), 401, "unauthenticated")
    problem(as_clerk.get("/enforcement/cases/999999"), 404, "not-found")
    hetao = employer(clerk)
    migrants(hetao, 2, date(2026, 9, 1))
    other = employer(clerk, "N2150802123456789Y", name="某村集体经济组织")
    as_other = Api(client, token_for(employer_account("other-hr", other), "other"))
    problem(as_other.get(f"/employers/{hetao.pk}/roster"), 403, "other-employer")
    problem(as_other.get(f"/employers/{hetao.pk}/roster.xlsx"), 403, "other-employer")
    assert not AccessLog.objects.exists()
