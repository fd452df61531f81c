from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from juzhu.policy.errors import PolicyError
from juzhu.workcal.services import holidays_import_csv


class Command(BaseCommand):
    help = (
        "Import holiday overrides from a CSV with columns date,is_working_day,note (T-workdays). "
        "Each year in the file is declared complete unless --no-declare."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_path", type=Path)
        parser.add_argument(
            "--no-declare", action="store_true", help="do not mark the file's years as complete"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            n = holidays_import_csv(
                opts["csv_path"].read_text(encoding="utf-8-sig"), declare_years=not opts["no_declare"]
            )
        except PolicyError as e:
            raise CommandError(e.message()) from e
        self.stdout.write(f"imported {n} rows")
