from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from juzhu.accounts.models import Role
from juzhu.registry.tests import factories


@pytest.fixture
def admin_user(db: None) -> User:
    return factories.staff("admin", Role.ADMINISTRATOR)
