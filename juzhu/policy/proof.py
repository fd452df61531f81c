"""The applicant proves they are the person (N-17-confidentiality): one-time codes and lookup brakes.

Applicants have no account.  Knowing a name and an identity number proves nothing — both are
printed on cards, photocopied at every counter and sold in leaked lists — so before any write or
personal read online, a one-time code goes by SMS to the mobile number the police station recorded
for the person (``Person.phone``), never to a number the visitor types.  Whoever gives the code back
within its lifetime holds that phone.  《中华人民共和国个人信息保护法》第五十一条 asks the
handler of personal information to prevent unauthorised access with security measures; GB/T
22239-2019 (level 3) 8.1.4.1 asks for identification and authentication with a limit on failed
attempts and on how long a session lasts, and 8.1.4.11 for no unauthorised access to personal data.

This module holds the thresholds, each a named value with its reason, and the rules that use them,
as pure functions of their inputs and ``now`` (the services read the clock and the database):

- a code: its length, lifetime, attempts, the pause before a new one and how many a person and an
  address may ask for (``CodePolicy``, ``code_send_check``, ``code_outcome``);
- a proof: who gave a code, for what, and when; it lasts ``verified_for`` (``Proof``, ``proof_current``);
- the public lookups: short delays growing with consecutive failures, keyed by the number looked
  up and by the address, with a cap (``LookupPolicy``, ``lookup_delay``);
- public verification: requests per address and minute (``VerifyPolicy``).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from juzhu.policy.errors import Forbidden, InvalidInput, PolicyError, Throttled, TransitionNotAllowed
from juzhu.policy.reminders import MOBILE_PATTERN

RULE = "N-17-confidentiality"


class Purpose(enum.StrEnum):
    """What a code opens; the session keeps the proof under this name."""

    APPLY = "apply"  # 网上预申请: the person named by identity number and name
    PROGRESS = "progress"  # 进度查询: one application (its number and the identity number)
    PERMIT = "permit"  # 我的居住证: one card (its number and the identity number)
    CONTACT = "contact"  # a new mobile number for reminders, confirmed by a code sent to it


PURPOSE_LABELS: dict[Purpose, tuple[str, str]] = {
    Purpose.APPLY: ("网上预申请", "online pre-application"),
    Purpose.PROGRESS: ("申请进度查询", "application progress"),
    Purpose.PERMIT: ("我的居住证", "my residence permit"),
    Purpose.CONTACT: ("确认新的手机号码", "confirming a new mobile number"),
}


@dataclass(frozen=True)
class CodePolicy:
    """The one-time code's thresholds (N-17-confidentiality; GB/T 22239-2019 8.1.4.1)."""

    # Six digits: one guess in a million, and still easy to read from an SMS and type.
    digits: int = 6
    # Five minutes: long enough for a slow SMS and a person reading it on another device, short
    # enough that a code seen over a shoulder is soon worthless (GB/T 22239-2019 8.1.4.1).
    lifetime: timedelta = timedelta(minutes=5)
    # Wrong codes allowed on one code; the next one kills it.  With ``per_person_hour`` codes an
    # hour, a guesser gets 25 tries an hour at a million-to-one: about one success in 40,000 hours.
    attempts: int = 5
    # The pause before another code for the same purpose and page ("resend"): an SMS usually
    # arrives within seconds, and the pause keeps a double click from sending two.
    resend_after: timedelta = timedelta(seconds=60)
    # Codes a person may be sent per hour and per day: a stranger who knows the pair must not be
    # able to flood the holder's phone (SMS bombing), 《个人信息保护法》第五十一条.
    per_person_hour: int = 5
    per_person_day: int = 10
    # Codes per requesting address and hour, for all persons together: a service hall or a mobile
    # carrier puts many people behind one address, so this is well above one person's need.
    per_address_hour: int = 30
    # How long a proof opens the pages it was given for (GB/T 22239-2019 8.1.4.1: 登录连接超时自动退出);
    # the staff pages' idle timeout is 30 minutes too.
    verified_for: timedelta = timedelta(minutes=30)
    # Digits of the mobile number shown on the code screen ("尾号1234"), as banks and 12306 do: the
    # person recognises the phone; a stranger who knows the pair learns no usable number.
    phone_digits_shown: int = 4
    rule: str = RULE


