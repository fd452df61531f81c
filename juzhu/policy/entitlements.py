"""Public services for holders and their minor children (LH-4-services, LH-4-svc-1…12, LH-5-publish-3y)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from juzhu.policy.calendar import add_years
from juzhu.policy.errors import Lang, NotFound, Reason
from juzhu.policy.identity import age_on
from juzhu.policy.lifecycle import PermitStatus
from juzhu.policy.parameters import LINHE, JurisdictionPolicy


class Department(enum.StrEnum):
    PUBLIC_SECURITY = "public_security"  # 公安
    EDUCATION = "education"  # 教科
    HR_SOCIAL_SECURITY = "hr_social_security"  # 人社
    HEALTH = "health"  # 卫计
    HOUSING = "housing"  # 住建
    CULTURE = "culture"  # 文化旅游
    JUSTICE = "justice"  # 司法
    CIVIL_AFFAIRS = "civil_affairs"  # 民政
    TRADE_UNION = "trade_union"  # 工会、妇联
    GOVERNMENT = "government"  # 区政府（兜底）


DEPARTMENT_LABELS: dict[Department, tuple[str, str]] = {
    Department.PUBLIC_SECURITY: ("区公安局", "Public Security Bureau"),
    Department.EDUCATION: ("区教科局", "Education and Science Bureau"),
    Department.HR_SOCIAL_SECURITY: ("区人社局", "Human Resources and Social Security Bureau"),
    Department.HEALTH: ("区卫计局", "Health and Family Planning Bureau"),
    Department.HOUSING: ("区住建局", "Housing and Construction Bureau"),
    Department.CULTURE: ("区文化旅游局", "Culture and Tourism Bureau"),
    Department.JUSTICE: ("区司法局", "Justice Bureau"),
    Department.CIVIL_AFFAIRS: ("区民政局", "Civil Affairs Bureau"),
    Department.TRADE_UNION: ("区总工会、妇联", "Trade Union and Women's Federation"),
    Department.GOVERNMENT: ("区人民政府", "District Government"),
}


class Extra(enum.StrEnum):
    """Conditions some services add to holding a current permit."""

    GAOKAO = "gaokao"  # IM senior-high enrolment and 3 complete years of study
    JUNIOR_HIGH_GRADUATE = "junior_high_graduate"  # studied junior high in the district
    FAMILY_IN_DIFFICULTY = "family_in_difficulty"
    SETTLEMENT_CONDITIONS = "settlement_conditions"  # meets the hukou settlement conditions
    JOB_SEEKER_IN_DIFFICULTY = "job_seeker_in_difficulty"
    ELDERLY_OR_DISABLED = "elderly_or_disabled"
    COMPULSORY_SCHOOL_AGE = "compulsory_school_age"  # a child of compulsory-education age


@dataclass(frozen=True)
class Service:
    code: str
    category: int
    department: Department
    zh: str
    en: str
    extra: Extra | None = None

    @property
    def rule(self) -> str:
        return f"LH-4-svc-{self.category}"

    def name(self, lang: Lang = "zh-hans") -> str:
        return self.en if lang == "en" else self.zh


_D = Department
CATALOGUE: tuple[Service, ...] = (
    Service("1-passport", 1, _D.PUBLIC_SECURITY, "申请普通护照", "Ordinary passport"),
    Service(
        "1-hk-macao",
        1,
        _D.PUBLIC_SECURITY,
        "往来港澳通行证及签注",
        "Hong Kong/Macao travel permit and endorsement",
    ),
    Service(
        "1-taiwan",
        1,
        _D.PUBLIC_SECURITY,
        "往来台湾通行证及签注（赴台定居除外）",
        "Taiwan travel permit (not settling)",
    ),
    Service(
        "1-id-card",
        1,
        _D.PUBLIC_SECURITY,
        "在辖区派出所换领、补领居民身份证",
        "Identity card renewal or reissue",
    ),
    Service("1-vehicle", 1, _D.PUBLIC_SECURITY, "机动车注册登记及其他登记", "Motor vehicle registration"),
    Service("1-driving-licence", 1, _D.PUBLIC_SECURITY, "申领机动车驾驶证", "Driving licence"),
    Service(
        "1-settlement",
        1,
        _D.PUBLIC_SECURITY,
        "符合条件的落户",
        "Hukou settlement",
        Extra.SETTLEMENT_CONDITIONS,
    ),
    Service(
        "2-school-place",
        2,
        _D.EDUCATION,
        "义务教育阶段就读",
        "Compulsory-education school place",
        Extra.COMPULSORY_SCHOOL_AGE,
    ),
    Service(
        "2-zhongkao",
        2,
        _D.EDUCATION,
        "在当地参加高中阶段招生考试",
        "Local senior-high entrance exam",
        Extra.JUNIOR_HIGH_GRADUATE,
    ),
    Service("2-gaokao", 2, _D.EDUCATION, "报名参加普通高考", "Gaokao registration", Extra.GAOKAO),
    Service(
        "2-student-aid",
        2,
        _D.EDUCATION,
        "家庭经济困难学生资助",
        "Aid for students from families in difficulty",
        Extra.FAMILY_IN_DIFFICULTY,
    ),
    Service("3-employment", 3, _D.HR_SOCIAL_SECURITY, "免费公共就业服务", "Free public employment services"),
    Service(
        "3-employment-aid",
        3,
        _D.HR_SOCIAL_SECURITY,
        "就业困难人员免费就业援助",
        "Employment aid",
        Extra.JOB_SEEKER_IN_DIFFICULTY,
    ),
    Service("4-public-health", 4, _D.HEALTH, "基本公共卫生服务", "Basic public health services"),
    Service("5-family-planning", 5, _D.HEALTH, "计划生育服务", "Family planning services"),
    Service("6-culture-sports", 6, _D.CULTURE, "公共文化体育服务", "Public culture and sports, free"),
    Service("7-legal-aid", 7, _D.JUSTICE, "法律援助和其他法律服务", "Legal aid and legal services"),
    Service("8-social-insurance", 8, _D.HR_SOCIAL_SECURITY, "社会保险", "Social insurance"),
    Service("9-housing", 9, _D.HOUSING, "申请保障性住房", "Subsidised housing"),
    Service("10-honours", 10, _D.TRADE_UNION, "劳动模范等评选", "Model worker and similar honours"),
    Service(
        "11-elderly-disabled",
        11,
        _D.CIVIL_AFFAIRS,
        "老年人、残疾人优待",
        "Elderly and disabled benefits",
        Extra.ELDERLY_OR_DISABLED,
    ),
    Service(
        "12-other", 12, _D.GOVERNMENT, "国家和自治区规定的其他基本公共服务", "Other basic public services"
    ),
)
SERVICES: dict[str, Service] = {s.code: s for s in CATALOGUE}
CATEGORIES = tuple(sorted({s.category for s in CATALOGUE}))


def service_get(code: str) -> Service:
    try:
        return SERVICES[code]
    except KeyError:
        raise NotFound(
            rule="LH-4-services",
            code="service-not-found",
            zh=f"没有代码为“{code}”的公共服务。",
            en=f"No public service with code '{code}'.",
            fields=("service",),
            extra={"known": list(SERVICES)},
        ) from None


@dataclass(frozen=True)
class Facts:
    """What the check needs about the person, on the date asked."""

    birth_date: date
    own_permit: PermitStatus | None  # the person's own card status on the date (None: none)
    guardian_permits: Sequence[PermitStatus | None] = ()  # each linked parent's/guardian's status on the date
    disabled: bool = False
    extra: Mapping[str, object] = field(
        default_factory=dict
    )  # e.g. {"im_senior_high": True, "senior_high_years": 3}


@dataclass(frozen=True)
class Entitlement:
    service: Service
    on: date
    entitled: bool
    via: str | None  # "own_permit" | "guardian_permit" | None
    reasons: tuple[Reason, ...]


def _r(rule: str, code: str, zh: str, en: str) -> Reason:
    return Reason(rule, code, zh, en)


def _extra_unmet(service: Service, facts: Facts, on: date, policy: JurisdictionPolicy) -> Reason | None:
    x, age = facts.extra, age_on(facts.birth_date, on)
    rule = service.rule
    if service.extra is Extra.GAOKAO:
        years = x.get("senior_high_years", 0)
        if not (x.get("im_senior_high") and isinstance(years, int) and years >= policy.gaokao_min_years):
            return _r(
                rule,
                "gaokao-conditions",
                f"须具有内蒙古自治区高中阶段学籍并有{policy.gaokao_min_years}年完整学习经历。",
                f"Needs Inner Mongolia senior-high enrolment and {policy.gaokao_min_years} complete years of study.",
            )
    elif service.extra is Extra.ELDERLY_OR_DISABLED:
        if not (facts.disabled or age >= policy.elderly_age):
            return _r(
                rule,
                "not-elderly-or-disabled",
                f"仅限{policy.elderly_age}周岁以上老年人或残疾人。",
                f"Only for people aged {policy.elderly_age} or over, or disabled people.",
            )
    elif service.extra is Extra.COMPULSORY_SCHOOL_AGE:
        of_age = policy.compulsory_school_from_age <= age < policy.compulsory_school_until_age
        if not (of_age or x.get(service.extra.value)):
            return _r(
                rule,
                "not-compulsory-school-age",
                f"义务教育适龄儿童为{policy.compulsory_school_from_age}至"
                f"{policy.compulsory_school_until_age - 1}周岁。",
                f"Compulsory-education age is {policy.compulsory_school_from_age} to "
                f"{policy.compulsory_school_until_age - 1}.",
            )
    elif service.extra is not None and not x.get(service.extra.value):
        return _r(
            rule,
            f"extra-{service.extra.value}",
            f"还须满足该项服务的条件：{service.zh}。",
            f"The service's own condition must also be met: {service.en}.",
        )
    return None


def entitlement_check(
    service: Service, facts: Facts, on: date, policy: JurisdictionPolicy = LINHE
) -> Entitlement:
    """Yes when the person's own permit is valid on ``on``, or — for a minor under 18 — a linked
    parent's or guardian's is; a suspended or void permit grants nothing."""
    reasons: list[Reason] = []
    via: str | None = None
    if facts.own_permit is PermitStatus.VALID:
        via = "own_permit"
    else:
        if facts.own_permit is PermitStatus.SUSPENDED:
            reasons.append(
                _r(
                    "LH-3.2-endorse-overdue",
                    "permit-suspended",
                    "本人居住证已中止（逾期未签注），不享受公共服务。",
                    "The person's permit is suspended (endorsement overdue): no services.",
                )
            )
        minor = age_on(facts.birth_date, on) < policy.adult_age
        if minor and PermitStatus.VALID in facts.guardian_permits:
            via = "guardian_permit"
        elif minor and facts.guardian_permits:
            reasons.append(
                _r(
                    "LH-4-services",
                    "guardian-permit-not-valid",
                    "父母或监护人的居住证在该日期不是有效状态。",
                    "No parent's or guardian's permit is valid on that date.",
                )
            )
        elif not minor and facts.guardian_permits:
            reasons.append(
                _r(
                    "LH-4-services",
                    "child-adult",
                    f"已满{policy.adult_age}周岁，不再随父母或监护人享受。",
                    f"Aged {policy.adult_age} or over: no longer covered by a parent's or guardian's permit.",
                )
            )
        elif facts.own_permit is None:
            reasons.append(
                _r(
                    "LH-4-services",
                    "no-permit",
                    "该日期没有有效的居住证。",
                    "No valid residence permit on that date.",
                )
            )
        elif facts.own_permit is PermitStatus.VOID:
            reasons.append(_r("LH-3.2-replace", "permit-void", "该居住证已作废。", "The permit is void."))
    if via is not None:
        unmet = _extra_unmet(service, facts, on, policy)
        if unmet is not None:
            reasons.append(unmet)
            via = None
    if via is not None:
        reasons.append(
            _r(
                service.rule,
                f"entitled-{via}",
                "持有效居住证，享受该项服务。"
                if via == "own_permit"
                else "随父母或监护人的有效居住证享受该项服务。",
                "Entitled by the person's valid permit."
                if via == "own_permit"
                else "Entitled by a parent's or guardian's valid permit.",
            )
        )
    return Entitlement(service, on, via is not None, via, tuple(reasons))


def publication_overdue(last_published: date | None, on: date, policy: JurisdictionPolicy = LINHE) -> bool:
    """LH-5-publish-3y: at least once every 3 years; last + 3 years is the last good day (T-inclusive)."""
    return last_published is None or on > add_years(last_published, policy.publish_every_years)
