from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from juzhu.employers.services import employment_deadlines_settle
from juzhu.notifications.services import outbox_send, reminders_enqueue
from juzhu.registry import clock
from juzhu.registry.online import uploads_orphans_remove
from juzhu.registry.services import permits_sweep
from juzhu.sharing.alerts import reads_alert_raise


class Command(BaseCommand):
    help = (
        "The daily run: store deadlines whose year's calendar is now known, and suspend overdue permits "
        "(LH-3.2-endorse-overdue, LH-4-employer-report-5wd), then queue and send the endorsement "
        "reminders (LH-3.2-endorse-window), remove uploaded files no application names, and flag the accounts "
        "that read more people's records the day before than the alert threshold (N-17). Safe to re-run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        on = opts["date"] or clock.today()
        r = permits_sweep(on=on)
        settled = employment_deadlines_settle()
        self.stdout.write(
            f"daily run {r.on}: {r.rolled} permit deadlines rolled, {r.suspended} permits suspended, "
            f"{settled} employment report deadlines settled"
        )
        # Reminders last, once the suspensions above are committed: a permit suspended today gets none.
        queued = reminders_enqueue(on)
        sent = outbox_send()
        self.stdout.write(
            f"reminders {queued.on}: {queued.queued} queued, {sent.sent} sent, {sent.failed} failed"
        )
        # Files left by online requests that rolled back after storing them (juzhu.registry.online).
        self.stdout.write(f"uploads: {uploads_orphans_remove()} unreferenced files removed")
        # Bulk reading (N-17-confidentiality): the last whole day before the run's date.
        alerts = reads_alert_raise(on - timedelta(days=1))
        self.stdout.write(
            f"bulk reading {alerts.day}: {len(alerts.flagged)} accounts above {alerts.threshold} people, "
            f"{alerts.raised} alerts raised"
        )
