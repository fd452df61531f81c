"""The electronic permit: tokens and QR for staff, public keys and token verification for anyone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema

from juzhu.accounts.selectors import staff_read
from juzhu.api.auth import STAFF_AUTH
from juzhu.api.errors import VERIFY_LIMIT_RESPONSE, request_lang
from juzhu.epermit.keys import public_keys_published
from juzhu.epermit.services import VERIFY_PATH, permit_qr_svg, permit_token, token_check
from juzhu.policy.lifecycle import PERMIT_STATUS_LABELS
from juzhu.registry import clock
from juzhu.registry.selectors import permit_get_by_number
from juzhu.sharing.access import Whose, access_record, reader_of

staff = Router(auth=STAFF_AUTH, tags=["电子居住证 e-permit"])
public = Router(auth=None, tags=["电子居住证 e-permit"])


class EpermitOut(Schema):
    token: str = Field(..., description="JZ1.<kid>.<payload>.<signature>, Ed25519, base64url")
    url: str = Field(..., description="the address the QR code carries")
    qr_svg: str


@staff.get("/permits/{number}/epermit", response=EpermitOut, summary="Signed token and QR code for a card")
def epermit(request: HttpRequest, number: str) -> dict[str, Any]:
    staff_read(request.user)
    with transaction.atomic():
        permit = permit_get_by_number(number)
        token = permit_token(permit)
        base = request.build_absolute_uri("/")
        body = {
            "token": token,
            "url": base.rstrip("/") + VERIFY_PATH + token,
            "qr_svg": permit_qr_svg(token, base),
        }
        access_record(
            reader_of(request), "api.epermit", Whose.of(permit.person_id, permit, permit_number=permit.number)
        )
    return body


class KeyOut(Schema):
    kid: str
    kty: str
    crv: str
    x: str
    retired: str


@public.get("/epermit/keys", response=list[KeyOut], summary="Published public keys for offline verification")
def keys(request: HttpRequest) -> list[dict[str, str]]:
    return public_keys_published()


class TokenIn(Schema):
    token: str = Field(..., max_length=1000)
    on: date | None = None


class TokenCheckOut(Schema):
    number: str
    holder: str
    issue_date: date
    token_issued_at: datetime
    kid: str
    signature: Literal["valid"]
    on: date
    status: Literal["valid", "suspended", "void", "not_issued"]
    status_label: str
    issue_date_current: bool
    rule: str = "LH-4-inspection"


@public.post(
    "/epermit/verify",
    response=TokenCheckOut,
    summary="Verify a scanned token: signature, then live status (limited per address)",
    openapi_extra={"responses": {429: VERIFY_LIMIT_RESPONSE}},
)
def verify_token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    check = token_check(payload.token, payload.on or clock.today())
    lang = request_lang(request)
    label = PERMIT_STATUS_LABELS[check.status] if check.status else ("未签发", "not issued")
    c = check.claims
    return {
        "number": c.number,
        "holder": c.masked_name,
        "issue_date": c.issue_date,
        "token_issued_at": c.issued_at,
        "kid": c.kid,
        "signature": "valid",
        "on": check.on,
        "status": check.status.value if check.status else "not_issued",
        "status_label": label[1] if lang == "en" else label[0],
        "issue_date_current": check.current_issue_date,
    }
