"""Registrations and applications over HTTP: one test per operation, then the one-time-notice flow."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from juzhu.api.tests.helpers import (
    ADDRESS,
    FIRST_DOCS,
    LI,
    PERMIT_2025_1,
    PERMIT_2026_1,
    STATION,
    WANG,
    WANG_MASKED,
    WANG_NAME_MASKED,
    application_body,
    problem,
    registration_body,
    wang_permit,
)
from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.models import Application, FeeReceipt, IdempotencyRecord, Notice, Permit
from juzhu.registry.tests.factories import registered, today_is

# The 11 documents that prove one of the LH-3.1-condition conditions, as the API lists them (sorted).
CONDITION_EVIDENCE = [
    "accommodation_certificate",
    "business_licence",
    "employment_certificate",
    "enrolment_certificate",
    "hiring_certificate",
    "labour_contract",
    "property_certificate",
    "purchase_contract",
    "social_insurance_record",
    "student_card",
    "tenancy_contract",
]


def _submitted(clerk, number=WANG, documents=FIRST_DOCS, on=date(2026, 7, 6)) -> Application:
    """Registered 2026-01-05 (six months complete on 2026-07-05), application received on ``on``."""
    registered(clerk, number=number, registered_on=date(2026, 1, 5))
    with today_is(on):
        return services.application_submit(
            actor=clerk,
            kind=CaseKind.FIRST_ISSUE,
            identity_number=number,
            police_station=STATION,
            documents=documents,
        )


def _reissue_approved(clerk, supervisor, on=date(2026, 3, 2)) -> Application:
    """王小明's permit issued 2025-07-10; a 补领 (lost card) received, accepted and approved on ``on``."""
    wang_permit(clerk, supervisor)
    with today_is(on):
        app = services.application_submit(
            actor=clerk,
            kind=CaseKind.REISSUE,
            identity_number=WANG,
            police_station=STATION,
            documents=["identity_card", "photo"],
            reissue_reason="lost",
        )
        services.application_accept(actor=clerk, application_id=app.pk)
        services.application_approve(actor=supervisor, application_id=app.pk)
    return app


# ----------------------------------------------------------------------------- registrations


def test_registration_on_time_records_the_3_day_due_date(as_clerk):
    # Arrived Fri 2026-02-27; + 3 days (T-count) = Mon 2026-03-02, a working day: declared that day, on time.
    with today_is(date(2026, 3, 2)):
        r = as_clerk.post("/registrations", registration_body())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == "initial"
    assert body["address"] == ADDRESS
    assert body["division_code"] == "150802"
    assert body["police_station"] == STATION
    assert body["arrived_on"] == "2026-02-27"
    assert body["declared_on"] == "2026-03-02"
    assert body["due_on"] == "2026-03-02"
    assert body["on_time"] is True
    assert body["rule"] == "LH-4-register-3d"


def test_registration_due_date_rolls_over_national_day_and_a_later_declaration_is_late(as_clerk):
    # Arrived 2026-09-28: + 3 = 2026-10-01, National Day; the holiday runs to 10-07, so the last day is
    # Thu 2026-10-08 (T-holiday).  Declared on 2026-10-09: one day late.
    with today_is(date(2026, 10, 9)):
        r = as_clerk.post("/registrations", registration_body(arrived_on="2026-09-28"))
    assert r.status_code == 201, r.content
    assert r.json()["due_on"] == "2026-10-08"
    assert r.json()["on_time"] is False


# ----------------------------------------------------------------------------- applications


def test_application_create_receives_a_first_issue(as_clerk, clerk):
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with today_is(date(2026, 7, 6)):
        r = as_clerk.post("/applications", application_body())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"] == "SQ20260000001"
    assert body["kind"] == "first_issue"
    assert body["status"] == "received"
    assert body["status_label"] == "已收件"
    assert body["holder"] == WANG_NAME_MASKED
    assert body["identity_number_masked"] == WANG_MASKED
    assert body["documents"] == ["identity_card", "labour_contract", "photo"]
    assert body["missing"] == []
    assert body["submitted_on"] == "2026-07-06"
    assert (body["accepted_on"], body["due_on"], body["due_nominal"]) == (None, None, None)
    assert body["permit_number"] is None
    assert body["fee_paid"] is False
    assert WANG not in r.content.decode()  # lists show the masked number only
    assert Application.objects.count() == 1


