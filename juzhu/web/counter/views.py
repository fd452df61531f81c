"""The service hall's counter: find a person, read the record, and act — each action previewed first.

Every action is two posts of the same form: ``step=preview`` asks ``juzhu.registry.previews``
what would happen (the same checks and policy functions as the service, nothing written), and
``step=confirm`` calls the service.  A refusal comes back in place, in the panel, with its rule.
Panels are htmx fragments; without JavaScript the same views answer with whole pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from juzhu.enforcement import services as enforcement
from juzhu.enforcement.selectors import case_get
from juzhu.policy import divisions
from juzhu.policy.calendar import INPUT_DATE_MAX, INPUT_DATE_MIN
from juzhu.policy.endorsement import WINDOW_STATE_LABELS
from juzhu.policy.errors import InvalidInput, NotFound
from juzhu.policy.lifecycle import APP_STATUS_LABELS, PERMIT_EVENT_LABELS, PERMIT_STATUS_LABELS, AppStatus
from juzhu.policy.materials import (
    CASE_KIND_LABELS,
    REISSUE_REASON_LABELS,
    CaseKind,
    Doc,
    checklist,
    doc_label,
)
from juzhu.policy.penalties import CASE_ACTION_LABELS, CaseAction, Offender
from juzhu.policy.penalties import CASE_STATUS_LABELS as _CASE_STATUS_LABELS
from juzhu.policy.proxy import PROXY_RELATION_LABELS
from juzhu.registry import clock, previews, services
from juzhu.registry.models import Permit, Person, PoliceStation
from juzhu.registry.selectors import jurisdiction, person_get
from juzhu.sharing.access import Whose, access_record_each, reader_of
from juzhu.web.counter.records import person_find, person_record
from juzhu.web.i18n import label, lang, tr
from juzhu.web.pages import Problem, attempt, page, staff_page
from juzhu.web.readlog import access_lines, read_record

# Labels shown beside values the rules define (the values themselves come from juzhu.policy).
KIND_LABELS: dict[str, tuple[str, str]] = {
    k: CASE_KIND_LABELS[k] for k in (CaseKind.FIRST_ISSUE, CaseKind.REPLACEMENT, CaseKind.REISSUE)
}
REISSUE_REASONS: dict[str, tuple[str, str]] = {str(k): v for k, v in REISSUE_REASON_LABELS.items()}
RELATION_LABELS: dict[str, tuple[str, str]] = {str(k): v for k, v in PROXY_RELATION_LABELS.items()}
EVENT_LABELS: dict[str, tuple[str, str]] = {str(k): v for k, v in PERMIT_EVENT_LABELS.items()}
CASE_STATUS_LABELS: dict[str, tuple[str, str]] = {str(k): v for k, v in _CASE_STATUS_LABELS.items()}
ACTION_LABELS: dict[str, tuple[str, str]] = {str(k): v for k, v in CASE_ACTION_LABELS.items()}
PERMIT_LABELS: dict[str, tuple[str, str]] = {s.value: v for s, v in PERMIT_STATUS_LABELS.items()}


def pair(labels: dict[str, tuple[str, str]], key: str) -> str:
    """The label of ``key`` in ``labels``, or the key itself when it has none."""
    return label(labels.get(key), key)


# --------------------------------------------------------------------------- form input


def _invalid(rule: str, field: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(rule=rule, code="field-invalid", zh=zh, en=en, fields=(field,))


def _text(data: QueryDict, name: str, *, rule: str, label: tuple[str, str], max_length: int = 200) -> str:
    value = data.get(name, "").strip()
    if not value:
        raise _invalid(rule, name, f"请填写{label[0]}。", f"{label[1].capitalize()} is required.")
    if len(value) > max_length:
        raise _invalid(
            rule,
            name,
            f"{label[0]}不得超过{max_length}字。",
            f"{label[1]} is at most {max_length} characters.",
        )
    return value


def _date(
    data: QueryDict, name: str, *, rule: str, label: tuple[str, str], default: date | None = None
) -> date:
    raw = data.get(name, "").strip()
    if not raw and default is not None:
        return default
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise _invalid(
            rule,
            name,
            f"{label[0]}须为日期（年-月-日）。",
            f"{label[1].capitalize()} must be a date (YYYY-MM-DD).",
        ) from None
    if not INPUT_DATE_MIN <= value <= INPUT_DATE_MAX:
        raise _invalid(rule, name, f"{label[0]}超出合理范围。", f"{label[1].capitalize()} is out of range.")
    return value


def _proxy(data: QueryDict) -> dict[str, str] | None:
    """The proxy (LH-3.2-proxy), if any field of it is filled; the service judges who may act."""
    name = data.get("proxy_name", "").strip()
    number = data.get("proxy_identity_number", "").strip()
    relation = data.get("proxy_relation", "").strip()
    if not (name or number or relation):
        return None
    if not name:
        raise _invalid("LH-3.2-proxy", "proxy_name", "请填写代办人姓名。", "The proxy's name is required.")
    if not number:
        raise _invalid(
            "LH-3.2-proxy",
            "proxy_identity_number",
            "请填写代办人公民身份号码。",
            "The proxy's identity number is required.",
        )
    if relation not in RELATION_LABELS:
        raise _invalid(
            "LH-3.2-proxy", "proxy_relation", "请选择代办人与本人的关系。", "Choose the proxy's relation."
        )
    return {"name": name[:50], "identity_number": number, "relation": relation}


@contextmanager
def _division_field(name: str) -> Iterator[None]:
    """An unknown division code names the form's field, not the policy's generic one."""
    try:
        yield
    except divisions.UnknownDivision as exc:
        exc.fields = (name,)
        raise


# --------------------------------------------------------------------------- responses


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


# What each panel shows of the person it is opened for (juzhu.policy.reads).
PANEL_READS = {
    "web/counter/panel_register.html": "page.counter.register",
    "web/counter/panel_apply.html": "page.counter.apply",
    "web/counter/panel_endorse.html": "page.counter.endorse",
    "web/counter/panel_change.html": "page.counter.address",
}


def _panel(
    request: HttpRequest, template: str, ctx: dict[str, Any], *, problem: Problem | None = None
) -> HttpResponse:
    """The panel alone for htmx; without JavaScript, a whole page around it.  Every panel shown for a
    known person is a read of that person's record (its facts, or the card it acts on)."""
    known: Person | None = ctx.get("person")
    if known is not None and template in PANEL_READS:
        live: Permit | None = ctx.get("live")
        read_record(request, PANEL_READS[template], known.pk, live or known)
    ctx = {**ctx, "panel_template": template}
    name = template if getattr(request, "htmx", False) else "web/counter/action.html"
    return page(request, name, ctx, problem=problem)


