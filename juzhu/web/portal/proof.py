"""The one screen for the one-time code, and the proofs the session keeps (docs/decisions/0010).

A lookup form (progress, my permit, the online application's first step) only finds whom the code
goes to; ``code_start`` sends it to the mobile number on record and remembers *which code* is
pending.  ``code_screen`` takes the code back and keeps the proof: per purpose, the opaque id of what
was proved (application, card or person), the person's id, the code's id and when — never an identity
number or a name (N-17-confidentiality):

    session["proofs"] = {"progress": {"id": 812, "person": 77, "code": 5, "at": "2026-07-06T09:30:00+00:00"}}

A proof lasts ``CODES.verified_for`` from the moment the code was given; then the page asks again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from juzhu.applicants.services import (
    CodeSent,
    code_check,
    code_pending,
    code_resend,
    code_send,
    contact_confirm,
)
from juzhu.policy.proof import CODES, PURPOSE_LABELS, Proof, Purpose, proof_current
from juzhu.registry import clock
from juzhu.web.i18n import label, tr
from juzhu.web.pages import Problem, attempt, page
from juzhu.web.throttle import client_address

SESSION_PROOFS = "proofs"
SESSION_PENDING = "proof_code"
# Where each purpose continues once the code is given (and where "cancel" goes back to).
NEXT: dict[Purpose, str] = {
    Purpose.APPLY: "web:portal-apply",
    Purpose.PROGRESS: "web:portal-progress",
    Purpose.PERMIT: "web:holder-permit",
    Purpose.CONTACT: "web:holder-permit",
}
EXPIRED_FLAG = "_proof_expired"


def proof_get(request: HttpRequest, purpose: Purpose) -> Proof | None:
    """The session's current proof for ``purpose``; an expired one is dropped (and the request knows)."""
    proofs = request.session.get(SESSION_PROOFS)
    entry = proofs.get(purpose.value) if isinstance(proofs, dict) else None
    if not isinstance(entry, dict):
        return None
    try:
        proof = Proof(
            person_id=int(entry["person"]),
            purpose=purpose,
            target_id=int(entry["id"]),
            verified_at=datetime.fromisoformat(str(entry["at"])),
            code_id=int(entry["code"]) if entry.get("code") is not None else None,
        )
    except (KeyError, TypeError, ValueError):
        proof = None
    if proof is None or not proof_current(proof, clock.now()):
        proof_forget(request, purpose)
        setattr(request, EXPIRED_FLAG, proof is not None)
        return None
    return proof


def proof_keep(request: HttpRequest, proof: Proof) -> None:
    proofs = request.session.get(SESSION_PROOFS)
    proofs = dict(proofs) if isinstance(proofs, dict) else {}
    proofs[proof.purpose.value] = {
        "id": proof.target_id,
        "person": proof.person_id,
        "code": proof.code_id,
        "at": proof.verified_at.isoformat(),
    }
    request.session[SESSION_PROOFS] = proofs


def proof_forget(request: HttpRequest, *purposes: Purpose) -> None:
    """Forget the proofs named (all of them, and any pending code, when none is named)."""
    if not purposes:
        request.session.pop(SESSION_PROOFS, None)
        request.session.pop(SESSION_PENDING, None)
        return
    proofs = request.session.get(SESSION_PROOFS)
    if isinstance(proofs, dict):
        request.session[SESSION_PROOFS] = {
            k: v for k, v in proofs.items() if k not in {p.value for p in purposes}
        }


def proof_expired(request: HttpRequest) -> bool:
    """Whether ``proof_get`` just dropped an expired proof (the page then says why it asks again)."""
    return bool(getattr(request, EXPIRED_FLAG, False))


def code_start(
    request: HttpRequest,
    *,
    person_id: int,
    purpose: Purpose,
    target_id: int,
    new_phone: str = "",
    new_email: str = "",
) -> tuple[CodeSent | None, Problem | None]:
    """Send a code and remember it as pending in this session (the code screen takes it back)."""
    sent, problem = attempt(
        request,
        code_send,
        person_id=person_id,
        purpose=purpose,
        target_id=target_id,
        address=client_address(request),
        new_phone=new_phone,
        new_email=new_email,
    )
    if sent is not None:
        request.session[SESSION_PENDING] = {"id": sent.code_id}
    return sent, problem


def _pending_id(request: HttpRequest) -> int | None:
    pending = request.session.get(SESSION_PENDING)
    try:
        return int(pending["id"]) if isinstance(pending, dict) else None
    except (KeyError, TypeError, ValueError):
        return None


def _screen(request: HttpRequest, code_id: int, problem: Problem | None = None) -> HttpResponse:
    pending = code_pending(code_id)
    if pending is None:
        request.session.pop(SESSION_PENDING, None)
        return redirect("web:portal-guide")
    now = clock.now()
    resend_in = max(int((pending.resend_at - now).total_seconds() + 0.999), 0)
    ctx: dict[str, Any] = {
        "purpose": pending.purpose.value,
        "purpose_label": label(PURPOSE_LABELS[pending.purpose]),
        "tail": pending.tail,
        "minutes": int(CODES.lifetime.total_seconds() // 60),
        "expires_at": pending.expires_at,
        "expired": now >= pending.expires_at or pending.used or pending.attempts_left == 0,
        "resend_in": resend_in,
        "digits": CODES.digits,
        "verified_minutes": int(CODES.verified_for.total_seconds() // 60),
        "back": NEXT[pending.purpose],
    }
    return page(request, "web/portal/code.html", ctx, problem=problem)


@require_http_methods(["GET", "POST"])
def code_screen(request: HttpRequest) -> HttpResponse:
    """输入验证码: one screen for every purpose — give the code, ask for a new one, or go back."""
    code_id = _pending_id(request)
    if code_id is None:
        return redirect("web:portal-guide")
    if request.method != "POST":
        return _screen(request, code_id)
    action = request.POST.get("action", "verify")
    pending = code_pending(code_id)
    if pending is None:
        request.session.pop(SESSION_PENDING, None)
        return redirect("web:portal-guide")
    if action == "cancel":
        request.session.pop(SESSION_PENDING, None)
        return redirect(NEXT[pending.purpose])
    if action == "resend":
        sent, problem = attempt(request, code_resend, code_id=code_id, address=client_address(request))
        if sent is None:
            return _screen(request, code_id, problem)
        request.session[SESSION_PENDING] = {"id": sent.code_id}
        messages.info(request, tr("新的验证码已发送。", "A new code has been sent."))
        return redirect("web:portal-code")
    code = request.POST.get("code", "")
    if pending.purpose is Purpose.CONTACT:
        permit_proof = proof_get(request, Purpose.PERMIT)
        if permit_proof is None or permit_proof.person_id != pending.person_id:
            request.session.pop(SESSION_PENDING, None)
            return redirect("web:holder-permit")
        _, problem = attempt(
            request, contact_confirm, code_id=code_id, code=code, person_id=pending.person_id
        )
        if problem is not None:
            return _screen(request, code_id, problem)
        request.session.pop(SESSION_PENDING, None)
        messages.success(
            request,
            tr("新手机号码已确认，提醒联系方式已保存。", "Your new mobile number is confirmed and saved."),
        )
        return redirect(NEXT[Purpose.CONTACT])
    proof, problem = attempt(request, code_check, code_id=code_id, code=code)
    if proof is None:
        return _screen(request, code_id, problem)
    # A fresh session id once personal data follows: a session id planted before never sees it.
    request.session.cycle_key()
    request.session.pop(SESSION_PENDING, None)
    proof_keep(request, proof)
    return redirect(NEXT[proof.purpose])
