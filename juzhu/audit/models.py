"""The audit trail: who did what to whom, from what to what (append-only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One recorded change.  Rows are never updated or deleted."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)  # kept even if the account is renamed
    code = models.CharField(max_length=64, db_index=True)  # stable event code, e.g. "permit.endorsed"
    subject_type = models.CharField(max_length=32)
    subject_id = models.CharField(max_length=64)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    rule = models.CharField(max_length=64, blank=True)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.code} {self.subject_type}#{self.subject_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit events are append-only")
