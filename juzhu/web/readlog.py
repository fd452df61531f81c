"""The access log as people read it: who, as what, read what, why, when and from where — in words.

The person page, the department page and the audit administrator's pages all show rows of
``juzhu.sharing.AccessLog`` through ``access_lines``; the words come from the policy's catalogue
(``juzhu.policy.reads``), never from the stored codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.http import HttpRequest

from juzhu.policy.entitlements import DEPARTMENT_LABELS, SERVICES, Department
from juzhu.policy.identity import identity_mask, name_mask
from juzhu.policy.reads import CHANNEL_LABELS, READS, field_labels, purpose_label
from juzhu.sharing.access import Whose, access_record, access_record_list, reader_of
from juzhu.sharing.models import AccessLog
from juzhu.web.context import ROLE_LABELS
from juzhu.web.i18n import label, lang, tr


@dataclass(frozen=True)
class AccessLine:
    at: datetime
    account: str
    role: str  # the reader's role, in words
    organisation: str  # the department, with the credential for a department's read
    read: str  # what was read, in words
    channel: str
    purpose: str
    fields: str  # the fields shown, in words
    address: str
    whose: str  # the person, masked ("" for a list)
    rows: int | None  # a list identifying nobody: how many rows it showed
    detail: str  # the service asked about, or the inspecting official and the reason
    as_guardian: bool  # this person's permit was consulted for a child's entitlement
    asked_on: date


def _organisation(e: AccessLog) -> str:
    if not e.department:
        return tr("用人单位", "employer")
    name = label(DEPARTMENT_LABELS.get(Department(e.department)), e.department)
    return f"{name} · {e.credential.code}" if e.credential is not None else name


def _detail(e: AccessLog) -> str:
    parts = []
    if e.service:
        service = SERVICES.get(e.service)
        parts.append(service.name(lang()) if service is not None else e.service)
    if e.official_credential_number:
        parts.append(
            tr(f"执法证号 {e.official_credential_number}", f"credential {e.official_credential_number}")
        )
    if e.reason:
        parts.append(e.reason)
    return tr("；", "; ").join(parts)


def access_lines(entries: Iterable[AccessLog], *, person_id: int | None = None) -> list[AccessLine]:
    """Rows of the log in the request's language; a person is shown masked (the audit pages)."""
    out = []
    for e in entries:
        kind = READS.get(e.endpoint)
        whose = ""
        if e.person is not None:
            whose = f"{name_mask(e.person.name)} {identity_mask(e.person.identity_number)}"
        out.append(
            AccessLine(
                at=e.at,
                account=e.actor_label,
                role=label(ROLE_LABELS.get(e.role), e.role),
                organisation=_organisation(e),
                read=kind.label(lang()) if kind is not None else e.endpoint,
                channel=label(CHANNEL_LABELS.get(kind.channel)) if kind is not None else "",
                purpose=purpose_label(e.purpose, lang()),
                fields=tr("、", ", ").join(field_labels(e.fields, lang())),
                address=e.client_address or "—",
                whose=whose,
                rows=e.rows,
                detail=_detail(e),
                as_guardian=person_id is not None and e.person_id != person_id,
                asked_on=e.asked_on,
            )
        )
    return out


def read_record(
    request: HttpRequest, read: str, person_id: int | None, subject: object = None, **kw: object
) -> None:
    """A page's read of one person's record or document, logged in the page's transaction."""
    access_record(reader_of(request), read, Whose.of(person_id, subject, **kw))  # type: ignore[arg-type]


def read_list(request: HttpRequest, read: str, rows: int) -> None:
    """A page's list that identifies nobody, logged in the page's transaction."""
    access_record_list(reader_of(request), read, rows)
