"""Permit numbers: division + year + sequence + ISO 7064 MOD 11-2 check character.

Check characters worked by hand with the GB 11643 weights
7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check = (12 − sum mod 11) mod 11, 10 → X:
  15080220260000001: sum 136, 136 mod 11 = 4 → 8
  15080220260000019: sum 156, 156 mod 11 = 2 → X
"""

from __future__ import annotations

import pytest

from juzhu.policy.errors import InvalidInput
from juzhu.policy.numbers import permit_number_make, permit_number_normalise

FIRST = "150802202600000018"
WITH_X = "15080220260000019X"


@pytest.mark.parametrize(
    ("division", "year", "sequence", "number"),
    [
        ("150802", 2026, 1, FIRST),
        ("150802", 2026, 19, WITH_X),
    ],
)
def test_make_and_normalise_round_trip(division: str, year: int, sequence: int, number: str) -> None:
    made = permit_number_make(division, year, sequence)
    assert made == number
    assert len(made) == 18
    assert permit_number_normalise(made) == made


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15080220260000019x", WITH_X),  # lower-case x
        ("150802 2026 0000019X", WITH_X),
        ("150802-2026-0000001-8", FIRST),
        ("  150802202600000018\n", FIRST),
        ("150802\u30002026\u30000000001\u30008", FIRST),  # ideographic spaces from a Chinese IME
    ],
)
def test_normalise_accepts_what_a_clerk_types(typed: str, expected: str) -> None:
    assert permit_number_normalise(typed) == expected


@pytest.mark.parametrize("position", range(17))
def test_one_wrong_digit_anywhere_is_caught(position: int) -> None:
    digits = list(FIRST)
    digits[position] = str((int(digits[position]) + 1) % 10)
    with pytest.raises(InvalidInput) as exc:
        permit_number_normalise("".join(digits))
    assert exc.value.code == "permit-number-checksum"
    assert exc.value.fields == ("number",)


@pytest.mark.parametrize("check", ["0", "1", "9", "X"])
def test_a_wrong_check_character_is_caught(check: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        permit_number_normalise(FIRST[:-1] + check)
    assert exc.value.code == "permit-number-checksum"


def test_two_swapped_neighbouring_digits_are_caught() -> None:
    # sequence 0000001 typed as 0000010: sum 136 − 2 + 4 = 138 → check 6, not 8.
    swapped = FIRST[:15] + FIRST[16] + FIRST[15] + FIRST[17:]
    assert swapped == "150802202600000108"
    with pytest.raises(InvalidInput):
        permit_number_normalise(swapped)


@pytest.mark.parametrize(
    "typed",
    [
        "15080220260000001",  # 17 characters
        "1508022026000000188",  # 19
        "15080220260000001Y",
        "X50802202600000018",
        "",
    ],
)
def test_malformed_numbers_are_refused_as_format_errors(typed: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        permit_number_normalise(typed)
    assert exc.value.code == "permit-number-format"
    assert "18" in exc.value.message("zh-hans")


@pytest.mark.parametrize(
    ("division", "sequence"),
    [
        ("15080", 1),
        ("1508021", 1),
        ("15080a", 1),
        ("150802", 0),
        ("150802", 10_000_000),
    ],
)
def test_make_refuses_bad_parts(division: str, sequence: int) -> None:
    with pytest.raises(ValueError, match="bad permit number parts"):
        permit_number_make(division, 2026, sequence)


def test_last_sequence_of_a_year_still_fits() -> None:
    made = permit_number_make("150802", 2026, 9_999_999)
    assert made[:17] == "15080220269999999"
    assert permit_number_normalise(made) == made
