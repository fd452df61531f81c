"""Writes of juzhu.entitlements: household links and publications, each atomic and audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from juzhu.accounts.selectors import staff_require
from juzhu.audit.services import audit_record
from juzhu.entitlements.models import HouseholdLink, Publication
from juzhu.policy.entitlements import Department
from juzhu.policy.errors import InvalidInput, NotFound, PolicyError, TransitionNotAllowed
from juzhu.policy.identity import age_on
from juzhu.registry import clock
from juzhu.registry.models import Person
from juzhu.registry.selectors import jurisdiction, person_get_by_identity


@transaction.atomic
def household_link(
    *,
    actor: Any,
    child_identity_number: str,
    guardian_identity_number: str,
    relation: str,
    lives_with: bool = True,
    since: date | None = None,
) -> HouseholdLink:
    """Link a minor child to a parent or guardian (LH-4-services), at the counter, from the 户口簿.

    Both must be registered persons.  A child already 18 on ``since`` is refused: the link could
    never confer anything (LH-4-services ends at the 18th birthday).
    """
    policy = jurisdiction()
    staff_require(actor, "counter", policy.division_code)
    today = clock.today()
    since = since or today
    if since > today:
        raise InvalidInput(
            rule="LH-4-services",
            code="link-in-future",
            zh="关系起始日期不能晚于今天。",
            en="A link cannot start after today.",
            fields=("since",),
        )
    try:
        rel = HouseholdLink.Relation(relation)
    except ValueError:
        raise InvalidInput(
            rule="LH-4-services",
            code="link-relation",
            zh="关系只能是父母（parent）或监护人（guardian）。",
            en="The relation is 'parent' or 'guardian'.",
            fields=("relation",),
        ) from None
    child = _person(child_identity_number, "child_identity_number")
    guardian = _person(guardian_identity_number, "guardian_identity_number")
    if child.pk == guardian.pk:
        raise InvalidInput(
            rule="LH-4-services",
            code="link-self",
            zh="子女与父母或监护人不能是同一人。",
            en="The child and the parent or guardian cannot be the same person.",
            fields=("guardian_identity_number",),
        )
    if since < child.birth_date or age_on(child.birth_date, since) >= policy.adult_age:
        raise InvalidInput(
            rule="LH-4-services",
            code="link-not-minor",
            zh=f"关系起始日该子女须未满{policy.adult_age}周岁。",
            en=f"The child must be under {policy.adult_age} on the date the link starts.",
            fields=("since",),
        )
    # Lock the child: two clerks linking the same pair at once meet the one-open-link constraint
    # in order, and the loser gets the conflict below rather than an IntegrityError.
    Person.objects.select_for_update().filter(pk=child.pk).get()
    if HouseholdLink.objects.filter(child=child, guardian=guardian, ended_on__isnull=True).exists():
        raise TransitionNotAllowed(
            rule="LH-4-services",
            code="link-exists",
            zh="该子女与该父母或监护人的关系已登记。",
            en="This child is already linked to this parent or guardian.",
            fields=("guardian_identity_number",),
        )
    link = HouseholdLink.objects.create(
        child=child, guardian=guardian, relation=rel, lives_with=lives_with, since=since
    )
    audit_record(
        actor=actor,
        code="household.linked",
        subject=link,
        person_id=child.pk,
        rule="LH-4-services",
        new={"guardian": guardian.pk, "relation": rel.value, "lives_with": lives_with, "since": str(since)},
    )
    return link


def _person(identity_number: str, field: str) -> Person:
    """The person, an error naming the request's field (the identity check names a generic one)."""
    try:
        return person_get_by_identity(identity_number, rule="LH-4-services", field=field)
    except PolicyError as exc:
        exc.fields = (field,)
        raise


@transaction.atomic
def household_unlink(*, actor: Any, link_id: int, on: date | None = None, reason: str = "") -> HouseholdLink:
    """End a link from ``on`` (default today): from that day it confers nothing; earlier days keep it."""
    policy = jurisdiction()
    staff_require(actor, "counter", policy.division_code)
    link = HouseholdLink.objects.select_for_update().filter(pk=link_id).first()
    if link is None:
        raise NotFound(
            rule="LH-4-services",
            code="not-found",
            zh="未找到该随迁子女关系。",
            en="Household link not found.",
            fields=("link_id",),
        )
    if link.ended_on is not None:
        raise TransitionNotAllowed(
            rule="LH-4-services",
            code="link-ended",
            zh="该关系已终止。",
            en="This link has already ended.",
            extra={"ended_on": link.ended_on.isoformat()},
        )
    today = clock.today()
    on = on or today
    if on < link.since or on > today:
        raise InvalidInput(
            rule="LH-4-services",
            code="link-end-date",
            zh="终止日期须在关系起始日与今天之间。",
            en="The end date must be between the link's start and today.",
            fields=("on",),
            extra={"since": link.since.isoformat()},
        )
    link.ended_on = on
    link.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        code="household.unlinked",
        subject=link,
        person_id=link.child_id,
        rule="LH-4-services",
        old={"ended_on": None},
        new={"ended_on": str(on)},
        reason=reason,
    )
    return link


@transaction.atomic
def publication_record(
    *, actor: Any, department: str, published_on: date, title: str, reference: str = ""
) -> Publication:
    """Record that a department published its scope of services on a date (LH-5-publish-3y)."""
    staff_require(actor, "decide", jurisdiction().division_code)
    try:
        dept = Department(department)
    except ValueError:
        raise InvalidInput(
            rule="LH-5-publish-3y",
            code="department-unknown",
            zh=f"没有代码为“{department}”的部门。",
            en=f"No department with code '{department}'.",
            fields=("department",),
            extra={"known": [d.value for d in Department]},
        ) from None
    if published_on > clock.today():
        raise InvalidInput(
            rule="LH-5-publish-3y",
            code="publication-in-future",
            zh="公布日期不能晚于今天。",
            en="A publication date cannot be after today.",
            fields=("published_on",),
        )
    title = title.strip()
    if not title:
        raise InvalidInput(
            rule="LH-5-publish-3y",
            code="publication-title",
            zh="须填写公布的标题。",
            en="The publication needs a title.",
            fields=("title",),
        )
    publication = Publication.objects.create(
        department=dept,
        published_on=published_on,
        title=title,
        reference=reference.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        code="publication.recorded",
        subject=publication,
        rule="LH-5-publish-3y",
        new={"department": dept.value, "published_on": str(published_on), "title": title},
    )
    return publication
