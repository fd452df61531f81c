"""Set-based generators of benchmark data: persons, permits and their history, all in SQL.

Numbers are realistic: permit numbers are division + year of issue + sequence + the ISO 7064
MOD 11-2 check character, exactly as ``juzhu.policy.numbers.permit_number_make`` builds them, and
identity numbers carry a valid GB 11643 check character.  The check is computed in SQL (a
million calls into Python would dominate the load) and cross-checked against the Python
functions on a sample after every load (``numbers_check``).
"""

from __future__ import annotations

import random
from datetime import date

import psycopg

DIVISION = "150802"  # 临河区
HUKOU_DIVISIONS = ["510121", "411323", "130181", "150802", "152822", "150821"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "欧阳", "司马", "诸葛"]
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
]
AUTHORITY = "巴彦淖尔市公安局临河区分局"
VERIFY_TODAY = date(2025, 6, 1)  # the data's "today": anniversaries before it have been dealt with


BODY = 17  # digits before the check character, in both kinds of number


def _weight(position: int) -> int:
    """MOD 11-2 weight of the digit at 1-based ``position`` of a 17-digit body: 2^(17 - position) mod 11."""
    return pow(2, BODY - position, 11)


def _const_sum(digits: str, start: int) -> int:
    return sum(int(d) * _weight(start + j) for j, d in enumerate(digits))


def _int_sum(expr: str, start: int, width: int) -> str:
    """SQL: the weighted digit sum of integer ``expr`` written with ``width`` digits from ``start``.

    Integer arithmetic, not substr() on text: ten times faster over a million rows.
    """
    return " + ".join(
        f"({expr} / {10 ** (width - 1 - j)} %% 10) * {_weight(start + j)}" for j in range(width)
    )


def _check_char(c: str) -> str:
    """SQL: the check character from the remainder-derived value ``c`` (0–10, 10 is X)."""
    return f"(CASE {c} WHEN 10 THEN 'X' ELSE {c}::text END)"


def _check_value(weighted_sum: str) -> str:
    """SQL: ISO 7064 MOD 11-2 check value (1 - 2 * S) mod 11, as stdnum computes it."""
    return f"(((1 - 2 * (({weighted_sum}) %% 11)) %% 11 + 11) %% 11)"


def _array(xs: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + x + "'" for x in xs) + "]"


# The plan: one row per permit (id = person id = g), with the final state of the card and the
# flags that say which history events it has.  Two shapes: a verification register with a
# few years of history per card, and a sweep register of valid cards due around a date.
_VERIFY_PLAN = """
CREATE TEMP TABLE plan AS
WITH base AS (
    SELECT g AS id, date '2019-01-01' + (g::bigint * 7919 %% 2190)::int AS d0
    FROM generate_series(1, %(n)s) AS g
), f AS (
    SELECT id, d0, extract(year FROM age(%(today)s::date, d0))::int AS full_years,
           id %% 10 = 7 AS s0, id %% 20 = 7 AS l0, id %% 40 = 27 AS same0, id %% 50 = 11 AS void
    FROM base
), f2 AS (
    SELECT id, d0, void, s0 AND full_years >= 1 AS susp, l0 AND full_years >= 1 AS late,
           same0 AND full_years >= 1 AS sameday,
           CASE WHEN s0 AND full_years >= 1 THEN full_years - 1 ELSE full_years END AS k
    FROM f
), f3 AS (
    SELECT *, (d0 + make_interval(years => k + 1))::date AS ann FROM f2
), f4 AS (
    SELECT *, CASE WHEN sameday THEN ann + 1 ELSE ann + 60 END AS late_on,
           (d0 + make_interval(years => k))::date + 100 AS void_on
    FROM f3
)
SELECT id, d0 AS issue_date, k, ann, susp, late, late_on, void, void_on,
       CASE WHEN void THEN 'void' WHEN susp AND NOT late THEN 'suspended' ELSE 'valid' END AS status,
       CASE WHEN late THEN late_on ELSE d0 END AS residence_since,
       CASE WHEN late THEN (late_on + interval '1 year')::date ELSE ann END AS next_anniversary,
       CASE WHEN susp AND NOT late THEN ann + 1 END AS suspended_on,
       1 + k + susp::int + late::int + void::int AS last_seq
FROM f4
"""

# Every card valid, with its last day to endorse (endorse_by) set; a hashed, evenly spread
# ``overdue_permille`` of them are past it on ``on``.
_SWEEP_PLAN = """
CREATE TEMP TABLE plan AS
SELECT g AS id, (eb - interval '1 year')::date AS issue_date, 0 AS k, eb AS ann,
       false AS susp, false AS late, NULL::date AS late_on, false AS void, NULL::date AS void_on,
       'valid' AS status, (eb - interval '1 year')::date AS residence_since, eb AS next_anniversary,
       NULL::date AS suspended_on, 1 AS last_seq
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (
    SELECT CASE WHEN g::bigint * 2654435761 %% 1000 < %(overdue_permille)s
                THEN %(on)s::date - 1 - g %% 180
                ELSE %(on)s::date + g %% 365 END AS eb
) AS e
"""

