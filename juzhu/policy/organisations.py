"""统一社会信用代码 (GB 32100): employers' codes (LH-4-employer-record).

``stdnum.cn.uscc.validate`` refuses legal codes whose first character is a
letter (N: village collective organisations, A/Y: others), common in a farming
district; only its check-digit arithmetic is used here.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.cn import uscc

from juzhu.policy.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
# First character: the registering authority (1 机构编制, 5 民政, 9 工商, N 农业, A/Y other, …).
AUTHORITIES = frozenset("123456789ANY")
LENGTH = 18


@dataclass(frozen=True)
class OrganisationCode:
    code: str
    authority: str
    division_code: str  # characters 3–8: where it was registered (GB/T 2260)


def _refuse(code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(rule="LH-4-employer-record", code=code, zh=zh, en=en, fields=("credit_code",))


def uscc_parse(value: str) -> OrganisationCode:
    s = "".join(value.split()).upper()
    if len(s) != LENGTH or any(c not in ALPHABET for c in s):
        raise _refuse(
            "credit-code-format",
            "统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）。",
            "A unified social credit code has 18 digits or capital letters (no I, O, S, V, Z).",
        )
    if s[0] not in AUTHORITIES or not s[2:8].isdigit():
        raise _refuse(
            "credit-code-format",
            "统一社会信用代码的登记管理部门码或行政区划码无效。",
            "The code's registering-authority or division part is invalid.",
        )
    if uscc.calc_check_digit(s[:-1]) != s[-1]:
        raise _refuse(
            "credit-code-checksum",
            "统一社会信用代码校验码不符，请核对是否输错。",
            "The credit code's check character does not match: check for a typing error.",
        )
    return OrganisationCode(code=s, authority=s[0], division_code=s[2:8])
