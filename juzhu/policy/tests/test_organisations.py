"""统一社会信用代码 of employers (LH-4-employer-record, GB 32100)."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc

from juzhu.policy.errors import InvalidInput
from juzhu.policy.organisations import ALPHABET, OrganisationCode, uscc_parse

RULE = "LH-4-employer-record"

# Check characters worked by hand (GB 32100: weights 3^i mod 31, check = (31 - Σ mod 31) mod 31):
#   91150802MA0Q12345  Σ = 1766 ≡ 30 → check 1  → "1"
#   N2150802123456789  Σ = 1365 ≡ 1  → check 30 → "Y"
#   A1150802123456789  Σ = 1350 ≡ 17 → check 14 → "E"
#   Y1150802123456789  Σ = 1370 ≡ 6  → check 25 → "R"
ENTERPRISE = "91150802MA0Q123451"  # 9 工商, registered in Linhe (150802)
VILLAGE = "N2150802123456789Y"  # N 农业: village collective economic organisation
MILITARY = "A1150802123456789E"  # A
OTHER = "Y1150802123456789R"  # Y 其他
STDNUM_EXAMPLE = "91110000600037341L"  # the example stdnum's own docs validate


def with_check(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


@pytest.mark.parametrize(
    ("code", "authority", "division"),
    [
        (ENTERPRISE, "9", "150802"),
        (VILLAGE, "N", "150802"),
        (MILITARY, "A", "150802"),
        (OTHER, "Y", "150802"),
        (STDNUM_EXAMPLE, "9", "110000"),
    ],
)
def test_valid_codes_parse(code: str, authority: str, division: str) -> None:
    assert uscc_parse(code) == OrganisationCode(code=code, authority=authority, division_code=division)


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("91150802MA0Q12345", "1"),
        ("N2150802123456789", "Y"),
        ("A1150802123456789", "E"),
        ("Y1150802123456789", "R"),
    ],
)
def test_hand_computed_check_characters_agree_with_stdnum(body: str, check: str) -> None:
    assert uscc.calc_check_digit(body) == check
    assert with_check(body) == body + check


@pytest.mark.parametrize("code", [VILLAGE, MILITARY, OTHER])
def test_letter_authority_codes_are_legal_though_stdnum_validate_refuses_them(code: str) -> None:
    # Why the module uses only calc_check_digit (see /work/shared/notes/libraries.md).
    with pytest.raises(uscc.ValidationError):
        uscc.validate(code)
    assert uscc_parse(code).code == code


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("91150802ma0q123451", ENTERPRISE),
        ("n2150802123456789y", VILLAGE),
        ("  9115 0802 MA0Q 1234 51 ", ENTERPRISE),
        ("a1150802123456789e\n", MILITARY),
    ],
)
def test_lower_case_and_spaces_are_normalised(typed: str, normal: str) -> None:
    assert uscc_parse(typed).code == normal


@pytest.mark.parametrize("code", [ENTERPRISE, VILLAGE, MILITARY, OTHER])
def test_every_wrong_check_character_is_refused(code: str) -> None:
    for wrong in ALPHABET:
        if wrong == code[-1]:
            continue
        with pytest.raises(InvalidInput) as exc:
            uscc_parse(code[:-1] + wrong)
        assert exc.value.rule == RULE
        assert exc.value.code == "credit-code-checksum"
        assert tuple(exc.value.fields) == ("credit_code",)


def test_a_mistyped_body_character_is_caught_by_the_check() -> None:
    with pytest.raises(InvalidInput) as exc:
        uscc_parse("91150802MA0Q123461")  # …45 typed …46
    assert exc.value.code == "credit-code-checksum"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
@pytest.mark.parametrize("position", [9, 12, 17])
def test_letters_outside_gb32100_are_refused(letter: str, position: int) -> None:
    code = ENTERPRISE[:position] + letter + ENTERPRISE[position + 1 :]
    with pytest.raises(InvalidInput) as exc:
        uscc_parse(code)
    assert exc.value.rule == RULE
    assert exc.value.code == "credit-code-format"


@pytest.mark.parametrize("letter", ["i", "o", "s", "v", "z"])
def test_lower_case_forbidden_letters_are_refused_too(letter: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        uscc_parse("91150802ma0q1234" + letter + "1")
    assert exc.value.code == "credit-code-format"


@pytest.mark.parametrize(
    "code",
    [
        "",
        ENTERPRISE[:-1],  # 17
        ENTERPRISE + "1",  # 19
        "91150802MA0Q12345-1",  # punctuation
        "９１150802MA0Q123451",  # full-width digits
    ],
)
def test_wrong_length_or_characters_are_refused(code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        uscc_parse(code)
    assert exc.value.code == "credit-code-format"


@pytest.mark.parametrize(
    "body",
    [
        "01150802MA0Q12345",  # 0 is no registering authority
        "B1150802MA0Q12345",  # B is in the alphabet but is no authority
        "X1150802MA0Q12345",
        "911508A2MA0Q12345",  # division part must be digits
        "91X50802MA0Q12345",
    ],
)
def test_bad_authority_or_division_is_refused_even_with_a_correct_check(body: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        uscc_parse(with_check(body))
    assert exc.value.rule == RULE
    assert exc.value.code == "credit-code-format"


@pytest.mark.parametrize("authority", list("123456789ANY"))
def test_every_known_authority_is_accepted(authority: str) -> None:
    code = with_check(authority + "1150802MA0Q12345")
    assert uscc_parse(code).authority == authority
