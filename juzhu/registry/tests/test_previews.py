"""Previews say exactly what the services then do, and write nothing.

王小明: permit issued Thu 2025-07-10; window 2026-06-10 … Fri 2026-07-10; suspended from 2026-07-11.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from juzhu.policy.endorsement import WindowState
from juzhu.policy.errors import InvalidInput, TransitionNotAllowed
from juzhu.policy.materials import CaseKind
from juzhu.registry import previews, services
from juzhu.registry.models import Permit, PermitHistory
from juzhu.registry.tests.factories import identity_number, issued_permit, today_is

pytestmark = pytest.mark.django_db

WANG = identity_number(date(1990, 5, 17))
DOCS = ["permit_card", "identity_card", "tenancy_contract"]


@pytest.fixture
def permit(clerk: User, supervisor: User) -> Permit:
    return issued_permit(
        clerk, supervisor, number=WANG, registered_on=date(2025, 1, 10), issued_on=date(2025, 7, 10)
    )


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (date(2026, 6, 9), WindowState.EARLY),
        (date(2026, 6, 10), WindowState.IN_WINDOW),
        (date(2026, 7, 10), WindowState.IN_WINDOW),
        (date(2026, 7, 11), WindowState.LATE),
    ],
)
def test_endorsement_state_around_the_window(permit: Permit, day: date, state: WindowState) -> None:
    assert previews.endorsement_state(permit, day).state is state


def test_late_state_names_the_suspension_day(permit: Permit) -> None:
    s = previews.endorsement_state(permit, date(2026, 8, 1))
    assert s.suspended_from == date(2026, 7, 11)
    assert "LH-3.2-endorse-late" in s.rules


@pytest.mark.parametrize("day", [date(2026, 7, 10), date(2026, 7, 11), date(2026, 8, 3)])
def test_endorse_preview_matches_the_service(clerk: User, permit: Permit, day: date) -> None:
    with today_is(day):
        preview = previews.endorse_preview(number=permit.number, documents=DOCS)
        assert PermitHistory.objects.filter(permit=permit).count() == 1  # nothing written
        done = services.permit_endorse(actor=clerk, number=permit.number, documents=DOCS)
    assert preview.decision == done.decision
    assert preview.residence_since_after == done.permit.residence_since
    assert preview.next_anniversary_after == done.permit.next_anniversary
    assert preview.status_after == done.permit.status
    assert preview.late is (day > date(2026, 7, 10))


def test_endorse_preview_refuses_what_the_service_refuses(permit: Permit) -> None:
    with today_is(date(2026, 6, 9)), pytest.raises(TransitionNotAllowed) as early:
        previews.endorse_preview(number=permit.number, documents=DOCS)
    assert early.value.code == "endorse-too-early"
    with today_is(date(2026, 7, 1)), pytest.raises(InvalidInput) as docs:
        previews.endorse_preview(number=permit.number, documents=["identity_card"])
    assert docs.value.code == "materials-incomplete"


def test_address_change_preview_matches_the_service(clerk: User, permit: Permit) -> None:
    with today_is(date(2026, 2, 10)):
        preview = previews.address_change_preview(
            number=permit.number, new_address="五原县某路1号", new_division="150821", documents=DOCS
        )
        permit.refresh_from_db()
        assert permit.issue_date == date(2025, 7, 10)
        done = services.permit_change_address(
            actor=clerk,
            number=permit.number,
            new_address="五原县某路1号",
            new_division="150821",
            documents=DOCS,
        )
    assert preview.effect == done.effect
    assert preview.restarts and preview.effect.rule == "LH-3.2-change-same-city"


def test_address_change_preview_within_the_district_shows_the_registration_due(permit: Permit) -> None:
    with today_is(date(2026, 2, 10)):
        preview = previews.address_change_preview(
            number=permit.number,
            new_address="临河区胜利路8号",
            new_division="150802",
            documents=DOCS,
            police_station="150802001",
            moved_on=date(2026, 2, 6),
        )
    assert not preview.restarts
    assert preview.registration is not None
    assert preview.registration.due_on == date(2026, 2, 9)  # Fri 6 + 3 = Mon 9, a working day
    assert preview.registration.on_time is False


def test_application_preview_shows_the_fee_and_what_is_missing(permit: Permit) -> None:
    with today_is(date(2026, 1, 20)):
        reissue = previews.application_preview(
            kind="reissue", identity_number=WANG, police_station="150802001", documents=["identity_card"]
        )
        with pytest.raises(TransitionNotAllowed):
            previews.application_preview(
                kind=CaseKind.FIRST_ISSUE, identity_number=WANG, police_station="150802001", documents=[]
            )
        with pytest.raises(InvalidInput):
            previews.application_preview(
                kind="endorsement", identity_number=WANG, police_station="150802001", documents=[]
            )
    assert str(reissue.fee.amount) == "20"
    assert [r.key for r in reissue.missing] == ["photo"]
    assert reissue.old_permit == permit


def test_registration_preview_due_date_on_both_sides(clerk: User) -> None:
    li = identity_number(date(1985, 11, 3), seq=246)
    kw = {"identity_number": li, "hukou_division": "510121", "police_station": "150802001"}
    with today_is(date(2026, 3, 6)):
        last_good = previews.registration_preview(
            **kw, arrived_on=date(2026, 3, 2), declared_on=date(2026, 3, 5)
        )
        first_bad = previews.registration_preview(
            **kw, arrived_on=date(2026, 3, 2), declared_on=date(2026, 3, 6)
        )
    assert (last_good.due.due_on, last_good.due.on_time) == (date(2026, 3, 5), True)
    assert first_bad.due.on_time is False
    assert last_good.person is None
