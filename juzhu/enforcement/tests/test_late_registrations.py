"""The registration duty feed (LH-4-register-3d): late declarations, initial or change, with no case yet."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.enforcement import selectors
from juzhu.enforcement.tests.factories import ARRIVED, DUE, LATE, LI, WANG, declared, warned
from juzhu.policy.errors import CalendarUnknown, InvalidInput
from juzhu.registry.models import ResidenceRegistration
from juzhu.registry.tests.factories import station


def feed(**kw):
    return [
        (f.registration.pk, f.due_on, f.days_late, f.resolved_now) for f in selectors.late_registrations(**kw)
    ]


def test_declared_on_the_due_day_is_not_listed_and_one_day_later_is(clerk):
    # Arrived 2026-09-28: due 2026-10-08 over National Day (T-count, T-holiday).
    on_time = declared(clerk, number=WANG, declared_on=DUE)
    late = declared(clerk, number=LI, name="李四", declared_on=LATE)
    assert (on_time.due_on, on_time.on_time, late.due_on, late.on_time) == (DUE, True, DUE, False)
    assert feed() == [(late.pk, DUE, 1, False)]


def test_a_late_change_of_registration_carries_the_same_duty(clerk):
    first = declared(clerk, arrived_on=date(2026, 3, 2), declared_on=date(2026, 3, 3))  # on time
    change = declared(clerk, address="临河区解放街9号", arrived_on=ARRIVED, declared_on=date(2026, 10, 12))
    assert (first.kind, change.kind) == ("initial", "change")
    assert feed() == [(change.pk, DUE, 4, False)]


def test_a_registration_leaves_the_feed_once_a_case_concerns_it(clerk):
    reg = declared(clerk)
    warned(clerk, reg)
    assert feed() == []


def test_the_feed_can_be_limited_to_one_police_station(clerk):
    station("150802002", "新华派出所")
    here = declared(clerk, number=WANG)
    declared(clerk, number=LI, name="李四", station_code="150802002")
    assert [r[0] for r in feed(police_station="150802001")] == [here.pk]
    assert len(feed()) == 2


def _unresolved(clerk, arrived_on: date, declared_on: date) -> ResidenceRegistration:
    """A registration stored while its due year's holiday calendar was unknown (due_on and on_time null)."""
    reg = declared(clerk, declared_on=declared_on, arrived_on=arrived_on)
    ResidenceRegistration.objects.filter(pk=reg.pk).update(due_on=None, on_time=None)
    reg.refresh_from_db()
    return reg


def test_an_unknown_due_date_is_resolved_now(clerk):
    late = _unresolved(clerk, ARRIVED, date(2026, 10, 12))
    assert feed() == [(late.pk, DUE, 4, True)]
    case = warned(clerk, late, on=date(2026, 10, 12))
    assert case.facts["due_on"] == "2026-10-08"


def test_a_due_date_still_unknown_is_left_out_and_refused_until_the_calendar_is_entered(clerk):
    # Arrived 2026-12-30: nominal last day Sat 2027-01-02, in a year the calendar does not know yet.
    late = declared(clerk, number=WANG, arrived_on=date(2026, 12, 30), declared_on=date(2027, 1, 4))
    # Declared by the nominal day: on time whatever the holidays (T-holiday only moves the day later).
    in_time = declared(
        clerk, number=LI, name="李四", arrived_on=date(2026, 12, 30), declared_on=date(2027, 1, 2)
    )
    assert (late.due_on, late.on_time, in_time.due_on, in_time.on_time) == (None, None, None, None)
    assert feed() == []
    with pytest.raises(CalendarUnknown) as e:
        warned(clerk, late, on=date(2027, 1, 4))
    assert e.value.year == 2027
    with pytest.raises(InvalidInput) as e2:
        warned(clerk, in_time, on=date(2027, 1, 4))
    assert e2.value.code == "registration-on-time"
