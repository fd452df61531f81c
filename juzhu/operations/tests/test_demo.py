"""The demo data: every state is there, through the real services, and loading twice changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.audit.models import AuditEvent
from juzhu.employers.models import Employer
from juzhu.enforcement.models import Case
from juzhu.entitlements.models import HouseholdLink
from juzhu.operations.demo import load_demo
from juzhu.registry.demo import home_station
from juzhu.registry.models import Application, Permit, PermitHistory, Person
from juzhu.sharing.models import DepartmentCredential


@pytest.mark.django_db
def test_the_demo_covers_every_state_and_loads_once():
    today = date(2026, 11, 26)
    first = load_demo(today, persons=34)
    assert first["loaded"] is True
    assert "skipped" not in first
    assert set(Application.objects.values_list("status", flat=True)) >= {
        "received", "notified", "accepted", "approved", "refused", "issued",
    }  # fmt: skip
    assert set(Permit.objects.values_list("status", flat=True)) == {"valid", "suspended", "void"}
    assert set(PermitHistory.objects.values_list("event", flat=True)) >= {
        "issued", "endorsed", "endorsed_late", "suspended", "address_changed", "replaced", "reissued", "voided",
    }  # fmt: skip
    accepted = Application.objects.filter(status="accepted")
    assert any((a.due_on or a.due_nominal) < today for a in accepted)  # the queue's "overdue" badge
    assert any((a.due_on or a.due_nominal) >= today for a in accepted)
    for app in Application.objects.select_related("person"):  # filed at the person's own station
        assert app.police_station.code == home_station(app.person) or app.person.permits.exists()
    assert Application.objects.values("police_station").distinct().count() > 1
    assert Employer.objects.count() == 3
    assert Case.objects.filter(status="fined").exists()
    assert HouseholdLink.objects.exists()
    assert DepartmentCredential.objects.count() == 3
    counts = (Person.objects.count(), AuditEvent.objects.count())
    assert load_demo(today, persons=34) == {"loaded": False}
    assert (Person.objects.count(), AuditEvent.objects.count()) == counts


@pytest.mark.django_db
def test_the_demo_has_online_applications_with_files_and_holders_to_remind(settings, tmp_path):
    from juzhu.notifications.models import Notification
    from juzhu.registry.models import ApplicationDocument

    settings.JUZHU_UPLOAD_ROOT = tmp_path
    load_demo(date(2026, 11, 26), persons=34)
    online = Application.objects.filter(channel="online")
    assert sorted(online.values_list("status", flat=True)) == ["notified", "received", "received"]
    assert ApplicationDocument.objects.filter(application__in=online).count() == 7
    # one awaits the clerk's one-time notice: a material missing, no notice yet
    waiting = [a for a in online.filter(status="received", notice__isnull=True) if "photo" not in a.documents]
    assert len(waiting) == 1
    assert all((tmp_path / d.storage_name).is_file() for d in ApplicationDocument.objects.all())
    assert Notification.objects.exists()
    assert not Notification.objects.filter(recipient="demo").exists()


@pytest.mark.django_db
def test_the_tours_online_applicant_is_registered_and_may_apply(settings, tmp_path):
    from juzhu.applicants.services import code_check, code_send
    from juzhu.applicants.tests.helpers import last_code
    from juzhu.operations.demo import TOUR_APPLICANT, TOUR_APPLICANT_PHONE
    from juzhu.policy.materials import CaseKind
    from juzhu.policy.proof import Purpose
    from juzhu.registry import clock
    from juzhu.registry.online import Upload, applicant_match, application_submit_online

    settings.JUZHU_UPLOAD_ROOT = tmp_path
    today = date(2026, 11, 26)
    load_demo(today, persons=17)
    name, number = TOUR_APPLICANT
    with clock.at(today):
        person = applicant_match(number, name)
        # The tour's code goes to the mobile number on record (printed by the console SMS backend).
        sent = code_send(person_id=person.pk, purpose=Purpose.APPLY, target_id=person.pk, address="127.0.0.1")
        proof = code_check(code_id=sent.code_id, code=last_code(TOUR_APPLICANT_PHONE))
        app = application_submit_online(
            proof=proof, kind=CaseKind.FIRST_ISSUE, police_station="150802001",
            uploads=[Upload(doc="photo", name="p.pdf", data=b"%PDF-1.4\n%%EOF\n")],
        )  # fmt: skip
    assert app.status == "received"
