"""The service-hall workbench: today's queue, the case page with its actions, uploads and printed PDFs.

Every change goes through a ``juzhu.registry.services`` function, which checks the role and the
jurisdiction again; a refusal comes back as a ``Problem`` shown in place (htmx) or on the page
(plain form post), with its rule id and the 4xx status of its kind.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from juzhu.accounts.models import StaffProfile
from juzhu.accounts.selectors import staff_read
from juzhu.enforcement.selectors import case_get
from juzhu.policy import audit_events
from juzhu.policy.errors import NotFound
from juzhu.policy.identity import identity_mask
from juzhu.policy.lifecycle import APP_STATUS_LABELS, AppStatus
from juzhu.policy.materials import Doc, doc_label
from juzhu.printing.pdf import card_pdf, decision_pdf, notice_pdf, receipt_pdf
from juzhu.registry import clock, services
from juzhu.registry.models import Application, ApplicationDocument, FeeReceipt, Notice, Permit, PoliceStation
from juzhu.registry.selectors import application_get, jurisdiction, permit_get_by_number
from juzhu.web.i18n import label, lang, request_lang, tr
from juzhu.web.pages import Problem, attempt, page, staff_page
from juzhu.web.readlog import read_list, read_record
from juzhu.web.workbench import queries
from juzhu.workcal.selectors import work_calendar

# --------------------------------------------------------------------------- the queue


def _htmx(request: HttpRequest) -> bool:
    """An htmx request (django-htmx's middleware sets ``request.htmx``): answer with the fragment only."""
    return bool(getattr(request, "htmx", False))


def _queue_filters(request: HttpRequest) -> tuple[list[str], str, Problem | None]:
    statuses = [s for s in request.GET.getlist("status") if s]
    station = request.GET.get("police_station", "").strip()
    known = {s.value for s in AppStatus}
    bad = [s for s in statuses if s not in known]
    if bad:
        return (
            [],
            station,
            Problem.of(
                "LH-3.2-issue-15d",
                "unknown-status",
                f"未知的申请状态“{bad[0]}”。",
                f"Unknown application status '{bad[0]}'.",
                fields=("status",),
            ),
        )
    if station and not PoliceStation.objects.filter(code=station).exists():
        return (
            statuses,
            "",
            Problem.of(
                "LH-4-register-3d",
                "police-station-not-found",
                f"没有代码为“{station}”的派出所或服务大厅。",
                f"No police station or service hall with code '{station}'.",
                fields=("police_station",),
            ),
        )
    return statuses, station, None


def _row(r: queries.QueueRow, lang: str) -> dict[str, Any]:
    app = r.app
    return {
        "app": app,
        "clock": r.clock,
        "clock_label": r.clock.label(lang),
        "status_label": queries.status_label(app.status, lang),
        "kind_label": label(queries.KIND_LABELS.get(app.kind), app.kind),
        "channel_label": label(queries.CHANNEL_LABELS.get(app.channel), app.channel),
    }


@staff_page("read")
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Today's open cases, nearest due date first, with the issue clock (LH-3.2-issue-15d) as a badge."""
    _, denied = attempt(request, staff_read, request.user)
    if denied is not None:
        return page(request, "web/forbidden.html", problem=denied)
    lang = request_lang(request)
    statuses, station, problem = _queue_filters(request)
    today = clock.today()
    q = queries.queue(today=today, status=statuses or None, police_station=station or None)
    ctx = {
        "today": today,
        "rows": [_row(r, lang) for r in q.rows],
        "counts": [
            (c, queries.CLOCK_BADGE[c], queries.CLOCK_LABELS[c][1 if lang == "en" else 0], n)
            for c, n in q.counts.items()
        ],
        "total": q.total,
        "cut": q.cut,
        "due_soon_days": queries.DUE_SOON_WORKING_DAYS,
        "issue_limit_days": jurisdiction().issue_limit_days,
        "due_soon_rule": queries.DUE_SOON_RULE,
        "status_choices": queries.status_choices(lang),
        "stations": PoliceStation.objects.order_by("code"),
        "selected_statuses": statuses,
        "selected_station": station,
    }
    # Names and identity numbers masked, as the API's queue: one row for the list (docs/decisions/0011).
    read_list(request, "page.queue", len(q.rows))
    template = "web/workbench/_queue_table.html" if _htmx(request) else "web/workbench/queue.html"
    return page(request, template, ctx, problem=problem)


# --------------------------------------------------------------------------- one case


def _case_context(request: HttpRequest, app: Application) -> dict[str, Any]:
    lang = request_lang(request)
    profile: StaffProfile = request.staff  # type: ignore[attr-defined]
    uploads = queries.uploads_of(app)
    actions = queries.actions_allowed(app)
    fee = queries.fee_state(app)
    closed = app.status in (AppStatus.ISSUED, AppStatus.REFUSED, AppStatus.WITHDRAWN)
    state = queries.clock_state(app, clock.today(), work_calendar())
    checklist = [
        {
            "key": line.requirement.key,
            "rule": line.requirement.rule,
            "text": line.text(lang),
            "satisfied": line.satisfied,
            "uploads": line.uploads,
        }
        for line in queries.checklist_lines(app, uploads)
    ]
    return {
        "app": app,
        "person": app.person,
        "kind_label": label(queries.KIND_LABELS.get(app.kind), app.kind),
        "channel_label": label(queries.CHANNEL_LABELS.get(app.channel), app.channel),
        "status_label": queries.status_label(app.status, lang),
        "proxy_relation_label": label(
            queries.PROXY_RELATION_LABELS.get(app.proxy_relation), app.proxy_relation
        ),
        "reissue_reason_label": label(
            queries.REISSUE_REASON_LABELS.get(app.reissue_reason), app.reissue_reason
        ),
        "proxy_masked": identity_mask(app.proxy_identity_number) if app.proxy_identity_number else "",
        "clock": state,
        "clock_label": state.label(lang),
        "checklist": checklist,
        "has_missing": any(not line["satisfied"] for line in checklist),
        "uploads": [
            {
                "obj": u,
                "label": queries.doc_label_of(u.doc, lang),
                "is_image": u.content_type.startswith("image/"),
            }
            for u in uploads
        ],
        "doc_choices": queries.doc_choices(app, lang),
        "actions": actions,
        "can_decide": profile.can("decide"),
        "can_counter": profile.can("counter"),
        "fee": fee,
        "fee_chargeable": fee.due and fee.receipt is None and not closed,
        "notice": queries.notice_of(app),
        "events": [
            {"e": e, "label": _event_label(e.code), "old": _pairs(e.old), "new": _pairs(e.new)}
            for e in queries.audit_events(app)
        ],
        "today": clock.today(),
        "refusal_rules": [(r.rule, r.en if lang == "en" else r.zh) for r in services.REFUSAL_RULES],
        "refusal_rule": services.REFUSAL_RULE_DEFAULT,
        # The rule a refusal cites: the one stored, or (before it was stored) the lifecycle's.
        "decision_rule": app.decision_rule or services.REFUSAL_RULE_DEFAULT,
    }


def _refusal_rule_after(action: str, problem: Problem, request: HttpRequest) -> str | None:
    """The rule to preselect in the refuse form after a refusal of ``action``.

    Accepting (or notifying) a first issue that is not eligible: its first unmet condition, so the
    supervisor refuses citing it.  A refusal itself refused: the rule that was chosen.
    """
    known = {r.rule for r in services.REFUSAL_RULES}
    if problem.code == "not-eligible" and problem.rule in known:
        return problem.rule
    chosen = request.POST.get("rule", "")
    return chosen if action == "refuse" and chosen in known else None


# What a clerk reads in the audit trail: the event and the changed values in words, not the stored codes.
EVENT_LABELS = audit_events.EVENT_LABELS  # one table of event names (juzhu.policy.audit_events)
AUDIT_KEYS: dict[str, tuple[str, str]] = {
    "status": ("状态", "status"),
    "documents": ("材料", "documents"),
    "kind": ("事项", "kind"),
    "channel": ("渠道", "channel"),
    "notice": ("告知书", "notice"),
    "items": ("告知事项", "items"),
    "accepted_on": ("受理日期", "accepted on"),
    "due_on": ("发证期限", "due on"),
    "reason": ("理由", "reason"),
    "rule": ("依据", "rule"),
    "amount": ("金额", "amount"),
    "receipt": ("票据", "receipt"),
    "number": ("编号", "number"),
    "permit": ("居住证", "permit"),
    "uploads": ("上传文件", "files uploaded"),
    "proxy_relation": ("代办关系", "proxy"),
    "contact_phone": ("联系电话", "phone"),
    "contact_email": ("电子邮箱", "e-mail"),
    "replaces": ("代替网上预申请", "replaces the online application"),
    "replaced_by": ("由窗口申请代替", "replaced by"),
    "verified": ("本人验证", "identity proof"),
}


def _audit_value(key: str, value: Any) -> str:
    if key == "status" and value in AppStatus.__members__.values():
        return tr(*APP_STATUS_LABELS[AppStatus(value)])
    if key == "documents" and isinstance(value, list):
        return tr("、", ", ").join(
            doc_label(Doc(d), lang()) if d in Doc.__members__.values() else str(d) for d in value
        )
    if key == "verified":
        # The code's row, never the code: how the online applicant proved who they are.
        return tr("登记手机号码短信验证码", "code sent to the mobile number on record")
    if key == "uploads" and isinstance(value, list):
        return str(len(value))  # the files themselves are listed beside the checklist
    if key == "kind" and value in queries.KIND_LABELS:
        return tr(*queries.KIND_LABELS[value])
    if key == "channel" and value in queries.CHANNEL_LABELS:
        return tr(*queries.CHANNEL_LABELS[value])
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _pairs(values: Any) -> str:
    """An audit event's old/new values as one line in words; empty values are left out."""
    if not isinstance(values, dict):
        return ""
    # In a fixed order (PostgreSQL's jsonb keeps no insertion order): the known keys first.
    order = {k: i for i, k in enumerate(AUDIT_KEYS)}
    keys = sorted(values, key=lambda k: (order.get(k, len(order)), k))
    return tr("；", "; ").join(
        f"{tr(*AUDIT_KEYS.get(k, (k, k)))}{tr('：', ': ')}{_audit_value(k, values[k])}"
        for k in keys
        if values[k] not in ("", None, [], {})
    )


def _event_label(code: str) -> str:
    return tr(*EVENT_LABELS[code]) if code in EVENT_LABELS else code


def _load(request: HttpRequest, pk: int) -> tuple[Application | None, Problem | None]:
    _, denied = attempt(request, staff_read, request.user)
    if denied is not None:
        return None, denied
    return attempt(request, application_get, pk)


@staff_page("read")
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: the applicant (full identity number, staff only), checklist beside uploads, actions, audit."""
    app, problem = _load(request, pk)
    if app is None:
        return page(request, "web/workbench/problem.html", problem=problem)
    read_record(request, "page.case", app.person_id, app)
    return page(request, "web/workbench/case.html", _case_context(request, app))


ACTIONS = ("supplement", "accept", "notify", "approve", "refuse", "fee", "issue")


def _perform(request: HttpRequest, app: Application, action: str) -> tuple[str | None, Problem | None]:
    """Run one service; return the success message or the problem."""
    user = request.user
    if action == "supplement":
        docs = [d for d in request.POST.getlist("documents") if d]
        if not docs:
            return None, Problem.of(
                "LH-3.2-one-time-notice",
                "documents-required",
                "请勾选本次收到的材料。",
                "Tick the documents received.",
                fields=("documents",),
            )
        _, p = attempt(
            request, services.application_supplement, actor=user, application_id=app.pk, documents=docs
        )
        return tr("已登记补正材料。", "Documents recorded."), p
    if action == "accept":
        _, p = attempt(request, services.application_accept, actor=user, application_id=app.pk)
        days = jurisdiction().issue_limit_days
        return tr(f"已受理，{days}日发证时限开始计算。", f"Accepted: the {days}-day clock has started."), p
    if action == "notify":
        notice, p = attempt(request, services.application_notify, actor=user, application_id=app.pk)
        if notice is None:
            return None, p
        return tr(f"已出具一次性告知书 {notice.number}。", f"One-time notice {notice.number} issued."), None
    if action == "approve":
        _, p = attempt(request, services.application_approve, actor=user, application_id=app.pk)
        return tr("已审核通过。", "Approved."), p
    if action == "refuse":
        reason = request.POST.get("reason", "")[:500]
        rule = request.POST.get("rule", "") or services.REFUSAL_RULE_DEFAULT
        _, p = attempt(
            request, services.application_refuse, actor=user, application_id=app.pk, reason=reason, rule=rule
        )
        return tr("已决定不予办理。", "Refused."), p
    if action == "fee":
        raw = request.POST.get("amount", "").strip()
        try:
            amount = Decimal(raw)
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            return None, Problem.of(
                "LH-3.2-fees",
                "amount-invalid",
                "金额须为数字（元）。",
                "The amount must be a number of yuan.",
                fields=("amount",),
            )
        receipt, p = attempt(request, services.fee_charge, actor=user, application_id=app.pk, amount=amount)
        if receipt is None:
            return None, p
        return tr(f"已收取工本费，票据 {receipt.number}。", f"Fee charged: receipt {receipt.number}."), None
    permit, p = attempt(request, services.application_issue, actor=user, application_id=app.pk)
    if permit is None:
        return None, p
    return tr(f"已发证，证件编号 {permit.number}。", f"Issued: permit {permit.number}."), None


@staff_page("read")
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the case: htmx re-renders the case panel, a plain post redirects back to the case."""
    if action not in ACTIONS:
        raise Http404
    app, problem = _load(request, pk)
    if app is None:
        return page(request, "web/workbench/problem.html", problem=problem)
    done, problem = _perform(request, app, action)
    fresh = application_get(app.pk)
    if problem is None and not _htmx(request):
        messages.success(request, done or "")
        return redirect("web:wb-case", pk=app.pk)
    read_record(request, "page.case", fresh.person_id, fresh)  # the case shown again after the step
    ctx = _case_context(request, fresh)
    ctx["done"] = done if problem is None else None
    ctx["failed_action"] = action if problem is not None else None
    if problem is not None:
        ctx["refusal_rule"] = _refusal_rule_after(action, problem, request) or ctx["refusal_rule"]
    template = "web/workbench/_case_panel.html" if _htmx(request) else "web/workbench/case.html"
    return page(request, template, ctx, problem=problem)


# --------------------------------------------------------------------------- uploads


@staff_page("read")
@require_GET
def upload(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Stream an uploaded material from outside the web root, with its stored content type."""
    _, denied = attempt(request, staff_read, request.user)
    if denied is not None:
        return page(request, "web/forbidden.html", problem=denied)
    doc = ApplicationDocument.objects.select_related("application").filter(pk=pk).first()
    root = Path(settings.JUZHU_UPLOAD_ROOT).resolve()
    path = (root / doc.storage_name).resolve() if doc is not None else None
    if doc is None or path is None or not path.is_relative_to(root) or not path.is_file():
        return page(
            request,
            "web/workbench/problem.html",
            problem=Problem.of(
                "N-9-materials",
                "upload-not-found",
                "未找到该材料文件。",
                "Document file not found.",
                fields=("pk",),
                status=404,
            ),
        )
    read_record(request, "file.upload", doc.application.person_id, doc)
    response = FileResponse(path.open("rb"), content_type=doc.content_type)
    response["Content-Disposition"] = f'inline; filename="upload-{doc.pk}{_ext(doc.content_type)}"'
    response["Cache-Control"] = "private, no-store"  # N-17-confidentiality: no shared cache keeps it
    # staff_page is typed for HttpResponse; a FileResponse streams instead of buffering the file.
    return response


def _ext(content_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(content_type, "")


# --------------------------------------------------------------------------- printed documents


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _not_found(rule: str, zh: str, en: str, field: str) -> NotFound:
    return NotFound(rule=rule, code="not-found", zh=zh, en=en, fields=(field,))


def _print(request: HttpRequest, read: str, load: Any, render: Any, filename: Any) -> HttpResponse:
    """A printed document: loaded, rendered and its read logged in the page's transaction."""
    _, denied = attempt(request, staff_read, request.user)
    if denied is not None:
        return page(request, "web/forbidden.html", problem=denied)
    obj, problem = attempt(request, load)
    if obj is None:
        return page(request, "web/workbench/problem.html", problem=problem)
    body = render(obj)
    person_id = (
        obj.application.person_id if isinstance(obj, Notice) else obj.person_id
    )  # None: an employer's case
    read_record(request, read, person_id, obj, permit_number=obj.number if isinstance(obj, Permit) else "")
    return _pdf(body, filename(obj))


def _notice(pk: int) -> Notice:
    notice = Notice.objects.select_related("application__person", "application__police_station").filter(pk=pk)
    found = notice.first()
    if found is None:
        raise _not_found("LH-3.2-one-time-notice", "未找到该告知书。", "Notice not found.", "notice_pk")
    return found


def _receipt(pk: int) -> FeeReceipt:
    found = FeeReceipt.objects.select_related("application", "person", "cashier").filter(pk=pk).first()
    if found is None:
        raise _not_found("LH-3.2-fees", "未找到该收费票据。", "Receipt not found.", "receipt_pk")
    return found


@staff_page("read")
@require_GET
def print_notice(request: HttpRequest, notice_pk: int) -> HttpResponse:
    lang = request_lang(request)
    return _print(
        request,
        "pdf.notice",
        lambda: _notice(notice_pk),
        lambda n: notice_pdf(n, lang),
        lambda n: f"notice-{n.number}.pdf",
    )


@staff_page("read")
@require_GET
def print_card(request: HttpRequest, permit_number: str) -> HttpResponse:
    base = request.build_absolute_uri("/")
    return _print(
        request,
        "pdf.card",
        lambda: permit_get_by_number(permit_number),
        lambda p: card_pdf(p, base_url=base),
        lambda p: f"permit-{p.number}.pdf",
    )


@staff_page("read")
@require_GET
def print_receipt(request: HttpRequest, receipt_pk: int) -> HttpResponse:
    return _print(
        request, "pdf.receipt", lambda: _receipt(receipt_pk), receipt_pdf, lambda r: f"receipt-{r.number}.pdf"
    )


@staff_page("read")
@require_GET
def print_decision(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _print(
        request, "pdf.decision", lambda: case_get(case_pk), decision_pdf, lambda c: f"case-{c.number}.pdf"
    )
