"""The system of record: persons, registrations, applications, notices, permits, history, fees."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from juzhu.policy.lifecycle import AppStatus, PermitEvent, PermitStatus
from juzhu.policy.materials import CaseKind
from juzhu.policy.proxy import ProxyRelation


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(m.value, m.value) for m in enum]


class PoliceStation(models.Model):
    """派出所 or the 户籍服务大厅: where registrations and cases are handled."""

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100)
    division_code = models.CharField(max_length=6)
    address = models.CharField(max_length=200, blank=True)
    is_service_hall = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "派出所/服务大厅"
        verbose_name_plural = "派出所/服务大厅"

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    identity_number = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=50)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=20, default="汉族")
    birth_date = models.DateField()
    hukou_division = models.CharField(max_length=6)
    hukou_address = models.CharField(max_length=200)
    photo_ref = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)  # for reminders (juzhu.notifications); optional
    limited_mobility = models.BooleanField(default=False)  # LH-3.2-proxy: 行动不便
    disabled = models.BooleanField(default=False)  # LH-3.2-proxy: 残疾人
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        constraints = [models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="person_sex_valid")]

    def __str__(self) -> str:
        return self.name


class ResidenceRegistration(models.Model):
    """居住登记 (LH-4-register-3d); a change of address is a new registration of kind 'change'."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "居住登记"
        CHANGE = "change", "变更登记"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.INITIAL)
    address = models.CharField(max_length=200)
    division_code = models.CharField(max_length=6)
    police_station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="registrations")
    arrived_on = models.DateField()
    declared_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)  # null while the calendar for that year is unknown
    on_time = models.BooleanField(null=True)
    ended_on = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-declared_on", "-id"]
        verbose_name = "居住登记"
        verbose_name_plural = "居住登记"
        constraints = [
            models.CheckConstraint(
                condition=Q(declared_on__gte=models.F("arrived_on")), name="reg_declared_after_arrival"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="one_open_registration"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.address}"


class Application(models.Model):
    """申领 / 换领 / 补领: a case at the counter with its 15-day clock (LH-3.2-issue-15d)."""

    class Channel(models.TextChoices):
        COUNTER = "counter", "窗口受理"
        ONLINE = "online", "网上预申请"

    number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=16, choices=_choices(CaseKind))
    status = models.CharField(max_length=10, choices=_choices(AppStatus), default=AppStatus.RECEIVED)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.COUNTER)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    police_station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="applications")
    proxy_name = models.CharField(max_length=50, blank=True)
    proxy_identity_number = models.CharField(max_length=18, blank=True)
    proxy_relation = models.CharField(max_length=12, choices=_choices(ProxyRelation), blank=True)
    documents = models.JSONField(default=list)  # Doc codes submitted so far
    reissue_reason = models.CharField(max_length=20, blank=True)  # damaged / illegible / lost
    old_permit = models.ForeignKey(
        "Permit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the card a replacement or reissue supersedes
    permit = models.ForeignKey(
        "Permit", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )  # the card issued
    submitted_on = models.DateField()
    accepted_on = models.DateField(null=True, blank=True)
    due_nominal = models.DateField(null=True, blank=True)  # acceptance + 15 days (LH-3.2-issue-15d)
    due_on = models.DateField(
        null=True, blank=True
    )  # rolled by T-holiday, once that year's calendar is known
    decided_on = models.DateField(null=True, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decision_rule = models.CharField(max_length=64, blank=True)  # the rule a refusal cites (RULES.md id)
    # Typed by an anonymous applicant online (N-17-confidentiality): never copied to the person
    # until a clerk confirms identity at the counter.
    contact_phone = models.CharField(max_length=20, blank=True)
    contact_email = models.EmailField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "申请"
        verbose_name_plural = "申请"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AppStatus]), name="app_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["first_issue", "replacement", "reissue"]), name="app_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True, due_nominal__isnull=True)
                | Q(accepted_on__isnull=False, due_nominal__isnull=False),
                name="app_due_iff_accepted",
            ),
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(permit__isnull=False), name="app_issued_has_permit"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_nominal"])]

    def __str__(self) -> str:
        return self.number


