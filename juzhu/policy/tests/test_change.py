"""Address change (LH-3.2-change-same-county / -same-city / -other-city)."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.change import address_change_effect
from juzhu.policy.divisions import Relation, UnknownDivision

D = date
LINHE = "150802"
WUYUAN = "150821"  # 五原县, Bayannur: same city
HOHHOT_XINCHENG = "150102"  # 呼和浩特市新城区: another city

ISSUED = D(2025, 10, 3)
SINCE = D(2025, 10, 3)
NEXT = D(2026, 10, 3)


def test_moving_within_linhe_changes_nothing() -> None:
    effect = address_change_effect(LINHE, LINHE, D(2026, 5, 6), ISSUED, SINCE, NEXT)
    assert effect.relation is Relation.SAME_COUNTY
    assert effect.rule == "LH-3.2-change-same-county"
    assert (effect.issue_date, effect.residence_since, effect.next_anniversary) == (ISSUED, SINCE, NEXT)
    assert effect.new_card is False
    assert "签发日期不变" in effect.zh


@pytest.mark.parametrize(
    ("old", "new", "relation", "rule"),
    [
        (LINHE, WUYUAN, Relation.SAME_CITY, "LH-3.2-change-same-city"),
        (WUYUAN, LINHE, Relation.SAME_CITY, "LH-3.2-change-same-city"),
        (LINHE, HOHHOT_XINCHENG, Relation.OTHER_CITY, "LH-3.2-change-other-city"),
    ],
)
@pytest.mark.parametrize(
    ("changed", "next_anniv"),
    [
        (D(2026, 5, 6), D(2027, 5, 6)),
        (D(2026, 10, 8), D(2027, 10, 8)),
        (D(2028, 2, 29), D(2029, 2, 28)),  # T-month-end
    ],
)
def test_moving_to_another_county_restarts_issue_date_and_residence(
    old: str, new: str, relation: Relation, rule: str, changed: date, next_anniv: date
) -> None:
    effect = address_change_effect(old, new, changed, ISSUED, SINCE, NEXT)
    assert effect.relation is relation
    assert effect.rule == rule
    assert effect.issue_date == changed
    assert effect.residence_since == changed
    assert effect.next_anniversary == next_anniv  # anniversaries follow the new issue date
    assert effect.new_card is False  # "不再重新换发居住证"
    assert changed.isoformat() in effect.zh
    assert changed.isoformat() in effect.en
    assert "居住年限重新计算" in effect.zh


@pytest.mark.parametrize("code", ["15082", "1508021", "ab0802"])
def test_a_malformed_division_code_is_refused(code: str) -> None:
    with pytest.raises(UnknownDivision):
        address_change_effect(LINHE, code, D(2026, 5, 6), ISSUED, SINCE, NEXT)
