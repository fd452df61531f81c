"""Idempotent retries of create operations (``Idempotency-Key`` header).

The key is stored in the same transaction as the change, so a retry either
finds the first answer or runs the change for the first time — never twice.
A key reused with a different request is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Status

from juzhu.policy.errors import InvalidInput
from juzhu.registry.models import IdempotencyRecord

MAX_KEY = 100


def run_idempotent(request: HttpRequest, status: int, make: Callable[[], Any]) -> Status[Any]:
    """Run ``make`` (which returns a JSON-able body) at most once per (user, Idempotency-Key)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or not request.user.is_authenticated:
        return Status(status, make())
    if len(key) > MAX_KEY:
        raise InvalidInput(
            rule="N-17-confidentiality",
            code="idempotency-key",
            zh="Idempotency-Key过长。",
            en="Idempotency-Key is too long.",
            fields=("Idempotency-Key",),
        )
    fingerprint = hashlib.sha256(request.method.encode() + request.path.encode() + request.body).hexdigest()  # type: ignore[union-attr]
    previous = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if previous is None:
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=request.user, key=key, fingerprint=fingerprint)
                body = json.loads(json.dumps(make(), default=str))
                record.status_code, record.body = status, body
                record.save(update_fields=["status_code", "body"])
                return Status(status, body)
        except IntegrityError:
            # A concurrent request with the same key committed first: answer as it did.
            previous = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
            if previous is None:
                raise
    if previous.fingerprint != fingerprint:
        raise InvalidInput(
            rule="N-17-confidentiality",
            code="idempotency-key-reused",
            zh="该Idempotency-Key已用于另一个不同的请求。",
            en="This Idempotency-Key was already used for a different request.",
            fields=("Idempotency-Key",),
        )
    return Status(previous.status_code or status, previous.body)