def _not_found(request: HttpRequest, problem: Problem) -> HttpResponse:
    return page(request, "web/counter/missing.html", {}, problem=problem)


def _person_or_problem(request: HttpRequest, pk: int) -> tuple[Person | None, Problem | None]:
    return attempt(request, person_get, pk)


def _live_permit(person: Person) -> Permit | None:
    return Permit.objects.filter(person=person, status__in=services.LIVE).first()


def _no_permit(request: HttpRequest) -> Problem:
    return Problem.from_error(
        NotFound(
            rule="LH-3.2-replace",
            code="no-permit",
            zh="该人员没有有效或中止的居住证。",
            en="This person holds no valid or suspended permit.",
            fields=("number",),
        ),
        request,
    )


@dataclass(frozen=True)
class DocChoice:
    code: str
    label: str
    checked: bool


@dataclass(frozen=True)
class DocGroup:
    """One checklist line (any one document meets it), as checkboxes."""

    key: str
    rule: str
    label: str
    proxy_only: bool
    docs: list[DocChoice]


def doc_groups(kind: CaseKind, checked: list[str]) -> list[DocGroup]:
    """The checklist of a case kind (juzhu.policy.materials), a proxy's lines marked."""
    own = {r.key for r in checklist(kind)}
    groups = []
    for req in checklist(kind, proxy=True):
        docs = sorted(req.any_of, key=lambda d: list(Doc).index(d))
        groups.append(
            DocGroup(
                key=req.key,
                rule=req.rule,
                label=doc_label(docs[0], lang()) if len(docs) == 1 else tr("以下任意一项", "Any one of"),
                proxy_only=req.key not in own,
                docs=[DocChoice(d.value, doc_label(d, lang()), d.value in checked) for d in docs],
            )
        )
    return groups