def test_application_list_shows_open_cases(as_clerk, clerk):
    a = _submitted(clerk, WANG)
    b = _submitted(clerk, LI)
    with today_is(date(2026, 7, 6)):
        r = as_clerk.get("/applications")
        received_only = as_clerk.get("/applications", {"status": "received"})
        closed_only = as_clerk.get("/applications", {"status": ["refused", "issued"]})
        two_statuses = as_clerk.get("/applications", {"status": ["received", "notified"], "limit": 1})
        elsewhere = as_clerk.get("/applications", {"police_station": "150802999"})
    assert r.status_code == 200
    assert sorted(x["number"] for x in r.json()) == sorted([a.number, b.number])
    # Neither is accepted yet, so neither has a due date: the order falls back to arrival.
    assert [x["number"] for x in received_only.json()] == [a.number, b.number]
    assert closed_only.json() == []
    assert [x["number"] for x in two_statuses.json()] == [a.number]
    assert elsewhere.json() == []


def test_application_list_puts_the_nearest_due_date_first(as_clerk, clerk):
    a = _submitted(clerk, WANG)
    b = _submitted(clerk, LI)
    with today_is(date(2026, 7, 6)):
        as_clerk.post(f"/applications/{b.pk}/accept")  # due 2026-07-21
        r = as_clerk.get("/applications")
    assert [x["number"] for x in r.json()] == [b.number, a.number]


def test_application_detail_in_chinese_and_english(as_clerk, clerk):
    app = _submitted(clerk, documents=["identity_card"])
    with today_is(date(2026, 7, 6)):
        zh = as_clerk.get(f"/applications/{app.pk}").json()
        en = as_clerk.get(f"/applications/{app.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert zh["number"] == en["number"] == "SQ20260000001"
    assert zh["status_label"] == "已收件"
    assert en["status_label"] == "received"
    assert [m["key"] for m in zh["missing"]] == ["photo", "condition_evidence"]
    assert zh["missing"][0] == {
        "key": "photo",
        "rule": "N-9-materials",
        "any_of": ["photo"],
        "text": "本人近期相片",
    }
    assert en["missing"][0]["text"] == "a recent photo of the applicant"
    assert en["missing"][1]["rule"] == "LH-3.1-condition"
    assert en["missing"][1]["any_of"] == CONDITION_EVIDENCE


# ----------------------------------------------------------------------------- the one-time notice


def test_notice_create_lists_every_missing_material_at_once(as_clerk, clerk):
    app = _submitted(clerk, documents=["identity_card"])
    with today_is(date(2026, 7, 7)):
        r = as_clerk.post(f"/applications/{app.pk}/notice")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"] == "GZ20260000001"
    assert body["issued_on"] == "2026-07-07"
    assert body["rule"] == "LH-3.2-one-time-notice"
    assert [(i["key"], i["rule"]) for i in body["items"]] == [
        ("photo", "N-9-materials"),
        ("condition_evidence", "LH-3.1-condition"),
    ]
    assert body["items"][1]["any_of"] == CONDITION_EVIDENCE
    assert body["items"][1]["text"].startswith("以下任意一项：")
    assert Application.objects.get(pk=app.pk).status == "notified"


def test_notice_get_returns_the_notice_as_issued_in_the_request_language(as_clerk, clerk):
    app = _submitted(clerk, documents=["identity_card", "tenancy_contract"])
    with today_is(date(2026, 7, 7)):
        created = as_clerk.post(f"/applications/{app.pk}/notice").json()
        zh = as_clerk.get(f"/applications/{app.pk}/notice")
        en = as_clerk.get(f"/applications/{app.pk}/notice", HTTP_ACCEPT_LANGUAGE="en")
    assert zh.status_code == 200
    assert zh.json() == created
    assert [i["key"] for i in zh.json()["items"]] == ["photo"]  # the tenancy contract proves residence
    assert en.json()["items"][0]["text"] == "a recent photo of the applicant"


def test_notice_get_without_a_notice_is_404(as_clerk, clerk):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 7)):
        r = as_clerk.get(f"/applications/{app.pk}/notice")
    assert problem(r, 404, "not-found", rule="LH-3.2-one-time-notice")["fields"] == ["application_id"]


