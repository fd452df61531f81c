"""Who may act for whom (LH-3.2-proxy)."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.errors import InvalidInput
from juzhu.policy.parameters import JurisdictionPolicy
from juzhu.policy.proxy import ALLOWED_RELATIONS, ProxyRelation, age_on, proxy_check, proxy_ensure

D = date
R = ProxyRelation


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (D(2010, 10, 1), D(2026, 9, 30), 15),
        (D(2010, 10, 1), D(2026, 10, 1), 16),  # the birthday itself
        (D(1966, 10, 1), D(2026, 9, 30), 59),
        (D(1966, 10, 1), D(2026, 10, 1), 60),
        (D(2000, 2, 29), D(2026, 2, 27), 25),
        (D(2000, 2, 29), D(2026, 2, 28), 26),  # T-month-end: 29 Feb birthday on 28 Feb
        (D(2008, 2, 29), D(2024, 2, 28), 15),
        (D(2008, 2, 29), D(2024, 2, 29), 16),
    ],
)
def test_age_in_full_years(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


@pytest.mark.parametrize(
    ("born", "on", "allowed"),
    [
        (D(2010, 10, 1), D(2026, 9, 30), True),  # 15: under 16
        (D(2010, 10, 1), D(2026, 10, 1), False),  # 16 on the birthday: "未满16周岁" excludes it
        (D(2008, 2, 29), D(2024, 2, 28), True),
        (D(2008, 2, 29), D(2024, 2, 29), False),
        (D(2026, 3, 1), D(2026, 9, 30), True),  # a baby
    ],
)
def test_minor_under_16(born: date, on: date, allowed: bool) -> None:
    decision = proxy_check(born, R.PARENT, on)
    assert decision.allowed is allowed
    if allowed:
        assert decision.reasons == ()
    else:
        assert [(r.rule, r.code, r.field) for r in decision.reasons] == [
            ("LH-3.2-proxy", "principal-not-eligible-for-proxy", "principal")
        ]
        assert "16周岁" in decision.reasons[0].zh


@pytest.mark.parametrize(
    ("born", "on", "limited_mobility", "allowed"),
    [
        (D(1966, 10, 1), D(2026, 9, 30), True, False),  # 59
        (D(1966, 10, 1), D(2026, 10, 1), True, True),  # 60 on the birthday
        (D(1966, 10, 1), D(2026, 10, 1), False, False),  # 60 but can come in person
        (D(1940, 1, 1), D(2026, 10, 1), False, False),  # 86, moves freely
        (D(1940, 1, 1), D(2026, 10, 1), True, True),
    ],
)
def test_elderly_with_limited_mobility(born: date, on: date, limited_mobility: bool, allowed: bool) -> None:
    decision = proxy_check(born, R.CHILD, on, limited_mobility=limited_mobility)
    assert decision.allowed is allowed


@pytest.mark.parametrize(
    ("disabled", "limited_mobility", "allowed"),
    [
        (True, False, True),
        (False, True, False),  # a 30-year-old with limited mobility is not "elderly"
        (False, False, False),
    ],
)
def test_disabled_adult(disabled: bool, limited_mobility: bool, allowed: bool) -> None:
    decision = proxy_check(
        D(1996, 5, 6), R.SPOUSE, D(2026, 10, 1), disabled=disabled, limited_mobility=limited_mobility
    )
    assert decision.allowed is allowed


@pytest.mark.parametrize("relation", sorted(ALLOWED_RELATIONS))
def test_guardian_and_close_relatives_may_act_for_a_minor(relation: ProxyRelation) -> None:
    assert proxy_check(D(2015, 6, 1), relation, D(2026, 10, 1)).allowed is True


def test_close_relatives_are_those_of_civil_code_art_1045() -> None:
    assert {
        R.GUARDIAN,
        R.SPOUSE,
        R.PARENT,
        R.CHILD,
        R.SIBLING,
        R.GRANDPARENT,
        R.GRANDCHILD,
    } == ALLOWED_RELATIONS


def test_other_relation_is_refused_with_the_reason() -> None:
    decision = proxy_check(D(2015, 6, 1), R.OTHER, D(2026, 10, 1))
    assert decision.allowed is False
    assert [(r.code, r.field) for r in decision.reasons] == [("proxy-not-relative", "proxy_relation")]
    assert "近亲属" in decision.reasons[0].zh


def test_every_reason_is_listed_at_once_and_raised() -> None:
    decision = proxy_check(D(1996, 5, 6), R.OTHER, D(2026, 10, 1))
    assert [r.code for r in decision.reasons] == ["principal-not-eligible-for-proxy", "proxy-not-relative"]
    with pytest.raises(InvalidInput) as exc:
        proxy_ensure(decision)
    err = exc.value
    assert err.rule == "LH-3.2-proxy"
    assert err.code == "proxy-not-allowed"
    assert err.fields == ("principal", "proxy_relation")
    assert len(err.reasons) == 2
    assert "30周岁" in err.message("zh-hans")


def test_proxy_ensure_passes_an_allowed_proxy() -> None:
    proxy_ensure(proxy_check(D(2015, 6, 1), R.GRANDPARENT, D(2026, 10, 1)))


def test_ages_are_policy_parameters() -> None:
    policy = JurisdictionPolicy(proxy_minor_age=18, elderly_age=65)
    assert proxy_check(D(2010, 10, 1), R.PARENT, D(2026, 10, 1), policy=policy).allowed is True
    assert (
        proxy_check(D(1966, 10, 1), R.CHILD, D(2026, 10, 1), limited_mobility=True, policy=policy).allowed
        is False
    )
