"""The holder's own permit: status, residence period, endorsement window, e-permit QR and reminders.

Public, so the permit number and the identity number only *find* the card (any other pair gets one
neutral 404 that does not say which half was wrong); the page opens once the holder gives back the
code sent to the mobile number on record (``web.portal.proof``, N-17-confidentiality).  The session
then keeps the card's id and the time of the code, never a number or a name, until "leave" or
``CODES.verified_for``.  A new mobile number for reminders is saved once a code sent to *it* comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from juzhu.epermit.services import VERIFY_PATH, permit_qr_svg, permit_token
from juzhu.notifications.models import Notification
from juzhu.notifications.selectors import notifications_for_person
from juzhu.notifications.services import contact_clean, contact_set
from juzhu.policy.endorsement import EndorsementWindow
from juzhu.policy.errors import PolicyError
from juzhu.policy.lifecycle import PERMIT_STATUS_LABELS, PermitStatus
from juzhu.policy.materials import CaseKind, checklist
from juzhu.policy.proof import Purpose, mobile_on_record
from juzhu.policy.reminders import (
    REMINDER_KIND_LABELS,
    REMINDERS,
    WINDOW_PHASE_LABELS,
    ReminderKind,
    WindowPhase,
    contact_mask,
    reminder_days,
    window_phase,
)
from juzhu.policy.residence import RESIDENCE_REASONS
from juzhu.registry import clock
from juzhu.registry.models import Permit
from juzhu.registry.selectors import permit_get_by_number, permit_view
from juzhu.web.i18n import lang, tr
from juzhu.web.pages import Problem, attempt, page
from juzhu.web.portal.proof import code_start, proof_expired, proof_forget, proof_get
from juzhu.web.throttle import lookup_begin, lookup_failed, lookup_succeeded
from juzhu.workcal.selectors import work_calendar

TEMPLATE = "web/holder/permit.html"
CONTACT_TEMPLATE = "web/holder/_contact.html"

STATUS_BADGE = {PermitStatus.VALID: "ok", PermitStatus.SUSPENDED: "bad", PermitStatus.VOID: "bad"}
PHASE_BADGE = {WindowPhase.EARLY: "info", WindowPhase.OPEN: "soon", WindowPhase.LATE: "bad"}
NOTIFICATION_STATUS_LABELS: dict[str, tuple[str, str]] = {
    Notification.Status.QUEUED: ("待发送", "queued"),
    Notification.Status.SENDING: ("发送中", "sending"),
    Notification.Status.SENT: ("已发送", "sent"),
    Notification.Status.FAILED: ("发送失败，将重试", "failed, will retry"),
}
CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    Notification.Channel.SMS: ("短信", "SMS"),
    Notification.Channel.EMAIL: ("电子邮件", "e-mail"),
    Notification.Channel.CONSOLE: ("系统测试通道", "test channel"),
}


def _not_matched() -> Problem:
    return Problem.of(
        "N-17-confidentiality",
        "permit-not-matched",
        "没有与该居住证编号和公民身份号码相符的居住证，请核对后重试。",
        "No permit matches this permit number and identity number; please check both.",
        fields=("number", "identity_number"),
        status=404,
    )


def _lookup(number: str, identity_number: str) -> Permit | None:
    """The card when both halves of the pair match, else None (whatever was wrong)."""
    try:
        permit = permit_get_by_number(number)
    except PolicyError:
        return None
    ident = identity_number.strip().upper()
    if not ident or ident not in (permit.person.identity_number, permit.card_identity_number):
        return None
    return permit


def _remembered(request: HttpRequest) -> Permit | None:
    """The card the session's current PERMIT proof opens (None: ask for the pair and a code)."""
    proof = proof_get(request, Purpose.PERMIT)
    if proof is None:
        return None
    permit = (
        Permit.objects.select_related("person").filter(pk=proof.target_id, person_id=proof.person_id).first()
    )
    if permit is None:
        proof_forget(request, Purpose.PERMIT)
    return permit


def _lookup_form(
    request: HttpRequest, form: dict[str, str] | None = None, *, problem: Problem | None = None
) -> HttpResponse:
    return page(request, TEMPLATE, {"form": form or {}, "expired": proof_expired(request)}, problem=problem)


@dataclass(frozen=True)
class WindowShown:
    window: EndorsementWindow
    phase: WindowPhase
    phase_label: str
    badge: str
    reminders: list[dict[str, Any]]


def _window(permit: Permit, view_window: EndorsementWindow) -> WindowShown:
    today = clock.today()
    phase = window_phase(view_window, today, work_calendar())
    reminders = [
        {"label": tr(*REMINDER_KIND_LABELS[r.kind]), "on": r.remind_on, "kind": r.kind.value}
        for r in reminder_days(view_window, REMINDERS)
    ]
    return WindowShown(view_window, phase, tr(*WINDOW_PHASE_LABELS[phase]), PHASE_BADGE[phase], reminders)


def _notifications(permit: Permit) -> list[dict[str, Any]]:
    return [
        {
            "kind": tr(*REMINDER_KIND_LABELS[ReminderKind(n.kind)]),
            "channel": tr(*CHANNEL_LABELS.get(n.channel, (n.channel, n.channel))),
            "recipient": contact_mask(n.recipient),
            "status": n.status,
            "status_label": tr(*NOTIFICATION_STATUS_LABELS.get(n.status, (n.status, n.status))),
            "created": n.created,
            "sent_at": n.sent_at,
            "subject": tr(n.subject_zh, n.subject_en),
            "body": tr(n.body_zh, n.body_en),
            "rule": n.rule,
        }
        for n in notifications_for_person(permit.person)
    ]


