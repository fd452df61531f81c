"""The one writer of the access log: every read of personal data, by anyone, in the read's transaction.

N-17-confidentiality, LH-2-sharing; GB/T 22239-2019 8.1.4.3 (an audit record for every user: when,
who, what, the outcome).  Each entry point (an API operation, a page, a PDF, a file, an export, the
department sharing service) gathers what it is about to return, then calls one of the three
functions below inside the same ``transaction.atomic()`` block, and returns the answer only after
the row is written.  If the row cannot be written the whole transaction rolls back and the reader
gets ``ReadNotLogged`` (503) instead of the data.  A refused read returns nothing and so writes
nothing.

* ``access_record`` — one person's record, document or file (``Scope.RECORD``).
* ``access_record_each`` — a list naming each person it shows (``Scope.ROWS``): one row per person,
  in one INSERT; on pages and in the API only the people not yet logged for this account, read and
  day are written, so refreshing a roster costs one SELECT and usually no INSERT.
* ``access_record_list`` — a list that identifies nobody (``Scope.LIST``): one row, with its size.

Rows hold ids and field names, never the personal values themselves (docs/decisions/0011).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.contrib.auth.models import User
from django.db import DatabaseError, connection
from django.http import HttpRequest
from django.utils import timezone

from juzhu.accounts.models import Role
from juzhu.accounts.selectors import staff_profile
from juzhu.policy.entitlements import Department
from juzhu.policy.errors import Forbidden
from juzhu.policy.reads import EMPLOYER_OWN_STAFF, ReadKind, ReadNotLogged, Scope, read_get
from juzhu.registry import clock
from juzhu.sharing.models import AccessLog, DepartmentCredential

log = logging.getLogger("juzhu.access")


@dataclass(frozen=True)
class Reader:
    """Who reads, as what, and from where."""

    user: User
    role: str
    department: str  # "" for an employer
    credential: DepartmentCredential | None
    address: str | None  # the client address of the request; None for a job


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from (``REMOTE_ADDR``).  Behind a reverse proxy the deployment
    sets it from the proxy's header (e.g. gunicorn ``--forwarded-allow-ips`` or the web server)."""
    return request.META.get("REMOTE_ADDR") or None


def reader_for(
    user: Any, address: str | None = None, credential: DepartmentCredential | None = None
) -> Reader:
    """The reader behind ``user``; an account without a staff profile reads nothing (N-8-authority)."""
    profile = staff_profile(user)
    if profile is None or profile.role == Role.SYSTEM:
        raise Forbidden(
            rule="N-8-authority",
            code="forbidden",
            zh="当前账号无权查阅个人信息。",
            en="This account may not read personal data.",
        )
    if profile.role == Role.DEPARTMENT:
        if credential is None:
            credential = DepartmentCredential.objects.filter(user=user).first()
        department = credential.department if credential is not None else ""
    else:
        credential = None
        department = "" if profile.role == Role.EMPLOYER else Department.PUBLIC_SECURITY.value
    return Reader(user=user, role=profile.role, department=department, credential=credential, address=address)


def reader_of(request: HttpRequest) -> Reader:
    """The reader of a request (its signed-in account or API token, and its client address)."""
    return reader_for(request.user, client_address(request))


@dataclass(frozen=True)
class Whose:
    """Whose record one row is about: the person, and the document or record read (ids only)."""

    person_id: int | None
    subject_type: str = ""
    subject_id: str = ""
    permit_number: str = ""

    @classmethod
    def of(cls, person_id: int | None, subject: Any = None, *, permit_number: str = "") -> Whose:
        """``subject`` is a model instance (its class name and pk are recorded) or None."""
        if subject is None:
            return cls(person_id, permit_number=permit_number)
        return cls(person_id, type(subject).__name__.lower(), str(subject.pk), permit_number)

    @classmethod
    def employment(cls, record_id: int, person_id: int | None) -> Whose:
        """A roster line: the employment record, and its person when the register knows him or her."""
        return cls(person_id, "employmentrecord", str(record_id))

    @property
    def key(self) -> tuple[int | None, str, str]:
        return (self.person_id, self.subject_type, self.subject_id)


