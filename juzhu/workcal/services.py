"""Import holiday overrides from a CSV (date,is_working_day,note), all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.db import transaction

from juzhu.policy.errors import InvalidInput
from juzhu.workcal.models import DeclaredYear, HolidayOverride

TRUE = {"1", "true", "yes", "y", "上班", "工作日", "work"}
FALSE = {"0", "false", "no", "n", "休息", "休", "rest", "holiday"}


def holidays_import_csv(text: str, *, declare_years: bool = False) -> int:
    """Upsert every row; with ``declare_years``, also declare each year the file covers complete
    (unlisted days then follow Monday–Friday — only for a file holding a year's whole schedule).

    Any bad row refuses the whole file, naming the line.
    """
    rows: list[tuple[date, bool, str]] = []
    reader = csv.DictReader(io.StringIO(text))
    for lineno, row in enumerate(reader, start=2):
        try:
            d = date.fromisoformat((row.get("date") or "").strip())
            flag = (row.get("is_working_day") or "").strip().lower()
            if flag not in TRUE | FALSE:
                raise ValueError(flag)
        except ValueError:
            raise InvalidInput(
                rule="T-workdays",
                code="holiday-csv-row",
                zh=f"第{lineno}行无效：日期须为YYYY-MM-DD，is_working_day须为1或0。",
                en=f"Line {lineno} is invalid: date must be YYYY-MM-DD and is_working_day 1 or 0.",
                fields=("file",),
            ) from None
        rows.append((d, flag in TRUE, (row.get("note") or "").strip()[:200]))
    with transaction.atomic():
        for d, working, note in rows:
            HolidayOverride.objects.update_or_create(
                date=d, defaults={"is_working_day": working, "note": note}
            )
        if declare_years:
            for year in sorted({d.year for d, _, _ in rows}):
                DeclaredYear.objects.get_or_create(year=year, defaults={"note": "imported from CSV"})
    return len(rows)
