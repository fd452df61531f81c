from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.errors import CalendarUnknown, InvalidInput
from juzhu.workcal.models import DeclaredYear, HolidayOverride
from juzhu.workcal.selectors import work_calendar
from juzhu.workcal.services import holidays_import_csv

pytestmark = pytest.mark.django_db


def test_a_one_day_correction_keeps_the_rest_of_the_official_year():
    holidays_import_csv("date,is_working_day,note\n2026-10-09,0,test correction\n")
    cal = work_calendar()
    assert cal.is_working_day(date(2026, 10, 9)) is False  # the override wins
    assert cal.is_working_day(date(2026, 10, 1)) is False  # National Day is still a holiday
    assert cal.is_working_day(date(2026, 10, 10)) is True  # and the make-up Saturday still a working day
    assert not DeclaredYear.objects.exists()


def test_a_whole_new_year_is_declared_only_when_asked():
    csv = "date,is_working_day,note\n2027-01-01,0,元旦\n"
    holidays_import_csv(csv)
    with pytest.raises(CalendarUnknown):
        work_calendar().is_working_day(date(2027, 1, 4))
    holidays_import_csv(csv, declare_years=True)
    cal = work_calendar()
    assert (cal.is_working_day(date(2027, 1, 1)), cal.is_working_day(date(2027, 1, 4))) == (False, True)


def test_a_bad_row_refuses_the_whole_file():
    with pytest.raises(InvalidInput) as e:
        holidays_import_csv("date,is_working_day,note\n2026-10-09,0,ok\n2026-13-01,1,bad\n")
    assert "3" in e.value.message("en")
    assert not HolidayOverride.objects.exists()
