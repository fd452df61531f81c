from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from juzhu.registry import clock
from juzhu.registry.services import permits_sweep


class Command(BaseCommand):
    help = (
        "Run the daily sweep: store rolled endorsement deadlines and suspend overdue permits "
        "(LH-3.2-endorse-overdue)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        on = opts["date"] or clock.today()
        r = permits_sweep(on=on)
        self.stdout.write(f"sweep {r.on}: {r.rolled} deadlines rolled, {r.suspended} permits suspended")
