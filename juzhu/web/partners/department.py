"""Department pages: verify a permit, ask an entitlement question, and account for the department's reads.

A department account reads only through its credential and that credential's purposes
(LH-2-sharing): the entitlement question goes through ``sharing.services.entitlement_share``,
exactly as ``GET /api/v1/entitlements/check`` does, which keeps only the purpose's fields and
writes the access-log entry in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from juzhu.policy import reads
from juzhu.policy.entitlements import CATALOGUE, DEPARTMENT_LABELS, SERVICES, Department, Extra, Service
from juzhu.policy.identity import identity_mask
from juzhu.policy.lifecycle import PERMIT_STATUS_LABELS, PermitStatus
from juzhu.policy.sharing import PURPOSES, Purpose
from juzhu.registry import clock
from juzhu.registry.selectors import permit_verify
from juzhu.sharing import selectors as sharing_selectors
from juzhu.sharing.access import client_address
from juzhu.sharing.models import DepartmentCredential
from juzhu.sharing.services import STAFF_FIELDS, STAFF_PURPOSE, caller_resolve, entitlement_share
from juzhu.web.i18n import label, request_lang, tr
from juzhu.web.pages import Problem, attempt, page, staff_page
from juzhu.web.partners.forms import date_field, is_htmx, text_field
from juzhu.web.readlog import read_list

SHARING_RULE = "LH-2-sharing"
LOG_LIMIT = 100

# The names of the fields a purpose may see, and of each read, in words (juzhu.policy.reads).
FIELD_LABELS = reads.FIELD_LABELS
NOT_ISSUED = ("该日期尚未签发", "not issued on that date")
# Conditions a department asserts from its own records (as the API's ``conditions``); gaokao is asked
# separately, and the elderly-or-disabled condition is derived from the register.
ASSERTED = tuple(x for x in Extra if x not in (Extra.GAOKAO, Extra.ELDERLY_OR_DISABLED))
ON_LABEL = ("查询日期", "Date asked about")
# A permit's status on a date follows its endorsement schedule; a malformed question cites that rule.
VERIFY_RULE = "LH-3.2-endorse-window"


# --------------------------------------------------------------------------- the credential


def _credential(request: HttpRequest) -> tuple[DepartmentCredential | None, HttpResponse | None]:
    """The account's active credential; without one, a 403 page giving the service's own reason."""
    credential = sharing_selectors.credential_for(request.user)
    if credential is not None and credential.active:
        return credential, None
    _, problem = attempt(
        request, caller_resolve, request.user, None, staff_purpose=STAFF_PURPOSE, staff_fields=STAFF_FIELDS
    )
    problem = problem or Problem.of(
        SHARING_RULE,
        "no-credential",
        "该部门账号没有有效的共享凭证。",
        "This department account has no active sharing credential.",
        status=403,
    )
    ctx = {"problem": problem, "explain": True}
    return None, page(request, "web/partners/department_forbidden.html", ctx, status=403)


def _check_purposes(credential: DepartmentCredential) -> list[Purpose]:
    """The credential's purposes that include the entitlement answer (the service refuses the others)."""
    return [
        PURPOSES[c]
        for c in sorted(credential.allowed())
        if c in PURPOSES and "entitled" in PURPOSES[c].fields
    ]


def _services(credential: DepartmentCredential) -> list[Service]:
    """The catalogue restricted to the department of the credential's purposes."""
    departments = {p.department for p in _check_purposes(credential)}
    return [s for s in CATALOGUE if s.department in departments]


@dataclass(frozen=True)
class Condition:
    code: str
    label: str


def _conditions(services: list[Service]) -> list[Condition]:
    seen: dict[str, list[str]] = {}
    for s in services:
        if s.extra is not None and s.extra in ASSERTED:
            seen.setdefault(s.extra.value, []).append(tr(s.zh, s.en))
    return [Condition(code, tr("、", ", ").join(names)) for code, names in seen.items()]


