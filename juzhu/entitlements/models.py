"""Household links of minor children to holders, and departments' publications of the services scope.

The service catalogue itself is the policy's ``CATALOGUE`` (``juzhu.policy.entitlements``): it is
code, cited rule by rule, not a table an administrator could edit out of step with the rules.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from juzhu.policy.entitlements import Department
from juzhu.registry.models import Person


class HouseholdLink(models.Model):
    """A minor child linked to a parent or guardian who holds a permit (LH-4-services).

    The link holds from ``since`` up to the day before ``ended_on``: on ``ended_on`` it no longer
    counts, like a card voided on a date.  Ending a link keeps the row, so a question about an
    earlier date still finds it (history-exact).  A change of ``lives_with`` is an end and a new link.
    """

    class Relation(models.TextChoices):
        PARENT = "parent", "父母"
        GUARDIAN = "guardian", "监护人"

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="guardian_links")
    guardian = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="child_links")
    relation = models.CharField(max_length=8, choices=Relation.choices)
    # LH-4-services: "持证人及其共同居住生活的未成年子女" — only a child living with the holder is covered.
    lives_with = models.BooleanField(default=True)
    since = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "since", "id"]
        verbose_name = "随迁子女关系"
        verbose_name_plural = "随迁子女关系"
        constraints = [
            models.CheckConstraint(condition=~Q(child=models.F("guardian")), name="household_not_self"),
            models.CheckConstraint(
                condition=Q(relation__in=["parent", "guardian"]), name="household_relation"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("since")),
                name="household_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["child", "guardian"],
                condition=Q(ended_on__isnull=True),
                name="household_one_open_link",
            ),
        ]
        indexes = [models.Index(fields=["child", "since"])]

    def __str__(self) -> str:
        return f"{self.child_id} ← {self.guardian_id} ({self.relation})"


class Publication(models.Model):
    """One publication of a department's scope of services for holders (LH-5-publish-3y).

    Append-only: a correction is a new publication, so the record of what was published when stays.
    """

    department = models.CharField(max_length=20, choices=[(d.value, d.value) for d in Department])
    published_on = models.DateField()
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=200, blank=True)  # 文号 or the address it was published at
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department", "-published_on", "-id"]
        verbose_name = "服务范围公布"
        verbose_name_plural = "服务范围公布"
        constraints = [
            models.CheckConstraint(
                condition=Q(department__in=[d.value for d in Department]), name="publication_department"
            ),
        ]
        indexes = [models.Index(fields=["department", "published_on"])]

    def __str__(self) -> str:
        return f"{self.department} {self.published_on} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("publications are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("publications are append-only")
