"""Every threshold, period, fee and range of a jurisdiction, as named values with their rule ids.

Linhe District is the default jurisdiction.  Another district (or a later
notice) is a new ``JurisdictionPolicy`` value, not a code change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from juzhu.policy.errors import InvalidInput

# N-9-extension: a local rule may extend the 15-day issuing limit, to 30 days at most.
NATIONAL_MAX_ISSUE_LIMIT_DAYS = 30


@dataclass(frozen=True)
class Range:
    """An inclusive range of yuan (T-inclusive: "50元以上200元以下" includes both ends)."""

    low: Decimal
    high: Decimal

    def __contains__(self, amount: object) -> bool:
        if isinstance(amount, Decimal) and amount.is_nan():
            return False  # NaN is in no range (and comparing it raises decimal.InvalidOperation)
        return isinstance(amount, Decimal | int) and self.low <= amount <= self.high


@dataclass(frozen=True)
class JurisdictionPolicy:
    division_code: str = "150802"  # 临河区 (GB/T 2260)
    name_zh: str = "巴彦淖尔市临河区"
    name_en: str = "Linhe District, Bayannur"
    issuing_authority_zh: str = "巴彦淖尔市公安局临河区分局"  # N-8-authority; 临河区公安局
    issuing_authority_en: str = "Linhe District Public Security Bureau"
    # LH-3.1-registered-6m: "办理暂住登记半年以上" — six months, inclusive (T-inclusive).
    registration_months: int = 6
    # LH-3.2-issue-15d: issue within 15 days of acceptance (T-count, T-holiday).
    issue_limit_days: int = 15
    # LH-3.2-endorse-window: within the 30 days before each anniversary.
    endorse_window_days: int = 30
    # LH-3.2-proxy: "未满16周岁" — the 16th birthday excluded (T-inclusive).
    proxy_minor_age: int = 16
    # LH-3.2-proxy and LH-4-svc-11: "老年人". The notice names no age; 60 is the age of
    # 老年人 in the Law on the Protection of the Rights and Interests of the Elderly, art. 2.
    elderly_age: int = 60
    # LH-4-services: a minor child's entitlement derives from a parent's permit until the
    # 18th birthday (Civil Code art. 17: 不满十八周岁的自然人为未成年人).
    adult_age: int = 18
    # LH-4-svc-2: school age of compulsory education, from the 6th birthday (义务教育法 art. 11) for
    # nine years; an older child still in compulsory school is recorded with the explicit fact.
    compulsory_school_from_age: int = 6
    compulsory_school_until_age: int = 16
    # LH-4-svc-2: gaokao needs Inner Mongolia senior-high enrolment and 3 complete years.
    gaokao_min_years: int = 3
    # LH-3.2-fees / N-21-fees: 工本费 for replacement and reissue.  The notice defers
    # to national rules ("按照国家有关规定"); 20 yuan is the rate set for the
    # residence permit card by the regional price authority (docs/decisions/0002).
    card_fee_yuan: Decimal = Decimal("20")
    # LH-4-register-3d: declare residence registration within 3 days of arriving.
    register_declare_days: int = 3
    # LH-4-employer-report-5wd: employers report within 5 working days.
    employer_report_workdays: int = 5
    # LH-4-employer-staff-100: "超过百人" — 101 or more need designated staff.
    employer_staff_threshold: int = 100
    # LH-4-register-penalty: 50–200 yuan, inclusive.
    person_fine: Range = field(default_factory=lambda: Range(Decimal("50"), Decimal("200")))
    # LH-4-employer-penalty: 500–1000 yuan, inclusive.
    employer_fine: Range = field(default_factory=lambda: Range(Decimal("500"), Decimal("1000")))
    # LH-5-publish-3y: each department publishes its service scope at least every 3 years.
    publish_every_years: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.issue_limit_days <= NATIONAL_MAX_ISSUE_LIMIT_DAYS:
            raise InvalidInput(
                rule="N-9-extension",
                code="issue-limit-out-of-range",
                zh=f"发证期限不得超过{NATIONAL_MAX_ISSUE_LIMIT_DAYS}日。",
                en=f"The issuing limit may be at most {NATIONAL_MAX_ISSUE_LIMIT_DAYS} days.",
                fields=("issue_limit_days",),
            )


LINHE = JurisdictionPolicy()