def test_second_notice_is_refused_409(as_clerk, clerk):
    app = _submitted(clerk, documents=["identity_card"])
    with today_is(date(2026, 7, 7)):
        assert as_clerk.post(f"/applications/{app.pk}/notice").status_code == 201
        r = as_clerk.post(f"/applications/{app.pk}/notice")
    body = problem(r, 409, "notice-already-issued", rule="LH-3.2-one-time-notice")
    assert body["detail"] == "该申请已发出一次性告知，不得再次告知补充其他材料。"
    assert Notice.objects.count() == 1


def test_notice_for_complete_materials_is_refused_409(as_clerk, clerk):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 7)):
        r = as_clerk.post(f"/applications/{app.pk}/notice")
    problem(r, 409, "materials-complete", rule="LH-3.2-one-time-notice")


def test_notice_before_six_months_of_registration_is_422_with_the_earliest_date(as_clerk, clerk):
    """The notice promises acceptance once supplied: not to someone acceptance would refuse that day."""
    app = _submitted(clerk, documents=["identity_card"], on=date(2026, 7, 4))
    with today_is(date(2026, 7, 4)):  # six months complete on 2026-07-05
        r = as_clerk.post(f"/applications/{app.pk}/notice")
    body = problem(r, 422, "not-eligible", rule="LH-3.1-registered-6m")
    assert [(x["rule"], x.get("earliest")) for x in body["reasons"]] == [
        ("LH-3.1-registered-6m", "2026-07-05")
    ]
    assert Notice.objects.count() == 0
    with today_is(date(2026, 7, 5)):
        assert as_clerk.post(f"/applications/{app.pk}/notice").status_code == 201


