from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from juzhu.policy.errors import PolicyError
from juzhu.workcal.services import holidays_import_csv


class Command(BaseCommand):
    help = (
        "Import holiday overrides from a CSV with columns date,is_working_day,note (T-workdays). "
        "With --declare-years, each year in the file is declared complete: use it only for a file that "
        "holds a year's whole State Council schedule (e.g. a year the calendar library does not know)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_path", type=Path)
        parser.add_argument("--declare-years", action="store_true", help="mark the file's years as complete")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            n = holidays_import_csv(
                opts["csv_path"].read_text(encoding="utf-8-sig"), declare_years=opts["declare_years"]
            )
        except PolicyError as e:
            raise CommandError(e.message()) from e
        self.stdout.write(f"imported {n} rows")
