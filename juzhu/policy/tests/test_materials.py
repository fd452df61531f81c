"""Checklists and the one-time notice (N-9-materials, LH-3.2-one-time-notice)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juzhu.policy.errors import InvalidInput
from juzhu.policy.materials import (
    ANY_CONDITION_EVIDENCE,
    CaseKind,
    Condition,
    Doc,
    Notice,
    checklist,
    conditions_proven,
    doc_label,
    docs_parse,
    is_complete_after_notice,
    materials_require,
    missing,
    notice_for,
)

EVIDENCE = frozenset(
    {
        Doc.BUSINESS_LICENCE,
        Doc.LABOUR_CONTRACT,
        Doc.EMPLOYMENT_CERTIFICATE,
        Doc.HIRING_CERTIFICATE,
        Doc.SOCIAL_INSURANCE_RECORD,
        Doc.PROPERTY_CERTIFICATE,
        Doc.PURCHASE_CONTRACT,
        Doc.TENANCY_CONTRACT,
        Doc.ACCOMMODATION_CERTIFICATE,
        Doc.STUDENT_CARD,
        Doc.ENROLMENT_CERTIFICATE,
    }
)


@pytest.mark.parametrize(
    ("kind", "proxy", "lines"),
    [
        (
            CaseKind.FIRST_ISSUE,
            False,
            [
                ("identity_card", "LH-3.1-identity", {Doc.IDENTITY_CARD}),
                ("photo", "N-9-materials", {Doc.PHOTO}),
                ("condition_evidence", "LH-3.1-condition", EVIDENCE),
            ],
        ),
        (
            CaseKind.REPLACEMENT,
            False,
            [
                ("identity_card", "LH-3.1-identity", {Doc.IDENTITY_CARD}),
                ("photo", "N-9-materials", {Doc.PHOTO}),
                ("old_card", "LH-3.2-replace", {Doc.PERMIT_CARD}),
            ],
        ),
        (
            CaseKind.REISSUE,
            False,
            [
                ("identity_card", "LH-3.1-identity", {Doc.IDENTITY_CARD}),
                ("photo", "N-9-materials", {Doc.PHOTO}),
            ],
        ),
        (
            CaseKind.ENDORSEMENT,
            False,
            [
                ("identity_card", "LH-3.1-identity", {Doc.IDENTITY_CARD}),
                ("permit_card", "LH-3.2-endorse-window", {Doc.PERMIT_CARD}),
                ("condition_evidence", "LH-3.2-endorse-window", EVIDENCE),
            ],
        ),
        (
            CaseKind.ADDRESS_CHANGE,
            False,
            [
                ("identity_card", "LH-3.1-identity", {Doc.IDENTITY_CARD}),
                ("permit_card", "LH-3.2-change-same-county", {Doc.PERMIT_CARD}),
                ("condition_evidence", "LH-3.2-change-same-county", EVIDENCE),
            ],
        ),
        (
            CaseKind.ENDORSEMENT,
            True,
            [
                ("identity_card", "LH-3.1-identity", {Doc.IDENTITY_CARD}),
                ("permit_card", "LH-3.2-endorse-window", {Doc.PERMIT_CARD}),
                ("condition_evidence", "LH-3.2-endorse-window", EVIDENCE),
                ("proxy_identity_card", "LH-3.2-proxy", {Doc.PROXY_IDENTITY_CARD}),
                ("household_register", "LH-3.2-proxy", {Doc.HOUSEHOLD_REGISTER}),
            ],
        ),
    ],
)
def test_checklist_per_case_kind(kind: CaseKind, proxy: bool, lines: list[tuple[str, str, set[Doc]]]) -> None:
    assert [(r.key, r.rule, set(r.any_of)) for r in checklist(kind, proxy=proxy)] == lines


@pytest.mark.parametrize("kind", list(CaseKind))
def test_a_proxy_adds_both_identity_cards_and_the_household_register(kind: CaseKind) -> None:
    own = checklist(kind)
    by_proxy = checklist(kind, proxy=True)
    assert by_proxy[: len(own)] == own
    assert [r.key for r in by_proxy[len(own) :]] == ["proxy_identity_card", "household_register"]
    assert "identity_card" in [r.key for r in by_proxy]  # the principal's card is still needed


def test_reissue_of_a_lost_card_does_not_ask_for_the_old_card() -> None:
    assert Doc.PERMIT_CARD not in {d for r in checklist(CaseKind.REISSUE) for d in r.any_of}


def test_condition_evidence_is_any_one_document_of_the_three_lists() -> None:
    assert ANY_CONDITION_EVIDENCE == EVIDENCE
    assert conditions_proven([Doc.TENANCY_CONTRACT]) == {Condition.RESIDENCE}
    assert conditions_proven([Doc.ENROLMENT_CERTIFICATE, Doc.SOCIAL_INSURANCE_RECORD]) == {
        Condition.STUDY,
        Condition.EMPLOYMENT,
    }
    assert conditions_proven([Doc.IDENTITY_CARD, Doc.PHOTO]) == frozenset()


@pytest.mark.parametrize(
    ("kind", "proxy", "submitted", "missing_keys"),
    [
        (CaseKind.FIRST_ISSUE, False, set(), ["identity_card", "photo", "condition_evidence"]),
        (CaseKind.FIRST_ISSUE, False, {Doc.IDENTITY_CARD}, ["photo", "condition_evidence"]),
        (CaseKind.FIRST_ISSUE, False, {Doc.IDENTITY_CARD, Doc.PHOTO, Doc.STUDENT_CARD}, []),
        (
            CaseKind.FIRST_ISSUE,
            True,
            {Doc.IDENTITY_CARD, Doc.PHOTO, Doc.STUDENT_CARD},
            [
                "proxy_identity_card",
                "household_register",
            ],
        ),
        (CaseKind.REPLACEMENT, False, {Doc.IDENTITY_CARD, Doc.PHOTO}, ["old_card"]),
        (CaseKind.ENDORSEMENT, False, {Doc.PERMIT_CARD, Doc.TENANCY_CONTRACT}, ["identity_card"]),
        (CaseKind.REISSUE, False, {Doc.IDENTITY_CARD, Doc.PHOTO}, []),
    ],
)
def test_missing_lists_every_unmet_requirement(
    kind: CaseKind, proxy: bool, submitted: set[Doc], missing_keys: list[str]
) -> None:
    reqs = checklist(kind, proxy=proxy)
    assert [r.key for r in missing(reqs, submitted)] == missing_keys
    notice = notice_for(reqs, submitted)
    if missing_keys:
        assert notice is not None
        assert notice.rule == "LH-3.2-one-time-notice"
        assert [r.key for r in notice.items] == missing_keys
    else:
        assert notice is None


def test_notice_lines_in_both_languages() -> None:
    notice = notice_for(checklist(CaseKind.FIRST_ISSUE), {Doc.IDENTITY_CARD})
    assert notice is not None
    zh = notice.lines()
    assert zh[0] == "本人近期相片"
    assert zh[1].startswith("以下任意一项：")
    for label in ("劳动合同", "房屋租赁合同", "学生证", "社会保险缴纳凭证"):
        assert label in zh[1]
    en = notice.lines("en")
    assert en[0] == "a recent photo of the applicant"
    assert en[1].startswith("any one of: ")
    assert "tenancy contract" in en[1]


def test_every_document_has_labels_in_both_languages() -> None:
    for doc in Doc:
        assert doc_label(doc)
        assert doc_label(doc, "en")
    assert doc_label(Doc.HOUSEHOLD_REGISTER) == "户口簿"


def test_after_a_notice_only_its_items_are_asked_for() -> None:
    notice = notice_for(checklist(CaseKind.FIRST_ISSUE), {Doc.IDENTITY_CARD})
    assert notice is not None
    assert is_complete_after_notice(notice, {Doc.PHOTO, Doc.ACCOMMODATION_CERTIFICATE}) is True
    assert is_complete_after_notice(notice, {Doc.PHOTO}) is False
    assert is_complete_after_notice(notice, {Doc.ACCOMMODATION_CERTIFICATE}) is False


def test_an_empty_notice_is_complete() -> None:
    assert is_complete_after_notice(Notice(()), set()) is True


def test_materials_require_refuses_listing_every_missing_item() -> None:
    reqs = checklist(CaseKind.REPLACEMENT, proxy=True)
    with pytest.raises(InvalidInput) as exc:
        materials_require(reqs, {Doc.IDENTITY_CARD, Doc.HOUSEHOLD_REGISTER}, "LH-3.2-replace")
    err = exc.value
    assert err.rule == "LH-3.2-replace"
    assert err.code == "materials-incomplete"
    assert [(r.rule, r.code) for r in err.reasons] == [
        ("N-9-materials", "missing-photo"),
        ("LH-3.2-replace", "missing-old_card"),
        ("LH-3.2-proxy", "missing-proxy_identity_card"),
    ]
    assert "本人居住证" in err.message("zh-hans")
    assert "the proxy's resident identity card" in err.message("en")


def test_materials_require_passes_a_complete_case() -> None:
    docs = {Doc.IDENTITY_CARD, Doc.PHOTO, Doc.PERMIT_CARD}
    materials_require(checklist(CaseKind.REPLACEMENT), docs, "LH-3.2-replace")


def test_docs_parse_reads_codes_and_refuses_unknown_ones() -> None:
    assert docs_parse(["identity_card", "photo", "photo"]) == {Doc.IDENTITY_CARD, Doc.PHOTO}
    assert docs_parse([]) == frozenset()
    with pytest.raises(InvalidInput) as exc:
        docs_parse(["identity_card", "passport"])
    assert exc.value.code == "unknown-document"
    assert exc.value.rule == "N-9-materials"
    assert "passport" in exc.value.message("en")
    known = exc.value.extra["known"]
    assert isinstance(known, list)
    assert "household_register" in known


# --- property: the one-time notice is complete (LH-3.2-one-time-notice) -------------------------


@st.composite
def case_and_supplement(draw: st.DrawFn) -> tuple[CaseKind, bool, frozenset[Doc], frozenset[Doc]]:
    kind = draw(st.sampled_from(list(CaseKind)))
    proxy = draw(st.booleans())
    submitted = frozenset(draw(st.sets(st.sampled_from(list(Doc)))))
    notice = notice_for(checklist(kind, proxy=proxy), submitted)
    items = notice.items if notice else ()
    # For each notice item, the applicant brings any one of its documents.
    supplied = frozenset(draw(st.sampled_from(sorted(item.any_of))) for item in items)
    return kind, proxy, submitted, supplied


@given(case_and_supplement())
def test_supplying_any_one_document_per_notice_item_completes_the_case(
    case: tuple[CaseKind, bool, frozenset[Doc], frozenset[Doc]],
) -> None:
    kind, proxy, submitted, supplied = case
    reqs = checklist(kind, proxy=proxy)
    notice = notice_for(reqs, submitted)
    assert missing(reqs, submitted | supplied) == ()
    if notice is None:
        assert supplied == frozenset()
    else:
        assert is_complete_after_notice(notice, supplied) is True


@given(
    st.sampled_from(list(CaseKind)),
    st.booleans(),
    st.sets(st.sampled_from(list(Doc))),
)
def test_a_notice_lists_every_unmet_requirement_at_once(
    kind: CaseKind, proxy: bool, submitted: set[Doc]
) -> None:
    reqs = checklist(kind, proxy=proxy)
    notice = notice_for(reqs, submitted)
    items = notice.items if notice else ()
    for r in reqs:
        # In the notice exactly when none of its documents was submitted.
        assert (r in items) is not any(d in submitted for d in r.any_of)
    # Listed once each, in checklist order.
    assert list(items) == [r for r in reqs if r in items]
    assert notice is None or len(notice.lines()) == len(items) > 0
