"""Test-wide set-up: the database in use, and a guard that CI really ran the PostgreSQL tests."""

from __future__ import annotations

import os

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


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("JUZHU_REQUIRE_POSTGRES") and "postgres" not in os.environ.get("DATABASE_URL", ""):
        raise pytest.UsageError("JUZHU_REQUIRE_POSTGRES needs DATABASE_URL to point at PostgreSQL")
