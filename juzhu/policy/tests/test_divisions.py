"""GB/T 2260 divisions: lookup, city keys and relations (LH-3.1-hukou, LH-3.2-change-*)."""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest
from stdnum import numdb

from juzhu.policy import divisions
from juzhu.policy.divisions import (
    Level,
    Relation,
    UnknownDivision,
    city_key,
    division_get,
    is_known,
    relation,
    same_city,
    same_county,
)
from juzhu.policy.errors import PolicyError

LINHE, BAYANNUR, INNER_MONGOLIA = "150802", "150800", "150000"
WUYUAN = "150821"  # 五原县, Bayannur
XINCHENG_HOHHOT = "150102"  # 新城区, Hohhot


def _csv_rows() -> list[dict[str, str]]:
    text = (resources.files("juzhu.policy") / "data" / "divisions.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# -- lookup -------------------------------------------------------------------------


def test_linhe_bayannur_inner_mongolia() -> None:
    linhe = division_get(LINHE)
    assert linhe.name == "临河区"
    assert linhe.level is Level.COUNTY
    assert linhe.province_code == INNER_MONGOLIA
    assert linhe.city_key == "1508"
    assert linhe.prefecture_code == BAYANNUR
    assert linhe.full_name == "内蒙古自治区巴彦淖尔市临河区"

    city = division_get(BAYANNUR)
    assert (city.name, city.level, city.full_name) == (
        "巴彦淖尔市",
        Level.PREFECTURE,
        "内蒙古自治区巴彦淖尔市",
    )
    assert city.city_key == linhe.city_key

    province = division_get(INNER_MONGOLIA)
    assert (province.name, province.level, province.full_name) == (
        "内蒙古自治区",
        Level.PROVINCE,
        "内蒙古自治区",
    )
    assert province.prefecture_code is None


def test_full_names_skip_missing_levels() -> None:
    assert division_get("110101").full_name == "北京市东城区"  # no 110100 row in the current list
    assert division_get("500230").full_name == "重庆市丰都县"
    assert division_get("429004").full_name == "湖北省仙桃市"
    assert division_get("441900").full_name == "广东省东莞市"  # a city with no counties


@pytest.mark.parametrize("code", ["999999", "150899", "110228", "000000"])
def test_unknown_code(code: str) -> None:
    assert not is_known(code)
    with pytest.raises(UnknownDivision) as info:
        division_get(code)
    err = info.value
    assert isinstance(err, PolicyError)
    assert err.rule == "LH-3.1-hukou"
    assert err.code == "division-unknown"
    assert tuple(err.fields) == ("division_code",)
    assert err.extra["division_code"] == code
    assert code in err.zh and code in err.en


@pytest.mark.parametrize("code", ["", "15080", "1508021", "15080a", "１５０８０２", " 150802"])
def test_malformed_code(code: str) -> None:
    assert not is_known(code)
    with pytest.raises(UnknownDivision) as info:
        division_get(code)
    assert info.value.code == "division-malformed"
    assert info.value.rule == "LH-3.1-hukou"
    with pytest.raises(UnknownDivision):
        city_key(code)
    with pytest.raises(UnknownDivision):
        relation(code, LINHE)


# -- same county / same city ------------------------------------------------------


def test_linhe_relations() -> None:
    assert relation(LINHE, LINHE) is Relation.SAME_COUNTY
    assert relation(LINHE, WUYUAN) is Relation.SAME_CITY
    assert relation(WUYUAN, LINHE) is Relation.SAME_CITY
    assert relation(LINHE, XINCHENG_HOHHOT) is Relation.OTHER_CITY
    assert relation(LINHE, BAYANNUR) is Relation.SAME_CITY  # hukou recorded at city level
    assert same_county(LINHE, LINHE) and not same_county(LINHE, WUYUAN)
    assert same_city(LINHE, WUYUAN) and not same_city(LINHE, XINCHENG_HOHHOT)


def test_province_is_not_a_city() -> None:
    assert city_key(INNER_MONGOLIA) == "15"
    assert relation(INNER_MONGOLIA, LINHE) is Relation.OTHER_CITY


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("110101", "110119"),  # 东城区 / 延庆区
        ("110101", "110228"),  # retired 密云县 code (1102xx = Beijing's former counties)
        ("110101", "110000"),
        ("120101", "120116"),
        ("310101", "310151"),  # 黄浦区 / 崇明区
        ("500101", "500229"),  # 万州区 / 城口县 (5002xx counties)
        ("500101", "500230"),
        ("500157", "500243"),
    ],
)
def test_municipalities_are_one_city(a: str, b: str) -> None:
    assert city_key(a) == city_key(b) == a[:2]
    assert relation(a, b) is Relation.SAME_CITY


