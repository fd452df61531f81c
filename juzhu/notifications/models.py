"""The outbox: every reminder the system sends, written before it is sent and kept after.

A reminder is queued in one transaction and sent only after that transaction has
committed (``services.outbox_send``), so a rolled-back run never messages anyone.
The unique ``dedupe_key`` (kind, card lineage, anniversary) is what makes a re-run of
the daily job harmless: the same reminder can never be queued — or sent — twice.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from juzhu.policy.reminders import ReminderKind
from juzhu.registry.models import Permit, Person


class Notification(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", "短信"
        EMAIL = "email", "电子邮件"
        CONSOLE = "console", "控制台（开发）"

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="notifications")
    permit = models.ForeignKey(Permit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=[(k.value, k.value) for k in ReminderKind])
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=254)  # phone or e-mail address; the current one when sent
    subject_zh = models.CharField(max_length=200)
    body_zh = models.TextField()
    subject_en = models.CharField(max_length=200)
    body_en = models.TextField()
    rule = models.CharField(max_length=64, default="LH-3.2-endorse-window")
    anniversary = models.DateField(null=True, blank=True)  # the endorsement window it is about
    created = models.DateTimeField(auto_now_add=True)
    send_after = models.DateField()  # not sent before this local date
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)  # when a sender took it (status sending)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "通知"
        verbose_name_plural = "通知（发件箱）"
        indexes = [models.Index(fields=["status", "send_after"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed"]),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["sms", "email", "console"]), name="notification_channel_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="notification_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.status})"