def _base_context(request: HttpRequest, credential: DepartmentCredential) -> dict[str, Any]:
    services = _services(credential)
    lang = request_lang(request)
    return {
        "credential": credential,
        "department_label": label(DEPARTMENT_LABELS[Department(credential.department)]),
        "purposes": [
            {
                "code": PURPOSES[c].code,
                "label": PURPOSES[c].en if lang == "en" else PURPOSES[c].zh,
                "fields": [label(FIELD_LABELS[f]) for f in sorted(PURPOSES[c].fields)],
            }
            for c in sorted(credential.allowed())
            if c in PURPOSES
        ],
        "check_purposes": [(p.code, p.en if lang == "en" else p.zh) for p in _check_purposes(credential)],
        "services": [(s.code, s.name(lang), s.rule) for s in services],
        "conditions": _conditions(services),
        "gaokao": any(s.extra is Extra.GAOKAO for s in services),
        "today": clock.today(),
    }


# --------------------------------------------------------------------------- the access log


def _log_rows(request: HttpRequest, credential: DepartmentCredential) -> list[dict[str, Any]]:
    lang = request_lang(request)
    rows = []
    for e in sharing_selectors.access_log_for_department(Department(credential.department))[:LOG_LIMIT]:
        purpose = PURPOSES.get(e.purpose)
        service = SERVICES.get(e.service)
        rows.append(
            {
                "id": e.pk,
                "at": e.at,
                "person": identity_mask(e.person.identity_number) if e.person is not None else "",
                "purpose": (purpose.en if lang == "en" else purpose.zh) if purpose else e.purpose,
                "purpose_code": e.purpose,
                "service": service.name(lang) if service else e.service,
                "asked_on": e.asked_on,
                "what": reads.READS[e.endpoint].label(lang) if e.endpoint in reads.READS else e.endpoint,
                "fields": [label(FIELD_LABELS.get(f, (f, f))) for f in e.fields],
                "actor": e.actor_label,
                "credential": e.credential.code if e.credential else "",
            }
        )
    # The department reading its own log is a read too: masked numbers only, one row (LH-2-sharing).
    read_list(request, "page.department.access_log", len(rows))
    return rows


@staff_page("share")
@require_GET
def department_home(request: HttpRequest) -> HttpResponse:
    credential, refused = _credential(request)
    if credential is None:
        return refused or HttpResponse(status=403)
    ctx = {**_base_context(request, credential), "log": _log_rows(request, credential)}
    return page(request, "web/partners/department_home.html", ctx)


@staff_page("share")
@require_GET
def department_access_log(request: HttpRequest) -> HttpResponse:
    """This department's own reads, newest first (refreshed after each check)."""
    credential, refused = _credential(request)
    if credential is None:
        return refused or HttpResponse(status=403)
    return page(request, "web/partners/_access_log.html", {"log": _log_rows(request, credential)})


# --------------------------------------------------------------------------- verify a permit


@staff_page("share")
@require_GET
def department_verify(request: HttpRequest) -> HttpResponse:
    """A permit's status on a date, with the masked name only: the public verification's selector."""
    credential, refused = _credential(request)
    if credential is None:
        return refused or HttpResponse(status=403)
    number = text_field(request.GET, "number")
    on, problem = date_field(request.GET, "on", VERIFY_RULE, label=ON_LABEL, required=False)
    ctx: dict[str, Any] = {"number": number}
    if problem is None:
        if not number:
            problem = Problem.of(
                VERIFY_RULE,
                "number-required",
                "请填写居住证编号。",
                "Enter the permit number.",
                fields=("number",),
            )
        else:
            verification, problem = attempt(request, permit_verify, number, on or clock.today())
            if verification is not None:
                status: PermitStatus | None = verification.status
                ctx["verification"] = verification
                ctx["status_label"] = label(
                    PERMIT_STATUS_LABELS[status] if status is not None else NOT_ISSUED
                )
                ctx["status_css"] = (
                    {PermitStatus.VALID: "ok", PermitStatus.SUSPENDED: "soon"}.get(status, "bad")
                    if status is not None
                    else "bad"
                )
    if is_htmx(request):
        return page(request, "web/partners/_verify_result.html", ctx, problem=problem)
    full = {**_base_context(request, credential), "log": _log_rows(request, credential), **ctx}
    full["verify_problem"] = problem
    return page(request, "web/partners/department_home.html", full, status=problem.status if problem else 200)


