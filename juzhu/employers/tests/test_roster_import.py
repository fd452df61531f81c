"""Roster import from .xlsx: template, dry run with per-row problems, all-or-nothing apply, progress.

Each imported row is a hire report dated the import day (LH-4-employer-report-5wd).
"""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from juzhu.audit.models import AuditEvent
from juzhu.employers import roster, services
from juzhu.employers.models import EmploymentRecord
from juzhu.employers.tests.factories import (
    VILLAGE,
    WANG,
    employer,
    employer_account,
    migrant_number,
    xlsx,
)
from juzhu.policy.errors import Forbidden, InvalidInput
from juzhu.registry.tests.factories import today_is

D = date
IMPORT_DAY = D(2026, 10, 12)  # Monday


def run(actor, emp, data, *, dry_run, on=IMPORT_DAY, **kw):
    with today_is(on):
        return services.roster_import(actor=actor, employer_id=emp.pk, data=data, dry_run=dry_run, **kw)


def good_rows(n=3):
    return [[f"员工{i}", migrant_number(i), datetime(2026, 10, 9)] for i in range(n)]


# --- template ----------------------------------------------------------------------------------


def test_the_template_has_the_headers_and_a_text_identity_column():
    wb = load_workbook(io.BytesIO(roster.roster_template()))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == [
        "姓名 Name",
        "公民身份号码 Identity number",
        "签订劳动合同日期 Labour contract signed on",
    ]
    assert ws.column_dimensions["B"].number_format == "@"
    assert {ws.cell(row=r, column=2).number_format for r in range(2, 50)} == {"@"}
    assert ws.cell(row=2, column=3).number_format == "yyyy-mm-dd"


def test_the_template_filled_in_imports(clerk):
    wb = load_workbook(io.BytesIO(roster.roster_template()))
    ws = wb.worksheets[0]
    ws.cell(row=2, column=1, value="王小明")
    ws.cell(row=2, column=2, value=WANG)
    ws.cell(row=2, column=3, value=datetime(2026, 10, 9))
    out = io.BytesIO()
    wb.save(out)
    result = run(clerk, employer(clerk), out.getvalue(), dry_run=False)
    assert (result.applied, result.created, result.problems) == (True, 1, ())


# --- dry run and apply --------------------------------------------------------------------------


def test_a_dry_run_checks_every_row_and_writes_nothing(clerk):
    emp = employer(clerk)
    result = run(clerk, emp, xlsx(good_rows()), dry_run=True)
    assert (result.dry_run, result.applied, result.rows, result.valid, result.created) == (
        True,
        False,
        3,
        3,
        0,
    )
    assert result.problems == ()
    assert not EmploymentRecord.objects.exists()
    assert (
        not AuditEvent.objects.filter(code__startswith="employ").exclude(code="employer.registered").exists()
    )


def test_apply_records_every_row_as_a_hire_report_of_the_import_day(clerk):
    emp = employer(clerk)
    account = employer_account("hetao", emp)
    result = run(account, emp, xlsx(good_rows()), dry_run=False)
    assert (result.applied, result.created, result.valid) == (True, 3, 3)
    recs = EmploymentRecord.objects.filter(employer=emp).order_by("name")
    # Hired Fri 10-09: 10 Sat ①, 12 ②, 13 ③, 14 ④, 15 ⑤; reported 10-12: on time.
    assert {(r.hired_on, r.hire_reported_on, r.hire_due_on, r.hire_on_time) for r in recs} == {
        (D(2026, 10, 9), IMPORT_DAY, D(2026, 10, 15), True)
    }
    assert [r.identity_number for r in recs] == [migrant_number(i) for i in range(3)]
    codes = list(AuditEvent.objects.exclude(code="employer.registered").values_list("code", "actor_label"))
    assert codes == [("employment.hire_reported", "hetao")] * 3 + [("employer.roster_imported", "hetao")]


