"""Builders for enforcement tests: real rows through the real services, "today" set by the clock hook.

The reference dates, worked out by hand from RULES.md:

- Arrival Mon 2026-09-28: + 3 days (T-count) = Thu 2026-10-01, National Day; the holiday runs to
  Wed 10-07, so the last day to declare is Thu 2026-10-08 (T-holiday, LH-4-register-3d).
  Declared on 10-08: on time.  Declared on Fri 10-09: one day late.
- 2026-10-10 (Saturday) is a make-up working day; 2027's holiday calendar is not yet known.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User

from juzhu.employers.models import Employer
from juzhu.enforcement import services
from juzhu.enforcement.models import Case
from juzhu.registry import services as registry_services
from juzhu.registry.models import ResidenceRegistration
from juzhu.registry.tests.factories import identity_number, station, today_is

WANG = identity_number(date(1990, 5, 17))  # 王小明
LI = identity_number(date(1985, 11, 3), seq=246)  # 李
STATION = "150802001"

ARRIVED = date(2026, 9, 28)
DUE = date(2026, 10, 8)  # ARRIVED + 3 days, rolled over National Day
LATE = date(2026, 10, 9)  # the first late day

CREDIT_CODE = "91150802MA0N000014"  # check character computed by GB 32100 (stdnum)
CREDIT_CODE_2 = "91150802MA0N000027"


def declared(
    clerk: User,
    *,
    number: str = WANG,
    arrived_on: date = ARRIVED,
    declared_on: date = LATE,
    name: str = "王小明",
    address: str = "临河区新华街1号",
    station_code: str = STATION,
) -> ResidenceRegistration:
    """Declare residence on ``declared_on`` after arriving on ``arrived_on``, through the registry."""
    station(station_code)
    with today_is(declared_on):
        return registry_services.residence_register(
            actor=clerk,
            identity_number=number,
            name=name,
            hukou_division="510121",
            hukou_address="四川省金堂县赵镇某街1号",
            address=address,
            police_station=station_code,
            arrived_on=arrived_on,
        )


def employer(code: str = CREDIT_CODE, name: str = "临河区河套建筑有限公司") -> Employer:
    return Employer.objects.create(
        credit_code=code,
        name=name,
        address="临河区胜利路8号",
        division_code="150802",
        contact_name="赵经理",
        contact_phone="0478-0000000",
    )


def warned(clerk: User, reg: ResidenceRegistration, on: date = LATE) -> Case:
    with today_is(on):
        return services.case_open_for_late_registration(actor=clerk, registration_id=reg.pk)


def ordered(clerk: User, case: Case, deadline: date, on: date | None = None) -> Case:
    with today_is(on or case.warned_on):
        return services.case_order_correction(actor=clerk, case_id=case.pk, deadline=deadline)


def person_case_ordered(clerk: User, deadline: date = date(2026, 10, 15)) -> Case:
    """王小明 declared late on 2026-10-09, warned that day and ordered to correct by ``deadline``."""
    return ordered(clerk, warned(clerk, declared(clerk)), deadline)


def employer_case_ordered(
    clerk: User, deadline: date = date(2026, 10, 15), on: date = LATE, duty: str = "LH-4-employer-report-5wd"
) -> Case:
    emp = employer()
    with today_is(on):
        case = services.case_open_with_warning(
            actor=clerk, offender="employer", employer_id=emp.pk, duty_rule=duty
        )
    return ordered(clerk, case, deadline)


def fine(supervisor: User, case: Case, amount: str | Decimal, on: date) -> Case:
    with today_is(on):
        return services.case_fine(actor=supervisor, case_id=case.pk, amount=Decimal(amount))
