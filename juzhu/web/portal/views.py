"""The applicant portal (public, no login): guide, self-check, online application and progress.

Every condition, material, deadline, fee and status shown comes from ``juzhu.policy`` and the
registry's services, each with its rule id (LH-5-publicity: the guide is generated from the
same rules the system enforces).  The guide and the self-check read nobody's data.  Everything
else starts with a pair that only finds the person or the case (identity number and name; the
application number and identity number) and a one-time code sent to the mobile number on record
(``web.portal.proof``); the session then keeps the proof — opaque ids and a time, never an
identity number or a name — for ``CODES.verified_for`` (docs/decisions/0010).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juzhu.policy import divisions
from juzhu.policy.calendar import INPUT_DATE_MAX, INPUT_DATE_MIN
from juzhu.policy.eligibility import ApplicantFacts, Eligibility, eligibility_check
from juzhu.policy.errors import Lang
from juzhu.policy.fees import fee_for
from juzhu.policy.lifecycle import APP_STATUS_LABELS, APPLICATION_TABLE, AppAction, AppStatus
from juzhu.policy.materials import (
    CONDITION_EVIDENCE,
    CONDITION_RULES,
    CaseKind,
    Condition,
    Doc,
    Requirement,
    checklist,
    doc_label,
    docs_parse,
    missing,
    notice_for,
)
from juzhu.policy.parameters import JurisdictionPolicy
from juzhu.policy.proof import CODES, Proof, Purpose, code_required
from juzhu.policy.proxy import ALLOWED_RELATIONS, ProxyRelation
from juzhu.registry import clock, online
from juzhu.registry.models import Application, ApplicationDocument, Notice, Person, PoliceStation
from juzhu.registry.selectors import jurisdiction, mask_name
from juzhu.registry.services import application_requirements, notice_requirements
from juzhu.web.i18n import label, request_lang, tr
from juzhu.web.pages import Problem, attempt, page
from juzhu.web.portal.labels import CONDITION_LABELS, KIND_LABELS, REISSUE_REASON_LABELS, RELATION_LABELS
from juzhu.web.portal.proof import code_start, proof_expired, proof_forget, proof_get, proof_keep
from juzhu.web.throttle import lookup_begin, lookup_failed, lookup_succeeded

ACCEPT_FILES = ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"
_DIVISION = re.compile(r"^\d{6}$")


def _requirement_rows(
    reqs: tuple[Requirement, ...], lang: Lang, have: frozenset[Doc] = frozenset()
) -> list[dict[str, Any]]:
    """Checklist lines as a page shows them: text, rule, the documents that meet it, met or not."""
    return [
        {
            "key": r.key,
            "rule": r.rule,
            "text": r.text(lang),
            "docs": sorted(((d.value, doc_label(d, lang)) for d in r.any_of), key=lambda x: x[1]),
            "single": len(r.any_of) == 1,
            "met": r.met_by(have),
        }
        for r in reqs
    ]


def _stations() -> list[PoliceStation]:
    return list(PoliceStation.objects.filter(division_code=jurisdiction().division_code).order_by("code"))


# --------------------------------------------------------------------------- 办事指南


@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    """办事指南 (LH-5-publicity): conditions, materials, deadlines and fees, straight from the policy."""
    lang = request_lang(request)
    policy = jurisdiction()
    conditions = [
        {
            "key": c.value,
            "rule": CONDITION_RULES[c],
            "label": label(CONDITION_LABELS[c]),
            "evidence": sorted(doc_label(d, lang) for d in CONDITION_EVIDENCE[c]),
        }
        for c in Condition
    ]
    cases = []
    for kind in online.ONLINE_KINDS:
        fee = fee_for(kind, policy)
        cases.append(
            {
                "kind": kind.value,
                "label": label(KIND_LABELS[kind]),
                "in_person": _requirement_rows(checklist(kind, proxy=False), lang),
                "by_proxy": _requirement_rows(checklist(kind, proxy=True), lang),
                "fee": fee.amount,
                "fee_rule": fee.rule,
            }
        )
    relations = [label(RELATION_LABELS[r]) for r in ProxyRelation if r in ALLOWED_RELATIONS]
    return page(
        request,
        "web/portal/guide.html",
        {
            "policy": policy,
            "authority": policy.issuing_authority_en if lang == "en" else policy.issuing_authority_zh,
            "district": policy.name_en if lang == "en" else policy.name_zh,
            "conditions": conditions,
            "cases": cases,
            "endorsement_fee": fee_for(CaseKind.ENDORSEMENT, policy),
            "relations": relations,
        },
    )


# --------------------------------------------------------------------------- 自助检查


def _check_form(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    return {
        "hukou_division": post.get("hukou_division", "").strip(),
        "registration_date": post.get("registration_date", "").strip(),
        "registered_here": post.get("registered_here", "yes"),
        "conditions": post.getlist("conditions"),
        "documents": post.getlist("documents"),
        "proxy": bool(post.get("proxy")),
    }


def _parse_date(value: str, field: str, rule: str) -> tuple[date | None, Problem | None]:
    if not value:
        return None, None
    try:
        d = date.fromisoformat(value)
    except ValueError:
        d = None
    if d is None or not INPUT_DATE_MIN <= d <= INPUT_DATE_MAX:
        return None, Problem.of(
            rule,
            "date-format",
            "日期格式不正确（应为 年-月-日）。",
            "The date is not valid (YYYY-MM-DD).",
            (field,),
        )
    return d, None


def _check_context(request: HttpRequest, form: dict[str, Any]) -> dict[str, Any]:
    lang = request_lang(request)
    return {
        "form": form,
        "today": clock.today(),
        "district": jurisdiction().name_en if lang == "en" else jurisdiction().name_zh,
        "condition_options": [(c.value, label(CONDITION_LABELS[c])) for c in Condition],
        "document_options": sorted(
            ((d.value, doc_label(d, lang)) for r in checklist(CaseKind.FIRST_ISSUE) for d in r.any_of),
            key=lambda x: (x[0] not in ("identity_card", "photo"), x[1]),
        ),
    }


def _eligibility(facts: ApplicantFacts, policy: JurisdictionPolicy) -> Eligibility:
    """An unknown division names the policy's generic field; the form needs the one it sent (as the API)."""
    try:
        return eligibility_check(facts, clock.today(), policy)
    except divisions.UnknownDivision as exc:
        exc.fields = ("hukou_division",)
        raise


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """自助检查: the API's what-if check as a form; nothing is stored."""
    htmx = request.headers.get("HX-Request") == "true"
    template = "web/portal/_check_result.html" if htmx else "web/portal/check.html"
    if request.method != "POST":
        return page(request, "web/portal/check.html", _check_context(request, _check_form(request)))
    form = _check_form(request)
    ctx = _check_context(request, form)
    lang = request_lang(request)
    if not _DIVISION.match(form["hukou_division"]):
        bad_division = Problem.of(
            "LH-3.1-hukou",
            "division-format",
            "户口所在地行政区划代码应为6位数字。",
            "The household registration division code must be 6 digits.",
            ("hukou_division",),
        )
        return page(request, template, ctx, problem=bad_division)
    registration_date, problem = _parse_date(
        form["registration_date"], "registration_date", "LH-3.1-registered-6m"
    )
    if problem is not None:
        return page(request, template, ctx, problem=problem)
    try:
        claimed = frozenset(Condition(c) for c in form["conditions"])
    except ValueError:
        claimed = None
    if claimed is None:
        return page(
            request,
            template,
            ctx,
            problem=Problem.of(
                "LH-3.1-condition", "condition", "未知的条件。", "Unknown condition.", ("conditions",)
            ),
        )
    docs, problem = attempt(request, docs_parse, form["documents"])
    if problem is not None or docs is None:
        return page(request, template, ctx, problem=problem)
    policy = jurisdiction()
    facts = ApplicantFacts(
        hukou_division=form["hukou_division"],
        registration_division=(policy.division_code if form["registered_here"] == "yes" else "")
        if registration_date
        else None,
        registration_date=registration_date,
        documents=docs,
        claimed_conditions=claimed,
    )
    result, problem = attempt(request, _eligibility, facts, policy)
    if problem is not None or result is None:
        return page(request, template, ctx, problem=problem)
    reqs = checklist(CaseKind.FIRST_ISSUE, proxy=form["proxy"])
    notice = notice_for(reqs, docs)
    ctx["result"] = {
        "eligible": result.eligible,
        "earliest": result.earliest,
        "reasons": [
            {"rule": r.rule, "text": r.text(lang), "field": r.field, "earliest": r.earliest}
            for r in result.reasons
        ],
        "met": [{"rule": r.rule, "text": r.text(lang)} for r in result.met],
        "checklist": _requirement_rows(reqs, lang, docs),
        "missing": _requirement_rows(notice.items, lang) if notice else [],
    }
    return page(request, template, ctx)


