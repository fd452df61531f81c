"""Department credentials, and the access log of every read of personal data (LH-2-sharing, N-17)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from juzhu.accounts.models import Role
from juzhu.policy.entitlements import Department
from juzhu.policy.reads import READS, Scope
from juzhu.policy.sharing import PURPOSES
from juzhu.registry.models import Person

_DEPARTMENTS = [(d.value, d.value) for d in Department]
_READS = [(code, r.zh) for code, r in READS.items()]
# Every role that reads personal records; a system account (verification only) is none of them.
READER_ROLES = [r.value for r in Role if r is not Role.SYSTEM]


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
    """One read of personal data, by anyone who reads it.  Append-only.

    Who (the account, its role then, and for a department its credential; for an inspection the
    official's credential number and reason), whose record (the person, and the document or record
    read), which fields (their names, never their values), why (the purpose), how (the read: page,
    API operation, PDF, file or export, ``juzhu.policy.reads.READS``), when and from where
    (LH-2-sharing, LH-4-inspection, N-17-confidentiality; GB/T 22239-2019 8.1.4.3).  A list that
    identifies nobody is one row with no person and the number of rows it showed
    (docs/decisions/0011-read-logging.md).  Rows are written only by ``juzhu.sharing.access``.
    """

    class Endpoint(models.TextChoices):
        """The reads of the department sharing service (the log's first three kinds)."""

        ENTITLEMENT_CHECK = "entitlements.check", "公共服务资格查询"
        INSPECTION_NUMBER = "inspections.number", "按证号查验"
        INSPECTION_TOKEN = "inspections.token", "扫码查验"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)  # kept even if the account is renamed
    role = models.CharField(max_length=16)  # the account's role when it read (accounts.Role)
    credential = models.ForeignKey(
        DepartmentCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="accesses"
    )  # a department's reads only; None: staff of the public security bureau, an employer
    department = models.CharField(max_length=20, blank=True)  # "" for an employer
    client_address = models.GenericIPAddressField(null=True, blank=True)  # None: a job, no request
    scope = models.CharField(max_length=8, default=Scope.RECORD.value)
    # Whose record: the person, unless the read is a list that identifies nobody (scope "list") or
    # a roster line of a migrant the register does not know (then the record below says whose).
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="access_log"
    )
    # The parents or guardians whose permit status the answer consulted (a child's entitlement
    # derives from theirs): their own records show the read too.
    guardians = models.ManyToManyField(Person, blank=True, related_name="access_log_as_guardian")
    subject_type = models.CharField(max_length=32, blank=True)  # the document or record read ...
    subject_id = models.CharField(max_length=64, blank=True)  # ... and its id (never a personal value)
    rows = models.PositiveIntegerField(null=True, blank=True)  # scope "list": the rows it showed
    permit_number = models.CharField(max_length=18, blank=True)
    purpose = models.CharField(max_length=40)
    service = models.CharField(max_length=40, blank=True)
    asked_on = models.DateField()  # the date the question was about (history-exact); else the day read
    fields = models.JSONField(default=list)  # the names of the fields returned, sorted
    official_credential_number = models.CharField(max_length=32, blank=True)  # 执法证/工作证号
    reason = models.CharField(max_length=200, blank=True)
    endpoint = models.CharField(max_length=40, choices=_READS)  # the read (juzhu.policy.reads.READS)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "个人信息访问记录"
        verbose_name_plural = "个人信息访问记录"
        constraints = [
            models.CheckConstraint(condition=Q(endpoint__in=list(READS)), name="access_endpoint_valid"),
            # Staff of the public security bureau and departments read as a department; an employer
            # is none.
            models.CheckConstraint(
                condition=Q(department__in=[d.value for d in Department])
                | Q(department="", role=Role.EMPLOYER.value),
                name="access_department_valid",
            ),
            # LH-4-inspection: every check records who checked and why.
            models.CheckConstraint(
                condition=~Q(endpoint__in=["inspections.number", "inspections.token"])
                | (~Q(official_credential_number="") & ~Q(reason="")),
                name="access_inspection_who_why",
            ),
            # Who may appear as a reader at all: a system account verifies like the public and reads
            # no record, so it never does.
            models.CheckConstraint(condition=Q(role__in=READER_ROLES), name="access_role_valid"),
            # LH-2-sharing: a department reads only through its credential, and only a department does.
            models.CheckConstraint(
                condition=Q(role=Role.DEPARTMENT.value, credential__isnull=False)
                | (~Q(role=Role.DEPARTMENT.value) & Q(credential__isnull=True)),
                name="access_department_credential",
            ),
            # A list that identifies nobody names no person and says how many rows it showed; any
            # other read says whose record it was.
            models.CheckConstraint(
                condition=Q(scope=Scope.LIST.value, person__isnull=True, rows__isnull=False)
                | (
                    Q(scope__in=[Scope.RECORD.value, Scope.ROWS.value], rows__isnull=True)
                    & (Q(person__isnull=False) | ~Q(subject_type=""))
                ),
                name="access_whose_record",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "at"]),
            models.Index(fields=["department", "at"]),
            models.Index(fields=["actor", "at"]),  # an account's reads; the bulk-reading report
        ]

    def __str__(self) -> str:
        whose = f"person#{self.person_id}" if self.person_id else f"{self.rows} rows"
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.endpoint} {whose}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the access log is append-only")