def test_supplement_adds_the_notified_documents(as_clerk, clerk):
    app = _submitted(clerk, documents=["identity_card"])
    with today_is(date(2026, 7, 7)):
        as_clerk.post(f"/applications/{app.pk}/notice")
        r = as_clerk.post(f"/applications/{app.pk}/supplement", {"documents": ["photo", "student_card"]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["documents"] == ["identity_card", "photo", "student_card"]
    assert body["missing"] == []
    assert body["status"] == "notified"


def test_one_time_notice_flow_through_the_api(as_clerk, as_supervisor):
    """LH-3.2-one-time-notice end to end: what the notice lists is all that is ever asked for."""
    # Registration declared Sun 2026-03-01; six months complete on 2026-09-01 (LH-3.1-registered-6m).
    with today_is(date(2026, 3, 1)):
        assert as_clerk.post("/registrations", registration_body()).status_code == 201
    with today_is(date(2026, 9, 18)):
        app = as_clerk.post("/applications", application_body(documents=["identity_card"])).json()
        assert [m["key"] for m in app["missing"]] == ["photo", "condition_evidence"]
        notice = as_clerk.post(f"/applications/{app['id']}/notice").json()
    assert [i["key"] for i in notice["items"]] == ["photo", "condition_evidence"]
    assert {i["rule"] for i in notice["items"]} == {"N-9-materials", "LH-3.1-condition"}

    # Sun 2026-09-20 is a make-up working day (调休) before National Day.
    with today_is(date(2026, 9, 20)):
        supplemented = as_clerk.post(
            f"/applications/{app['id']}/supplement", {"documents": ["photo", "labour_contract"]}
        ).json()
        assert supplemented["missing"] == []
        accepted = as_clerk.post(f"/applications/{app['id']}/accept")
    assert accepted.status_code == 200, accepted.content
    # LH-3.2-issue-15d: 2026-09-20 + 15 = 2026-10-05, inside the 10-01..10-07 holiday: due Thu 2026-10-08.
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["accepted_on"] == "2026-09-20"
    assert accepted.json()["due_nominal"] == "2026-10-05"
    assert accepted.json()["due_on"] == "2026-10-08"

    with today_is(date(2026, 9, 21)):
        assert as_supervisor.post(f"/applications/{app['id']}/approve").status_code == 200
    with today_is(date(2026, 9, 25)):
        permit = as_clerk.post(f"/applications/{app['id']}/issue")
        detail = as_clerk.get(f"/applications/{app['id']}").json()
    assert permit.status_code == 201, permit.content
    assert permit.json()["number"] == PERMIT_2026_1
    assert detail["status"] == "issued"
    assert detail["permit_number"] == PERMIT_2026_1
    assert detail["issued_on"] == "2026-09-25"
    assert detail["due_on"] == "2026-10-08"


# ----------------------------------------------------------------------------- accept, approve, refuse


def test_accept_starts_the_15_day_clock(as_clerk, clerk):
    app = _submitted(clerk)
    # Accepted Mon 2026-07-06: + 15 = Tue 2026-07-21, a working day, so no roll.
    with today_is(date(2026, 7, 6)):
        r = as_clerk.post(f"/applications/{app.pk}/accept")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["status"], body["status_label"]) == ("accepted", "已受理")
    assert body["accepted_on"] == "2026-07-06"
    assert body["due_nominal"] == body["due_on"] == "2026-07-21"


def test_accept_refuses_before_six_months_of_registration_with_the_earliest_date(as_clerk, clerk):
    # Registered 2026-03-02: six months (T-month-end, T-inclusive) complete on 2026-09-02.
    registered(clerk, number=WANG, registered_on=date(2026, 3, 2))
    with today_is(date(2026, 9, 1)):
        app = as_clerk.post("/applications", application_body()).json()
        r = as_clerk.post(f"/applications/{app['id']}/accept")
        r_en = as_clerk.post(f"/applications/{app['id']}/accept", HTTP_ACCEPT_LANGUAGE="en")
    body = problem(r, 422, "not-eligible", rule="LH-3.1-registered-6m")
    assert body["fields"] == ["registration_date"]
    assert body["reasons"] == [
        {
            "rule": "LH-3.1-registered-6m",
            "code": "registered-too-short",
            "message": "居住登记未满6个月（登记日期2026-03-02），自2026-09-02起可申领。",
            "field": "registration_date",
            "earliest": "2026-09-02",
        }
    ]
    assert problem(r_en, 422, "not-eligible")["reasons"][0]["message"] == (
        "Registered for less than 6 months (since 2026-03-02); eligible from 2026-09-02."
    )
    with today_is(date(2026, 9, 2)):  # the first good day
        assert as_clerk.post(f"/applications/{app['id']}/accept").json()["status"] == "accepted"


def test_approve_by_a_supervisor(as_clerk, as_supervisor, clerk):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 6)):
        as_clerk.post(f"/applications/{app.pk}/accept")
    with today_is(date(2026, 7, 7)):
        by_clerk = as_clerk.post(f"/applications/{app.pk}/approve")
        r = as_supervisor.post(f"/applications/{app.pk}/approve")
    problem(by_clerk, 403, "forbidden", rule="N-8-authority")
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["status_label"]) == ("approved", "已审核通过")


def test_approve_before_acceptance_is_a_409_transition(as_supervisor, clerk):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 6)):
        r = as_supervisor.post(f"/applications/{app.pk}/approve")
    body = problem(r, 409, "application-transition", rule="LH-3.2-issue-15d")
    assert body["context"] == {"status": "received", "action": "approve"}


def test_refuse_records_the_reason(as_supervisor, clerk):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 6)):
        r = as_supervisor.post(f"/applications/{app.pk}/refuse", {"reason": "户口所在地证明与身份证不符"})
        again = as_supervisor.post(f"/applications/{app.pk}/refuse", {"reason": "重复"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "refused"
    assert r.json()["decision_reason"] == "户口所在地证明与身份证不符"
    problem(again, 409, "application-transition")


def test_refuse_cites_the_rule_given_and_returns_it(as_supervisor, clerk):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 6)):
        before = as_supervisor.get(f"/applications/{app.pk}")
        r = as_supervisor.post(
            f"/applications/{app.pk}/refuse", {"reason": "户口在本区", "rule": "LH-3.1-hukou"}
        )
    assert before.json()["decision_rule"] == ""
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["decision_rule"]) == ("refused", "LH-3.1-hukou")


def test_refuse_without_a_rule_cites_the_stable_condition(as_supervisor, clerk):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 6)):
        r = as_supervisor.post(f"/applications/{app.pk}/refuse", {"reason": "无稳定就业"})
    assert r.json()["decision_rule"] == "LH-3.1-condition"


