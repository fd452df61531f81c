"""The portal's words for a form's options.

The kinds carry a short explanation for applicants; every other name is the policy core's own
(``juzhu.policy.materials`` and ``juzhu.policy.proxy``), re-exported here for the templates.
"""

from __future__ import annotations

from juzhu.policy.materials import CONDITION_LABELS, REISSUE_REASON_LABELS, CaseKind
from juzhu.policy.proxy import PROXY_RELATION_LABELS as RELATION_LABELS

KIND_LABELS: dict[CaseKind, tuple[str, str]] = {
    CaseKind.FIRST_ISSUE: ("首次申领", "First issue"),
    CaseKind.REPLACEMENT: ("换领（交回旧证换新证）", "Replacement (hand back the old card)"),
    CaseKind.REISSUE: ("补领（证件损坏、难以辨认或丢失）", "Reissue (card damaged, illegible or lost)"),
}

# The codes' own names live beside the codes in the policy core.
__all__ = ["CONDITION_LABELS", "KIND_LABELS", "REISSUE_REASON_LABELS", "RELATION_LABELS"]