def test_one_bad_row_is_listed_by_the_dry_run_and_nothing_is_applied(clerk):
    emp = employer(clerk)
    rows = good_rows()
    rows.insert(
        1, ["坏行", WANG[:-1] + ("0" if WANG[-1] != "0" else "1"), datetime(2026, 10, 9)]
    )  # sheet row 3
    data = xlsx(rows)
    dry = run(clerk, emp, data, dry_run=True)
    assert (dry.rows, dry.valid) == (4, 3)
    (problem,) = dry.problems
    assert (problem.row, problem.field, problem.reason.rule, problem.reason.code) == (
        3,
        "identity_number",
        "LH-3.1-identity",
        "identity-checksum",
    )
    assert problem.reason.zh and problem.reason.en
    # Applying the same file: all or nothing, so nothing.
    applied = run(clerk, emp, data, dry_run=False)
    assert (applied.applied, applied.created, len(applied.problems)) == (False, 0, 1)
    assert not EmploymentRecord.objects.exists()
    assert not AuditEvent.objects.filter(code="employer.roster_imported").exists()


def test_a_failure_midway_through_apply_leaves_nothing(clerk, monkeypatch):
    emp = employer(clerk)
    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)  # batches of 2 rows
    real = services._audit_many
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) == 2:  # the first batch is written; the second fails
            raise RuntimeError("disk full")
        return real(*args)

    monkeypatch.setattr(services, "_audit_many", failing)
    with pytest.raises(RuntimeError):
        run(clerk, emp, xlsx(good_rows(5)), dry_run=False)
    assert len(calls) == 2
    assert not EmploymentRecord.objects.exists()
    assert not AuditEvent.objects.filter(code__startswith="employment.").exists()


def test_an_identity_number_typed_as_a_number_is_rejected_not_repaired(clerk):
    emp = employer(clerk)
    rows = [
        ["王小明", int(WANG), datetime(2026, 10, 9)],  # an int cell (WANG ends in a digit)
        ["张三", 5.10121199005171e17, datetime(2026, 10, 9)],  # what Excel keeps: 15 digits
        ["李四", "5.10121E+17", datetime(2026, 10, 9)],  # the number, turned into text after the loss
    ]
    result = run(clerk, emp, xlsx(rows, id_as_text=False), dry_run=True)
    assert [(p.row, p.field, p.reason.code, p.reason.rule) for p in result.problems] == [
        (2, "identity_number", "identity-typed-as-number", "LH-4-employer-record"),
        (3, "identity_number", "identity-typed-as-number", "LH-4-employer-record"),
        (4, "identity_number", "identity-typed-as-number", "LH-4-employer-record"),
    ]
    reason = result.problems[0].reason
    assert "文本" in reason.zh
    assert "Format the column as Text" in reason.en
    assert run(clerk, emp, xlsx(rows, id_as_text=False), dry_run=False).created == 0
    assert not EmploymentRecord.objects.exists()


def test_every_problem_of_every_row_is_listed(clerk):
    emp = employer(clerk)
    account = employer_account("hetao", emp)
    rows = [
        ["王小明", WANG, "2026/10/09"],  # fine: a date as text with slashes
        [None, migrant_number(1), "2026年10月9日"],  # name missing; Chinese date is fine
        ["李四", migrant_number(2), "9/10/2026"],  # day/month order is ambiguous: refused
        ["赵六", migrant_number(3), datetime(2026, 10, 13)],  # after the import day
        ["孙七", WANG, datetime(2026, 10, 9)],  # the same person as row 2
        ["周八", None, 46000],  # no number; a date serial in a General cell
        [None, None, None],  # blank: skipped
        ["吴九", migrant_number(4), "2026-02-30"],  # no such day
    ]
    result = run(account, emp, xlsx(rows), dry_run=True)
    assert [(p.row, p.field, p.reason.code) for p in result.problems] == [
        (3, "name", "cell-required"),
        (4, "hired_on", "date-format"),
        (5, "hired_on", "hired-in-future"),
        (6, "identity_number", "duplicate-in-file"),
        (7, "identity_number", "cell-required"),
        (7, "hired_on", "date-format"),
        (9, "hired_on", "date-format"),
    ]
    assert "2" in result.problems[3].reason.en  # names the first row
    assert (result.rows, result.valid) == (7, 1)


