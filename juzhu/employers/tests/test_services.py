"""Employers and their staff records through the services (LH-4-employer-record, -report-5wd, -staff-100).

The official 2026 calendar around National Day (juzhu/policy/tests/test_employer_rules.py):

    Sep 28–30 Mon–Wed work · Oct 1–7 National Day rest · Oct 8–9 Thu–Fri work
    Oct 10 Sat WORK (make-up) · Oct 11 Sun rest · Oct 12–16 Mon–Fri work
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from juzhu.accounts.models import Role
from juzhu.audit.models import AuditEvent
from juzhu.employers import services
from juzhu.employers.models import DesignatedStaffEntry, Employer, EmployerMembership, EmploymentRecord
from juzhu.employers.tests.factories import (
    ENTERPRISE,
    ENTERPRISE_BAD_CHECK,
    OTHER,
    VILLAGE,
    WANG,
    employer,
    employer_account,
    migrant_number,
)
from juzhu.policy.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from juzhu.policy.identity import InvalidIdentityNumber
from juzhu.registry.tests.factories import registered, staff, today_is
from juzhu.workcal.models import DeclaredYear, HolidayOverride

D = date


def hire(actor, emp, on, hired_on, number=WANG, name="王小明", **kw):
    with today_is(on):
        return services.employment_report_hire(
            actor=actor, employer_id=emp.pk, identity_number=number, name=name, hired_on=hired_on, **kw
        )


def depart(actor, emp, on, ended_on, number=WANG, **kw):
    with today_is(on):
        return services.employment_report_departure(
            actor=actor, employer_id=emp.pk, identity_number=number, ended_on=ended_on, **kw
        )


# --- employers: 统一社会信用代码 ------------------------------------------------------------------


@pytest.mark.parametrize("code", [ENTERPRISE, VILLAGE, OTHER])
def test_enterprise_village_and_other_codes_are_accepted(clerk, code):
    # N… and Y… codes are legal though stdnum's validate() refuses them (libraries.md).
    assert employer(clerk, code).credit_code == code


def test_a_credit_code_is_normalised_before_it_is_stored(clerk):
    assert employer(clerk, " 91150802ma0q1234 51 ").credit_code == ENTERPRISE


def test_a_wrong_check_character_is_refused_and_nothing_is_written(clerk):
    with pytest.raises(InvalidInput) as exc:
        employer(clerk, ENTERPRISE_BAD_CHECK)
    assert (exc.value.rule, exc.value.code, exc.value.fields) == (
        "LH-4-employer-record",
        "credit-code-checksum",
        ("credit_code",),
    )
    assert not Employer.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_employer_is_registered_once(clerk):
    employer(clerk)
    with pytest.raises(TransitionNotAllowed) as exc:
        employer(clerk, ENTERPRISE.lower())
    assert exc.value.code == "employer-exists"
    assert Employer.objects.count() == 1


def test_the_database_refuses_a_malformed_credit_code(clerk):
    emp = employer(clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Employer.objects.filter(pk=emp.pk).update(credit_code="91150802MA0Q12345I")  # I is not in GB 32100


def test_an_employer_division_must_be_a_county(clerk):
    with pytest.raises(InvalidInput) as exc:
        employer(clerk, division_code="150800")  # Bayannur City, not a county-level area
    assert exc.value.code == "employer-division-level"


def test_a_clerk_registers_employers_only_in_the_own_division(clerk):
    with pytest.raises(Forbidden) as exc:
        employer(clerk, division_code="150821")  # 五原县
    assert exc.value.code == "outside-jurisdiction"


def test_an_employer_account_cannot_register_employers(clerk):
    emp = employer(clerk)
    account = employer_account("hetao", emp)
    with pytest.raises(Forbidden):
        employer(account, VILLAGE)


def test_registration_is_audited_with_the_designated_staff(clerk):
    emp = employer(clerk, designated_staff_name="赵专员", designated_staff_phone="13800000000")
    event = AuditEvent.objects.get(subject_type="employer", subject_id=str(emp.pk))
    assert (event.code, event.actor_label, event.rule) == (
        "employer.registered",
        "clerk",
        "LH-4-employer-record",
    )
    assert list(DesignatedStaffEntry.objects.values_list("effective_on", "name")) == [
        (D(2026, 9, 1), "赵专员")
    ]


def test_a_staff_phone_without_a_name_is_refused(clerk):
    with pytest.raises(InvalidInput) as exc:
        employer(clerk, designated_staff_phone="13800000000")
    assert exc.value.rule == "LH-4-employer-staff-100"


# --- designated staff (LH-4-employer-staff-100) ---------------------------------------------------


def test_the_employer_names_and_clears_its_designated_staff_with_history(clerk):
    emp = employer(clerk)
    account = employer_account("hetao", emp)
    with today_is(D(2026, 10, 8)):
        services.employer_update_designated_staff(
            actor=account, employer_id=emp.pk, name="赵专员", phone="138"
        )
    with today_is(D(2026, 11, 2)):
        e = services.employer_update_designated_staff(actor=clerk, employer_id=emp.pk, name="")
    assert (e.designated_staff_name, e.designated_staff_phone) == ("", "")
    assert list(DesignatedStaffEntry.objects.values_list("effective_on", "name")) == [
        (D(2026, 10, 8), "赵专员"),
        (D(2026, 11, 2), ""),
    ]
    codes = list(
        AuditEvent.objects.filter(code="employer.designated_staff_changed").values_list(
            "actor_label", "old", "new"
        )
    )
    assert codes == [
        ("hetao", {"name": "", "phone": ""}, {"name": "赵专员", "phone": "138"}),
        ("clerk", {"name": "赵专员", "phone": "138"}, {"name": "", "phone": ""}),
    ]


def test_the_designated_staff_history_is_append_only(clerk):
    emp = employer(clerk, designated_staff_name="赵专员")
    entry = DesignatedStaffEntry.objects.get(employer=emp)
    entry.name = "钱"
    with pytest.raises(RuntimeError):
        entry.save()


def test_another_employers_account_cannot_name_staff(clerk):
    mine, theirs = employer(clerk), employer(clerk, VILLAGE)
    account = employer_account("hetao", mine)
    with pytest.raises(Forbidden) as exc:
        services.employer_update_designated_staff(actor=account, employer_id=theirs.pk, name="赵")
    assert (exc.value.code, exc.value.rule) == ("other-employer", "N-17-confidentiality")


# --- hire and departure reports: 5 working days (LH-4-employer-report-5wd, T-workdays) ------------


@pytest.mark.parametrize(
    ("hired", "reported", "due", "on_time"),
    [
        # Mon: 29 ①, 30 ②, [Oct 1–7 off], 8 ③, 9 ④, 10 Sat make-up ⑤
        (D(2026, 9, 28), D(2026, 10, 10), D(2026, 10, 10), True),  # the due day, a Saturday: on time
        (D(2026, 9, 28), D(2026, 10, 12), D(2026, 10, 10), False),  # next working day: late
        # National Day: 8 ①, 9 ②, 10 ③, 12 ④, 13 ⑤
        (D(2026, 10, 1), D(2026, 10, 13), D(2026, 10, 13), True),
        (D(2026, 10, 1), D(2026, 10, 14), D(2026, 10, 13), False),
        (D(2026, 10, 1), D(2026, 10, 1), D(2026, 10, 13), True),  # the same day
    ],
)
def test_a_hire_report_is_due_on_the_5th_working_day(clerk, hired, reported, due, on_time):
    emp = employer(clerk)
    account = employer_account("hetao", emp)
    rec = hire(account, emp, reported, hired)
    assert (rec.hire_reported_on, rec.hire_due_on, rec.hire_on_time) == (reported, due, on_time)
    assert rec.ended_on is None


@pytest.mark.parametrize(
    ("ended", "reported", "due", "on_time"),
    [
        (D(2026, 9, 28), D(2026, 10, 10), D(2026, 10, 10), True),
        (D(2026, 9, 28), D(2026, 10, 12), D(2026, 10, 10), False),
        (D(2026, 10, 1), D(2026, 10, 13), D(2026, 10, 13), True),
        (D(2026, 10, 1), D(2026, 10, 14), D(2026, 10, 13), False),
    ],
)
def test_a_departure_report_is_due_on_the_5th_working_day(clerk, ended, reported, due, on_time):
    emp = employer(clerk)
    account = employer_account("hetao", emp)
    hire(account, emp, D(2026, 3, 2), D(2026, 3, 2))
    rec = depart(account, emp, reported, ended)
    assert (rec.ended_on, rec.end_reported_on, rec.end_due_on, rec.end_on_time) == (
        ended,
        reported,
        due,
        on_time,
    )


def test_a_hire_report_is_audited_with_its_due_day(clerk):
    emp = employer(clerk)
    account = employer_account("hetao", emp)
    rec = hire(account, emp, D(2026, 10, 12), D(2026, 9, 28))
    depart(account, emp, D(2026, 11, 2), D(2026, 10, 30))
    events = list(
        AuditEvent.objects.filter(subject_type="employmentrecord", subject_id=str(rec.pk)).values_list(
            "code", "actor_label", "rule", "new"
        )
    )
    assert events == [
        (
            "employment.hire_reported",
            "hetao",
            "LH-4-employer-report-5wd",
            {
                "employer": ENTERPRISE,
                "hired_on": "2026-09-28",
                "reported_on": "2026-10-12",
                "due_on": "2026-10-10",
                "on_time": False,
            },
        ),
        (
            "employment.departure_reported",
            "hetao",
            "LH-4-employer-report-5wd",
            {
                "employer": ENTERPRISE,
                "ended_on": "2026-10-30",
                "reported_on": "2026-11-02",
                # Fri 30 → 2 ①, 3 ②, 4 ③, 5 ④, 6 ⑤
                "due_on": "2026-11-06",
                "on_time": True,
            },
        ),
    ]


def test_the_record_links_the_registered_person(clerk):
    registered(clerk, number=WANG, registered_on=D(2026, 3, 2))
    emp = employer(clerk)
    rec = hire(clerk, emp, D(2026, 9, 28), D(2026, 9, 28))
    assert rec.person is not None
    assert rec.person.identity_number == WANG
    other = hire(clerk, emp, D(2026, 9, 28), D(2026, 9, 28), number=migrant_number(1), name="张三")
    assert other.person is None  # not registered: the number and name are kept all the same
    assert (other.identity_number, other.name) == (migrant_number(1), "张三")


def test_a_hire_due_in_an_unknown_year_is_stored_empty_then_settled(clerk):
    emp = employer(clerk)
    # Mon 2026-12-28: 29 ①, 30 ②, 31 ③, then 2027, whose calendar is not known yet.
    rec = hire(clerk, emp, D(2026, 12, 28), D(2026, 12, 28))
    assert (rec.hire_due_on, rec.hire_on_time) == (None, True)  # an early report is plainly on time
    late = hire(clerk, emp, D(2026, 12, 28), D(2026, 12, 28), number=migrant_number(1), name="张三")
    assert late.hire_due_on is None
    assert services.employment_deadlines_settle() == 0  # still unknown: nothing guessed
    HolidayOverride.objects.create(date=D(2027, 1, 1), is_working_day=False, note="元旦")
    DeclaredYear.objects.create(year=2027, note="test schedule")
    # [Jan 1 holiday, 2 Sat, 3 Sun], Jan 4 ④, Jan 5 ⑤
    assert services.employment_deadlines_settle() == 2
    assert set(EmploymentRecord.objects.values_list("hire_due_on", flat=True)) == {D(2027, 1, 5)}
    assert services.employment_deadlines_settle() == 0  # safe to re-run


def test_a_late_report_in_an_unknown_year_is_stored_unjudged_then_settled(clerk):
    emp = employer(clerk)
    # Reported on 2027-01-08 before the 2027 calendar is entered: recorded, neither due day nor
    # verdict guessed (29 ①, 30 ②, 31 ③, then unknown days).
    hire(clerk, emp, D(2027, 1, 8), D(2026, 12, 28))
    rec = EmploymentRecord.objects.get()
    assert (rec.hire_reported_on, rec.hire_due_on, rec.hire_on_time) == (D(2027, 1, 8), None, None)
    HolidayOverride.objects.create(date=D(2027, 1, 1), is_working_day=False, note="元旦")
    DeclaredYear.objects.create(year=2027, note="test schedule")
    assert services.employment_deadlines_settle() == 2  # due day and on-time flag
    rec.refresh_from_db()
    assert (rec.hire_due_on, rec.hire_on_time) == (D(2027, 1, 5), False)


# --- one open employment; dates in order --------------------------------------------------------


def test_a_second_report_of_the_same_hire_is_refused(clerk):
    emp = employer(clerk)
    hire(clerk, emp, D(2026, 9, 28), D(2026, 9, 28))
    with pytest.raises(TransitionNotAllowed) as exc:
        hire(clerk, emp, D(2026, 9, 29), D(2026, 9, 28))
    assert exc.value.code == "employment-open"
    with pytest.raises(TransitionNotAllowed) as exc:
        hire(clerk, emp, D(2026, 9, 29), D(2026, 9, 29))
    assert exc.value.code == "employment-open-other-date"
    assert EmploymentRecord.objects.count() == 1


def test_the_same_person_may_work_for_two_employers(clerk):
    a, b = employer(clerk), employer(clerk, VILLAGE)
    hire(clerk, a, D(2026, 9, 28), D(2026, 9, 28))
    hire(clerk, b, D(2026, 9, 28), D(2026, 9, 28))
    assert EmploymentRecord.objects.count() == 2


def test_the_database_allows_one_open_employment_per_employer_and_person(clerk):
    emp = employer(clerk)
    rec = hire(clerk, emp, D(2026, 9, 28), D(2026, 9, 28))
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentRecord.objects.create(
            employer=emp, identity_number=rec.identity_number, name="王小明", hired_on=D(2026, 9, 29)
        )


def test_the_database_refuses_an_end_before_the_hire(clerk):
    emp = employer(clerk)
    rec = hire(clerk, emp, D(2026, 9, 28), D(2026, 9, 28))
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentRecord.objects.filter(pk=rec.pk).update(
            ended_on=D(2026, 9, 27), end_reported_on=D(2026, 9, 28)
        )


def test_the_database_refuses_an_end_without_its_report(clerk):
    emp = employer(clerk)
    rec = hire(clerk, emp, D(2026, 9, 28), D(2026, 9, 28))
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentRecord.objects.filter(pk=rec.pk).update(ended_on=D(2026, 9, 29))


def test_a_departure_before_the_hire_is_refused(clerk):
    emp = employer(clerk)
    hire(clerk, emp, D(2026, 9, 28), D(2026, 9, 28))
    with pytest.raises(InvalidInput) as exc:
        depart(clerk, emp, D(2026, 9, 29), D(2026, 9, 27))
    assert exc.value.code == "ended-before-hired"
    # The boundary: ending on the day of hire is allowed.
    assert depart(clerk, emp, D(2026, 9, 29), D(2026, 9, 28)).ended_on == D(2026, 9, 28)


def test_a_departure_needs_an_open_employment(clerk):
    emp = employer(clerk)
    with pytest.raises(NotFound) as exc:
        depart(clerk, emp, D(2026, 9, 29), D(2026, 9, 28))
    assert exc.value.code == "employment-not-found"
    with pytest.raises(InvalidIdentityNumber):
        depart(clerk, emp, D(2026, 9, 29), D(2026, 9, 28), number="123")


def test_a_rehire_starts_no_earlier_than_the_last_departure(clerk):
    emp = employer(clerk)
    hire(clerk, emp, D(2026, 3, 2), D(2026, 3, 2))
    depart(clerk, emp, D(2026, 6, 1), D(2026, 6, 1))
    with pytest.raises(InvalidInput) as exc:
        hire(clerk, emp, D(2026, 6, 2), D(2026, 5, 29))
    assert exc.value.code == "employment-overlap"
    assert hire(clerk, emp, D(2026, 6, 2), D(2026, 6, 1)).hired_on == D(2026, 6, 1)
    assert EmploymentRecord.objects.count() == 2


def test_future_dates_are_refused(clerk):
    emp = employer(clerk)
    with pytest.raises(InvalidInput) as exc:
        hire(clerk, emp, D(2026, 9, 28), D(2026, 9, 29))
    assert exc.value.code == "hired-in-future"
    hire(clerk, emp, D(2026, 9, 28), D(2026, 9, 28))
    with pytest.raises(InvalidInput) as exc:
        depart(clerk, emp, D(2026, 9, 28), D(2026, 9, 29))
    assert exc.value.code == "ended-in-future"


def test_a_bad_identity_number_or_empty_name_is_refused(clerk):
    emp = employer(clerk)
    with pytest.raises(InvalidIdentityNumber):
        hire(clerk, emp, D(2026, 9, 28), D(2026, 9, 28), number=WANG[:-1] + ("0" if WANG[-1] != "0" else "1"))
    with pytest.raises(InvalidInput) as exc:
        hire(clerk, emp, D(2026, 9, 28), D(2026, 9, 28), name="  ")
    assert exc.value.code == "name-required"
    assert not EmploymentRecord.objects.exists()


# --- who may report: the employer's own account, or the counter ---------------------------------


def test_an_employer_account_cannot_report_another_employers_staff(clerk):
    mine, theirs = employer(clerk), employer(clerk, VILLAGE)
    account = employer_account("hetao", mine)
    hire(clerk, theirs, D(2026, 9, 28), D(2026, 9, 28))
    with pytest.raises(Forbidden) as exc:
        hire(account, theirs, D(2026, 9, 28), D(2026, 9, 28), number=migrant_number(1))
    assert exc.value.code == "other-employer"
    with pytest.raises(Forbidden):
        depart(account, theirs, D(2026, 9, 29), D(2026, 9, 29))
    assert list(EmploymentRecord.objects.values_list("employer_id", "ended_on")) == [(theirs.pk, None)]


def test_an_account_without_membership_or_role_is_refused(clerk):
    emp = employer(clerk)
    stranger = staff("stranger", Role.EMPLOYER)  # an employer account of no employer
    with pytest.raises(Forbidden):
        hire(stranger, emp, D(2026, 9, 28), D(2026, 9, 28))
    system = staff("hrss", Role.SYSTEM)  # may read, not record
    with pytest.raises(Forbidden):
        hire(system, emp, D(2026, 9, 28), D(2026, 9, 28))


def test_only_the_counter_may_date_a_report_before_today(clerk):
    emp = employer(clerk)
    account = employer_account("hetao", emp)
    with pytest.raises(InvalidInput) as exc:
        hire(account, emp, D(2026, 10, 12), D(2026, 9, 28), reported_on=D(2026, 10, 9))
    assert exc.value.code == "report-date-is-today"
    # A paper report received at the counter on 10-09, entered on 10-12: on time.
    rec = hire(clerk, emp, D(2026, 10, 12), D(2026, 9, 28), reported_on=D(2026, 10, 9))
    assert (rec.hire_reported_on, rec.hire_on_time) == (D(2026, 10, 9), True)
    with pytest.raises(InvalidInput) as exc:
        hire(
            clerk, emp, D(2026, 10, 12), D(2026, 9, 28), number=migrant_number(1), reported_on=D(2026, 10, 13)
        )
    assert exc.value.code == "report-in-future"


def test_a_clerk_of_another_division_cannot_report(clerk):
    emp = employer(clerk)
    wuyuan = staff("wuyuan-clerk", Role.CLERK, division="150821")
    with pytest.raises(Forbidden) as exc:
        hire(wuyuan, emp, D(2026, 9, 28), D(2026, 9, 28))
    assert exc.value.code == "outside-jurisdiction"


def test_a_hire_found_unreported_is_reported_late_later(clerk):
    emp = employer(clerk)
    account = employer_account("hetao", emp)
    with today_is(D(2026, 10, 20)):
        found = services.employment_record_unreported(
            actor=clerk, employer_id=emp.pk, identity_number=WANG, name="王小明", hired_on=D(2026, 9, 28)
        )
        with pytest.raises(Forbidden):
            services.employment_record_unreported(
                actor=account,
                employer_id=emp.pk,
                identity_number=migrant_number(1),
                name="张三",
                hired_on=D(2026, 9, 28),
            )
    assert (found.hire_reported_on, found.hire_due_on, found.hire_on_time) == (None, D(2026, 10, 10), None)
    rec = hire(account, emp, D(2026, 10, 21), D(2026, 9, 28))
    assert rec.pk == found.pk
    assert (rec.hire_reported_on, rec.hire_on_time) == (D(2026, 10, 21), False)
    codes = list(
        AuditEvent.objects.filter(subject_type="employmentrecord").values_list("code", "actor_label")
    )
    assert codes == [("employment.hire_found", "clerk"), ("employment.hire_reported", "hetao")]


# --- employer accounts --------------------------------------------------------------------------


def test_an_administrator_grants_and_revokes_an_employer_account(clerk, admin_user):
    emp = employer(clerk)
    account = staff("hetao", Role.EMPLOYER)
    with pytest.raises(Forbidden):
        services.employer_membership_grant(actor=clerk, employer_id=emp.pk, user=account)
    with pytest.raises(InvalidInput) as exc:
        services.employer_membership_grant(actor=admin_user, employer_id=emp.pk, user=clerk)
    assert exc.value.code == "not-an-employer-account"
    services.employer_membership_grant(actor=admin_user, employer_id=emp.pk, user=account)
    services.employer_membership_grant(actor=admin_user, employer_id=emp.pk, user=account)  # idempotent
    assert EmployerMembership.objects.filter(user=account, employer=emp).count() == 1
    hire(account, emp, D(2026, 9, 28), D(2026, 9, 28))
    services.employer_membership_revoke(actor=admin_user, employer_id=emp.pk, user=account)
    with pytest.raises(Forbidden):
        hire(account, emp, D(2026, 9, 28), D(2026, 9, 28), number=migrant_number(1))
    codes = list(
        AuditEvent.objects.filter(code__startswith="employer.account").values_list("code", flat=True)
    )
    assert codes == ["employer.account_granted", "employer.account_revoked"]
