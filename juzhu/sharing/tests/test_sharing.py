"""Sharing through the services: purpose-limited answers, one access-log entry per read, inspections."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.audit.models import AuditEvent
from juzhu.entitlements.tests.factories import KID, PARENT, household
from juzhu.epermit.services import permit_token
from juzhu.policy.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from juzhu.policy.sharing import PURPOSES
from juzhu.registry import services as registry
from juzhu.registry.models import Permit, Person
from juzhu.registry.tests.factories import staff, today_is
from juzhu.sharing import selectors
from juzhu.sharing.models import AccessLog, DepartmentCredential
from juzhu.sharing.services import credential_issue, credential_revoke, entitlement_share, inspection_record
from juzhu.sharing.tests.factories import administrator, education, housing, police

ON = date(2025, 12, 1)
SCHOOL_AGE = {"compulsory_school_age": True}


@pytest.fixture
def permit(clerk, supervisor) -> Permit:
    return household(clerk, supervisor)


def share(credential, number: str, service: str, purpose: str, on: date = ON, **kw):
    with today_is(date(2026, 1, 5)):
        return entitlement_share(
            actor=credential.user, identity_number=number, service=service, on=on, purpose=purpose, **kw
        )


def test_the_school_place_answer_has_the_childs_entitlement_and_the_parents_status_only(permit):
    shared = share(education(), KID, "2-school-place", "education.school_place", extra=SCHOOL_AGE)
    assert set(shared.data) == {"entitled", "reasons", "service", "permit_status"}
    assert (shared.data["entitled"], shared.data["permit_status"]) == (True, "valid")
    assert shared.data["reasons"][0]["code"] == "entitled-guardian_permit"
    assert KID not in str(shared.data) and PARENT not in str(shared.data)


def test_each_read_leaves_exactly_one_entry_naming_who_whose_why_and_what(permit):
    credential = education()
    share(credential, KID, "2-school-place", "education.school_place", extra=SCHOOL_AGE)
    entry = AccessLog.objects.get()
    kid, parent = Person.objects.get(identity_number=KID), Person.objects.get(identity_number=PARENT)
    assert (entry.actor, entry.credential, entry.department, entry.person) == (
        credential.user,
        credential,
        "education",
        kid,
    )
    assert (entry.purpose, entry.service, entry.asked_on, entry.endpoint) == (
        "education.school_place",
        "2-school-place",
        ON,
        "entitlements.check",
    )
    assert entry.fields == ["entitled", "permit_status", "reasons", "service"]
    assert entry.permit_number == ""  # the child holds no card
    assert list(entry.guardians.all()) == [parent]
    share(credential, KID, "2-school-place", "education.school_place", extra=SCHOOL_AGE)
    assert AccessLog.objects.count() == 2


def test_the_parents_own_record_shows_the_read_made_for_the_child(permit):
    share(education(), KID, "2-school-place", "education.school_place", extra=SCHOOL_AGE)
    parent = Person.objects.get(identity_number=PARENT)
    kid = Person.objects.get(identity_number=KID)
    assert [e.person_id for e in selectors.access_log_for_person(parent)] == [kid.pk]
    assert selectors.access_log_for_person(kid).count() == 1


def test_housing_sees_the_address_and_residence_period_as_they_stood_on_the_date(clerk, permit):
    with today_is(
        date(2025, 11, 3)
    ):  # 五原县, same city: residence period restarts (LH-3.2-change-same-city)
        registry.permit_change_address(
            actor=clerk,
            number=permit.number,
            new_address="五原县隆兴昌镇1号",
            new_division="150821",
            documents=["permit_card", "identity_card", "tenancy_contract"],
        )
    credential = housing()
    before = share(credential, PARENT, "9-housing", "housing.subsidised", on=date(2025, 11, 2)).data
    after = share(credential, PARENT, "9-housing", "housing.subsidised", on=date(2025, 11, 3)).data
    assert set(before) == PURPOSES["housing.subsidised"].fields
    assert (before["residence_address"], before["residence_since"]) == ("临河区新华街1号", date(2025, 7, 10))
    assert (after["residence_address"], after["residence_since"]) == ("五原县隆兴昌镇1号", date(2025, 11, 3))
    assert before["identity_number"] == PARENT
    assert "permit_number" not in before  # not housing's field
    assert AccessLog.objects.get(asked_on=date(2025, 11, 2)).permit_number == permit.number


@pytest.mark.parametrize(
    ("service", "purpose", "code"),
    [
        ("9-housing", "education.school_place", "service-outside-purpose"),  # not education's service
        ("2-school-place", "housing.subsidised", "purpose-not-allowed"),  # not bound to the credential
        ("2-school-place", "education.everything", "purpose-not-allowed"),
    ],
)
def test_a_refused_read_returns_nothing_and_leaves_no_entry(permit, service, purpose, code):
    with pytest.raises(Forbidden) as e:
        share(education(), KID, service, purpose)
    assert (e.value.code, e.value.rule) == (code, "LH-2-sharing")
    assert AccessLog.objects.count() == 0


def test_an_unknown_person_leaves_no_entry(permit):
    from juzhu.registry.tests.factories import identity_number

    with pytest.raises(NotFound):
        share(
            education(), identity_number(date(2015, 1, 1), seq=7), "2-school-place", "education.school_place"
        )
    assert AccessLog.objects.count() == 0


def test_a_revoked_credential_reads_nothing(permit):
    credential = education()
    credential_revoke(actor=administrator(), code=credential.code, reason="对接系统下线")
    with pytest.raises(Forbidden) as e:
        share(credential, KID, "2-school-place", "education.school_place")
    assert e.value.code == "no-credential"
    assert [ev.code for ev in AuditEvent.objects.filter(subject_type="departmentcredential")] == [
        "sharing.credential_issued",
        "sharing.credential_revoked",
    ]


def test_staff_get_the_answer_only_and_are_logged_too(clerk, permit):
    with today_is(date(2026, 1, 5)):
        shared = entitlement_share(actor=clerk, identity_number=KID, service="4-public-health", on=ON)
    assert set(shared.data) == {"entitled", "reasons", "service", "permit_status"}
    entry = AccessLog.objects.get()
    assert (entry.credential, entry.department, entry.purpose) == (None, "public_security", "staff.counter")


# --- credentials -------------------------------------------------------------------------------


def test_a_credential_is_only_for_a_department_account_and_only_its_departments_purposes(db, clerk):
    admin = administrator()
    with pytest.raises(InvalidInput) as e:
        credential_issue(actor=admin, user=clerk, code="X", name="x", department="education", purposes=[])
    assert e.value.code == "credential-not-department"
    from juzhu.accounts.models import Role

    user = staff("jkj", Role.DEPARTMENT)
    with pytest.raises(InvalidInput) as e2:
        credential_issue(
            actor=admin,
            user=user,
            code="X",
            name="x",
            department="education",
            purposes=["housing.subsidised"],
        )
    assert (e2.value.code, e2.value.extra["refused"]) == ("purpose-not-of-department", ["housing.subsidised"])
    with pytest.raises(Forbidden):
        credential_issue(
            actor=clerk, user=user, code="X", name="x", department="education", purposes=["education.exams"]
        )


# --- inspections (LH-4-inspection) -------------------------------------------------------------


def inspect(credential, **kw):
    with today_is(date(2026, 1, 5)):
        return inspection_record(
            actor=credential.user, official_credential_number="15080212345", reason="治安检查", **kw
        )


def test_an_inspection_by_number_or_by_token_returns_the_inspection_fields_and_is_logged(permit):
    credential = police()
    with today_is(date(2026, 1, 5)):
        token = permit_token(permit)
    for kw, endpoint in (
        ({"number": permit.number}, "inspections.number"),
        ({"token": token}, "inspections.token"),
    ):
        shared = inspect(credential, **kw)
        assert shared.data == {
            "permit_status": "valid",
            "permit_number": permit.number,
            "name": "王建国",
            "issue_date": date(2025, 7, 10),
            "next_anniversary": date(2026, 7, 10),
        }
        assert shared.log.endpoint == endpoint
        assert (shared.log.official_credential_number, shared.log.reason) == ("15080212345", "治安检查")
        assert shared.log.person.identity_number == PARENT
    assert AccessLog.objects.count() == 2


def test_a_tampered_token_is_refused_and_leaves_no_entry(permit):
    with today_is(date(2026, 1, 5)):
        token = permit_token(permit)
    head, kid, payload, sig = token.split(".")
    forged = f"{head}.{kid}.{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{sig}"
    with pytest.raises(InvalidInput) as e:
        inspect(police(), token=forged)
    assert (e.value.code, e.value.rule) == ("token-invalid", "LH-4-inspection")
    assert AccessLog.objects.count() == 0


def test_an_inspection_needs_the_officials_number_a_reason_and_one_of_number_or_token(permit):
    credential = police()
    with today_is(date(2026, 1, 5)), pytest.raises(InvalidInput) as e:
        inspection_record(
            actor=credential.user, official_credential_number=" ", reason="", number=permit.number
        )
    assert tuple(e.value.fields) == ("official_credential_number", "reason")
    with pytest.raises(InvalidInput) as e2:
        inspect(credential, number=permit.number, token="JZ1.x.y.z")
    assert e2.value.code == "inspection-number-or-token"
    assert AccessLog.objects.count() == 0


def test_a_credential_without_the_inspection_purpose_cannot_inspect(permit):
    with pytest.raises(Forbidden) as e:
        inspect(education(), number=permit.number)
    assert e.value.code == "purpose-not-allowed"


def test_the_access_log_is_append_only(permit):
    entry = inspect(police(), number=permit.number).log
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_a_revoked_credential_stays_on_record_and_blocks_its_account_and_code(permit):
    credential = education()
    admin = administrator()
    credential_revoke(actor=admin, code=credential.code)
    with pytest.raises(TransitionNotAllowed) as e:
        credential_issue(
            actor=admin, user=credential.user, code="EDU-NEW", name="x", department="education",
            purposes=["education.school_place"],
        )  # fmt: skip
    assert (e.value.code, e.value.rule) == ("credential-exists", "LH-2-sharing")
    assert DepartmentCredential.objects.count() == 1
