"""Key handling: the current signing key, rotation, and the published public keys."""

from __future__ import annotations

import base64
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import IntegrityError, transaction
from django.utils import timezone

from juzhu.epermit.models import SigningKey


@transaction.atomic
def signing_key_rotate() -> SigningKey:
    """Make a new signing key and retire the current one (its public key stays published)."""
    for old in SigningKey.objects.select_for_update().filter(retired__isnull=True):
        old.retired = timezone.now()
        old.private_key_pem = ""
        old.save(update_fields=["retired", "private_key_pem"])
    private = Ed25519PrivateKey.generate()
    key = SigningKey.objects.create(
        kid="k" + secrets.token_hex(3),
        public_key=private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        ),
        private_key_pem=private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii"),
    )
    return key


def signing_key_current() -> tuple[str, Ed25519PrivateKey]:
    key = SigningKey.objects.filter(retired__isnull=True).first()
    if key is None:
        try:
            key = signing_key_rotate()
        except IntegrityError:  # a concurrent first request made the first key: use it
            key = SigningKey.objects.get(retired__isnull=True)
    private = serialization.load_pem_private_key(key.private_key_pem.encode("ascii"), password=None)
    if not isinstance(private, Ed25519PrivateKey):  # the table only ever holds Ed25519 keys
        raise TypeError("signing key is not Ed25519")
    return key.kid, private


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Every key ever used, by kid (a handful of rows; read each time, so a rotation shows at once)."""
    return {
        k.kid: Ed25519PublicKey.from_public_bytes(bytes(k.public_key))
        for k in SigningKey.objects.only("kid", "public_key")
    }


def public_keys_published() -> list[dict[str, str]]:
    """The keys as an offline verifier downloads them (OKP / Ed25519, base64url raw bytes)."""
    return [
        {
            "kid": k.kid,
            "kty": "OKP",
            "crv": "Ed25519",
            "x": base64.urlsafe_b64encode(bytes(k.public_key)).rstrip(b"=").decode("ascii"),
            "retired": k.retired.isoformat() if k.retired else "",
        }
        for k in SigningKey.objects.all()
    ]
