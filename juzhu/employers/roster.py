"""The roster spreadsheet (.xlsx): the downloadable template, and reading an uploaded file into rows.

Only the shape of cells is judged here (is it text, a date, present at all); the rules
(identity number checksum, dates against today and the register) are the service's.

Hazard (``../shared/notes/libraries.md``): a spreadsheet program stores an 18-digit
identity number typed into a General or Number cell as a float and keeps only 15
significant digits, so openpyxl hands back an ``int``/``float`` whose last digits are
already gone.  Such a cell is refused with a request to format the column as text and
type the numbers again; it is never "repaired".
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from juzhu.policy.errors import InvalidInput, Reason

RULE = "LH-4-employer-record"
SHEET_TITLE = "花名册"
TEXT_FORMAT = "@"  # Excel's "Text" number format
DATE_FORMAT = "yyyy-mm-dd"
TEMPLATE_ROWS = 2000  # rows pre-formatted in the template; more may be added below them
# Input sanity, not policy: an upload is read into memory whole.
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    # Lower-case fragments that identify the column in a header someone retyped.
    matches: tuple[str, ...]


COLUMNS = (
    Column("name", "姓名", "Name", ("姓名", "name")),
    Column("identity_number", "公民身份号码", "Identity number", ("身份", "identity")),
    Column("hired_on", "签订劳动合同日期", "Labour contract signed on", ("日期", "hired", "signed", "date")),
)
COLUMN_LABELS = {c.key: f"{c.zh} {c.en}" for c in COLUMNS}


@dataclass(frozen=True)
class RosterRow:
    """One data row as read: a value per column, or the reason it could not be read."""

    row: int  # the sheet's own row number, as the person sees it in the spreadsheet
    name: str | None
    identity_number: str | None
    hired_on: date | None
    problems: tuple[tuple[str, Reason], ...]  # (column key, reason)


def roster_template() -> bytes:
    """The template: a header row, the identity column pre-formatted as Text ('@'), dates as dates."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = SHEET_TITLE
    for i, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=f"{col.zh} {col.en}")
        cell.font = Font(bold=True)
        cell.number_format = TEXT_FORMAT
    widths = {"A": 16, "B": 30, "C": 30}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    # The column default and every pre-formatted cell: spreadsheet programs honour either.
    ws.column_dimensions["B"].number_format = TEXT_FORMAT
    ws.column_dimensions["C"].number_format = DATE_FORMAT
    for r in range(2, TEMPLATE_ROWS + 2):
        ws.cell(row=r, column=2).number_format = TEXT_FORMAT
        ws.cell(row=r, column=3).number_format = DATE_FORMAT
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("说明 Notes")
    for r, line in enumerate(
        [
            "每行一名流动人口从业人员；第一行是表头，请勿修改。",
            "One migrant employee per row; keep the header row.",
            "公民身份号码列已设置为“文本”格式，请勿改为数字，否则末尾几位会丢失。",
            "The identity number column is formatted as Text: keep it so, or the last digits are lost.",
            "日期写作 2026-09-28。导入当天即为报告日期（LH-4-employer-report-5wd）。",
            "Write dates as 2026-09-28. The import day is the report day (LH-4-employer-report-5wd).",
        ],
        start=1,
    ):
        notes.cell(row=r, column=1, value=line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# The export's columns: the roster as the pages show it (identity numbers masked, N-17-confidentiality).
EXPORT_COLUMNS = (
    ("name", "姓名 Name"),
    ("identity_number_masked", "公民身份号码（遮蔽） Identity number (masked)"),
    ("hired_on", "签订劳动合同日期 Hired on"),
    ("hire_reported_on", "招用报告日期 Hire reported on"),
    ("hire_due_on", "招用报告期限 Hire report due"),
    ("ended_on", "解除劳动关系日期 Ended on"),
    ("end_reported_on", "离职报告日期 Departure reported on"),
)


def roster_export(entries: Iterable[Any]) -> bytes:
    """The employer's staff as a spreadsheet (``RosterEntry`` values): one row each, dates as dates."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = SHEET_TITLE
    for i, (_key, title) in enumerate(EXPORT_COLUMNS, start=1):
        ws.cell(row=1, column=i, value=title).font = Font(bold=True)
    for r, entry in enumerate(entries, start=2):
        for c, (key, _title) in enumerate(EXPORT_COLUMNS, start=1):
            cell = ws.cell(row=r, column=c, value=getattr(entry, key))
            cell.number_format = DATE_FORMAT if isinstance(cell.value, date) else TEXT_FORMAT
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _file_refused(code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(rule=RULE, code=code, zh=zh, en=en, fields=("file",))


def _reason(code: str, zh: str, en: str) -> Reason:
    return Reason(rule=RULE, code=code, zh=zh, en=en)


REQUIRED = {c.key: _reason("cell-required", f"“{c.zh}”不能为空。", f"{c.en} is required.") for c in COLUMNS}
NUMBER_NOT_TEXT = _reason(
    "identity-typed-as-number",
    "公民身份号码被保存成了数字，末尾几位可能已经丢失。请将该列设置为“文本”格式后重新输入号码（模板中该列已是文本格式）。",
    "The identity number was stored as a number, so its last digits may already be lost. "
    "Format the column as Text and type the numbers again (the template's column is already Text).",
)
DATE_UNREADABLE = _reason(
    "date-format",
    "日期无法识别，请写作 2026-09-28 或设置为日期格式。",
    "The date cannot be read: write it as 2026-09-28 or use a date cell.",
)
NAME_UNREADABLE = _reason("name-format", "姓名应为文字。", "The name must be text.")
NAME_TOO_LONG = _reason("name-too-long", "姓名不能超过50个字。", "The name can be at most 50 characters.")

# "5.10121199005171E+17": a number turned into text after the digits were lost.
_SCIENTIFIC = re.compile(r"^\s*\d+(\.\d+)?[eE]\+?\d+\s*$")
_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    return str(value).strip() or None


def _name(value: object) -> tuple[str | None, Reason | None]:
    if isinstance(value, bool | int | float | datetime | date):
        return None, NAME_UNREADABLE
    text = _text(value)
    if text is None:
        return None, REQUIRED["name"]
    if len(text) > 50:
        return None, NAME_TOO_LONG
    return text, None


def _identity(value: object) -> tuple[str | None, Reason | None]:
    # bool is an int subclass; any number means the spreadsheet already converted the cell.
    if isinstance(value, int | float):
        return None, NUMBER_NOT_TEXT
    text = _text(value)
    if text is None:
        return None, REQUIRED["identity_number"]
    if _SCIENTIFIC.match(text):
        return None, NUMBER_NOT_TEXT
    return text, None


def _date(value: object) -> tuple[date | None, Reason | None]:
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, int | float):  # a date serial in a General cell: ambiguous, never guessed
        return None, DATE_UNREADABLE
    text = _text(value)
    if text is None:
        return None, REQUIRED["hired_on"]
    m = _DATE_TEXT.match(text)
    if m is None:
        return None, DATE_UNREADABLE
    try:
        return date(int(m[1]), int(m[2]), int(m[3])), None
    except ValueError:
        return None, DATE_UNREADABLE


def _columns(header: tuple[object, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        text = (_text(cell) or "").lower()
        for col in COLUMNS:
            if col.key not in found and any(m in text for m in col.matches):
                found[col.key] = i
                break
    missing = [c for c in COLUMNS if c.key not in found]
    if missing:
        raise _file_refused(
            "roster-columns",
            "第1行表头缺少：" + "、".join(c.zh for c in missing) + "。请使用下载的模板。",
            "Row 1 lacks the column(s): "
            + ", ".join(c.en for c in missing)
            + ". Use the downloadable template.",
        )
    return found


def roster_size_check(size: int) -> None:
    if size > MAX_BYTES:
        raise _file_refused(
            "roster-too-large",
            f"文件不能超过{MAX_BYTES // (1024 * 1024)}MB，请分批导入。",
            f"The file may be at most {MAX_BYTES // (1024 * 1024)} MB: import it in parts.",
        )


def roster_read(data: bytes) -> list[RosterRow]:
    """Every non-blank data row of the first sheet, each with its values or the reasons it cannot be read.

    A file that is not a readable .xlsx, has no header row with the three columns, or is over
    the size limits is refused as a whole (``InvalidInput``, field ``file``).
    """
    roster_size_check(len(data))
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise _file_refused(
            "roster-unreadable",
            "无法读取该文件，请上传 .xlsx 格式的花名册（可下载模板）。",
            "The file cannot be read: upload the roster as .xlsx (a template is downloadable).",
        ) from None
    try:
        return list(_rows(wb.worksheets[0].iter_rows(values_only=True)))
    finally:
        wb.close()


def _rows(rows: Iterator[tuple[object, ...]]) -> Iterator[RosterRow]:
    header = next(rows, None)
    if header is None:
        raise _file_refused("roster-empty", "文件是空的。", "The file is empty.")
    cols = _columns(header)
    count = 0
    for number, values in enumerate(rows, start=2):
        if all(_text(v) is None for v in values):
            continue  # blank rows, often formatted but empty, are not data
        count += 1
        if count > MAX_ROWS:
            raise _file_refused(
                "roster-too-many-rows",
                f"每次最多导入{MAX_ROWS}行，请分批导入。",
                f"At most {MAX_ROWS} rows can be imported at once: import in parts.",
            )

        def cell(key: str, values: tuple[object, ...] = values) -> object:
            i = cols[key]
            return values[i] if i < len(values) else None

        name, name_problem = _name(cell("name"))
        number_text, number_problem = _identity(cell("identity_number"))
        hired_on, date_problem = _date(cell("hired_on"))
        problems = tuple(
            (key, p)
            for key, p in (
                ("name", name_problem),
                ("identity_number", number_problem),
                ("hired_on", date_problem),
            )
            if p is not None
        )
        yield RosterRow(number, name, number_text, hired_on, problems)
