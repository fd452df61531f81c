"""What the service hall reads about one person: the search box, and the record the person page shows.

Reads only, through the apps' selectors (and plain queries of their rows where no selector
lists them); every decision shown carries the rule that made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from juzhu.enforcement.models import Case
from juzhu.enforcement.selectors import case_events, registration_due_resolve
from juzhu.epermit.services import VERIFY_PATH, token_check
from juzhu.policy import divisions
from juzhu.policy.epermit import VERSION
from juzhu.policy.errors import InvalidInput, NotFound, PolicyError, Reason
from juzhu.policy.identity import InvalidIdentityNumber, identity_normalise, identity_parse
from juzhu.policy.lifecycle import PermitStatus
from juzhu.policy.numbers import permit_number_normalise
from juzhu.policy.penalties import CASE_TABLE, CaseAction, CaseStatus, Offender, fine_range
from juzhu.policy.proxy import ProxyRelation, proxy_check
from juzhu.registry.models import FeeReceipt, Permit, PermitHistory, Person, ResidenceRegistration
from juzhu.registry.previews import EndorsementState, endorsement_state
from juzhu.registry.selectors import PermitView, jurisdiction, permit_view
from juzhu.sharing.models import AccessLog
from juzhu.sharing.selectors import access_log_for_person
from juzhu.workcal.selectors import work_calendar

TOKEN_PREFIX = VERSION + "."  # JZ1.<kid>.<payload>.<signature>


# --------------------------------------------------------------------------- the search box


def scanned_token(text: str) -> str | None:
    """The e-permit token of a scan: the whole ``…/v/<token>`` address, or the bare token."""
    if VERIFY_PATH in text:
        return text.split(VERIFY_PATH, 1)[1].split("?", 1)[0].split("#", 1)[0].strip("/")
    if text.upper().startswith(TOKEN_PREFIX):
        return text
    return None


def person_find(text: str, today: date) -> list[Person]:
    """One box: an identity number, a permit number, or a scanned e-permit (address or token).

    Both kinds of number are 18 characters with the same check scheme, so a typed number is
    tried as both; a mistyped one is refused naming both checks (LH-3.1-identity, LH-3.2-replace).
    """
    text = text.strip()
    token = scanned_token(text)
    if token is not None:
        check = token_check(token, today)  # the signature first (LH-4-inspection), then the card
        return [Permit.objects.select_related("person").get(number=check.claims.number).person]
    compact = identity_normalise(text).replace("-", "")
    errors: list[PolicyError] = []
    identity: str | None = None
    number: str | None = None
    try:
        identity = identity_parse(compact, today).number
    except InvalidIdentityNumber as exc:
        errors.append(exc)
    try:
        number = permit_number_normalise(compact)
    except InvalidInput as exc:
        errors.append(exc)
    if identity is None and number is None:
        raise InvalidInput(
            rule="LH-3.1-identity",
            code="find-format",
            zh="请输入18位公民身份号码或居住证编号，或扫描电子居住证二维码。",
            en="Type an 18-character identity number or permit number, or scan an e-permit QR code.",
            fields=("q",),
            reasons=tuple(Reason(e.rule, e.code, e.zh, e.en, field="q") for e in errors),
        )
    found: dict[int, Person] = {}
    if identity is not None:
        for p in Person.objects.filter(identity_number=identity):
            found[p.pk] = p
    if number is not None:
        for permit in Permit.objects.select_related("person").filter(number=number):
            found[permit.person_id] = permit.person
    if found:
        return list(found.values())
    if identity is not None:
        raise NotFound(
            rule="LH-4-register-3d",
            code="person-not-registered",
            zh="该公民身份号码没有居住登记记录，请先办理居住登记。",
            en="No residence registration for this identity number: register residence first.",
            fields=("q",),
            extra={"identity_number": identity},
        )
    raise NotFound(
        rule="LH-3.2-replace",
        code="permit-not-found",
        zh="没有这个编号的居住证。",
        en="No permit with this number.",
        fields=("q",),
    )


# --------------------------------------------------------------------------- the person's record


@dataclass(frozen=True)
class RegistrationRow:
    registration: ResidenceRegistration
    due_on: date | None
    late: bool | None  # None: the due year's holidays are unknown (T-workdays)
    case: Case | None  # the enforcement case it gave rise to, if any


@dataclass(frozen=True)
class CaseRow:
    case: Case
    events: list[Any]
    next_actions: tuple[CaseAction, ...]  # allowed by juzhu.policy.penalties.CASE_TABLE
    fine_low: Any
    fine_high: Any


@dataclass(frozen=True)
class ApplicationRow:
    application: Any
    notice: Any
    receipt: FeeReceipt | None


@dataclass(frozen=True)
class PersonRecord:
    person: Person
    hukou: divisions.Division | None
    proxy_allowed: bool
    proxy_rule: str
    registration: RegistrationRow | None
    permit: Permit | None  # the live card, else the newest card
    view: PermitView | None
    state: EndorsementState | None
    residence_years: int | None
    history: list[PermitHistory] = field(default_factory=list)
    applications: list[ApplicationRow] = field(default_factory=list)
    receipts: list[FeeReceipt] = field(default_factory=list)
    registrations: list[RegistrationRow] = field(default_factory=list)
    cases: list[CaseRow] = field(default_factory=list)
    access: list[AccessLog] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return self.permit is not None and self.permit.status != PermitStatus.VOID

    @property
    def warnable(self) -> list[RegistrationRow]:
        """Registrations declared late that no case concerns yet (LH-4-register-3d)."""
        return [r for r in self.registrations if r.late and r.case is None]


def _next_actions(status: CaseStatus) -> tuple[CaseAction, ...]:
    return tuple(a for a, (allowed, _to) in CASE_TABLE.items() if status in allowed)


def person_record(person: Person, today: date, *, access_limit: int = 100) -> PersonRecord:
    """Everything the person page shows, read once."""
    policy = jurisdiction()
    cal = work_calendar()
    hukou = (
        divisions.division_get(person.hukou_division) if divisions.is_known(person.hukou_division) else None
    )
    proxy = proxy_check(
        person.birth_date,
        ProxyRelation.GUARDIAN,
        today,
        limited_mobility=person.limited_mobility,
        disabled=person.disabled,
        policy=policy,
    )
    cases = list(Case.objects.filter(person=person).select_related("officer", "registration").order_by("-id"))
    case_by_reg = {c.registration_id: c for c in cases if c.registration_id}
    registrations = []
    for reg in ResidenceRegistration.objects.filter(person=person).select_related("police_station"):
        due = registration_due_resolve(reg, cal, policy)
        registrations.append(RegistrationRow(reg, due.due_on, due.late, case_by_reg.get(reg.pk)))
    current = next((r for r in registrations if r.registration.ended_on is None), None)
    permits = list(Permit.objects.filter(person=person).select_related("supersedes").order_by("-id"))
    permit = next((p for p in permits if p.status != PermitStatus.VOID), permits[0] if permits else None)
    view = permit_view(permit, today) if permit is not None else None
    history = list(
        PermitHistory.objects.filter(permit__person=person)
        .select_related("permit", "actor")
        .order_by("effective_on", "permit_id", "seq")
    )
    applications = [
        ApplicationRow(a, _one(a, "notice"), _one(a, "fee_receipt"))
        for a in person.applications.select_related("police_station", "permit", "notice", "fee_receipt")
    ]
    return PersonRecord(
        person=person,
        hukou=hukou,
        proxy_allowed=proxy.allowed,
        proxy_rule="LH-3.2-proxy",
        registration=current,
        permit=permit,
        view=view,
        state=endorsement_state(permit, today) if permit is not None else None,
        residence_years=view.residence.years_on(today) if view is not None and view.residence else None,
        history=history,
        applications=applications,
        receipts=list(FeeReceipt.objects.filter(person=person).select_related("application").order_by("-id")),
        registrations=registrations,
        cases=[
            CaseRow(
                c,
                case_events(c),
                _next_actions(CaseStatus(c.status)),
                fine_range(Offender(c.offender), policy).low,
                fine_range(Offender(c.offender), policy).high,
            )
            for c in cases
        ],
        access=list(access_log_for_person(person)[:access_limit]),
    )


def _one(obj: Any, name: str) -> Any:
    """A reverse one-to-one that may be absent (an application's notice or fee receipt)."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None