# --------------------------------------------------------------------------- 网上预申请


def _apply_form(request: HttpRequest) -> dict[str, Any]:
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind", CaseKind.FIRST_ISSUE.value)
    if kind not in {k.value for k in online.ONLINE_KINDS}:
        kind = CaseKind.FIRST_ISSUE.value
    return {
        "kind": kind,
        "reissue_reason": data.get("reissue_reason", ""),
        "police_station": data.get("police_station", ""),
        "proxy": bool(data.get("proxy")),
        "proxy_name": data.get("proxy_name", "").strip(),
        "proxy_identity_number": data.get("proxy_identity_number", "").strip(),
        "proxy_relation": data.get("proxy_relation", ""),
        "phone": data.get("phone", "").strip(),
        "email": data.get("email", "").strip(),
    }


def _apply_context(request: HttpRequest, form: dict[str, Any], proof: Proof) -> dict[str, Any]:
    lang = request_lang(request)
    kind = CaseKind(form["kind"])
    person = Person.objects.only("name").get(pk=proof.person_id)
    return {
        "form": form,
        "applicant": mask_name(person.name),
        "verified_until": timezone.localtime(proof.verified_at + CODES.verified_for),
        "kinds": [(k.value, label(KIND_LABELS[k])) for k in online.ONLINE_KINDS],
        "reasons": [(r, label(REISSUE_REASON_LABELS[r])) for r in REISSUE_REASON_LABELS],
        "relations": [(r.value, label(RELATION_LABELS[r])) for r in ProxyRelation],
        "stations": _stations(),
        "proxy_minor_age": jurisdiction().proxy_minor_age,
        "materials": _requirement_rows(online.online_checklist(kind, proxy=form["proxy"]), lang),
        "accept_files": ACCEPT_FILES,
        "max_mb": settings.JUZHU_UPLOAD_MAX_BYTES // (1024 * 1024),
    }


