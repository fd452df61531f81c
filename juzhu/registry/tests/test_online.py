"""The online channel's services: a proof first, the counter's refusals, uploads checked by content, no actor."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from juzhu.accounts.models import Role
from juzhu.audit.models import AuditEvent
from juzhu.policy.errors import Forbidden, InvalidInput, NotEligible, NotFound, TransitionNotAllowed
from juzhu.policy.identity import InvalidIdentityNumber
from juzhu.policy.lifecycle import AppStatus
from juzhu.policy.materials import CaseKind
from juzhu.policy.proof import CODES, Proof, Purpose
from juzhu.registry import clock, online, previews, services
from juzhu.registry.models import Application, ApplicationDocument, Person
from juzhu.registry.online import Upload
from juzhu.registry.tests.factories import identity_number, issued_permit, registered, staff, today_is

pytestmark = pytest.mark.django_db

WANG = identity_number(date(1990, 5, 17))  # 王小明, the factories' default person
LI = identity_number(date(1985, 11, 3), seq=246)
CHILD = identity_number(date(2015, 3, 1), seq=124)  # under 16 on every test date: a proxy may act
STATION = "150802001"
DAY = date(2026, 7, 6)  # registered 2026-01-05: six months complete on 2026-07-05
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Path) -> None:
    settings.JUZHU_UPLOAD_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clerk() -> Any:
    return staff("clerk1", Role.CLERK)


@pytest.fixture
def supervisor() -> Any:
    return staff("supervisor", Role.SUPERVISOR)


def proof_for(
    identity: str, name: str, purpose: Purpose = Purpose.APPLY, target_id: int | None = None
) -> Proof:
    """What the code screen hands over once the code comes back (juzhu.applicants.services.code_check)."""
    with today_is(DAY):
        person = online.applicant_match(identity, name)
    return Proof(
        person_id=person.pk,
        purpose=purpose,
        target_id=person.pk if target_id is None else target_id,
        verified_at=clock.now(),
        code_id=41,
    )


def progress_proof(app: Application) -> Proof:
    return Proof(app.person_id, Purpose.PROGRESS, app.pk, clock.now(), code_id=42)


def _submit(**kw: Any) -> Application:
    identity, name = kw.pop("identity_number", WANG), kw.pop("name", "王小明")
    args: dict[str, Any] = {
        "kind": "first_issue",
        "police_station": STATION,
        "uploads": [Upload("identity_card", "id.png", PNG), Upload("photo", "me.jpg", JPEG)],
    }
    args.update(kw)
    args.setdefault("proof", proof_for(identity, name))
    with today_is(DAY):
        return online.application_submit_online(**args)


def test_an_online_application_is_received_with_its_files_stored_by_sha256(clerk, settings) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    app = _submit(
        uploads=[Upload("identity_card", "身份证.png", PNG), Upload("labour_contract", "c.pdf", PDF)]
    )
    assert app.number == "SQ20260000001"
    assert (app.channel, app.status, app.submitted_on) == ("online", AppStatus.RECEIVED, DAY)
    assert app.documents == ["identity_card", "labour_contract"]
    rows = list(ApplicationDocument.objects.filter(application=app).order_by("doc"))
    assert [(r.doc, r.content_type, r.original_name, r.uploaded_by) for r in rows] == [
        ("identity_card", "image/png", "身份证.png", None),
        ("labour_contract", "application/pdf", "c.pdf", None),
    ]
    sha = hashlib.sha256(PNG).hexdigest()
    assert rows[0].sha256 == sha and rows[0].storage_name == f"{sha[:2]}/{sha}"
    assert (Path(settings.JUZHU_UPLOAD_ROOT) / rows[0].storage_name).read_bytes() == PNG
    assert online.upload_path(rows[0]).read_bytes() == PNG
    event = AuditEvent.objects.get(code="application.received", subject_id=str(app.pk))
    assert event.actor is None and event.actor_label == "system"
    assert event.new["channel"] == "online"
    assert event.new["verified"] == "sms-code:41"  # the code's row, never the code
    assert [u["doc"] for u in event.new["uploads"]] == ["identity_card", "labour_contract"]


def test_a_name_that_does_not_match_is_refused_like_an_unknown_number(clerk) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with pytest.raises(NotFound) as wrong_name:
        online.applicant_match(WANG, "王大明")
    with pytest.raises(NotFound) as unknown:
        online.applicant_match(LI, "王小明")
    assert wrong_name.value.code == unknown.value.code == "applicant-not-matched"
    assert wrong_name.value.zh == unknown.value.zh
    assert online.applicant_match(WANG, " 王 小明 ").identity_number == WANG  # spaces are not a mismatch


def test_an_invalid_identity_number_is_refused_by_its_rule() -> None:
    with pytest.raises(InvalidIdentityNumber):
        online.applicant_match("510121199005171230", "王小明")


@pytest.mark.parametrize(
    "spoil",
    [
        lambda p: None,  # no code given at all
        lambda p: Proof(p.person_id, Purpose.PROGRESS, p.target_id, p.verified_at),  # a code for another page
        lambda p: Proof(p.person_id, p.purpose, p.target_id, p.verified_at - CODES.verified_for),  # expired
    ],
    ids=["no-proof", "other-purpose", "expired"],
)
def test_nothing_is_filed_online_without_a_current_proof_for_applying(clerk, settings, spoil) -> None:
    """Knowing a name and an identity number is not enough to file in the person's name."""
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with pytest.raises(Forbidden) as exc:
        _submit(proof=spoil(proof_for(WANG, "王小明")))
    assert (exc.value.code, exc.value.rule, exc.value.kind) == (
        "code-required",
        "N-17-confidentiality",
        "forbidden",
    )
    _nothing_written(settings)


