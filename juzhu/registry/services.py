"""Every state change of the register: one function each, atomic, row-locked and audited.

Nothing else writes a status.  Each service gathers its inputs, asks the pure
policy core (``juzhu.policy``) what follows, writes the result with
``update_fields`` and records the audit event in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import F

from juzhu.accounts.selectors import staff_require
from juzhu.audit.services import audit_record
from juzhu.policy import divisions
from juzhu.policy.calendar import WorkCalendar, add_years, roll_to_working_day
from juzhu.policy.change import ChangeEffect, address_change_effect
from juzhu.policy.deadlines import issue_due_nominal, registration_due
from juzhu.policy.eligibility import ApplicantFacts, eligibility_check, registration_chain_start
from juzhu.policy.endorsement import EndorsementDecision, EndorsementKind, endorsement_decide
from juzhu.policy.errors import (
    CalendarUnknown,
    InvalidInput,
    NotEligible,
    NotFound,
    TransitionNotAllowed,
)
from juzhu.policy.fees import fee_receipt_for
from juzhu.policy.identity import identity_parse
from juzhu.policy.lifecycle import (
    AppAction,
    AppStatus,
    PermitEvent,
    PermitStatus,
    application_next,
    permit_next,
)
from juzhu.policy.materials import (
    CaseKind,
    Doc,
    Requirement,
    checklist,
    docs_parse,
    materials_require,
    notice_for,
)
from juzhu.policy.materials import (
    Notice as PolicyNotice,
)
from juzhu.policy.numbers import permit_number_make, permit_number_normalise
from juzhu.policy.parameters import JurisdictionPolicy
from juzhu.policy.proxy import ProxyRelation, proxy_check, proxy_ensure
from juzhu.registry import clock
from juzhu.registry.models import (
    Application,
    Counter,
    FeeReceipt,
    Notice,
    Permit,
    PermitHistory,
    Person,
    PoliceStation,
    ResidenceRegistration,
)
from juzhu.registry.selectors import jurisdiction
from juzhu.workcal.selectors import work_calendar

OPEN_APPLICATION = [AppStatus.RECEIVED, AppStatus.NOTIFIED, AppStatus.ACCEPTED, AppStatus.APPROVED]
# An online pre-application in these statuses is not yet a case the bureau has accepted: when the person
# comes to the counter with the identity card, the counter's application replaces it (docs/decisions/0010).
REPLACEABLE_ONLINE = [AppStatus.RECEIVED, AppStatus.NOTIFIED]
LIVE = [PermitStatus.VALID, PermitStatus.SUSPENDED]


# --------------------------------------------------------------------------- helpers


def number_next(name: str, year: int) -> int:
    """The next number of a per-year sequence (applications, notices, permits, receipts, cases)."""
    counter, _ = Counter.objects.select_for_update().get_or_create(name=name, year=year)
    Counter.objects.filter(pk=counter.pk).update(value=F("value") + 1)
    counter.refresh_from_db(fields=["value"])
    return counter.value


def _rolled_or_none(d: date, cal: WorkCalendar) -> date | None:
    try:
        return roll_to_working_day(d, cal)
    except CalendarUnknown:
        return None


def _station(code: str) -> PoliceStation:
    station = PoliceStation.objects.filter(code=code).first()
    if station is None:
        raise NotFound(
            rule="LH-4-register-3d",
            code="police-station-not-found",
            zh=f"没有代码为“{code}”的派出所或服务大厅。",
            en=f"No police station or service hall with code '{code}'.",
            fields=("police_station",),
        )
    return station


def _not_found(what_zh: str, what_en: str, field: str, rule: str) -> NotFound:
    return NotFound(
        rule=rule, code="not-found", zh=f"未找到{what_zh}。", en=f"{what_en} not found.", fields=(field,)
    )


def _lock_application(application_id: int) -> Application:
    app = Application.objects.select_for_update().filter(pk=application_id).first()
    if app is None:
        raise _not_found("该申请", "Application", "application_id", "LH-3.2-issue-15d")
    return app


def _lock_permit(number: str) -> Permit:
    permit = Permit.objects.select_for_update().filter(number=permit_number_normalise(number)).first()
    if permit is None:
        raise _not_found("该居住证", "Permit", "number", "LH-3.2-replace")
    return permit


def _history_append(
    permit: Permit,
    event: PermitEvent,
    *,
    effective_on: date,
    from_status: str,
    to_status: str,
    rule: str,
    actor: Any,
    residence_since: date | None = None,
    data: dict[str, Any] | None = None,
) -> PermitHistory:
    """Append to a locked permit's history; the caller saves ``last_seq``."""
    permit.last_seq += 1
    return PermitHistory.objects.create(
        permit=permit,
        seq=permit.last_seq,
        event=event,
        effective_on=effective_on,
        from_status=from_status,
        to_status=to_status,
        residence_since=residence_since,
        rule=rule,
        data=data or {},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _proxy_fields(person: Person, proxy: dict[str, str] | None, on: date) -> dict[str, str]:
    """Validate a proxy (LH-3.2-proxy) and return the application's proxy fields."""
    if not proxy:
        return {"proxy_name": "", "proxy_identity_number": "", "proxy_relation": ""}
    try:
        relation = ProxyRelation(proxy.get("relation", ""))
    except ValueError:
        relation = ProxyRelation.OTHER
    proxy_ensure(
        proxy_check(
            person.birth_date,
            relation,
            on,
            limited_mobility=person.limited_mobility,
            disabled=person.disabled,
            policy=jurisdiction(),
        )
    )
    info = identity_parse(proxy.get("identity_number", ""), on)
    if info.number == person.identity_number:
        raise InvalidInput(
            rule="LH-3.2-proxy",
            code="proxy-is-principal",
            zh="代办人不能是申请人本人。",
            en="The proxy cannot be the applicant.",
            fields=("proxy.identity_number",),
        )
    return {
        "proxy_name": proxy.get("name", "")[:50],
        "proxy_identity_number": info.number,
        "proxy_relation": relation,
    }


def _person_by_identity(identity_number: str) -> Person:
    number = identity_parse(identity_number, clock.today()).number
    person = Person.objects.filter(identity_number=number).first()
    if person is None:
        raise NotFound(
            rule="LH-3.1-registered-6m",
            code="person-not-registered",
            zh="该身份证号码没有居住登记记录，请先办理居住登记。",
            en="No residence registration for this identity number: register residence first.",
            fields=("identity_number",),
        )
    return person


# --------------------------------------------------------------------------- registration


def registration_dates_check(arrived_on: date, declared_on: date, today: date) -> None:
    """Arrival ≤ declaration ≤ today (LH-4-register-3d): the service and its preview."""
    if declared_on > today or arrived_on > declared_on:
        raise InvalidInput(
            rule="LH-4-register-3d",
            code="registration-dates",
            zh="到达日期不得晚于申报日期，申报日期不得晚于今天。",
            en="The arrival date cannot be after the declaration date, nor that after today.",
            fields=("arrived_on", "declared_on"),
        )


def registration_order_check(previous: ResidenceRegistration | None, declared_on: date) -> None:
    """A new registration is not declared before the one it ends."""
    if previous is not None and previous.declared_on > declared_on:
        raise InvalidInput(
            rule="LH-4-register-3d",
            code="registration-order",
            zh="新登记的申报日期早于现有登记。",
            en="The new registration is declared before the current one.",
            fields=("declared_on",),
        )


@transaction.atomic
def residence_register(
    *,
    actor: Any,
    identity_number: str,
    name: str,
    hukou_division: str,
    hukou_address: str,
    address: str,
    police_station: str,
    arrived_on: date,
    declared_on: date | None = None,
    ethnicity: str = "汉族",
    phone: str = "",
    photo_ref: str = "",
    limited_mobility: bool = False,
    disabled: bool = False,
) -> ResidenceRegistration:
    """居住登记 (LH-4-register-3d): record the person and the registration, with its due date."""
    policy = jurisdiction()
    staff_require(actor, "counter", policy.division_code)
    today = clock.today()
    declared_on = declared_on or today
    info = identity_parse(identity_number, today)
    divisions.county_get(hukou_division, field="hukou_division")
    station = _station(police_station)
    registration_dates_check(arrived_on, declared_on, today)
    person, created = Person.objects.select_for_update().get_or_create(
        identity_number=info.number,
        defaults={
            "name": name,
            "sex": info.sex.value,
            "birth_date": info.birth_date,
            "ethnicity": ethnicity,
            "hukou_division": hukou_division,
            "hukou_address": hukou_address,
            "phone": phone,
            "photo_ref": photo_ref,
            "limited_mobility": limited_mobility,
            "disabled": disabled,
        },
    )
    if not created:
        changed = {
            k: v
            for k, v in {
                "name": name,
                "hukou_division": hukou_division,
                "hukou_address": hukou_address,
                "ethnicity": ethnicity,
                "limited_mobility": limited_mobility,
                "disabled": disabled,
            }.items()
            if getattr(person, k) != v
        }
        if phone and phone != person.phone:
            changed["phone"] = phone
        if changed:
            old = {k: getattr(person, k) for k in changed}
            for k, v in changed.items():
                setattr(person, k, v)
            person.save(update_fields=list(changed))
            audit_record(
                actor=actor, code="person.updated", subject=person, person_id=person.pk, old=old, new=changed
            )
    previous = (
        ResidenceRegistration.objects.select_for_update().filter(person=person, ended_on__isnull=True).first()
    )
    if previous is not None:
        registration_order_check(previous, declared_on)
        previous.ended_on = declared_on
        previous.save(update_fields=["ended_on"])
    cal = work_calendar()
    try:
        due: date | None = registration_due(arrived_on, cal, policy).due
    except CalendarUnknown:
        due = None
    reg = ResidenceRegistration.objects.create(
        person=person,
        kind=ResidenceRegistration.Kind.CHANGE if previous else ResidenceRegistration.Kind.INITIAL,
        address=address,
        division_code=station.division_code,
        police_station=station,
        arrived_on=arrived_on,
        declared_on=declared_on,
        due_on=due,
        on_time=None if due is None else declared_on <= due,
    )
    audit_record(
        actor=actor,
        code="registration.declared",
        subject=reg,
        person_id=person.pk,
        rule="LH-4-register-3d",
        new={
            "address": address,
            "arrived_on": str(arrived_on),
            "declared_on": str(declared_on),
            "due_on": str(due),
        },
    )
    return reg


# --------------------------------------------------------------------------- applications


def application_replaceable_online(person: Person) -> Application | None:
    """The person's online pre-application not yet accepted, which a counter application replaces.

    Online, the code sent to the phone on record shows who filed it, but the counter sees the person
    and the identity card (LH-3.1-identity): the person's choice there wins over what was filed online,
    and a pre-application nobody has accepted never blocks the counter (docs/decisions/0010).
    """
    return (
        Application.objects.filter(
            person=person, channel=Application.Channel.ONLINE, status__in=REPLACEABLE_ONLINE
        )
        .order_by("id")
        .first()
    )


def application_admissible(person: Person, kind: CaseKind, *, applicant: bool = False) -> Permit | None:
    """One open application at a time; 申领 without a live card, 换领/补领 with one (LH-3.2-replace).

    Returns the live card a replacement or reissue supersedes.  ``applicant`` words the refusal
    to the applicant (online) instead of to the clerk (counter).  At the counter, an online
    pre-application not yet accepted does not count as open: ``application_submit`` withdraws it.
    """
    open_apps = Application.objects.filter(person=person, status__in=OPEN_APPLICATION)
    if not applicant:
        open_apps = open_apps.exclude(channel=Application.Channel.ONLINE, status__in=REPLACEABLE_ONLINE)
    if open_apps.exists():
        raise TransitionNotAllowed(
            rule="LH-3.2-issue-15d",
            code="application-open",
            zh="您已有正在办理的申请，请通过进度查询了解办理情况。"
            if applicant
            else "该人员已有正在办理的申请。",
            en="You already have an application in progress: follow it under Progress."
            if applicant
            else "This person already has an application in progress.",
            fields=("identity_number",),
        )
    live = Permit.objects.filter(person=person, status__in=LIVE).first()
    if kind is CaseKind.FIRST_ISSUE and live is not None:
        raise TransitionNotAllowed(
            rule="LH-3.2-replace",
            code="already-holds-permit",
            zh="您已持有居住证，如需新证请选择换领或补领。"
            if applicant
            else f"该人员已持有居住证（{live.number}），如需新证请办理换领或补领。",
            en="You already hold a residence permit: choose replacement or reissue for a new card."
            if applicant
            else f"This person already holds permit {live.number}; apply for a replacement or reissue.",
            fields=("kind",),
        )
    if kind is not CaseKind.FIRST_ISSUE and live is None:
        raise TransitionNotAllowed(
            rule="LH-3.2-replace",
            code="no-permit",
            zh="您没有有效或中止的居住证，不能换领或补领；首次办理请选择首次申领。"
            if applicant
            else "该人员没有有效或中止的居住证，不能换领或补领。",
            en="You hold no valid or suspended permit to replace or reissue; choose first issue."
            if applicant
            else "This person holds no valid or suspended permit to replace or reissue.",
            fields=("kind",),
        )
    return live


@transaction.atomic
def application_submit(
    *,
    actor: Any,
    kind: CaseKind,
    identity_number: str,
    police_station: str,
    documents: list[str],
    proxy: dict[str, str] | None = None,
    reissue_reason: str = "",
) -> Application:
    """Receive an application at the counter: 申领, 换领 or 补领."""
    policy = jurisdiction()
    staff_require(actor, "counter", policy.division_code)
    today = clock.today()
    if kind not in (CaseKind.FIRST_ISSUE, CaseKind.REPLACEMENT, CaseKind.REISSUE):
        raise InvalidInput(
            rule="LH-3.2-replace",
            code="application-kind",
            zh="申请类型须为首次申领、换领或补领。",
            en="The application kind must be first_issue, replacement or reissue.",
            fields=("kind",),
        )
    person = Person.objects.select_for_update().filter(pk=_person_by_identity(identity_number).pk).get()
    docs = docs_parse(documents)
    station = _station(police_station)
    proxy_fields = _proxy_fields(person, proxy, today)
    live = application_admissible(person, kind)
    replaced = application_replaceable_online(person)
    year = today.year
    app = Application.objects.create(
        number=f"SQ{year}{number_next('application', year):07d}",
        kind=kind,
        person=person,
        police_station=station,
        documents=sorted(d.value for d in docs),
        reissue_reason=reissue_reason[:20],
        old_permit=live if kind is not CaseKind.FIRST_ISSUE else None,
        submitted_on=today,
        **proxy_fields,
    )
    audit_record(
        actor=actor,
        code="application.received",
        subject=app,
        person_id=person.pk,
        new={
            "kind": kind.value,
            "documents": app.documents,
            "proxy_relation": app.proxy_relation,
            **({"replaces": replaced.number} if replaced is not None else {}),
        },
    )
    if replaced is not None:
        application_withdraw(actor=actor, application_id=replaced.pk, replaced_by=app)
    return app


@transaction.atomic
def application_withdraw(*, actor: Any, application_id: int, replaced_by: Application) -> Application:
    """撤回: an online pre-application not yet accepted, replaced by the person's application at the counter.

    The uploaded files stay with the withdrawn case (the clerk sees them); the applicant's progress page
    says it was replaced at the counter.  An accepted case is never withdrawn (the lifecycle refuses).
    """
    staff_require(actor, "counter", jurisdiction().division_code)
    app = _lock_application(application_id)
    if app.channel != Application.Channel.ONLINE:
        raise TransitionNotAllowed(
            rule="LH-3.2-issue-15d",
            code="withdraw-counter-case",
            zh="只有网上预申请可以因窗口重新申请而撤回。",
            en="Only an online pre-application is withdrawn when the person applies at the counter.",
        )
    new_status = application_next(AppStatus(app.status), AppAction.WITHDRAW)
    old = app.status
    app.status = new_status
    app.decided_on = clock.today()
    app.decision_reason = f"申请人已在窗口重新申请（{replaced_by.number}）"
    app.decision_rule = "LH-3.2-issue-15d"
    app.save(update_fields=["status", "decided_on", "decision_reason", "decision_rule"])
    audit_record(
        actor=actor,
        code="application.withdrawn",
        subject=app,
        person_id=app.person_id,
        rule="LH-3.2-issue-15d",
        old={"status": old},
        new={"status": new_status.value, "replaced_by": replaced_by.number},
        reason="the person applied at the counter",
    )
    return app


def application_requirements(app: Application) -> tuple[Requirement, ...]:
    """What is still judged: the notice's own items once a notice exists, else the full checklist."""
    notice = Notice.objects.filter(application=app).first()
    if notice is not None:
        return notice_requirements(notice)
    return checklist(CaseKind(app.kind), proxy=bool(app.proxy_relation))


def notice_requirements(notice: Notice) -> tuple[Requirement, ...]:
    return tuple(
        Requirement(i["key"], i["rule"], frozenset(Doc(d) for d in i["any_of"])) for i in notice.items
    )


@transaction.atomic
def application_notify(*, actor: Any, application_id: int) -> Notice:
    """一次性告知 (LH-3.2-one-time-notice): list every missing material, once.

    The notice promises acceptance once its items are supplied (补齐上述材料后即予受理), so a first
    issue is first judged, as acceptance would judge it today, on what no document can cure
    (``standing_require``): a case refused there must be refused, not notified.
    """
    policy = jurisdiction()
    staff_require(actor, "counter", policy.division_code)
    app = _lock_application(application_id)
    new_status = application_next(AppStatus(app.status), AppAction.NOTIFY)
    notice: PolicyNotice | None = notice_for(
        checklist(CaseKind(app.kind), proxy=bool(app.proxy_relation)), docs_parse(app.documents)
    )
    if notice is None:
        raise TransitionNotAllowed(
            rule="LH-3.2-one-time-notice",
            code="materials-complete",
            zh="材料已齐全，无需告知补正，请直接受理。",
            en="The materials are complete: accept the application instead of issuing a notice.",
        )
    today = clock.today()
    if app.kind == CaseKind.FIRST_ISSUE:
        standing_require(app.person, today, policy)
    row = Notice.objects.create(
        application=app,
        number=f"GZ{today.year}{number_next('notice', today.year):07d}",
        issued_on=today,
        items=[
            {
                "key": r.key,
                "rule": r.rule,
                "any_of": sorted(d.value for d in r.any_of),
                "zh": r.text(),
                "en": r.text("en"),
            }
            for r in notice.items
        ],
        issued_by=actor,
    )
    old = app.status
    app.status = new_status
    app.save(update_fields=["status"])
    audit_record(
        actor=actor,
        code="application.notified",
        subject=app,
        person_id=app.person_id,
        rule="LH-3.2-one-time-notice",
        old={"status": old},
        new={"status": new_status.value, "notice": row.number, "items": [i["key"] for i in row.items]},
    )
    return row


@transaction.atomic
def application_supplement(*, actor: Any, application_id: int, documents: list[str]) -> Application:
    """补正: add documents after a notice.  Only the notice's items are ever asked for."""
    staff_require(actor, "counter", jurisdiction().division_code)
    app = _lock_application(application_id)
    application_next(AppStatus(app.status), AppAction.SUPPLEMENT)
    added = docs_parse(documents)
    old = list(app.documents)
    app.documents = sorted(set(old) | {d.value for d in added})
    app.save(update_fields=["documents"])
    audit_record(
        actor=actor,
        code="application.supplemented",
        subject=app,
        person_id=app.person_id,
        rule="LH-3.2-one-time-notice",
        old={"documents": old},
        new={"documents": app.documents},
    )
    return app


@transaction.atomic
def application_accept(*, actor: Any, application_id: int) -> Application:
    """受理: materials complete (and, for a first issue, eligible); the 15-day clock starts."""
    policy = jurisdiction()
    staff_require(actor, "counter", policy.division_code)
    app = _lock_application(application_id)
    old_status = app.status
    new_status = application_next(AppStatus(old_status), AppAction.ACCEPT)
    docs = docs_parse(app.documents)
    materials_require(application_requirements(app), docs, "LH-3.2-one-time-notice")
    today = clock.today()
    if app.kind == CaseKind.FIRST_ISSUE:
        eligibility_check(
            applicant_facts(app.person, docs),
            today,  # the application date is the acceptance (受理) date: docs/decisions/0001 item 2
            policy,
        ).raise_if_not()
    nominal = issue_due_nominal(today, policy)  # the T-holiday roll may await next year's calendar
    app.status = new_status
    app.accepted_on = today
    app.due_nominal = nominal
    app.due_on = _rolled_or_none(nominal, work_calendar())
    app.save(update_fields=["status", "accepted_on", "due_nominal", "due_on"])
    audit_record(
        actor=actor,
        code="application.accepted",
        subject=app,
        person_id=app.person_id,
        rule="LH-3.2-issue-15d",
        old={"status": old_status},
        new={
            "status": new_status.value,
            "accepted_on": str(today),
            "due_on": str(app.due_on or app.due_nominal),
        },
    )
    return app


def _registered_since(person: Person) -> date | None:
    chain = ResidenceRegistration.objects.filter(person=person).order_by("declared_on", "id")
    return registration_chain_start(
        chain.values_list("declared_on", "division_code"), jurisdiction().division_code
    )


def applicant_facts(person: Person, documents: frozenset[Doc] = frozenset()) -> ApplicantFacts:
    """What LH-3.1 judges of a first issue, from the register: hukou, the registration chain, documents."""
    reg = ResidenceRegistration.objects.filter(person_id=person.pk, ended_on__isnull=True).first()
    return ApplicantFacts(
        hukou_division=person.hukou_division,
        registration_division=reg.division_code if reg else None,
        registration_date=_registered_since(person) if reg else None,
        documents=documents,
    )


# The conditions of a first issue that no document can cure: a case failing one of them cannot be
# made acceptable by a one-time notice (LH-3.2-one-time-notice), nor received online.
STANDING_RULES = ("LH-3.1-hukou", "LH-3.1-registered-6m")


def standing_require(person: Person, on: date, policy: JurisdictionPolicy) -> None:
    """LH-3.1-hukou and LH-3.1-registered-6m on ``on``, judged as ``application_accept`` judges them.

    ``NotEligible`` lists every such unmet condition, each with its rule; a registration too recent
    carries the earliest date it will be met (LH-3.1-registered-6m).  The stable-condition documents
    (LH-3.1-condition) are not judged: they are what a notice asks for.
    """
    result = eligibility_check(applicant_facts(person), on, policy)
    unmet = [r for r in result.reasons if r.rule in STANDING_RULES]
    if unmet:
        raise NotEligible(unmet)


@transaction.atomic
def application_approve(*, actor: Any, application_id: int) -> Application:
    """审核通过 (supervisor)."""
    staff_require(actor, "decide", jurisdiction().division_code)
    app = _lock_application(application_id)
    new_status = application_next(AppStatus(app.status), AppAction.APPROVE)
    old = app.status
    app.status = new_status
    app.decided_on = clock.today()
    app.save(update_fields=["status", "decided_on"])
    audit_record(
        actor=actor,
        code="application.approved",
        subject=app,
        person_id=app.person_id,
        old={"status": old},
        new={"status": new_status.value},
    )
    return app


class RefusalRule(NamedTuple):
    """A rule a refusal (不予办理) may cite, with its label in both languages."""

    rule: str
    zh: str
    en: str


# Every rule a refusal may cite (RULES.md): the LH-3.1 conditions and the national materials rule.
REFUSAL_RULES: tuple[RefusalRule, ...] = (
    RefusalRule(
        "LH-3.1-condition",
        "不符合合法稳定就业、合法稳定住所、连续就读条件之一",
        "Meets none of stable employment, stable residence, continuous study",
    ),
    RefusalRule("LH-3.1-registered-6m", "居住登记未满半年", "Registered for less than six months"),
    RefusalRule("LH-3.1-hukou", "户口在本区，未离开户口所在地", "Hukou in the district: has not left it"),
    RefusalRule("LH-3.1-identity", "未能核验居民身份证", "The identity card could not be verified"),
    RefusalRule("N-9-materials", "申请材料不齐全或不真实", "The materials are incomplete or untrue"),
)
REFUSAL_RULE_DEFAULT = "LH-3.1-condition"


def refusal_rule_check(rule: str) -> str:
    """The rule id a refusal cites, one of ``REFUSAL_RULES``; InvalidInput naming ``rule`` else."""
    known = [r.rule for r in REFUSAL_RULES]
    if rule not in known:
        raise InvalidInput(
            rule=REFUSAL_RULE_DEFAULT,  # the rule the lifecycle cites for a refusal (AppAction.REFUSE)
            code="refusal-rule",
            zh=f"不予办理的依据须为以下之一：{'、'.join(known)}。",
            en=f"A refusal cites one of: {', '.join(known)}.",
            fields=("rule",),
            extra={"allowed": known},
        )
    return rule


@transaction.atomic
def application_refuse(
    *, actor: Any, application_id: int, reason: str, rule: str = REFUSAL_RULE_DEFAULT
) -> Application:
    """不予办理 (supervisor), with the reason the applicant is told and the rule it cites."""
    staff_require(actor, "decide", jurisdiction().division_code)
    rule = refusal_rule_check(rule)
    if not reason.strip():
        raise InvalidInput(
            rule=rule,
            code="reason-required",
            zh="不予办理须写明理由。",
            en="A refusal must state its reason.",
            fields=("reason",),
        )
    app = _lock_application(application_id)
    new_status = application_next(AppStatus(app.status), AppAction.REFUSE)
    old = app.status
    app.status = new_status
    app.decided_on = clock.today()
    app.decision_reason = reason.strip()
    app.decision_rule = rule
    app.save(update_fields=["status", "decided_on", "decision_reason", "decision_rule"])
    audit_record(
        actor=actor,
        code="application.refused",
        subject=app,
        person_id=app.person_id,
        rule=rule,
        old={"status": old},
        new={"status": new_status.value, "decision_rule": rule},
        reason=app.decision_reason,
    )
    return app


@transaction.atomic
def fee_charge(*, actor: Any, application_id: int, amount: Decimal) -> FeeReceipt:
    """收取工本费 (LH-3.2-fees): replacement and reissue only, at the set rate, once."""
    policy = jurisdiction()
    staff_require(actor, "counter", policy.division_code)
    app = _lock_application(application_id)
    fee = fee_receipt_for(CaseKind(app.kind), amount, policy)
    if FeeReceipt.objects.filter(application=app).exists():
        raise TransitionNotAllowed(
            rule="LH-3.2-fees",
            code="fee-already-paid",
            zh="该申请已缴费。",
            en="The fee has already been paid.",
        )
    if app.status in (AppStatus.REFUSED, AppStatus.ISSUED, AppStatus.WITHDRAWN):
        raise TransitionNotAllowed(
            rule="LH-3.2-fees",
            code="fee-closed-case",
            zh="该申请已办结，不能收费。",
            en="The case is closed.",
        )
    today = clock.today()
    receipt = FeeReceipt.objects.create(
        number=f"SF{today.year}{number_next('receipt', today.year):07d}",
        application=app,
        person_id=app.person_id,
        kind=app.kind,
        amount=fee.amount,
        paid_on=today,
        rule=fee.rule,
        cashier=actor,
    )
    audit_record(
        actor=actor,
        code="fee.charged",
        subject=receipt,
        person_id=app.person_id,
        rule=fee.rule,
        new={"amount": str(fee.amount), "application": app.number},
    )
    return receipt


@transaction.atomic
def application_issue(*, actor: Any, application_id: int) -> Permit:
    """发证: a first permit, or the new card of a replacement / reissue (voiding the old card)."""
    policy = jurisdiction()
    staff_require(actor, "counter", policy.division_code)
    app = _lock_application(application_id)
    new_status = application_next(AppStatus(app.status), AppAction.ISSUE)
    today = clock.today()
    person = Person.objects.select_for_update().get(pk=app.person_id)
    kind = CaseKind(app.kind)
    if kind is CaseKind.FIRST_ISSUE:
        permit = _permit_issue_first(actor, app, person, today, policy)
    else:
        permit = _permit_issue_new_card(actor, app, person, today, policy, kind)
    app.status = new_status
    app.permit = permit
    app.issued_on = today
    app.save(update_fields=["status", "permit", "issued_on"])
    audit_record(
        actor=actor,
        code="application.issued",
        subject=app,
        person_id=person.pk,
        rule="LH-3.2-issue-15d",
        old={"status": AppStatus.APPROVED.value},
        new={
            "status": new_status.value,
            "permit": permit.number,
            "on_time": bool(app.due_on and today <= app.due_on),
        },
    )
    return permit


def _card_fields(person: Person) -> dict[str, Any]:
    return {
        "card_name": person.name,
        "card_sex": person.sex,
        "card_ethnicity": person.ethnicity,
        "card_birth_date": person.birth_date,
        "card_identity_number": person.identity_number,
        "card_photo_ref": person.photo_ref,
        "card_hukou_address": person.hukou_address,
    }


def _new_number(policy: JurisdictionPolicy, year: int) -> str:
    return permit_number_make(policy.division_code, year, number_next("permit", year))


def _permit_issue_first(
    actor: Any, app: Application, person: Person, today: date, policy: JurisdictionPolicy
) -> Permit:
    reg = ResidenceRegistration.objects.filter(person=person, ended_on__isnull=True).first()
    if reg is None:
        raise TransitionNotAllowed(
            rule="LH-3.1-registered-6m",
            code="no-registration",
            zh="没有有效的居住登记。",
            en="No open residence registration.",
        )
    nxt = add_years(today, 1)
    permit = Permit.objects.create(
        number=_new_number(policy, today.year),
        person=person,
        status=permit_next(None, PermitEvent.ISSUED),
        issue_date=today,
        residence_since=today,
        next_anniversary=nxt,
        endorse_by=_rolled_or_none(nxt, work_calendar()),
        residence_address=reg.address,
        residence_division=reg.division_code,
        authority=policy.issuing_authority_zh,
        **_card_fields(person),
    )
    permit.lineage = permit
    _history_append(
        permit,
        PermitEvent.ISSUED,
        effective_on=today,
        from_status="",
        to_status=permit.status,
        rule="LH-3.2-issue-15d",
        actor=actor,
        residence_since=today,
        data={"application": app.number},
    )
    permit.save(update_fields=["lineage", "last_seq"])
    audit_record(
        actor=actor,
        code="permit.issued",
        subject=permit,
        person_id=person.pk,
        rule="LH-3.2-issue-15d",
        new={"number": permit.number, "issue_date": str(today), "next_anniversary": str(nxt)},
    )
    return permit


def _permit_issue_new_card(
    actor: Any, app: Application, person: Person, today: date, policy: JurisdictionPolicy, kind: CaseKind
) -> Permit:
    if not FeeReceipt.objects.filter(application=app).exists():
        raise TransitionNotAllowed(
            rule="LH-3.2-fees",
            code="fee-unpaid",
            zh="换领、补领须先缴纳证件工本费。",
            en="The card fee must be paid before a replacement or reissue card is issued.",
        )
    # application_submit sets old_permit for every replacement and reissue.
    old = Permit.objects.select_for_update().get(pk=app.old_permit_id or 0)
    event = PermitEvent.REPLACED if kind is CaseKind.REPLACEMENT else PermitEvent.REISSUED
    old_status = PermitStatus(old.status)
    carried = permit_next(None, event, carried=old_status)
    void = permit_next(old_status, PermitEvent.VOIDED)
    # Void first: at most one live card per person is a database constraint (LH-3.2-replace).
    old.status = void
    _history_append(
        old,
        PermitEvent.VOIDED,
        effective_on=today,
        from_status=old_status,
        to_status=void,
        rule="LH-3.2-replace",
        actor=actor,
        data={"application": app.number, "kind": kind.value, "reason": app.reissue_reason},
    )
    old.save(update_fields=["status", "last_seq"])
    new = Permit.objects.create(
        number=_new_number(policy, today.year),
        person=person,
        lineage_id=old.lineage_id or old.pk,
        supersedes=old,
        status=carried,
        issue_date=old.issue_date,
        residence_since=old.residence_since,
        next_anniversary=old.next_anniversary,
        endorse_by=old.endorse_by,
        suspended_on=old.suspended_on,
        residence_address=old.residence_address,
        residence_division=old.residence_division,
        authority=old.authority,
        **_card_fields(person),
    )
    _history_append(
        new,
        event,
        effective_on=today,
        from_status="",
        to_status=carried,
        rule="LH-3.2-replace",
        actor=actor,
        data={"supersedes": old.number, "application": app.number},  # the period's own event stays the reason
    )
    new.save(update_fields=["last_seq"])
    audit_record(
        actor=actor,
        code=f"permit.{event.value}",
        subject=new,
        person_id=person.pk,
        rule="LH-3.2-replace",
        old={"number": old.number, "status": old_status.value},
        new={"number": new.number, "old_status": void.value},
    )
    return new


# --------------------------------------------------------------------------- permit changes


@dataclass(frozen=True)
class EndorseResult:
    permit: Permit
    decision: EndorsementDecision


def endorsement_check(
    permit: Permit,
    *,
    documents: list[str],
    proxy: dict[str, str] | None,
    on: date,
    cal: WorkCalendar,
    policy: JurisdictionPolicy,
) -> EndorsementDecision:
    """What an endorsement of ``permit`` on ``on`` would be, or the refusal (the service and its preview)."""
    if proxy:
        _proxy_fields(permit.person, proxy, on)
    if permit.status == PermitStatus.VOID:
        permit_next(PermitStatus.VOID, PermitEvent.ENDORSED)  # raises, naming the status
    materials_require(
        checklist(CaseKind.ENDORSEMENT, proxy=bool(proxy)), docs_parse(documents), "LH-3.2-endorse-window"
    )
    return endorsement_decide(permit.issue_date, permit.next_anniversary, on, cal, policy)


@transaction.atomic
def permit_endorse(
    *, actor: Any, number: str, documents: list[str], proxy: dict[str, str] | None = None
) -> EndorseResult:
    """签注 (LH-3.2-endorse-*): on time within the window, late after it (restoring a suspended permit)."""
    policy = jurisdiction()
    staff_require(actor, "counter", policy.division_code)
    permit = _lock_permit(number)
    today = clock.today()
    cal = work_calendar()
    decision = endorsement_check(permit, documents=documents, proxy=proxy, on=today, cal=cal, policy=policy)
    old = {
        "status": permit.status,
        "next_anniversary": str(permit.next_anniversary),
        "residence_since": str(permit.residence_since),
    }
    fields = ["status", "next_anniversary", "endorse_by", "last_seq"]
    if decision.kind is EndorsementKind.LATE:
        if permit.status == PermitStatus.VALID:
            # The daily sweep has not run yet: record the suspension the dates imply first.
            suspended_from = decision.suspended_from or permit.next_anniversary
            to = permit_next(PermitStatus.VALID, PermitEvent.SUSPENDED)
            _history_append(
                permit,
                PermitEvent.SUSPENDED,
                effective_on=suspended_from,
                from_status=permit.status,
                to_status=to,
                rule="LH-3.2-endorse-overdue",
                actor=None,
                data={
                    "endorse_by": str(permit.endorse_by or permit.next_anniversary),
                    "recorded_by": "endorsement",
                },
            )
            permit.status = to
        to = permit_next(PermitStatus(permit.status), PermitEvent.ENDORSED_LATE)
        _history_append(
            permit,
            PermitEvent.ENDORSED_LATE,
            effective_on=today,
            from_status=permit.status,
            to_status=to,
            rule="LH-3.2-endorse-late",
            actor=actor,
            residence_since=today,
            data={"next_anniversary": str(decision.next_anniversary)},
        )
        permit.status = to
        permit.residence_since = today
        permit.suspended_on = None
        fields += ["residence_since", "suspended_on"]
    else:
        to = permit_next(PermitStatus(permit.status), PermitEvent.ENDORSED)
        _history_append(
            permit,
            PermitEvent.ENDORSED,
            effective_on=today,
            from_status=permit.status,
            to_status=to,
            rule="LH-3.2-endorse-window",
            actor=actor,
            data={"next_anniversary": str(decision.next_anniversary)},
        )
        permit.status = to
    permit.next_anniversary = decision.next_anniversary
    permit.endorse_by = _rolled_or_none(decision.next_anniversary, cal)
    permit.save(update_fields=fields)
    audit_record(
        actor=actor,
        code=f"permit.endorsed{'_late' if decision.kind is EndorsementKind.LATE else ''}",
        subject=permit,
        person_id=permit.person_id,
        rule=decision.rules[0],
        old=old,
        new={
            "status": permit.status,
            "next_anniversary": str(permit.next_anniversary),
            "residence_since": str(permit.residence_since),
        },
    )
    return EndorseResult(permit, decision)


@dataclass(frozen=True)
class ChangeResult:
    permit: Permit
    effect: ChangeEffect


def address_change_station_require(
    new_division: str, police_station: str | None, policy: JurisdictionPolicy
) -> None:
    """A move within the district names the police station of the new address (LH-4-register-3d)."""
    if new_division == policy.division_code and not police_station:
        raise InvalidInput(
            rule="LH-4-register-3d",
            code="police-station-required",
            zh="在本区内变更住址，须同时在新住址所属派出所办理变更登记。",
            en="A move within the district is registered at the new address's police station: name it.",
            fields=("police_station",),
        )


def moving_date_check(moved_on: date | None, today: date) -> date:
    """The day of a move within the district: today unless given, never in the future (LH-4-register-3d)."""
    moved = moved_on or today
    if moved > today:
        raise InvalidInput(
            rule="LH-4-register-3d",
            code="registration-dates",
            zh="搬入日期不得晚于今天。",
            en="The moving date cannot be after today.",
            fields=("moved_on",),
        )
    return moved


def address_change_check(
    permit: Permit, *, new_division: str, documents: list[str], police_station: str | None, on: date
) -> tuple[PermitStatus, ChangeEffect, PoliceStation | None]:
    """The status after a change, its effect on the dates, and the new station (the service and its preview)."""
    to = permit_next(PermitStatus(permit.status), PermitEvent.ADDRESS_CHANGED)
    materials_require(checklist(CaseKind.ADDRESS_CHANGE), docs_parse(documents), "LH-3.2-change-same-county")
    divisions.division_get(new_division)
    station = _station(police_station) if police_station else None
    effect = address_change_effect(
        permit.residence_division,
        new_division,
        on,
        permit.issue_date,
        permit.residence_since,
        permit.next_anniversary,
    )
    return to, effect, station


@transaction.atomic
def permit_change_address(
    *,
    actor: Any,
    number: str,
    new_address: str,
    new_division: str,
    documents: list[str],
    police_station: str | None = None,
    moved_on: date | None = None,
) -> ChangeResult:
    """变更登记 (LH-3.2-change-*): new address on the same card; dates kept or restarted by area.

    A move within the district is also a change of residence registration, with the same 3-day duty
    as arriving (LH-4-register-3d): it is registered at ``police_station`` with its due date, so a
    late declaration reaches the enforcement feed.
    """
    policy = jurisdiction()
    staff_require(actor, "counter", policy.division_code)
    address_change_station_require(new_division, police_station, policy)
    permit = _lock_permit(number)
    today = clock.today()
    to, effect, station = address_change_check(
        permit, new_division=new_division, documents=documents, police_station=police_station, on=today
    )
    old = {
        "address": permit.residence_address,
        "division": permit.residence_division,
        "issue_date": str(permit.issue_date),
        "residence_since": str(permit.residence_since),
    }
    restarted = effect.residence_since != permit.residence_since or effect.issue_date != permit.issue_date
    _history_append(
        permit,
        PermitEvent.ADDRESS_CHANGED,
        effective_on=today,
        from_status=permit.status,
        to_status=to,
        rule=effect.rule,
        actor=actor,
        residence_since=effect.residence_since if restarted else None,
        data={
            **old,
            "new_address": new_address,
            "new_division": new_division,
            "relation": effect.relation.value,
        },
    )
    permit.status = to
    permit.residence_address = new_address
    permit.residence_division = new_division
    permit.issue_date = effect.issue_date
    permit.residence_since = effect.residence_since
    permit.next_anniversary = effect.next_anniversary
    permit.endorse_by = _rolled_or_none(effect.next_anniversary, work_calendar())
    permit.save(
        update_fields=[
            "status",
            "residence_address",
            "residence_division",
            "issue_date",
            "residence_since",
            "next_anniversary",
            "endorse_by",
            "last_seq",
        ]
    )
    reg = (
        ResidenceRegistration.objects.select_for_update()
        .filter(person_id=permit.person_id, ended_on__isnull=True)
        .first()
    )
    if reg is not None:
        reg.ended_on = today
        reg.save(update_fields=["ended_on"])
    if station is not None:
        moved = moving_date_check(moved_on, today)
        try:
            due: date | None = registration_due(moved, work_calendar(), policy).due
        except CalendarUnknown:
            due = None
        ResidenceRegistration.objects.create(
            person_id=permit.person_id,
            kind=ResidenceRegistration.Kind.CHANGE,
            address=new_address,
            division_code=station.division_code,
            police_station=station,
            arrived_on=moved,
            declared_on=today,
            due_on=due,
            on_time=None if due is None else today <= due,
        )
    audit_record(
        actor=actor,
        code="permit.address_changed",
        subject=permit,
        person_id=permit.person_id,
        rule=effect.rule,
        old=old,
        new={
            "address": new_address,
            "division": new_division,
            "issue_date": str(effect.issue_date),
            "residence_since": str(effect.residence_since),
        },
    )
    return ChangeResult(permit, effect)


# --------------------------------------------------------------------------- daily sweep


@dataclass(frozen=True)
class SweepResult:
    on: date
    rolled: int
    suspended: int


def permits_sweep(*, on: date, actor: Any = None) -> SweepResult:
    """The daily sweep (LH-3.2-endorse-overdue), set-based and safe to re-run.

    1. Where a nominal anniversary's year has become known, store its rolled last day.
    2. Suspend every valid permit whose last day is before ``on``, appending the
       history entry in the same statement (PostgreSQL) or transaction (SQLite).
    Each step is one transaction, so a crash leaves either nothing or the whole
    step done; running again finishes the rest.
    """
    if actor is not None:
        staff_require(actor, "sweep", jurisdiction().division_code)
    if on > clock.today():
        raise InvalidInput(
            rule="LH-3.2-endorse-overdue",
            code="sweep-in-future",
            zh="不能按未来日期执行中止：逾期只能在签注期届满之后确定。",
            en="The sweep cannot run for a future date: a permit is overdue only once its window has closed.",
            fields=("on",),
        )
    cal = work_calendar()
    rolled = 0
    with transaction.atomic():
        pending = (
            Permit.objects.filter(endorse_by__isnull=True)
            .exclude(status=PermitStatus.VOID)
            .values_list("next_anniversary", flat=True)
            .distinct()
        )
        for nominal in list(pending):
            last = _rolled_or_none(nominal, cal)
            if last is not None:
                rolled += Permit.objects.filter(endorse_by__isnull=True, next_anniversary=nominal).update(
                    endorse_by=last
                )
        for app_nominal in list(
            Application.objects.filter(due_nominal__isnull=False, due_on__isnull=True)
            .values_list("due_nominal", flat=True)
            .distinct()
        ):
            if app_nominal is None:
                continue
            nominal = app_nominal
            last = _rolled_or_none(nominal, cal)
            if last is not None:
                Application.objects.filter(due_on__isnull=True, due_nominal=nominal).update(due_on=last)
    with transaction.atomic():
        suspended = _suspend_overdue(on)
        if suspended:
            audit_record(
                actor=actor,
                code="sweep.suspended",
                subject=_SweepSubject(on),
                rule="LH-3.2-endorse-overdue",
                new={"on": str(on), "suspended": suspended},
            )
    return SweepResult(on, rolled, suspended)


@dataclass(frozen=True)
class _SweepSubject:
    on: date

    @property
    def pk(self) -> str:
        return self.on.isoformat()


def _suspend_overdue(on: date) -> int:
    p, h = Permit._meta.db_table, PermitHistory._meta.db_table
    rule = "LH-3.2-endorse-overdue"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                f"""
                WITH s AS (
                    UPDATE {p} SET status = 'suspended', suspended_on = endorse_by + 1, last_seq = last_seq + 1
                    WHERE status = 'valid' AND endorse_by < %(on)s
                    RETURNING id, last_seq, suspended_on, endorse_by
                )
                INSERT INTO {h} (permit_id, seq, event, effective_on, from_status, to_status,
                                 residence_since, rule, data, actor_id, recorded_at)
                SELECT id, last_seq, 'suspended', suspended_on, 'valid', 'suspended', NULL, %(rule)s,
                       jsonb_build_object('endorse_by', endorse_by), NULL, now()
                FROM s
                """,  # noqa: S608 -- table names come from the models, values are parameters
                {"on": on, "rule": rule},
            )
            return int(cur.rowcount)
        # SQLite serialises writers, so the two statements see the same rows.
        cur.execute(
            f"""
            INSERT INTO {h} (permit_id, seq, event, effective_on, from_status, to_status,
                             residence_since, rule, data, actor_id, recorded_at)
            SELECT id, last_seq + 1, 'suspended', date(endorse_by, '+1 day'), 'valid', 'suspended', NULL, %s,
                   json_object('endorse_by', endorse_by), NULL, datetime('now')
            FROM {p} WHERE status = 'valid' AND endorse_by < %s
            """,  # noqa: S608
            [rule, on.isoformat()],
        )
        cur.execute(
            f"""
            UPDATE {p} SET status = 'suspended', suspended_on = date(endorse_by, '+1 day'), last_seq = last_seq + 1
            WHERE status = 'valid' AND endorse_by < %s
            """,  # noqa: S608
            [on.isoformat()],
        )
        return int(cur.rowcount)