def test_refuse_citing_an_unknown_rule_is_422_naming_rule(as_supervisor, clerk):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 6)):
        r = as_supervisor.post(f"/applications/{app.pk}/refuse", {"reason": "x", "rule": "LH-9-nothing"})
    body = problem(r, 422, "refusal-rule", rule="LH-3.1-condition")
    assert body["fields"] == ["rule"]
    assert Application.objects.get(pk=app.pk).status == "received"


def test_refuse_without_a_reason_is_422_naming_reason(as_supervisor, clerk):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 6)):
        empty = as_supervisor.post(f"/applications/{app.pk}/refuse", {"reason": ""})
        blank = as_supervisor.post(f"/applications/{app.pk}/refuse", {"reason": "   "})
    assert problem(empty, 422, "invalid-request")["fields"] == ["reason"]
    assert problem(blank, 422, "reason-required")["fields"] == ["reason"]


# ----------------------------------------------------------------------------- fee and issue


def test_fee_charges_the_card_fee_for_a_reissue(as_clerk, clerk, supervisor):
    app = _reissue_approved(clerk, supervisor)
    with today_is(date(2026, 3, 2)):
        r = as_clerk.post(f"/applications/{app.pk}/fee", {"amount": "20.00"})
        detail = as_clerk.get(f"/applications/{app.pk}").json()
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"] == "SF20260000001"
    assert body["application"] == "SQ20260000001"
    assert body["kind"] == "reissue"
    assert Decimal(body["amount"]) == Decimal("20")
    assert body["paid_on"] == "2026-03-02"
    assert body["rule"] == "LH-3.2-fees"
    assert detail["fee_paid"] is True


@pytest.mark.parametrize("amount", ["19.99", "20.01", "0", "200"])
def test_fee_other_than_20_yuan_is_refused(as_clerk, clerk, supervisor, amount):
    app = _reissue_approved(clerk, supervisor)
    with today_is(date(2026, 3, 2)):
        r = as_clerk.post(f"/applications/{app.pk}/fee", {"amount": amount})
        r_en = as_clerk.post(f"/applications/{app.pk}/fee", {"amount": amount}, HTTP_ACCEPT_LANGUAGE="en")
    body = problem(r, 422, "fee-mismatch", rule="LH-3.2-fees")
    assert body["fields"] == ["amount"]
    assert body["detail"] == "换领、补领的证件工本费为20元。"
    assert (
        problem(r_en, 422, "fee-mismatch")["detail"] == "The card fee for replacement or reissue is 20 yuan."
    )
    assert FeeReceipt.objects.count() == 0


def test_fee_for_a_first_issue_is_refused(as_clerk, clerk):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 6)):
        r = as_clerk.post(f"/applications/{app.pk}/fee", {"amount": "20"})
    body = problem(r, 422, "fee-mismatch", rule="LH-3.2-fees")
    assert body["detail"] == "首次申领、签注和变更不收取任何费用。"
    assert FeeReceipt.objects.count() == 0


def test_no_receipt_is_written_for_a_first_issue(as_clerk, clerk):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 6)):
        r = as_clerk.post(f"/applications/{app.pk}/fee", {"amount": "0"})
    problem(r, 422, "fee-mismatch", rule="LH-3.2-fees")
    assert FeeReceipt.objects.count() == 0


def test_fee_charged_twice_is_409(as_clerk, clerk, supervisor):
    app = _reissue_approved(clerk, supervisor)
    with today_is(date(2026, 3, 2)):
        as_clerk.post(f"/applications/{app.pk}/fee", {"amount": "20"})
        r = as_clerk.post(f"/applications/{app.pk}/fee", {"amount": "20"})
    problem(r, 409, "fee-already-paid", rule="LH-3.2-fees")
    assert FeeReceipt.objects.count() == 1


