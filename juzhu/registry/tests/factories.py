"""Builders for service tests: real rows through the real services, with "today" set by the clock hook."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from stdnum.cn import ric

from juzhu.accounts.models import Role, StaffProfile
from juzhu.policy.materials import CaseKind
from juzhu.registry import clock, services
from juzhu.registry.models import Application, Permit, PoliceStation


def today_is(d: date) -> Any:
    """Set the local date the services see (the one hook in juzhu.registry.clock)."""
    return clock.at(d)


def identity_number(birth: date, seq: int = 123, place: str = "510121") -> str:
    body = f"{place}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def staff(username: str = "clerk", role: str = Role.CLERK, division: str = "150802") -> User:
    user = User.objects.create_user(username=username, password="x-unused-password-1")
    StaffProfile.objects.create(user=user, role=role, division_code=division)
    return user


def station(
    code: str = "150802001", name: str = "临河区公安局户籍服务大厅", division: str = "150802"
) -> PoliceStation:
    obj, _ = PoliceStation.objects.get_or_create(
        code=code, defaults={"name": name, "division_code": division, "is_service_hall": True}
    )
    return obj


FIRST_DOCS = ["identity_card", "photo", "labour_contract"]


def registered(
    clerk: User,
    *,
    number: str,
    registered_on: date,
    hukou: str = "510121",
    station_code: str = "150802001",
    **kw: Any,
) -> None:
    station(station_code)
    with today_is(registered_on):
        services.residence_register(
            actor=clerk,
            identity_number=number,
            name=kw.pop("name", "王小明"),
            hukou_division=hukou,
            hukou_address="四川省金堂县赵镇某街1号",
            address="临河区新华街1号",
            police_station=station_code,
            arrived_on=registered_on,
            **kw,
        )


def issued_permit(
    clerk: User, supervisor: User, *, number: str, registered_on: date, issued_on: date, **kw: Any
) -> Permit:
    """Register, then apply, accept, approve and issue on ``issued_on``."""
    registered(clerk, number=number, registered_on=registered_on, **kw)
    with today_is(issued_on):
        app = services.application_submit(
            actor=clerk,
            kind=CaseKind.FIRST_ISSUE,
            identity_number=number,
            police_station="150802001",
            documents=FIRST_DOCS,
        )
        services.application_accept(actor=clerk, application_id=app.pk)
        services.application_approve(actor=supervisor, application_id=app.pk)
        return services.application_issue(actor=clerk, application_id=app.pk)


def new_card(clerk: User, permit: Permit, kind: CaseKind, on: date, fee: Decimal = Decimal("20")) -> Permit:
    with today_is(on):
        docs = ["identity_card", "photo"] + (["permit_card"] if kind is CaseKind.REPLACEMENT else [])
        app = services.application_submit(
            actor=clerk,
            kind=kind,
            identity_number=permit.person.identity_number,
            police_station="150802001",
            documents=docs,
            reissue_reason="lost" if kind is CaseKind.REISSUE else "",
        )
        services.application_accept(actor=clerk, application_id=app.pk)
        supervisor = User.objects.get(username="supervisor")
        services.application_approve(actor=supervisor, application_id=app.pk)
        services.fee_charge(actor=clerk, application_id=app.pk, amount=fee)
        return services.application_issue(actor=clerk, application_id=app.pk)


def application(pk: int) -> Application:
    return Application.objects.get(pk=pk)
