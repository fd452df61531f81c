"""Two languages, side by side in the code: zh-Hans first, English second.

Every user-facing string of the pages is written as a pair, the way the policy
core writes its refusals (``PolicyError.zh`` / ``.en``), so a rule's wording is
never split between a template and a catalogue file.  The request's language
comes from Django's LocaleMiddleware (the language switch, then Accept-Language).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from juzhu.policy.errors import Lang


def lang() -> Lang:
    code = translation.get_language() or "zh-hans"
    return "en" if code.lower().startswith("en") else "zh-hans"


def tr(zh: str, en: str) -> str:
    """The string in the active language."""
    return en if lang() == "en" else zh


def label(pair: tuple[str, str] | None, default: str = "") -> str:
    """A (zh, en) label pair, as the policy core and the pages store them, in the active language."""
    if pair is None:
        return default
    return tr(*pair)


def request_lang(request: HttpRequest) -> Lang:
    code = getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "zh-hans"
    return "en" if code.lower().startswith("en") else "zh-hans"
