"""Display names of the policy's codes that the policy core does not name itself.

Only words for a form's options: which codes exist, and what each one decides, stays in
``juzhu.policy`` (``CaseKind``, ``Condition``, ``ProxyRelation``, ``REISSUE_REASONS``).
"""

from __future__ import annotations

from juzhu.policy.materials import CaseKind, Condition
from juzhu.policy.proxy import ProxyRelation

KIND_LABELS: dict[CaseKind, tuple[str, str]] = {
    CaseKind.FIRST_ISSUE: ("首次申领", "First issue"),
    CaseKind.REPLACEMENT: ("换领（交回旧证换新证）", "Replacement (hand back the old card)"),
    CaseKind.REISSUE: ("补领（证件损坏、难以辨认或丢失）", "Reissue (card damaged, illegible or lost)"),
}

CONDITION_LABELS: dict[Condition, tuple[str, str]] = {
    Condition.EMPLOYMENT: ("合法稳定就业", "Stable lawful employment"),
    Condition.RESIDENCE: ("合法稳定住所", "Stable lawful residence"),
    Condition.STUDY: ("连续就读", "Continuous study"),
}

RELATION_LABELS: dict[ProxyRelation, tuple[str, str]] = {
    ProxyRelation.GUARDIAN: ("监护人", "Guardian"),
    ProxyRelation.SPOUSE: ("配偶", "Spouse"),
    ProxyRelation.PARENT: ("父母", "Parent"),
    ProxyRelation.CHILD: ("子女", "Child"),
    ProxyRelation.SIBLING: ("兄弟姐妹", "Sibling"),
    ProxyRelation.GRANDPARENT: ("祖父母、外祖父母", "Grandparent"),
    ProxyRelation.GRANDCHILD: ("孙子女、外孙子女", "Grandchild"),
    ProxyRelation.OTHER: ("其他", "Other"),
}

REISSUE_REASON_LABELS: dict[str, tuple[str, str]] = {
    "damaged": ("证件损坏", "Damaged"),
    "illegible": ("难以辨认", "Illegible"),
    "lost": ("丢失", "Lost"),
}