def _stations() -> list[PoliceStation]:
    return list(PoliceStation.objects.order_by("code"))


def _default_station(request: HttpRequest) -> str:
    own = getattr(getattr(request, "staff", None), "police_station", "")
    if own:
        return str(own)
    hall = PoliceStation.objects.filter(is_service_hall=True).order_by("code").first()
    return hall.code if hall else ""


def _relations() -> list[tuple[str, str]]:
    return [(k, pair(RELATION_LABELS, k)) for k in RELATION_LABELS]


# --------------------------------------------------------------------------- find


@staff_page("read")
def find(request: HttpRequest) -> HttpResponse:
    """One box: identity number, permit number, or a scanned e-permit; one match opens the person."""
    q = request.GET.get("q", "").strip()
    template = "web/counter/_find_result.html" if getattr(request, "htmx", False) else "web/counter/find.html"
    if not q:
        return page(request, template, {"q": ""})
    found, problem = attempt(request, person_find, q, clock.today())
    if found is not None and len(found) > 1:
        # Several people, each named in full: a read of each (docs/decisions/0011).
        access_record_each(reader_of(request), "page.find", [Whose.of(p.pk, p) for p in found])
    if found is not None and len(found) == 1:
        url = reverse("web:counter-person", args=[found[0].pk])
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
    register_url = None
    if problem is not None and problem.code == "person-not-registered":
        qd = QueryDict(mutable=True)
        qd["identity_number"] = q
        register_url = reverse("web:counter-register") + "?" + qd.urlencode()
    return page(
        request, template, {"q": q, "matches": found or [], "register_url": register_url}, problem=problem
    )


# --------------------------------------------------------------------------- the person page


@staff_page("read")
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's facts, registration, permit with its window today, history, and who read the record."""
    found, problem = _person_or_problem(request, pk)
    if found is None:
        return _not_found(request, problem)  # type: ignore[arg-type]
    today = clock.today()
    read_record(request, "page.person", found.pk, found)  # before the record, which lists this read too
    record = person_record(found, today)
    return page(
        request,
        "web/counter/person.html",
        {
            "r": record,
            "today": today,
            "status_label": pair(PERMIT_LABELS, record.permit.status if record.permit else ""),
            "history": [
                (h, pair(EVENT_LABELS, h.event), pair(PERMIT_LABELS, h.to_status)) for h in record.history
            ],
            "applications": [
                (a, pair(KIND_LABELS, a.application.kind), _app_status(a.application.status))
                for a in record.applications
            ],
            "cases": [
                (c, pair(CASE_STATUS_LABELS, c.case.status), _actions(c.next_actions)) for c in record.cases
            ],
            "can_decide": request.staff.can("decide"),  # type: ignore[attr-defined]
            "can_counter": request.staff.can("counter"),  # type: ignore[attr-defined]
            "state_label": label(WINDOW_STATE_LABELS[record.state.state]) if record.state else "",
            "residence_reason": pair(EVENT_LABELS, record.view.residence.event)
            if record.view and record.view.residence
            else "",
            "access": access_lines(record.access, person_id=found.pk),
        },
    )


def _app_status(status: str) -> str:
    zh, en = APP_STATUS_LABELS[AppStatus(status)]
    return tr(zh, en)


def _actions(actions: tuple[CaseAction, ...]) -> list[tuple[str, str]]:
    return [(a.value, pair(ACTION_LABELS, a)) for a in actions]


# --------------------------------------------------------------------------- registration


REG_LABELS = {
    "identity_number": ("公民身份号码", "identity number"),
    "name": ("姓名", "name"),
    "hukou_division": ("户口所在地区划代码", "hukou division code"),
    "hukou_address": ("户口所在地住址", "hukou address"),
    "address": ("居住地住址", "residence address"),
    "police_station": ("登记派出所", "police station"),
    "arrived_on": ("到达日期", "arrival date"),
    "declared_on": ("申报日期", "declaration date"),
}


