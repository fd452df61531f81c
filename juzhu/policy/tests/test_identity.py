"""Resident identity numbers (LH-3.1-identity, GB 11643)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from juzhu.policy import divisions
from juzhu.policy.errors import PolicyError
from juzhu.policy.identity import (
    WARNING_BIRTHPLACE_UNKNOWN,
    IdentityInfo,
    InvalidIdentityNumber,
    Sex,
    age_on,
    identity_mask,
    identity_parse,
    warning_text,
)

TODAY = date(2026, 11, 26)
VALID = "510121199005171238"  # 四川省金堂县, 1990-05-17, male


def make(body17: str) -> str:
    """Complete 17 digits with the right check character."""
    return body17 + ric.calc_check_digit(body17 + "0")


def refused(number: str, today: date = TODAY) -> InvalidIdentityNumber:
    with pytest.raises(InvalidIdentityNumber) as info:
        identity_parse(number, today)
    err = info.value
    assert isinstance(err, PolicyError)
    assert err.rule == "LH-3.1-identity"
    assert tuple(err.fields) == ("identity_number",)
    assert err.zh and err.en and err.zh != err.en
    return err


def test_valid_number() -> None:
    info = identity_parse(VALID, TODAY)
    assert info == IdentityInfo(
        number=VALID,
        birth_date=date(1990, 5, 17),
        sex=Sex.MALE,
        birthplace_code="510121",
        warnings=(),
    )
    assert info.sex.value == "M" and Sex("M") is Sex.MALE


def test_female() -> None:
    info = identity_parse(make("51012119900517124"), TODAY)
    assert info.sex is Sex.FEMALE and info.sex.value == "F"


def test_wrong_check_digit() -> None:
    for wrong in "0123456789X":
        if wrong != "8":
            assert refused(VALID[:-1] + wrong).code == "identity-checksum"


def test_mistyped_digit_is_a_checksum_error() -> None:
    assert refused("510121199005171283").code == "identity-checksum"  # transposed


def test_lower_case_x_accepted() -> None:
    number = make("11010519491231002")
    assert number.endswith("X")
    info = identity_parse(number.lower(), TODAY)
    assert info.number == number
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex is Sex.FEMALE


def test_spaces_and_full_width_normalised() -> None:
    assert identity_parse(" 510121 19900517 1238 ", TODAY).number == VALID
    assert identity_parse("５１０１２１１９９００５１７１２３８", TODAY).number == VALID


@pytest.mark.parametrize(
    "number",
    [
        VALID[:17],  # 17 characters
        VALID + "0",  # 19
        "510121900517123",  # first-generation 15-digit number
        "",
        "51012119900517123Y",
        "5101211990O5171238",  # letter O
        "X10121199005171238",
    ],
)
def test_format_rejected(number: str) -> None:
    err = refused(number)
    assert err.code == "identity-format"
    assert "510121" not in err.zh + err.en  # the number is never echoed


def test_february_30_rejected() -> None:
    assert refused(make("51012119900230123")).code == "identity-birth-date"


def test_month_13_and_day_00_rejected() -> None:
    assert refused(make("51012119901301123")).code == "identity-birth-date"
    assert refused(make("51012119900500123")).code == "identity-birth-date"


def test_birth_before_1900_rejected() -> None:
    assert refused(make("51012118991231123")).code == "identity-birth-date"


def test_feb_29_only_in_leap_years() -> None:
    assert identity_parse(make("51012120000229123"), TODAY).birth_date == date(2000, 2, 29)
    assert refused(make("51012119000229123")).code == "identity-birth-date"  # 1900 not leap


def test_birth_today_accepted_tomorrow_refused() -> None:
    today = date(2026, 3, 1)
    born_today = make("150802" + today.strftime("%Y%m%d") + "001")
    assert identity_parse(born_today, today).birth_date == today
    tomorrow = today + timedelta(days=1)
    born_tomorrow = make("150802" + tomorrow.strftime("%Y%m%d") + "001")
    assert refused(born_tomorrow, today).code == "identity-future-birth"
    assert identity_parse(born_tomorrow, tomorrow).birth_date == tomorrow


def test_unknown_birthplace_is_a_warning() -> None:
    for place in ("999999", "150899", "830000"):
        info = identity_parse(make(place + "19900517123"), TODAY)
        assert info.birthplace_code == place
        assert info.warnings == (WARNING_BIRTHPLACE_UNKNOWN,)
    assert "地址码" in warning_text(WARNING_BIRTHPLACE_UNKNOWN)
    assert "address code" in warning_text(WARNING_BIRTHPLACE_UNKNOWN, "en")


def test_retired_birthplace_code_is_known() -> None:
    # 110228 密云县 (until 2015) is in stdnum's historic table, not in our current one.
    assert not divisions.is_known("110228")
    assert identity_parse(make("11022819800101123"), TODAY).warnings == ()


def test_new_birthplace_code_unknown_to_stdnum_is_known() -> None:
    # 330114 钱塘区 (2021) is in our table but not in stdnum's.
    assert identity_parse(make("33011420220101123"), TODAY).warnings == ()


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    place=st.sampled_from(divisions.all_codes()),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_round_trip(born: date, place: str, sequence: int) -> None:
    number = make(f"{place}{born:%Y%m%d}{sequence:03d}")
    info = identity_parse(number, TODAY)
    assert info.birth_date == born
    assert info.sex is (Sex.MALE if sequence % 2 else Sex.FEMALE)
    assert info.birthplace_code == place
    assert info.warnings == ()
    assert identity_parse(number.lower(), TODAY) == info


# -- masking ------------------------------------------------------------------------


def test_mask() -> None:
    assert identity_mask(VALID) == "510121********1238"
    assert identity_mask("11010519491231002x") == "110105********002X"
    assert identity_mask(" 510121 19900517 1238") == "510121********1238"
    assert identity_mask("510121900517123") == "510121*****7123"  # 15-digit: still hides the date
    assert identity_mask("1234567890") == "**********"
    assert identity_mask("") == ""


# -- age ------------------------------------------------------------------------------


def test_age_on_birthday() -> None:
    born = date(1990, 5, 17)
    assert age_on(born, date(2006, 5, 16)) == 15
    assert age_on(born, date(2006, 5, 17)) == 16
    assert age_on(born, born) == 0


def test_age_leap_day_birth() -> None:
    born = date(2008, 2, 29)
    assert age_on(born, date(2024, 2, 27)) == 15
    assert age_on(born, date(2024, 2, 28)) == 15  # leap year: birthday is the 29th
    assert age_on(born, date(2024, 2, 29)) == 16
    assert age_on(born, date(2025, 2, 27)) == 16
    assert age_on(born, date(2025, 2, 28)) == 17  # T-month-end: common year → 28 February
    assert age_on(born, date(2025, 3, 1)) == 17


def test_age_before_birth() -> None:
    with pytest.raises(ValueError):
        age_on(date(2000, 1, 2), date(2000, 1, 1))