def _contact_ctx(permit: Permit, phone: str | None = None, email: str | None = None) -> dict[str, Any]:
    return {
        "contact_phone": permit.person.phone if phone is None else phone,
        "contact_email": permit.person.email if email is None else email,
        "reminder_rule": REMINDERS.rule,
        "before_opens_days": REMINDERS.before_opens_days,
        "before_closes_days": REMINDERS.before_closes_days,
    }


def _permit_ctx(request: HttpRequest, permit: Permit) -> dict[str, Any]:
    today = clock.today()
    view = permit_view(permit, today)
    status = PermitStatus(permit.status)
    residence = view.residence
    ctx: dict[str, Any] = {
        "permit": permit,
        "today": today,
        "status": status.value,
        "status_label": tr(*PERMIT_STATUS_LABELS[status]),
        "status_badge": STATUS_BADGE[status],
        "residence": residence,
        "residence_reason": tr(*RESIDENCE_REASONS[residence.event]) if residence else "",
        "residence_years": residence.years_on(today) if residence else 0,
        "endorse_items": [{"text": r.text(lang()), "rule": r.rule} for r in checklist(CaseKind.ENDORSEMENT)],
        "notifications": _notifications(permit),
        **_contact_ctx(permit),
    }
    if status is not PermitStatus.VOID:
        ctx["win"] = _window(permit, view.window)
        base = request.build_absolute_uri("/")
        token = permit_token(permit)
        ctx["qr_svg"] = permit_qr_svg(token, base)
        ctx["verify_url"] = base.rstrip("/") + VERIFY_PATH + token
    else:
        ctx["superseded_by"] = (
            Permit.objects.filter(supersedes=permit).values_list("number", flat=True).first()
        )
    return ctx


@require_http_methods(["GET", "POST"])
def permit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    """GET: the card the session has proved, or the form.  POST: find the card, send the code.

    Failed lookups slow the next try, per number and per address (``web.throttle``): 429 with
    Retry-After, the pair not even checked.
    """
    if request.method == "POST":
        number = request.POST.get("number", "").strip()
        identity_number = request.POST.get("identity_number", "").strip()
        form = {"number": number, "identity_number": identity_number}
        blank = tuple(f for f, v in form.items() if not v)
        if blank:
            problem = Problem.of(
                "N-17-confidentiality",
                "required",
                "请同时填写居住证编号和公民身份号码。",
                "Enter both the permit number and the identity number.",
                fields=blank,
                status=422,
            )
            return _lookup_form(request, form, problem=problem)
        lookup, blocked = lookup_begin(request, number, identity_number)
        if lookup is None:
            return _lookup_form(request, form, problem=blocked)
        found = _lookup(number, identity_number)
        if found is None:
            lookup_failed(lookup)
            return _lookup_form(request, form, problem=_not_matched())
        lookup_succeeded(lookup)
        current = proof_get(request, Purpose.PERMIT)
        if current is not None and current.target_id == found.pk:
            return redirect("web:holder-permit")  # already proved within this session
        _, refused = code_start(
            request, person_id=found.person_id, purpose=Purpose.PERMIT, target_id=found.pk
        )
        if refused is not None:
            return _lookup_form(request, form, problem=refused)
        return redirect("web:portal-code")
    found = _remembered(request)
    if found is None:
        return _lookup_form(request)
    return page(request, TEMPLATE, _permit_ctx(request, found))


def _contact_refused(
    request: HttpRequest, found: Permit, phone: str, email: str, problem: Problem
) -> HttpResponse:
    if getattr(request, "htmx", False):
        return page(request, CONTACT_TEMPLATE, _contact_ctx(found, phone, email), problem=problem)
    ctx = _permit_ctx(request, found) | _contact_ctx(found, phone, email)
    return page(request, TEMPLATE, ctx, problem=problem)


@require_POST
def contact(request: HttpRequest) -> HttpResponse:
    """Set the phone / e-mail for reminders; a bad value is a 422 naming the field, nothing written.

    A new mobile number is saved only once the code sent to it comes back (the code screen): the
    number that proves the holder next time must be one the holder really has.  Keeping the number,
    removing it or changing only the e-mail is saved at once (the page itself needed the code).
    """
    found = _remembered(request)
    if found is None:
        return _lookup_form(request, problem=_not_matched())
    phone = request.POST.get("phone", "").strip()
    email = request.POST.get("email", "").strip()
    cleaned, problem = attempt(request, contact_clean, phone, email)
    if problem is not None or cleaned is None:
        return _contact_refused(request, found, phone, email, problem)  # type: ignore[arg-type]
    new_phone, new_email = cleaned
    if new_phone and new_phone != mobile_on_record(found.person.phone):
        _, problem = code_start(
            request,
            person_id=found.person_id,
            purpose=Purpose.CONTACT,
            target_id=found.person_id,
            new_phone=new_phone,
            new_email=new_email,
        )
        if problem is not None:
            return _contact_refused(request, found, phone, email, problem)
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("web:portal-code")
            return response
        return redirect("web:portal-code")
    _, problem = attempt(
        request, contact_set, person_id=found.person_id, phone=new_phone, email=new_email, via="holder"
    )
    if problem is not None:
        return _contact_refused(request, found, phone, email, problem)
    found.person.refresh_from_db(fields=["phone", "email"])
    saved = tr("提醒联系方式已保存。", "Your contact for reminders is saved.")
    if getattr(request, "htmx", False):
        return page(request, CONTACT_TEMPLATE, _contact_ctx(found) | {"saved": saved})
    messages.success(request, saved)
    return redirect("web:holder-permit")


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    """Forget every proof of this session (a shared PC in the service hall)."""
    proof_forget(request)
    return redirect("web:holder-permit")
