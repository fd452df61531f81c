"""Department accounts with their credentials, issued through the real service."""

from __future__ import annotations

from django.contrib.auth.models import User

from juzhu.accounts.models import Role
from juzhu.registry.tests.factories import staff
from juzhu.sharing.models import DepartmentCredential
from juzhu.sharing.services import credential_issue


def administrator() -> User:
    found = User.objects.filter(username="admin").first()
    return found or staff("admin", Role.ADMINISTRATOR)


def department_account(
    username: str, department: str, purposes: list[str], code: str
) -> DepartmentCredential:
    """A Role.DEPARTMENT account and the credential binding it to ``purposes``."""
    user = staff(username, Role.DEPARTMENT)
    return credential_issue(
        actor=administrator(),
        user=user,
        code=code,
        name=f"{code} 对接系统",
        department=department,
        purposes=purposes,
    )


def education(purposes: list[str] | None = None) -> DepartmentCredential:
    return department_account(
        "jkj-system", "education", purposes or ["education.school_place", "education.exams"], "JKJ-01"
    )


def housing() -> DepartmentCredential:
    return department_account("zjj-system", "housing", ["housing.subsidised"], "ZJJ-01")


def police() -> DepartmentCredential:
    return department_account("gaj-mobile", "public_security", ["police.inspection"], "GAJ-01")
