"""Where a reminder goes: the console (development), e-mail, or a gateway adapter named in settings.

``settings.JUZHU_NOTIFY_BACKEND`` is ``"console"``, ``"email"`` or the dotted path of a class
with a ``channel`` ("sms" by default) and ``send(notification) -> None``; a send that raises
is recorded as failed and retried on the next run (``services.outbox_send``).

One-time codes (``juzhu.applicants``) go by SMS only, through ``sms_backend()``:
``settings.JUZHU_SMS_BACKEND`` (``"console"``, ``"memory"`` or a gateway's dotted path), else the
reminders' backend when that is a gateway, else the console in development (DEBUG) and none
otherwise — a deployment without a gateway says so to the applicant rather than print codes.
"""

from __future__ import annotations

import logging
import sys
from typing import ClassVar, Protocol, TextIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from juzhu.notifications.models import Notification

log = logging.getLogger("juzhu.notifications")


class Backend(Protocol):
    channel: str

    def send(self, notification: Notification) -> None: ...


class ConsoleBackend:
    """Prints the reminder (and logs it): for development and the demo, nothing leaves the machine."""

    channel = Notification.Channel.CONSOLE.value

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, notification: Notification) -> None:
        head = f"[{notification.channel} → {notification.recipient}] {notification.subject_zh}"
        (self.stream or sys.stdout).write(f"{head}\n{notification.body_zh}\n")
        log.info("reminder %s to %s", notification.dedupe_key, notification.recipient)


class EmailBackend:
    """Django's ``send_mail`` (``EMAIL_BACKEND``): Chinese first, the English text below it."""

    channel = Notification.Channel.EMAIL.value

    def send(self, notification: Notification) -> None:
        send_mail(
            subject=notification.subject_zh,
            message=f"{notification.body_zh}\n\n{notification.subject_en}\n{notification.body_en}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient],
            fail_silently=False,
        )


class MemoryBackend:
    """Keeps every message in ``MemoryBackend.outbox`` (tests read the one-time code from it), like
    Django's locmem e-mail backend.  Nothing leaves the process."""

    channel = Notification.Channel.SMS.value
    outbox: ClassVar[list[Notification]] = []

    def send(self, notification: Notification) -> None:
        self.outbox.append(notification)


BUILTIN: dict[str, type[ConsoleBackend] | type[EmailBackend] | type[MemoryBackend]] = {
    "console": ConsoleBackend,
    "email": EmailBackend,
    "memory": MemoryBackend,
}


def backend_get() -> Backend:
    """The configured backend (``settings.JUZHU_NOTIFY_BACKEND``)."""
    name = getattr(settings, "JUZHU_NOTIFY_BACKEND", "console") or "console"
    cls = BUILTIN.get(name) or import_string(name)
    backend: Backend = cls()
    return backend


def channel_of(backend: Backend) -> str:
    """The backend's channel; an adapter class that names none is taken to send SMS."""
    channel = getattr(backend, "channel", "") or Notification.Channel.SMS.value
    if channel not in Notification.Channel.values:
        raise ImproperlyConfigured(
            f"notification backend channel {channel!r} is not one of sms, email, console"
        )
    return str(channel)


def sms_backend() -> Backend | None:
    """The backend one-time codes go through; None when the deployment has no way to send an SMS."""
    name = getattr(settings, "JUZHU_SMS_BACKEND", "") or ""
    if not name:
        reminders = getattr(settings, "JUZHU_NOTIFY_BACKEND", "") or ""
        if reminders and reminders not in BUILTIN:
            name = reminders  # the reminders already go through an SMS gateway
        elif settings.DEBUG:
            name = "console"
    if not name or name == "email":
        return None
    cls = BUILTIN.get(name) or import_string(name)
    backend: Backend = cls()
    return backend
