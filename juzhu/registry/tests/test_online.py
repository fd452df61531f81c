"""The online channel's services: the counter's refusals, uploads checked by content, audited with no actor."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from juzhu.accounts.models import Role
from juzhu.audit.models import AuditEvent
from juzhu.policy.errors import InvalidInput, NotEligible, NotFound, TransitionNotAllowed
from juzhu.policy.identity import InvalidIdentityNumber
from juzhu.policy.lifecycle import AppStatus
from juzhu.registry import online, services
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


def _submit(**kw: Any) -> Application:
    args: dict[str, Any] = {
        "kind": "first_issue",
        "identity_number": WANG,
        "name": "王小明",
        "police_station": STATION,
        "uploads": [Upload("identity_card", "id.png", PNG), Upload("photo", "me.jpg", JPEG)],
    }
    args.update(kw)
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
    assert [u["doc"] for u in event.new["uploads"]] == ["identity_card", "labour_contract"]


def test_a_name_that_does_not_match_is_refused_like_an_unknown_number(clerk) -> None:
    registered(clerk, number=WANG, registered_on=date(2026, 1, 5))
    with pytest.raises(NotFound) as wrong_name:
        _submit(name="王大明")
    with pytest.raises(NotFound) as unknown:
        _submit(identity_number=LI, name="王小明")
    assert wrong_name.value.code == unknown.value.code == "applicant-not-matched"
    assert wrong_name.value.zh == unknown.value.zh
    assert Application.objects.count() == 0


def test_an_invalid_identity_number_is_refused_by_its_rule() -> None:
    with pytest.raises(InvalidIdentityNumber):
        _submit(identity_number="510121199005171230")


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
    with today_is(date(2026, 7, 7)):
        app = online.application_submit_online(
            kind="first_issue",
            identity_number=WANG,
            name="王小明",
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
    with today_is(DAY):
        with pytest.raises(TransitionNotAllowed):  # received: no notice yet
            online.application_supplement_online(number=app.number, identity_number=WANG, uploads=[])
        notice = services.application_notify(actor=clerk, application_id=app.pk)
        assert [i["key"] for i in notice.items] == ["photo", "condition_evidence"]
        with pytest.raises(InvalidInput) as exc:
            online.application_supplement_online(
                number=app.number,
                identity_number=WANG,
                uploads=[Upload("permit_card", "c.png", PNG, field="file_x")],
            )
        assert (exc.value.code, exc.value.rule) == ("upload-not-asked", "LH-3.2-one-time-notice")
        done = online.application_supplement_online(
            number=app.number,
            identity_number=WANG,
            uploads=[Upload("photo", "p.jpg", JPEG), Upload("tenancy_contract", "t.pdf", PDF)],
        )
        assert done.documents == ["identity_card", "photo", "tenancy_contract"]
        assert done.status == AppStatus.NOTIFIED
        services.application_accept(actor=clerk, application_id=app.pk)
        with pytest.raises(TransitionNotAllowed):
            online.application_supplement_online(
                number=app.number, identity_number=WANG, uploads=[Upload("photo", "p.jpg", JPEG)]
            )
    event = AuditEvent.objects.get(code="application.supplemented")
    assert event.actor is None and event.rule == "LH-3.2-one-time-notice"
    assert event.new["documents"] == ["identity_card", "photo", "tenancy_contract"]
    assert ApplicationDocument.objects.filter(application=app).count() == 3


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
