"""Parallel links of the same child and guardian on PostgreSQL: the row lock lets exactly one win."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connections

from juzhu.entitlements import services
from juzhu.entitlements.models import HouseholdLink
from juzhu.entitlements.tests.factories import KID, PARENT, child, parent_permit
from juzhu.policy.errors import TransitionNotAllowed
from juzhu.registry.tests.factories import today_is

N = 12
pytestmark = pytest.mark.postgres


def test_twelve_parallel_links_of_one_pair_make_one_link(clerk, supervisor):
    parent_permit(clerk, supervisor)
    child(clerk, KID, "王小宝")
    barrier = threading.Barrier(N)
    lock = threading.Lock()
    made: list[HouseholdLink] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            link = services.household_link(
                actor=clerk, child_identity_number=KID, guardian_identity_number=PARENT, relation="parent"
            )
            with lock:
                made.append(link)
        except BaseException as e:
            with lock:
                errors.append(e)
        finally:
            connections.close_all()

    with today_is(date(2025, 8, 1)):
        threads = [threading.Thread(target=worker) for _ in range(N)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(made) == 1
    assert len(errors) == N - 1
    assert all(isinstance(e, TransitionNotAllowed) and e.code == "link-exists" for e in errors)
    assert HouseholdLink.objects.count() == 1
