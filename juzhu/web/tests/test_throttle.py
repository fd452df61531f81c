"""The public pages' brakes (juzhu.web.throttle): short delays growing with consecutive failures, keyed by
the number looked up and by the address; public verification limited per address in one round trip."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import cache
from django.http import HttpRequest
from django.test import Client, RequestFactory

from juzhu.policy.proof import LOOKUPS, VERIFICATIONS
from juzhu.web.throttle import (
    client_address,
    lookup_begin,
    lookup_failed,
    lookup_succeeded,
    verify_wait,
)

pytestmark = pytest.mark.django_db

NUMBER = "510121199005171238"


class Now:
    """``time.time`` moved by hand: the throttle's clock and the memory cache's expiry alike."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.t = 1_800_000_000.0
        monkeypatch.setattr(time, "time", lambda: self.t)

    def move(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> Now:
    return Now(monkeypatch)


def _request(ip: str = "192.0.2.1", **meta: Any) -> HttpRequest:
    return RequestFactory().post("/lookup/", REMOTE_ADDR=ip, **meta)


def _try(*numbers: str, ip: str = "192.0.2.1", ok: bool = False) -> int:
    """One lookup: 0 when it was let through (and then failed or succeeded), else its Retry-After."""
    lookup, problem = lookup_begin(_request(ip), *numbers)
    if lookup is None:
        assert problem is not None
        assert (problem.status, problem.rule, problem.code) == (
            429,
            "N-17-confidentiality",
            "too-many-lookups",
        )
        assert problem.retry_after is not None
        return problem.retry_after
    (lookup_succeeded if ok else lookup_failed)(lookup)
    return 0


def test_three_typos_of_a_number_cost_nothing_then_the_wait_doubles_up_to_a_minute(now: Now) -> None:
    for _ in range(LOOKUPS.free_per_number):
        assert _try(NUMBER) == 0
    assert _try(NUMBER) == 0  # the fourth failure is let through; it costs the next try 2 s
    assert _try(NUMBER) == 2
    now.move(1)
    assert _try(NUMBER) == 1  # refused tries do not make the wait grow
    waits = []
    for _ in range(6):
        now.move(60)
        assert _try(NUMBER) == 0
        waits.append(_try(NUMBER))
    assert waits == [4, 8, 16, 32, 60, 60]  # capped


def test_the_wait_is_per_number_from_any_address(now: Now) -> None:
    """A guesser spreading tries over many addresses is slowed down on the number all the same."""
    for i in range(LOOKUPS.free_per_number + 1):
        assert _try(NUMBER, ip=f"198.51.100.{i}") == 0
    assert _try(NUMBER, ip="203.0.113.9") == 2
    assert _try("510121199005171246", ip="203.0.113.9") == 0  # another number is not affected


def test_an_address_gets_twenty_free_failures_over_different_numbers(now: Now) -> None:
    """A service hall or carrier address: many people's typos before any wait, and then only seconds."""
    for i in range(LOOKUPS.free_per_address + 1):
        assert _try(f"SQ2026{i:07d}", ip="10.0.0.1") == 0
    assert _try("SQ20269999999", ip="10.0.0.1") == 2
    assert _try("SQ20269999999", ip="10.0.0.2") == 0  # the next address is not affected


def test_a_match_clears_the_numbers_count_but_gives_back_only_its_own_try_to_the_address(now: Now) -> None:
    for _ in range(LOOKUPS.free_per_number):
        _try(NUMBER)
    assert _try(NUMBER, ok=True) == 0
    for _ in range(LOOKUPS.free_per_number + 1):
        assert _try(NUMBER) == 0  # the number starts afresh
    # The address keeps its failures: a guesser who knows one pair cannot wipe them by mixing it in.
    for i in range(LOOKUPS.free_per_address - 2 * LOOKUPS.free_per_number - 1):
        _try(f"SQ2026{i:07d}")
    assert _try("SQ20260000998") == 0
    assert _try("SQ20260000999") == 2


def test_a_burst_of_parallel_tries_gets_no_more_than_one_past_the_free_ones(now: Now) -> None:
    """Every try counts itself before the pair is checked, and a delayed one must take the gate."""
    in_flight = [lookup_begin(_request(), NUMBER) for _ in range(20)]
    passed = [lookup for lookup, _ in in_flight if lookup is not None]
    assert len(passed) == LOOKUPS.free_per_number + 1
    for lookup in passed:
        lookup_failed(lookup)


def test_a_numbers_count_is_forgotten_after_fifteen_quiet_minutes(now: Now) -> None:
    for _ in range(LOOKUPS.free_per_number + 1):
        _try(NUMBER)
    now.move(LOOKUPS.memory_seconds - 1)
    assert _try(NUMBER) == 0  # still remembered: this try is the fifth failure, owing 4 s
    assert _try(NUMBER) == 4
    now.move(LOOKUPS.memory_seconds + 1)
    for _ in range(LOOKUPS.free_per_number):
        assert _try(NUMBER) == 0


def test_the_cache_holds_no_identity_number_and_no_address(now: Now) -> None:
    _try(NUMBER, ip="192.0.2.77")
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  # the memory cache's own store
    assert keys and not any(NUMBER in k or "192.0.2.77" in k for k in keys)


def test_the_client_address_behind_trusted_proxies(settings: Any) -> None:
    request = _request("10.9.9.9", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    assert client_address(request) == "10.9.9.9"  # no proxy trusted: X-Forwarded-For is only a claim
    settings.JUZHU_TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.5"  # what our proxy saw, not what the client wrote
    assert client_address(_request("10.9.9.9")) == "10.9.9.9"


@pytest.fixture
def redis_cache(settings: Any) -> Any:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "juzhu-test",
        }
    }
    cache.clear()
    yield
    cache.clear()


