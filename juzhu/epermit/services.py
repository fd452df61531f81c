"""The electronic permit of a card: its signed token and QR code (LH-4-inspection, N-4-card-fields)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import segno
from django.utils import timezone

from juzhu.epermit.keys import public_keys, signing_key_current
from juzhu.policy.epermit import Claims, token_sign, token_verify
from juzhu.policy.lifecycle import PermitStatus
from juzhu.registry.models import Permit
from juzhu.registry.selectors import mask_name, permit_get_by_number, permit_verify

VERIFY_PATH = "/v/"  # the public page a scanned QR code opens: <base>/v/<token>


def permit_token(permit: Permit) -> str:
    """A fresh signed token for a card (signing is cheap; tokens are not stored)."""
    kid, key = signing_key_current()
    claims = Claims(
        number=permit.number,
        masked_name=mask_name(permit.card_name),
        issue_date=permit.issue_date,
        issued_at=timezone.now().replace(microsecond=0),
        kid=kid,
    )
    return token_sign(claims, key)


def permit_qr_svg(token: str, base_url: str) -> str:
    """The QR code (SVG) of the verification address that carries the token."""
    qr = segno.make(base_url.rstrip("/") + VERIFY_PATH + token, error="m")
    return str(qr.svg_inline(scale=4, border=2))


@dataclass(frozen=True)
class TokenCheck:
    claims: Claims
    status: PermitStatus | None  # live status on ``on``, from the card's history
    on: date
    current_issue_date: bool  # False: the card's issue date changed since the token was made (re-sign)


def token_check(token: str, on: date) -> TokenCheck:
    """Offline signature check, then the live status online (valid / suspended / void)."""
    claims = token_verify(token, public_keys())
    permit = permit_get_by_number(claims.number)
    verification = permit_verify(claims.number, on)
    return TokenCheck(claims, verification.status, on, permit.issue_date == claims.issue_date)