def test_a_proof_is_good_until_the_last_moment_of_its_lifetime(clerk) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    fresh = proof_for(WANG, "王小明")
    last = Proof(
        fresh.person_id,
        fresh.purpose,
        fresh.target_id,
        clock.now() - CODES.verified_for + timedelta(seconds=5),
    )
    assert _submit(proof=last).channel == "online"


def test_a_text_file_renamed_png_is_refused_naming_the_field_and_nothing_is_written(clerk, settings) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with pytest.raises(InvalidInput) as exc:
        _submit(
            uploads=[
                Upload("identity_card", "id.png", PNG, field="file_identity_card"),
                Upload("photo", "photo.png", b"just some text\n", field="file_photo"),
            ]
        )
    assert (exc.value.code, exc.value.rule, tuple(exc.value.fields)) == (
        "upload-type",
        "N-9-materials",
        ("file_photo",),
    )
    assert Application.objects.count() == ApplicationDocument.objects.count() == 0
    assert not Path(settings.JUZHU_UPLOAD_ROOT).exists()


def _nothing_written(settings: Any) -> None:
    assert Application.objects.count() == ApplicationDocument.objects.count() == 0
    assert not AuditEvent.objects.filter(code="application.received").exists()
    assert not Path(settings.JUZHU_UPLOAD_ROOT).exists()  # no file stored


def test_an_online_first_issue_the_day_before_six_months_is_refused_with_the_date(clerk, settings) -> None:
    """Refused at once, not received as "materials complete": acceptance would refuse it today."""
    registered(clerk, number=WANG, registered_on=date(2026, 1, 7))  # six months complete on 2026-07-07
    with pytest.raises(NotEligible) as exc:  # on DAY, 2026-07-06
        _submit(uploads=[Upload("identity_card", "id.png", PNG), Upload("labour_contract", "c.pdf", PDF)])
    assert exc.value.kind == "invalid"  # 422
    assert [r.as_dict("en") for r in exc.value.reasons] == [
        {
            "rule": "LH-3.1-registered-6m",
            "code": "registered-too-short",
            "message": "Registered for less than 6 months (since 2026-01-07); eligible from 2026-07-07.",
            "field": "registration_date",
            "earliest": "2026-07-07",
        }
    ]
    _nothing_written(settings)


def test_an_online_first_issue_on_the_first_eligible_day_is_received(clerk) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 7))
    proof = proof_for(WANG, "王小明")
    with today_is(date(2026, 7, 7)):
        app = online.application_submit_online(
            proof=proof,
            kind="first_issue",
            police_station=STATION,
            uploads=[Upload("identity_card", "id.png", PNG)],
        )
    assert (app.status, app.submitted_on) == (AppStatus.RECEIVED, date(2026, 7, 7))


def test_the_tour_registering_today_and_applying_online_is_refused_with_the_date(clerk, settings) -> None:
    """README tour: the clerk registers a new person, who then applies online the same day."""
    registered(clerk, number=WANG, registered_on=DAY)
    with pytest.raises(NotEligible) as exc:
        _submit()
    assert [(r.rule, r.earliest) for r in exc.value.reasons] == [("LH-3.1-registered-6m", date(2027, 1, 6))]
    assert "2027-01-06" in exc.value.zh and "2027-01-06" in exc.value.en
    _nothing_written(settings)