def _purpose(reader: Reader, kind: ReadKind, purpose: str | None) -> str:
    if purpose:
        return purpose
    if reader.role == Role.EMPLOYER:
        return EMPLOYER_OWN_STAFF  # an employer reads only its own staff (LH-4-employer-record)
    return kind.purpose


def _entry(reader: Reader, kind: ReadKind, purpose: str, fields: Iterable[str], **values: Any) -> AccessLog:
    values.setdefault("asked_on", clock.today())
    return AccessLog(
        actor=reader.user,
        actor_label=reader.user.get_username(),
        role=reader.role,
        credential=reader.credential,
        department=reader.department,
        client_address=reader.address,
        scope=kind.scope.value,
        purpose=purpose,
        fields=sorted(set(fields)),
        endpoint=kind.code,
        **values,
    )


def _append(entries: list[AccessLog]) -> list[AccessLog]:
    """Write the rows in the caller's transaction, in one INSERT; a failure refuses the read."""
    if not connection.in_atomic_block:
        # A row written in a transaction of its own could survive a read that failed, or a read could
        # be answered whose row was never written: the caller must hold the read's transaction.
        raise RuntimeError("access-log rows are written inside the read's transaction.atomic() block")
    if not entries:
        return []
    try:
        return AccessLog.objects.bulk_create(entries)
    except DatabaseError as exc:
        log.error("access log not written (%s); the read is refused", type(exc).__name__)
        raise ReadNotLogged() from exc


def access_record(
    reader: Reader,
    read: str,
    whose: Whose,
    *,
    fields: Iterable[str] | None = None,
    purpose: str | None = None,
    guardians: Sequence[int] = (),
    **details: Any,
) -> AccessLog:
    """One read of one person's record, document or file (``Scope.RECORD``).

    ``fields`` defaults to what the read shows (``juzhu.policy.reads.READS``); ``details`` are the
    sharing reads' own columns (``service``, ``asked_on``, ``official_credential_number``, ``reason``).
    """
    kind = read_get(read)
    if kind.scope is not Scope.RECORD:
        raise ValueError(f"{read} is not a record read")
    entry = _entry(
        reader,
        kind,
        _purpose(reader, kind, purpose),
        kind.fields if fields is None else fields,
        person_id=whose.person_id,
        subject_type=whose.subject_type,
        subject_id=whose.subject_id,
        permit_number=whose.permit_number,
        **details,
    )
    (row,) = _append([entry])
    if guardians:
        row.guardians.set(guardians)
    return row


def _day_start() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def access_record_each(
    reader: Reader, read: str, whose: Iterable[Whose], *, fields: Iterable[str] | None = None
) -> list[AccessLog]:
    """A list that names each person it shows (``Scope.ROWS``): one row per person, in one INSERT.

    On pages and in the API (``ReadKind.once_a_day``) a person already logged for this account and
    read today is not written again: the list showed nothing new to the same account that day.
    """
    kind = read_get(read)
    if kind.scope is not Scope.ROWS:
        raise ValueError(f"{read} is not a list that names people")
    wanted = {w.key: w for w in whose}
    if kind.once_a_day and wanted:
        already = AccessLog.objects.filter(
            actor=reader.user, endpoint=kind.code, at__gte=_day_start()
        ).values_list("person_id", "subject_type", "subject_id")
        for key in already:
            wanted.pop(key, None)
    names = kind.fields if fields is None else tuple(fields)
    purpose = _purpose(reader, kind, None)
    return _append(
        [
            _entry(
                reader,
                kind,
                purpose,
                names,
                person_id=w.person_id,
                subject_type=w.subject_type,
                subject_id=w.subject_id,
                permit_number=w.permit_number,
            )
            for w in wanted.values()
        ]
    )


def access_record_list(
    reader: Reader, read: str, rows: int, *, fields: Iterable[str] | None = None
) -> AccessLog:
    """A list that identifies nobody (``Scope.LIST``): one row for the list and the number of rows shown."""
    kind = read_get(read)
    if kind.scope is not Scope.LIST:
        raise ValueError(f"{read} is not a masked list")
    (row,) = _append(
        [
            _entry(
                reader,
                kind,
                _purpose(reader, kind, None),
                kind.fields if fields is None else fields,
                rows=rows,
            )
        ]
    )
    return row
