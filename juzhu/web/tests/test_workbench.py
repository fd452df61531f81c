"""The service-hall workbench, server side: the queue and its 15-day clock, the case page and its
actions, uploads, and the printed PDFs behind staff access.

Dates, worked out by hand (2026 calendar from chinese-calendar):
- Accepted Mon 2026-03-02 → due 03-02 + 15 days (T-count) = Tue 2026-03-17, a working day.
- "Due soon" = due within 3 working days (DUE_SOON_WORKING_DAYS): from Thu 03-12 the 3rd working
  day after today is Tue 03-17 (Fri 13, Mon 16, Tue 17), so 03-11 is the last "on time" day and
  03-12 the first "due soon"; 03-17 is the last day in time, 03-18 the first overdue day.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.contrib.auth.models import User
from django.test import Client

from juzhu.accounts.models import ROLE_CAPABILITIES, Role
from juzhu.audit.models import AuditEvent
from juzhu.enforcement.tests.factories import person_case_ordered
from juzhu.policy.errors import Forbidden, PolicyError
from juzhu.policy.lifecycle import APPLICATION_TABLE, AppAction
from juzhu.policy.materials import CaseKind
from juzhu.policy.parameters import LINHE
from juzhu.registry import services
from juzhu.registry.models import Application, ApplicationDocument, FeeReceipt, Notice, Permit
from juzhu.registry.tests.factories import (
    FIRST_DOCS,
    identity_number,
    issued_permit,
    registered,
    staff,
    station,
    today_is,
)
from juzhu.web.workbench import queries
from juzhu.web.workbench.queries import DUE_SOON_WORKING_DAYS

pytestmark = pytest.mark.django_db

WANG = identity_number(date(1990, 5, 17))
WANG_MASKED = "510121********1238"
LI = identity_number(date(1985, 11, 3), seq=246)
ACCEPTED = date(2026, 3, 2)
DUE = date(2026, 3, 17)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_clerk(client: Client, clerk: User) -> Client:
    client.force_login(clerk)
    return client


@pytest.fixture
def as_supervisor(supervisor: User) -> Client:
    c = Client()
    c.force_login(supervisor)
    return c


def submitted(
    clerk: User,
    *,
    number: str = WANG,
    on: date = ACCEPTED,
    documents: list[str] | None = None,
    name: str = "王小明",
) -> Application:
    registered(clerk, number=number, registered_on=date(2025, 8, 1), name=name)
    with today_is(on):
        return services.application_submit(
            actor=clerk,
            kind=CaseKind.FIRST_ISSUE,
            identity_number=number,
            police_station="150802001",
            documents=FIRST_DOCS if documents is None else documents,
        )


def accepted(clerk: User, **kw: Any) -> Application:
    app = submitted(clerk, **kw)
    with today_is(kw.get("on", ACCEPTED)):
        return services.application_accept(actor=clerk, application_id=app.pk)


def html(response: Any) -> str:
    return response.content.decode()


def pdf_text(body: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)


def status_of(app: Application) -> str:
    return Application.objects.get(pk=app.pk).status


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    "path",
    [
        "/hall/",
        "/hall/applications/1/",
        "/hall/uploads/1",
        "/hall/print/notice/1.pdf",
        "/hall/print/card/X.pdf",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.DEPARTMENT, Role.SYSTEM])
def test_other_roles_may_not_open_the_workbench(client: Client, role: str) -> None:
    client.force_login(staff("someone", role))
    for path in ("/hall/", "/hall/print/receipt/1.pdf", "/hall/uploads/1"):
        response = client.get(path)
        assert response.status_code == 403
        assert "N-8-authority" in html(response)


def test_staff_of_another_county_are_refused_by_jurisdiction(client: Client, clerk: User) -> None:
    app = submitted(clerk)
    client.force_login(staff("wuyuan", Role.SUPERVISOR, division="150821"))
    for path in ("/hall/", f"/hall/applications/{app.pk}/"):
        response = client.get(path)
        assert response.status_code == 403
        # The page frame refuses first (juzhu.web.pages.staff_page), before any service is asked.
        assert "该页面不属于当前账号的辖区" in html(response)
    response = client.post(f"/hall/applications/{app.pk}/accept/")
    assert response.status_code == 403
    assert status_of(app) == "received"


# --------------------------------------------------------------------------- the queue


def test_the_queue_lists_open_cases_masked_with_channel_and_link(as_clerk: Client, clerk: User) -> None:
    app = accepted(clerk)
    with today_is(date(2026, 3, 5)):
        page = html(as_clerk.get("/hall/"))
    assert app.number in page and f'href="/hall/applications/{app.pk}/"' in page
    assert WANG_MASKED in page and WANG not in page  # masked in lists (N-17-confidentiality)
    assert "窗口受理" in page and "已受理" in page and "首次申领" in page
    assert "2026-03-17" in page
    assert "LH-3.2-issue-15d" in page
    assert not re.search(r'(src|href)="(https?:)?//', page), "an asset from outside the server"


def test_the_queue_is_sorted_by_due_date_and_waiting_cases_come_last(as_clerk: Client, clerk: User) -> None:
    later = accepted(clerk, number=LI, on=date(2026, 3, 4), name="李四")
    first = accepted(clerk, on=ACCEPTED)
    waiting = submitted(clerk, number=identity_number(date(1992, 1, 2), seq=11), name="赵五")
    with today_is(date(2026, 3, 5)):
        page = html(as_clerk.get("/hall/"))
    order = [m for m in re.findall(r'data-number="([^"]+)"', page)]
    assert order == [first.number, later.number, waiting.number]
    assert re.search(rf'data-number="{waiting.number}" data-clock="awaiting"', page)
    assert "待受理（未起算）" in page


@pytest.mark.parametrize(
    ("today", "clock"),
    [
        (date(2026, 3, 11), "on_time"),  # 4 working days left: the last "on time" day
        (date(2026, 3, 12), "due_soon"),  # 3 working days left: the first "due soon" day
        (DUE, "due_soon"),  # the last day in time
        (date(2026, 3, 18), "overdue"),  # the first day past LH-3.2-issue-15d
    ],
)
def test_the_clock_badge_on_both_sides_of_each_boundary(
    as_clerk: Client, clerk: User, today: date, clock: str
) -> None:
    assert DUE_SOON_WORKING_DAYS == 3
    app = accepted(clerk)
    with today_is(today):
        page = html(as_clerk.get("/hall/"))
    assert re.search(rf'data-number="{app.number}" data-clock="{clock}"', page)
    count = re.search(rf'data-testid="count-{clock}"><span class="n">(\d+)</span>', page)
    assert count is not None and count.group(1) == "1"


def _counts(page: str) -> dict[str, int]:
    return {c: int(n) for c, n in re.findall(r'data-testid="count-(\w+)"><span class="n">(\d+)</span>', page)}


def test_a_cut_queue_counts_every_case_and_says_it_is_cut(
    as_clerk: Client, clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = accepted(clerk, on=ACCEPTED)  # due 03-17: due soon on 03-12
    later = accepted(clerk, number=LI, on=date(2026, 3, 4), name="李四")  # due 03-19: on time on 03-12
    submitted(clerk, number=identity_number(date(1992, 1, 2), seq=11), name="赵五")  # awaiting
    with today_is(date(2026, 3, 12)):
        whole = html(as_clerk.get("/hall/"))
    assert _counts(whole) == {"overdue": 0, "due_soon": 1, "on_time": 1, "awaiting": 1}
    assert 'data-testid="queue-total">共 3 件</caption>' in whole
    monkeypatch.setattr(queries, "QUEUE_LIMIT", 1)
    with today_is(date(2026, 3, 12)):
        cut = html(as_clerk.get("/hall/"))
        english = html(as_clerk.get("/hall/", HTTP_ACCEPT_LANGUAGE="en"))
    assert re.findall(r'data-number="([^"]+)"', cut) == [first.number] and later.number not in cut
    assert _counts(cut) == _counts(whole)  # the tiles count every case, not the rows shown
    assert 'data-testid="queue-total">显示前 1 件，共 3 件</caption>' in cut
    assert 'data-testid="queue-total">showing 1 of 3 cases</caption>' in english


def test_the_counts_agree_with_the_badges_on_both_sides_of_each_boundary(
    as_clerk: Client, clerk: User
) -> None:
    accepted(clerk)
    for today, clock in [
        (date(2026, 3, 11), "on_time"),
        (date(2026, 3, 12), "due_soon"),
        (DUE, "due_soon"),
        (date(2026, 3, 18), "overdue"),
    ]:
        with today_is(today):
            page = html(as_clerk.get("/hall/"))
        assert re.search(rf'data-clock="{clock}"', page)
        assert _counts(page)[clock] == 1 and sum(_counts(page).values()) == 1, today


def test_filters_by_station_and_status_and_htmx_gets_only_the_table(as_clerk: Client, clerk: User) -> None:
    station("150802002", "临河区新华派出所")
    acc = accepted(clerk)
    rec = submitted(clerk, number=LI, name="李四")
    with today_is(date(2026, 3, 5)):
        only_received = html(as_clerk.get("/hall/", {"status": "received"}))
        partial = as_clerk.get("/hall/", {"police_station": "150802002"}, **HTMX)
    assert rec.number in only_received and acc.number not in only_received
    assert partial.status_code == 200
    body = html(partial)
    assert "<html" not in body and 'id="queue-table"' in body
    assert acc.number not in body and "没有正在办理的申请" in body


@pytest.mark.parametrize(
    ("params", "field", "rule"),
    [
        ({"status": "lost"}, "status", "LH-3.2-issue-15d"),
        ({"police_station": "999"}, "police_station", "LH-4-register-3d"),
    ],
)
def test_a_bad_filter_is_a_422_naming_the_field(
    as_clerk: Client, clerk: User, params: dict[str, str], field: str, rule: str
) -> None:
    response = as_clerk.get("/hall/", params, **HTMX)
    assert response.status_code == 422
    body = html(response)
    assert f'data-rule="{rule}"' in body and field in body


# --------------------------------------------------------------------------- the case page


def test_the_case_page_shows_the_full_identity_number_and_the_checklist(
    as_clerk: Client, clerk: User
) -> None:
    app = submitted(clerk, documents=["identity_card"])
    page = html(as_clerk.get(f"/hall/applications/{app.pk}/"))
    assert WANG in page and "王小明" in page  # the full number on one person's record, for staff
    assert 'data-key="identity_card" data-satisfied="yes"' in page
    assert 'data-key="photo" data-satisfied="no"' in page
    assert 'data-key="condition_evidence" data-satisfied="no"' in page
    assert "LH-3.1-condition" in page and "N-9-materials" in page
    assert 'data-testid="action-accept"' in page and 'data-testid="action-notify"' in page
    assert 'data-testid="action-approve"' not in page  # a clerk cannot decide: hidden
    assert 'data-testid="action-refuse"' not in page
    assert "application.received" in page  # the audit trail


@pytest.mark.parametrize(
    "path",
    [
        "/hall/applications/99999999999999999999/",
        "/hall/uploads/99999999999999999999",
        "/hall/print/notice/99999999999999999999.pdf",
    ],
)
def test_an_out_of_range_id_is_a_404_not_a_500(as_clerk: Client, path: str) -> None:
    assert as_clerk.get(path).status_code == 404


def test_a_proxy_case_shows_the_relation_and_the_proxys_documents(as_clerk: Client, clerk: User) -> None:
    child = identity_number(date(2015, 6, 1), seq=31)
    registered(clerk, number=child, registered_on=date(2025, 8, 1), name="王小丫")
    with today_is(ACCEPTED):
        app = services.application_submit(
            actor=clerk,
            kind=CaseKind.FIRST_ISSUE,
            identity_number=child,
            police_station="150802001",
            documents=["identity_card"],
            proxy={"name": "王小明", "identity_number": WANG, "relation": "parent"},
        )
    page = html(as_clerk.get(f"/hall/applications/{app.pk}/"))
    assert "王小明 · 510121********1238 · 父母" in page  # the proxy's number masked: not the record's subject
    assert 'data-key="proxy_identity_card" data-satisfied="no"' in page
    assert 'data-key="household_register" data-satisfied="no"' in page
    assert "LH-3.2-proxy" in page


def test_a_missing_case_is_404(as_clerk: Client) -> None:
    response = as_clerk.get("/hall/applications/999/")
    assert response.status_code == 404
    assert 'data-rule="LH-3.2-issue-15d"' in html(response)


def test_accept_by_htmx_starts_the_clock_and_rerenders_the_panel(as_clerk: Client, clerk: User) -> None:
    app = submitted(clerk)
    with today_is(ACCEPTED):
        response = as_clerk.post(f"/hall/applications/{app.pk}/accept/", **HTMX)
    assert response.status_code == 200
    body = html(response)
    assert "<html" not in body and 'data-status="accepted"' in body
    assert "15日发证时限开始计算" in body and "2026-03-17" in body
    assert 'data-code="application.accepted"' in body
    assert status_of(app) == "accepted"
    # The audit trail in words: the event, the status change and the due date, no stored codes.
    row = body.split('data-code="application.accepted"')[1].split("</tr>")[0]
    assert "受理" in row and "状态：已收件 → 状态：已受理" in row and "发证期限：2026-03-17" in row
    assert "application.accepted" not in row and "'status'" not in row


def test_the_issue_limit_in_the_text_follows_the_policy(
    as_clerk: Client, clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("juzhu.registry.selectors.LINHE", replace(LINHE, issue_limit_days=20))
    app = submitted(clerk)
    with today_is(ACCEPTED):
        page = html(as_clerk.get("/hall/"))
        english = html(as_clerk.get("/hall/", HTTP_ACCEPT_LANGUAGE="en"))
        accepted_now = html(as_clerk.post(f"/hall/applications/{app.pk}/accept/", **HTMX))
    assert "受理后20日内发证" in page and "15日" not in page
    assert "issued within 20 days of acceptance" in english and "15 days" not in english
    assert "已受理，20日发证时限开始计算。" in accepted_now


def test_accepting_incomplete_materials_is_refused_in_place_with_every_missing_item(
    as_clerk: Client, clerk: User
) -> None:
    app = submitted(clerk, documents=["identity_card"])
    with today_is(ACCEPTED):
        response = as_clerk.post(f"/hall/applications/{app.pk}/accept/", **HTMX)
    assert response.status_code == 422
    body = html(response)
    assert 'data-rule="LH-3.2-one-time-notice"' in body
    assert "本人近期相片" in body and "N-9-materials" in body
    assert status_of(app) == "received"
    assert not AuditEvent.objects.filter(code="application.accepted").exists()


def test_a_plain_form_post_redirects_back_and_a_refusal_renders_the_whole_page(
    as_clerk: Client, clerk: User
) -> None:
    app = submitted(clerk, documents=["identity_card"])
    refused = as_clerk.post(f"/hall/applications/{app.pk}/accept/")
    assert refused.status_code == 422 and "<html" in html(refused)
    with today_is(ACCEPTED):
        services.application_notify(actor=clerk, application_id=app.pk)
    done = as_clerk.post(
        f"/hall/applications/{app.pk}/supplement/", {"documents": ["photo", "tenancy_contract"]}
    )
    assert done.status_code == 302 and done["Location"] == f"/hall/applications/{app.pk}/"
    follow = html(as_clerk.get(done["Location"]))
    assert "已登记补正材料" in follow


def test_the_one_time_notice_from_the_case_page_and_its_pdf(as_clerk: Client, clerk: User) -> None:
    app = submitted(clerk, documents=["identity_card"])
    with today_is(ACCEPTED):
        response = as_clerk.post(f"/hall/applications/{app.pk}/notify/", **HTMX)
    assert response.status_code == 200
    notice = Notice.objects.get(application=app)
    body = html(response)
    assert notice.number in body and f"/hall/print/notice/{notice.pk}.pdf" in body
    assert 'data-testid="action-notify"' not in body  # once (LH-3.2-one-time-notice)
    assert 'data-testid="form-supplement"' in body
    pdf = as_clerk.get(f"/hall/print/notice/{notice.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "一次性告知书" in text and "本人近期相片" in text and "王小明" in text
    again = as_clerk.post(f"/hall/applications/{app.pk}/notify/", **HTMX)
    assert again.status_code == 409
    assert "不得再次告知" in html(again)


def test_a_notice_for_complete_materials_is_refused(as_clerk: Client, clerk: User) -> None:
    app = submitted(clerk)
    response = as_clerk.post(f"/hall/applications/{app.pk}/notify/", **HTMX)
    assert response.status_code == 409
    assert "材料已齐全" in html(response)
    assert not Notice.objects.exists()


def test_supplement_needs_a_ticked_document_then_the_case_can_be_accepted(
    as_clerk: Client, clerk: User
) -> None:
    app = submitted(clerk, documents=["identity_card"])
    with today_is(ACCEPTED):
        services.application_notify(actor=clerk, application_id=app.pk)
    empty = as_clerk.post(f"/hall/applications/{app.pk}/supplement/", {}, **HTMX)
    assert empty.status_code == 422 and "documents" in html(empty)
    unknown = as_clerk.post(f"/hall/applications/{app.pk}/supplement/", {"documents": ["passport"]}, **HTMX)
    assert unknown.status_code == 422 and 'data-rule="N-9-materials"' in html(unknown)
    ok = as_clerk.post(
        f"/hall/applications/{app.pk}/supplement/", {"documents": ["photo", "labour_contract"]}, **HTMX
    )
    assert ok.status_code == 200
    assert 'data-key="photo" data-satisfied="yes"' in html(ok)
    with today_is(date(2026, 3, 4)):
        accepted_now = as_clerk.post(f"/hall/applications/{app.pk}/accept/", **HTMX)
    assert accepted_now.status_code == 200 and status_of(app) == "accepted"


def test_a_clerk_cannot_approve_the_service_refuses_with_403(as_clerk: Client, clerk: User) -> None:
    app = accepted(clerk)
    response = as_clerk.post(f"/hall/applications/{app.pk}/approve/", **HTMX)
    assert response.status_code == 403
    assert 'data-rule="N-8-authority"' in html(response)
    assert status_of(app) == "accepted"


def test_supervisor_approves_clerk_issues_and_the_card_pdf_has_the_holder(
    as_clerk: Client, as_supervisor: Client, clerk: User
) -> None:
    app = accepted(clerk)
    page = html(as_supervisor.get(f"/hall/applications/{app.pk}/"))
    assert 'data-testid="action-approve"' in page and 'data-testid="action-refuse"' in page
    with today_is(date(2026, 3, 10)):
        approved = as_supervisor.post(f"/hall/applications/{app.pk}/approve/", **HTMX)
        assert approved.status_code == 200 and 'data-status="approved"' in html(approved)
        issued = as_clerk.post(f"/hall/applications/{app.pk}/issue/", **HTMX)
    assert issued.status_code == 200
    permit = Permit.objects.get(person__identity_number=WANG)
    body = html(issued)
    assert permit.number in body and f"/hall/print/card/{permit.number}.pdf" in body
    assert 'data-code="permit.issued"' in body
    card = as_clerk.get(f"/hall/print/card/{permit.number}.pdf")
    assert card.status_code == 200 and card["Content-Type"] == "application/pdf"
    text = pdf_text(card.content)
    assert "王小明" in text and "居住证" in text and permit.number in text
    assert not as_clerk.get(f"/hall/applications/{app.pk}/").content.count(b'data-testid="action-')


def test_refusal_needs_a_reason(as_supervisor: Client, clerk: User) -> None:
    app = accepted(clerk)
    blank = as_supervisor.post(f"/hall/applications/{app.pk}/refuse/", {"reason": "  "}, **HTMX)
    assert blank.status_code == 422
    assert 'data-rule="LH-3.1-condition"' in html(blank) and "reason" in html(blank)
    assert status_of(app) == "accepted"
    done = as_supervisor.post(
        f"/hall/applications/{app.pk}/refuse/", {"reason": "提供的劳动合同系伪造"}, **HTMX
    )
    assert done.status_code == 200
    assert "提供的劳动合同系伪造" in html(done) and status_of(app) == "refused"


def _selected_refusal_rule(body: str) -> str:
    select = body.split('data-testid="refuse-rule"')[1].split("</select>")[0]
    found = re.findall(r'<option value="([^"]+)" selected>', select)
    assert len(found) == 1, select
    return found[0]


def test_the_refuse_form_offers_the_rules_a_refusal_may_cite(as_supervisor: Client, clerk: User) -> None:
    app = accepted(clerk)
    page = html(as_supervisor.get(f"/hall/applications/{app.pk}/"))
    select = page.split('data-testid="refuse-rule"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]+)"', select) == [
        "LH-3.1-condition",
        "LH-3.1-registered-6m",
        "LH-3.1-hukou",
        "LH-3.1-identity",
        "N-9-materials",
    ]
    assert "居住登记未满半年 · LH-3.1-registered-6m" in select
    assert _selected_refusal_rule(page) == "LH-3.1-condition"
    english = html(as_supervisor.get(f"/hall/applications/{app.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Registered for less than six months · LH-3.1-registered-6m" in english


def test_a_refusal_cites_the_chosen_rule_on_the_case_page(as_supervisor: Client, clerk: User) -> None:
    app = accepted(clerk)
    done = as_supervisor.post(
        f"/hall/applications/{app.pk}/refuse/", {"reason": "材料系伪造", "rule": "N-9-materials"}, **HTMX
    )
    assert done.status_code == 200 and status_of(app) == "refused"
    reason = html(done).split('data-testid="decision-reason"')[1].split("</dd>")[0]
    assert "材料系伪造" in reason and "N-9-materials" in reason and "LH-3.1-condition" not in reason
    row = html(done).split('data-code="application.refused"')[1].split("</tr>")[0]
    assert "N-9-materials" in row
    assert Application.objects.get(pk=app.pk).decision_rule == "N-9-materials"


def test_a_refusal_citing_an_unknown_rule_is_refused_naming_rule(as_supervisor: Client, clerk: User) -> None:
    app = accepted(clerk)
    response = as_supervisor.post(
        f"/hall/applications/{app.pk}/refuse/", {"reason": "x", "rule": "LH-3.2-fees"}, **HTMX
    )
    assert response.status_code == 422 and "rule" in html(response).split("需更正")[1]
    assert 'id="refuse-rule" name="rule" data-testid="refuse-rule" aria-invalid="true"' in html(response)
    assert status_of(app) == "accepted"


def test_acceptance_refused_as_not_eligible_preselects_its_rule_in_the_refuse_form(
    as_supervisor: Client, clerk: User
) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 2, 1))  # six months complete on 2026-08-01
    with today_is(ACCEPTED):
        app = services.application_submit(
            actor=clerk,
            kind=CaseKind.FIRST_ISSUE,
            identity_number=WANG,
            police_station="150802001",
            documents=FIRST_DOCS,
        )
        response = as_supervisor.post(f"/hall/applications/{app.pk}/accept/", **HTMX)
    assert response.status_code == 422
    body = html(response)
    assert 'data-rule="LH-3.1-registered-6m"' in body and "自2026-08-01起可申领" in body
    assert _selected_refusal_rule(body) == "LH-3.1-registered-6m"


def test_the_notice_is_refused_in_place_before_six_months_of_registration(
    as_clerk: Client, clerk: User
) -> None:
    registered(clerk, number=WANG, registered_on=date(2025, 9, 3))  # six months complete on 2026-03-03
    with today_is(ACCEPTED):
        app = services.application_submit(
            actor=clerk,
            kind=CaseKind.FIRST_ISSUE,
            identity_number=WANG,
            police_station="150802001",
            documents=["identity_card"],
        )
        refused = as_clerk.post(f"/hall/applications/{app.pk}/notify/", **HTMX)
    assert refused.status_code == 422
    assert 'data-rule="LH-3.1-registered-6m"' in html(refused) and "自2026-03-03起可申领" in html(refused)
    assert not Notice.objects.exists() and status_of(app) == "received"
    with today_is(date(2026, 3, 3)):
        assert as_clerk.post(f"/hall/applications/{app.pk}/notify/", **HTMX).status_code == 200
    assert Notice.objects.filter(application=app).exists()


def _reissue_case(clerk: User, supervisor: User) -> Application:
    permit = issued_permit(clerk, supervisor, number=WANG, registered_on=date(2025, 8, 1), issued_on=ACCEPTED)
    with today_is(date(2026, 4, 7)):
        app = services.application_submit(
            actor=clerk,
            kind=CaseKind.REISSUE,
            identity_number=permit.person.identity_number,
            police_station="150802001",
            documents=["identity_card", "photo"],
            reissue_reason="lost",
        )
        services.application_accept(actor=clerk, application_id=app.pk)
        services.application_approve(actor=supervisor, application_id=app.pk)
    return app


def test_reissue_charges_the_fee_the_policy_sets_before_the_new_card(
    as_clerk: Client, clerk: User, supervisor: User
) -> None:
    app = _reissue_case(clerk, supervisor)
    page = html(as_clerk.get(f"/hall/applications/{app.pk}/"))
    assert 'data-testid="action-fee"' in page and 'name="amount" value="20"' in page and "LH-3.2-fees" in page
    assert "补领 · 丢失" in page
    with today_is(date(2026, 4, 7)):
        unpaid = as_clerk.post(f"/hall/applications/{app.pk}/issue/", **HTMX)
        assert unpaid.status_code == 409 and 'data-rule="LH-3.2-fees"' in html(unpaid)
        wrong = as_clerk.post(f"/hall/applications/{app.pk}/fee/", {"amount": "5"}, **HTMX)
        assert wrong.status_code == 422 and "20元" in html(wrong)
        garbage = as_clerk.post(f"/hall/applications/{app.pk}/fee/", {"amount": "NaN"}, **HTMX)
        assert garbage.status_code == 422 and "amount" in html(garbage)
        assert not FeeReceipt.objects.exists()
        paid = as_clerk.post(f"/hall/applications/{app.pk}/fee/", {"amount": "20"}, **HTMX)
        assert paid.status_code == 200
        receipt = FeeReceipt.objects.get()
        assert receipt.number in html(paid) and 'data-testid="action-fee"' not in html(paid)
        issued = as_clerk.post(f"/hall/applications/{app.pk}/issue/", **HTMX)
    assert issued.status_code == 200 and status_of(app) == "issued"
    pdf = as_clerk.get(f"/hall/print/receipt/{receipt.pk}.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "工本费" in text and "¥20.00元" in text and "王小明" in text and "LH-3.2-fees" in text


def test_first_issue_is_free_no_fee_action(as_clerk: Client, clerk: User) -> None:
    app = accepted(clerk)
    assert 'data-testid="action-fee"' not in html(as_clerk.get(f"/hall/applications/{app.pk}/"))
    response = as_clerk.post(f"/hall/applications/{app.pk}/fee/", {"amount": "20"}, **HTMX)
    assert response.status_code == 422 and "首次申领" in html(response)


def test_unknown_action_is_404_and_get_is_405(as_clerk: Client, clerk: User) -> None:
    app = submitted(clerk)
    assert as_clerk.post(f"/hall/applications/{app.pk}/delete/").status_code == 404
    assert as_clerk.get(f"/hall/applications/{app.pk}/accept/").status_code == 405


def test_the_case_page_in_english(as_clerk: Client, clerk: User) -> None:
    app = submitted(clerk, documents=["identity_card"])
    page = html(as_clerk.get(f"/hall/applications/{app.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Checklist" in page and "a recent photo of the applicant" in page and "awaiting acceptance" in page


# --------------------------------------------------------------------------- uploads


def _upload(app: Application, root: Path, name: str, body: bytes, content_type: str) -> ApplicationDocument:
    (root / "ab").mkdir(parents=True, exist_ok=True)
    (root / "ab" / name).write_bytes(body)
    return ApplicationDocument.objects.create(
        application=app,
        doc="photo",
        original_name="me.png",
        content_type=content_type,
        size=len(body),
        sha256="0" * 64,
        storage_name=f"ab/{name}",
    )


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_staff_open_an_uploaded_document_with_its_content_type(
    as_clerk: Client, clerk: User, settings: Any, tmp_path: Path
) -> None:
    settings.JUZHU_UPLOAD_ROOT = tmp_path
    app = submitted(clerk, documents=["identity_card", "photo", "labour_contract"])
    doc = _upload(app, tmp_path, "f1.png", PNG, "image/png")
    response = as_clerk.get(f"/hall/uploads/{doc.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    page = html(as_clerk.get(f"/hall/applications/{app.pk}/"))
    assert f'src="/hall/uploads/{doc.pk}"' in page and "me.png" in page


def test_a_missing_or_escaping_upload_is_404(
    as_clerk: Client, clerk: User, settings: Any, tmp_path: Path
) -> None:
    settings.JUZHU_UPLOAD_ROOT = tmp_path / "root"
    (tmp_path / "root").mkdir()
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-secret")
    app = submitted(clerk)
    escaping = ApplicationDocument.objects.create(
        application=app,
        doc="photo",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        storage_name="../secret.pdf",
    )
    assert as_clerk.get(f"/hall/uploads/{escaping.pk}").status_code == 404
    assert as_clerk.get("/hall/uploads/999").status_code == 404


# --------------------------------------------------------------------------- printed documents


def test_print_views_404_with_the_rule(as_clerk: Client) -> None:
    for path, rule in [
        ("/hall/print/notice/9.pdf", "LH-3.2-one-time-notice"),
        ("/hall/print/receipt/9.pdf", "LH-3.2-fees"),
        ("/hall/print/card/150802202600000018.pdf", "LH-3.2-replace"),
        ("/hall/print/decision/9.pdf", "LH-4-register-penalty"),
    ]:
        response = as_clerk.get(path)
        assert response.status_code == 404, path
        assert f'data-rule="{rule}"' in html(response)
    malformed = as_clerk.get("/hall/print/card/%E5%B1%85.pdf")
    assert malformed.status_code == 422 and "number" in html(malformed)


def test_print_decision_of_an_enforcement_case(as_clerk: Client, clerk: User) -> None:
    case = person_case_ordered(clerk)
    response = as_clerk.get(f"/hall/print/decision/{case.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "责令限期改正通知书" in text and case.number in text and "LH-4-register-penalty" in text


def test_print_views_are_limited_to_the_jurisdiction(client: Client, clerk: User) -> None:
    case = person_case_ordered(clerk)
    client.force_login(staff("wuyuan", Role.CLERK, division="150821"))
    response = client.get(f"/hall/print/decision/{case.pk}.pdf")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_fee_amount_is_the_policys(clerk: User) -> None:
    from juzhu.policy.fees import fee_for

    assert fee_for(CaseKind.REISSUE).amount == Decimal("20")


# --------------------------------------------------------------------------- capabilities

# The workbench shows or hides each action by the capability in ``queries._NEEDS``; the services
# check their own (``staff_require`` in juzhu.registry.services).  The table cannot be derived from
# the services without editing them, so it is pinned here to what each service actually does.
SERVICE_OF: dict[AppAction, Callable[..., Any]] = {
    AppAction.NOTIFY: services.application_notify,
    AppAction.SUPPLEMENT: partial(services.application_supplement, documents=["photo"]),
    AppAction.ACCEPT: services.application_accept,
    AppAction.APPROVE: services.application_approve,
    AppAction.REFUSE: partial(services.application_refuse, reason="材料不实"),
    AppAction.ISSUE: services.application_issue,
    AppAction.WITHDRAW: partial(services.application_withdraw, replaced_by=None),
}
STAFF_CAPABILITIES = frozenset({"read", "counter", "decide", "sweep"})


def _refusal_of(service: Callable[..., Any], actor: User) -> str | None:
    """The code of the service's Forbidden for this actor, if any (a missing case is fine: not Forbidden)."""
    try:
        service(actor=actor, application_id=987654321)
    except Forbidden as exc:
        return exc.code
    except PolicyError:
        return None
    return None


def test_every_lifecycle_action_has_a_capability_and_a_service() -> None:
    assert set(queries._NEEDS) == set(APPLICATION_TABLE) == set(SERVICE_OF)


@pytest.mark.parametrize("action", list(AppAction))
def test_the_capability_the_workbench_shows_is_the_one_the_service_requires(
    action: AppAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    needed = queries._NEEDS[action]
    user = staff("pinned", Role.SUPERVISOR)
    monkeypatch.setitem(ROLE_CAPABILITIES, Role.SUPERVISOR, STAFF_CAPABILITIES - {needed})
    assert _refusal_of(SERVICE_OF[action], user) == "forbidden", f"{action} does not require {needed}"
    monkeypatch.setitem(ROLE_CAPABILITIES, Role.SUPERVISOR, frozenset({"read", needed}))
    assert _refusal_of(SERVICE_OF[action], user) is None, f"{action} requires more than {needed}"
