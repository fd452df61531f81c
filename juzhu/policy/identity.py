"""Resident identity numbers, 公民身份号码 (LH-3.1-identity, GB 11643-1999).

18 characters: a 6-digit address code (GB/T 2260, the 户口 place when the
number was assigned), an 8-digit birth date ``YYYYMMDD``, a 3-digit sequence
whose last digit is odd for men and even for women, and an ISO 7064 MOD 11-2
check character (0–9 or X).

Hard checks (a refusal, ``InvalidIdentityNumber``): the format, the check
character (``stdnum.cn.ric.calc_check_digit``), a real calendar birth date not
before ``EARLIEST_BIRTH_DATE``, and a birth date not after "today".

``stdnum.cn.ric.validate`` is deliberately *not* used: its birthplace table
rejects valid numbers (older county codes, some regions) and can raise a bare
``KeyError``.  An unknown address code is only a warning for the clerk
(``birthplace-unknown``).  A code is "known" if it is in our current division
table (``juzhu.policy.divisions``) or anywhere — current or historic — in
stdnum's table: the address code is the place at the time the number was
assigned, which may be long after birth, so no year check is made.

Personal information (N-17-confidentiality): error messages never repeat the
number; lists show ``identity_mask``.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from stdnum import numdb
from stdnum.cn import ric

from juzhu.policy import divisions
from juzhu.policy.errors import Lang, PolicyError

RULE = "LH-3.1-identity"
FIELD = "identity_number"
LENGTH = 18
# A birth date before this is taken for a typo, not a person (birth-date reason).
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

Problem = Literal["format", "checksum", "birth-date", "future-birth"]

_MESSAGES: Mapping[Problem, tuple[str, str]] = {
    "format": (
        "公民身份号码应为18位：17位数字加1位校验码（数字或X）。",
        "An identity number has 18 characters: 17 digits and a check character (a digit or X).",
    ),
    "checksum": (
        "公民身份号码校验码不符，请核对是否录入有误。",
        "The identity number's check character does not match; please check it for a typing error.",
    ),
    "birth-date": (
        "公民身份号码中的出生日期不是有效日期。",
        "The birth date in the identity number is not a valid date.",
    ),
    "future-birth": (
        "公民身份号码中的出生日期晚于今天。",
        "The birth date in the identity number is after today.",
    ),
}

# Warnings: message codes, with texts for the clerk.
WARNING_BIRTHPLACE_UNKNOWN = "birthplace-unknown"
WARNINGS: Mapping[str, tuple[str, str]] = {
    WARNING_BIRTHPLACE_UNKNOWN: (
        "公民身份号码的地址码不在行政区划代码表中，请核对身份证件。",
        "The identity number's address code is not in the division table; please check the identity card.",
    ),
}


def warning_text(code: str, lang: Lang = "zh-hans") -> str:
    zh, en = WARNINGS.get(code, (code, code))
    return en if lang == "en" else zh


class InvalidIdentityNumber(PolicyError):
    """The identity number fails a hard check; ``problem`` says which (code ``identity-<problem>``)."""

    def __init__(self, problem: Problem) -> None:
        zh, en = _MESSAGES[problem]
        super().__init__(
            rule=RULE,
            code=f"identity-{problem}",
            zh=zh,
            en=en,
            fields=(FIELD,),
            extra={"problem": problem},
        )
        self.problem: Problem = problem


class Sex(enum.Enum):
    """From the 17th digit: odd for men, even for women."""

    MALE = "M"
    FEMALE = "F"


@dataclass(frozen=True)
class IdentityInfo:
    number: str  # normalised: 17 digits + check character, upper-case X
    birth_date: date
    sex: Sex
    birthplace_code: str
    warnings: tuple[str, ...] = ()


def identity_normalise(number: str) -> str:
    """NFKC (full-width digits and Ｘ from a Chinese IME become ASCII), drop all
    whitespace, upper-case the check character.  No validation."""
    folded = unicodedata.normalize("NFKC", number)
    return "".join(folded.split()).upper()


def _is_ascii_digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


def _birthplace_known(code: str) -> bool:
    if divisions.is_known(code):
        return True
    # Not ric.get_birth_place: it raises a bare KeyError for an unknown county
    # under a known province.  Any entry, current or historic, counts.
    found = numdb.get("cn/loc").info(code)
    return any("county" in props for _, props in found)


def identity_parse(number: str, today: date) -> IdentityInfo:
    """Validate and decompose an 18-character identity number (LH-3.1-identity).

    Raises ``InvalidIdentityNumber`` with problem ``format``, ``checksum``,
    ``birth-date`` or ``future-birth`` (checked in that order).  A birth date
    equal to ``today`` is accepted.  An unknown birthplace is a warning.
    """
    n = identity_normalise(number)
    if len(n) != LENGTH or not _is_ascii_digits(n[:-1]) or not (_is_ascii_digits(n[-1]) or n[-1] == "X"):
        raise InvalidIdentityNumber("format")
    if ric.calc_check_digit(n) != n[-1]:
        raise InvalidIdentityNumber("checksum")
    try:
        born = date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        raise InvalidIdentityNumber("birth-date") from None
    if born < EARLIEST_BIRTH_DATE:
        raise InvalidIdentityNumber("birth-date")
    if born > today:
        raise InvalidIdentityNumber("future-birth")
    place = n[:6]
    warnings: list[str] = []
    if not _birthplace_known(place):
        warnings.append(WARNING_BIRTHPLACE_UNKNOWN)
    return IdentityInfo(
        number=n,
        birth_date=born,
        sex=Sex.MALE if int(n[16]) % 2 == 1 else Sex.FEMALE,
        birthplace_code=place,
        warnings=tuple(warnings),
    )


def identity_mask(number: str) -> str:
    """Keep the first 6 and last 4 characters, mask the rest with ``*``.

    ``510121199005171238`` → ``510121********1238``.  The input is normalised
    first; anything shorter than 11 characters is masked entirely.  Never raises,
    so a list can always render.
    """
    n = identity_normalise(number)
    if len(n) <= 10:
        return "*" * len(n)
    return n[:6] + "*" * (len(n) - 10) + n[-4:]


def _anniversary(born: date, year: int) -> date:
    """T-month-end: the corresponding day in ``year``; 29 February → 28 February
    when ``year`` is not a leap year."""
    try:
        return born.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


def age_on(birth_date: date, on: date) -> int:
    """Age in full years (周岁) on ``on``.

    A person reaches N full years on the N-th anniversary of the birth date,
    the anniversary found by T-month-end (Civil Code art. 202): the
    corresponding day of the birth month, or its last day when that month has
    no such day.  So someone born on 29 February turns N on 28 February in a
    common year and on 29 February in a leap year.  (This is the civil rule; the
    criminal-law reading "from the day after the birthday" is not used.)
    With T-inclusive, "未满16周岁" is ``age_on(...) < 16``.

    Raises ``ValueError`` if ``on`` is before ``birth_date``.
    """
    if on < birth_date:
        raise ValueError("date is before the birth date")
    years = on.year - birth_date.year
    if on < _anniversary(birth_date, on.year):
        years -= 1
    return years


def name_mask(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: a verifier sees enough to match a face, no more (N-17-confidentiality)."""
    return name[:1] + "*" * max(len(name) - 1, 1)


# An address masked keeps its first characters (the province, city or district), never the street.
ADDRESS_KEPT_CHARACTERS = 3


def address_mask(address: str) -> str:
    """临河区新华街1号 → 临河区*****: where, roughly, and no more (N-17-confidentiality)."""
    kept = address[:ADDRESS_KEPT_CHARACTERS]
    return kept + "*" * max(len(address) - len(kept), 1) if address else ""
