from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

from juzhu.audit.models import AuditEvent


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    code: str,
    subject: Any,
    person_id: int | None = None,
    rule: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Write one audit event; call inside the service's transaction."""
    user = actor if isinstance(actor, User) and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=user.get_username() if user is not None else "system",
        code=code,
        subject_type=type(subject).__name__.lower(),
        subject_id=str(subject.pk),
        person_id=person_id,
        rule=rule,
        old=old or {},
        new=new or {},
        reason=reason,
    )
