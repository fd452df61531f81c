"""Reading the partners' form fields: a missing or malformed value is a ``Problem`` naming the field.

Only the shape of a value is judged here (is it a date at all, within the input bound every date
field shares: 1900-01-01 … 2999-12-31, as ``juzhu.api.v1`` INPUT_DATE_MIN/MAX and the counter);
whether the date is allowed is the service's decision, with its own rule.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, QueryDict

from juzhu.policy.calendar import INPUT_DATE_MAX, INPUT_DATE_MIN
from juzhu.web.pages import Problem


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request gets the fragment; a plain form post gets the whole page."""
    return request.headers.get("HX-Request") == "true"


def date_field(
    data: QueryDict, field: str, rule: str, *, label: tuple[str, str], required: bool = True
) -> tuple[date | None, Problem | None]:
    """A date typed as YYYY-MM-DD (what <input type=date> sends)."""
    raw = (data.get(field) or "").strip()
    if not raw:
        if not required:
            return None, None
        return None, Problem.of(
            rule,
            "date-required",
            f"请填写“{label[0]}”。",
            f"{label[1]} is required.",
            fields=(field,),
        )
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None, Problem.of(
            rule,
            "date-format",
            f"“{label[0]}”应为日期，例如 2026-09-28。",
            f"{label[1]} must be a date such as 2026-09-28.",
            fields=(field,),
        )
    if not INPUT_DATE_MIN <= value <= INPUT_DATE_MAX:
        return None, Problem.of(
            rule,
            "date-out-of-range",
            f"“{label[0]}”超出合理范围（{INPUT_DATE_MIN} 至 {INPUT_DATE_MAX}）。",
            f"{label[1]} is out of range ({INPUT_DATE_MIN} to {INPUT_DATE_MAX}).",
            fields=(field,),
        )
    return value, None


def text_field(data: QueryDict, field: str) -> str:
    return (data.get(field) or "").strip()
