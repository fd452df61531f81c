"""Typed domain errors of the policy core.

Every error names the rule that decided it (a RULES.md id), a stable
machine-readable ``code`` (used as the problem+json ``type`` suffix), the
request fields it concerns, and a message in zh-Hans and English.  The HTTP
layer maps these once (``juzhu.api.errors``); nothing here knows about HTTP,
except ``kind``, a transport-neutral category the API turns into a status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar, Literal

Lang = Literal["zh-hans", "en"]
Kind = Literal["invalid", "conflict", "not_found", "forbidden", "unavailable", "throttled"]


@dataclass(frozen=True)
class Reason:
    """One explained decision: which rule, what happened, in both languages."""

    rule: str
    code: str
    zh: str
    en: str
    field: str | None = None
    earliest: date | None = None

    def text(self, lang: Lang = "zh-hans") -> str:
        return self.en if lang == "en" else self.zh

    def as_dict(self, lang: Lang = "zh-hans") -> dict[str, object]:
        out: dict[str, object] = {"rule": self.rule, "code": self.code, "message": self.text(lang)}
        if self.field is not None:
            out["field"] = self.field
        if self.earliest is not None:
            out["earliest"] = self.earliest.isoformat()
        return out


@dataclass(eq=False)
class PolicyError(Exception):
    """Base of every refusal the rules make."""

    rule: str
    code: str
    zh: str
    en: str
    fields: Sequence[str] = ()
    reasons: Sequence[Reason] = ()
    extra: Mapping[str, object] = field(default_factory=dict)
    kind: ClassVar[Kind] = "invalid"

    def __post_init__(self) -> None:
        Exception.__init__(self, f"[{self.rule}] {self.en}")

    def message(self, lang: Lang = "zh-hans") -> str:
        return self.en if lang == "en" else self.zh

    def __str__(self) -> str:
        return f"[{self.rule}] {self.en}"


class NotEligible(PolicyError):
    """The applicant does not (yet) meet the conditions; ``reasons`` lists every unmet one."""

    def __init__(self, reasons: Sequence[Reason]) -> None:
        super().__init__(
            rule=reasons[0].rule,  # the first unmet condition; every one is in ``reasons``
            code="not-eligible",
            zh="不符合居住证申领条件：" + "；".join(r.zh for r in reasons),
            en="Not eligible for a residence permit: " + "; ".join(r.en for r in reasons),
            fields=tuple(r.field for r in reasons if r.field),
            reasons=tuple(reasons),
        )


class TransitionNotAllowed(PolicyError):
    kind: ClassVar[Kind] = "conflict"


class CalendarUnknown(PolicyError):
    """A deadline needs a year whose official holiday calendar nobody has entered (T-workdays)."""

    kind: ClassVar[Kind] = "unavailable"

    def __init__(self, year: int) -> None:
        super().__init__(
            rule="T-workdays",
            code="calendar-unknown",
            zh=f"{year}年的法定节假日安排尚未录入，无法计算该期限；请管理员录入国务院公布的放假安排。",
            en=(
                f"The {year} official holiday calendar has not been entered, so this deadline "
                "cannot be computed; an administrator must enter the State Council's schedule."
            ),
            extra={"year": year},
        )
        self.year = year


class InvalidInput(PolicyError):
    """A value that breaks a rule outright (out-of-range fine, bad date order, ...)."""


class Forbidden(PolicyError):
    kind: ClassVar[Kind] = "forbidden"


class NotFound(PolicyError):
    kind: ClassVar[Kind] = "not_found"


class Throttled(PolicyError):
    """Too many tries in too short a time; ``extra["retry_after"]`` says in how many seconds to try again."""

    kind: ClassVar[Kind] = "throttled"

    @property
    def retry_after(self) -> int:
        value = self.extra.get("retry_after", 1)
        return max(int(value), 1) if isinstance(value, int | float) else 1
