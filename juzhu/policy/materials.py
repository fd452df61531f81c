"""Materials for each kind of case, and the one-time notice (LH-3.2-one-time-notice, N-9-materials).

A case's checklist is a tuple of ``Requirement``s; each is met by any one of
its documents.  The notice of what is missing lists *every* unmet requirement
at once.  Once a notice has been issued, the case is judged against the
notice's own items (see ``is_complete_after_notice``), so an applicant who
brings exactly what the notice listed is never asked for anything new.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from juzhu.policy.errors import InvalidInput, Lang, Reason


class Doc(enum.StrEnum):
    """Documents the rules name.  Values are stable API codes."""

    IDENTITY_CARD = "identity_card"  # 居民身份证 (LH-3.1-identity)
    PHOTO = "photo"  # 本人相片 (N-9-materials)
    # LH-3.1-employment
    BUSINESS_LICENCE = "business_licence"
    LABOUR_CONTRACT = "labour_contract"
    EMPLOYMENT_CERTIFICATE = "employment_certificate"
    HIRING_CERTIFICATE = "hiring_certificate"
    SOCIAL_INSURANCE_RECORD = "social_insurance_record"
    # LH-3.1-residence
    PROPERTY_CERTIFICATE = "property_certificate"
    PURCHASE_CONTRACT = "purchase_contract"
    TENANCY_CONTRACT = "tenancy_contract"
    ACCOMMODATION_CERTIFICATE = "accommodation_certificate"
    # LH-3.1-study
    STUDENT_CARD = "student_card"
    ENROLMENT_CERTIFICATE = "enrolment_certificate"
    # LH-3.2-replace / LH-3.2-endorse-window / LH-3.2-change-*
    PERMIT_CARD = "permit_card"
    # LH-3.2-proxy
    PROXY_IDENTITY_CARD = "proxy_identity_card"
    HOUSEHOLD_REGISTER = "household_register"


DOC_LABELS: dict[Doc, tuple[str, str]] = {
    Doc.IDENTITY_CARD: ("申请人居民身份证", "applicant's resident identity card"),
    Doc.PHOTO: ("本人近期相片", "a recent photo of the applicant"),
    Doc.BUSINESS_LICENCE: ("工商营业执照", "business licence"),
    Doc.LABOUR_CONTRACT: ("劳动合同", "labour contract"),
    Doc.EMPLOYMENT_CERTIFICATE: ("用人单位出具的劳动关系证明", "employer's certificate of employment"),
    Doc.HIRING_CERTIFICATE: ("录用或聘用证书", "hiring or appointment certificate"),
    Doc.SOCIAL_INSURANCE_RECORD: ("社会保险缴纳凭证", "social insurance payment record"),
    Doc.PROPERTY_CERTIFICATE: (
        "自有（亲友）房屋产权证明",
        "property certificate (own, relative's or friend's)",
    ),
    Doc.PURCHASE_CONTRACT: ("购房合同", "house purchase contract"),
    Doc.TENANCY_CONTRACT: ("房屋租赁合同", "tenancy contract"),
    Doc.ACCOMMODATION_CERTIFICATE: (
        "房屋出租人、用人单位或就读学校出具的住宿证明",
        "accommodation certificate from the landlord, employer or school",
    ),
    Doc.STUDENT_CARD: ("学生证", "student card"),
    Doc.ENROLMENT_CERTIFICATE: ("就读学校出具的连续就读证明", "school's certificate of continuous study"),
    Doc.PERMIT_CARD: ("本人居住证", "the holder's residence permit card"),
    Doc.PROXY_IDENTITY_CARD: ("代办人居民身份证", "the proxy's resident identity card"),
    Doc.HOUSEHOLD_REGISTER: ("户口簿", "household register (hukou booklet)"),
}


def doc_label(doc: Doc, lang: Lang = "zh-hans") -> str:
    zh, en = DOC_LABELS[doc]
    return en if lang == "en" else zh


class Condition(enum.StrEnum):
    """LH-3.1-condition: any one suffices."""

    EMPLOYMENT = "employment"
    RESIDENCE = "residence"
    STUDY = "study"


CONDITION_LABELS: dict[Condition, tuple[str, str]] = {
    Condition.EMPLOYMENT: ("合法稳定就业", "stable lawful employment"),
    Condition.RESIDENCE: ("合法稳定住所", "stable lawful residence"),
    Condition.STUDY: ("连续就读", "continuous study"),
}


CONDITION_EVIDENCE: dict[Condition, frozenset[Doc]] = {
    Condition.EMPLOYMENT: frozenset(
        {
            Doc.BUSINESS_LICENCE,
            Doc.LABOUR_CONTRACT,
            Doc.EMPLOYMENT_CERTIFICATE,
            Doc.HIRING_CERTIFICATE,
            Doc.SOCIAL_INSURANCE_RECORD,
        }
    ),
    Condition.RESIDENCE: frozenset(
        {
            Doc.PROPERTY_CERTIFICATE,
            Doc.PURCHASE_CONTRACT,
            Doc.TENANCY_CONTRACT,
            Doc.ACCOMMODATION_CERTIFICATE,
        }
    ),
    Condition.STUDY: frozenset({Doc.STUDENT_CARD, Doc.ENROLMENT_CERTIFICATE}),
}
CONDITION_RULES: dict[Condition, str] = {
    Condition.EMPLOYMENT: "LH-3.1-employment",
    Condition.RESIDENCE: "LH-3.1-residence",
    Condition.STUDY: "LH-3.1-study",
}
ANY_CONDITION_EVIDENCE: frozenset[Doc] = frozenset().union(*CONDITION_EVIDENCE.values())


def conditions_proven(docs: Iterable[Doc]) -> frozenset[Condition]:
    """LH-3.1-condition: which conditions the submitted documents prove."""
    have = set(docs)
    return frozenset(c for c, ev in CONDITION_EVIDENCE.items() if have & ev)


class CaseKind(enum.StrEnum):
    FIRST_ISSUE = "first_issue"  # 申领
    REPLACEMENT = "replacement"  # 换领
    REISSUE = "reissue"  # 补领
    ENDORSEMENT = "endorsement"  # 签注
    ADDRESS_CHANGE = "address_change"  # 变更


CASE_KIND_LABELS: dict[CaseKind, tuple[str, str]] = {
    CaseKind.FIRST_ISSUE: ("首次申领", "first issue"),
    CaseKind.REPLACEMENT: ("换领", "replacement"),
    CaseKind.REISSUE: ("补领", "reissue"),
    CaseKind.ENDORSEMENT: ("签注", "endorsement"),
    CaseKind.ADDRESS_CHANGE: ("变更登记", "address change"),
}

# LH-3.2-replace: a card is reissued (补领) when it is damaged, illegible or lost.
REISSUE_REASON_LABELS: dict[str, tuple[str, str]] = {
    "damaged": ("证件损坏", "damaged"),
    "illegible": ("难以辨认", "illegible"),
    "lost": ("丢失", "lost"),
}
REISSUE_REASONS: tuple[str, ...] = tuple(REISSUE_REASON_LABELS)


@dataclass(frozen=True)
class Requirement:
    """One checklist line, met by any one of ``any_of``."""

    key: str
    rule: str
    any_of: frozenset[Doc]

    def met_by(self, docs: Iterable[Doc]) -> bool:
        return bool(self.any_of & set(docs))

    def text(self, lang: Lang = "zh-hans") -> str:
        labels = sorted(doc_label(d, lang) for d in self.any_of)
        if len(labels) == 1:
            return labels[0]
        return ("以下任意一项：" if lang != "en" else "any one of: ") + ("、" if lang != "en" else "; ").join(
            labels
        )


def _one(key: str, rule: str, doc: Doc) -> Requirement:
    return Requirement(key, rule, frozenset({doc}))


def checklist(kind: CaseKind, *, proxy: bool = False) -> tuple[Requirement, ...]:
    """Everything a case of this kind must bring (N-9-materials, LH-3.2-*)."""
    reqs: list[Requirement] = [_one("identity_card", "LH-3.1-identity", Doc.IDENTITY_CARD)]
    if kind is CaseKind.FIRST_ISSUE:
        reqs.append(_one("photo", "N-9-materials", Doc.PHOTO))
        reqs.append(Requirement("condition_evidence", "LH-3.1-condition", ANY_CONDITION_EVIDENCE))
    elif kind is CaseKind.REPLACEMENT:
        # 换领: the old card is handed back (LH-3.2-replace).
        reqs.append(_one("photo", "N-9-materials", Doc.PHOTO))
        reqs.append(_one("old_card", "LH-3.2-replace", Doc.PERMIT_CARD))
    elif kind is CaseKind.REISSUE:
        # 补领: damaged, illegible or lost — the identity card suffices, plus a photo for the card.
        reqs.append(_one("photo", "N-9-materials", Doc.PHOTO))
    elif kind is CaseKind.ENDORSEMENT:
        reqs.append(_one("permit_card", "LH-3.2-endorse-window", Doc.PERMIT_CARD))
        reqs.append(Requirement("condition_evidence", "LH-3.2-endorse-window", ANY_CONDITION_EVIDENCE))
    elif kind is CaseKind.ADDRESS_CHANGE:
        reqs.append(_one("permit_card", "LH-3.2-change-same-county", Doc.PERMIT_CARD))
        reqs.append(Requirement("condition_evidence", "LH-3.2-change-same-county", ANY_CONDITION_EVIDENCE))
    if proxy:
        reqs.append(_one("proxy_identity_card", "LH-3.2-proxy", Doc.PROXY_IDENTITY_CARD))
        reqs.append(_one("household_register", "LH-3.2-proxy", Doc.HOUSEHOLD_REGISTER))
    return tuple(reqs)


def missing(requirements: Iterable[Requirement], submitted: Iterable[Doc]) -> tuple[Requirement, ...]:
    """Every unmet requirement at once — the content of a one-time notice."""
    docs = frozenset(submitted)
    return tuple(r for r in requirements if not r.met_by(docs))


@dataclass(frozen=True)
class Notice:
    """一次性告知: the complete list of what to supplement, frozen as issued."""

    items: tuple[Requirement, ...]
    rule: str = "LH-3.2-one-time-notice"

    def lines(self, lang: Lang = "zh-hans") -> list[str]:
        return [r.text(lang) for r in self.items]


def notice_for(requirements: Iterable[Requirement], submitted: Iterable[Doc]) -> Notice | None:
    """The one-time notice for a case, or None when nothing is missing."""
    items = missing(requirements, submitted)
    return Notice(items) if items else None


def is_complete_after_notice(notice: Notice, supplied: Iterable[Doc]) -> bool:
    """LH-3.2-one-time-notice: after a notice, only its own items are asked for."""
    return not missing(notice.items, supplied)


def materials_require(requirements: Iterable[Requirement], submitted: Iterable[Doc], rule: str) -> None:
    """Refuse, listing every missing item at once (LH-3.2-one-time-notice)."""
    items = missing(requirements, submitted)
    if items:
        reasons = tuple(
            Reason(r.rule, f"missing-{r.key}", r.text("zh-hans"), r.text("en"), field="documents")
            for r in items
        )
        raise InvalidInput(
            rule=rule,
            code="materials-incomplete",
            zh="材料不齐全，请补充：" + "；".join(r.zh for r in reasons),
            en="Materials are incomplete; still needed: " + "; ".join(r.en for r in reasons),
            fields=("documents",),
            reasons=reasons,
        )


def docs_parse(values: Iterable[str]) -> frozenset[Doc]:
    """Document codes from a request; an unknown code is refused with the list of known ones."""
    out: set[Doc] = set()
    for v in values:
        try:
            out.add(Doc(v))
        except ValueError:
            raise InvalidInput(
                rule="N-9-materials",
                code="unknown-document",
                zh=f"未知的材料代码“{v}”。",
                en=f"Unknown document code '{v}'.",
                fields=("documents",),
                extra={"known": [d.value for d in Doc]},
            ) from None
    return frozenset(out)