def _materials_context(request: HttpRequest, form: dict[str, Any]) -> dict[str, Any]:
    """The file inputs only (no personal data): the htmx fragment when the kind or the proxy changes."""
    kind = CaseKind(form["kind"])
    return {
        "materials": _requirement_rows(
            online.online_checklist(kind, proxy=form["proxy"]), request_lang(request)
        ),
        "accept_files": ACCEPT_FILES,
        "max_mb": settings.JUZHU_UPLOAD_MAX_BYTES // (1024 * 1024),
    }


def _read(f: UploadedFile) -> bytes:
    """At most one byte over the limit: enough for the service to refuse a file that is too large."""
    f.seek(0)
    return bytes(f.read(settings.JUZHU_UPLOAD_MAX_BYTES + 1))


def _uploads(
    request: HttpRequest, reqs: tuple[Requirement, ...]
) -> tuple[list[online.Upload], Problem | None]:
    """One file per checklist line; a line met by any of several documents says which one it is."""
    out: list[online.Upload] = []
    for r in reqs:
        f = request.FILES.get(f"file_{r.key}")
        if f is None:
            continue
        if len(r.any_of) == 1:
            (doc,) = r.any_of
            code = doc.value
        else:
            code = request.POST.get(f"doc_{r.key}", "")
            if code not in {d.value for d in r.any_of}:
                return out, Problem.of(
                    r.rule,
                    "upload-which-document",
                    f"请选择所上传的“{r.text()}”是哪一种材料。",
                    f"Choose which document the file for '{r.text('en')}' is.",
                    (f"doc_{r.key}",),
                )
        out.append(online.Upload(doc=code, name=f.name or code, data=_read(f), field=f"file_{r.key}"))
    return out, None


def _progress_proof(request: HttpRequest) -> Proof | None:
    return proof_get(request, Purpose.PROGRESS)


def _remembered(request: HttpRequest) -> Application | None:
    """The application the session's current PROGRESS proof opens (None: ask for the pair and a code)."""
    proof = _progress_proof(request)
    if proof is None:
        return None
    app, _ = attempt(request, online.application_for_proof, proof)
    if app is None:
        proof_forget(request, Purpose.PROGRESS)
    return app


def _identify_page(
    request: HttpRequest, form: dict[str, str], *, problem: Problem | None = None
) -> HttpResponse:
    return page(
        request,
        "web/portal/apply_identify.html",
        {"form": form, "expired": proof_expired(request)},
        problem=problem,
    )


