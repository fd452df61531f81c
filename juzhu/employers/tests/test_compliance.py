"""Compliance on a date: late and missing reports (LH-4-employer-report-5wd) and the >100 rule
(LH-4-employer-staff-100, "超过百人" = 101 or more, T-inclusive), history-exact."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.employers import selectors, services
from juzhu.employers.selectors import Standing, employer_compliance, report_standing
from juzhu.employers.tests.factories import (
    VILLAGE,
    WANG,
    WANG_MASKED,
    employer,
    employer_account,
    migrant_number,
    migrants,
)
from juzhu.policy.calendar import OFFICIAL, WorkCalendar
from juzhu.policy.errors import Forbidden
from juzhu.registry.tests.factories import today_is

D = date
CAL_2027 = WorkCalendar(overrides={D(2027, 1, 1): False}, declared_years=frozenset({2027}))


# --- report_standing: pure, no database ----------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "reported", "on", "standing"),
    [
        # Hired Mon 09-28, due Sat 10-10 (make-up working day).
        (D(2026, 9, 28), None, D(2026, 10, 10), Standing.PENDING),  # the due day itself: still time
        (D(2026, 9, 28), None, D(2026, 10, 11), Standing.MISSING),  # the day after: missing
        (D(2026, 9, 28), D(2026, 10, 10), D(2026, 10, 20), Standing.ON_TIME),
        (D(2026, 9, 28), D(2026, 10, 12), D(2026, 10, 20), Standing.LATE),
        # History-exact: on 10-11 the report of 10-12 had not been made yet.
        (D(2026, 9, 28), D(2026, 10, 12), D(2026, 10, 11), Standing.MISSING),
        (D(2026, 9, 28), D(2026, 10, 12), D(2026, 10, 12), Standing.LATE),
        # Hired on National Day, due 10-13.
        (D(2026, 10, 1), None, D(2026, 10, 13), Standing.PENDING),
        (D(2026, 10, 1), None, D(2026, 10, 14), Standing.MISSING),
        # Due in 2027, unknown: an unreported hire asked about in 2027 is undetermined, never guessed.
        (D(2026, 12, 28), None, D(2026, 12, 31), Standing.PENDING),
        (D(2026, 12, 28), None, D(2027, 1, 8), Standing.UNDETERMINED),
    ],
)
def test_report_standing_on_a_date(event, reported, on, standing):
    assert report_standing(event, reported, on, OFFICIAL) is standing


def test_report_standing_with_the_2027_calendar_entered():
    # 29 ①, 30 ②, 31 ③, [Jan 1–3], Jan 4 ④, Jan 5 ⑤
    assert report_standing(D(2026, 12, 28), None, D(2027, 1, 5), CAL_2027) is Standing.PENDING
    assert report_standing(D(2026, 12, 28), None, D(2027, 1, 6), CAL_2027) is Standing.MISSING


# --- LH-4-employer-staff-100: 100 vs 101 ---------------------------------------------------------


@pytest.mark.parametrize(("count", "required"), [(100, False), (101, True)])
def test_more_than_100_migrants_need_designated_staff(clerk, count, required):
    emp = employer(clerk)
    migrants(emp, count, D(2026, 3, 2))
    c = employer_compliance(emp, D(2026, 11, 2))
    assert (c.migrant_count, c.designated_staff_required) == (count, required)
    assert c.compliant is not required
    if required:
        (reason,) = c.reasons
        assert (reason.rule, reason.code) == ("LH-4-employer-staff-100", "designated-staff-missing")
        assert "101" in reason.zh and "101" in reason.en
    else:
        assert c.reasons == ()


def test_101_migrants_with_designated_staff_comply(clerk):
    emp = employer(clerk)
    migrants(emp, 101, D(2026, 3, 2))
    with today_is(D(2026, 10, 8)):
        services.employer_update_designated_staff(actor=clerk, employer_id=emp.pk, name="赵专员", phone="138")
    c = employer_compliance(emp, D(2026, 11, 2))
    assert (c.designated_staff_required, c.designated_staff_name, c.compliant) == (True, "赵专员", True)
    # History-exact: before 10-08 nobody was designated.
    before = employer_compliance(emp, D(2026, 10, 7))
    assert (before.designated_staff_name, before.compliant) == ("", False)
    assert [r.rule for r in before.reasons] == ["LH-4-employer-staff-100"]


def test_the_count_follows_hires_and_departures_on_the_date(clerk):
    emp = employer(clerk)
    migrants(emp, 100, D(2026, 3, 2))
    with today_is(D(2026, 9, 28)):
        services.employment_report_hire(
            actor=clerk, employer_id=emp.pk, identity_number=WANG, name="王小明", hired_on=D(2026, 9, 28)
        )
    with today_is(D(2026, 10, 9)):
        services.employment_report_departure(
            actor=clerk, employer_id=emp.pk, identity_number=WANG, ended_on=D(2026, 10, 9)
        )
    assert employer_compliance(emp, D(2026, 9, 27)).migrant_count == 100  # before the hire
    assert employer_compliance(emp, D(2026, 9, 28)).migrant_count == 101  # the day of hire counts
    assert employer_compliance(emp, D(2026, 10, 8)).designated_staff_required is True
    assert employer_compliance(emp, D(2026, 10, 9)).migrant_count == 100  # the day it ended does not


# --- late and missing reports -------------------------------------------------------------------


def test_late_and_missing_reports_are_listed_with_the_rule(clerk):
    emp = employer(clerk)
    with today_is(D(2026, 10, 12)):
        services.employment_report_hire(  # due 10-10: late
            actor=clerk, employer_id=emp.pk, identity_number=WANG, name="王小明", hired_on=D(2026, 9, 28)
        )
    with today_is(D(2026, 10, 13)):
        services.employment_report_hire(  # due 10-13: on time
            actor=clerk,
            employer_id=emp.pk,
            identity_number=migrant_number(1),
            name="张三",
            hired_on=D(2026, 10, 1),
        )
    with today_is(D(2026, 10, 14)):
        services.employment_record_unreported(  # found, never reported; due 10-13
            actor=clerk,
            employer_id=emp.pk,
            identity_number=migrant_number(2),
            name="李四",
            hired_on=D(2026, 10, 1),
        )
    c = employer_compliance(emp, D(2026, 10, 14))
    assert [(i.name, i.kind, i.event_on, i.due_on, i.reported_on) for i in c.late] == [
        ("王小明", "hire", D(2026, 9, 28), D(2026, 10, 10), D(2026, 10, 12))
    ]
    assert [(i.name, i.due_on, i.reported_on, i.standing) for i in c.missing] == [
        ("李四", D(2026, 10, 13), None, Standing.MISSING)
    ]
    assert c.late[0].identity_number_masked == WANG_MASKED
    assert [(r.rule, r.code) for r in c.reasons] == [
        ("LH-4-employer-report-5wd", "reports-late"),
        ("LH-4-employer-report-5wd", "reports-missing"),
    ]
    assert not c.compliant
    # On the due day itself the unreported hire was not yet missing.
    on_due_day = employer_compliance(emp, D(2026, 10, 13))
    assert on_due_day.missing == ()
    # Before the late report was made, the first hire was missing, not late.
    on_11th = employer_compliance(emp, D(2026, 10, 11))
    assert [i.name for i in on_11th.missing] == ["王小明"]
    assert on_11th.late == ()


def test_a_late_departure_report_is_listed(clerk):
    emp = employer(clerk)
    with today_is(D(2026, 3, 2)):
        services.employment_report_hire(
            actor=clerk, employer_id=emp.pk, identity_number=WANG, name="王小明", hired_on=D(2026, 3, 2)
        )
    with today_is(D(2026, 10, 14)):
        services.employment_report_departure(  # ended National Day, due 10-13
            actor=clerk, employer_id=emp.pk, identity_number=WANG, ended_on=D(2026, 10, 1)
        )
    c = employer_compliance(emp, D(2026, 10, 20))
    assert [(i.kind, i.event_on, i.due_on) for i in c.late] == [
        ("departure", D(2026, 10, 1), D(2026, 10, 13))
    ]
    assert employer_compliance(emp, D(2026, 10, 13)).late == ()  # before the report and not yet overdue
    assert employer_compliance(emp, D(2026, 10, 13)).missing == ()


def test_a_hire_whose_due_year_is_unknown_is_undetermined(clerk):
    emp = employer(clerk)
    with today_is(D(2026, 12, 28)):
        services.employment_record_unreported(
            actor=clerk, employer_id=emp.pk, identity_number=WANG, name="王小明", hired_on=D(2026, 12, 28)
        )
    c = employer_compliance(emp, D(2027, 1, 8))
    assert [i.standing for i in c.undetermined] == [Standing.UNDETERMINED]
    assert c.missing == ()


# --- roster and access --------------------------------------------------------------------------


def test_the_roster_masks_identity_numbers(clerk):
    emp = employer(clerk)
    with today_is(D(2026, 9, 28)):
        rec = services.employment_report_hire(
            actor=clerk, employer_id=emp.pk, identity_number=WANG, name="王小明", hired_on=D(2026, 9, 28)
        )
    (entry,) = [selectors.roster_entry(r) for r in selectors.employer_roster(emp)]
    assert (entry.id, entry.name, entry.identity_number_masked) == (rec.pk, "王小明", WANG_MASKED)
    assert WANG not in repr(entry)


def test_the_roster_on_a_date_and_with_ended_records(clerk):
    emp = employer(clerk)
    migrants(emp, 2, D(2026, 3, 2))
    with today_is(D(2026, 9, 28)):
        services.employment_report_departure(
            actor=clerk, employer_id=emp.pk, identity_number=migrant_number(0), ended_on=D(2026, 9, 28)
        )
    assert selectors.employer_roster(emp).count() == 1
    assert selectors.employer_roster(emp, on=D(2026, 9, 27)).count() == 2
    assert selectors.employer_roster(emp, include_ended=True).count() == 2
    assert selectors.employer_roster(emp, on=D(2026, 3, 1)).count() == 0


def test_an_employer_account_sees_only_its_own_employer(clerk):
    mine, theirs = employer(clerk), employer(clerk, VILLAGE)
    account = employer_account("hetao", mine)
    assert selectors.employer_get_for(account, mine.pk) == mine
    with pytest.raises(Forbidden) as exc:
        selectors.employer_get_for(account, theirs.pk)
    assert exc.value.code == "other-employer"
    with pytest.raises(Forbidden):  # an id that does not exist: the same answer, nothing learnt
        selectors.employer_get_for(account, theirs.pk + 1000)
    assert selectors.employer_get_for(clerk, theirs.pk) == theirs