CODES = CodePolicy()


# --------------------------------------------------------------------------- the phone on record

_MOBILE = re.compile(MOBILE_PATTERN)
_SEPARATORS = re.compile(r"[\s\-()]")


def mobile_on_record(phone: str) -> str | None:
    """The recorded number as 11 digits when an SMS can reach it; None for a landline, junk or nothing."""
    digits = _SEPARATORS.sub("", phone or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits if _MOBILE.fullmatch(digits) else None


def phone_tail(mobile: str, policy: CodePolicy = CODES) -> str:
    """The last digits shown on the code screen (never the whole number)."""
    return mobile[-policy.phone_digits_shown :] if policy.phone_digits_shown > 0 else ""


def no_phone_on_record(policy: CodePolicy = CODES) -> PolicyError:
    """The person has no mobile number on record: ask the station to record one (and nothing else)."""
    return TransitionNotAllowed(
        rule=policy.rule,
        code="no-phone-on-record",
        zh="没有登记可以接收短信的手机号码，无法发送验证码。请携带居民身份证到派出所或户籍服务大厅"
        "登记本人手机号码后再在网上办理，或直接到窗口办理。",
        en="No mobile number that can receive a text message is on record, so no code can be sent. "
        "Bring your identity card to a police station or the service hall to have your mobile number "
        "recorded, then come back online — or apply at the counter.",
    )


# --------------------------------------------------------------------------- sending a code


def _seconds(delta: timedelta) -> int:
    return max(math.ceil(delta.total_seconds()), 1)


def _minutes(seconds: int) -> int:
    return max(math.ceil(seconds / 60), 1)


def code_send_check(
    *,
    now: datetime,
    person_sends: Sequence[datetime],
    address_sends: Sequence[datetime],
    last_same: datetime | None = None,
    policy: CodePolicy = CODES,
) -> None:
    """May a code be sent now?  ``Throttled`` with the seconds to wait, else None.

    ``person_sends``: when codes were sent to this person in the last day (any purpose);
    ``address_sends``: when codes were asked for from this address in the last hour;
    ``last_same``: the last code for the same purpose and page (a "resend"), which waits ``resend_after``.
    A code for something else (the holder who just opened the permit page and now confirms a new
    number) does not wait: the hourly and daily limits bound those.
    """
    if last_same is not None:
        resend_at = last_same + policy.resend_after
        if now < resend_at:
            wait = _seconds(resend_at - now)
            raise Throttled(
                rule=policy.rule,
                code="code-resend-too-soon",
                zh=f"验证码刚刚发出，请查看短信；{wait}秒后可以重新获取。",
                en=f"A code was just sent: please check your messages. You can ask for a new one in {wait} s.",
                extra={"retry_after": wait},
            )
    windows = (
        (person_sends, policy.per_person_hour, timedelta(hours=1), "codes-per-person"),
        (person_sends, policy.per_person_day, timedelta(days=1), "codes-per-person"),
        (address_sends, policy.per_address_hour, timedelta(hours=1), "codes-per-address"),
    )
    for all_sends, limit, window, code in windows:
        sends = [t for t in all_sends if t > now - window]
        if len(sends) >= limit:
            wait = _seconds(min(sends) + window - now)
            minutes = _minutes(wait)
            raise Throttled(
                rule=policy.rule,
                code=code,
                zh=f"获取验证码的次数过多，请{minutes}分钟后再试，或到窗口办理。",
                en=f"Too many codes were asked for. Please try again in {minutes} min, or come to the counter.",
                extra={"retry_after": wait},
            )


# --------------------------------------------------------------------------- checking a code


class CodeOutcome(enum.StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"  # counted; attempts remain
    LOCKED = "locked"  # the attempt that used up the allowance, and any after it
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class CodeState:
    """What is stored of a code (never the code itself)."""

    expires_at: datetime
    attempts: int  # wrong codes given so far
    used: bool


def code_outcome(
    state: CodeState, *, matches: bool, now: datetime, policy: CodePolicy = CODES
) -> CodeOutcome:
    """The answer to one code given for a stored code.  Used, expired or locked codes stay dead."""
    if state.used:
        return CodeOutcome.USED
    if state.attempts >= policy.attempts:
        return CodeOutcome.LOCKED
    if now >= state.expires_at:
        return CodeOutcome.EXPIRED
    if matches:
        return CodeOutcome.ACCEPTED
    return CodeOutcome.LOCKED if state.attempts + 1 >= policy.attempts else CodeOutcome.WRONG


def code_refusal(outcome: CodeOutcome, attempts_made: int, policy: CodePolicy = CODES) -> PolicyError:
    """The refusal for anything but ACCEPTED; ``attempts_made`` counts the attempt just refused."""
    if outcome is CodeOutcome.WRONG:
        left = policy.attempts - attempts_made
        return InvalidInput(
            rule=policy.rule,
            code="code-wrong",
            zh=f"验证码不正确，请核对短信后重新输入（还可以再试{left}次）。",
            en=f"That code is not right. Check the message and type it again ({left} tries left).",
            fields=("code",),
            extra={"attempts_left": left},
        )
    minutes = _minutes(int(policy.lifetime.total_seconds()))
    zh, en = {
        CodeOutcome.LOCKED: (
            "验证码输错次数过多，已经失效。请重新获取验证码。",
            "Too many wrong codes: this code no longer works. Please ask for a new one.",
        ),
        CodeOutcome.EXPIRED: (
            f"验证码已过期（有效期{minutes}分钟）。请重新获取验证码。",
            f"The code has expired (it lasts {minutes} min). Please ask for a new one.",
        ),
        CodeOutcome.USED: (
            "该验证码已经使用过。请重新获取验证码。",
            "That code has already been used. Please ask for a new one.",
        ),
    }.get(outcome, ("验证码无效。", "The code is not valid."))
    return TransitionNotAllowed(
        rule=policy.rule, code=f"code-{outcome.value}", zh=zh, en=en, fields=("code",)
    )


def code_format_check(code: str, policy: CodePolicy = CODES) -> str:
    """The code as typed, without spaces; anything but ``digits`` digits is a 422 naming the field."""
    value = "".join((code or "").split())
    if len(value) != policy.digits or not value.isascii() or not value.isdigit():
        raise InvalidInput(
            rule=policy.rule,
            code="code-format",
            zh=f"请输入短信中的{policy.digits}位数字验证码。",
            en=f"Enter the {policy.digits}-digit code from the text message.",
            fields=("code",),
        )
    return value


# --------------------------------------------------------------------------- the proof


@dataclass(frozen=True)
class Proof:
    """A code given back: the person, what it was for and when.  Only opaque ids, no personal data.

    ``target_id`` is the application (PROGRESS) or card (PERMIT) the code opens; for APPLY and
    CONTACT it is the person.  ``code_id`` names the stored code, for the audit trail.
    """

    person_id: int
    purpose: Purpose
    target_id: int
    verified_at: datetime
    code_id: int | None = None


def proof_current(proof: Proof, now: datetime, policy: CodePolicy = CODES) -> bool:
    """Still within ``verified_for`` of the code being given (and not from the future)."""
    return proof.verified_at <= now < proof.verified_at + policy.verified_for


def proof_require(
    proof: Proof | None,
    purpose: Purpose,
    now: datetime,
    policy: CodePolicy = CODES,
    *,
    target_id: int | None = None,
) -> Proof:
    """The proof when it is current, for ``purpose`` (and ``target_id``); ``Forbidden``-like refusal else."""
    if (
        proof is None
        or proof.purpose is not purpose
        or (target_id is not None and proof.target_id != target_id)
        or not proof_current(proof, now, policy)
    ):
        raise code_required(policy)
    return proof


def code_required(policy: CodePolicy = CODES) -> PolicyError:
    """No current proof for this page or write: the code first (403, naming the rule)."""
    minutes = _minutes(int(policy.verified_for.total_seconds()))
    return Forbidden(
        rule=policy.rule,
        code="code-required",
        zh=f"请先用发送到登记手机号码的验证码证明是您本人（验证后{minutes}分钟内有效）。",
        en=f"First prove it is you with the code sent to the mobile number on record (it lasts {minutes} min).",
    )


# --------------------------------------------------------------------------- public lookups


@dataclass(frozen=True)
class LookupPolicy:
    """Failed lookups (a number and an identity number that do not match) slow the next try down.

    Each number looked up and each address has its own count of failures.  The first few cost
    nothing (a typo); after that the next try waits ``first_delay``, doubling with every further
    failure up to ``cap``: a person who mistypes waits seconds, a guesser gets about one try a
    minute per number and per address — instead of a 15-minute block of a whole service hall or
    mobile carrier address (N-17-confidentiality; GB/T 22239-2019 8.1.4.1 限制非法登录次数).
    """

    # Failures free of delay for one number: three typos of one's own number.
    free_per_number: int = 3
    # For one address: many people share a service hall's or a carrier's address.
    free_per_address: int = 20
    first_delay_seconds: int = 2
    cap_seconds: int = 60
    # A number's count is forgotten after this long without a failure; an address's count after
    # this long from its first failure (a busy hall's typos must not add up all day).
    memory_seconds: int = 15 * 60
    rule: str = RULE


LOOKUPS = LookupPolicy()


def lookup_delay(failures: int, free: int, policy: LookupPolicy = LOOKUPS) -> int:
    """Seconds to wait before the next try after ``failures`` consecutive failures (0: none)."""
    if failures <= free:
        return 0
    return int(min(policy.first_delay_seconds * 2 ** (failures - free - 1), policy.cap_seconds))


def lookup_throttled(retry_after: int, policy: LookupPolicy = LOOKUPS) -> Throttled:
    wait = max(int(retry_after), 1)
    return Throttled(
        rule=policy.rule,
        code="too-many-lookups",
        zh=f"多次查询未能匹配，为保护个人信息，请{wait}秒后再试。",
        en=f"Several lookups did not match. To protect personal data, please try again in {wait} s.",
        extra={"retry_after": wait},
    )


# --------------------------------------------------------------------------- public verification


@dataclass(frozen=True)
class VerifyPolicy:
    """Public verification (``/api/v1/verify/{number}``, ``/api/v1/epermit/verify``, ``/v/<token>``).

    Requests per client address and minute, counted in one fixed window.  A landlord, employer or
    school checks a few cards; an official checking many uses the department API.  The bound stops
    the walk through sequential numbers (N-17-confidentiality; 《个人信息保护法》第五十一条) at
    about 43,000 a day per address, and the number alone answers with the status only.
    """

    per_minute: int = 30
    window_seconds: int = 60
    rule: str = RULE


VERIFICATIONS = VerifyPolicy()


def verify_throttled(retry_after: int, policy: VerifyPolicy = VERIFICATIONS) -> Throttled:
    wait = max(int(retry_after), 1)
    return Throttled(
        rule=policy.rule,
        code="too-many-verifications",
        zh=f"核验请求过于频繁，请{wait}秒后再试。",
        en=f"Too many verifications from this address; please try again in {wait} s.",
        extra={"retry_after": wait},
    )
