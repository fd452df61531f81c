from __future__ import annotations

from typing import Any

from juzhu.accounts.models import StaffProfile
from juzhu.policy.errors import Forbidden
from juzhu.policy.parameters import LINHE


def staff_profile(user: Any) -> StaffProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        profile: StaffProfile = user.staff
    except StaffProfile.DoesNotExist:
        return None
    return profile


def staff_require(user: Any, capability: str, division_code: str | None = None) -> StaffProfile:
    """The caller's profile, if it has ``capability`` in ``division_code``; else Forbidden."""
    profile = staff_profile(user)
    if profile is None or not profile.can(capability):
        raise Forbidden(
            rule="N-8-authority",
            code="forbidden",
            zh="当前账号无权执行此操作。",
            en="This account may not perform this operation.",
        )
    if division_code is not None and profile.division_code != division_code:
        raise Forbidden(
            rule="N-8-authority",
            code="outside-jurisdiction",
            zh="该事项不属于当前账号的辖区。",
            en="This case is outside the account's jurisdiction.",
        )
    return profile


def staff_read(user: Any) -> StaffProfile:
    """Reading personal records: staff of this deployment's jurisdiction only (N-17-confidentiality)."""
    return staff_require(user, "read", LINHE.division_code)
