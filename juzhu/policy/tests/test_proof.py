"""The applicant's proof (juzhu.policy.proof): codes, their limits, proofs and the lookup delays, on both
sides of every boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from juzhu.policy.errors import Forbidden, InvalidInput, Throttled, TransitionNotAllowed
from juzhu.policy.proof import (
    CODES,
    LOOKUPS,
    VERIFICATIONS,
    CodeOutcome,
    CodeState,
    Proof,
    Purpose,
    code_format_check,
    code_outcome,
    code_refusal,
    code_send_check,
    lookup_delay,
    lookup_throttled,
    mobile_on_record,
    no_phone_on_record,
    phone_tail,
    proof_current,
    proof_require,
    verify_throttled,
)

NOW = datetime(2026, 7, 6, 9, 30, tzinfo=UTC)
S = timedelta(seconds=1)


def test_the_thresholds_and_their_values() -> None:
    assert (CODES.digits, CODES.lifetime, CODES.attempts, CODES.resend_after) == (
        6,
        timedelta(minutes=5),
        5,
        timedelta(seconds=60),
    )
    assert (CODES.per_person_hour, CODES.per_person_day, CODES.per_address_hour) == (5, 10, 30)
    assert CODES.verified_for == timedelta(minutes=30) and CODES.rule == "N-17-confidentiality"
    assert (LOOKUPS.free_per_number, LOOKUPS.free_per_address, LOOKUPS.cap_seconds) == (3, 20, 60)
    assert (VERIFICATIONS.per_minute, VERIFICATIONS.window_seconds) == (30, 60)


# --------------------------------------------------------------------------- the phone on record


@pytest.mark.parametrize(
    ("recorded", "mobile"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("", None),
        ("0478-8123456", None),  # a landline: no SMS
        ("12800138000", None),  # no mobile number starts 12
        ("1380013800", None),  # ten digits
        ("138001380001", None),  # twelve
    ],
)
def test_only_a_mobile_number_on_record_can_receive_a_code(recorded: str, mobile: str | None) -> None:
    assert mobile_on_record(recorded) == mobile


def test_the_code_screen_shows_the_last_four_digits_only() -> None:
    assert phone_tail("13800138000") == "8000"


def test_no_phone_on_record_says_what_to_do_and_nothing_else() -> None:
    exc = no_phone_on_record()
    assert (exc.code, exc.rule, exc.kind) == ("no-phone-on-record", "N-17-confidentiality", "conflict")
    assert "派出所" in exc.zh and "police station" in exc.en
    assert not any(ch.isdigit() for ch in exc.zh + exc.en)  # no date, no number, no count


# --------------------------------------------------------------------------- sending


def test_the_first_code_is_sent() -> None:
    code_send_check(now=NOW, person_sends=[], address_sends=[])


@pytest.mark.parametrize(("ago", "allowed"), [(59, False), (60, True)])
def test_a_new_code_after_the_resend_pause_and_not_before(ago: int, allowed: bool) -> None:
    sends = [NOW - ago * S]
    if allowed:
        code_send_check(now=NOW, person_sends=sends, address_sends=sends, last_same=sends[0])
        return
    with pytest.raises(Throttled) as exc:
        code_send_check(now=NOW, person_sends=sends, address_sends=sends, last_same=sends[0])
    assert (exc.value.code, exc.value.retry_after, exc.value.kind) == ("code-resend-too-soon", 1, "throttled")


def test_a_code_for_something_else_does_not_wait_for_the_pause() -> None:
    """The holder who just opened the permit page confirms a new number at once."""
    code_send_check(now=NOW, person_sends=[NOW - 5 * S], address_sends=[NOW - 5 * S], last_same=None)


@pytest.mark.parametrize(("count", "allowed"), [(4, True), (5, False)])
def test_five_codes_an_hour_to_one_person(count: int, allowed: bool) -> None:
    sends = [NOW - timedelta(minutes=50) + i * timedelta(minutes=5) for i in range(count)]
    if allowed:
        code_send_check(now=NOW, person_sends=sends, address_sends=[])
        return
    with pytest.raises(Throttled) as exc:
        code_send_check(now=NOW, person_sends=sends, address_sends=[])
    assert exc.value.code == "codes-per-person"
    assert exc.value.retry_after == 10 * 60  # the oldest of the hour leaves it in ten minutes
    assert "10分钟" in exc.value.zh and "10 min" in exc.value.en


def test_a_code_an_hour_old_no_longer_counts_for_the_hour() -> None:  # nothing waits for a resend here
    sends = [NOW - timedelta(hours=1)] + [NOW - timedelta(minutes=m) for m in (40, 30, 20, 10)]
    code_send_check(now=NOW, person_sends=sends, address_sends=[])


@pytest.mark.parametrize(("count", "allowed"), [(9, True), (10, False)])
def test_ten_codes_a_day_to_one_person(count: int, allowed: bool) -> None:
    sends = [NOW - timedelta(hours=2 + i) for i in range(count)]  # none in the last hour
    if allowed:
        code_send_check(now=NOW, person_sends=sends, address_sends=[])
        return
    with pytest.raises(Throttled) as exc:
        code_send_check(now=NOW, person_sends=sends, address_sends=[])
    assert exc.value.code == "codes-per-person"
    assert exc.value.retry_after == (timedelta(days=1) - timedelta(hours=2 + count - 1)).total_seconds()


@pytest.mark.parametrize(("count", "allowed"), [(29, True), (30, False)])
def test_thirty_codes_an_hour_from_one_address(count: int, allowed: bool) -> None:
    sends = [NOW - timedelta(minutes=59) + i * S for i in range(count)]
    if allowed:
        code_send_check(now=NOW, person_sends=[], address_sends=sends)
        return
    with pytest.raises(Throttled) as exc:
        code_send_check(now=NOW, person_sends=[], address_sends=sends)
    assert (exc.value.code, exc.value.retry_after) == ("codes-per-address", 60)


# --------------------------------------------------------------------------- checking


def _state(
    attempts: int = 0, used: bool = False, expires: datetime = NOW + timedelta(minutes=5)
) -> CodeState:
    return CodeState(expires_at=expires, attempts=attempts, used=used)


@pytest.mark.parametrize(
    ("state", "matches", "outcome"),
    [
        (_state(), True, CodeOutcome.ACCEPTED),
        (_state(), False, CodeOutcome.WRONG),
        (_state(attempts=3), False, CodeOutcome.WRONG),  # the fourth wrong code: one try left
        (_state(attempts=4), False, CodeOutcome.LOCKED),  # the fifth kills it
        (_state(attempts=4), True, CodeOutcome.ACCEPTED),  # the right code on the last try
        (_state(attempts=5), True, CodeOutcome.LOCKED),  # dead stays dead, even for the right code
        (_state(used=True), True, CodeOutcome.USED),
        (_state(expires=NOW + S), True, CodeOutcome.ACCEPTED),  # the last second of its lifetime
        (_state(expires=NOW), True, CodeOutcome.EXPIRED),  # the first second after
        (_state(expires=NOW), False, CodeOutcome.EXPIRED),  # an expired code counts no tries
    ],
)
def test_the_outcome_of_one_code_given_back(state: CodeState, matches: bool, outcome: CodeOutcome) -> None:
    assert code_outcome(state, matches=matches, now=NOW) is outcome


def test_a_wrong_code_says_how_many_tries_are_left() -> None:
    exc = code_refusal(CodeOutcome.WRONG, attempts_made=2)
    assert isinstance(exc, InvalidInput)
    assert (exc.code, tuple(exc.fields), exc.extra) == ("code-wrong", ("code",), {"attempts_left": 3})
    assert "还可以再试3次" in exc.zh and "3 tries left" in exc.en


@pytest.mark.parametrize("outcome", [CodeOutcome.LOCKED, CodeOutcome.EXPIRED, CodeOutcome.USED])
def test_a_dead_code_asks_for_a_new_one(outcome: CodeOutcome) -> None:
    exc = code_refusal(outcome, attempts_made=5)
    assert isinstance(exc, TransitionNotAllowed)
    assert exc.code == f"code-{outcome.value}" and "重新获取" in exc.zh and "new one" in exc.en


@pytest.mark.parametrize("typed", ["123456", " 123 456 ", "000000"])
def test_six_digits_with_or_without_spaces_are_a_code(typed: str) -> None:
    assert code_format_check(typed) == "".join(typed.split())


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12a456", "１２３４５６"])
def test_anything_else_is_a_422_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        code_format_check(typed)
    assert (exc.value.code, tuple(exc.value.fields)) == ("code-format", ("code",))


# --------------------------------------------------------------------------- the proof


def _proof(at: datetime, purpose: Purpose = Purpose.PERMIT, target: int = 7) -> Proof:
    return Proof(person_id=3, purpose=purpose, target_id=target, verified_at=at)


@pytest.mark.parametrize(
    ("age", "current"),
    [
        (timedelta(0), True),
        (timedelta(minutes=30) - S, True),  # the last second
        (timedelta(minutes=30), False),  # the first second after
        (-S, False),  # from the future: not trusted
    ],
)
def test_a_proof_lasts_thirty_minutes(age: timedelta, current: bool) -> None:
    assert proof_current(_proof(NOW - age), NOW) is current


def test_a_proof_opens_only_its_purpose_and_target() -> None:
    proof = _proof(NOW)
    assert proof_require(proof, Purpose.PERMIT, NOW, target_id=7) is proof
    for args in [
        (None, Purpose.PERMIT, {}),
        (proof, Purpose.PROGRESS, {}),
        (proof, Purpose.PERMIT, {"target_id": 8}),
        (_proof(NOW - timedelta(minutes=31)), Purpose.PERMIT, {}),
    ]:
        with pytest.raises(Forbidden) as exc:
            proof_require(args[0], args[1], NOW, **args[2])  # type: ignore[arg-type]
        assert (exc.value.code, exc.value.rule) == ("code-required", "N-17-confidentiality")


# --------------------------------------------------------------------------- lookups and verification


@pytest.mark.parametrize(
    ("failures", "free", "delay"),
    [
        (0, 3, 0),
        (3, 3, 0),  # three typos cost nothing
        (4, 3, 2),  # the fourth: two seconds
        (5, 3, 4),
        (6, 3, 8),
        (8, 3, 32),
        (9, 3, 60),  # capped
        (50, 3, 60),
        (20, 20, 0),  # an address shared by a service hall
        (21, 20, 2),
    ],
)
def test_lookup_delays_double_after_the_free_failures_up_to_the_cap(
    failures: int, free: int, delay: int
) -> None:
    assert lookup_delay(failures, free) == delay


def test_the_throttled_refusals_say_when_to_try_again() -> None:
    lookup = lookup_throttled(8)
    assert (lookup.code, lookup.retry_after, lookup.extra) == ("too-many-lookups", 8, {"retry_after": 8})
    assert "8秒" in lookup.zh and "8 s" in lookup.en
    verify = verify_throttled(0)
    assert (verify.code, verify.retry_after, verify.rule) == (
        "too-many-verifications",
        1,
        "N-17-confidentiality",
    )