def test_an_online_first_issue_with_a_local_hukou_lists_every_condition_no_document_cures(
    clerk, settings
) -> None:
    local = identity_number(date(1991, 1, 1), place="150802")
    registered(clerk, number=local, registered_on=date(2026, 5, 1), hukou="150802")
    with pytest.raises(NotEligible) as exc:
        _submit(identity_number=local, uploads=[Upload("photo", "me.jpg", JPEG)])  # no condition proof
    assert [(r.rule, r.earliest) for r in exc.value.reasons] == [
        ("LH-3.1-hukou", None),
        ("LH-3.1-registered-6m", date(2026, 11, 1)),
    ]
    _nothing_written(settings)


def test_a_replacement_online_is_not_judged_on_the_first_issue_conditions(clerk, supervisor) -> None:
    """LH-3.1 is judged for a first issue only; a holder who re-registered recently may replace a card."""
    issued_permit(clerk, supervisor, number=WANG, registered_on=date(2025, 1, 6), issued_on=date(2025, 7, 10))
    registered(clerk, number=WANG, registered_on=date(2026, 6, 1))
    app = _submit(kind="reissue", reissue_reason="lost")
    assert app.kind == "reissue"


def test_the_size_limit_is_inclusive(clerk, settings) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    settings.JUZHU_UPLOAD_MAX_BYTES = len(PNG)
    with pytest.raises(InvalidInput) as exc:
        _submit(uploads=[Upload("photo", "p.png", PNG + b"\x00", field="file_photo")])
    assert exc.value.code == "upload-too-large" and tuple(exc.value.fields) == ("file_photo",)
    assert _submit(uploads=[Upload("photo", "p.png", PNG)]).documents == ["photo"]


def test_only_materials_of_the_checklist_may_be_uploaded(clerk) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with pytest.raises(InvalidInput) as exc:
        _submit(uploads=[Upload("permit_card", "old.png", PNG, field="file_old_card")])
    assert exc.value.code == "upload-not-asked" and tuple(exc.value.fields) == ("file_old_card",)


def test_the_counters_refusals_apply_online(clerk) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    registered(clerk, number=LI, registered_on=date(2026, 1, 5), name="李四")
    _submit()
    with pytest.raises(TransitionNotAllowed) as exc:
        _submit()
    assert (exc.value.code, exc.value.rule) == ("application-open", "LH-3.2-issue-15d")
    with pytest.raises(TransitionNotAllowed) as exc:
        _submit(identity_number=LI, name="李四", kind="reissue", reissue_reason="lost")
    assert (exc.value.code, exc.value.rule) == ("no-permit", "LH-3.2-replace")
    with pytest.raises(InvalidInput) as bad:
        _submit(identity_number=LI, name="李四", kind="endorsement")
    assert tuple(bad.value.fields) == ("kind",)


def test_a_first_issue_is_refused_to_a_holder_and_a_reissue_needs_its_reason(clerk, supervisor) -> None:
    issued_permit(clerk, supervisor, number=WANG, registered_on=date(2025, 1, 6), issued_on=date(2025, 7, 10))
    with pytest.raises(TransitionNotAllowed) as exc:
        _submit()
    assert (exc.value.code, exc.value.rule) == ("already-holds-permit", "LH-3.2-replace")
    with pytest.raises(InvalidInput) as bad:
        _submit(kind="reissue")
    assert (bad.value.code, tuple(bad.value.fields)) == ("reissue-reason", ("reissue_reason",))
    app = _submit(kind="reissue", reissue_reason="lost")
    assert (app.kind, app.reissue_reason, app.old_permit is not None) == ("reissue", "lost", True)


def test_a_proxy_is_checked_by_the_counters_rule(clerk) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with pytest.raises(InvalidInput) as exc:
        _submit(proxy={"name": "李四", "identity_number": LI, "relation": "spouse"})
    assert exc.value.rule == "LH-3.2-proxy"
    registered(clerk, number=CHILD, registered_on=date(2026, 1, 5), name="王小宝")
    app = _submit(
        identity_number=CHILD,
        name="王小宝",
        proxy={"name": "王小明", "identity_number": WANG, "relation": "parent"},
        uploads=[Upload("household_register", "hk.pdf", PDF)],
    )
    assert (app.proxy_relation, app.proxy_identity_number, app.documents) == (
        "parent",
        WANG,
        ["household_register"],
    )


