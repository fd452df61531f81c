"""Brakes on guessing at the public pages, in the shared cache (Redis with ``JUZHU_CACHE_URL``).

**Lookups** (progress, my permit, the online application's identity step) answer one neutral 404 to
any pair that does not match, so one answer reveals nothing; many in a row would let someone walk
through numbers.  Each failure is counted against every number the form named (the application or
permit number, the identity number) and against the client address.  A few failures cost nothing;
after that the next try waits a short delay that doubles with each further failure, up to a cap
(``juzhu.policy.proof.LOOKUPS``), answered 429 with ``Retry-After`` and without checking the pair.
So a guesser gets about one try a minute per number, from any number of addresses, while a service
hall or a mobile carrier's shared address is never blocked for long (docs/decisions/0010).

The counting is burst-proof: every try counts itself *before* the pair is checked (an atomic
increment), and a try owing a delay must take the key's "gate" with an atomic ``add``; parallel
requests cannot all slip in between a check and a count.  Numbers and addresses are keyed by an
HMAC under the deployment's secret, so the cache holds no identity number.

**Public verification** (``/api/v1/verify/…``, ``/api/v1/epermit/verify``, ``/v/…``) counts requests
per address in one fixed window (``VerifyRateLimitMiddleware``), in one cache round trip on Redis.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from juzhu.policy.errors import Throttled
from juzhu.policy.proof import (
    LOOKUPS,
    VERIFICATIONS,
    LookupPolicy,
    lookup_delay,
    lookup_throttled,
    verify_throttled,
)
from juzhu.web.i18n import request_lang
from juzhu.web.pages import Problem

_PREFIX = "juzhu:lookup"


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind ``JUZHU_TRUSTED_PROXIES`` proxies the address
    the outermost of them saw (X-Forwarded-For, counted from the right: the left part is the client's
    own claim and can be anything)."""
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = int(getattr(settings, "JUZHU_TRUSTED_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def _keyed(kind: str, value: str) -> str:
    digest = salted_hmac("juzhu.web.throttle", f"{kind}:{value}", algorithm="sha256").hexdigest()[:32]
    return f"{_PREFIX}:{kind}:{digest}"


def _number(value: str) -> str:
    return "".join(value.split()).upper()


@dataclass(frozen=True)
class _Key:
    name: str
    free: int
    sliding: bool  # the memory runs from the last failure (numbers) or from the first (addresses)

    @property
    def gate(self) -> str:
        return f"{self.name}:gate"


@dataclass
class Lookup:
    """One lookup under way: its keys, counted already; tell ``lookup_failed`` or ``lookup_succeeded``."""

    keys: list[_Key] = field(default_factory=list)
    policy: LookupPolicy = LOOKUPS


def _incr(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def _decr(key: str) -> None:
    with contextlib.suppress(ValueError):
        cache.decr(key)


def _retry_after(gate: str, now: float) -> int:
    until = cache.get(gate)
    if not isinstance(until, int | float):
        return 1
    return max(math.ceil(until - now), 1)


def lookup_begin(
    request: HttpRequest, *numbers: str, policy: LookupPolicy = LOOKUPS
) -> tuple[Lookup | None, Problem | None]:
    """Count this try against the address and each number named; a 429 ``Problem`` if one owes a wait.

    Call before checking the pair; then ``lookup_failed`` or ``lookup_succeeded`` with the result.
    """
    keys = [_Key(_keyed("addr", client_address(request)), policy.free_per_address, sliding=False)]
    for n in dict.fromkeys(_number(n) for n in numbers if n and n.strip()):
        keys.append(_Key(_keyed("num", n), policy.free_per_number, sliding=True))
    now = time.time()
    taken: list[tuple[_Key, bool]] = []
    for key in keys:
        count = _incr(key.name, policy.memory_seconds)
        wait = lookup_delay(count, key.free, policy)  # what this try costs the next one if it fails
        took_gate = False
        if wait > 0:
            took_gate = bool(cache.add(key.gate, now + wait, wait))
            if not took_gate:
                retry = _retry_after(key.gate, now)
                _decr(key.name)  # a refused try is not a failure: the wait does not grow while waiting
                for done, gated in taken:
                    _decr(done.name)
                    if gated:
                        cache.delete(done.gate)
                return None, problem_of(lookup_throttled(retry, policy), request)
        taken.append((key, took_gate))
    return Lookup(keys=keys, policy=policy), None


def lookup_failed(lookup: Lookup) -> None:
    """The pair did not match: the counts stand; a number's memory runs again from now."""
    for key in lookup.keys:
        if key.sliding:
            cache.touch(key.name, lookup.policy.memory_seconds)


def lookup_succeeded(lookup: Lookup) -> None:
    """The pair matched: the numbers start afresh; the address gives back this try only (a guesser who
    knows one pair cannot wipe the address's count by mixing it in)."""
    for key in lookup.keys:
        if key.sliding:
            cache.delete_many([key.name, key.gate])
        else:
            _decr(key.name)


def problem_of(exc: Throttled, request: HttpRequest) -> Problem:
    """A throttled refusal as a page shows it: 429 with its ``Retry-After``."""
    return Problem.from_error(exc, request)


# --------------------------------------------------------------------------- public verification


def _redis_client(backend: RedisCache) -> Any:
    """Django's own Redis client for this cache (its pool, its key scheme), made once per cache object.

    Django makes a new ``redis.Redis`` for every operation, which costs several times the round trip
    itself (about 0.2 ms against 0.03 ms here); the client is thread-safe and the cache object is
    per thread, so keeping it on the object is safe.
    """
    client = getattr(backend, "_juzhu_client", None)
    if client is None:
        client = backend._cache.get_client(None, write=True)  # type: ignore[attr-defined]
        backend._juzhu_client = client  # type: ignore[attr-defined]
    return client


def _hit(key: str, window: int) -> int:
    """Count one request in a fixed window and return the count: one round trip on Redis."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full = backend.make_and_validate_key(key)
        pipe = _redis_client(backend).pipeline(transaction=False)
        pipe.set(full, 0, ex=window, nx=True)
        pipe.incr(full)
        _, count = pipe.execute()
        return int(count)
    # Another cache (per-process memory): the key usually exists, so increment first and create it
    # only when it is missing — one operation in the common case.
    try:
        return int(backend.incr(key))
    except ValueError:
        if backend.add(key, 1, window):
            return 1
        return int(backend.incr(key))


def verify_wait(request: HttpRequest) -> int:
    """Seconds this address must wait before verifying again (0: go ahead).  One cache round trip."""
    policy = VERIFICATIONS
    limit = getattr(settings, "JUZHU_VERIFY_PER_MINUTE", None) or policy.per_minute
    now = time.time()
    window = int(now // policy.window_seconds)
    count = _hit(f"juzhu:verify:{client_address(request)}:{window}", policy.window_seconds)
    if count <= limit:
        return 0
    return max(math.ceil((window + 1) * policy.window_seconds - now), 1)


VERIFY_PATHS = ("/api/v1/verify/", "/api/v1/epermit/verify", "/v/")


class VerifyRateLimitMiddleware:
    """429 with ``Retry-After`` once an address has used its verifications of the minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(VERIFY_PATHS):
            wait = verify_wait(request)
            if wait:
                return self.refused(request, wait)
        return self.get_response(request)

    @staticmethod
    def refused(request: HttpRequest, wait: int) -> HttpResponse:
        exc = verify_throttled(wait)
        lang = request_lang(request)
        message = exc.message(lang)
        if request.path.startswith("/api/"):
            # The API's problem+json (juzhu.api.errors), written here: the middleware sits below the API.
            body = {
                "type": "https://juzhu.linhe.gov.cn/problems/" + exc.code,
                "title": message,
                "status": 429,
                "detail": message,
                "rule": exc.rule,
                "fields": [],
                "context": dict(exc.extra),
            }
            response = HttpResponse(
                json.dumps(body, ensure_ascii=False), status=429, content_type="application/problem+json"
            )
            response["Content-Language"] = lang
        else:
            response = render(
                request,
                "epermit/verify.html",
                {"ok": False, "throttled": True, "error": message, "rule": exc.rule, "lang": lang},
                status=429,
            )
        response["Retry-After"] = str(wait)
        return response
