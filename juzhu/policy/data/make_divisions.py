"""Generate ``divisions.csv`` — the GB/T 2260 county-level-and-above division table.

Source
    The Ministry of Civil Affairs (民政部) list 《中华人民共和国县级以上行政区划代码》,
    year 2025, as transcribed one ``CODE NAME`` pair per line in the public
    repository ``yescallop/areacodes``, file ``data/2025.txt`` at commit
    ``2da87e7648f0da7e10dea39e8a613107ed3fe273``:

        https://raw.githubusercontent.com/yescallop/areacodes/2da87e7648f0da7e10dea39e8a613107ed3fe273/data/2025.txt

    That file is 3,212 lines (36,399 characters): 34 province-level rows
    (including 710000 台湾省, 810000 香港, 820000 澳门), 333 prefecture-level rows
    and the county-level rows.  Division codes are public government data.
    Retrieved and generated 2026-11-26.  It is the 民政部 list, not the National
    Bureau of Statistics' 统计用区划代码, so it has no xx7x functional-zone codes
    (开发区, 新区 ...) — those are not GB/T 2260 codes.

    Cross-check at generation time: every name agrees with python-stdnum 2.2's
    ``stdnum/cn/loc.dat`` for the codes that table knows as current; only
    330113 临平区 and 330114 钱塘区 (Hangzhou, 2021) are absent from stdnum.

How to re-run (when 民政部 publishes a new year)
    1. Download the new list as ``CODE NAME`` lines (UTF-8), e.g. the next
       ``data/<year>.txt`` of yescallop/areacodes, or convert the 民政部 page.
    2. From the repository root::

           .venv/bin/python juzhu/policy/data/make_divisions.py SOURCE.txt

       It validates the input (6-digit codes, unique, every county under a known
       province) and rewrites ``juzhu/policy/data/divisions.csv`` next to this
       script (``--out`` to write elsewhere).
    3. Update the source/commit/date above, run the division tests
       (``juzhu/policy/tests/test_divisions.py``) and review the diff of the CSV.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

LINE = re.compile(r"(?P<code>[0-9]{6})[ \t,]+(?P<name>\S+)")
HERE = Path(__file__).resolve().parent


def read_source(path: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for lineno, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = LINE.fullmatch(line)
        if m is None:
            raise SystemExit(f"{path}:{lineno}: not a 'CODE NAME' line: {raw!r}")
        code, name = m["code"], m["name"]
        if code in seen:
            raise SystemExit(f"{path}:{lineno}: duplicate code {code}")
        seen.add(code)
        rows.append((code, name))
    rows.sort()
    provinces = {code[:2] for code, _ in rows if code.endswith("0000")}
    orphans = [code for code, _ in rows if code[:2] not in provinces]
    if orphans:
        raise SystemExit(f"codes under no province: {', '.join(orphans)}")
    return rows


def write_csv(rows: list[tuple[str, str]], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name"])
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", type=Path, help="UTF-8 file of 'CODE NAME' lines")
    parser.add_argument("--out", type=Path, default=HERE / "divisions.csv")
    args = parser.parse_args(argv)
    rows = read_source(args.source)
    write_csv(rows, args.out)
    provinces = sum(1 for c, _ in rows if c.endswith("0000"))
    prefectures = sum(1 for c, _ in rows if c.endswith("00") and not c.endswith("0000"))
    counties = len(rows) - provinces - prefectures
    print(
        f"wrote {args.out}: {len(rows)} rows "
        f"({provinces} province, {prefectures} prefecture, {counties} county-level)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