def _registration_input(data: QueryDict) -> dict[str, Any]:
    rule = "LH-4-register-3d"
    today = clock.today()
    return {
        "identity_number": _text(
            data, "identity_number", rule="LH-3.1-identity", label=REG_LABELS["identity_number"]
        ),
        "name": _text(data, "name", rule=rule, label=REG_LABELS["name"], max_length=50),
        "hukou_division": _text(
            data, "hukou_division", rule="LH-3.1-hukou", label=REG_LABELS["hukou_division"]
        ),
        "hukou_address": _text(data, "hukou_address", rule=rule, label=REG_LABELS["hukou_address"]),
        "address": _text(data, "address", rule=rule, label=REG_LABELS["address"]),
        "police_station": _text(data, "police_station", rule=rule, label=REG_LABELS["police_station"]),
        "arrived_on": _date(data, "arrived_on", rule=rule, label=REG_LABELS["arrived_on"]),
        "declared_on": _date(data, "declared_on", rule=rule, label=REG_LABELS["declared_on"], default=today),
        "ethnicity": data.get("ethnicity", "").strip()[:20] or "汉族",
        "phone": data.get("phone", "").strip()[:20],
        "limited_mobility": data.get("limited_mobility") == "on",
        "disabled": data.get("disabled") == "on",
    }


def _register_preview(data: QueryDict) -> tuple[dict[str, Any], previews.RegistrationPreview]:
    values = _registration_input(data)
    with _division_field("hukou_division"):
        preview = previews.registration_preview(
            identity_number=values["identity_number"],
            hukou_division=values["hukou_division"],
            police_station=values["police_station"],
            arrived_on=values["arrived_on"],
            declared_on=values["declared_on"],
        )
    return values, preview


def _register_confirm(data: QueryDict, actor: Any) -> Any:
    values = _registration_input(data)
    with _division_field("hukou_division"):
        return services.residence_register(actor=actor, **values)


