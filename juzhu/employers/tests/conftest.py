from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from juzhu.accounts.models import Role
from juzhu.registry.tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clerk(db: None) -> User:
    factories.station()
    return factories.staff("clerk", Role.CLERK)


@pytest.fixture
def admin_user(db: None) -> User:
    return factories.staff("admin", Role.ADMINISTRATOR)
