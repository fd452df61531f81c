"""What every page shares: who may open it, and how a refusal of the rules is shown.

Pages call the same services and selectors as the API; a ``PolicyError`` becomes
an inline message naming the rule and the fields, in the request's language,
with a 4xx status (422 for bad input, 403, 404, 409), never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from juzhu.accounts.models import StaffProfile
from juzhu.accounts.selectors import staff_profile
from juzhu.policy.errors import PolicyError
from juzhu.policy.reads import ReadNotLogged
from juzhu.registry.selectors import jurisdiction
from juzhu.web.i18n import request_lang, tr

T = TypeVar("T")

# HTTP status of a refusal, by the error's kind (juzhu.policy.errors).
STATUS_BY_KIND = {
    "invalid": 422,
    "not_found": 404,
    "forbidden": 403,
    "conflict": 409,
    "unavailable": 503,
    "throttled": 429,
}


@dataclass(frozen=True)
class Problem:
    """A refusal as a page shows it: the message, the rule it cites, the fields to fix."""

    rule: str
    code: str
    message: str
    fields: tuple[str, ...]
    reasons: tuple[dict[str, str], ...]
    status: int
    retry_after: int | None = None  # seconds, sent as Retry-After with a 429

    @classmethod
    def from_error(cls, exc: PolicyError, request: HttpRequest) -> Problem:
        lang = request_lang(request)
        retry = exc.extra.get("retry_after") if exc.kind == "throttled" else None
        return cls(
            rule=exc.rule,
            code=exc.code,
            message=exc.message(lang),
            fields=tuple(exc.fields),
            reasons=tuple(
                {"rule": r.rule, "text": r.en if lang == "en" else r.zh, "field": r.field or ""}
                for r in exc.reasons
            ),
            status=STATUS_BY_KIND.get(getattr(exc, "kind", "invalid"), 422),
            retry_after=int(retry) if isinstance(retry, int | float) else None,
        )

    @classmethod
    def of(
        cls, rule: str, code: str, zh: str, en: str, fields: tuple[str, ...] = (), status: int = 422
    ) -> Problem:
        return cls(rule=rule, code=code, message=tr(zh, en), fields=fields, reasons=(), status=status)


def attempt(
    request: HttpRequest, fn: Callable[..., T], /, *args: Any, **kwargs: Any
) -> tuple[T | None, Problem | None]:
    """Call a service or selector; a refusal of the rules comes back as a ``Problem``, not an exception."""
    try:
        return fn(*args, **kwargs), None
    except PolicyError as exc:
        return None, Problem.from_error(exc, request)


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    problem: Problem | None = None,
    status: int | None = None,
) -> HttpResponse:
    """Render a page (or, for an htmx request, the same template's partial); a problem sets the status."""
    ctx = dict(context or {})
    if problem is not None:
        ctx["problem"] = problem
    code = status if status is not None else (problem.status if problem is not None else 200)
    response = render(request, template, ctx, status=code)
    if problem is not None and problem.retry_after is not None:
        response["Retry-After"] = str(problem.retry_after)
    return response


def forbidden(request: HttpRequest, zh: str, en: str) -> HttpResponse:
    problem = Problem.of("N-8-authority", "forbidden", zh, en, status=403)
    return render(request, "web/forbidden.html", {"problem": problem}, status=403)


def unavailable(request: HttpRequest, exc: ReadNotLogged) -> HttpResponse:
    """The read could not be logged: nothing of it is shown (N-17-confidentiality), 503."""
    return render(request, "web/unavailable.html", {"problem": Problem.from_error(exc, request)}, status=503)


def staff_page(
    capability: str, *, personal: bool = True
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Only signed-in staff whose role has ``capability`` (juzhu.accounts.ROLE_CAPABILITIES).

    The account must also work in this deployment's county (its ``division_code``), as for the
    API's reads (``staff_read``).  The profile is passed to the view as ``request.staff``; the
    services check the jurisdiction again on every change.

    The view runs in one transaction, so what a page reads and the access-log rows of that read
    (``juzhu.sharing.access``) commit together; if a row cannot be written the page shows nothing
    of the read and answers 503.  A page that shows no personal data at all (``personal=False``:
    aggregate figures) needs no such transaction.
    """

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            profile: StaffProfile | None = staff_profile(request.user)
            if profile is None or not profile.can(capability):
                return forbidden(request, "当前账号无权打开此页面。", "This account may not open this page.")
            if profile.division_code != jurisdiction().division_code:
                # Staff of another county see nothing of this one's records (N-17-confidentiality).
                return forbidden(
                    request,
                    "该页面不属于当前账号的辖区。",
                    "This page is outside the account's jurisdiction.",
                )
            request.staff = profile  # type: ignore[attr-defined]
            if not personal:
                return view(request, *args, **kwargs)
            try:
                with transaction.atomic():
                    return view(request, *args, **kwargs)
            except ReadNotLogged as exc:
                return unavailable(request, exc)

        return wrapper

    return decorate
