"""Read-only queries of juzhu.sharing: credentials, the access logs, a person's record as it stood on a date."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from juzhu.audit.models import AuditEvent
from juzhu.entitlements.selectors import EntitlementAnswer, card_get
from juzhu.policy.entitlements import Department
from juzhu.policy.errors import Lang
from juzhu.policy.lifecycle import PermitEvent
from juzhu.policy.reads import (
    READ_ALERT_RECORDS_PER_DAY,
    SHARING_READS,
    ReaderTally,
    Scope,
    read_alert_threshold_check,
)
from juzhu.policy.residence import residence_period_on
from juzhu.registry.models import Permit, PermitHistory, Person
from juzhu.registry.selectors import lineage_history
from juzhu.sharing.models import AccessLog, DepartmentCredential


def credential_for(user: Any) -> DepartmentCredential | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return DepartmentCredential.objects.filter(user=user).first()


def access_log_for_person(person: Person) -> QuerySet[AccessLog]:
    """Every read of the person's data by anyone, newest first: of his or her own record, and of his
    or her permit when it was consulted for a child's entitlement (N-17-confidentiality)."""
    guardian_of = AccessLog.guardians.through.objects.filter(person_id=person.pk).values("accesslog_id")
    return (
        AccessLog.objects.filter(Q(person=person) | Q(pk__in=guardian_of))
        .select_related("credential", "person")
        .order_by("-at", "-id")
    )


def access_log_for_department(department: Department) -> QuerySet[AccessLog]:
    """A department's own reads through the sharing service, newest first: what it may be asked to
    account for (the bureau's own counter reads are in the access log too, but not the department's)."""
    return (
        AccessLog.objects.filter(department=department, endpoint__in=SHARING_READS)
        .select_related("credential", "person")
        .order_by("-at", "-id")
    )


# --------------------------------------------------------------------------- bulk reading (the audit administrator)


def read_alert_threshold() -> int:
    """The deployment's alert threshold (JUZHU_READ_ALERT_PER_DAY), or the policy's default."""
    configured = getattr(settings, "JUZHU_READ_ALERT_PER_DAY", None)
    return read_alert_threshold_check(READ_ALERT_RECORDS_PER_DAY if configured is None else configured)


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The local days ``first`` to ``last``, both included, as aware instants [from, to)."""
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min)),
    )


def reader_tallies(first: date, last: date) -> list[ReaderTally]:
    """What each account read from ``first`` to ``last`` (local days, both included): distinct people
    whose records it opened, on its busiest day too; people named in lists; masked lists and rows."""
    lo, hi = _bounds(first, last)
    period = AccessLog.objects.filter(at__gte=lo, at__lt=hi)
    records = period.filter(scope=Scope.RECORD.value, person__isnull=False)
    opened = {
        r["actor_id"]: r
        for r in records.values("actor_id").annotate(
            records=Count("person", distinct=True), reads=Count("id")
        )
    }
    busiest: dict[int, tuple[int, date]] = {}
    days = (
        records.annotate(day=TruncDate("at"))
        .values("actor_id", "day")
        .annotate(n=Count("person", distinct=True))
        .order_by("actor_id", "day")
    )
    for r in days:
        if r["n"] > busiest.get(r["actor_id"], (0, r["day"]))[0]:
            busiest[r["actor_id"]] = (r["n"], r["day"])
    listed = dict(
        period.filter(scope=Scope.ROWS.value)
        .values("actor_id")
        .annotate(n=Count("id"))
        .values_list("actor_id", "n")
    )
    lists = {
        r["actor_id"]: r
        for r in period.filter(scope=Scope.LIST.value)
        .values("actor_id")
        .annotate(n=Count("id"), shown=Sum("rows"))
    }
    ids = set(opened) | set(listed) | set(lists)
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
    return [
        ReaderTally(
            account_id=pk,
            account=names.get(pk, str(pk)),
            records=opened.get(pk, {}).get("records", 0),
            reads=opened.get(pk, {}).get("reads", 0),
            busiest_day=busiest[pk][1] if pk in busiest else None,
            busiest_day_records=busiest[pk][0] if pk in busiest else 0,
            listed=listed.get(pk, 0),
            list_views=lists.get(pk, {}).get("n", 0),
            rows_shown=lists.get(pk, {}).get("shown") or 0,
        )
        for pk in ids
    ]


def account_reads(account_id: int, first: date, last: date) -> QuerySet[AccessLog]:
    """One account's reads in the period, newest first."""
    lo, hi = _bounds(first, last)
    return (
        AccessLog.objects.filter(actor_id=account_id, at__gte=lo, at__lt=hi)
        .select_related("credential", "person")
        .order_by("-at", "-id")
    )


def audit_trail(*, account: str = "", person: Person | None = None) -> QuerySet[AuditEvent]:
    """The audit trail, newest first, by the acting account's name and/or the person it concerned."""
    qs = AuditEvent.objects.all()
    if account:
        qs = qs.filter(actor_label=account)
    if person is not None:
        qs = qs.filter(person_id=person.pk)
    return qs.order_by("-at", "-id")


# --------------------------------------------------------------------------- the record on a date


def _card_on(permit: Permit, on: date) -> dict[str, Any]:
    """Issue date, residence period and address of a card's permit as they stood on ``on``.

    An address change records the old address and issue date in its history entry, so the values
    on ``on`` are those the first later change replaced, or the card's current ones if none.
    """
    lineage = permit.lineage_id or permit.pk
    later = (
        PermitHistory.objects.filter(
            permit__lineage_id=lineage, event=PermitEvent.ADDRESS_CHANGED, effective_on__gt=on
        )
        .order_by("effective_on", "permit_id", "seq")
        .first()
    )
    period = residence_period_on(lineage_history(permit), on)
    return {
        "permit_number": permit.number,
        "issue_date": date.fromisoformat(later.data["issue_date"]) if later else permit.issue_date,
        "residence_address": later.data["address"] if later else permit.residence_address,
        "residence_since": period.since if period is not None else None,
    }


_CARD_FIELDS = frozenset({"permit_number", "issue_date", "residence_since", "residence_address"})


def person_record_on(answer: EntitlementAnswer, fields: frozenset[str], lang: Lang) -> dict[str, Any]:
    """The entitlement answer and the person's data on the date asked — only the ``fields`` wanted.

    A purpose that may not see the card never has it read.
    ``permit_status`` is the status of the permit the answer rests on (``basis_status``): for a
    child entitled through a parent, the parent's.  Card fields are the person's own card only,
    never a guardian's.  ``next_anniversary`` is not offered: a date in the future of the date
    asked, it belongs to the inspection of a card today, not to an entitlement question.
    """
    person, e = answer.person, answer.entitlement
    card: dict[str, Any] = {}
    if fields & _CARD_FIELDS:  # read the card only for a purpose that may see it
        permit = card_get(answer.own_card)
        card = _card_on(permit, e.on) if permit is not None else dict.fromkeys(_CARD_FIELDS)
    basis = answer.basis_status
    values: dict[str, Any] = {
        "entitled": e.entitled,
        "reasons": [r.as_dict(lang) for r in e.reasons],
        "service": e.service.code,
        "permit_status": basis.value if basis is not None else None,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "identity_number": person.identity_number,
        "hukou_address": person.hukou_address,
        **card,
    }
    return {k: v for k, v in values.items() if k in fields}
