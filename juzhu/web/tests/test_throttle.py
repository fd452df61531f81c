"""The lookup throttle (juzhu.web.throttle): failures counted per address and per session, in a window."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.test import RequestFactory

from juzhu.web.throttle import (
    LOOKUP_FAILURES_ALLOWED,
    LOOKUP_WINDOW_SECONDS,
    lookup_blocked,
    lookup_failed,
    lookup_failures,
    session_cycle,
)

pytestmark = pytest.mark.django_db

SCOPE = "test-scope"


@pytest.fixture(autouse=True)
def _cleared() -> None:
    cache.clear()


def _request(ip: str = "192.0.2.1", session_key: str | None = None) -> HttpRequest:
    request = RequestFactory().post("/lookup/", REMOTE_ADDR=ip)
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if session_key is None:
        store.create()
    request.session = store
    return request


def _fail(request: HttpRequest, times: int) -> None:
    for _ in range(times):
        lookup_failed(request, SCOPE)


def test_the_allowance_is_ten_failures_in_fifteen_minutes() -> None:
    assert (LOOKUP_FAILURES_ALLOWED, LOOKUP_WINDOW_SECONDS) == (10, 15 * 60)


def test_ten_failures_are_allowed_and_then_the_answer_is_429() -> None:
    request = _request()
    _fail(request, LOOKUP_FAILURES_ALLOWED - 1)
    assert lookup_blocked(request, SCOPE) is None
    _fail(request, 1)
    problem = lookup_blocked(request, SCOPE)
    assert problem is not None
    assert (problem.status, problem.rule, problem.code) == (429, "N-17-confidentiality", "too-many-lookups")
    assert "15" in problem.message


def test_the_address_counts_across_sessions() -> None:
    for _ in range(LOOKUP_FAILURES_ALLOWED):
        _fail(_request(ip="192.0.2.7"), 1)  # a fresh session (cookies dropped) each time
    assert lookup_blocked(_request(ip="192.0.2.7"), SCOPE) is not None
    assert lookup_blocked(_request(ip="192.0.2.8"), SCOPE) is None


def test_the_session_counts_across_addresses() -> None:
    first = _request(ip="192.0.2.1")
    key = first.session.session_key
    for i in range(LOOKUP_FAILURES_ALLOWED):
        _fail(_request(ip=f"198.51.100.{i}", session_key=key), 1)
    assert lookup_blocked(_request(ip="203.0.113.1", session_key=key), SCOPE) is not None
    assert lookup_blocked(_request(ip="203.0.113.1"), SCOPE) is None


def test_scopes_are_counted_apart() -> None:
    request = _request()
    _fail(request, LOOKUP_FAILURES_ALLOWED)
    assert lookup_blocked(request, SCOPE) is not None
    assert lookup_blocked(request, "another-scope") is None


def test_a_new_session_id_keeps_the_sessions_count() -> None:
    request = _request(ip="192.0.2.1")
    _fail(request, 4)
    old = request.session.session_key
    session_cycle(request, SCOPE)
    assert request.session.session_key != old
    # Counted on the new id too, from another address.
    assert lookup_failures(_request(ip="192.0.2.99", session_key=request.session.session_key), SCOPE) == 4


def test_the_count_ends_with_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: now[0])
    request = _request()
    _fail(request, LOOKUP_FAILURES_ALLOWED)
    now[0] += LOOKUP_WINDOW_SECONDS - 1
    _fail(request, 1)  # a later failure does not extend the window
    assert lookup_blocked(request, SCOPE) is not None
    now[0] += 2
    assert lookup_blocked(request, SCOPE) is None
    assert lookup_failures(request, SCOPE) == 0


def test_an_address_missing_from_the_request_is_still_counted() -> None:
    request = _request()
    del request.META["REMOTE_ADDR"]
    _fail(request, LOOKUP_FAILURES_ALLOWED)
    assert lookup_blocked(request, SCOPE) is not None


def test_with_the_redis_cache_every_worker_sees_the_same_count(settings) -> None:
    """JUZHU_CACHE_URL: the counts live in Redis, so another worker's cache client sees them."""
    import redis
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "juzhu-test",
        }
    }
    cache.clear()
    request = _request()
    for _ in range(LOOKUP_FAILURES_ALLOWED):
        lookup_failed(request, SCOPE)
    other_worker = caches.create_connection("default")
    key = f"juzhu:lookup-failures:{SCOPE}:ip:192.0.2.1"
    assert other_worker.get(key) == LOOKUP_FAILURES_ALLOWED
    assert lookup_blocked(_request(), SCOPE) is not None
    ttl = redis.Redis.from_url("redis://127.0.0.1:6379/15").ttl(f"juzhu-test:1:{key}")
    assert 0 < ttl <= LOOKUP_WINDOW_SECONDS  # the window, kept by Redis itself
    cache.clear()
