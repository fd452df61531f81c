from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from juzhu.accounts.models import Role
from juzhu.registry.tests import factories


@pytest.fixture
def clerk(db: None) -> User:
    factories.station()
    return factories.staff("clerk", Role.CLERK)


@pytest.fixture
def supervisor(db: None) -> User:
    return factories.staff("supervisor", Role.SUPERVISOR)