def test_issue_a_first_permit(as_clerk, clerk, supervisor):
    app = _submitted(clerk)
    with today_is(date(2026, 7, 6)):
        services.application_accept(actor=clerk, application_id=app.pk)
        services.application_approve(actor=supervisor, application_id=app.pk)
    with today_is(date(2026, 7, 10)):
        r = as_clerk.post(f"/applications/{app.pk}/issue")
    assert r.status_code == 201, r.content
    p = r.json()
    assert p["number"] == PERMIT_2026_1
    assert (p["status"], p["status_label"]) == ("valid", "有效")
    assert (p["name"], p["sex"], p["birth_date"], p["identity_number"]) == ("王小明", "M", "1990-05-17", WANG)
    assert p["authority"] == "巴彦淖尔市公安局临河区分局"
    assert (p["residence_address"], p["residence_division"]) == (ADDRESS, "150802")
    assert p["issue_date"] == p["residence_since"] == "2026-07-10"
    assert (p["residence_since_reason"], p["residence_since_rule"]) == ("issued", "LH-3.2-issue-15d")
    # Anniversary 2027-07-10 (LH-3.2-endorse-window); the window opens 30 days before, on 2027-06-10.
    # Its last day waits for the 2027 holiday calendar, which is not known yet.
    assert p["next_anniversary"] == "2027-07-10"
    assert p["endorsement_window"] == {
        "anniversary": "2027-07-10",
        "opens": "2027-06-10",
        "last_day": None,
        "rules": ["LH-3.2-endorse-window", "T-month-end"],
    }
    assert p["suspended_on"] is None
    assert p["supersedes"] is None


def test_issue_of_a_reissue_needs_the_fee_then_voids_the_old_card(as_clerk, clerk, supervisor):
    app = _reissue_approved(clerk, supervisor)
    with today_is(date(2026, 3, 2)):
        unpaid = as_clerk.post(f"/applications/{app.pk}/issue")
        as_clerk.post(f"/applications/{app.pk}/fee", {"amount": "20"})
        r = as_clerk.post(f"/applications/{app.pk}/issue")
    problem(unpaid, 409, "fee-unpaid", rule="LH-3.2-fees")
    assert r.status_code == 201, r.content
    card = r.json()
    # LH-3.2-replace: a new card of the same permit; issue date and schedule unchanged.
    assert card["number"] == PERMIT_2026_1
    assert card["supersedes"] == PERMIT_2025_1
    assert card["issue_date"] == "2025-07-10"
    assert card["next_anniversary"] == "2026-07-10"
    assert Permit.objects.get(number=PERMIT_2025_1).status == "void"


# ----------------------------------------------------------------------------- idempotency


def test_the_same_application_post_twice_with_one_key_creates_one_row(as_clerk, clerk):
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with today_is(date(2026, 7, 6)):
        first = as_clerk.post("/applications", application_body(), HTTP_IDEMPOTENCY_KEY="counter-1-0001")
        second = as_clerk.post("/applications", application_body(), HTTP_IDEMPOTENCY_KEY="counter-1-0001")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Application.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_an_idempotency_key_reused_with_another_body_is_422(as_clerk, clerk):
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with today_is(date(2026, 7, 6)):
        as_clerk.post("/applications", application_body(), HTTP_IDEMPOTENCY_KEY="counter-1-0002")
        r = as_clerk.post(
            "/applications",
            application_body(documents=["identity_card"]),
            HTTP_IDEMPOTENCY_KEY="counter-1-0002",
        )
    body = problem(r, 422, "idempotency-key-reused", rule="N-17-confidentiality")
    assert body["fields"] == ["Idempotency-Key"]
    assert Application.objects.count() == 1


def test_a_failed_request_does_not_consume_its_idempotency_key(as_clerk, clerk):
    with today_is(date(2026, 7, 6)):
        refused = as_clerk.post("/applications", application_body(), HTTP_IDEMPOTENCY_KEY="counter-1-0003")
    problem(refused, 404, "person-not-registered")
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with today_is(date(2026, 7, 6)):
        retried = as_clerk.post("/applications", application_body(), HTTP_IDEMPOTENCY_KEY="counter-1-0003")
    assert retried.status_code == 201, retried.content


def test_an_overlong_idempotency_key_is_422(as_clerk, clerk):
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with today_is(date(2026, 7, 6)):
        r = as_clerk.post("/applications", application_body(), HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert problem(r, 422, "idempotency-key")["fields"] == ["Idempotency-Key"]
    assert Application.objects.count() == 0
