"""Demo data for duties and rights: employers, enforcement cases, household links, department
credentials and publications — on top of the register's demo (``juzhu.registry.demo``).

Made through the real services with ``clock.at``; loading twice changes nothing.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import segno
from django.contrib.auth.models import User
from django.db import transaction
from reportlab.pdfgen import canvas
from stdnum.cn import ric, uscc

from juzhu.accounts.models import ApiToken, Role, StaffProfile
from juzhu.accounts.models import _hash as token_hash
from juzhu.employers.models import Employer
from juzhu.employers.services import (
    employer_membership_grant,
    employer_register,
    employment_record_unreported,
    employment_report_departure,
    employment_report_hire,
)
from juzhu.enforcement.selectors import late_registrations
from juzhu.enforcement.services import case_fine, case_open_for_late_registration, case_order_correction
from juzhu.entitlements.services import household_link, publication_record
from juzhu.notifications.services import contact_set, reminders_enqueue
from juzhu.policy.calendar import add_months, add_years
from juzhu.policy.errors import PolicyError
from juzhu.policy.materials import CaseKind
from juzhu.policy.proof import Proof, Purpose
from juzhu.registry import clock, services
from juzhu.registry.demo import HALL, home_station, issue_permit, register_person
from juzhu.registry.demo import load_demo as load_register_demo
from juzhu.registry.models import Permit, Person
from juzhu.registry.online import Upload, application_submit_online
from juzhu.sharing.services import credential_issue

# Demo-only accounts and tokens (printed by load_demo); never use them in production.
DEMO_PARTNERS = [
    ("hetao-hr", Role.EMPLOYER, "juzhu-employer-demo", "jz_demo_employer"),
    ("edu-bureau", Role.DEPARTMENT, "juzhu-education-demo", "jz_demo_education"),
    ("hrss-bureau", Role.DEPARTMENT, "juzhu-hrss-demo", "jz_demo_hrss"),
    ("inspector", Role.DEPARTMENT, "juzhu-inspector-demo", "jz_demo_inspector"),
    ("auditor", Role.AUDITOR, "juzhu-auditor-demo", "jz_demo_auditor"),  # 审计管理员: the read audit
]
CREDENTIALS = {
    "edu-bureau": ("EDU-001", "临河区教科局", "education", ["education.school_place", "education.exams"]),
    "hrss-bureau": ("HRSS-001", "临河区人社局", "hr_social_security", ["hrss.social_insurance"]),
    "inspector": ("GA-001", "临河区公安局治安大队", "public_security", ["police.inspection"]),
}


def _code(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


EMPLOYERS = [
    (
        _code("91150802MA0N2X8K1"),
        "巴彦淖尔河套酒业有限公司",
        "临河区新华东街88号",
        "张经理",
        "13800000001",
        "王专员",
    ),
    (
        _code("N2150802MA0A1B2C3"),
        "临河区狼山镇某村股份经济合作社",
        "临河区狼山镇",
        "李主任",
        "13800000002",
        "",
    ),
    (
        _code("91150802MA0R7Y6W5"),
        "巴彦淖尔通达物流有限公司",
        "临河区金川大道18号",
        "赵经理",
        "13800000003",
        "",
    ),
]


def load_demo(today: date, *, persons: int = 200) -> dict[str, Any]:
    counts = load_register_demo(today, persons=persons)
    if not counts.pop("loaded"):
        return {"loaded": False}
    admin = User.objects.get(username="admin")
    clerk = User.objects.get(username="clerk")
    supervisor = User.objects.get(username="supervisor")
    with transaction.atomic():
        users = _partner_users()
        for username, (code, name, dept, purposes) in CREDENTIALS.items():
            credential_issue(
                actor=admin, user=users[username], code=code, name=name, department=dept, purposes=purposes
            )
    counts["employers"] = _employers(today, admin, clerk, users["hetao-hr"])
    counts["cases"] = _cases(today, clerk, supervisor)
    counts["household_links"] = _families(today, clerk, supervisor)
    counts["publications"] = _publications(today, supervisor)
    counts["online_applications"] = _online(today, clerk)
    counts["tour_applicant"] = _tour_applicant(today, clerk)
    counts["reminders_queued"] = _reminders(today, {"clerk": clerk, "supervisor": supervisor})
    return {"loaded": True, **counts}


def _partner_users() -> dict[str, User]:
    out = {}
    for username, role, password, key in DEMO_PARTNERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(password)
            user.save()
            StaffProfile.objects.create(user=user, role=role, division_code="150802")
            ApiToken.objects.create(user=user, name="demo", prefix=key[:8], key_hash=token_hash(key))
        out[username] = user
    return out


def _employers(today: date, admin: User, clerk: User, hr: User) -> int:
    holders = list(Person.objects.filter(permits__status="valid").order_by("id")[:30])
    start = today - timedelta(days=120)
    for i, (code, name, address, contact, phone, staff) in enumerate(EMPLOYERS):
        with clock.at(start):
            employer = employer_register(
                actor=clerk, credit_code=code, name=name, address=address, division_code="150802",
                contact_name=contact, contact_phone=phone, designated_staff_name=staff,
                designated_staff_phone="13900000000" if staff else "",
            )  # fmt: skip
        if i == 0:
            employer_membership_grant(actor=admin, employer_id=employer.pk, user=hr)
        for j, person in enumerate(holders[i::3]):
            hired = start + timedelta(days=3 * j + 1)
            late = j % 4 == 3  # every fourth report comes in after its 5 working days
            try:
                with clock.at(hired + timedelta(days=12 if late else 2)):
                    employment_report_hire(
                        actor=clerk, employer_id=employer.pk, identity_number=person.identity_number,
                        name=person.name, hired_on=hired, reported_on=hired + timedelta(days=12 if late else 2),
                    )  # fmt: skip
                if j == 5:
                    ended = hired + timedelta(days=40)
                    with clock.at(ended + timedelta(days=1)):
                        employment_report_departure(
                            actor=clerk, employer_id=employer.pk, identity_number=person.identity_number,
                            ended_on=ended, reported_on=ended + timedelta(days=1),
                        )  # fmt: skip
            except PolicyError:
                continue
        if i == 2:  # one hire found at an inspection, never reported
            extra = Person.objects.exclude(permits__status="valid").order_by("id").first()
            if extra is not None:
                with clock.at(today - timedelta(days=20)):
                    employment_record_unreported(
                        actor=clerk, employer_id=employer.pk, identity_number=extra.identity_number,
                        name=extra.name, hired_on=today - timedelta(days=30),
                    )  # fmt: skip
    return Employer.objects.count()


def _cases(today: date, clerk: User, supervisor: User) -> int:
    made = 0
    warned_on = today - timedelta(days=40)
    with clock.at(warned_on):
        feed = late_registrations(limit=6)
        for item in feed:
            try:
                case = case_open_for_late_registration(actor=clerk, registration_id=item.registration.pk)
            except PolicyError:
                continue
            made += 1
            if made % 2 == 0:
                case_order_correction(actor=clerk, case_id=case.pk, deadline=warned_on + timedelta(days=14))
                if made == 4:
                    with clock.at(today - timedelta(days=2)):
                        case_fine(actor=supervisor, case_id=case.pk, amount=Decimal("100"))
    return made


def _families(today: date, clerk: User, supervisor: User) -> int:
    parents = list(Person.objects.filter(permits__status__in=["valid", "suspended"]).order_by("id")[:8])
    made = 0
    for i, parent in enumerate(parents):
        birth = date(today.year - 6 - i, 6, 1)  # 6 to 13 years old
        body = f"{parent.hukou_division}{birth:%Y%m%d}{(900 + i):03d}"
        number = body + ric.calc_check_digit(body + "0")
        try:
            with clock.at(today - timedelta(days=60)):
                services.residence_register(
                    actor=clerk, identity_number=number, name=parent.name[:1] + "小" + "宝贝乐乐"[i % 4],
                    hukou_division=parent.hukou_division, hukou_address=parent.hukou_address,
                    address=Permit.objects.filter(person=parent).first().residence_address,  # type: ignore[union-attr]
                    police_station=HALL, arrived_on=today - timedelta(days=60),
                )  # fmt: skip
                household_link(
                    actor=clerk, child_identity_number=number, guardian_identity_number=parent.identity_number,
                    relation="parent",
                )  # fmt: skip
            made += 1
        except PolicyError:
            continue
    return made


def _publications(today: date, supervisor: User) -> int:
    items = [
        ("education", today - timedelta(days=400), "临河区居住证持有人子女入学办法"),
        ("hr_social_security", today - timedelta(days=700), "居住证持有人公共就业与社会保险服务范围"),
        ("health", today - timedelta(days=200), "流动人口基本公共卫生服务项目"),
        (
            "housing",
            today - timedelta(days=4 * 365),
            "保障性住房申请范围（居住证持有人）",
        ),  # over 3 years: flagged
    ]
    for dept, on, title in items:
        with clock.at(today):
            publication_record(actor=supervisor, department=dept, published_on=on, title=title)
    return len(items)


def _demo_png(text: str) -> bytes:
    """A small real PNG standing in for a photographed document."""
    out = io.BytesIO()
    segno.make(text, micro=False).save(out, kind="png", scale=4)
    return out.getvalue()


def _demo_pdf(text: str) -> bytes:
    """A one-page real PDF standing in for a scanned contract."""
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 760, text)
    page.save()
    return out.getvalue()


# Online pre-applications (网上预申请): one complete, waiting for the clerk; one without its proof
# of work, to which the clerk has already sent the one-time notice; one without its photo, received
# today and not yet notified, for the clerk to issue the one-time notice (LH-3.2-one-time-notice).
ONLINE = [
    ("complete", ["identity_card", "photo", "labour_contract"]),
    ("notified", ["identity_card", "photo"]),
    ("missing", ["identity_card", "labour_contract"]),
]


def _online(today: date, clerk: User) -> int:
    rng = random.Random(36)  # noqa: S311 -- demo data, not security
    made = 0
    for i, (state, docs) in enumerate(ONLINE):
        try:
            person = register_person(rng, 950 + i, add_months(today, -8), clerk)
            submitted = today - timedelta(days=2 - i)
            uploads = [
                Upload(doc=d, name=f"{d}.pdf", data=_demo_pdf(f"Demo {d} #{i}"))
                if d == "labour_contract"
                else Upload(doc=d, name=f"{d}.png", data=_demo_png(f"demo {d} #{i}"))
                for d in docs
            ]
            # Demo data stands in for an applicant who gave the code sent to the phone on record.
            proof = Proof(person_id=person.pk, purpose=Purpose.APPLY, target_id=person.pk, verified_at=clock.now())
            with clock.at(submitted):
                app = application_submit_online(
                    proof=proof, kind=CaseKind.FIRST_ISSUE, police_station=home_station(person), uploads=uploads,
                    email=f"applicant{i + 1}@example.cn",
                )  # fmt: skip
            if state == "notified":
                with clock.at(submitted):
                    services.application_notify(actor=clerk, application_id=app.pk)
            made += 1
        except PolicyError:
            continue
    return made


# The README tour's online applicant: registered seven months ago, no application yet.  The number
# is the libraries' documented test number (born 1990-05-17, 金堂县, Sichuan).
TOUR_APPLICANT = ("王小明", "510121199005171238")
# The mobile number on record for the tour's applicant: the one-time code goes there (printed by the
# console SMS backend of ``make run``; docs/decisions/0010).
TOUR_APPLICANT_PHONE = "13800138000"


def _tour_applicant(today: date, clerk: User) -> int:
    name, number = TOUR_APPLICANT
    if Person.objects.filter(identity_number=number).exists():
        return 0
    arrived = add_months(today, -7)
    with clock.at(arrived):
        services.residence_register(
            actor=clerk, identity_number=number, name=name, hukou_division="510121",
            hukou_address="四川省金堂县赵镇金山街1号", address="临河区新华西街18号", police_station=HALL,
            arrived_on=arrived, phone=TOUR_APPLICANT_PHONE,
        )  # fmt: skip
    return 1


def _reminders(today: date, users: dict[str, User]) -> int:
    """Two holders with a mobile number and an e-mail address, one a week before the endorsement window
    opens and one in its last week, and the reminders due to them today (LH-3.2-endorse-window)."""
    rng = random.Random(37)  # noqa: S311 -- demo data, not security
    for i, days in enumerate((34, 5)):
        try:
            permit = issue_permit(rng, 970 + i, add_years(today + timedelta(days=days), -1), users)
        except PolicyError:
            continue
        contact_set(
            person_id=permit.person_id, phone=f"1380478{i:04d}", email=f"holder{i + 1}@example.cn", via="demo"
        )
    with clock.at(today):
        return reminders_enqueue(today).queued