def test_contact_details_typed_online_stay_on_the_application_never_on_the_person(clerk) -> None:
    """An anonymous form must not redirect a holder's reminders (N-17-confidentiality)."""
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5), phone="13800000000")
    with pytest.raises(InvalidInput) as exc:
        _submit(email="not-an-address")
    assert tuple(exc.value.fields) == ("email",)
    app = _submit(phone="13900000000", email="wang@example.cn")
    assert (app.contact_phone, app.contact_email) == ("13900000000", "wang@example.cn")
    person = Person.objects.get(identity_number=WANG)
    assert (person.phone, person.email) == ("13800000000", "")  # neither overwritten nor filled in
    assert not AuditEvent.objects.filter(code="person.updated").exists()
    event = AuditEvent.objects.get(code="application.received", subject_id=str(app.pk))
    assert event.actor is None
    assert (event.new["contact_phone"], event.new["contact_email"]) == ("139****0000", "w***@example.cn")
    assert "13900000000" not in str(event.new) and "wang@example.cn" not in str(event.new)


def test_an_online_application_without_contact_details_records_none(clerk) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    app = _submit()
    assert (app.contact_phone, app.contact_email) == ("", "")
    event = AuditEvent.objects.get(code="application.received", subject_id=str(app.pk))
    assert "contact_phone" not in event.new and "contact_email" not in event.new


def test_the_applicant_finds_the_case_only_with_both_numbers(clerk) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    registered(clerk, number=LI, registered_on=date(2026, 1, 5), name="李四")
    app = _submit()
    with today_is(DAY):
        assert online.application_for_applicant(app.number.lower(), WANG).pk == app.pk
        errors = []
        for number, ident in [(app.number, LI), ("SQ20260000009", WANG), (app.number, "123")]:
            with pytest.raises(NotFound) as exc:
                online.application_for_applicant(number, ident)
            errors.append((exc.value.code, exc.value.zh, tuple(exc.value.fields)))
    assert len(set(errors)) == 1


def test_supplement_online_only_after_the_notice_and_only_its_items(clerk, supervisor) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    app = _submit(uploads=[Upload("identity_card", "id.png", PNG)])
    proof = progress_proof(app)
    with today_is(DAY):
        with pytest.raises(TransitionNotAllowed):  # received: no notice yet
            online.application_supplement_online(proof=proof, uploads=[])
        notice = services.application_notify(actor=clerk, application_id=app.pk)
        assert [i["key"] for i in notice.items] == ["photo", "condition_evidence"]
        with pytest.raises(InvalidInput) as exc:
            online.application_supplement_online(
                proof=proof, uploads=[Upload("permit_card", "c.png", PNG, field="file_x")]
            )
        assert (exc.value.code, exc.value.rule) == ("upload-not-asked", "LH-3.2-one-time-notice")
        with pytest.raises(Forbidden):  # a proof for applying does not open the case's supplement
            online.application_supplement_online(
                proof=proof_for(WANG, "王小明"), uploads=[Upload("photo", "p.jpg", JPEG)]
            )
        done = online.application_supplement_online(
            proof=proof, uploads=[Upload("photo", "p.jpg", JPEG), Upload("tenancy_contract", "t.pdf", PDF)]
        )
        assert done.documents == ["identity_card", "photo", "tenancy_contract"]
        assert done.status == AppStatus.NOTIFIED
        services.application_accept(actor=clerk, application_id=app.pk)
        with pytest.raises(TransitionNotAllowed):
            online.application_supplement_online(proof=proof, uploads=[Upload("photo", "p.jpg", JPEG)])
    event = AuditEvent.objects.get(code="application.supplemented")
    assert event.actor is None and event.rule == "LH-3.2-one-time-notice"
    assert event.new["documents"] == ["identity_card", "photo", "tenancy_contract"]
    assert event.new["verified"] == "sms-code:42"
    assert ApplicationDocument.objects.filter(application=app).count() == 3


def test_a_proof_opens_only_its_own_case(clerk) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    registered(clerk, number=LI, registered_on=date(2026, 1, 5), name="李四")
    mine, theirs = _submit(), _submit(identity_number=LI, name="李四")
    assert online.application_for_proof(progress_proof(mine)).pk == mine.pk
    forged = Proof(mine.person_id, Purpose.PROGRESS, theirs.pk, clock.now())  # my person, their case
    with pytest.raises(NotFound):
        online.application_for_proof(forged)


