"""Address change (LH-3.2-change-*): what happens to the issue date and residence period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from juzhu.policy import divisions
from juzhu.policy.calendar import add_years


@dataclass(frozen=True)
class ChangeEffect:
    relation: divisions.Relation
    rule: str
    issue_date: date
    residence_since: date
    next_anniversary: date
    new_card: bool  # the notice: "不再重新换发居住证" — never a new card for a change
    zh: str
    en: str


def address_change_effect(
    old_division: str,
    new_division: str,
    changed_on: date,
    issue_date: date,
    residence_since: date,
    next_anniversary: date,
) -> ChangeEffect:
    """Same county: nothing restarts; same city or another city: issue date := change date, period restarts."""
    divisions.county_get(new_division, field="new_division", rule="LH-3.2-change-same-county")
    rel = divisions.relation(old_division, new_division)
    if rel is divisions.Relation.SAME_COUNTY:
        return ChangeEffect(
            rel,
            "LH-3.2-change-same-county",
            issue_date,
            residence_since,
            next_anniversary,
            False,
            "同一县级行政区域内变更：签发日期不变，居住年限连续计算。",
            "Same county-level area: issue date unchanged, residence period continues.",
        )
    rule = "LH-3.2-change-same-city" if rel is divisions.Relation.SAME_CITY else "LH-3.2-change-other-city"
    scope_zh = "同一设区的市内跨县级行政区域" if rel is divisions.Relation.SAME_CITY else "跨设区的市"
    scope_en = "Another county of the same city" if rel is divisions.Relation.SAME_CITY else "Another city"
    return ChangeEffect(
        rel,
        rule,
        changed_on,
        changed_on,
        add_years(changed_on, 1),
        False,
        f"{scope_zh}变更：签发日期改为变更登记日期{changed_on.isoformat()}，居住年限重新计算。",
        f"{scope_en}: the issue date becomes the change date {changed_on.isoformat()}; "
        "the residence period restarts.",
    )