_PERSONS = f"""
INSERT INTO registry_person (id, identity_number, name, sex, ethnicity, birth_date, hukou_division,
                             hukou_address, photo_ref, phone, email, limited_mobility, disabled, created)
SELECT a.id, b.body || {_check_char("ck.c")},
       ({_array(SURNAMES)})[a.id %% {len(SURNAMES)} + 1]
       || ({_array(GIVEN)})[(a.id / {len(SURNAMES)}) %% {len(GIVEN)} + 1],
       CASE WHEN a.seq3 %% 2 = 1 THEN 'M' ELSE 'F' END, '汉族', a.birth, a.div,
       '户籍地某街' || (a.id %% 300 + 1) || '号', '', '', '', a.id %% 97 = 0, a.id %% 89 = 0, now()
FROM (
    SELECT id, date '1960-01-01' + (id %% 18250)::int AS birth, (id / 18250) %% 1000 AS seq3,
           id %% {len(HUKOU_DIVISIONS)} + 1 AS div_i,
           ({_array(HUKOU_DIVISIONS)})[id %% {len(HUKOU_DIVISIONS)} + 1] AS div
    FROM plan
) AS a
CROSS JOIN LATERAL (
    SELECT a.div || to_char(a.birth, 'YYYYMMDD') || lpad(a.seq3::text, 3, '0') AS body,
           to_char(a.birth, 'YYYYMMDD')::int AS ymd
    OFFSET 0  -- evaluate once per row, not once per use below
) AS b
CROSS JOIN LATERAL (
    SELECT {
    _check_value(
        f"(ARRAY[{', '.join(str(_const_sum(d, 1)) for d in HUKOU_DIVISIONS)}])[a.div_i] + "
        + _int_sum("b.ymd", 7, 8)
        + " + "
        + _int_sum("a.seq3", 15, 3)
    )
} AS c
) AS ck
"""

_PERMITS = f"""
INSERT INTO registry_permit (id, number, person_id, lineage_id, supersedes_id, status, issue_date, residence_since,
                             next_anniversary, endorse_by, suspended_on, last_seq, card_name, card_sex,
                             card_ethnicity, card_birth_date, card_identity_number, card_photo_ref,
                             card_hukou_address, residence_address, residence_division, authority, created)
SELECT p.id, b.body || {_check_char("ck.c")}, p.id, NULL, NULL, p.status, p.issue_date, p.residence_since,
       p.next_anniversary, p.next_anniversary, p.suspended_on, p.last_seq, r.name, r.sex, r.ethnicity,
       r.birth_date, r.identity_number, '', r.hukou_address,
       '临河区新华街' || (p.id %% 500 + 1) || '号', '{DIVISION}', '{AUTHORITY}', now()
FROM plan AS p
JOIN registry_person AS r ON r.id = p.id
CROSS JOIN LATERAL (SELECT extract(year FROM p.issue_date)::int AS year OFFSET 0) AS y
CROSS JOIN LATERAL (SELECT '{DIVISION}' || y.year || lpad(p.id::text, 7, '0') AS body) AS b
CROSS JOIN LATERAL (
    SELECT {_check_value(" + ".join([str(_const_sum(DIVISION, 1)), _int_sum("y.year", 7, 4), _int_sum("p.id", 11, 7)]))}
           AS c
) AS ck
"""

_HISTORY = [
    # issued
    """
    INSERT INTO registry_permithistory (permit_id, seq, event, effective_on, from_status, to_status,
                                        residence_since, rule, data, actor_id, recorded_at)
    SELECT id, 1, 'issued', issue_date, '', 'valid', issue_date, 'LH-3.2-issue-15d', '{}', NULL, now() FROM plan
    """,
    # endorsed on time, once a year, 20 days before each anniversary
    """
    INSERT INTO registry_permithistory (permit_id, seq, event, effective_on, from_status, to_status,
                                        residence_since, rule, data, actor_id, recorded_at)
    SELECT id, 1 + j, 'endorsed', (issue_date + make_interval(years => j))::date - 20, 'valid', 'valid', NULL,
           'LH-3.2-endorse-window',
           jsonb_build_object('next_anniversary', (issue_date + make_interval(years => j + 1))::date), NULL, now()
    FROM plan CROSS JOIN LATERAL generate_series(1, k) AS j
    """,
    # suspended the day after the last day (the sweep's row)
    """
    INSERT INTO registry_permithistory (permit_id, seq, event, effective_on, from_status, to_status,
                                        residence_since, rule, data, actor_id, recorded_at)
    SELECT id, k + 2, 'suspended', ann + 1, 'valid', 'suspended', NULL, 'LH-3.2-endorse-overdue',
           jsonb_build_object('endorse_by', ann), NULL, now()
    FROM plan WHERE susp
    """,
    # endorsed late (some on the very day of the suspension: same date, higher seq wins)
    """
    INSERT INTO registry_permithistory (permit_id, seq, event, effective_on, from_status, to_status,
                                        residence_since, rule, data, actor_id, recorded_at)
    SELECT id, k + 3, 'endorsed_late', late_on, 'suspended', 'valid', late_on, 'LH-3.2-endorse-late',
           jsonb_build_object('next_anniversary', (late_on + interval '1 year')::date), NULL, now()
    FROM plan WHERE late
    """,
    # voided (superseded card)
    """
    INSERT INTO registry_permithistory (permit_id, seq, event, effective_on, from_status, to_status,
                                        residence_since, rule, data, actor_id, recorded_at)
    SELECT id, k + 2, 'voided', void_on, 'valid', 'void', NULL, 'LH-3.2-replace', '{}', NULL, now()
    FROM plan WHERE void
    """,
]

