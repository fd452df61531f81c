"""Linhe demo data: stations, staff with known demo tokens, and ~200 people in every state.

Everything is made through the real services, replaying past days with
``clock.at``, so the demo's history, audit trail and constraints are the
same as production's.  Loading twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from stdnum.cn import ric

from juzhu.accounts.models import ApiToken, Role, StaffProfile
from juzhu.accounts.models import _hash as token_hash
from juzhu.policy.calendar import add_months, add_years
from juzhu.policy.errors import PolicyError
from juzhu.policy.materials import CaseKind
from juzhu.registry import clock, services
from juzhu.registry.models import Application, Permit, Person, PoliceStation, ResidenceRegistration

HALL = "150802001"
STATIONS = [
    (HALL, "临河区公安局户籍服务大厅", "临河区新华西街", True),
    ("150802101", "车站派出所", "临河区车站路", False),
    ("150802102", "解放派出所", "临河区解放街", False),
    ("150802103", "新华派出所", "临河区新华街", False),
    ("150802104", "东环派出所", "临河区东环路", False),
    ("150802105", "城关派出所", "临河区城关镇", False),
]
# Demo-only passwords and API tokens, printed by the command; never use them in production.
DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR, "juzhu-admin-demo", "jz_demo_admin"),
    ("supervisor", Role.SUPERVISOR, "juzhu-supervisor-demo", "jz_demo_supervisor"),
    ("clerk", Role.CLERK, "juzhu-clerk-demo", "jz_demo_clerk"),
    ("edu-system", Role.SYSTEM, "juzhu-system-demo", "jz_demo_system"),
]
HUKOU = [
    "150821",
    "150822",
    "150102",
    "152502",
    "510121",
    "410522",
    "130104",
    "620102",
    "640522",
    "220281",
    "370124",
    "429004",
    "500230",
    "140121",
    "610581",
]
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯秀云海燕小龙晓东雪梅春"
STREETS = [
    "新华街",
    "解放街",
    "胜利路",
    "五一街",
    "团结路",
    "曙光街",
    "建设路",
    "利民街",
    "金川大道",
    "河套大街",
]
ETHNICITIES = ["汉族"] * 8 + ["蒙古族", "回族"]


def _number(rng: random.Random, birth: date, i: int, place: str) -> str:
    body = f"{place}{birth:%Y%m%d}{(i % 999) + 1:03d}"
    return body + ric.calc_check_digit(body + "0")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def load_demo(today: date, *, persons: int = 200, seed: int = 150802) -> dict[str, Any]:
    if Person.objects.exists():  # loaded already, or a register with real people: never mix them
        return {"loaded": False}
    with transaction.atomic():
        users = _users()
        for code, name, addr, hall in STATIONS:
            PoliceStation.objects.get_or_create(
                code=code,
                defaults={"name": name, "division_code": "150802", "address": addr, "is_service_hall": hall},
            )
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    counts: dict[str, int] = {}
    for i in range(persons):
        state = _STATES[i % len(_STATES)]
        try:
            with transaction.atomic():
                state(rng, i, today, users)
            counts[state.__name__] = counts.get(state.__name__, 0) + 1
        except PolicyError as e:  # a generated date that the rules refuse is skipped, not loaded half
            counts["skipped"] = counts.get("skipped", 0) + 1
            counts.setdefault("first_skip", str(e))  # type: ignore[arg-type]
    services.permits_sweep(on=today)
    return {"loaded": True, **counts}


def _users() -> dict[str, User]:
    out = {}
    for username, role, password, key in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(password)
            user.is_staff = role in (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.CLERK)
            user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
            StaffProfile.objects.create(user=user, role=role, division_code="150802")
            ApiToken.objects.create(user=user, name="demo", prefix=key[:8], key_hash=token_hash(key))
        out[username] = user
    return out


def register_person(rng: random.Random, i: int, on: date, clerk: User, **kw: Any) -> Person:
    birth = kw.pop("birth", None) or date(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
    place = rng.choice(HUKOU)
    number = _number(rng, birth, i, place)
    with clock.at(on):
        services.residence_register(
            actor=clerk,
            identity_number=number,
            name=_name(rng),
            hukou_division=place,
            hukou_address=f"户籍地址{place}-{i}号",
            address=f"临河区{rng.choice(STREETS)}{rng.randint(1, 300)}号",
            police_station=rng.choice(STATIONS)[0],
            arrived_on=on - timedelta(days=rng.choice([0, 1, 2, 3, 5])),
            declared_on=on,
            ethnicity=rng.choice(ETHNICITIES),
            phone=f"1390478{i % 10_000:04d}",
            **kw,
        )
    return Person.objects.get(identity_number=number)


def home_station(person: Person) -> str:
    """The police station of the person's open registration: where the demo files their applications,
    so the permits (and the station filters of the dashboard and the queue) spread over the stations."""
    reg = (
        ResidenceRegistration.objects.filter(person=person, ended_on__isnull=True)
        .select_related("police_station")
        .first()
    )
    return reg.police_station.code if reg else HALL


def _apply(
    person: Person, on: date, clerk: User, docs: list[str], kind: CaseKind = CaseKind.FIRST_ISSUE, **kw: Any
) -> Application:
    with clock.at(on):
        return services.application_submit(
            actor=clerk,
            kind=kind,
            identity_number=person.identity_number,
            police_station=home_station(person),
            documents=docs,
            **kw,
        )


FULL = ["identity_card", "photo", "labour_contract"]


def issue_permit(rng: random.Random, i: int, issued: date, users: dict[str, User]) -> Permit:
    clerk, sup = users["clerk"], users["supervisor"]
    person = register_person(rng, i, add_months(issued, -7), clerk)
    app = _apply(person, issued - timedelta(days=10), clerk, FULL)
    with clock.at(issued - timedelta(days=10)):
        services.application_accept(actor=clerk, application_id=app.pk)
    with clock.at(issued - timedelta(days=5)):
        services.application_approve(actor=sup, application_id=app.pk)
    with clock.at(issued):
        return services.application_issue(actor=clerk, application_id=app.pk)


def _days_ago(rng: random.Random, today: date, lo: int, hi: int) -> date:
    return today - timedelta(days=rng.randint(lo, hi))


# Each state below makes one person; _STATES cycles through them.


def registered_recently(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    register_person(rng, i, _days_ago(rng, today, 5, 150), users["clerk"])


def application_received(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    p = register_person(rng, i, add_months(today, -8), users["clerk"])
    _apply(p, _days_ago(rng, today, 0, 3), users["clerk"], FULL)


def application_notified(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    p = register_person(rng, i, add_months(today, -9), users["clerk"])
    on = _days_ago(rng, today, 1, 6)
    app = _apply(p, on, users["clerk"], ["identity_card"])
    with clock.at(on):
        services.application_notify(actor=users["clerk"], application_id=app.pk)


def application_accepted(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    p = register_person(rng, i, add_months(today, -10), users["clerk"])
    on = _days_ago(rng, today, 0, 14)
    app = _apply(p, on, users["clerk"], FULL)
    with clock.at(on):
        services.application_accept(actor=users["clerk"], application_id=app.pk)


def application_overdue(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    # Accepted 25 to 28 days ago and not yet issued: past its 15-day due date (LH-3.2-issue-15d) by
    # 10 days or more, so even a due date moved by the longest holiday (9 days) is past, and the
    # queue shows an "overdue" badge.
    p = register_person(rng, i, add_months(today, -10), users["clerk"])
    on = _days_ago(rng, today, 25, 28)
    app = _apply(p, on, users["clerk"], FULL)
    with clock.at(on):
        services.application_accept(actor=users["clerk"], application_id=app.pk)


def application_approved(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    p = register_person(rng, i, add_months(today, -12), users["clerk"])
    on = _days_ago(rng, today, 3, 12)
    app = _apply(p, on, users["clerk"], ["identity_card", "photo", "tenancy_contract"])
    with clock.at(on):
        services.application_accept(actor=users["clerk"], application_id=app.pk)
    with clock.at(on + timedelta(days=2)):
        services.application_approve(actor=users["supervisor"], application_id=app.pk)


def application_refused(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    p = register_person(rng, i, add_months(today, -7), users["clerk"])
    on = _days_ago(rng, today, 5, 60)
    app = _apply(p, on, users["clerk"], ["identity_card", "photo", "student_card"])
    with clock.at(on + timedelta(days=1)):
        services.application_refuse(
            actor=users["supervisor"], application_id=app.pk, reason="学籍证明与本人信息不符"
        )


def proxy_for_child(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    birth = date(today.year - rng.randint(8, 15), rng.randint(1, 12), rng.randint(1, 28))
    p = register_person(rng, i, add_months(today, -8), users["clerk"], birth=birth)
    parent = _number(rng, date(birth.year - 28, 3, 3), i + 500, p.hukou_division)
    _apply(
        p,
        _days_ago(rng, today, 0, 5),
        users["clerk"],
        ["identity_card", "photo", "student_card", "proxy_identity_card", "household_register"],
        proxy={"name": "家长", "identity_number": parent, "relation": "parent"},
    )


def permit_valid(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    issue_permit(rng, i, _days_ago(rng, today, 40, 300), users)


def permit_in_window(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    # Anniversary within the next 30 days: the window is open today.
    issue_permit(rng, i, add_years(today + timedelta(days=rng.randint(1, 29)), -1), users)


def permit_endorsed(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    issued = add_years(_days_ago(rng, today, 30, 300), -1)
    permit = issue_permit(rng, i, issued, users)
    with clock.at(add_years(issued, 1) - timedelta(days=rng.randint(0, 25))):
        services.permit_endorse(
            actor=users["clerk"],
            number=permit.number,
            documents=["permit_card", "identity_card", "labour_contract"],
        )


def permit_suspended(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    # Missed the anniversary; the sweep at the end of loading suspends it.
    issue_permit(rng, i, add_years(_days_ago(rng, today, 20, 200), -1), users)


def permit_restored_late(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    issued = add_years(_days_ago(rng, today, 100, 300), -1)
    permit = issue_permit(rng, i, issued, users)
    late = add_years(issued, 1) + timedelta(days=rng.randint(20, 60))
    services.permits_sweep(on=late)
    with clock.at(late):
        services.permit_endorse(
            actor=users["clerk"],
            number=permit.number,
            documents=["permit_card", "identity_card", "tenancy_contract"],
        )


def permit_moved_within_linhe(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    permit = issue_permit(rng, i, _days_ago(rng, today, 60, 300), users)
    with clock.at(_days_ago(rng, today, 1, 40)):
        services.permit_change_address(
            actor=users["clerk"],
            number=permit.number,
            new_address=f"临河区{rng.choice(STREETS)}{rng.randint(1, 300)}号",
            new_division="150802",
            police_station=rng.choice(STATIONS)[0],
            documents=["permit_card", "identity_card", "tenancy_contract"],
        )


def permit_moved_to_wuyuan(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    permit = issue_permit(rng, i, _days_ago(rng, today, 60, 300), users)
    with clock.at(_days_ago(rng, today, 1, 40)):
        services.permit_change_address(
            actor=users["clerk"],
            number=permit.number,
            new_address="五原县隆兴昌镇1号",
            new_division="150821",
            documents=["permit_card", "identity_card", "tenancy_contract"],
        )


def permit_reissued(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    permit = issue_permit(rng, i, _days_ago(rng, today, 60, 300), users)
    _new_card(permit, _days_ago(rng, today, 1, 40), users, CaseKind.REISSUE)


def permit_replaced(rng: random.Random, i: int, today: date, users: dict[str, User]) -> None:
    permit = issue_permit(rng, i, _days_ago(rng, today, 60, 300), users)
    _new_card(permit, _days_ago(rng, today, 1, 40), users, CaseKind.REPLACEMENT)


def _new_card(permit: Permit, on: date, users: dict[str, User], kind: CaseKind) -> None:
    clerk = users["clerk"]
    docs = ["identity_card", "photo"] + (["permit_card"] if kind is CaseKind.REPLACEMENT else [])
    app = _apply(
        permit.person, on, clerk, docs, kind=kind, reissue_reason="lost" if kind is CaseKind.REISSUE else ""
    )
    with clock.at(on):
        services.application_accept(actor=clerk, application_id=app.pk)
        services.application_approve(actor=users["supervisor"], application_id=app.pk)
        services.fee_charge(actor=clerk, application_id=app.pk, amount=Decimal("20"))
        services.application_issue(actor=clerk, application_id=app.pk)


_STATES = [
    registered_recently,
    application_received,
    application_notified,
    application_accepted,
    application_approved,
    application_refused,
    proxy_for_child,
    permit_valid,
    permit_valid,
    permit_in_window,
    permit_endorsed,
    permit_suspended,
    permit_restored_late,
    permit_moved_within_linhe,
    permit_moved_to_wuyuan,
    permit_reissued,
    permit_replaced,
    application_overdue,  # last: the people before it, and their random draws, stay as they were
]
