"""One-time codes sent by SMS to the mobile number on record (docs/decisions/0010).

A row is the record that a code was sent — to whom (the person, and the last digits of the number),
for what, from which address (a keyed hash), when, how many wrong codes were tried, and when it
was used.  The code itself is never stored: only an HMAC of it under the deployment's secret and
a per-row salt, so a copy of the table does not give the codes back, not even by trying all
million (N-17-confidentiality; 《个人信息保护法》第五十一条).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from juzhu.policy.proof import Purpose
from juzhu.registry.models import Person


class PhoneCode(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=10, choices=[(p.value, p.value) for p in Purpose])
    # The application (progress) or card (permit) the code opens; the person for apply and contact.
    target_id = models.BigIntegerField()
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)  # HMAC-SHA256(secret, salt + code), hex
    recipient_tail = models.CharField(max_length=4)  # the digits the code screen shows
    # Confirming a new mobile number for reminders: the number the code went to, and the e-mail
    # given with it; written to the person only once the code comes back (then blanked).
    new_phone = models.CharField(max_length=20, blank=True)
    new_email = models.EmailField(blank=True)
    address_key = models.CharField(max_length=64)  # keyed hash of the requesting address (per-address limit)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)  # null: the SMS gateway refused it
    attempts = models.PositiveSmallIntegerField(default=0)  # wrong codes tried
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "短信验证码（仅存摘要）"
        verbose_name_plural = "短信验证码（仅存摘要）"
        indexes = [
            models.Index(fields=["person", "created_at"]),
            models.Index(fields=["address_key", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=[p.value for p in Purpose]), name="phonecode_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="phonecode_expires_later"
            ),
            models.CheckConstraint(
                condition=Q(purpose="contact") | Q(new_phone="", new_email=""),
                name="phonecode_new_contact_only_for_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} → …{self.recipient_tail} ({self.created_at:%Y-%m-%d %H:%M})"
