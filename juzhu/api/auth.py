from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from juzhu.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer jz_…`` for staff and for other departments' systems."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.find(token)
        if found is None or not found.user.is_active:
            return None
        # Touch at most once a minute: verification traffic must not write on every request.
        now = timezone.now()
        if found.last_used is None or (now - found.last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        request.user = found.user
        return found.user


STAFF_AUTH = [TokenAuth(), SessionAuth()]
