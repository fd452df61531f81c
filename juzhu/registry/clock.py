"""The local date (T-zone: Asia/Shanghai).

One hook, like Django's own ``_now()``: the demo loader and the tests replay
past days through the real services by setting the date with ``clock.at(d)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.utils import timezone

_fixed: date | None = None


def today() -> date:
    return _fixed or timezone.localdate()


@contextmanager
def at(d: date) -> Iterator[None]:
    """Run the enclosed service calls as if today were ``d`` (demo data, tests)."""
    global _fixed
    previous, _fixed = _fixed, d
    try:
        yield
    finally:
        _fixed = previous


def now() -> datetime:
    """The current instant (aware).  One hook, like ``today``: tests replace it to move time on
    (one-time codes' lifetimes, a proof's expiry)."""
    return timezone.now()
