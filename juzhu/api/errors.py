"""One place that turns domain errors and bad input into RFC 9457 problem+json, in the request's language."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from juzhu.policy.errors import Lang, PolicyError, Throttled

PROBLEM_BASE = "https://juzhu.linhe.gov.cn/problems/"
# Parts of a pydantic error location that name where a value came from, not the field itself.
_LOCATION_PARTS = ("body", "query", "path", "header", "file", "form", "cookie")
STATUS = {
    "invalid": 422,
    "conflict": 409,
    "not_found": 404,
    "forbidden": 403,
    "unavailable": 503,
    "throttled": 429,
}


# The 429 of public verification, documented in OpenAPI; answered before the view runs
# (``web.throttle.VerifyRateLimitMiddleware``).
VERIFY_LIMIT_RESPONSE = {
    "description": "Too many verifications from this address this minute (N-17-confidentiality): "
    "application/problem+json, type …/too-many-verifications, with a Retry-After header in seconds.",
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}},
}


def request_lang(request: HttpRequest) -> Lang:
    lang = getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "zh-hans"
    return "en" if lang.lower().startswith("en") else "zh-hans"


def problem(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, title: str, detail: str, **extra: Any
) -> HttpResponse:
    body = {"type": PROBLEM_BASE + code, "title": title, "status": status, "detail": detail, **extra}
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    response["Content-Language"] = request_lang(request)
    return response


def install(api: NinjaAPI) -> None:
    @api.exception_handler(PolicyError)
    def policy_error(request: HttpRequest, exc: PolicyError) -> HttpResponse:
        lang = request_lang(request)
        extra: dict[str, Any] = {"rule": exc.rule, "fields": list(exc.fields)}
        if exc.reasons:
            extra["reasons"] = [r.as_dict(lang) for r in exc.reasons]
        if exc.extra:
            extra["context"] = dict(exc.extra)
        message = exc.message(lang)
        response = problem(api, request, STATUS[exc.kind], exc.code, message, message, **extra)
        if isinstance(exc, Throttled):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        lang = request_lang(request)
        fields = []
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", ())]
            if loc[:1] and loc[0] in _LOCATION_PARTS:
                loc = loc[1:]  # the source ("body", "query", "file", ...), not the field
            if loc[:1] == ["payload"]:
                loc = loc[1:]  # ninja's name for the body schema
            # An empty location is the body as a whole (e.g. ``null`` or no body at all).
            fields.append({"field": ".".join(loc) or "body", "message": err.get("msg", "")})
        title = "Invalid request" if lang == "en" else "请求内容有误"
        detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return problem(
            api,
            request,
            422,
            "invalid-request",
            title,
            detail,
            rule="N-9-materials",
            fields=[f["field"] for f in fields],
            errors=fields,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        lang = request_lang(request)
        title = "Authentication required" if lang == "en" else "需要登录或有效的API令牌"
        return problem(
            api, request, 401, "unauthenticated", title, title, rule="N-17-confidentiality", fields=[]
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # django-ninja's answer to a body that is not JSON
            lang = request_lang(request)
            title = "The request body must be a JSON object" if lang == "en" else "请求体须为JSON对象"
            return problem(
                api, request, 400, "malformed-body", title, title, rule="N-9-materials", fields=["body"]
            )
        return problem(
            api, request, exc.status_code, "http-error", str(exc), str(exc), rule="N-9-materials", fields=[]
        )
