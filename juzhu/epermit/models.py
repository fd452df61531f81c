"""Ed25519 signing keys of the electronic permit, with their rotation history."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class SigningKey(models.Model):
    """One key pair.  The newest active key signs; every key ever used stays published for verifying.

    The private key is kept as PKCS#8 PEM in the database, readable only by the application's
    database role; a deployment with an HSM replaces ``epermit.keys`` (docs/decisions/0003).
    """

    kid = models.CharField(max_length=8, unique=True)
    public_key = models.BinaryField()  # raw 32 bytes
    private_key_pem = models.TextField(blank=True)  # emptied when the key is retired
    created = models.DateTimeField(auto_now_add=True)
    retired = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "签名密钥"
        verbose_name_plural = "签名密钥"
        constraints = [
            models.UniqueConstraint(
                fields=["retired"], condition=Q(retired__isnull=True), name="one_signing_key"
            ),
            models.CheckConstraint(condition=Q(kid__regex=r"^[a-z0-9]{1,8}$"), name="kid_format"),
        ]

    def __str__(self) -> str:
        return self.kid
