"""Department sharing (LH-2-sharing, N-17-confidentiality): each purpose sees only its fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from juzhu.policy.entitlements import Department, Service
from juzhu.policy.errors import Forbidden

# Every field a department may ever be shown, by name; a purpose picks from these.
FIELDS = frozenset(
    {
        "entitled", "reasons", "service",  # the answer to an entitlement question
        "permit_status", "permit_number", "issue_date", "residence_since", "next_anniversary",
        "name", "sex", "birth_date", "identity_number", "residence_address", "hukou_address",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Purpose:
    code: str
    department: Department
    zh: str
    en: str
    fields: frozenset[str]
    # The services whose entitlement the purpose may ask about; empty = every service of its
    # department.  A purpose shows its own fields, so it must not answer another purpose's question
    # (the exam registration purpose, which may see names, must not ask about a school place).
    services: frozenset[str] = frozenset()

    def covers(self, service: Service) -> bool:
        """Whether an entitlement question about ``service`` is within this purpose (LH-2-sharing)."""
        return service.department is self.department and (not self.services or service.code in self.services)


_ANSWER = frozenset({"entitled", "reasons", "service"})
PURPOSES: dict[str, Purpose] = {
    p.code: p
    for p in (
        Purpose(
            "education.school_place",
            Department.EDUCATION,
            "义务教育入学安排",
            "Compulsory-education school place",
            _ANSWER
            | {"permit_status"},  # a child's entitlement and the parent's status — no ID number, no address
            frozenset({"2-school-place", "2-student-aid"}),
        ),
        Purpose(
            "education.exams",
            Department.EDUCATION,
            "中考、高考报名资格",
            "Exam registration eligibility",
            _ANSWER | {"permit_status", "name"},
            frozenset({"2-zhongkao", "2-gaokao"}),
        ),
        Purpose(
            "hrss.social_insurance",
            Department.HR_SOCIAL_SECURITY,
            "社会保险与就业服务",
            "Social insurance and employment services",
            _ANSWER | {"permit_status", "permit_number", "name", "identity_number", "residence_since"},
        ),
        Purpose(
            "housing.subsidised",
            Department.HOUSING,
            "保障性住房资格审核",
            "Subsidised-housing eligibility",
            _ANSWER | {"permit_status", "name", "identity_number", "residence_since", "residence_address"},
        ),
        Purpose(
            "health.public_health",
            Department.HEALTH,
            "基本公共卫生服务",
            "Basic public health services",
            _ANSWER | {"permit_status", "name", "sex", "birth_date"},
        ),
        Purpose(
            "police.inspection",
            Department.PUBLIC_SECURITY,
            "执法查验居住证",
            "On-the-spot permit inspection",
            frozenset({"permit_status", "permit_number", "name", "issue_date", "next_anniversary"}),
        ),
    )
}


def purpose_get(code: str, allowed: frozenset[str]) -> Purpose:
    """The purpose, if the credential is bound to it; else Forbidden (LH-2-sharing)."""
    purpose = PURPOSES.get(code)
    if purpose is None or code not in allowed:
        raise Forbidden(
            rule="LH-2-sharing",
            code="purpose-not-allowed",
            zh="该凭证未获授权用于此用途。",
            en="This credential is not authorised for this purpose.",
            fields=("purpose",),
            extra={"allowed": sorted(allowed)},
        )
    return purpose


def fields_for(purpose: Purpose, record: Mapping[str, object]) -> dict[str, object]:
    """Only the fields the purpose needs; anything else is never returned."""
    return {k: v for k, v in record.items() if k in purpose.fields}
