"""Every read of personal data by a department or an inspecting official, and the credentials behind it.

Each read is one transaction that computes the answer, keeps only the purpose's fields
(``juzhu.policy.sharing.fields_for`` is the last step before anything leaves) and writes one
``AccessLog`` row through the log's one writer (``juzhu.sharing.access``); if anything fails,
nothing is returned and nothing is logged.

A refused request (no credential, a purpose not bound to the credential, a service outside the
purpose, an unknown person, a tampered token, bad input) reads and returns no personal data, so it
leaves no access-log entry: the log answers "who saw my data", and such a request saw nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from juzhu.accounts.models import Role
from juzhu.accounts.selectors import staff_profile, staff_read, staff_require
from juzhu.audit.services import audit_record
from juzhu.entitlements.selectors import entitlement_for
from juzhu.epermit.services import token_check
from juzhu.policy.entitlements import Department, service_get
from juzhu.policy.errors import Forbidden, InvalidInput, Lang, NotFound, TransitionNotAllowed
from juzhu.policy.reads import STAFF_ENTITLEMENT
from juzhu.policy.sharing import PURPOSES, fields_for, purpose_get
from juzhu.registry import clock
from juzhu.registry.selectors import permit_get_by_number, permit_verify, person_get_by_identity
from juzhu.sharing.access import Whose, access_record, reader_for
from juzhu.sharing.models import AccessLog, DepartmentCredential
from juzhu.sharing.selectors import credential_for, person_record_on

# Staff of the public security bureau (the issuing authority, N-8-authority) may ask the same
# question at the counter; they get the answer and the status it rests on, nothing more, and the
# read is logged like a department's under this purpose code.
STAFF_PURPOSE = STAFF_ENTITLEMENT  # "staff.counter"
STAFF_FIELDS = frozenset({"entitled", "reasons", "service", "permit_status"})
INSPECTION_PURPOSE = "police.inspection"  # LH-4-inspection


@dataclass(frozen=True)
class Caller:
    """Who is reading, for which purpose, and which fields that purpose may see."""

    user: User
    credential: DepartmentCredential | None
    department: Department
    purpose: str
    fields: frozenset[str]


def _forbidden(code: str, zh: str, en: str, fields: tuple[str, ...] = ()) -> Forbidden:
    return Forbidden(rule="LH-2-sharing", code=code, zh=zh, en=en, fields=fields)


def caller_resolve(
    actor: Any, purpose: str | None, *, staff_purpose: str, staff_fields: frozenset[str]
) -> Caller:
    """A department account reads only through its credential's purposes; staff with 'read' as staff."""
    profile = staff_profile(actor)
    if profile is not None and profile.role == Role.DEPARTMENT:
        credential = credential_for(actor)
        if credential is None or not credential.active:
            raise _forbidden(
                "no-credential",
                "该部门账号没有有效的共享凭证。",
                "This department account has no active sharing credential.",
            )
        if not purpose:
            raise InvalidInput(
                rule="LH-2-sharing",
                code="purpose-required",
                zh="部门查询须说明用途。",
                en="A department must state the purpose of its request.",
                fields=("purpose",),
                extra={"allowed": sorted(credential.allowed())},
            )
        p = purpose_get(purpose, credential.allowed())
        return Caller(actor, credential, Department(credential.department), p.code, p.fields)
    staff_read(actor)
    return Caller(actor, None, Department.PUBLIC_SECURITY, staff_purpose, staff_fields)


@dataclass(frozen=True)
class Shared:
    """What a reader is given, and the log entry of the read."""

    on: date
    purpose: str
    data: dict[str, Any]
    log: AccessLog


def _log(caller: Caller, read: str, address: str | None, **kw: Any) -> AccessLog:
    """The read's row, through the access log's one writer (``juzhu.sharing.access``)."""
    whose = Whose(kw.pop("person_id"), permit_number=kw.pop("permit_number", ""))
    return access_record(
        reader_for(caller.user, address, caller.credential),
        read,
        whose,
        purpose=caller.purpose,
        fields=kw.pop("fields"),
        guardians=kw.pop("guardians", ()),
        **kw,
    )


