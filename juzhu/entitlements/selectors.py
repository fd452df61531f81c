"""Read-only questions about entitlements: history-exact on the date asked.  Nothing here writes.

"On date D" always means the permit history on D (``PermitHistory``), never a card's current
status: a permit suspended today still granted services on a day before its suspension, and a
permit restored today did not grant them on a day while it was suspended.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from juzhu.entitlements.models import HouseholdLink, Publication
from juzhu.policy.calendar import add_years
from juzhu.policy.entitlements import (
    CATALOGUE,
    Department,
    Entitlement,
    Facts,
    entitlement_check,
    publication_overdue,
    service_get,
)
from juzhu.policy.errors import InvalidInput, Reason
from juzhu.policy.lifecycle import HistoryEntry, PermitEvent, PermitStatus, status_on
from juzhu.registry.models import Permit, PermitHistory, Person
from juzhu.registry.selectors import jurisdiction

# When a person has several cards (a replacement voids the old card on the day the new one is
# issued), the card that speaks for the person on a date is the live one; a void card speaks only
# when no card was live.  At most one card is live on any date (registry: one_live_permit_per_person).
_RANK: dict[PermitStatus | None, int] = {
    None: 0,
    PermitStatus.VOID: 1,
    PermitStatus.SUSPENDED: 2,
    PermitStatus.VALID: 3,
}


@dataclass(frozen=True)
class CardOn:
    """The card that spoke for a person on a date, and its status then (from its history)."""

    permit_id: int | None
    number: str  # "" when none
    status: PermitStatus | None


NO_CARD = CardOn(None, "", None)


def cards_on(person_ids: Iterable[int], on: date) -> dict[int, CardOn]:
    """For each person, the card live on ``on`` (else a void one, else none) — one query for all."""
    ids = list(set(person_ids))
    rows = (
        PermitHistory.objects.filter(permit__person_id__in=ids, effective_on__lte=on)
        .values_list(
            "permit__person_id", "permit_id", "permit__number", "seq", "event", "effective_on", "to_status"
        )
        .order_by()
    )
    by_card: dict[tuple[int, int, str], list[HistoryEntry]] = defaultdict(list)
    for person_id, permit_id, number, seq, event, effective_on, to_status in rows:
        by_card[(person_id, permit_id, number)].append(
            HistoryEntry(seq, PermitEvent(event), effective_on, PermitStatus(to_status))
        )
    found: dict[int, CardOn] = {pid: NO_CARD for pid in ids}
    for (person_id, permit_id, number), entries in sorted(by_card.items()):
        status = status_on(entries, on)
        if _RANK[status] > _RANK[found[person_id].status]:
            found[person_id] = CardOn(permit_id, number, status)
    return found


def guardians_on(child: Person, on: date) -> list[HouseholdLink]:
    """The child's links that hold on ``on`` (``since`` ≤ D < ``ended_on``), living-with or not."""
    return list(
        HouseholdLink.objects.filter(child=child, since__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .order_by("since", "id")
    )


@dataclass(frozen=True)
class EntitlementAnswer:
    """The policy's answer, with the facts it was given and the cards they came from."""

    entitlement: Entitlement
    facts: Facts
    person: Person
    own_card: CardOn
    guardian_ids: tuple[int, ...]  # each linked guardian living with the child on the date (Person pk)
    guardian_cards: tuple[CardOn, ...]  # their cards on the date, in the same order

    @property
    def basis_status(self) -> PermitStatus | None:
        """The status of the permit the answer rests on.

        Entitled: the permit that entitles (the person's own, or a guardian's).  Not entitled: the
        person's own card on the date if there was one, else the best of the guardians' cards.
        """
        if self.entitlement.via is not None:  # "own_permit" or "guardian_permit": valid on the date
            return PermitStatus.VALID
        if self.own_card.status is not None:
            return self.own_card.status
        return max((c.status for c in self.guardian_cards), key=_RANK.__getitem__, default=None)


_NOT_LIVING_WITH = Reason(
    "LH-4-services",
    "guardian-not-living-with",
    "与该父母或监护人不共同居住，不随其居住证享受服务。",
    "Not living with that parent or guardian: not covered by his or her permit.",
)


def entitlement_for(
    person: Person, service_code: str, on: date, extra: Mapping[str, object] | None = None
) -> EntitlementAnswer:
    """Is ``person`` entitled to the service on ``on``?  Facts gathered history-exactly, then the policy.

    Own status: the person's card on ``on``.  Guardians: every link holding on ``on`` whose child
    lives with the guardian (LH-4-services), each with that guardian's card status on ``on``.
    ``extra`` carries the facts only the asking department knows (e.g. gaokao enrolment).
    """
    service = service_get(service_code)
    if on < person.birth_date:
        raise InvalidInput(
            rule="LH-4-services",
            code="date-before-birth",
            zh="查询日期早于该人员的出生日期。",
            en="The date asked about is before the person's birth date.",
            fields=("on",),
        )
    links = guardians_on(person, on)
    living = [link for link in links if link.lives_with]
    cards = cards_on([person.pk, *(link.guardian_id for link in living)], on)
    guardian_ids = list(dict.fromkeys(link.guardian_id for link in living))  # a guardian counts once
    guardian_cards = tuple(cards[g] for g in guardian_ids)
    facts = Facts(
        birth_date=person.birth_date,
        own_permit=cards[person.pk].status,
        guardian_permits=tuple(c.status for c in guardian_cards),
        disabled=person.disabled,
        extra=dict(extra or {}),
    )
    result = entitlement_check(service, facts, on, jurisdiction())
    if not result.entitled and links and not living and facts.own_permit is not PermitStatus.VALID:
        # The policy saw no guardian (only children living with the holder count): say why, so the
        # answer does not read as if no parent or guardian were known.
        result = dataclasses.replace(result, reasons=(_NOT_LIVING_WITH, *result.reasons))
    return EntitlementAnswer(result, facts, person, cards[person.pk], tuple(guardian_ids), guardian_cards)


def card_get(card: CardOn) -> Permit | None:
    return None if card.permit_id is None else Permit.objects.filter(pk=card.permit_id).first()


def household_links(person: Person) -> QuerySet[HouseholdLink]:
    """Every link of the person, as child or as guardian, ended ones included."""
    return (
        HouseholdLink.objects.filter(Q(child=person) | Q(guardian=person))
        .select_related("child", "guardian")
        .order_by("since", "id")
    )


# --------------------------------------------------------------------------- publications


def responsible_departments() -> tuple[Department, ...]:
    """The departments with at least one service in the catalogue, in the enum's order."""
    used = {s.department for s in CATALOGUE}
    return tuple(d for d in Department if d in used)


@dataclass(frozen=True)
class PublicationStatus:
    department: Department
    last: Publication | None
    due_by: date | None  # the last good day for the next publication (last + 3 years, T-month-end)
    overdue: bool  # LH-5-publish-3y


def publication_status(department: Department, on: date) -> PublicationStatus:
    """One department's last publication on or before ``on``, and whether it is older than 3 years."""
    last = (
        Publication.objects.filter(department=department, published_on__lte=on)
        .order_by("-published_on", "-id")
        .first()
    )
    return _status(department, last, on)


def publication_statuses(on: date) -> list[PublicationStatus]:
    """Every responsible department, flagged when its last publication is more than 3 years old."""
    last: dict[str, Publication] = {}
    for p in Publication.objects.filter(published_on__lte=on).order_by("department", "-published_on", "-id"):
        last.setdefault(p.department, p)
    return [_status(d, last.get(d.value), on) for d in responsible_departments()]


def _status(department: Department, last: Publication | None, on: date) -> PublicationStatus:
    policy = jurisdiction()
    published = last.published_on if last is not None else None
    return PublicationStatus(
        department=department,
        last=last,
        due_by=add_years(published, policy.publish_every_years) if published is not None else None,
        overdue=publication_overdue(published, on, policy),
    )


def publications(department: Department | None = None) -> QuerySet[Publication]:
    qs = Publication.objects.all()
    if department is not None:
        qs = qs.filter(department=department)
    return qs.order_by("department", "-published_on", "-id")
