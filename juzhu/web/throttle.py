"""A brake on guessing at the public lookups (portal progress, the holder's permit page).

Those pages answer one neutral 404 to any wrong pair, so a single answer reveals nothing; many
answers in a row would still let someone walk through identity numbers.  Failed lookups are
counted in Django's cache per client address (``REMOTE_ADDR``) and per session; once either
count passes the allowance, the page answers 429 without even checking the pair, until the
window has passed.  A successful lookup does not reset the count, so guesses cannot be
interleaved with one pair the guesser already knows.

The count lives in ``django.core.cache.cache``: with the default per-process memory cache each
worker counts on its own, so a deployment with several workers should configure a shared cache.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from juzhu.web.pages import Problem

# N-17-confidentiality: a record is shown only to whoever presents both halves of the pair;
# this bounds how many pairs one client may try in a window (10 failures per 15 minutes).
LOOKUP_FAILURES_ALLOWED = 10
LOOKUP_WINDOW_SECONDS = 15 * 60

_PREFIX = "juzhu:lookup-failures"


def _session_key(request: HttpRequest, scope: str) -> str | None:
    key = request.session.session_key
    return f"{_PREFIX}:{scope}:session:{key}" if key else None


def _keys(request: HttpRequest, scope: str) -> list[str]:
    """The counters this request falls under: its address and, once it has one, its session."""
    keys = [f"{_PREFIX}:{scope}:ip:{request.META.get('REMOTE_ADDR') or 'unknown'}"]
    session = _session_key(request, scope)
    if session is not None:
        keys.append(session)
    return keys


def _incr(key: str, by: int = 1) -> int:
    """Add to a counter; the window starts with the first failure and is not extended by later ones."""
    cache.add(key, 0, LOOKUP_WINDOW_SECONDS)
    try:
        return int(cache.incr(key, by))
    except ValueError:  # expired between add and incr
        cache.set(key, by, LOOKUP_WINDOW_SECONDS)
        return by


def lookup_failures(request: HttpRequest, scope: str) -> int:
    """The highest failure count among this request's counters."""
    return max(int(cache.get(k) or 0) for k in _keys(request, scope))


def lookup_blocked(request: HttpRequest, scope: str) -> Problem | None:
    """The 429 refusal once the allowance is used up, else None (then check the pair)."""
    if lookup_failures(request, scope) < LOOKUP_FAILURES_ALLOWED:
        return None
    minutes = LOOKUP_WINDOW_SECONDS // 60
    return Problem.of(
        "N-17-confidentiality",
        "too-many-lookups",
        f"查询失败次数过多，请{minutes}分钟后再试。",
        f"Too many lookups did not match; please try again in {minutes} minutes.",
        status=429,
    )


def lookup_failed(request: HttpRequest, scope: str) -> None:
    """Count one failed lookup against the address and the session."""
    for key in _keys(request, scope):
        _incr(key)


def session_cycle(request: HttpRequest, scope: str) -> None:
    """A fresh session id (a matched pair is about to be remembered), keeping the session's count.

    The old session's failures move to the new id: a success must not wipe them.
    """
    old = _session_key(request, scope)
    carried = int(cache.get(old) or 0) if old is not None else 0
    request.session.cycle_key()
    new = _session_key(request, scope)
    if carried and new is not None:
        _incr(new, carried)
