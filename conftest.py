"""Test-wide set-up: the database in use, and a guard that CI really ran the PostgreSQL tests."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connection


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        if os.environ.get("JUZHU_REQUIRE_POSTGRES"):
            pytest.fail("JUZHU_REQUIRE_POSTGRES is set but the tests are not running on PostgreSQL")
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")


@pytest.fixture(autouse=True)
def _upload_root(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files of a test go to a temporary folder, never to the developer's var/uploads."""
    settings.JUZHU_UPLOAD_ROOT = tmp_path_factory.mktemp("uploads")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache (the lookup throttle counts in it)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _sms_outbox() -> None:
    """Each test starts with no text message sent (one-time codes go to MemoryBackend in the tests)."""
    from juzhu.notifications.backends import MemoryBackend

    MemoryBackend.outbox.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Test users' passwords need no slow PBKDF2 hash (sign-in still checks them)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clerk(db: None) -> Any:
    """A counter clerk of Linhe, and the service hall it works at."""
    from juzhu.accounts.models import Role
    from juzhu.registry.tests import factories

    factories.station()
    return factories.staff("clerk", Role.CLERK)


@pytest.fixture
def supervisor(db: None) -> Any:
    """A supervisor of Linhe (``factories.new_card`` looks it up by this username)."""
    from juzhu.accounts.models import Role
    from juzhu.registry.tests import factories

    return factories.staff("supervisor", Role.SUPERVISOR)


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("JUZHU_REQUIRE_POSTGRES") and "postgres" not in os.environ.get("DATABASE_URL", ""):
        raise pytest.UsageError("JUZHU_REQUIRE_POSTGRES needs DATABASE_URL to point at PostgreSQL")
