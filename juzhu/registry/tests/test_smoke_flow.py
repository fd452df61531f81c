from datetime import date

from juzhu.policy.materials import CaseKind
from juzhu.registry import services
from juzhu.registry.tests.factories import identity_number, issued_permit, new_card, today_is


def test_first_issue_endorse_reissue_flow(clerk, supervisor):
    num = identity_number(date(1990, 5, 17))
    permit = issued_permit(
        clerk, supervisor, number=num, registered_on=date(2025, 1, 10), issued_on=date(2025, 7, 10)
    )
    assert permit.status == "valid"
    assert permit.next_anniversary == date(2026, 7, 10)
    with today_is(date(2026, 7, 1)):
        r = services.permit_endorse(
            actor=clerk, number=permit.number, documents=["permit_card", "identity_card", "tenancy_contract"]
        )
    assert r.decision.kind == "on_time"
    assert r.permit.next_anniversary == date(2027, 7, 10)
    card = new_card(clerk, r.permit, CaseKind.REISSUE, date(2026, 8, 1))
    assert card.issue_date == date(2025, 7, 10)
    assert services.permits_sweep(on=date(2026, 8, 2)).suspended == 0
