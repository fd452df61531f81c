"""Staff roles scoped to a jurisdiction, and API tokens for staff and systems."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    CLERK = "clerk", "窗口民警/辅警"
    SUPERVISOR = "supervisor", "审核负责人"
    ADMINISTRATOR = "administrator", "系统管理员"
    AUDITOR = "auditor", "审计管理员"
    SYSTEM = "system", "对接系统（只读核验）"
    EMPLOYER = "employer", "用人单位"
    DEPARTMENT = "department", "共享部门（人社、住建、教科、卫计等）"


# What each role may do.  A service names the capability it needs; the API checks it once.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    # PSB systems (e.g. card production) verify like anyone; they read no personal record (N-17).
    Role.SYSTEM: frozenset({"verify"}),
    Role.EMPLOYER: frozenset({"employer"}),  # its own staff only (juzhu.employers)
    Role.DEPARTMENT: frozenset({"share"}),  # only through its credential's purposes (juzhu.sharing)
    Role.CLERK: frozenset({"read", "counter"}),
    Role.SUPERVISOR: frozenset({"read", "counter", "decide", "sweep"}),
    Role.ADMINISTRATOR: frozenset({"read", "counter", "decide", "sweep", "admin"}),
    # 三员分立 (MLPS level 3): the audit administrator reads the audit trail and the access log,
    # and nothing else; the system administrator manages accounts and never reads the audit.
    Role.AUDITOR: frozenset({"audit"}),
}


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=16, choices=Role.choices)
    # The county-level area this account works in (GB/T 2260); it sees and changes only cases there.
    division_code = models.CharField(max_length=6, default="150802")
    police_station = models.CharField(max_length=12, blank=True, help_text="派出所代码（可空：全区）")

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="staff_role_valid")
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"

    def can(self, capability: str) -> bool:
        return capability in ROLE_CAPABILITIES.get(self.role, frozenset())


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token.  Only its SHA-256 is stored; the key is shown once when created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: object, name: str) -> tuple[ApiToken, str]:
        key = "jz_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=_hash(key))
        return token, key

    @classmethod
    def find(cls, key: str) -> ApiToken | None:
        return (
            cls.objects.select_related("user", "user__staff")
            .filter(key_hash=_hash(key), revoked=False)
            .first()
        )