def test_with_the_redis_cache_every_worker_sees_the_same_count(redis_cache: Any) -> None:
    """JUZHU_CACHE_URL: the counts live in Redis, so another worker's client sees them, with their TTL."""
    import redis
    from django.core.cache import caches

    for _ in range(LOOKUPS.free_per_number + 1):
        assert _try(NUMBER) == 0
    other_worker = caches.create_connection("default")
    assert other_worker.get(next(iter(_number_keys()))) == LOOKUPS.free_per_number + 1
    assert _try(NUMBER) == 2
    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    ttls = [client.ttl(k) for k in client.keys("juzhu-test:*lookup:num*")]
    assert ttls and all(0 < t <= LOOKUPS.memory_seconds for t in ttls)


def _number_keys() -> list[str]:
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    return [
        k.decode().split(":", 2)[2] for k in client.keys("juzhu-test:*lookup:num*") if not k.endswith(b"gate")
    ]


# --------------------------------------------------------------------------- public verification


def test_thirty_verifications_a_minute_per_address_then_429_until_the_minute_is_over(now: Now) -> None:
    now.t = 1_800_000_000.0 - 1_800_000_000.0 % 60 + 15  # 15 s into a minute
    for _ in range(VERIFICATIONS.per_minute):
        assert verify_wait(_request("192.0.2.5")) == 0
    assert verify_wait(_request("192.0.2.5")) == 45
    assert verify_wait(_request("192.0.2.6")) == 0
    now.move(45)
    assert verify_wait(_request("192.0.2.5")) == 0


def test_a_verification_costs_one_redis_round_trip(redis_cache: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from redis.connection import Connection

    sent: list[Any] = []
    real = Connection.send_packed_command

    def counting(self: Connection, command: Any, check_health: bool = True) -> None:
        sent.append(command)
        real(self, command, check_health)

    verify_wait(_request("192.0.2.8"))  # the connection is opened outside the count
    monkeypatch.setattr(Connection, "send_packed_command", counting)
    assert verify_wait(_request("192.0.2.8")) == 0
    assert len(sent) == 1


def test_the_verify_api_says_429_with_its_rule_and_retry_after(
    client: Client, settings: Any, now: Now
) -> None:
    settings.JUZHU_VERIFY_PER_MINUTE = 2
    for _ in range(2):
        assert client.get("/api/v1/verify/150802202600001X").status_code in (404, 422)
    refused = client.get("/api/v1/verify/150802202600001X", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert (body["rule"], body["type"].rsplit("/", 1)[1], body["status"]) == (
        "N-17-confidentiality",
        "too-many-verifications",
        429,
    )
    assert "try again in" in body["detail"]
    page = client.get("/v/JZ1.x.y.z")
    assert page.status_code == 429 and "请稍后再试" in page.content.decode()
    assert (
        client.post("/api/v1/epermit/verify", {"token": "x"}, content_type="application/json").status_code
        == 429
    )
    assert client.get("/api/v1/health").status_code == 200  # only verification is counted
