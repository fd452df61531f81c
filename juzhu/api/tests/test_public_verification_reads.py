"""Public verification reads no personal data beyond the masked name, and writes nothing: no
access-log row, no other write, the one query it always made (N-17-confidentiality; bench/ measures
its speed, docs/decisions/0011)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from juzhu.api.tests.helpers import HUKOU_ADDRESS, WANG, WANG_NAME_MASKED, wang_permit
from juzhu.epermit.services import permit_token
from juzhu.registry.tests.factories import today_is
from juzhu.sharing.models import AccessLog

pytestmark = pytest.mark.django_db

# Everything the register holds about 王小明 that a verifier must never see.
NEVER = (WANG, "王小明", "临河区新华街1号", HUKOU_ADDRESS, "1990-05-17", "510121")
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@pytest.fixture
def permit(clerk, supervisor):
    return wang_permit(clerk, supervisor)


def _no_writes(ctx: CaptureQueriesContext) -> None:
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [s for s in sql if WRITES.match(s)], sql
    assert not [s for s in sql if "sharing_" in s or "audit_" in s], sql


def test_verify_by_number_answers_no_name_and_writes_nothing(anonymous, permit):
    with today_is(permit.issue_date), CaptureQueriesContext(connection) as ctx:
        r = anonymous.get(f"/verify/{permit.number}")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"number", "on", "status", "status_label", "holder", "rule"}
    # Permit numbers are sequential: a number alone names nobody, not even masked (decision 0010);
    # the signed token below, which only the holder's card carries, shows the masked name.
    assert body["holder"] is None
    text = r.content.decode()
    for value in NEVER:
        assert value not in text, value
    _no_writes(ctx)
    assert len(ctx.captured_queries) == 1  # the one verification query, as bench/ measures it
    assert not AccessLog.objects.exists()


def test_verify_a_scanned_token_answers_the_masked_name_only_and_writes_nothing(anonymous, permit):
    token = permit_token(permit)
    with today_is(permit.issue_date), CaptureQueriesContext(connection) as ctx:
        r = anonymous.post("/epermit/verify", {"token": token})
    assert r.status_code == 200, r.content
    assert r.json()["holder"] == WANG_NAME_MASKED
    for value in NEVER:
        assert value not in r.content.decode(), value
    _no_writes(ctx)
    assert not AccessLog.objects.exists()


def test_the_page_a_scanned_qr_opens_shows_the_masked_name_only_and_writes_nothing(permit):
    token = permit_token(permit)
    with today_is(permit.issue_date), CaptureQueriesContext(connection) as ctx:
        r = Client().get(f"/v/{token}")
    assert r.status_code == 200
    page = r.content.decode()
    assert WANG_NAME_MASKED in page and permit.number in page
    for value in NEVER:
        assert value not in page, value
    _no_writes(ctx)
    assert not AccessLog.objects.exists()