def _apply_identify(request: HttpRequest) -> HttpResponse:
    """Step 1: identity number and name find the registered person; the code goes to their phone on record."""
    form = {
        "identity_number": request.POST.get("identity_number", "").strip(),
        "name": request.POST.get("name", "").strip(),
    }
    if not form["name"] or not form["identity_number"]:
        required = Problem.of(
            "LH-3.1-identity",
            "required",
            "请填写申请人的公民身份号码和姓名。",
            "Enter the applicant's identity number and name.",
            tuple(f for f in ("identity_number", "name") if not form[f]),
        )
        return _identify_page(request, form, problem=required)
    lookup, blocked = lookup_begin(request, form["identity_number"])
    if lookup is None:
        return _identify_page(request, form, problem=blocked)
    person, problem = attempt(request, online.applicant_match, form["identity_number"], form["name"])
    if person is None:
        # A name and identity number that match nobody registered: the form must not become a way
        # to test who is registered (N-17-confidentiality).
        lookup_failed(lookup)
        return _identify_page(request, form, problem=problem)
    lookup_succeeded(lookup)
    _, problem = code_start(request, person_id=person.pk, purpose=Purpose.APPLY, target_id=person.pk)
    if problem is not None:
        return _identify_page(request, form, problem=problem)
    return redirect("web:portal-code")


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """网上预申请: prove it is you (identity number, name, the code), then the case with scans of the materials.

    Without a current proof nothing is filed, whatever the form posts: a stranger who knows a name and
    an identity number can neither file in the person's name nor block their counter application.
    """
    proof = proof_get(request, Purpose.APPLY)
    if request.method == "POST" and request.POST.get("action") == "identify":
        return _apply_identify(request)
    if proof is None:
        if request.method == "POST":
            return _identify_page(request, {}, problem=Problem.from_error(code_required(), request))
        return _identify_page(request, {})
    form = _apply_form(request)
    ctx = _apply_context(request, form, proof)
    if request.method != "POST" or request.POST.get("action") == "refresh":
        return page(request, "web/portal/apply.html", ctx)
    proxy: dict[str, str] | None = None
    if form["proxy"]:
        if not form["proxy_name"] or not form["proxy_identity_number"] or not form["proxy_relation"]:
            proxy_required = Problem.of(
                "LH-3.2-proxy",
                "proxy-required",
                "代办须填写代办人的姓名、公民身份号码和与申请人的关系。",
                "A proxy application needs the proxy's name, identity number and relation to the applicant.",
                tuple(f for f in ("proxy_name", "proxy_identity_number", "proxy_relation") if not form[f]),
            )
            return page(request, "web/portal/apply.html", ctx, problem=proxy_required)
        proxy = {
            "name": form["proxy_name"],
            "identity_number": form["proxy_identity_number"],
            "relation": form["proxy_relation"],
        }
    reqs = online.online_checklist(CaseKind(form["kind"]), proxy=form["proxy"])
    uploads, problem = _uploads(request, reqs)
    if problem is not None:
        return page(request, "web/portal/apply.html", ctx, problem=problem)
    app, problem = attempt(
        request,
        online.application_submit_online,
        proof=proof,
        kind=form["kind"],
        police_station=form["police_station"],
        uploads=uploads,
        proxy=proxy,
        reissue_reason=form["reissue_reason"],
        phone=form["phone"],
        email=form["email"],
    )
    if problem is not None or app is None:
        return page(request, "web/portal/apply.html", ctx, problem=problem)
    # The same code opens the new case's progress (until the proof expires).
    proof_keep(
        request,
        Proof(
            person_id=proof.person_id,
            purpose=Purpose.PROGRESS,
            target_id=app.pk,
            verified_at=proof.verified_at,
            code_id=proof.code_id,
        ),
    )
    return redirect("web:portal-apply-done")


@require_GET
def apply_materials(request: HttpRequest) -> HttpResponse:
    """The file inputs for the chosen kind and proxy (htmx swaps them when either changes)."""
    return page(request, "web/portal/_materials.html", _materials_context(request, _apply_form(request)))


