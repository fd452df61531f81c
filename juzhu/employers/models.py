"""Employers, the accounts that act for them, and their migrant staff's employment records.

LH-4-employer-record: every migrant hired is recorded (name, identity number, dates).
LH-4-employer-report-5wd: each hire and each departure is reported within 5 working days;
the record keeps the report date, the due day and whether the report was on time.
LH-4-employer-staff-100: an employer with 101 or more migrant staff names designated staff.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

# GB 32100: 18 characters of 0-9 and A-Y without I, O, S, V, Z (juzhu.policy.organisations).
CREDIT_CODE_REGEX = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
IDENTITY_NUMBER_REGEX = r"^[0-9]{17}[0-9X]$"


class Employer(models.Model):
    """用人单位, identified by its 统一社会信用代码 (check character verified by ``uscc_parse``)."""

    credit_code = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=100)
    address = models.CharField(max_length=200)
    division_code = models.CharField(max_length=6)  # where it operates (GB/T 2260); scopes the staff
    contact_name = models.CharField(max_length=50)
    contact_phone = models.CharField(max_length=20)
    # LH-4-employer-staff-100: 流动人口服务管理专（兼）职人员, optional below 101 migrant staff.
    designated_staff_name = models.CharField(max_length=50, blank=True)
    designated_staff_phone = models.CharField(max_length=20, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["credit_code"]
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_code__regex=CREDIT_CODE_REGEX), name="employer_code_format"
            ),
            models.CheckConstraint(
                condition=Q(designated_staff_phone="") | ~Q(designated_staff_name=""),
                name="employer_staff_phone_has_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"


class DesignatedStaffEntry(models.Model):
    """Append-only history of the designated staff (LH-4-employer-staff-100), so that compliance on a
    past date is judged by who was designated then; ``Employer.designated_staff_*`` is its projection.
    An empty name records that nobody is designated from ``effective_on``."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="designated_staff_history")
    effective_on = models.DateField()
    name = models.CharField(max_length=50, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["employer", "effective_on", "id"]
        verbose_name = "专（兼）职人员变更"
        verbose_name_plural = "专（兼）职人员变更"

    def __str__(self) -> str:
        return f"{self.employer_id} {self.effective_on} {self.name or '—'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("the designated staff history is append-only")
        super().save(*args, **kwargs)


class EmployerMembership(models.Model):
    """An employer account (role ``employer``) acting for this employer: it sees and reports only its staff."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_memberships"
    )
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="memberships")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "用人单位账号"
        verbose_name_plural = "用人单位账号"
        constraints = [
            models.UniqueConstraint(fields=["user", "employer"], name="employer_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.employer_id}"


class EmploymentRecord(models.Model):
    """One labour relation of one migrant with one employer, from hire to departure.

    Due days are null while the working-day calendar of their year is unknown (T-workdays);
    ``*_on_time`` is null while a report is missing or cannot yet be judged.
    """

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="employments")
    identity_number = models.CharField(max_length=18)
    name = models.CharField(max_length=50)
    # The register's person with this identity number, when there is one; the number is kept either way.
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="employments"
    )
    hired_on = models.DateField()  # labour relation signed
    hire_reported_on = models.DateField(null=True, blank=True)  # null: found, never reported
    hire_due_on = models.DateField(null=True, blank=True)
    hire_on_time = models.BooleanField(null=True)
    ended_on = models.DateField(null=True, blank=True)  # labour relation ended
    end_reported_on = models.DateField(null=True, blank=True)
    end_due_on = models.DateField(null=True, blank=True)
    end_on_time = models.BooleanField(null=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["employer", "-hired_on", "-id"]
        verbose_name = "流动人口从业记录"
        verbose_name_plural = "流动人口从业记录"
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "identity_number"],
                condition=Q(ended_on__isnull=True),
                name="one_open_employment",
            ),
            models.CheckConstraint(
                condition=Q(identity_number__regex=IDENTITY_NUMBER_REGEX), name="employment_identity_format"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("hired_on")),
                name="employment_ends_after_hire",
            ),
            models.CheckConstraint(
                condition=Q(hire_reported_on__isnull=True) | Q(hire_reported_on__gte=F("hired_on")),
                name="employment_hire_reported_after_hire",
            ),
            models.CheckConstraint(
                condition=Q(end_reported_on__isnull=True) | Q(end_reported_on__gte=F("ended_on")),
                name="employment_end_reported_after_end",
            ),
            # A departure is known to the system only through its report.
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reported_on__isnull=True)
                | Q(ended_on__isnull=False, end_reported_on__isnull=False),
                name="employment_end_iff_reported",
            ),
            models.CheckConstraint(
                condition=Q(hire_reported_on__isnull=False) | Q(hire_on_time__isnull=True),
                name="employment_unreported_not_judged",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=False) | Q(end_due_on__isnull=True, end_on_time__isnull=True),
                name="employment_no_end_no_end_dates",
            ),
        ]
        indexes = [models.Index(fields=["identity_number"]), models.Index(fields=["employer", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.employer_id}: {self.name} {self.hired_on}–{self.ended_on or ''}"
