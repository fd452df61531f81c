"""Template helpers: ``{% tr "中文" "English" %}``, rule citations and masked identity numbers."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from juzhu.policy.identity import identity_mask, name_mask
from juzhu.web import i18n

register = template.Library()


@register.simple_tag
def tr(zh: str, en: str) -> str:
    """The pair's string in the request's language (zh-Hans first)."""
    return i18n.tr(zh, en)


@register.simple_tag
def rule(rule_id: str) -> SafeString:
    """A rule citation a clerk can read out: ``依据 LH-3.2-issue-15d``."""
    return format_html('<span class="rule" title="{}">{}</span>', i18n.tr("依据条款", "Rule"), rule_id)


@register.filter
def masked(identity_number: str) -> str:
    """Lists show identity numbers masked (N-17-confidentiality)."""
    return identity_mask(identity_number) if identity_number else ""


@register.filter
def masked_name(name: str) -> str:
    """张三 → 张*: a list names nobody in full (N-17-confidentiality, juzhu.policy.identity)."""
    return name_mask(name or "")


@register.filter
def pick(pair: dict[str, str] | None, lang_code: str = "") -> str:
    """``{zh, en}`` dictionaries stored with records (notice items, reasons)."""
    if not pair:
        return ""
    return pair.get("en" if i18n.lang() == "en" else "zh", "") or pair.get("zh", "")
