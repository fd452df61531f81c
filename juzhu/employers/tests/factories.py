"""Builders for the employer tests: employers through the real service, staff records in bulk."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from openpyxl import Workbook

from juzhu.accounts.models import Role
from juzhu.employers import services
from juzhu.employers.models import Employer, EmployerMembership, EmploymentRecord
from juzhu.registry.tests.factories import identity_number, staff, today_is

# Check characters worked by hand in juzhu/policy/tests/test_organisations.py (GB 32100).
ENTERPRISE = "91150802MA0Q123451"  # 9 工商
VILLAGE = "N2150802123456789Y"  # N 农业: a village collective economic organisation
OTHER = "Y1150802123456789R"  # Y 其他
ENTERPRISE_BAD_CHECK = "91150802MA0Q123452"  # …451 with the last character mistyped

# 王小明 (the registry factories' default person) and migrants numbered by sequence.
WANG = identity_number(date(1990, 5, 17))
WANG_MASKED = "510121********1238"


def migrant_number(i: int) -> str:
    """A distinct valid identity number per i (0 ≤ i < 999 × 28)."""
    day, seq = divmod(i, 999)
    return identity_number(date(1990, 1, 1 + day), seq=seq + 1)


def employer(clerk: User, code: str = ENTERPRISE, *, on: date = date(2026, 9, 1), **kw: Any) -> Employer:
    with today_is(on):
        return services.employer_register(
            actor=clerk,
            credit_code=code,
            name=kw.pop("name", "临河区河套农业发展有限公司"),
            address=kw.pop("address", "临河区胜利路8号"),
            division_code=kw.pop("division_code", "150802"),
            contact_name=kw.pop("contact_name", "李经理"),
            contact_phone=kw.pop("contact_phone", "0478-8123456"),
            **kw,
        )


def employer_account(username: str, of: Employer) -> User:
    user = staff(username, Role.EMPLOYER)
    EmployerMembership.objects.create(user=user, employer=of)
    return user


def migrants(of: Employer, n: int, hired_on: date, *, start: int = 0) -> list[EmploymentRecord]:
    """n open records, reported on the day of hire (on time), written in one bulk insert."""
    return EmploymentRecord.objects.bulk_create(
        EmploymentRecord(
            employer=of,
            identity_number=migrant_number(start + i),
            name=f"员工{start + i}",
            hired_on=hired_on,
            hire_reported_on=hired_on,
            hire_on_time=True,
        )
        for i in range(n)
    )


def xlsx(rows: list[list[Any]], header: list[str] | None = None, id_as_text: bool = True) -> bytes:
    """A roster workbook.  Values are written as given: an int identity number becomes a number cell."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(
        header or ["姓名 Name", "公民身份号码 Identity number", "签订劳动合同日期 Labour contract signed on"]
    )
    for row in rows:
        ws.append(row)
    if id_as_text:
        for cell in ws["B"][1:]:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
