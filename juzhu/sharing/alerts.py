"""The bulk-reading alert: the daily run flags each account that opened more people's records in a
day than the deployment's threshold (GB/T 22239-2019 8.1.5.2 b; N-17-confidentiality).

Each flagged account gets one audit event ``reads.bulk_alert`` per day (the audit administrator's
trail shows it; a re-run of the same day writes none) and one warning in the server log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction

from juzhu.audit.models import AuditEvent
from juzhu.audit.services import audit_record
from juzhu.policy.reads import RULE, RankedReader, readers_ranked
from juzhu.sharing.selectors import read_alert_threshold, reader_tallies

log = logging.getLogger("juzhu.access")

ALERT_CODE = "reads.bulk_alert"  # juzhu.policy.audit_events names it


@dataclass(frozen=True)
class ReadAlerts:
    day: date
    threshold: int
    flagged: list[RankedReader]  # every account above the threshold that day
    raised: int  # audit events written now (an earlier run of the day wrote the others)


@transaction.atomic
def reads_alert_raise(day: date) -> ReadAlerts:
    """Flag the accounts above the threshold on ``day`` (a whole local day, usually yesterday)."""
    threshold = read_alert_threshold()
    flagged = [r for r in readers_ranked(reader_tallies(day, day), threshold) if r.flagged]
    raised = 0
    for r in flagged:
        t = r.tally
        if AuditEvent.objects.filter(
            code=ALERT_CODE, subject_type="user", subject_id=str(t.account_id), new__day=day.isoformat()
        ).exists():
            continue
        audit_record(
            actor=None,
            code="reads.bulk_alert",
            subject=User.objects.get(pk=t.account_id),
            rule=RULE,
            new={"day": day.isoformat(), "records": t.busiest_day_records, "threshold": threshold},
        )
        raised += 1
        log.warning(
            "bulk reading on %s: account %s opened the records of %d people (threshold %d)",
            day.isoformat(),
            t.account,
            t.busiest_day_records,
            threshold,
        )
    return ReadAlerts(day, threshold, flagged, raised)
