"""Permit numbers: division code, year of issue, a sequence, and a check character.

The check character is ISO 7064 MOD 11-2 (0–9 or X), the scheme of the
identity number (GB 11643), so a mistyped digit is caught at the counter.
Format: 6-digit division + 4-digit year + 7-digit sequence + check = 18 characters.
"""

from __future__ import annotations

import unicodedata

from stdnum.iso7064 import mod_11_2

from juzhu.policy.errors import InvalidInput

SEQUENCE_DIGITS = 7


def permit_number_make(division_code: str, year: int, sequence: int) -> str:
    if (
        not (division_code.isdigit() and len(division_code) == 6)
        or not 0 < sequence < 10**SEQUENCE_DIGITS
        or not 1000 <= year <= 9999
    ):
        raise ValueError("bad permit number parts")
    body = f"{division_code}{year:04d}{sequence:0{SEQUENCE_DIGITS}d}"
    return body + str(mod_11_2.calc_check_digit(body))


def permit_number_normalise(value: str) -> str:
    """Strip spaces and dashes, upper-case; raise InvalidInput for a malformed or mistyped number."""
    s = (
        unicodedata.normalize("NFKC", "".join(value.split())).replace("-", "").upper()
    )  # full-width digits too
    digits = s[:-1]
    if len(s) != 18 or not (digits.isascii() and digits.isdigit()) or s[-1] not in "0123456789X":
        raise InvalidInput(
            rule="LH-3.2-replace",
            code="permit-number-format",
            zh="居住证编号应为18位（17位数字加1位校验码）。",
            en="A permit number has 18 characters: 17 digits and a check character.",
            fields=("number",),
        )
    if str(mod_11_2.calc_check_digit(s[:-1])) != s[-1]:
        raise InvalidInput(
            rule="LH-3.2-replace",
            code="permit-number-checksum",
            zh="居住证编号校验码不符，请核对是否输错。",
            en="The permit number's check character does not match: check for a typing error.",
            fields=("number",),
        )
    return s
