"""Reading the one-time code the way the person does: from the text message (the test backend keeps it)."""

from __future__ import annotations

import re

from juzhu.notifications.backends import MemoryBackend
from juzhu.notifications.models import Notification

_CODE = re.compile(r"验证码(\d{6})")


def sms_sent() -> list[Notification]:
    return list(MemoryBackend.outbox)


def last_code(to: str | None = None) -> str:
    """The code of the last text message (to ``to``, when given)."""
    for message in reversed(MemoryBackend.outbox):
        if to is None or message.recipient == to:
            found = _CODE.search(message.body_zh)
            assert found is not None, message.body_zh
            return found.group(1)
    raise AssertionError(f"no code was sent{f' to {to}' if to else ''}")