def test_files_no_upload_names_are_removed_once_a_day_old(clerk, settings) -> None:
    """A request that stored its files and then rolled back leaves them unnamed: the daily run removes them."""
    import os

    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    app = _submit()
    root = Path(settings.JUZHU_UPLOAD_ROOT)
    kept = {r.storage_name for r in ApplicationDocument.objects.filter(application=app)}
    orphan = root / "ab" / ("ab" + "0" * 62)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(PNG)
    now = orphan.stat().st_mtime
    day = online.ORPHAN_MIN_AGE.total_seconds()
    for rel in kept:  # the named files are as old as the orphan: age alone never removes them
        os.utime(root / rel, (now - 2 * day, now - 2 * day))
    os.utime(orphan, (now - day + 60, now - day + 60))
    assert online.uploads_orphans_remove(now=now) == 0  # a minute short of a day: it may be in flight
    os.utime(orphan, (now - day - 60, now - day - 60))
    assert online.uploads_orphans_remove(now=now) == 1
    assert not orphan.exists()
    assert all((root / rel).is_file() for rel in kept)


# --------------------------------------------------------------------------- the counter is never blocked


def _counter(clerk: Any, kind: str = "first_issue", **kw: Any) -> Application:
    with today_is(DAY):
        return services.application_submit(
            actor=clerk,
            kind=CaseKind(kind),
            identity_number=WANG,
            police_station=STATION,
            documents=["identity_card", "photo", "labour_contract"],
            **kw,
        )


@pytest.mark.parametrize("notified", [False, True], ids=["received", "notified"])
def test_a_counter_application_replaces_an_online_one_not_yet_accepted(clerk, notified: bool) -> None:
    """The person at the counter with the identity card decides: the online case is withdrawn, not a 409."""
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    online_app = _submit()
    if notified:
        with today_is(DAY):
            services.application_notify(actor=clerk, application_id=online_app.pk)
    with today_is(DAY):
        preview = previews.application_preview(
            kind="first_issue", identity_number=WANG, police_station=STATION, documents=["identity_card"]
        )
    assert preview.replaces is not None and preview.replaces.pk == online_app.pk
    counter = _counter(clerk)
    online_app.refresh_from_db()
    assert (counter.status, counter.channel) == (AppStatus.RECEIVED, "counter")
    assert (online_app.status, online_app.decided_on, online_app.decision_rule) == (
        AppStatus.WITHDRAWN,
        DAY,
        "LH-3.2-issue-15d",
    )
    assert counter.number in online_app.decision_reason
    assert ApplicationDocument.objects.filter(application=online_app).count() == 2  # the files stay
    received = AuditEvent.objects.get(code="application.received", subject_id=str(counter.pk))
    withdrawn = AuditEvent.objects.get(code="application.withdrawn")
    assert received.new["replaces"] == online_app.number
    assert (withdrawn.actor, withdrawn.subject_id, withdrawn.new) == (
        clerk,
        str(online_app.pk),
        {"status": "withdrawn", "replaced_by": counter.number},
    )
    assert withdrawn.old == {"status": "notified" if notified else "received"}


def test_an_accepted_online_case_still_blocks_a_second_application(clerk) -> None:
    """Once accepted, the 15-day clock runs: the counter finishes or refuses that case instead."""
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    online_app = _submit(uploads=[Upload("identity_card", "i.png", PNG), Upload("photo", "p.jpg", JPEG),
                                  Upload("labour_contract", "c.pdf", PDF)])  # fmt: skip
    with today_is(DAY):
        services.application_accept(actor=clerk, application_id=online_app.pk)
    with pytest.raises(TransitionNotAllowed) as exc:
        _counter(clerk)
    assert (exc.value.code, exc.value.rule) == ("application-open", "LH-3.2-issue-15d")


def test_a_counter_case_blocks_an_online_one_and_is_never_withdrawn(clerk) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    counter = _counter(clerk)
    with pytest.raises(TransitionNotAllowed) as exc:
        _submit()
    assert exc.value.code == "application-open" and "进度查询" in exc.value.zh  # worded to the applicant
    with pytest.raises(TransitionNotAllowed) as refused, today_is(DAY):
        services.application_withdraw(actor=clerk, application_id=counter.pk, replaced_by=counter)
    assert refused.value.code == "withdraw-counter-case"


def test_the_third_party_reissue_never_exists_so_the_holders_counter_reissue_goes_through(
    clerk, supervisor
) -> None:
    """Issue 8: someone who knows the holder's name and number filed a reissue online, and the holder's
    own counter application got 409.  Without the code nothing is filed; the counter is received."""
    issued_permit(clerk, supervisor, number=WANG, registered_on=date(2025, 1, 6), issued_on=date(2025, 7, 10))
    with pytest.raises(Forbidden):
        _submit(proof=None, kind="reissue", reissue_reason="lost")
    assert not Application.objects.filter(channel="online").exists()
    counter = _counter(clerk, kind="replacement", reissue_reason="")
    assert counter.status == AppStatus.RECEIVED
