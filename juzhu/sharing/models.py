"""Department credentials and the access log of every read of personal data (LH-2-sharing, N-17)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from juzhu.policy.entitlements import Department
from juzhu.policy.sharing import PURPOSES
from juzhu.registry.models import Person

_DEPARTMENTS = [(d.value, d.value) for d in Department]


class DepartmentCredential(models.Model):
    """What a department's system account may ask, and for which purposes (LH-2-sharing).

    Bound to one account of role ``department``; each purpose must belong to the credential's own
    department (``juzhu.policy.sharing.PURPOSES``), so a credential can never widen what it sees.
    """

    code = models.CharField(max_length=32, unique=True)  # shown in the logs, e.g. "JKJ-XJ-01"
    name = models.CharField(max_length=100)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credential")
    department = models.CharField(max_length=20, choices=_DEPARTMENTS)
    purposes = models.JSONField(default=list)  # purpose codes of juzhu.policy.sharing.PURPOSES
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department", "code"]
        verbose_name = "部门共享凭证"
        verbose_name_plural = "部门共享凭证"
        constraints = [
            models.CheckConstraint(
                condition=Q(department__in=[d.value for d in Department]), name="credential_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.department})"

    def clean(self) -> None:
        """The same check as ``services.credential_issue``, for any form that edits a credential."""
        if not isinstance(self.purposes, list):
            raise ValidationError({"purposes": "a list of purpose codes"})
        bad = [p for p in self.purposes if p not in PURPOSES or PURPOSES[p].department != self.department]
        if bad:
            raise ValidationError({"purposes": f"not purposes of {self.department}: {bad}"})

    def allowed(self) -> frozenset[str]:
        return frozenset(self.purposes) if self.active else frozenset()


class AccessLog(models.Model):
    """One read of a person's data by a department or an inspecting official.  Append-only.

    Who (the account and, for a department, its credential; for an inspection, the official's
    credential number and reason), whose record, for which purpose, which fields were returned,
    and when (LH-2-sharing, LH-4-inspection, N-17-confidentiality).
    """

    class Endpoint(models.TextChoices):
        ENTITLEMENT_CHECK = "entitlements.check", "公共服务资格查询"
        INSPECTION_NUMBER = "inspections.number", "按证号查验"
        INSPECTION_TOKEN = "inspections.token", "扫码查验"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)  # kept even if the account is renamed
    credential = models.ForeignKey(
        DepartmentCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="accesses"
    )  # None: a staff account of the public security bureau
    department = models.CharField(max_length=20, choices=_DEPARTMENTS)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="access_log")
    # The parents or guardians whose permit status the answer consulted (a child's entitlement
    # derives from theirs): their own records show the read too.
    guardians = models.ManyToManyField(Person, blank=True, related_name="access_log_as_guardian")
    permit_number = models.CharField(max_length=18, blank=True)
    purpose = models.CharField(max_length=40)
    service = models.CharField(max_length=40, blank=True)
    asked_on = models.DateField()  # the date the question was about (history-exact)
    fields = models.JSONField(default=list)  # the names of the fields returned, sorted
    official_credential_number = models.CharField(max_length=32, blank=True)  # 执法证/工作证号
    reason = models.CharField(max_length=200, blank=True)
    endpoint = models.CharField(max_length=20, choices=Endpoint.choices)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "个人信息访问记录"
        verbose_name_plural = "个人信息访问记录"
        constraints = [
            models.CheckConstraint(
                condition=Q(endpoint__in=["entitlements.check", "inspections.number", "inspections.token"]),
                name="access_endpoint_valid",
            ),
            models.CheckConstraint(
                condition=Q(department__in=[d.value for d in Department]), name="access_department_valid"
            ),
            # LH-4-inspection: every check records who checked and why.
            models.CheckConstraint(
                condition=Q(endpoint="entitlements.check")
                | (~Q(official_credential_number="") & ~Q(reason="")),
                name="access_inspection_who_why",
            ),
        ]
        indexes = [models.Index(fields=["person", "at"]), models.Index(fields=["department", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.purpose} person#{self.person_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the access log is append-only")