@transaction.atomic
def entitlement_share(
    *,
    actor: Any,
    identity_number: str,
    service: str,
    on: date | None = None,
    purpose: str | None = None,
    extra: dict[str, object] | None = None,
    lang: Lang = "zh-hans",
    address: str | None = None,
) -> Shared:
    """Answer "is this person entitled to this service on this date?" for a department or staff.

    A department may ask only about its own services (the service's department is the purpose's)
    and only through a purpose that includes the answer; it is given the purpose's fields only.
    """
    caller = caller_resolve(actor, purpose, staff_purpose=STAFF_PURPOSE, staff_fields=STAFF_FIELDS)
    svc = service_get(service)
    if caller.credential is not None:
        p = PURPOSES[caller.purpose]
        if "entitled" not in p.fields:
            raise _forbidden(
                "purpose-not-for-entitlements",
                "该用途不包括公共服务资格查询。",
                "This purpose does not include entitlement questions.",
                ("purpose",),
            )
        if not p.covers(svc):
            raise _forbidden(
                "service-outside-purpose",
                "该服务不属于本部门、本用途的范围。",
                "This service is outside the department's purpose.",
                ("service",),
            )
    on = on or clock.today()
    person = person_get_by_identity(identity_number, rule="LH-4-services")
    answer = entitlement_for(person, svc.code, on, extra)
    data = fields_for_caller(caller, person_record_on(answer, caller.fields, lang))
    log = _log(
        caller,
        AccessLog.Endpoint.ENTITLEMENT_CHECK,
        address,
        person_id=person.pk,
        guardians=answer.guardian_ids,
        permit_number=answer.own_card.number,
        service=svc.code,
        asked_on=on,
        fields=sorted(data),
    )
    return Shared(on, caller.purpose, data, log)


def fields_for_caller(caller: Caller, record: dict[str, Any]) -> dict[str, Any]:
    """The last gate: only the caller's fields leave (LH-2-sharing, N-17-confidentiality)."""
    if caller.credential is not None:
        return fields_for(PURPOSES[caller.purpose], record)
    return {k: v for k, v in record.items() if k in caller.fields}


@transaction.atomic
def inspection_record(
    *,
    actor: Any,
    official_credential_number: str,
    reason: str,
    number: str | None = None,
    token: str | None = None,
    address: str | None = None,
) -> Shared:
    """LH-4-inspection: an official on duty checks a permit, by its number or its scanned QR token.

    The caller is a department account bound to ``police.inspection`` or a staff account with
    'read'; either way only the inspection purpose's fields are returned, as of today, and the
    check is logged with the official's credential number and reason.
    """
    police = PURPOSES[INSPECTION_PURPOSE]
    caller = caller_resolve(actor, INSPECTION_PURPOSE, staff_purpose=police.code, staff_fields=police.fields)
    official = official_credential_number.strip()
    why = reason.strip()
    missing = [f for f, v in (("official_credential_number", official), ("reason", why)) if not v]
    if missing:
        raise InvalidInput(
            rule="LH-4-inspection",
            code="inspection-who-why",
            zh="查验须记录执法人员证件号码和查验事由。",
            en="An inspection records the official's credential number and the reason.",
            fields=tuple(missing),
        )
    if bool(number) == bool(token):
        raise InvalidInput(
            rule="LH-4-inspection",
            code="inspection-number-or-token",
            zh="请提供居住证编号或扫描的二维码内容，二者选一。",
            en="Give either the permit number or the scanned token, not both.",
            fields=("number", "token"),
        )
    today = clock.today()
    if token:
        check = token_check(token, today)  # a tampered or unknown-key token is refused here (422)
        permit = permit_get_by_number(check.claims.number)
        status = check.status
        endpoint = AccessLog.Endpoint.INSPECTION_TOKEN
    else:
        permit = permit_get_by_number(number or "")
        status = permit_verify(permit.number, today).status
        endpoint = AccessLog.Endpoint.INSPECTION_NUMBER
    record: dict[str, Any] = {
        "permit_status": status.value if status is not None else None,
        "permit_number": permit.number,
        "name": permit.card_name,
        "issue_date": permit.issue_date,
        "next_anniversary": permit.next_anniversary,
    }
    data = fields_for(police, record)
    log = _log(
        caller,
        endpoint,
        address,
        person_id=permit.person_id,
        permit_number=permit.number,
        asked_on=today,
        fields=sorted(data),
        official_credential_number=official,
        reason=why,
    )
    return Shared(today, police.code, data, log)


