"""Fixtures for the HTTP API tests: a test client per role, authenticated with a real bearer token.

"Today" is set with ``factories.today_is`` around each request, exactly as in the
service tests: the API reads the same ``juzhu.registry.clock`` hook.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from juzhu.accounts.models import ApiToken, Role
from juzhu.registry.tests import factories

BASE = "/api/v1"


class Api:
    """A django test ``Client`` that speaks JSON to /api/v1 with one bearer token (or none)."""

    def __init__(self, client: Client, key: str | None) -> None:
        self.client = client
        self.key = key

    def _headers(self, extra: dict[str, Any]) -> dict[str, Any]:
        headers = dict(extra)
        if self.key is not None:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.key}")
        return headers

    def get(self, path: str, params: dict[str, Any] | None = None, **extra: Any) -> HttpResponse:
        return self.client.get(BASE + path, params or {}, **self._headers(extra))

    def post(self, path: str, body: Any = None, **extra: Any) -> HttpResponse:
        """POST ``body`` as JSON; a ``str`` body is sent as it is (for malformed-input tests)."""
        data = body if isinstance(body, str) else json.dumps({} if body is None else body)
        return self.client.post(BASE + path, data, content_type="application/json", **self._headers(extra))


def token_for(user: User, name: str) -> str:
    _, key = ApiToken.issue(user, name)
    return key


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def system_user(db: None) -> User:
    return factories.staff("hrss-system", Role.SYSTEM)


@pytest.fixture
def as_clerk(client: Client, clerk: User) -> Api:
    return Api(client, token_for(clerk, "counter 1"))


@pytest.fixture
def as_supervisor(client: Client, supervisor: User) -> Api:
    return Api(client, token_for(supervisor, "supervisor desk"))


@pytest.fixture
def as_system(client: Client, system_user: User) -> Api:
    return Api(client, token_for(system_user, "人社 data exchange"))


@pytest.fixture
def anonymous(client: Client, db: None) -> Api:
    return Api(client, None)
