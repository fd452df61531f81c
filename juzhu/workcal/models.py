"""The administrator's override table for the official working-day calendar (T-workdays)."""

from __future__ import annotations

from django.db import models


class HolidayOverride(models.Model):
    """One date's status from a State Council notice, winning over the calendar library."""

    date = models.DateField(unique=True)
    is_working_day = models.BooleanField()
    note = models.CharField(max_length=200, help_text="依据，例如：国办发明电〔2026〕X号")

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_working_day else '休息'}"


class DeclaredYear(models.Model):
    """A year whose whole holiday schedule has been entered: unlisted days follow Monday–Friday."""

    year = models.PositiveIntegerField(unique=True)
    note = models.CharField(max_length=200)

    class Meta:
        ordering = ["year"]
        verbose_name = "已录入全年安排的年份"
        verbose_name_plural = "已录入全年安排的年份"

    def __str__(self) -> str:
        return str(self.year)
