"""The applicant proves they are the person: a one-time code to the mobile number on record.

``code_send`` writes the code's row (its HMAC, never the code) in one transaction, after the limits
of ``juzhu.policy.proof`` allow it, then sends the SMS through the notification backends once the
row is committed; ``code_check`` takes one code given back, counts a wrong one, and returns a
``Proof`` for a right one; ``contact_confirm`` saves a new mobile number for reminders once the code
sent to that number comes back.  Every send, success and lock-out is an audit event with the number
masked (N-17-confidentiality; GB/T 22239-2019 8.1.4.3).
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from django.db import transaction
from django.utils.crypto import salted_hmac

from juzhu.applicants.models import PhoneCode
from juzhu.audit.services import audit_record
from juzhu.notifications.backends import Backend, sms_backend
from juzhu.notifications.models import Notification
from juzhu.notifications.services import contact_set
from juzhu.policy.errors import InvalidInput, Kind, NotFound, PolicyError
from juzhu.policy.proof import (
    CODES,
    PURPOSE_LABELS,
    CodeOutcome,
    CodePolicy,
    CodeState,
    Proof,
    Purpose,
    code_format_check,
    code_outcome,
    code_refusal,
    code_send_check,
    mobile_on_record,
    no_phone_on_record,
    phone_tail,
)
from juzhu.policy.reminders import contact_mask
from juzhu.registry import clock
from juzhu.registry.models import Person

log = logging.getLogger("juzhu.applicants")


class SmsUnavailable(PolicyError):
    """No SMS gateway is configured, or it refused the message: the code cannot reach the person."""

    kind: ClassVar[Kind] = "unavailable"


def _sms_unavailable() -> SmsUnavailable:
    return SmsUnavailable(
        rule=CODES.rule,
        code="sms-unavailable",
        zh="短信暂时无法发送，请稍后再试，或到派出所、户籍服务大厅窗口办理。",
        en="Text messages cannot be sent just now. Please try again later, or come to the counter.",
    )


def address_key(address: str) -> str:
    """A keyed hash of the client address: enough to count per address, not to read it back."""
    return salted_hmac("juzhu.applicants.address", address or "unknown", algorithm="sha256").hexdigest()


def _code_hash(salt: str, code: str) -> str:
    return salted_hmac("juzhu.applicants.code", salt + code, algorithm="sha256").hexdigest()


def _code_new(policy: CodePolicy) -> str:
    return f"{secrets.randbelow(10**policy.digits):0{policy.digits}d}"


@dataclass(frozen=True)
class CodeSent:
    """What the code screen shows: which code, for what, to which phone (last digits), until when."""

    code_id: int
    purpose: Purpose
    tail: str
    expires_at: datetime
    resend_at: datetime


def _message(code: str, purpose: Purpose, policy: CodePolicy) -> tuple[str, str, str, str]:
    minutes = int(policy.lifetime.total_seconds() // 60)
    zh_what, en_what = PURPOSE_LABELS[purpose]
    return (
        "居住证网上办理验证码",
        f"【临河区居住证】验证码{code}，用于{zh_what}，{minutes}分钟内有效。请勿告诉任何人，"
        "工作人员不会向您索要验证码。如非本人操作，请忽略。",
        "Residence permit online: your code",
        f"Your code is {code}, for {en_what}, valid for {minutes} minutes. Do not tell anyone: staff "
        "never ask for it. If you did not ask for it, ignore this message.",
    )


def code_send(
    *,
    person_id: int,
    purpose: Purpose,
    target_id: int,
    address: str,
    new_phone: str = "",
    new_email: str = "",
    backend: Backend | None = None,
    policy: CodePolicy = CODES,
) -> CodeSent:
    """Send a one-time code to the person's mobile on record (for CONTACT: to ``new_phone``).

    Refused, with nothing sent: no mobile number on record (the person is told to have one recorded at
    the station, and nothing else), or a limit of ``policy`` (``Throttled`` with the seconds to wait).
    The row is committed before the SMS leaves, so a failed gateway still counts against the limits.
    """
    at = clock.now()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)  # one person's sends in turn
        if purpose is Purpose.CONTACT:
            mobile = mobile_on_record(new_phone)
            if mobile is None:
                raise InvalidInput(
                    rule="LH-3.2-endorse-window",
                    code="phone-invalid",
                    zh="手机号码应为11位中国大陆手机号，例如13800138000。",
                    en="The phone number must be an 11-digit mainland mobile number, e.g. 13800138000.",
                    fields=("phone",),
                )
        else:
            mobile = mobile_on_record(person.phone)
            if mobile is None:
                raise no_phone_on_record(policy)
        key = address_key(address)
        person_sends = list(
            PhoneCode.objects.filter(person=person, created_at__gt=at - timedelta(days=1)).values_list(
                "created_at", flat=True
            )
        )
        address_sends = list(
            PhoneCode.objects.filter(address_key=key, created_at__gt=at - timedelta(hours=1)).values_list(
                "created_at", flat=True
            )
        )
        last_same = (
            PhoneCode.objects.filter(person=person, purpose=purpose.value, target_id=target_id)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        code_send_check(
            now=at, person_sends=person_sends, address_sends=address_sends, last_same=last_same, policy=policy
        )
        code, salt = _code_new(policy), secrets.token_hex(16)
        row = PhoneCode.objects.create(
            person=person,
            purpose=purpose.value,
            target_id=target_id,
            salt=salt,
            code_hash=_code_hash(salt, code),
            recipient_tail=phone_tail(mobile, policy),
            new_phone=mobile if purpose is Purpose.CONTACT else "",
            new_email=new_email if purpose is Purpose.CONTACT else "",
            address_key=key,
            created_at=at,
            expires_at=at + policy.lifetime,
        )
        audit_record(
            actor=None,
            code="proof.code_sent",
            subject=row,
            person_id=person.pk,
            rule=policy.rule,
            new={
                "purpose": purpose.value,
                "to": contact_mask(mobile),
                "expires_at": row.expires_at.isoformat(),
            },
        )
    subject_zh, body_zh, subject_en, body_en = _message(code, purpose, policy)
    # Built in memory and handed to the backend: the outbox table never holds a code.
    message = Notification(
        person=person,
        kind="one_time_code",
        channel=Notification.Channel.SMS,
        recipient=mobile,
        subject_zh=subject_zh,
        body_zh=body_zh,
        subject_en=subject_en,
        body_en=body_en,
        rule=policy.rule,
        send_after=clock.today(),
        dedupe_key=f"code:{row.pk}",
    )
    sender = backend or sms_backend()
    if sender is None:
        raise _sms_unavailable()
    try:
        sender.send(message)
    except Exception as exc:  # any gateway error: the person is told, the row stays unsent
        log.warning("one-time code %s not sent: %s", row.pk, type(exc).__name__)
        raise _sms_unavailable() from None
    PhoneCode.objects.filter(pk=row.pk).update(sent_at=clock.now())
    return CodeSent(
        code_id=row.pk,
        purpose=purpose,
        tail=row.recipient_tail,
        expires_at=row.expires_at,
        resend_at=at + policy.resend_after,
    )


def code_resend(*, code_id: int, address: str) -> CodeSent:
    """Another code for what ``code_id`` was for, to the same number (the code screen's "resend")."""
    row = PhoneCode.objects.filter(pk=code_id).first()
    if row is None:
        raise _code_not_found(CODES)
    return code_send(
        person_id=row.person_id,
        purpose=Purpose(row.purpose),
        target_id=row.target_id,
        address=address,
        new_phone=row.new_phone,
        new_email=row.new_email,
    )


def _code_not_found(policy: CodePolicy) -> NotFound:
    return NotFound(
        rule=policy.rule,
        code="code-not-found",
        zh="请先获取验证码。",
        en="Ask for a code first.",
        fields=("code",),
    )


def code_check(*, code_id: int, code: str, policy: CodePolicy = CODES) -> Proof:
    """One code given back.  Right: the code is used up and the proof returned.  Wrong: counted (and
    committed) before the refusal; the last allowed wrong code kills it.  Expired or used: refused."""
    value = code_format_check(code, policy)  # a typo of the format is not counted as a try
    at = clock.now()
    with transaction.atomic():
        row = PhoneCode.objects.select_for_update().filter(pk=code_id).first()
        if row is None:
            raise _code_not_found(policy)
        state = CodeState(expires_at=row.expires_at, attempts=row.attempts, used=row.used_at is not None)
        matches = hmac.compare_digest(row.code_hash, _code_hash(row.salt, value))
        outcome = code_outcome(state, matches=matches, now=at, policy=policy)
        if outcome in (CodeOutcome.WRONG, CodeOutcome.LOCKED) and state.attempts < policy.attempts:
            row.attempts += 1
            row.save(update_fields=["attempts"])
            if outcome is CodeOutcome.LOCKED:
                audit_record(
                    actor=None,
                    code="proof.code_locked",
                    subject=row,
                    person_id=row.person_id,
                    rule=policy.rule,
                    new={"purpose": row.purpose, "attempts": row.attempts},
                )
        elif outcome is CodeOutcome.ACCEPTED:
            row.used_at = at
            row.save(update_fields=["used_at"])
            audit_record(
                actor=None,
                code="proof.code_verified",
                subject=row,
                person_id=row.person_id,
                rule=policy.rule,
                new={"purpose": row.purpose},
            )
    if outcome is not CodeOutcome.ACCEPTED:
        raise code_refusal(outcome, row.attempts, policy)
    return Proof(
        person_id=row.person_id,
        purpose=Purpose(row.purpose),
        target_id=row.target_id,
        verified_at=at,
        code_id=row.pk,
    )


def contact_confirm(*, code_id: int, code: str, person_id: int) -> Person:
    """Save the new mobile number (and the e-mail given with it) once the code sent to it comes back."""
    row = PhoneCode.objects.filter(pk=code_id, person_id=person_id, purpose=Purpose.CONTACT.value).first()
    if row is None:
        raise _code_not_found(CODES)
    code_check(code_id=row.pk, code=code)
    with transaction.atomic():
        fresh = PhoneCode.objects.select_for_update().get(pk=row.pk)
        person = contact_set(
            person_id=person_id,
            phone=fresh.new_phone,
            email=fresh.new_email,
            via="holder, the new number confirmed by a one-time code",
        )
        fresh.new_phone, fresh.new_email = "", ""  # kept no longer than needed
        fresh.save(update_fields=["new_phone", "new_email"])
    return person


@dataclass(frozen=True)
class PendingCode:
    """A code as the code screen shows it."""

    code_id: int
    purpose: Purpose
    target_id: int
    person_id: int
    tail: str
    expires_at: datetime
    resend_at: datetime
    attempts_left: int
    used: bool


def code_pending(code_id: int, policy: CodePolicy = CODES) -> PendingCode | None:
    row = PhoneCode.objects.filter(pk=code_id).first()
    if row is None:
        return None
    return PendingCode(
        code_id=row.pk,
        purpose=Purpose(row.purpose),
        target_id=row.target_id,
        person_id=row.person_id,
        tail=row.recipient_tail,
        expires_at=row.expires_at,
        resend_at=row.created_at + policy.resend_after,
        attempts_left=max(policy.attempts - row.attempts, 0),
        used=row.used_at is not None,
    )
