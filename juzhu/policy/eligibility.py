"""Who may apply for a first permit (LH-3.1-*)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from juzhu.policy import divisions
from juzhu.policy.calendar import add_months
from juzhu.policy.errors import NotEligible, Reason
from juzhu.policy.materials import CONDITION_RULES, Condition, Doc, conditions_proven
from juzhu.policy.parameters import LINHE, JurisdictionPolicy


@dataclass(frozen=True)
class ApplicantFacts:
    hukou_division: str
    registration_division: str | None
    registration_date: date | None
    documents: frozenset[Doc] = frozenset()
    claimed_conditions: frozenset[Condition] = frozenset()


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[Reason, ...]  # every unmet condition (empty when eligible)
    met: tuple[Reason, ...]  # the conditions found met, each with its rule
    earliest: date | None  # when every date-based condition will be met, if only that is missing
    conditions: frozenset[Condition]

    def raise_if_not(self) -> None:
        if not self.eligible:
            raise NotEligible(self.reasons)


def registration_chain_start(registrations: Iterable[tuple[date, str]], here: str) -> date | None:
    """LH-3.1-registered-6m: when the current unbroken registration in the district began.

    ``registrations`` are (declared on, division) in order; a registration in another county
    breaks the chain, a change of address within the district does not (docs/decisions/0001 item 1).
    """
    since: date | None = None
    for declared_on, division in registrations:
        if division != here:
            since = None
        elif since is None:
            since = declared_on
    return since


def registered_since_ok_on(registration_date: date, policy: JurisdictionPolicy = LINHE) -> date:
    """LH-3.1-registered-6m: the first day on which six months of registration are complete.

    "半年以上" includes exactly six months (T-inclusive); months end on the corresponding
    day (T-month-end).
    """
    return add_months(registration_date, policy.registration_months)


def eligibility_check(
    facts: ApplicantFacts,
    today: date,
    policy: JurisdictionPolicy = LINHE,
) -> Eligibility:
    """Every LH-3.1 condition, with all unmet ones listed at once."""
    unmet: list[Reason] = []
    met: list[Reason] = []
    earliest: date | None = None
    here = policy.division_code

    hukou = divisions.county_get(
        facts.hukou_division, field="hukou_division"
    )  # unknown code: UnknownDivision
    if divisions.relation(hukou.code, here) is divisions.Relation.SAME_COUNTY:
        unmet.append(
            Reason(
                "LH-3.1-hukou",
                "hukou-local",
                f"户口所在地（{hukou.full_name}）在{policy.name_zh}，不属于离开户口所在地的人员。",
                f"The household registration ({hukou.code}) is in {policy.name_en}: "
                "the applicant has not left it.",
                field="hukou_division",
            )
        )
    else:
        met.append(Reason("LH-3.1-hukou", "hukou-elsewhere", "户口所在地在本区以外。", "Hukou is elsewhere."))

    if facts.registration_date is None or facts.registration_division is None:
        unmet.append(
            Reason(
                "LH-3.1-registered-6m",
                "no-registration",
                f"没有在{policy.name_zh}办理居住登记的记录。",
                f"No residence registration in {policy.name_en}.",
                field="registration_date",
            )
        )
    elif facts.registration_division != here:
        unmet.append(
            Reason(
                "LH-3.1-registered-6m",
                "registered-elsewhere",
                f"居住登记不在{policy.name_zh}。",
                f"The residence registration is not in {policy.name_en}.",
                field="registration_division",
            )
        )
    else:
        ok_on = registered_since_ok_on(facts.registration_date, policy)
        if today < ok_on:
            earliest = ok_on
            unmet.append(
                Reason(
                    "LH-3.1-registered-6m",
                    "registered-too-short",
                    f"居住登记未满{policy.registration_months}个月（登记日期"
                    f"{facts.registration_date.isoformat()}），自{ok_on.isoformat()}起可申领。",
                    f"Registered for less than {policy.registration_months} months (since "
                    f"{facts.registration_date.isoformat()}); eligible from {ok_on.isoformat()}.",
                    field="registration_date",
                    earliest=ok_on,
                )
            )
        else:
            met.append(
                Reason(
                    "LH-3.1-registered-6m",
                    "registered-6m",
                    f"已办理居住登记满{policy.registration_months}个月。",
                    f"Registered for at least {policy.registration_months} months.",
                )
            )

    proven = conditions_proven(facts.documents) | facts.claimed_conditions
    if not proven:
        unmet.append(
            Reason(
                "LH-3.1-condition",
                "no-condition",
                "须符合合法稳定就业、合法稳定住所、连续就读条件之一，并提供相应证明。",
                "Must have stable lawful employment, a stable lawful residence, or continuous "
                "study, with a document proving it.",
                field="documents",
            )
        )
    for c in sorted(proven):
        met.append(Reason(CONDITION_RULES[c], f"condition-{c.value}", _COND_ZH[c], _COND_EN[c]))

    only_dates = all(r.code == "registered-too-short" for r in unmet)
    return Eligibility(
        eligible=not unmet,
        reasons=tuple(unmet),
        met=tuple(met),
        earliest=earliest if unmet and only_dates else None,
        conditions=proven,
    )


_COND_ZH = {
    Condition.EMPLOYMENT: "合法稳定就业。",
    Condition.RESIDENCE: "合法稳定住所。",
    Condition.STUDY: "连续就读。",
}
_COND_EN = {
    Condition.EMPLOYMENT: "Stable lawful employment.",
    Condition.RESIDENCE: "Stable lawful residence.",
    Condition.STUDY: "Continuous study.",
}


def conditions_from(values: Iterable[str]) -> frozenset[Condition]:
    return frozenset(Condition(v) for v in values)
