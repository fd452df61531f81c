"""Administrative divisions (GB/T 2260) and "same county / same city?" (LH-3.1-hukou, LH-3.2-change-*).

The table is ``data/divisions.csv``: the Ministry of Civil Affairs' 2025 list of
county-level-and-above codes (province ``xx0000``, prefecture ``xxxx00`` and
county-level rows; see ``data/make_divisions.py`` for source and regeneration).
Towns, sub-districts and police-station areas are below this table and come
from the deployment's configuration.

Code structure: digits 1–2 are the province, 1–4 the prefecture-level unit,
all 6 the county-level unit — with two exceptions that ``city_key`` handles:

* the four municipalities (11 北京, 12 天津, 31 上海, 50 重庆) are themselves the
  prefecture-level unit, so all their districts and counties (1101xx, 1102xx,
  5001xx, 5002xx ...) are one city;
* county-level units administered directly by the province (digits 3–4 ``90``:
  419001 济源, 4290xx 仙桃/潜江/天门/神农架, 4690xx in Hainan, 6590xx in Xinjiang)
  belong to no prefecture: each is its own city.

``city_key`` and ``relation`` are structural: they accept any well-formed code,
including retired codes (e.g. 110228, the former 密云县), and compare the code's
structure.  Use ``division_get`` / ``is_known`` to insist on a current code.
"""

from __future__ import annotations

import csv
import enum
import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from juzhu.policy.errors import InvalidInput, PolicyError

RULE = "LH-3.1-hukou"
FIELD = "division_code"
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
DIRECT_COUNTY_MARK = "90"  # digits 3–4 of a county-level unit directly under the province


class Relation(enum.Enum):
    SAME_COUNTY = "same_county"
    SAME_CITY = "same_city"
    OTHER_CITY = "other_city"


class Level(enum.Enum):
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


class UnknownDivision(PolicyError):
    """A division code that is malformed (not 6 digits) or not in the current table."""

    def __init__(self, division_code: str) -> None:
        shown = division_code if len(division_code) <= 20 else division_code[:20] + "…"
        if is_well_formed(division_code):
            code = "division-unknown"
            zh = f"行政区划代码 {shown} 不在现行《中华人民共和国县级以上行政区划代码》中。"
            en = f"Division code {shown} is not in the current GB/T 2260 county-level table."
        else:
            code = "division-malformed"
            zh = f"行政区划代码应为6位数字，收到“{shown}”。"
            en = f"A division code must be 6 digits; got {shown!r}."
        super().__init__(
            rule=RULE,
            code=code,
            zh=zh,
            en=en,
            fields=(FIELD,),
            extra={FIELD: division_code},
        )
        self.division_code = division_code


@dataclass(frozen=True)
class Division:
    """One row of the table, with its place in the hierarchy.

    ``province_code`` is the 6-digit province-level code (``150000``);
    ``city_key`` is as ``city_key()``; ``full_name`` joins the province,
    prefecture and own names, skipping levels that do not exist
    (``内蒙古自治区巴彦淖尔市临河区``, ``北京市东城区``, ``湖北省仙桃市``).
    """

    code: str
    name: str
    level: Level
    province_code: str
    city_key: str
    full_name: str

    @property
    def prefecture_code(self) -> str | None:
        """The ``xxxx00`` row this unit belongs to, if the table has one."""
        if self.level is Level.PROVINCE:
            return None
        candidate = self.code[:4] + "00"
        return candidate if candidate in _table() else None


def is_well_formed(code: str) -> bool:
    """Six ASCII digits (no full-width or other Unicode digits)."""
    return len(code) == 6 and code.isascii() and code.isdigit()


def _check(code: str) -> str:
    if not is_well_formed(code):
        raise UnknownDivision(code)
    return code


@functools.cache
def _table() -> Mapping[str, str]:
    text = (resources.files("juzhu.policy") / "data" / "divisions.csv").read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return {row["code"]: row["name"] for row in reader}


def level_of(code: str) -> Level:
    """Structural level of a well-formed code."""
    _check(code)
    if code.endswith("0000"):
        return Level.PROVINCE
    if code.endswith("00"):
        return Level.PREFECTURE
    return Level.COUNTY


def city_key(code: str) -> str:
    """The prefecture-level unit a code belongs to, as a comparable key.

    * municipality (11, 12, 31, 50): the 2-digit province — ``110101`` and
      ``110228`` → ``"11"``;
    * directly-administered county-level unit (``xx90xx``): the whole code —
      ``429004`` → ``"429004"``;
    * otherwise the first 4 digits — ``150802`` → ``"1508"``.

    A non-municipal province code (``150000``) gets its 2-digit province, which
    matches no prefecture: a province is not a city.  Malformed codes raise
    ``UnknownDivision``.
    """
    _check(code)
    province = code[:2]
    if province in MUNICIPALITIES:
        return province
    if code.endswith("0000"):
        return province
    if code[2:4] == DIRECT_COUNTY_MARK:
        return code
    return code[:4]


def same_county(a: str, b: str) -> bool:
    """LH-3.2-change-same-county: the same county-level unit (same 6-digit code)."""
    return _check(a) == _check(b)


def same_city(a: str, b: str) -> bool:
    """The same prefecture-level unit (includes the same county)."""
    return city_key(a) == city_key(b)


def relation(a: str, b: str) -> Relation:
    """How two division codes relate (LH-3.2-change-same-county / -same-city / -other-city).

    Same code → SAME_COUNTY; same ``city_key`` → SAME_CITY; else OTHER_CITY.
    Structural: well-formed retired codes are compared by their structure.
    """
    if same_county(a, b):
        return Relation.SAME_COUNTY
    if same_city(a, b):
        return Relation.SAME_CITY
    return Relation.OTHER_CITY


def is_known(code: str) -> bool:
    """Whether ``code`` is a current division (any level) in the table."""
    return code in _table()


def division_get(code: str) -> Division:
    """Look up a current division; ``UnknownDivision`` if malformed or not in the table."""
    table = _table()
    if code not in table:
        raise UnknownDivision(code)
    level = level_of(code)
    province_code = code[:2] + "0000"
    parts: list[str] = []
    if level is not Level.PROVINCE and province_code in table:
        parts.append(table[province_code])
    prefecture = code[:4] + "00"
    if level is Level.COUNTY and prefecture in table:
        parts.append(table[prefecture])
    parts.append(table[code])
    return Division(
        code=code,
        name=table[code],
        level=level,
        province_code=province_code,
        city_key=city_key(code),
        full_name="".join(parts),
    )


def all_codes() -> tuple[str, ...]:
    """Every code in the table, sorted."""
    return tuple(sorted(_table()))


def county_get(code: str, *, field: str = "division_code", rule: str = "LH-3.1-hukou") -> Division:
    """A current county-level division; a province or prefecture code is refused (it names no county,
    so same-county / same-city questions — LH-3.1-hukou, LH-3.2-change-* — cannot be answered)."""
    division = division_get(code)
    if division.level is not Level.COUNTY:
        raise InvalidInput(
            rule=rule,
            code="division-not-county",
            zh=f"行政区划代码{code}（{division.name}）不是县级行政区划，请填写区、县或县级市的代码。",
            en=f"Division code {code} ({division.name}) is not county-level: give the district or county code.",
            fields=(field,),
        )
    return division