class Notice(models.Model):
    """一次性告知书: at most one per application (LH-3.2-one-time-notice), its content frozen as issued."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="notice")
    number = models.CharField(max_length=20, unique=True)
    issued_on = models.DateField()
    items = models.JSONField()  # [{key, rule, any_of: [doc], zh, en}]
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "一次性告知书"
        verbose_name_plural = "一次性告知书"

    def __str__(self) -> str:
        return self.number


class ApplicationDocument(models.Model):
    """An uploaded scan or photo of one material (a ``Doc`` code) for an application.

    The file lives under ``settings.JUZHU_UPLOAD_ROOT``, outside the web root, named by its
    SHA-256; only the applicant (application number + identity number) and staff open it.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="uploads")
    doc = models.CharField(max_length=32)  # juzhu.policy.materials.Doc value
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=120)  # path relative to JUZHU_UPLOAD_ROOT
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # null: the applicant or proxy, online

    class Meta:
        ordering = ["application", "id"]
        verbose_name = "申请材料文件"
        verbose_name_plural = "申请材料文件"
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png", "application/pdf"]),
                name="upload_type_allowed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.doc}"


class Permit(models.Model):
    """One residence permit card.  A replacement or reissue is a new card of the same ``lineage``."""

    number = models.CharField(max_length=18, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="permits")
    lineage = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    status = models.CharField(max_length=10, choices=_choices(PermitStatus), default=PermitStatus.VALID)
    issue_date = models.DateField()  # 签发日期 (changes with a cross-county address change)
    residence_since = models.DateField()  # 居住年限起算日
    next_anniversary = models.DateField()  # nominal anniversary to endorse by (LH-3.2-endorse-window)
    endorse_by = models.DateField(null=True, blank=True)  # that anniversary rolled by T-holiday, once known
    suspended_on = models.DateField(null=True, blank=True)
    last_seq = models.PositiveIntegerField(default=0)  # seq of the newest history entry
    # N-4-card-fields, as printed on this card.
    card_name = models.CharField(max_length=50)
    card_sex = models.CharField(max_length=1)
    card_ethnicity = models.CharField(max_length=20)
    card_birth_date = models.DateField()
    card_identity_number = models.CharField(max_length=18)
    card_photo_ref = models.CharField(max_length=200, blank=True)
    card_hukou_address = models.CharField(max_length=200)
    residence_address = models.CharField(max_length=200)
    residence_division = models.CharField(max_length=6)
    authority = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "居住证"
        verbose_name_plural = "居住证"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["valid", "suspended", "void"]), name="permit_status_valid"
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["valid", "suspended"]),
                name="one_live_permit_per_person",
            ),
            models.CheckConstraint(
                condition=Q(next_anniversary__gt=models.F("issue_date")),
                name="permit_anniversary_after_issue",
            ),
            models.CheckConstraint(
                condition=~Q(status="suspended") | Q(suspended_on__isnull=False),
                name="permit_suspended_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "endorse_by"]), models.Index(fields=["next_anniversary"])]

    def __str__(self) -> str:
        return self.number


class PermitHistory(models.Model):
    """Append-only history of a card: status on a date and the residence period derive from it."""

    permit = models.ForeignKey(Permit, on_delete=models.PROTECT, related_name="history")
    seq = models.PositiveIntegerField()
    event = models.CharField(max_length=16, choices=_choices(PermitEvent))
    effective_on = models.DateField()
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    residence_since = models.DateField(null=True, blank=True)
    rule = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["permit", "seq"]
        verbose_name = "居住证履历"
        verbose_name_plural = "居住证履历"
        constraints = [
            models.UniqueConstraint(fields=["permit", "seq"], name="permit_history_seq_unique"),
            models.CheckConstraint(
                condition=Q(to_status__in=["valid", "suspended", "void"]), name="history_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.permit_id}#{self.seq} {self.event} {self.effective_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("permit history is append-only")
        super().save(*args, **kwargs)


class FeeReceipt(models.Model):
    """工本费 receipt (LH-3.2-fees): one per replacement or reissue application."""

    number = models.CharField(max_length=20, unique=True)
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="fee_receipt")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="fee_receipts")
    kind = models.CharField(max_length=16, choices=_choices(CaseKind))
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    paid_on = models.DateField()
    rule = models.CharField(max_length=64, default="LH-3.2-fees")
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "收费票据"
        verbose_name_plural = "收费票据"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="fee_non_negative"),
            models.CheckConstraint(
                condition=~Q(kind="endorsement") | Q(amount=0), name="fee_endorsement_free"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Counter(models.Model):
    """Per-year sequences for numbers; incremented under a row lock."""

    name = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="counter_unique")]

    def __str__(self) -> str:
        return f"{self.name}/{self.year}={self.value}"


class IdempotencyRecord(models.Model):
    """The stored answer to a create request sent with an Idempotency-Key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)  # method, path and body hash
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique")]

    def __str__(self) -> str:
        return self.key
