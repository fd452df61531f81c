"""Applications through the services: registration duty, one-time notice, eligibility, 15-day clock, audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from juzhu.audit.models import AuditEvent
from juzhu.policy.errors import Forbidden, InvalidInput, NotEligible, TransitionNotAllowed
from juzhu.policy.identity import InvalidIdentityNumber
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.models import Application, FeeReceipt, Notice, Permit, ResidenceRegistration
from juzhu.registry.tests.factories import FIRST_DOCS, identity_number, issued_permit, registered, today_is
from juzhu.workcal.models import DeclaredYear, HolidayOverride

NUM = identity_number(date(1990, 5, 17))


def submit(clerk, docs, on, number=NUM, **kw):
    with today_is(on):
        return services.application_submit(
            actor=clerk,
            kind=kw.pop("kind", CaseKind.FIRST_ISSUE),
            identity_number=number,
            police_station="150802001",
            documents=docs,
            **kw,
        )


# --- LH-4-register-3d --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arrived", "declared", "due", "on_time"),
    [
        (date(2026, 11, 2), date(2026, 11, 5), date(2026, 11, 5), True),  # Mon + 3 = Thu, last good day
        (date(2026, 11, 2), date(2026, 11, 6), date(2026, 11, 5), False),  # first late day
        (
            date(2026, 9, 28),
            date(2026, 10, 8),
            date(2026, 10, 8),
            True,
        ),  # 10-01 is National Day: rolled to 10-08
        (date(2026, 9, 28), date(2026, 10, 9), date(2026, 10, 8), False),
    ],
)
def test_registration_due_date_and_on_time(clerk, arrived, declared, due, on_time):
    with today_is(declared):
        reg = services.residence_register(
            actor=clerk,
            identity_number=NUM,
            name="王小明",
            hukou_division="510121",
            hukou_address="金堂县",
            address="临河区新华街1号",
            police_station="150802001",
            arrived_on=arrived,
            declared_on=declared,
        )
    assert (reg.due_on, reg.on_time) == (due, on_time)


def test_a_new_registration_closes_the_previous_one(clerk):
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    registered(clerk, number=NUM, registered_on=date(2026, 3, 5))
    regs = ResidenceRegistration.objects.filter(person__identity_number=NUM).order_by("declared_on")
    assert [(r.kind, r.ended_on) for r in regs] == [("initial", date(2026, 3, 5)), ("change", None)]


def test_registration_refuses_a_bad_identity_number_and_writes_nothing(clerk):
    with today_is(date(2026, 11, 2)), pytest.raises(InvalidIdentityNumber) as e:
        services.residence_register(
            actor=clerk,
            identity_number=NUM[:-1] + ("0" if NUM[-1] != "0" else "1"),
            name="王",
            hukou_division="510121",
            hukou_address="x",
            address="y",
            police_station="150802001",
            arrived_on=date(2026, 11, 1),
        )
    assert e.value.rule == "LH-3.1-identity"
    assert ResidenceRegistration.objects.count() == 0


# --- LH-3.2-one-time-notice ------------------------------------------------------------------------


def test_notice_lists_everything_missing_once_and_supplying_it_completes_the_case(clerk):
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    app = submit(clerk, ["identity_card"], date(2026, 8, 3))
    with today_is(date(2026, 8, 3)):
        with pytest.raises(InvalidInput) as e:
            services.application_accept(actor=clerk, application_id=app.pk)
        assert {r.code for r in e.value.reasons} == {"missing-photo", "missing-condition_evidence"}
        notice = services.application_notify(actor=clerk, application_id=app.pk)
        assert [i["key"] for i in notice.items] == ["photo", "condition_evidence"]
        with pytest.raises(TransitionNotAllowed) as again:
            services.application_notify(actor=clerk, application_id=app.pk)
        assert again.value.rule == "LH-3.2-one-time-notice"
    with today_is(date(2026, 8, 10)):
        services.application_supplement(
            actor=clerk, application_id=app.pk, documents=["photo", "student_card"]
        )
        accepted = services.application_accept(actor=clerk, application_id=app.pk)
    assert accepted.status == "accepted"
    assert accepted.accepted_on == date(2026, 8, 10)
    assert Notice.objects.count() == 1


def test_after_a_notice_only_its_items_are_asked_for(clerk):
    """A frozen notice: even if the checklist grew later, supplying what the notice said is enough."""
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    app = submit(clerk, ["identity_card", "labour_contract"], date(2026, 8, 3))
    with today_is(date(2026, 8, 3)):
        notice = services.application_notify(actor=clerk, application_id=app.pk)
    assert [i["key"] for i in notice.items] == ["photo"]
    # The counter later records a proxy; the notice, not the new checklist, decides completeness.
    Application.objects.filter(pk=app.pk).update(proxy_relation="parent")
    with today_is(date(2026, 8, 4)):
        services.application_supplement(actor=clerk, application_id=app.pk, documents=["photo"])
        assert services.application_accept(actor=clerk, application_id=app.pk).status == "accepted"


def test_a_complete_case_gets_no_notice(clerk):
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    app = submit(clerk, FIRST_DOCS, date(2026, 8, 3))
    with today_is(date(2026, 8, 3)), pytest.raises(TransitionNotAllowed) as e:
        services.application_notify(actor=clerk, application_id=app.pk)
    assert e.value.code == "materials-complete"


@pytest.mark.parametrize(
    ("registered_on", "last_day_before", "first_day"),
    [
        (date(2026, 1, 15), date(2026, 7, 14), date(2026, 7, 15)),
        (date(2025, 8, 31), date(2026, 2, 27), date(2026, 2, 28)),  # T-month-end: no 02-31
    ],
)
def test_no_notice_promises_acceptance_before_six_months_of_registration(
    clerk, registered_on, last_day_before, first_day
):
    """The notice says acceptance follows the documents: not while registration is too recent."""
    registered(clerk, number=NUM, registered_on=registered_on)
    app = submit(clerk, ["identity_card"], last_day_before)  # photo and condition proof missing
    with today_is(last_day_before), pytest.raises(NotEligible) as e:
        services.application_notify(actor=clerk, application_id=app.pk)
    # Only what no document cures: the missing proof of a condition is what a notice would ask for.
    assert [(r.rule, r.code, r.earliest) for r in e.value.reasons] == [
        ("LH-3.1-registered-6m", "registered-too-short", first_day)
    ]
    assert e.value.rule == "LH-3.1-registered-6m" and first_day.isoformat() in e.value.zh
    assert Application.objects.get(pk=app.pk).status == "received"
    assert Notice.objects.count() == 0
    assert not AuditEvent.objects.filter(code="application.notified").exists()
    with today_is(first_day):
        notice = services.application_notify(actor=clerk, application_id=app.pk)
    assert [i["key"] for i in notice.items] == ["photo", "condition_evidence"]
    assert Application.objects.get(pk=app.pk).status == "notified"


def test_no_notice_for_a_local_hukou_and_every_such_reason_is_listed(clerk):
    local = identity_number(date(1991, 1, 1), place="150802")
    registered(clerk, number=local, registered_on=date(2026, 7, 1), hukou="150802")
    app = submit(clerk, ["identity_card"], date(2026, 8, 3), number=local)
    with today_is(date(2026, 8, 3)), pytest.raises(NotEligible) as e:
        services.application_notify(actor=clerk, application_id=app.pk)
    assert [(r.rule, r.earliest) for r in e.value.reasons] == [
        ("LH-3.1-hukou", None),
        ("LH-3.1-registered-6m", date(2027, 1, 1)),
    ]
    assert Notice.objects.count() == 0


def test_notice_and_acceptance_judge_the_same_registration_chain(clerk):
    """Both use one helper: a registration in another county breaks the chain for the notice too."""
    registered(clerk, number=NUM, registered_on=date(2025, 1, 10))
    registered(clerk, number=NUM, registered_on=date(2026, 3, 1), station_code="150821001")  # 五原县
    registered(clerk, number=NUM, registered_on=date(2026, 4, 1))
    from juzhu.registry.models import PoliceStation

    PoliceStation.objects.filter(code="150821001").update(division_code="150821")
    ResidenceRegistration.objects.filter(police_station__code="150821001").update(division_code="150821")
    app = submit(clerk, ["identity_card"], date(2026, 9, 30))
    with today_is(date(2026, 9, 30)), pytest.raises(NotEligible) as e:
        services.application_notify(actor=clerk, application_id=app.pk)
    assert e.value.reasons[0].earliest == date(2026, 10, 1)


# --- LH-3.1-registered-6m and LH-3.2-issue-15d ------------------------------------------------


def test_acceptance_waits_for_six_months_of_registration(clerk):
    registered(clerk, number=NUM, registered_on=date(2026, 1, 15))
    app = submit(clerk, FIRST_DOCS, date(2026, 7, 14))
    with today_is(date(2026, 7, 14)), pytest.raises(NotEligible) as e:
        services.application_accept(actor=clerk, application_id=app.pk)
    assert e.value.reasons[0].earliest == date(2026, 7, 15)
    assert Application.objects.get(pk=app.pk).status == "received"
    with today_is(date(2026, 7, 15)):
        assert services.application_accept(actor=clerk, application_id=app.pk).status == "accepted"


def test_registration_elsewhere_then_back_restarts_the_six_months(clerk):
    registered(clerk, number=NUM, registered_on=date(2025, 1, 10))
    registered(clerk, number=NUM, registered_on=date(2026, 3, 1), station_code="150821001")  # 五原县
    registered(clerk, number=NUM, registered_on=date(2026, 4, 1))
    from juzhu.registry.models import PoliceStation

    PoliceStation.objects.filter(code="150821001").update(division_code="150821")
    ResidenceRegistration.objects.filter(police_station__code="150821001").update(division_code="150821")
    app = submit(clerk, FIRST_DOCS, date(2026, 9, 30))
    with today_is(date(2026, 9, 30)), pytest.raises(NotEligible) as e:
        services.application_accept(actor=clerk, application_id=app.pk)
    assert e.value.reasons[0].earliest == date(2026, 10, 1)


def test_local_hukou_is_refused_at_acceptance_with_the_rule(clerk):
    local = identity_number(date(1991, 1, 1), place="150802")
    registered(clerk, number=local, registered_on=date(2025, 1, 5), hukou="150802")
    app = submit(clerk, FIRST_DOCS, date(2026, 8, 3), number=local)
    with today_is(date(2026, 8, 3)), pytest.raises(NotEligible) as e:
        services.application_accept(actor=clerk, application_id=app.pk)
    assert [r.rule for r in e.value.reasons] == ["LH-3.1-hukou"]


@pytest.mark.parametrize(
    ("accepted", "due"),
    [(date(2026, 9, 20), date(2026, 10, 8)), (date(2026, 11, 2), date(2026, 11, 17))],
)
def test_due_date_is_fifteen_days_rolled_over_holidays(clerk, accepted, due):
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    app = submit(clerk, FIRST_DOCS, accepted)
    with today_is(accepted):
        app = services.application_accept(actor=clerk, application_id=app.pk)
    assert app.due_on == due


def test_due_date_into_an_unknown_year_waits_for_the_calendar_and_the_sweep_fills_it(clerk):
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    app = submit(clerk, FIRST_DOCS, date(2026, 12, 20))
    with today_is(date(2026, 12, 20)):
        app = services.application_accept(actor=clerk, application_id=app.pk)
    assert (app.due_nominal, app.due_on) == (date(2027, 1, 4), None)
    DeclaredYear.objects.create(year=2027, note="test")
    HolidayOverride.objects.create(date=date(2027, 1, 1), is_working_day=False, note="元旦")
    with today_is(date(2026, 12, 21)):
        services.permits_sweep(on=date(2026, 12, 21))
    assert Application.objects.get(pk=app.pk).due_on == date(2027, 1, 4)  # a Monday in the declared year


# --- decisions, roles, fees, audit ---------------------------------------------------------------


def test_a_clerk_cannot_approve_and_a_refusal_needs_a_reason(clerk, supervisor):
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    app = submit(clerk, FIRST_DOCS, date(2026, 8, 3))
    with today_is(date(2026, 8, 3)):
        services.application_accept(actor=clerk, application_id=app.pk)
        with pytest.raises(Forbidden):
            services.application_approve(actor=clerk, application_id=app.pk)
        with pytest.raises(InvalidInput):
            services.application_refuse(actor=supervisor, application_id=app.pk, reason="  ")
        refused = services.application_refuse(actor=supervisor, application_id=app.pk, reason="材料不实")
    assert refused.status == "refused"


def test_a_refusal_stores_and_audits_the_rule_it_cites(clerk, supervisor):
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    app = submit(clerk, FIRST_DOCS, date(2026, 6, 1))
    with today_is(date(2026, 6, 1)):
        refused = services.application_refuse(
            actor=supervisor, application_id=app.pk, reason="居住登记未满半年", rule="LH-3.1-registered-6m"
        )
    assert (refused.status, refused.decision_rule) == ("refused", "LH-3.1-registered-6m")
    assert Application.objects.get(pk=app.pk).decision_rule == "LH-3.1-registered-6m"
    event = AuditEvent.objects.get(code="application.refused")
    assert event.rule == "LH-3.1-registered-6m" and event.new["decision_rule"] == "LH-3.1-registered-6m"


def test_a_refusal_cites_the_stable_condition_unless_told_otherwise(clerk, supervisor):
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    app = submit(clerk, FIRST_DOCS, date(2026, 8, 3))
    with today_is(date(2026, 8, 3)):
        refused = services.application_refuse(actor=supervisor, application_id=app.pk, reason="材料不实")
    assert refused.decision_rule == "LH-3.1-condition"


def test_the_rules_a_refusal_may_cite_exist_and_an_unknown_one_is_refused_naming_rule(clerk, supervisor):
    # Each is a rule of RULES.md a refusal can rest on: the LH-3.1 conditions and N-9-materials.
    assert [r.rule for r in services.REFUSAL_RULES] == [
        "LH-3.1-condition",
        "LH-3.1-registered-6m",
        "LH-3.1-hukou",
        "LH-3.1-identity",
        "N-9-materials",
    ]
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    app = submit(clerk, FIRST_DOCS, date(2026, 8, 3))
    with today_is(date(2026, 8, 3)), pytest.raises(InvalidInput) as e:
        services.application_refuse(
            actor=supervisor, application_id=app.pk, reason="材料不实", rule="LH-3.2-endorse-window"
        )
    assert (e.value.code, tuple(e.value.fields)) == ("refusal-rule", ("rule",))
    assert Application.objects.get(pk=app.pk).status == "received"
    assert not AuditEvent.objects.filter(code="application.refused").exists()


def test_the_first_issue_workflow_leaves_this_audit_trail(clerk, supervisor):
    permit = issued_permit(
        clerk, supervisor, number=NUM, registered_on=date(2025, 1, 5), issued_on=date(2026, 8, 3)
    )
    codes = list(AuditEvent.objects.filter(person_id=permit.person_id).values_list("code", "actor_label"))
    assert codes == [
        ("registration.declared", "clerk"),
        ("application.received", "clerk"),
        ("application.accepted", "clerk"),
        ("application.approved", "supervisor"),
        ("permit.issued", "clerk"),
        ("application.issued", "clerk"),
    ]
    assert permit.next_anniversary == date(2027, 8, 3)
    assert permit.endorse_by is None  # 2027's calendar is not known yet; the sweep fills it later


def test_a_second_first_issue_is_refused_while_a_permit_is_live(clerk, supervisor):
    issued_permit(clerk, supervisor, number=NUM, registered_on=date(2025, 1, 5), issued_on=date(2026, 8, 3))
    with pytest.raises(TransitionNotAllowed) as e:
        submit(clerk, FIRST_DOCS, date(2026, 8, 4))
    assert e.value.code == "already-holds-permit"


def test_the_database_allows_one_live_permit_per_person(clerk, supervisor):
    permit = issued_permit(
        clerk, supervisor, number=NUM, registered_on=date(2025, 1, 5), issued_on=date(2026, 8, 3)
    )
    permit.pk, permit.number, permit.lineage = None, "150802202600000099", None
    with pytest.raises(IntegrityError), transaction.atomic():
        permit.save()
    assert Permit.objects.count() == 1


def test_replacement_needs_the_card_fee_and_exactly_the_set_amount(clerk, supervisor):
    permit = issued_permit(
        clerk, supervisor, number=NUM, registered_on=date(2025, 1, 5), issued_on=date(2026, 8, 3)
    )
    app = submit(
        clerk, ["identity_card", "photo", "permit_card"], date(2026, 9, 1), kind=CaseKind.REPLACEMENT
    )
    with today_is(date(2026, 9, 1)):
        services.application_accept(actor=clerk, application_id=app.pk)
        services.application_approve(actor=supervisor, application_id=app.pk)
        with pytest.raises(TransitionNotAllowed) as unpaid:
            services.application_issue(actor=clerk, application_id=app.pk)
        assert unpaid.value.code == "fee-unpaid"
        for wrong in (Decimal("0"), Decimal("19.99"), Decimal("20.01")):
            with pytest.raises(InvalidInput) as e:
                services.fee_charge(actor=clerk, application_id=app.pk, amount=wrong)
            assert e.value.rule == "LH-3.2-fees"
        receipt = services.fee_charge(actor=clerk, application_id=app.pk, amount=Decimal("20"))
        new = services.application_issue(actor=clerk, application_id=app.pk)
    assert receipt.amount == Decimal("20")
    assert (new.issue_date, new.next_anniversary, new.residence_since) == (
        permit.issue_date,
        permit.next_anniversary,
        permit.residence_since,
    )
    assert Permit.objects.get(pk=permit.pk).status == "void"


def test_a_first_issue_is_never_charged(clerk):
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    app = submit(clerk, FIRST_DOCS, date(2026, 8, 3))
    with today_is(date(2026, 8, 3)), pytest.raises(InvalidInput):
        services.fee_charge(actor=clerk, application_id=app.pk, amount=Decimal("20"))
    assert FeeReceipt.objects.count() == 0


def test_the_database_refuses_a_charged_endorsement(clerk, supervisor):
    permit = issued_permit(
        clerk, supervisor, number=NUM, registered_on=date(2025, 1, 5), issued_on=date(2026, 8, 3)
    )
    app = Application.objects.get(permit=permit)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeReceipt.objects.create(
            number="X1",
            application=app,
            person=permit.person,
            kind="endorsement",
            amount=Decimal("20"),
            paid_on=date(2026, 8, 3),
        )


def test_proxy_for_an_adult_without_mobility_problems_is_refused(clerk):
    registered(clerk, number=NUM, registered_on=date(2026, 1, 5))
    parent = identity_number(date(1960, 1, 1), seq=321)
    with pytest.raises(InvalidInput) as e:
        submit(
            clerk,
            FIRST_DOCS,
            date(2026, 8, 3),
            proxy={"name": "王父", "identity_number": parent, "relation": "parent"},
        )
    assert e.value.rule == "LH-3.2-proxy"
    assert Application.objects.count() == 0


def test_proxy_for_a_child_of_fifteen_is_accepted_and_needs_the_household_register(clerk):
    child = identity_number(date(2011, 3, 1), seq=222)
    registered(clerk, number=child, registered_on=date(2026, 1, 5))
    parent = identity_number(date(1985, 1, 1), seq=321)
    app = submit(
        clerk,
        FIRST_DOCS,
        date(2026, 8, 3),
        number=child,
        proxy={"name": "王父", "identity_number": parent, "relation": "parent"},
    )
    with today_is(date(2026, 8, 3)):
        notice = services.application_notify(actor=clerk, application_id=app.pk)
    assert [i["key"] for i in notice.items] == ["proxy_identity_card", "household_register"]