def test_a_reimported_roster_changes_nothing_and_conflicts_are_listed(clerk):
    emp = employer(clerk)
    assert run(clerk, emp, xlsx(good_rows()), dry_run=False).created == 3
    again = run(clerk, emp, xlsx(good_rows()), dry_run=False, on=D(2026, 10, 20))
    assert (again.applied, again.unchanged, again.valid, again.created) == (True, 3, 0, 0)
    rows = good_rows()
    rows[0][2] = datetime(2026, 10, 1)  # already on the roster with another hire date
    conflict = run(clerk, emp, xlsx(rows), dry_run=True, on=D(2026, 10, 20))
    assert [(p.row, p.field, p.reason.code) for p in conflict.problems] == [
        (2, "hired_on", "employment-open-other-date")
    ]
    assert EmploymentRecord.objects.count() == 3


def test_columns_are_found_by_their_header_in_any_order(clerk):
    emp = employer(clerk)
    data = xlsx(
        [[migrant_number(0), datetime(2026, 10, 9), "员工0"]],
        header=["身份证号", "入职日期", "姓名"],
    )
    assert run(clerk, emp, data, dry_run=False).created == 1


# --- whole-file refusals ------------------------------------------------------------------------


def test_a_file_that_is_not_xlsx_is_refused(clerk):
    with pytest.raises(InvalidInput) as exc:
        run(clerk, employer(clerk), b"name,identity\n", dry_run=True)
    assert (exc.value.code, exc.value.fields) == ("roster-unreadable", ("file",))


def test_a_file_without_the_columns_is_refused(clerk):
    with pytest.raises(InvalidInput) as exc:
        run(clerk, employer(clerk), xlsx([["x", "y"]], header=["姓名", "电话"]), dry_run=True)
    assert exc.value.code == "roster-columns"
    assert "公民身份号码" in exc.value.zh and "签订劳动合同日期" in exc.value.zh


def test_too_many_rows_are_refused(clerk, monkeypatch):
    monkeypatch.setattr(roster, "MAX_ROWS", 2)
    with pytest.raises(InvalidInput) as exc:
        run(clerk, employer(clerk), xlsx(good_rows(3)), dry_run=True)
    assert exc.value.code == "roster-too-many-rows"


def test_an_employer_account_cannot_import_into_another_employer(clerk):
    mine, theirs = employer(clerk), employer(clerk, VILLAGE)
    account = employer_account("hetao", mine)
    for dry_run in (True, False):
        with pytest.raises(Forbidden):
            run(account, theirs, xlsx(good_rows()), dry_run=dry_run)
    assert not EmploymentRecord.objects.exists()


# --- progress -----------------------------------------------------------------------------------


def test_progress_is_reported_for_large_files(clerk, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
    seen = []
    result = run(
        clerk,
        employer(clerk),
        xlsx(good_rows(5)),
        dry_run=False,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert result.created == 5
    assert seen == [
        ("check", 2, 5),
        ("check", 4, 5),
        ("check", 5, 5),
        ("apply", 2, 5),
        ("apply", 4, 5),
        ("apply", 5, 5),
    ]


def test_an_import_reports_a_hire_the_counter_found_unreported(clerk):
    emp = employer(clerk)
    with today_is(D(2026, 10, 10)):
        found = services.employment_record_unreported(
            actor=clerk, employer_id=emp.pk, identity_number=WANG, name="王小明", hired_on=D(2026, 9, 28)
        )
    result = run(clerk, emp, xlsx([["王小明", WANG, datetime(2026, 9, 28)]]), dry_run=False)
    assert (result.valid, result.created, result.unchanged) == (1, 1, 0)
    found.refresh_from_db()
    # Due Sat 10-10, reported by the import on Mon 10-12: late.
    assert (found.hire_reported_on, found.hire_due_on, found.hire_on_time) == (
        IMPORT_DAY,
        D(2026, 10, 10),
        False,
    )
    assert EmploymentRecord.objects.count() == 1