# --------------------------------------------------------------------------- credentials


@transaction.atomic
def credential_issue(
    *, actor: Any, user: User, code: str, name: str, department: str, purposes: list[str]
) -> DepartmentCredential:
    """Bind a department account to its department and purposes (administrator only, audited)."""
    staff_require(actor, "admin")
    profile = staff_profile(user)
    if profile is None or profile.role != Role.DEPARTMENT:
        raise InvalidInput(
            rule="LH-2-sharing",
            code="credential-not-department",
            zh="共享凭证只能发给共享部门账号。",
            en="A sharing credential is only for a department account.",
            fields=("user",),
        )
    try:
        dept = Department(department)
    except ValueError:
        raise InvalidInput(
            rule="LH-2-sharing",
            code="department-unknown",
            zh=f"没有代码为“{department}”的部门。",
            en=f"No department with code '{department}'.",
            fields=("department",),
        ) from None
    bad = sorted(p for p in purposes if p not in PURPOSES or PURPOSES[p].department is not dept)
    if bad or not purposes:
        raise InvalidInput(
            rule="LH-2-sharing",
            code="purpose-not-of-department",
            zh="用途必须属于该部门。",
            en="Every purpose must belong to the credential's department.",
            fields=("purposes",),
            extra={
                "refused": bad,
                "allowed": sorted(p.code for p in PURPOSES.values() if p.department is dept),
            },
        )
    taken = DepartmentCredential.objects.filter(Q(user=user) | Q(code=code)).first()
    if taken is not None:
        # Credentials, revoked ones included, stay on record for the access log: one per account and code.
        raise TransitionNotAllowed(
            rule="LH-2-sharing",
            code="credential-exists",
            zh=f"该账号或代码已有共享凭证（{taken.code}），已吊销的凭证也保留备查；请使用新的部门账号和代码。",
            en=f"This account or code already has a credential ({taken.code}); revoked ones stay on record: "
            "use a new department account and code.",
            fields=("user", "code"),
        )
    credential = DepartmentCredential.objects.create(
        code=code, name=name, user=user, department=dept, purposes=sorted(set(purposes))
    )
    audit_record(
        actor=actor,
        code="sharing.credential_issued",
        subject=credential,
        rule="LH-2-sharing",
        new={"user": user.get_username(), "department": dept.value, "purposes": credential.purposes},
    )
    return credential


@transaction.atomic
def credential_revoke(*, actor: Any, code: str, reason: str = "") -> DepartmentCredential:
    staff_require(actor, "admin")
    credential = DepartmentCredential.objects.select_for_update().filter(code=code).first()
    if credential is None:
        raise NotFound(
            rule="LH-2-sharing",
            code="not-found",
            zh="未找到该共享凭证。",
            en="Sharing credential not found.",
            fields=("code",),
        )
    if credential.active:
        credential.active = False
        credential.save(update_fields=["active"])
        audit_record(
            actor=actor,
            code="sharing.credential_revoked",
            subject=credential,
            rule="LH-2-sharing",
            old={"active": True},
            new={"active": False},
            reason=reason,
        )
    return credential