def test_municipalities_differ_from_each_other() -> None:
    assert relation("110101", "120101") is Relation.OTHER_CITY
    assert relation("310101", "500101") is Relation.OTHER_CITY


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("429004", "429005"),  # 仙桃 / 潜江
        ("429004", "420102"),  # 仙桃 / 武汉江岸区
        ("429004", "420100"),  # 仙桃 / 武汉市
        ("429021", "429006"),  # 神农架 / 天门
        ("419001", "410102"),  # 济源 / 郑州中原区
        ("469001", "469002"),  # 五指山 / 琼海
        ("469021", "460105"),  # 定安县 / 海口秀英区
        ("659001", "659002"),  # 石河子 / 阿拉尔
        ("659001", "650102"),  # 石河子 / 乌鲁木齐天山区
    ],
)
def test_directly_administered_units_are_their_own_city(a: str, b: str) -> None:
    assert city_key(a) == a
    assert relation(a, b) is Relation.OTHER_CITY
    assert relation(b, a) is Relation.OTHER_CITY


def test_directly_administered_same_unit() -> None:
    assert relation("429004", "429004") is Relation.SAME_COUNTY


# -- the table ----------------------------------------------------------------------

# Tolerance of the stdnum cross-check: codes in our (民政部 2025) table that
# python-stdnum 2.2's cn/loc.dat does not know.  Each must be a real change
# newer than, or missed by, stdnum's source; add with the reason when the table
# is regenerated.
NEWER_THAN_STDNUM = {
    "330113": "临平区, Hangzhou, 2021",
    "330114": "钱塘区, Hangzhou, 2021",
}


def _stdnum_knows(code: str) -> bool:
    found = numdb.get("cn/loc").info(code)
    if code.endswith("0000"):
        return any("province" in props for _, props in found)
    return any("county" in props for _, props in found)


def test_table_shape() -> None:
    rows = _csv_rows()
    codes = [r["code"] for r in rows]
    assert list(rows[0]) == ["code", "name"]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 6 and c.isascii() and c.isdigit() for c in codes)
    assert all(r["name"] for r in rows)
    provinces = {c for c in codes if c.endswith("0000")}
    assert len(provinces) == 34  # 31 + 台湾省, 香港, 澳门
    assert all(c[:2] + "0000" in provinces for c in codes)
    county_level = [c for c in codes if not c.endswith("00")]
    assert len(county_level) >= 2800
    assert divisions.all_codes() == tuple(sorted(codes))


def test_table_agrees_with_stdnum() -> None:
    stdnum_provinces = {c[:2] for c in divisions.all_codes() if _stdnum_knows(c[:2] + "0000")}
    unknown = {c for c in divisions.all_codes() if c[:2] in stdnum_provinces and not _stdnum_knows(c)}
    assert unknown == set(NEWER_THAN_STDNUM)


def test_table_has_no_functional_zones() -> None:
    # The NBS statistical list adds xx7x codes (开发区 ...); GB/T 2260 has none.
    assert not [c for c in divisions.all_codes() if c[4] == "7" and not c.endswith("00")]
