"""Offline e-permit verification vs a bare Ed25519 verify, in one process (no database)."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from juzhu.policy.epermit import Claims, token_sign, token_verify

TOKEN_TARGET = 0.8  # token_verify rate / bare Ed25519 verify rate, at least


def _rate(fn: Callable[[], object], seconds: float) -> float:
    """Calls per second of ``fn`` over about ``seconds`` (best of three slices, to damp noise)."""
    best = 0.0
    for _ in range(3):
        n, t0 = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - t0) < seconds / 3:
            for _ in range(200):
                fn()
            n += 200
        best = max(best, n / elapsed)
    return best


def measure(seconds: float) -> tuple[float, float]:
    key = Ed25519PrivateKey.generate()
    token = token_sign(
        Claims("150802202600000018", "王**", date(2026, 1, 5), datetime(2026, 11, 26, tzinfo=UTC), "k1"), key
    )
    keys = {"k1": key.public_key()}
    signed, sig = token.rsplit(".", 1)
    bare_msg = signed.encode("ascii")
    bare_sig = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    public = key.public_key()
    if token_verify(token, keys).number != "150802202600000018":
        raise RuntimeError("token round trip failed")
    bare = _rate(lambda: public.verify(bare_sig, bare_msg), seconds)
    full = _rate(lambda: token_verify(token, keys), seconds)
    return full, bare
