"""Who may act for whom (LH-3.2-proxy)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from juzhu.policy.errors import InvalidInput, Reason
from juzhu.policy.identity import age_on
from juzhu.policy.parameters import LINHE, JurisdictionPolicy


class ProxyRelation(enum.StrEnum):
    """监护人 and 近亲属 (Civil Code art. 1045: spouse, parents, children, siblings,
    grandparents, grandchildren)."""

    GUARDIAN = "guardian"
    SPOUSE = "spouse"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    GRANDCHILD = "grandchild"
    OTHER = "other"  # anyone else: refused


ALLOWED_RELATIONS = frozenset(ProxyRelation) - {ProxyRelation.OTHER}

PROXY_RELATION_LABELS: dict[ProxyRelation, tuple[str, str]] = {
    ProxyRelation.GUARDIAN: ("监护人", "guardian"),
    ProxyRelation.SPOUSE: ("配偶", "spouse"),
    ProxyRelation.PARENT: ("父母", "parent"),
    ProxyRelation.CHILD: ("子女", "child"),
    ProxyRelation.SIBLING: ("兄弟姐妹", "sibling"),
    ProxyRelation.GRANDPARENT: ("祖父母、外祖父母", "grandparent"),
    ProxyRelation.GRANDCHILD: ("孙子女、外孙子女", "grandchild"),
    ProxyRelation.OTHER: ("其他人", "someone else"),
}


@dataclass(frozen=True)
class ProxyDecision:
    allowed: bool
    reasons: tuple[Reason, ...]


def proxy_check(
    principal_birth_date: date,
    relation: ProxyRelation,
    on: date,
    *,
    limited_mobility: bool = False,
    disabled: bool = False,
    policy: JurisdictionPolicy = LINHE,
) -> ProxyDecision:
    """Allowed when the principal is under 16, elderly with limited mobility, or disabled,
    and the proxy is a guardian or close relative."""
    reasons: list[Reason] = []
    age = age_on(principal_birth_date, on)
    minor = age < policy.proxy_minor_age
    elderly = age >= policy.elderly_age and limited_mobility
    if not (minor or elderly or disabled):
        reasons.append(
            Reason(
                "LH-3.2-proxy",
                "principal-not-eligible-for-proxy",
                f"委托人{age}周岁，不属于未满{policy.proxy_minor_age}周岁的未成年人、行动不便的老年人或残疾人，"
                "须本人办理。",
                f"The principal is {age}: not a minor under {policy.proxy_minor_age}, an elderly "
                "person with limited mobility, or a disabled person, so must apply in person.",
                field="principal",
            )
        )
    if relation not in ALLOWED_RELATIONS:
        reasons.append(
            Reason(
                "LH-3.2-proxy",
                "proxy-not-relative",
                "代办人须为委托人的监护人或近亲属（配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女）。",
                "The proxy must be the principal's guardian or close relative (spouse, parent, "
                "child, sibling, grandparent, grandchild).",
                field="proxy_relation",
            )
        )
    return ProxyDecision(not reasons, tuple(reasons))


def proxy_ensure(decision: ProxyDecision) -> None:
    if not decision.allowed:
        raise InvalidInput(
            rule="LH-3.2-proxy",
            code="proxy-not-allowed",
            zh="不能代为办理：" + "；".join(r.zh for r in decision.reasons),
            en="A proxy may not act here: " + "; ".join(r.en for r in decision.reasons),
            fields=tuple(r.field for r in decision.reasons if r.field),
            reasons=decision.reasons,
        )
