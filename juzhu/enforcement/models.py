"""Enforcement cases (LH-4-register-penalty, LH-4-employer-penalty) and their append-only history.

A case's status is written only by ``juzhu.enforcement.services``, which asks
``juzhu.policy.penalties`` for the next status; the constraints below back the
same table in the database, so a row can never say something the rules forbid.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from juzhu.policy.penalties import OFFENCE_RULE, CaseAction, CaseStatus, Offender

# The duty a case says was broken, by offender.  The penalty rule (``Case.rule``) decides the
# steps and the fine range; the duty rule names the clause the offender did not keep.
PERSON_DUTIES = ("LH-4-register-3d",)
EMPLOYER_DUTIES = ("LH-4-employer-record", "LH-4-employer-report-5wd", "LH-4-employer-staff-100")
OPEN_STATUSES = (CaseStatus.WARNED, CaseStatus.ORDERED)


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(m.value, m.value) for m in enum]


class Case(models.Model):
    """One case against a person or an employer: warning → order → corrected, or a fine."""

    number = models.CharField(max_length=20, unique=True)
    offender = models.CharField(max_length=8, choices=_choices(Offender))
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="enforcement_cases"
    )
    employer = models.ForeignKey(
        "employers.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforcement_cases",
    )
    rule = models.CharField(
        max_length=64
    )  # the penalty clause: LH-4-register-penalty / LH-4-employer-penalty
    duty_rule = models.CharField(max_length=64)  # the duty broken, e.g. LH-4-register-3d
    # The registration a LH-4-register-3d case concerns (declared late); at most one case each.
    registration = models.ForeignKey(
        "registry.ResidenceRegistration",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforcement_cases",
    )
    facts = models.JSONField(default=dict, blank=True)  # the dates or counts that show the breach
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=_choices(CaseStatus))
    warned_on = models.DateField()  # 警告
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ordered_on = models.DateField(null=True, blank=True)  # 责令限期改正
    deadline = models.DateField(null=True, blank=True)  # the last day to correct, as ordered
    corrected_on = models.DateField(null=True, blank=True)
    fined_on = models.DateField(null=True, blank=True)
    fine_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)  # yuan
    last_seq = models.PositiveIntegerField(default=0)  # seq of the newest history entry
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "违法案件"
        verbose_name_plural = "违法案件"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in CaseStatus]), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    offender=Offender.PERSON.value,
                    person__isnull=False,
                    employer__isnull=True,
                    rule=OFFENCE_RULE[Offender.PERSON],
                    duty_rule__in=list(PERSON_DUTIES),
                )
                | Q(
                    offender=Offender.EMPLOYER.value,
                    employer__isnull=False,
                    person__isnull=True,
                    registration__isnull=True,
                    rule=OFFENCE_RULE[Offender.EMPLOYER],
                    duty_rule__in=list(EMPLOYER_DUTIES),
                ),
                name="case_one_offender",
            ),
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(registration__isnull=False),
                name="case_one_per_registration",
            ),
            models.CheckConstraint(
                condition=Q(fine_amount__isnull=True) | Q(fine_amount__gte=0), name="case_fine_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gt=F("warned_on")),
                name="case_deadline_after_warning",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.ORDERED.value)
                | Q(ordered_on__isnull=False, deadline__isnull=False),
                name="case_ordered_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CORRECTED.value) | Q(corrected_on__isnull=False),
                name="case_corrected_has_date",
            ),
            models.CheckConstraint(
                condition=(
                    ~Q(status=CaseStatus.FINED.value) & Q(fined_on__isnull=True, fine_amount__isnull=True)
                )
                | Q(
                    status=CaseStatus.FINED.value,
                    deadline__isnull=False,
                    fined_on__gt=F("deadline"),
                    fine_amount__isnull=False,
                ),
                name="case_fine_iff_fined_after_deadline",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    """Append-only history of a case: who did which step, on what date, from what status to what."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=8, choices=_choices(CaseAction))
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)  # blank: the case was opened
    to_status = models.CharField(max_length=10)
    rule = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "seq"]
        verbose_name = "案件履历"
        verbose_name_plural = "案件履历"
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique"),
            models.CheckConstraint(
                condition=Q(action__in=[a.value for a in CaseAction]), name="case_event_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(to_status__in=[s.value for s in CaseStatus]), name="case_event_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action} {self.on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("case history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("case history is append-only")