@require_GET
def apply_done(request: HttpRequest) -> HttpResponse:
    """提交成功: the application number, what happens next, and any material still missing."""
    app = _remembered(request)
    if app is None:
        return redirect("web:portal-apply")
    lang = request_lang(request)
    reqs = checklist(CaseKind(app.kind), proxy=bool(app.proxy_relation))
    notice = notice_for(reqs, docs_parse(app.documents))
    return page(
        request,
        "web/portal/apply_done.html",
        {
            "app": app,
            "kind_label": label(KIND_LABELS[CaseKind(app.kind)]),
            "missing": _requirement_rows(notice.items, lang) if notice else [],
            "issue_days": jurisdiction().issue_limit_days,
            "fee": fee_for(CaseKind(app.kind), jurisdiction()),
        },
    )


# --------------------------------------------------------------------------- 进度查询


def _stages(app: Application, notice: Notice | None, lang: Lang) -> list[dict[str, Any]]:
    """The case's steps with their dates and rules (the rules from the lifecycle table)."""
    status = AppStatus(app.status)
    rule = {a: APPLICATION_TABLE[a][2] for a in AppAction}
    stages: list[dict[str, Any]] = [
        {"key": "submitted", "label": tr("提交申请", "Submitted"), "on": app.submitted_on, "done": True}
    ]
    if notice is not None:
        stages.append(
            {
                "key": "notice",
                "label": tr("一次性告知", "One-time notice"),
                "on": notice.issued_on,
                "done": True,
                "rule": rule[AppAction.NOTIFY],
            }
        )
    stages.append(
        {
            "key": "accepted",
            "label": tr("受理", "Accepted"),
            "on": app.accepted_on,
            "done": app.accepted_on is not None,
            "rule": rule[AppAction.ACCEPT],
            "due": app.due_on or app.due_nominal,
        }
    )
    if status is AppStatus.WITHDRAWN:
        stages.append(
            {
                "key": "withdrawn",
                "label": label(APP_STATUS_LABELS[AppStatus.WITHDRAWN]),
                "on": app.decided_on,
                "done": True,
                "rule": rule[AppAction.WITHDRAW],
                "reason": tr(
                    "您已在窗口重新申请，这份网上预申请由窗口的申请代替。",
                    "You applied again at the counter; that application replaces this online one.",
                ),
            }
        )
        return stages
    if status is AppStatus.REFUSED:
        stages.append(
            {
                "key": "refused",
                "label": label(APP_STATUS_LABELS[AppStatus.REFUSED]),
                "on": app.decided_on,
                "done": True,
                # The rule the refusal cited; the lifecycle's for a refusal recorded before it was stored.
                "rule": app.decision_rule or rule[AppAction.REFUSE],
                "reason": app.decision_reason,
            }
        )
        return stages
    stages.append(
        {
            "key": "approved",
            "label": tr("审核通过", "Approved"),
            "on": app.decided_on,
            "done": app.decided_on is not None,
            "rule": rule[AppAction.APPROVE],
        }
    )
    stages.append(
        {
            "key": "issued",
            "label": tr("发证", "Issued"),
            "on": app.issued_on,
            "done": app.issued_on is not None,
            "rule": rule[AppAction.ISSUE],
            "permit": app.permit.number if app.permit is not None else "",
        }
    )
    return stages