@staff_page("counter")
def register(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """居住登记 (LH-4-register-3d): a new person, or a new registration of a known one."""
    known: Person | None = None
    if pk is not None:
        known, problem = _person_or_problem(request, pk)
        if known is None:
            return _not_found(request, problem)  # type: ignore[arg-type]
    today = clock.today()
    form: Any
    if request.method == "POST":
        data = request.POST
        form = data
    else:
        data = request.GET
        form = _registration_defaults(request, known, data)
    ctx: dict[str, Any] = {
        "person": known,
        "form": form,
        "stations": _stations(),
        "today": today,
        "policy": jurisdiction(),
        "action_url": reverse("web:counter-register-person", args=[pk])
        if pk
        else reverse("web:counter-register"),
    }
    if request.method != "POST":
        return _panel(request, "web/counter/panel_register.html", ctx)
    if data.get("step") == "confirm":
        reg, problem = attempt(request, _register_confirm, data, request.user)
        if reg is not None:
            return _done(
                request,
                reverse("web:counter-person", args=[reg.person_id]),
                tr(
                    f"居住登记已办理：应于{reg.due_on or '—'}前申报，"
                    f"{'按期' if reg.on_time else ('逾期' if reg.on_time is False else '期限待定')}。",
                    f"Residence registered: due by {reg.due_on or '—'}, "
                    f"{'on time' if reg.on_time else ('late' if reg.on_time is False else 'due date pending')}.",
                ),
            )
        return _panel(request, "web/counter/panel_register.html", ctx, problem=problem)
    result, problem = attempt(request, _register_preview, data)
    ctx["preview"] = result[1] if result else None
    return _panel(request, "web/counter/panel_register.html", ctx, problem=problem)


def _registration_defaults(request: HttpRequest, known: Person | None, data: QueryDict) -> dict[str, Any]:
    form: dict[str, Any] = {
        "police_station": _default_station(request),
        "declared_on": clock.today().isoformat(),
        "identity_number": data.get("identity_number", ""),
    }
    if known is not None:
        form.update(
            identity_number=known.identity_number,
            name=known.name,
            ethnicity=known.ethnicity,
            hukou_division=known.hukou_division,
            hukou_address=known.hukou_address,
            phone=known.phone,
            limited_mobility="on" if known.limited_mobility else "",
            disabled="on" if known.disabled else "",
        )
    return form


# --------------------------------------------------------------------------- applications


def _application_input(data: QueryDict, person: Person) -> dict[str, Any]:
    kind = data.get("kind", "")
    reason = ""
    if kind == CaseKind.REISSUE:
        reason = data.get("reissue_reason", "")
        if reason not in REISSUE_REASONS:
            raise InvalidInput(
                rule="LH-3.2-replace",
                code="reissue-reason",
                zh="补领须说明原因：证件损坏、难以辨认或丢失。",
                en="A reissue needs its reason: the card is damaged, illegible or lost.",
                fields=("reissue_reason",),
            )
    return {
        "kind": kind,
        "identity_number": person.identity_number,
        "police_station": data.get("police_station", ""),
        "documents": data.getlist("documents"),
        "proxy": _proxy(data),
        "reissue_reason": reason,
    }


def _apply_preview(data: QueryDict, person: Person) -> previews.ApplicationPreview:
    values = _application_input(data, person)
    values.pop("reissue_reason")
    return previews.application_preview(**values)


def _apply_confirm(data: QueryDict, person: Person, actor: Any) -> Any:
    values = _application_input(data, person)
    try:
        values["kind"] = CaseKind(values["kind"])
    except ValueError:
        values["kind"] = CaseKind.ENDORSEMENT  # refused by the service, naming the field
    return services.application_submit(actor=actor, **values)


@staff_page("counter")
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """申领 / 换领 / 补领 with proxy and documents; the fee is shown before the case is received."""
    known, problem = _person_or_problem(request, pk)
    if known is None:
        return _not_found(request, problem)  # type: ignore[arg-type]
    data = request.POST if request.method == "POST" else request.GET
    live = _live_permit(known)
    kind = data.get("kind") or (CaseKind.REISSUE if live else CaseKind.FIRST_ISSUE)
    if kind not in KIND_LABELS:
        kind = CaseKind.FIRST_ISSUE
    form: dict[str, Any] = {"police_station": _default_station(request), **data.dict(), "kind": kind}
    ctx: dict[str, Any] = {
        "person": known,
        "live": live,
        "form": form,
        "kinds": [(k, pair(KIND_LABELS, k)) for k in KIND_LABELS],
        "reasons": [(k, pair(REISSUE_REASONS, k)) for k in REISSUE_REASONS],
        "relations": _relations(),
        "stations": _stations(),
        "groups": doc_groups(CaseKind(kind), data.getlist("documents")),
    }
    if request.method != "POST":
        return _panel(request, "web/counter/panel_apply.html", ctx)
    if data.get("step") == "confirm":
        app, problem = attempt(request, _apply_confirm, data, known, request.user)
        if app is not None:
            return _done(
                request,
                reverse("web:wb-case", args=[app.pk]),
                tr(f"已收件，申请编号 {app.number}。", f"Application {app.number} received."),
            )
        return _panel(request, "web/counter/panel_apply.html", ctx, problem=problem)
    preview, problem = attempt(request, _apply_preview, data, known)
    ctx["preview"] = preview
    ctx["missing"] = [(r.text(lang()), r.rule) for r in preview.missing] if preview else []
    ctx["kind_label"] = pair(KIND_LABELS, kind)
    ctx["reason_label"] = pair(REISSUE_REASONS, data.get("reissue_reason", ""))
    return _panel(request, "web/counter/panel_apply.html", ctx, problem=problem)


# --------------------------------------------------------------------------- endorsement


@staff_page("counter")
def endorse(request: HttpRequest, pk: int) -> HttpResponse:
    """签注: preview on time or late (late restarts the residence period), then confirm."""
    known, problem = _person_or_problem(request, pk)
    if known is None:
        return _not_found(request, problem)  # type: ignore[arg-type]
    data = request.POST if request.method == "POST" else request.GET
    live = _live_permit(known)
    ctx: dict[str, Any] = {
        "person": known,
        "live": live,
        "form": data.dict(),
        "relations": _relations(),
        "groups": doc_groups(CaseKind.ENDORSEMENT, data.getlist("documents")),
    }
    if live is not None:
        ctx["state"] = previews.endorsement_state(live, clock.today())
    if request.method != "POST":
        return _panel(request, "web/counter/panel_endorse.html", ctx)
    if live is None:
        return _panel(request, "web/counter/panel_endorse.html", ctx, problem=_no_permit(request))

    def inputs() -> dict[str, Any]:
        return {"number": live.number, "documents": data.getlist("documents"), "proxy": _proxy(data)}

    if data.get("step") == "confirm":
        result, problem = attempt(request, lambda: services.permit_endorse(actor=request.user, **inputs()))
        if result is not None:
            p = result.permit
            return _done(
                request,
                reverse("web:counter-person", args=[pk]),
                tr(
                    f"签注已办理（{'逾期签注' if result.decision.kind == 'late' else '按期签注'}）："
                    f"居住年限自{p.residence_since}起算，下次签注截止{p.next_anniversary}。",
                    f"Endorsed ({'late' if result.decision.kind == 'late' else 'on time'}): residence since "
                    f"{p.residence_since}, next anniversary {p.next_anniversary}.",
                ),
            )
        return _panel(request, "web/counter/panel_endorse.html", ctx, problem=problem)
    preview, problem = attempt(request, lambda: previews.endorse_preview(**inputs()))
    ctx["preview"] = preview
    if preview is not None:
        ctx["status_before"] = pair(PERMIT_LABELS, preview.status_before)
        ctx["status_after"] = pair(PERMIT_LABELS, preview.status_after)
    return _panel(request, "web/counter/panel_endorse.html", ctx, problem=problem)


# --------------------------------------------------------------------------- address change


CHANGE_LABELS = {
    "new_address": ("新居住地住址", "new address"),
    "new_division": ("新住址区划代码", "new division code"),
    "moved_on": ("搬入日期", "moving date"),
}


def _change_input(data: QueryDict, permit: Permit) -> dict[str, Any]:
    rule = "LH-3.2-change-same-county"
    return {
        "number": permit.number,
        "new_address": _text(data, "new_address", rule=rule, label=CHANGE_LABELS["new_address"]),
        "new_division": _text(data, "new_division", rule=rule, label=CHANGE_LABELS["new_division"]),
        "documents": data.getlist("documents"),
        "police_station": data.get("police_station", "").strip() or None,
        "moved_on": _date(
            data, "moved_on", rule="LH-4-register-3d", label=CHANGE_LABELS["moved_on"], default=clock.today()
        ),
    }


def _change_preview(data: QueryDict, permit: Permit) -> previews.ChangePreview:
    with _division_field("new_division"):
        return previews.address_change_preview(**_change_input(data, permit))


def _change_confirm(data: QueryDict, permit: Permit, actor: Any) -> Any:
    with _division_field("new_division"):
        return services.permit_change_address(actor=actor, **_change_input(data, permit))


@staff_page("counter")
def change_address(request: HttpRequest, pk: int) -> HttpResponse:
    """变更登记: the effect on issue date and residence period (kept or restarted) before confirming."""
    known, problem = _person_or_problem(request, pk)
    if known is None:
        return _not_found(request, problem)  # type: ignore[arg-type]
    data = request.POST if request.method == "POST" else request.GET
    live = _live_permit(known)
    form = {
        "new_division": jurisdiction().division_code,
        "moved_on": clock.today().isoformat(),
        **data.dict(),
    }
    ctx: dict[str, Any] = {
        "person": known,
        "live": live,
        "form": form,
        "stations": _stations(),
        "groups": doc_groups(CaseKind.ADDRESS_CHANGE, data.getlist("documents")),
    }
    if request.method != "POST":
        return _panel(request, "web/counter/panel_change.html", ctx)
    if live is None:
        return _panel(request, "web/counter/panel_change.html", ctx, problem=_no_permit(request))
    if data.get("step") == "confirm":
        result, problem = attempt(request, _change_confirm, data, live, request.user)
        if result is not None:
            e = result.effect
            return _done(
                request,
                reverse("web:counter-person", args=[pk]),
                tr(f"住址已变更：{e.zh}", f"Address changed: {e.en}"),
            )
        return _panel(request, "web/counter/panel_change.html", ctx, problem=problem)
    preview, problem = attempt(request, _change_preview, data, live)
    ctx["preview"] = preview
    return _panel(request, "web/counter/panel_change.html", ctx, problem=problem)


# --------------------------------------------------------------------------- enforcement


def _amount(data: QueryDict, rule: str) -> Decimal:
    try:
        value = Decimal(data.get("amount", "").strip())
    except InvalidOperation:
        raise _invalid(
            rule, "amount", "罚款金额须为数字（元）。", "The fine must be a number of yuan."
        ) from None
    if not value.is_finite():
        raise _invalid(rule, "amount", "罚款金额须为数字（元）。", "The fine must be a number of yuan.")
    return value


@staff_page("counter")
def case_warn(request: HttpRequest, pk: int) -> HttpResponse:
    """警告: open a case for a registration of this person declared late (LH-4-register-3d)."""
    known, problem = _person_or_problem(request, pk)
    if known is None:
        return _not_found(request, problem)  # type: ignore[arg-type]
    if request.method != "POST":
        return redirect("web:counter-person", pk=pk)

    def warn() -> Any:
        raw = request.POST.get("registration_id", "")
        if not raw.isdigit():
            raise _invalid(
                "LH-4-register-3d",
                "registration_id",
                "请选择逾期申报的居住登记。",
                "Choose the late registration.",
            )
        return enforcement.case_open_with_warning(
            actor=request.user,
            offender=Offender.PERSON,
            person_id=known.pk,
            registration_id=int(raw),
            description=request.POST.get("description", "").strip()[:1000],
        )

    case, problem = attempt(request, warn)
    if case is not None:
        return _done(
            request,
            reverse("web:counter-person", args=[pk]),
            tr(f"已立案并警告，案件编号 {case.number}。", f"Case {case.number} opened with a warning."),
        )
    return _panel(request, "web/counter/panel_problem.html", {"person": known}, problem=problem)


STEPS: dict[str, Callable[[HttpRequest, int], Any]] = {
    CaseAction.ORDER: lambda request, case_id: enforcement.case_order_correction(
        actor=request.user,
        case_id=case_id,
        deadline=_date(
            request.POST, "deadline", rule="LH-4-register-penalty", label=("改正期限", "deadline")
        ),
    ),
    CaseAction.CORRECT: lambda request, case_id: enforcement.case_mark_corrected(
        actor=request.user, case_id=case_id, note=request.POST.get("note", "").strip()[:500]
    ),
    CaseAction.FINE: lambda request, case_id: enforcement.case_fine(
        actor=request.user, case_id=case_id, amount=_amount(request.POST, "LH-4-register-penalty")
    ),
}


@staff_page("counter")
def case_step(request: HttpRequest, case_pk: int, action: str) -> HttpResponse:
    """The next step of a person's case, exactly as the enforcement services allow it."""
    case, problem = attempt(request, case_get, case_pk)
    if case is None or case.person_id is None:
        return _not_found(
            request,
            problem
            or Problem.of(
                "LH-4-register-penalty", "not-found", "未找到该案件。", "Case not found.", status=404
            ),
        )
    person_url = reverse("web:counter-person", args=[case.person_id])
    if request.method != "POST" or action not in STEPS:
        return redirect(person_url)
    done, problem = attempt(request, STEPS[action], request, case_pk)
    if done is not None:
        return _done(
            request,
            person_url + "#cases",
            tr(
                f"案件 {case.number}：{pair(ACTION_LABELS, action)}已办理。",
                f"Case {case.number}: {pair(ACTION_LABELS, action)} done.",
            ),
        )
    return _panel(request, "web/counter/panel_problem.html", {"person": case.person}, problem=problem)
