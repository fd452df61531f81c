"""LH-3.1: who may apply for a first permit — every unmet condition listed at once."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.divisions import UnknownDivision
from juzhu.policy.eligibility import (
    ApplicantFacts,
    conditions_from,
    eligibility_check,
    registered_since_ok_on,
    registration_chain_start,
)
from juzhu.policy.errors import InvalidInput, NotEligible
from juzhu.policy.materials import Condition, Doc
from juzhu.policy.parameters import JurisdictionPolicy

D = date
LINHE = "150802"
WUYUAN = "150821"  # 五原县, same city (Bayannur)
HOHHOT_XINCHENG = "150102"  # another city
REGISTERED = D(2026, 1, 15)


def facts(
    *,
    hukou: str = HOHHOT_XINCHENG,
    reg_division: str | None = LINHE,
    reg_date: date | None = REGISTERED,
    docs: frozenset[Doc] = frozenset({Doc.IDENTITY_CARD, Doc.PHOTO, Doc.LABOUR_CONTRACT}),
    claimed: frozenset[Condition] = frozenset(),
) -> ApplicantFacts:
    return ApplicantFacts(hukou, reg_division, reg_date, docs, claimed)


@pytest.mark.parametrize(
    ("registered", "ok_on"),
    [
        (D(2026, 1, 15), D(2026, 7, 15)),
        (D(2026, 8, 31), D(2027, 2, 28)),  # T-month-end
        (D(2025, 8, 31), D(2026, 2, 28)),
        (D(2027, 8, 31), D(2028, 2, 29)),  # leap year
        (D(2026, 3, 31), D(2026, 9, 30)),
        (D(2025, 12, 31), D(2026, 6, 30)),
    ],
)
def test_six_months_of_registration_are_complete_on_the_corresponding_day(
    registered: date, ok_on: date
) -> None:
    assert registered_since_ok_on(registered) == ok_on


@pytest.mark.parametrize(
    ("registered", "today", "eligible", "earliest"),
    [
        (D(2026, 1, 15), D(2026, 7, 14), False, D(2026, 7, 15)),  # last day refused
        (D(2026, 1, 15), D(2026, 7, 15), True, None),  # exactly six months: "半年以上" includes it
        (D(2026, 1, 15), D(2026, 7, 16), True, None),
        (D(2026, 8, 31), D(2027, 2, 27), False, D(2027, 2, 28)),
        (D(2026, 8, 31), D(2027, 2, 28), True, None),  # no calendar needed for 2027
        (D(2026, 8, 31), D(2027, 3, 1), True, None),
    ],
)
def test_registration_half_year_boundary(
    registered: date, today: date, eligible: bool, earliest: date | None
) -> None:
    result = eligibility_check(facts(reg_date=registered), today)
    assert result.eligible is eligible
    assert result.earliest == earliest
    if eligible:
        assert result.reasons == ()
        result.raise_if_not()  # does not raise
    else:
        (reason,) = result.reasons
        assert reason.rule == "LH-3.1-registered-6m"
        assert reason.code == "registered-too-short"
        assert reason.earliest == earliest
        assert reason.field == "registration_date"
        assert earliest is not None
        assert earliest.isoformat() in reason.zh
        assert earliest.isoformat() in reason.en
        assert reason.as_dict("en")["earliest"] == earliest.isoformat()


def test_not_eligible_error_carries_the_earliest_date() -> None:
    result = eligibility_check(facts(reg_date=D(2026, 1, 15)), D(2026, 7, 14))
    with pytest.raises(NotEligible) as exc:
        result.raise_if_not()
    assert exc.value.rule == "LH-3.1-registered-6m"
    assert exc.value.code == "not-eligible"
    assert [r.earliest for r in exc.value.reasons] == [D(2026, 7, 15)]
    assert exc.value.fields == ("registration_date",)


@pytest.mark.parametrize(
    ("hukou", "eligible"),
    [
        (LINHE, False),  # has not left the place of household registration
        (WUYUAN, True),  # another county of the same city has left it
        (HOHHOT_XINCHENG, True),
        ("510121", True),  # 四川省金堂县
    ],
)
def test_hukou_must_be_outside_linhe(hukou: str, eligible: bool) -> None:
    result = eligibility_check(facts(hukou=hukou), D(2026, 8, 1))
    assert result.eligible is eligible
    if not eligible:
        assert [(r.rule, r.code, r.field) for r in result.reasons] == [
            ("LH-3.1-hukou", "hukou-local", "hukou_division")
        ]
        assert "巴彦淖尔市临河区" in result.reasons[0].zh
        assert result.earliest is None  # waiting does not help
    else:
        assert ("LH-3.1-hukou", "hukou-elsewhere") in [(r.rule, r.code) for r in result.met]


@pytest.mark.parametrize("hukou", ["159999", "15080", "abcdef"])
def test_unknown_or_malformed_hukou_code_is_refused_as_such(hukou: str) -> None:
    with pytest.raises(UnknownDivision):
        eligibility_check(facts(hukou=hukou), D(2026, 8, 1))


def test_every_unmet_condition_is_listed_at_once() -> None:
    result = eligibility_check(
        facts(hukou=LINHE, reg_date=D(2026, 3, 1), docs=frozenset({Doc.IDENTITY_CARD, Doc.PHOTO})),
        D(2026, 8, 1),
    )
    assert result.eligible is False
    assert [(r.rule, r.code) for r in result.reasons] == [
        ("LH-3.1-hukou", "hukou-local"),
        ("LH-3.1-registered-6m", "registered-too-short"),
        ("LH-3.1-condition", "no-condition"),
    ]
    # Not only a date is missing, so no "come back on" date is offered.
    assert result.earliest is None
    with pytest.raises(NotEligible) as exc:
        result.raise_if_not()
    assert exc.value.rule == "LH-3.1-hukou"  # the first unmet rule; every one is in reasons
    assert len(exc.value.reasons) == 3
    assert exc.value.fields == ("hukou_division", "registration_date", "documents")


@pytest.mark.parametrize(
    ("reg_division", "reg_date", "code", "field"),
    [
        (None, None, "no-registration", "registration_date"),
        (LINHE, None, "no-registration", "registration_date"),
        (None, D(2025, 1, 1), "no-registration", "registration_date"),
        (WUYUAN, D(2025, 1, 1), "registered-elsewhere", "registration_division"),
    ],
)
def test_registration_must_exist_and_be_in_linhe(
    reg_division: str | None, reg_date: date | None, code: str, field: str
) -> None:
    result = eligibility_check(facts(reg_division=reg_division, reg_date=reg_date), D(2026, 8, 1))
    assert [(r.rule, r.code, r.field) for r in result.reasons] == [("LH-3.1-registered-6m", code, field)]
    assert result.earliest is None


@pytest.mark.parametrize(
    "docs",
    [
        frozenset(),
        frozenset({Doc.IDENTITY_CARD, Doc.PHOTO}),
        frozenset({Doc.IDENTITY_CARD, Doc.PHOTO, Doc.PERMIT_CARD, Doc.HOUSEHOLD_REGISTER}),
    ],
)
def test_no_condition_evidence_is_refused(docs: frozenset[Doc]) -> None:
    result = eligibility_check(facts(docs=docs), D(2026, 8, 1))
    assert result.eligible is False
    assert [(r.rule, r.code, r.field) for r in result.reasons] == [
        ("LH-3.1-condition", "no-condition", "documents")
    ]
    assert result.conditions == frozenset()
    assert result.earliest is None


@pytest.mark.parametrize(
    ("doc", "condition", "rule"),
    [
        (Doc.BUSINESS_LICENCE, Condition.EMPLOYMENT, "LH-3.1-employment"),
        (Doc.LABOUR_CONTRACT, Condition.EMPLOYMENT, "LH-3.1-employment"),
        (Doc.EMPLOYMENT_CERTIFICATE, Condition.EMPLOYMENT, "LH-3.1-employment"),
        (Doc.HIRING_CERTIFICATE, Condition.EMPLOYMENT, "LH-3.1-employment"),
        (Doc.SOCIAL_INSURANCE_RECORD, Condition.EMPLOYMENT, "LH-3.1-employment"),
        (Doc.PROPERTY_CERTIFICATE, Condition.RESIDENCE, "LH-3.1-residence"),
        (Doc.PURCHASE_CONTRACT, Condition.RESIDENCE, "LH-3.1-residence"),
        (Doc.TENANCY_CONTRACT, Condition.RESIDENCE, "LH-3.1-residence"),
        (Doc.ACCOMMODATION_CERTIFICATE, Condition.RESIDENCE, "LH-3.1-residence"),
        (Doc.STUDENT_CARD, Condition.STUDY, "LH-3.1-study"),
        (Doc.ENROLMENT_CERTIFICATE, Condition.STUDY, "LH-3.1-study"),
    ],
)
def test_any_one_document_proves_its_condition(doc: Doc, condition: Condition, rule: str) -> None:
    result = eligibility_check(facts(docs=frozenset({Doc.IDENTITY_CARD, doc})), D(2026, 8, 1))
    assert result.eligible is True
    assert result.conditions == frozenset({condition})
    assert (rule, f"condition-{condition.value}") in [(r.rule, r.code) for r in result.met]


def test_several_conditions_are_all_recorded_as_met() -> None:
    docs = frozenset({Doc.TENANCY_CONTRACT, Doc.STUDENT_CARD, Doc.LABOUR_CONTRACT})
    result = eligibility_check(facts(docs=docs), D(2026, 8, 1))
    assert result.conditions == frozenset(Condition)
    assert [r.rule for r in result.met] == [
        "LH-3.1-hukou",
        "LH-3.1-registered-6m",
        "LH-3.1-employment",
        "LH-3.1-residence",
        "LH-3.1-study",
    ]


def test_a_condition_confirmed_otherwise_counts() -> None:
    # e.g. an electronic certificate from an employer (LH-3.1-assist)
    result = eligibility_check(facts(docs=frozenset(), claimed=conditions_from(["study"])), D(2026, 8, 1))
    assert result.eligible is True
    assert result.conditions == frozenset({Condition.STUDY})


def test_conditions_from_rejects_unknown_values() -> None:
    assert conditions_from(["employment", "residence"]) == frozenset(
        {Condition.EMPLOYMENT, Condition.RESIDENCE}
    )
    with pytest.raises(ValueError, match="wealth"):
        conditions_from(["wealth"])


def test_registration_months_is_a_policy_parameter() -> None:
    policy = JurisdictionPolicy(registration_months=12)
    assert registered_since_ok_on(D(2026, 1, 15), policy) == D(2027, 1, 15)
    assert eligibility_check(facts(), D(2027, 1, 14), policy).earliest == D(2027, 1, 15)
    assert eligibility_check(facts(), D(2027, 1, 15), policy).eligible is True


def test_a_city_or_province_code_is_not_a_hukou_county():
    for code in ("510100", "510000"):
        with pytest.raises(InvalidInput) as e:
            eligibility_check(
                ApplicantFacts(
                    hukou_division=code, registration_division="150802", registration_date=date(2025, 1, 1)
                ),
                date(2026, 1, 1),
            )
        assert (e.value.code, e.value.fields) == ("division-not-county", ("hukou_division",))


@pytest.mark.parametrize(
    ("chain", "since"),
    [
        ([], None),
        ([(date(2025, 1, 10), "150802")], date(2025, 1, 10)),
        ([(date(2025, 1, 10), "150802"), (date(2025, 6, 1), "150802")], date(2025, 1, 10)),  # a move in Linhe
        ([(date(2025, 1, 10), "150802"), (date(2026, 3, 1), "150821")], None),  # now registered elsewhere
        (
            [(date(2025, 1, 10), "150802"), (date(2026, 3, 1), "150821"), (date(2026, 4, 1), "150802")],
            date(2026, 4, 1),  # back in Linhe: the six months restart
        ),
    ],
)
def test_the_registration_chain_starts_again_after_a_registration_elsewhere(chain, since):
    assert registration_chain_start(chain, "150802") == since
