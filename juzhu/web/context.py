"""The navigation each role sees; a person sees only what the role may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from juzhu.accounts.models import Role
from juzhu.accounts.selectors import staff_profile
from juzhu.registry.selectors import jurisdiction
from juzhu.web.i18n import request_lang

PUBLIC_NAV = [
    ("web:portal-guide", "办事指南", "Guide"),
    ("web:portal-check", "自助检查", "Self-check"),
    ("web:portal-apply", "网上预申请", "Apply online"),
    ("web:portal-progress", "进度查询", "Progress"),
    ("web:holder-permit", "我的居住证", "My permit"),
]
COUNTER_NAV = [
    ("web:wb-queue", "今日待办", "Today's queue"),
    ("web:counter-find", "查找人员", "Find a person"),
]
NAV_BY_ROLE: dict[str, list[tuple[str, str, str]]] = {
    Role.CLERK: COUNTER_NAV,
    Role.SUPERVISOR: [*COUNTER_NAV, ("web:dashboard", "统计看板", "Dashboard")],
    Role.ADMINISTRATOR: [*COUNTER_NAV, ("web:dashboard", "统计看板", "Dashboard")],
    Role.EMPLOYER: [("web:employer-home", "本单位", "Our staff")],
    Role.DEPARTMENT: [("web:dept-home", "核验与查询", "Verify and check")],
    Role.SYSTEM: [],
    # 三员分立: the audit administrator sees the reading report and the audit trail, nothing else.
    Role.AUDITOR: [
        ("web:audit-report", "查阅审计", "Read audit"),
        ("web:audit-trail", "审计日志", "Audit trail"),
    ],
}


ROLE_LABELS: dict[str, tuple[str, str]] = {
    Role.CLERK: ("窗口民警/辅警", "clerk"),
    Role.SUPERVISOR: ("审核负责人", "supervisor"),
    Role.ADMINISTRATOR: ("系统管理员", "administrator"),
    Role.AUDITOR: ("审计管理员", "audit administrator"),
    Role.SYSTEM: ("对接系统", "system"),
    Role.EMPLOYER: ("用人单位", "employer"),
    Role.DEPARTMENT: ("共享部门", "department"),
}


def nav(request: HttpRequest) -> dict[str, Any]:
    profile = staff_profile(getattr(request, "user", None))
    lang = request_lang(request)
    items = NAV_BY_ROLE.get(profile.role, []) if profile is not None else PUBLIC_NAV
    return {
        "nav_items": [(name, en if lang == "en" else zh) for name, zh, en in items],
        "staff_profile": profile,
        "role_label": "" if profile is None else ROLE_LABELS.get(profile.role, ("", ""))[lang == "en"],
        "ui_lang": lang,
        # The jurisdiction's named thresholds, for sentences that state them (never typed in a template).
        "policy": jurisdiction(),
    }