_TABLES = ("registry_person", "registry_permit", "registry_permithistory")


def _secondary_indexes_off(conn: psycopg.Connection) -> list[str]:
    """Drop the tables' unique constraints and plain indexes (not primary keys); return the SQL to restore them.

    Rebuilding an index once after the load is several times faster than maintaining it row by
    row.  The restored schema is the migrated one: same names, same definitions.
    """
    restore: list[str] = []
    for t in _TABLES:
        for name, definition in conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [t],
        ).fetchall():
            conn.execute(f'ALTER TABLE {t} DROP CONSTRAINT "{name}"')
            restore.append(f'ALTER TABLE {t} ADD CONSTRAINT "{name}" {definition}')
        for name, definition in conn.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND i.indpred IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [t],
        ).fetchall():
            conn.execute(f"DROP INDEX {name}")
            restore.append(definition)
    return restore


def _load(conn: psycopg.Connection, plan_sql: str, params: dict[str, object]) -> None:
    with conn.transaction():
        conn.execute("SET LOCAL synchronous_commit = off")
        conn.execute("SET LOCAL work_mem = '64MB'")
        conn.execute("SET LOCAL maintenance_work_mem = '512MB'")
        conn.execute("SET LOCAL jit = off")
        # Generated rows are consistent by construction: skip the (deferred) foreign-key triggers,
        # which would otherwise check every row again at commit.
        conn.execute("SET LOCAL session_replication_role = replica")
        restore = _secondary_indexes_off(conn)
        conn.execute("DROP TABLE IF EXISTS plan")
        conn.execute(plan_sql, params)
        conn.execute("CREATE UNIQUE INDEX ON plan (id)")
        conn.execute("ANALYZE plan")
        conn.execute(_PERSONS, {})
        conn.execute(_PERMITS, {})
        for q in _HISTORY:
            conn.execute(q)
        for t in _TABLES:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))")
        conn.execute("DROP TABLE plan")
        for q in restore:
            conn.execute(q)
    for t in _TABLES:
        conn.execute(f"VACUUM (ANALYZE) {t}")


def load_verify(conn: psycopg.Connection, n: int) -> None:
    """``n`` cards with one to eight history rows each: endorsed, suspended, endorsed late, voided."""
    _load(conn, _VERIFY_PLAN, {"n": n, "today": VERIFY_TODAY})


def load_sweep(conn: psycopg.Connection, n: int, *, on: date, overdue: float) -> int:
    """``n`` valid cards with ``endorse_by`` set, ``overdue`` of them past it on ``on``; returns that count."""
    _load(conn, _SWEEP_PLAN, {"n": n, "on": on, "overdue_permille": round(overdue * 1000)})
    row = conn.execute(
        "SELECT count(*) FROM registry_permit WHERE status = 'valid' AND endorse_by < %s", [on]
    ).fetchone()
    assert row is not None
    return int(row[0])


def numbers_check(conn: psycopg.Connection, sample: int = 500) -> int:
    """Check a random sample of generated numbers with the application's own functions; returns the count."""
    from juzhu.policy.identity import identity_parse
    from juzhu.policy.numbers import permit_number_make, permit_number_normalise

    rows = conn.execute(
        "SELECT p.id, p.number, extract(year FROM p.issue_date)::int, r.identity_number "
        "FROM registry_permit p JOIN registry_person r ON r.id = p.person_id "
        "ORDER BY random() LIMIT %s",
        [sample],
    ).fetchall()
    for pk, number, year, identity in rows:
        assert permit_number_make(DIVISION, year, pk) == number, (number, year, pk)
        assert permit_number_normalise(number) == number
        assert identity_parse(identity, VERIFY_TODAY).number == identity  # raises if malformed
    return len(rows)


def verify_targets(conn: psycopg.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT number FROM registry_permit ORDER BY id")]


def random_on(rng: random.Random) -> date:
    """A date to verify on: before issue, during, and after the data's today."""
    return date.fromordinal(rng.randint(date(2018, 6, 1).toordinal(), date(2026, 12, 31).toordinal()))
