"""The local date (T-zone: Asia/Shanghai).  One hook, so tests can set "today" without mocks elsewhere."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def today() -> date:
    return timezone.localdate()
