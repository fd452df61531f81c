from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from juzhu.accounts.models import Role
from juzhu.registry.tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """The factories' unused passwords need no slow PBKDF2 hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clerk(db: None) -> User:
    factories.station()
    return factories.staff("clerk", Role.CLERK)


@pytest.fixture
def supervisor(db: None) -> User:
    # factories.new_card looks the supervisor up by this username.
    return factories.staff("supervisor", Role.SUPERVISOR)