# --------------------------------------------------------------------------- entitlement check


def _extra(request: HttpRequest) -> tuple[dict[str, object], Problem | None]:
    """The conditions the department asserts from its own records, as the API reads them."""
    extra: dict[str, object] = {}
    allowed = {x.value for x in ASSERTED}
    for code in request.POST.getlist("conditions"):
        if code in allowed:
            extra[code] = True
    if request.POST.get("im_senior_high"):
        extra["im_senior_high"] = True
    years = text_field(request.POST, "senior_high_years")
    if years:
        if not years.isdigit() or int(years) > 12:
            return extra, Problem.of(
                "LH-4-svc-2",
                "senior-high-years",
                "高中阶段学习年数应为0至12的整数。",
                "Years of senior-high study must be a whole number from 0 to 12.",
                fields=("senior_high_years",),
            )
        extra["senior_high_years"] = int(years)
    return extra, None


def _shown(data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The purpose's fields as a department reads them; identity numbers masked on screen."""
    out = []
    for key in sorted(data):
        if key in ("entitled", "reasons", "service"):
            continue
        value = data[key]
        if key == "permit_status":
            value = label(PERMIT_STATUS_LABELS[PermitStatus(value)]) if value else label(NOT_ISSUED)
        elif key == "identity_number" and value:
            value = identity_mask(value)
        elif isinstance(value, date):
            value = value.isoformat()
        out.append((key, label(FIELD_LABELS.get(key, (key, key))), value if value not in (None, "") else "—"))
    return out


@staff_page("share")
@require_POST
def department_check(request: HttpRequest) -> HttpResponse:
    """Is this person entitled to this service on this date?  Answered and logged by the sharing service."""
    credential, refused = _credential(request)
    if credential is None:
        return refused or HttpResponse(status=403)
    on, problem = date_field(request.POST, "on", "LH-4-services", label=ON_LABEL, required=False)
    extra, extra_problem = _extra(request)
    problem = problem or extra_problem
    ctx: dict[str, Any] = {}
    if problem is None:
        shared, problem = attempt(
            request,
            entitlement_share,
            actor=request.user,
            identity_number=text_field(request.POST, "identity_number"),
            service=text_field(request.POST, "service"),
            on=on,
            purpose=text_field(request.POST, "purpose") or None,
            extra=extra,
            lang=request_lang(request),
            address=client_address(request),
        )
        if shared is not None:
            service = SERVICES.get(str(shared.data.get("service", "")))
            purpose = PURPOSES[shared.purpose]
            ctx.update(
                shared=shared,
                entitled=shared.data.get("entitled"),
                reasons=shared.data.get("reasons", []),
                service_name=service.name(request_lang(request))
                if service
                else text_field(request.POST, "service"),
                service_rule=service.rule if service else "LH-4-services",
                purpose_label=purpose.en if request_lang(request) == "en" else purpose.zh,
                shown=_shown(shared.data),
            )
    if is_htmx(request):
        response = page(request, "web/partners/_check_result.html", ctx, problem=problem)
        if "shared" in ctx:
            response["HX-Trigger"] = "access-logged"
        return response
    full = {**_base_context(request, credential), "log": _log_rows(request, credential), **ctx}
    full["check_problem"] = problem
    full["posted"] = request.POST
    return page(request, "web/partners/department_home.html", full, status=problem.status if problem else 200)
