"""The signed electronic permit: a QR the system makes verifies offline with only the public key."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import Client

from juzhu.api.tests.helpers import problem, wang_permit
from juzhu.epermit.keys import signing_key_rotate
from juzhu.policy.epermit import token_verify
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.tests.factories import new_card, today_is


def published_keys(anonymous) -> dict[str, Ed25519PublicKey]:
    """What an offline verifier downloads once: kid → Ed25519 public key."""
    keys = anonymous.get("/epermit/keys").json()
    return {
        k["kid"]: Ed25519PublicKey.from_public_bytes(
            base64.urlsafe_b64decode(k["x"] + "=" * (-len(k["x"]) % 4))
        )
        for k in keys
    }


@pytest.fixture
def permit(clerk, supervisor):
    return wang_permit(clerk, supervisor)


def test_a_token_verifies_offline_with_only_the_published_key(as_clerk, anonymous, permit):
    body = as_clerk.get(f"/permits/{permit.number}/epermit").json()
    assert body["url"].endswith("/v/" + body["token"])
    assert body["qr_svg"].startswith("<svg")
    claims = token_verify(body["token"], published_keys(anonymous))
    assert (claims.number, claims.masked_name, claims.issue_date) == (
        permit.number,
        "王**",
        permit.issue_date,
    )


def test_a_tampered_token_fails_offline_and_online(as_clerk, anonymous, permit):
    token = as_clerk.get(f"/permits/{permit.number}/epermit").json()["token"]
    head, kid, payload, sig = token.split(".")
    forged = ".".join([head, kid, payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1], sig])
    with pytest.raises(Exception, match="token"):
        token_verify(forged, published_keys(anonymous))
    problem(
        anonymous.post("/epermit/verify", {"token": forged}), 422, "token-invalid", rule="LH-4-inspection"
    )


def test_online_verification_adds_the_live_status_on_the_date(as_clerk, anonymous, permit):
    token = as_clerk.get(f"/permits/{permit.number}/epermit").json()["token"]
    assert anonymous.post("/epermit/verify", {"token": token, "on": "2025-07-10"}).json()["status"] == "valid"
    assert (
        anonymous.post("/epermit/verify", {"token": token, "on": "2025-07-09"}).json()["status"]
        == "not_issued"
    )
    services.permits_sweep(on=date(2026, 7, 11))  # anniversary 2026-07-10 (a Friday) passed unendorsed
    r = anonymous.post(
        "/epermit/verify", {"token": token, "on": "2026-07-11"}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert (r["status"], r["signature"]) == ("suspended", "valid")
    assert "identity_number" not in r and "510121" not in str(r)


def test_an_old_card_token_verifies_as_void_after_a_reissue(as_clerk, anonymous, clerk, permit):
    token = as_clerk.get(f"/permits/{permit.number}/epermit").json()["token"]
    new_card(clerk, permit, CaseKind.REISSUE, date(2025, 9, 1))
    assert anonymous.post("/epermit/verify", {"token": token, "on": "2025-09-01"}).json()["status"] == "void"


def test_keys_rotate_without_breaking_earlier_tokens(as_clerk, anonymous, permit):
    old_token = as_clerk.get(f"/permits/{permit.number}/epermit").json()["token"]
    signing_key_rotate()
    new_token = as_clerk.get(f"/permits/{permit.number}/epermit").json()["token"]
    assert old_token.split(".")[1] != new_token.split(".")[1]
    keys = published_keys(anonymous)
    assert len(keys) == 2
    for token in (old_token, new_token):
        assert token_verify(token, keys).number == permit.number
        assert anonymous.post("/epermit/verify", {"token": token}).json()["signature"] == "valid"


def test_the_scanned_qr_page_needs_no_login_and_shows_only_what_a_verifier_needs(as_clerk, permit, db):
    token = as_clerk.get(f"/permits/{permit.number}/epermit").json()["token"]
    with today_is(date(2025, 8, 1)):
        page = Client().get("/v/" + token)
    text = page.content.decode()
    assert page.status_code == 200
    assert "有效" in text and permit.number in text and "王**" in text
    assert permit.card_identity_number not in text and permit.residence_address not in text
    bad = Client().get("/v/" + token[:-3] + "AAA", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "Not a genuine permit code" in bad.content.decode()


def test_a_token_for_an_unknown_number_is_a_problem_not_a_500(as_clerk, anonymous, db):
    problem(as_clerk.get("/permits/150802202500009998/epermit"), 404, "permit-not-found")
    problem(anonymous.post("/epermit/verify", {"token": "not-a-token"}), 422, "token-format")