def _progress_detail(
    request: HttpRequest, app: Application, *, problem: Problem | None = None
) -> HttpResponse:
    lang = request_lang(request)
    notice = Notice.objects.filter(application=app).first()
    status = AppStatus(app.status)
    have = docs_parse(app.documents)
    stages = _stages(app, notice, lang)
    current = next((s["key"] for s in stages if not s["done"]), stages[-1]["key"])
    still = missing(application_requirements(app), have) if status is AppStatus.RECEIVED else ()
    return page(
        request,
        "web/portal/progress_detail.html",
        {
            "app": app,
            "status": status.value,
            "status_label": label(APP_STATUS_LABELS[status]),
            "kind_label": label(KIND_LABELS[CaseKind(app.kind)]),
            "stages": stages,
            "current": current,
            "notice": notice,
            "notice_items": _requirement_rows(notice_requirements(notice), lang, have) if notice else [],
            # Online supplement while the notice's items are not all in (LH-3.2-one-time-notice).
            "can_supplement": notice is not None
            and status is AppStatus.NOTIFIED
            and bool(missing(notice_requirements(notice), have)),
            "preliminary_missing": _requirement_rows(still, lang),
            "uploads": [
                {"row": u, "label": doc_label(Doc(u.doc), lang)}
                for u in ApplicationDocument.objects.filter(application=app).order_by("id")
            ],
            "accept_files": ACCEPT_FILES,
            "max_mb": settings.JUZHU_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
        problem=problem,
    )


def _progress_form(
    request: HttpRequest, form: dict[str, str] | None = None, *, problem: Problem | None = None
) -> HttpResponse:
    return page(
        request,
        "web/portal/progress.html",
        {"form": form or {}, "expired": proof_expired(request)},
        problem=problem,
    )


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """进度查询: the application number and identity number find the case (one neutral 404 if either is
    wrong), a code to the phone on record opens it.

    Failed lookups slow the next try, per number and per address (``web.throttle``): 429 with
    Retry-After, the pair not even checked.
    """
    if request.method == "POST":
        form = {
            "number": request.POST.get("number", "").strip(),
            "identity_number": request.POST.get("identity_number", "").strip(),
        }
        shown = {"number": form["number"]}
        lookup, blocked = lookup_begin(request, form["number"], form["identity_number"])
        if lookup is None:
            return _progress_form(request, shown, problem=blocked)
        app, problem = attempt(
            request, online.application_for_applicant, form["number"], form["identity_number"]
        )
        if problem is not None or app is None:
            lookup_failed(lookup)
            return _progress_form(request, shown, problem=problem)
        lookup_succeeded(lookup)
        current = _progress_proof(request)
        if current is not None and current.target_id == app.pk:
            return redirect("web:portal-progress")  # already proved within this session
        _, problem = code_start(request, person_id=app.person_id, purpose=Purpose.PROGRESS, target_id=app.pk)
        if problem is not None:
            return _progress_form(request, shown, problem=problem)
        return redirect("web:portal-code")
    app = _remembered(request)
    if app is None:
        return _progress_form(request)
    return _progress_detail(request, app)


@require_POST
def progress_forget(request: HttpRequest) -> HttpResponse:
    """查询其他申请 / leave a shared service-hall PC: forget every proof of this session."""
    proof_forget(request)
    return redirect("web:portal-progress")


def _app_or_404(request: HttpRequest) -> Application:
    app = _remembered(request)
    if app is None:
        raise Http404(
            tr("请先查询申请进度并输入验证码。", "Look up the application and give the code first.")
        )
    return app


@require_GET
def progress_document(request: HttpRequest, upload_id: int) -> HttpResponseBase:
    """An uploaded file, for the applicant whose case it belongs to (the remembered pair) only."""
    app = _app_or_404(request)
    row = ApplicationDocument.objects.filter(pk=upload_id, application=app).first()
    if row is None:
        raise Http404(tr("未找到该文件。", "File not found."))
    path, problem = attempt(request, online.upload_path, row)
    if problem is not None or path is None or not path.exists():
        raise Http404(tr("未找到该文件。", "File not found."))
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=row.original_name, content_type=row.content_type
    )
    response["Cache-Control"] = "private, no-store"  # N-17-confidentiality: no shared cache keeps it
    return response


@require_GET
def progress_notice_pdf(request: HttpRequest) -> HttpResponse:
    """一次性告知书 as PDF (LH-3.2-one-time-notice), printed by ``juzhu.printing``."""
    from juzhu.printing.pdf import notice_pdf  # the printing layer is optional until it ships

    app = _app_or_404(request)
    notice = Notice.objects.filter(application=app).select_related("application__person").first()
    if notice is None:
        raise Http404(tr("该申请没有一次性告知书。", "This application has no one-time notice."))
    response = HttpResponse(notice_pdf(notice, request_lang(request)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"  # N-17-confidentiality: no shared cache keeps it
    return response


@require_POST
def progress_supplement(request: HttpRequest) -> HttpResponse:
    """补正 online: upload what the one-time notice lists, and nothing else."""
    app = _app_or_404(request)
    notice = Notice.objects.filter(application=app).first()
    reqs = notice_requirements(notice) if notice is not None else ()
    uploads, problem = _uploads(request, reqs)
    proof = _progress_proof(request)
    if problem is None and proof is not None:
        _, problem = attempt(request, online.application_supplement_online, proof=proof, uploads=uploads)
    if problem is not None:
        app.refresh_from_db()
        return _progress_detail(request, app, problem=problem)
    messages.success(
        request,
        tr(
            "补正材料已提交，请等待窗口审核受理。",
            "Your documents have been added; the service hall will now review and accept the case.",
        ),
    )
    return redirect("web:portal-progress")
