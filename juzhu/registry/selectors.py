"""Read-only queries of the register.  Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import F, QuerySet

from juzhu.policy.endorsement import EndorsementWindow, endorsement_window
from juzhu.policy.errors import NotFound
from juzhu.policy.identity import identity_parse, name_mask
from juzhu.policy.lifecycle import HistoryEntry, PermitEvent, PermitStatus
from juzhu.policy.numbers import permit_number_normalise
from juzhu.policy.parameters import LINHE, JurisdictionPolicy
from juzhu.policy.residence import ResidencePeriod, residence_period_on
from juzhu.registry import clock
from juzhu.registry.models import Application, Permit, PermitHistory, Person
from juzhu.workcal.selectors import work_calendar


def jurisdiction() -> JurisdictionPolicy:
    """The deploying jurisdiction's policy (Linhe District)."""
    return LINHE


def person_get_by_identity(identity_number: str, *, rule: str, field: str = "identity_number") -> Person:
    """The registered person with this identity number (validated first: LH-3.1-identity);
    NotFound naming ``rule`` and ``field`` otherwise."""
    number = identity_parse(identity_number, clock.today()).number
    person = Person.objects.filter(identity_number=number).first()
    if person is None:
        raise NotFound(
            rule=rule,
            code="person-not-found",
            zh="登记系统中没有该公民身份号码的人员。",
            en="No person with this identity number in the register.",
            fields=(field,),
        )
    return person


def permit_get_by_number(number: str) -> Permit:
    permit = (
        Permit.objects.select_related("person", "supersedes")
        .filter(number=permit_number_normalise(number))
        .first()
    )
    if permit is None:
        raise _permit_not_found()
    return permit


def _permit_not_found() -> NotFound:
    return NotFound(
        rule="LH-3.2-replace",
        code="permit-not-found",
        zh="没有这个编号的居住证。",
        en="No permit with this number.",
        fields=("number",),
    )


def application_get(application_id: int) -> Application:
    app = (
        Application.objects.select_related("person", "police_station", "permit")
        .filter(pk=application_id)
        .first()
    )
    if app is None:
        raise NotFound(
            rule="LH-3.2-issue-15d",
            code="not-found",
            zh="未找到该申请。",
            en="Application not found.",
            fields=("application_id",),
        )
    return app


def person_get(person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(
            rule="LH-3.1-identity",
            code="not-found",
            zh="未找到该人员。",
            en="Person not found.",
            fields=("person_id",),
        )
    return person


def _entries(rows: QuerySet[PermitHistory]) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            seq=r.seq,
            event=PermitEvent(r.event),
            effective_on=r.effective_on,
            to_status=PermitStatus(r.to_status),
            residence_since=r.residence_since,
            rule=r.rule,
        )
        for r in rows
    ]


def permit_history(permit: Permit) -> list[PermitHistory]:
    return list(PermitHistory.objects.filter(permit=permit).order_by("seq"))


def lineage_history(permit: Permit) -> list[HistoryEntry]:
    """History of every card of the same permit, in order, as the derivations need it.

    Sequence numbers are made unique across cards by ordering on (date, card, seq).
    """
    rows = PermitHistory.objects.filter(permit__lineage_id=permit.lineage_id or permit.pk).order_by(
        "effective_on", "permit_id", "seq"
    )
    return [
        HistoryEntry(i, e.event, e.effective_on, e.to_status, e.residence_since, e.rule)
        for i, e in enumerate(_entries(rows), start=1)
    ]


@dataclass(frozen=True)
class Verification:
    number: str
    on: date
    status: PermitStatus | None  # None: not issued on that date
    holder: str  # masked name
    rule: str


mask_name = name_mask  # one masking rule (juzhu.policy.identity); the name its callers know


# ``status_on`` of the card's history in one query: the to_status of its last entry, by
# (effective_on, seq), effective on or before the date; none (NULL) means not issued then.
# Public and the busiest read, so plain SQL: compiling the ORM queries cost more than running them.
_VERIFY_SQL = f"""
    SELECT p.number, p.card_name,
           (SELECT h.to_status FROM {PermitHistory._meta.db_table} h
            WHERE h.permit_id = p.id AND h.effective_on <= %s
            ORDER BY h.effective_on DESC, h.seq DESC LIMIT 1)
    FROM {Permit._meta.db_table} p WHERE p.number = %s
"""  # noqa: S608 -- table names come from the models, values are parameters


def permit_verify(number: str, on: date) -> Verification:
    """Status of a card on a date, from its own history (history-exact)."""
    with connection.cursor() as cur:
        cur.execute(_VERIFY_SQL, [on, permit_number_normalise(number)])
        row = cur.fetchone()
    if row is None:
        raise _permit_not_found()
    found, card_name, to_status = row
    status = None if to_status is None else PermitStatus(to_status)
    return Verification(
        number=found,
        on=on,
        status=status,
        holder=mask_name(card_name),
        rule=_VERIFY_RULE[status],
    )


_VERIFY_RULE: dict[PermitStatus | None, str] = {
    None: "LH-3.2-issue-15d",
    PermitStatus.VALID: "LH-3.2-endorse-window",
    PermitStatus.SUSPENDED: "LH-3.2-endorse-overdue",
    PermitStatus.VOID: "LH-3.2-replace",
}


@dataclass(frozen=True)
class PermitView:
    permit: Permit
    window: EndorsementWindow
    residence: ResidencePeriod | None


def permit_view(permit: Permit, on: date) -> PermitView:
    return PermitView(
        permit=permit,
        window=endorsement_window(permit.next_anniversary, work_calendar()),
        residence=residence_period_on(lineage_history(permit), on),
    )


def applications_queue(
    *, status: list[str] | None = None, police_station: str | None = None
) -> QuerySet[Application]:
    """Open cases, the nearest 15-day due date first."""
    qs = Application.objects.select_related("person", "police_station")
    if status:
        qs = qs.filter(status__in=status)
    else:
        qs = qs.filter(status__in=["received", "notified", "accepted", "approved"])
    if police_station:
        qs = qs.filter(police_station__code=police_station)
    return qs.order_by(F("due_nominal").asc(nulls_last=True), "id")
