"""The public page a scanned QR code opens: no login, only what a verifier needs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from juzhu.epermit.services import token_check
from juzhu.policy.errors import Lang, PolicyError
from juzhu.policy.lifecycle import PERMIT_STATUS_LABELS
from juzhu.registry import clock


def verify_page(request: HttpRequest, token: str) -> HttpResponse:
    lang: Lang = "en" if (translation.get_language() or "").startswith("en") else "zh-hans"
    today = clock.today()
    try:
        check = token_check(token, today)
    except PolicyError as e:
        return render(
            request,
            "epermit/verify.html",
            {"ok": False, "error": e.message(lang), "rule": e.rule, "lang": lang},
            status=400,
        )
    label = PERMIT_STATUS_LABELS[check.status] if check.status else ("未签发", "not issued")
    return render(
        request,
        "epermit/verify.html",
        {
            "ok": True,
            "lang": lang,
            "claims": check.claims,
            "status": check.status.value if check.status else "not_issued",
            "status_label": label[1] if lang == "en" else label[0],
            "on": today,
            "stale": not check.current_issue_date,
        },
    )
