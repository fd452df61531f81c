"""Juzhu's benchmarks against PostgreSQL: each number is a ratio to a baseline measured in the same run.

    make bench            # or: .venv/bin/python bench/run.py

Environment (all optional):
    BENCH_DATABASE_URL   postgres://postgres@127.0.0.1:5432/juzhu_bench (created if missing; its
                         schema is dropped and migrated anew; 127.0.0.1 only)
    BENCH_PERMITS        100000   permits (with history) behind the verification endpoint
    BENCH_SECONDS        20       seconds of measured load per endpoint, split into alternating rounds
    BENCH_ROUNDS         8        rounds: health, verify, health, verify, …
    BENCH_CONNECTIONS    4        keep-alive client connections
    BENCH_WORKERS        2        gunicorn worker processes (gthread: keep-alive), one per core
    BENCH_THREADS        1        threads per worker
    BENCH_SWEEP_PERMITS  1000000  valid permits for the daily sweep
    BENCH_OVERDUE        0.5      the fraction of those past their last day to endorse
    BENCH_ONLY           verify,sweep,tokens,entitlements

Benchmarks are not tests: the run prints OK or MISS against each target and exits 0 either way;
it exits non-zero only when a benchmark could not be measured or its answers were wrong.
See bench/README.md for what each number means.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # juzhu.policy for the oracles

import datagen
import psycopg
import tokens
from common import (
    BENCH_DIR,
    PYTHON,
    ROOT,
    Database,
    django_env,
    env_float,
    env_int,
    reset_schema_and_migrate,
    say,
    step,
)

from juzhu.policy.lifecycle import HistoryEntry, PermitEvent, PermitStatus, status_on

SWEEP_ON = date(2025, 7, 1)
VERIFY_TARGET = 0.6  # verify_rps / health_rps, at least
SWEEP_TARGET = 3.0  # sweep_seconds / bare_update_seconds, at most
MEMORY_TARGET = 1.10  # sweep process maxrss after / before, at most


@dataclass(frozen=True)
class Line:
    name: str
    value: str
    baseline: str
    ratio: float
    target: str
    ok: bool

    def __str__(self) -> str:
        return (
            f"{self.name}: {self.value} (baseline {self.baseline}) ratio {self.ratio:.2f} "
            f"target {self.target} {'OK' if self.ok else 'MISS'}"
        )


NOTES: list[str] = []  # printed under the table


class BenchFailed(Exception):
    """The benchmark could not be measured, or the system answered wrongly under it."""


# --------------------------------------------------------------------------- verification throughput


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(
    port: int, path: str, conn: http.client.HTTPConnection | None = None
) -> tuple[int, dict[str, object]]:
    """GET ``path`` from 127.0.0.1:``port``, on ``conn`` if given (kept open), else on a new connection."""
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", path)
        resp = c.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        if conn is None:
            c.close()


@contextmanager
def server(db: Database, workers: int, threads: int) -> Iterator[int]:
    """gunicorn (gthread workers, keep-alive, DEBUG off) on a free port of 127.0.0.1; yields the port."""
    port = free_port()
    cmd = [
        PYTHON,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "75",
        "--log-level",
        "warning",
    ]
    help_text = subprocess.run(  # noqa: S603
        [PYTHON, "-m", "gunicorn", "--help"], capture_output=True, text=True, check=True
    ).stdout
    if "--no-control-socket" in help_text:
        cmd.append("--no-control-socket")
    # One client address drives hundreds of verifications a second: the per-address limit is raised so
    # that every answer is a 200, while the limiter itself still runs (its cache round trip is measured).
    env = django_env(db, JUZHU_VERIFY_PER_MINUTE="1000000000")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise BenchFailed(f"gunicorn exited with {proc.returncode}")
            try:
                if get(port, "/api/v1/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BenchFailed("gunicorn did not answer /api/v1/health within 60 s")
            time.sleep(0.2)
        say(f"gunicorn pid {proc.pid} on 127.0.0.1:{port}: {workers} workers × {threads} threads")
        yield port
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # the master stops its own workers
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def load(port: int, paths: Path, seconds: float, connections: int) -> dict[str, object]:
    out = subprocess.run(  # noqa: S603
        [
            PYTHON,
            str(BENCH_DIR / "loadgen.py"),
            "--port",
            str(port),
            "--paths",
            str(paths),
            "--seconds",
            str(seconds),
            "--connections",
            str(connections),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    r: dict[str, object] = json.loads(out.stdout)
    if r["errors"] or r["ok"] != r["requests"]:
        raise BenchFailed(
            f"{paths.name}: answers other than 200: {r['statuses']}, {r['errors']} connection errors"
        )
    return r


def oracle_check(
    port: int, conn: psycopg.Connection, targets: list[str], rng: random.Random, samples: int = 200
) -> int:
    """Compare the API's answers with the policy core's ``status_on`` over the rows of the history table."""
    checked = 0
    http_conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for number in rng.sample(targets, samples):
        rows = conn.execute(
            "SELECT h.seq, h.event, h.effective_on, h.to_status, h.residence_since "
            "FROM registry_permithistory h JOIN registry_permit p ON p.id = h.permit_id WHERE p.number = %s",
            [number],
        ).fetchall()
        history = [HistoryEntry(s, PermitEvent(e), d, PermitStatus(t), r) for s, e, d, t, r in rows]
        # Random dates, and the edges: each event's own date and the day before it.
        days = (
            [datagen.random_on(rng)]
            + [h.effective_on for h in history]
            + [date.fromordinal(h.effective_on.toordinal() - 1) for h in history]
        )
        for on in days:
            expected = status_on(history, on)
            status, body = get(port, f"/api/v1/verify/{number}?on={on.isoformat()}", http_conn)
            want = {
                "number": number,
                "on": on.isoformat(),
                "status": expected.value if expected else "not_issued",
                "holder": None,  # a number alone yields no name (docs/decisions/0010)
            }
            got = {k: body.get(k) for k in want}
            if status != 200 or got != want:
                raise BenchFailed(f"verify {number} on {on}: got {status} {body}, want {want}")
            checked += 1
    http_conn.close()
    # The refusals keep their shape: a malformed number, and a well-formed one that was never issued.
    bad_check = targets[0][:-1] + ("0" if targets[0][-1] != "0" else "1")
    status, body = get(port, f"/api/v1/verify/{bad_check}")
    if status != 422 or not str(body.get("type", "")).endswith("permit-number-checksum"):
        raise BenchFailed(f"verify with a bad check character: {status} {body}")
    from juzhu.policy.numbers import permit_number_make

    status, body = get(port, f"/api/v1/verify/{permit_number_make(datagen.DIVISION, 2030, 9_999_999)}")
    if status != 404:
        raise BenchFailed(f"verify of an unknown number: {status} {body}")
    return checked


def bench_verify(db: Database) -> list[Line]:
    n = env_int("BENCH_PERMITS", 100_000)
    seconds = env_float("BENCH_SECONDS", 20.0)
    rounds = max(1, env_int("BENCH_ROUNDS", 8))
    connections = env_int("BENCH_CONNECTIONS", 4)
    workers, threads = env_int("BENCH_WORKERS", 2), env_int("BENCH_THREADS", 1)
    with step("schema (verification)"):
        reset_schema_and_migrate(db)
    with db.connect() as conn:
        with step(f"load {n:,} permits with history"):
            datagen.load_verify(conn, n)
            datagen.numbers_check(conn)
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM registry_permit), (SELECT count(*) FROM registry_permithistory)"
        ).fetchone()
        say(f"{counts[0]:,} permits, {counts[1]:,} history rows")
        targets = datagen.verify_targets(conn)
    rng = random.Random(20250701)
    with tempfile.TemporaryDirectory(prefix="juzhu-bench-") as tmp:
        verify_paths, health_paths = Path(tmp) / "verify.txt", Path(tmp) / "health.txt"
        verify_paths.write_text(
            "\n".join(
                f"/api/v1/verify/{rng.choice(targets)}?on={datagen.random_on(rng).isoformat()}"
                for _ in range(50_000)
            )
        )
        health_paths.write_text("/api/v1/health\n")
        with server(db, workers, threads) as port:
            with step("check answers against the policy core"), db.connect() as conn:
                say(f"{oracle_check(port, conn, targets, rng)} verifications match status_on()")
            with step("warm up"):
                load(port, health_paths, 2, connections)
                load(port, verify_paths, 3, connections)
            runs: dict[str, list[dict[str, object]]] = {"health": [], "verify": []}
            for r in range(rounds):  # alternate, so drift and other load on the machine hit both alike
                for kind, paths in (("health", health_paths), ("verify", verify_paths)):
                    res = load(port, paths, seconds / rounds, connections)
                    runs[kind].append(res)
                    say(
                        f"round {r + 1} {kind}: {res['rps']:.0f} req/s, p50 {res['p50_ms']} ms, "
                        f"p99 {res['p99_ms']} ms, {res['requests']} requests, {res['reconnects']} reconnects"
                    )
    rps = {k: sum(int(x["ok"]) for x in v) / sum(float(x["elapsed"]) for x in v) for k, v in runs.items()}
    ratio = rps["verify"] / rps["health"]
    per_round = [
        float(v["rps"]) / float(h["rps"]) for h, v in zip(runs["health"], runs["verify"], strict=True)
    ]
    NOTES.append(
        f"verify/health per round: {' '.join(f'{r:.2f}' for r in per_round)} "
        f"(median {statistics.median(per_round):.2f}); gunicorn {workers} workers × {threads} thread(s), "
        f"{connections} keep-alive connections"
    )
    return [
        Line(
            "verify_rps",
            f"{rps['verify']:.0f} req/s",
            f"health_rps {rps['health']:.0f} req/s",
            ratio,
            f">= {VERIFY_TARGET}",
            ratio >= VERIFY_TARGET,
        )
    ]


# --------------------------------------------------------------------------- daily sweep


def bench_sweep(db: Database) -> list[Line]:
    n = env_int("BENCH_SWEEP_PERMITS", 1_000_000)
    overdue = env_float("BENCH_OVERDUE", 0.5)
    with step("schema (sweep)"):
        reset_schema_and_migrate(db)
    with db.connect() as conn, step(f"load {n:,} valid permits, {overdue:.0%} overdue on {SWEEP_ON}"):
        expected = datagen.load_sweep(conn, n, on=SWEEP_ON, overdue=overdue)
        datagen.numbers_check(conn)
    copies = {k: db.sibling(f"{db.name}_sweep_{k}") for k in ("bare", "app")}
    try:
        with step("two identical copies (CREATE DATABASE … TEMPLATE)"):
            for c in copies.values():
                c.drop()
                c.create(template=db)
        with copies["bare"].connect() as conn:
            conn.execute("CHECKPOINT")
            t0 = time.perf_counter()
            cur = conn.execute(
                "UPDATE registry_permit SET status = 'suspended', suspended_on = endorse_by + 1 "
                "WHERE status = 'valid' AND endorse_by < %s",
                [SWEEP_ON],
            )
            bare = time.perf_counter() - t0
            bare_rows = cur.rowcount
        say(f"bare UPDATE: {bare_rows:,} rows in {bare:.2f} s")
        with copies["app"].connect() as conn:
            conn.execute("CHECKPOINT")
        out = subprocess.run(  # noqa: S603
            [PYTHON, str(BENCH_DIR / "sweep_child.py"), SWEEP_ON.isoformat()],
            cwd=ROOT,
            env=django_env(copies["app"]),
            capture_output=True,
            text=True,
            check=True,
        )
        sweep = json.loads(out.stdout)
        NOTES.append(
            f"sweep: {n:,} valid permits, {expected:,} overdue on {SWEEP_ON}; both statements on "
            "identical copies of one generated database, each after a CHECKPOINT"
        )
        say(
            f"permits_sweep: {sweep['suspended']:,} suspended in {sweep['seconds']:.2f} s; "
            f"tracemalloc peak {sweep['tracemalloc_peak_mib']:.2f} MiB, maxrss "
            f"{sweep['maxrss_before_mib']:.1f} → {sweep['maxrss_after_mib']:.1f} MiB"
        )
        with copies["app"].connect() as conn:
            row = conn.execute(
                "SELECT count(*) FROM registry_permithistory WHERE event = 'suspended' AND seq = 2"
            ).fetchone()
            history = int(row[0]) if row else -1
        if not (expected == bare_rows == sweep["suspended"] == history):
            raise BenchFailed(
                f"suspended counts differ: expected {expected}, bare {bare_rows}, "
                f"sweep {sweep['suspended']}, history rows {history}"
            )
    finally:
        for c in copies.values():
            c.drop()
    ratio = sweep["seconds"] / bare
    delta = sweep["maxrss_after_mib"] - sweep["maxrss_before_mib"]
    mem_ratio = sweep["maxrss_after_mib"] / sweep["maxrss_before_mib"]
    return [
        Line(
            "sweep_seconds",
            f"{sweep['seconds']:.2f} s for {expected:,} of {n:,}",
            f"bare_update_seconds {bare:.2f} s",
            ratio,
            f"<= {SWEEP_TARGET:g}",
            ratio <= SWEEP_TARGET,
        ),
        Line(
            "sweep_memory",
            f"maxrss {delta:+.1f} MiB, tracemalloc peak {sweep['tracemalloc_peak_mib']:.2f} MiB",
            f"maxrss before sweep {sweep['maxrss_before_mib']:.1f} MiB",
            mem_ratio,
            f"<= {MEMORY_TARGET:.2f}",
            mem_ratio <= MEMORY_TARGET,
        ),
    ]


def bench_tokens() -> list[Line]:
    with step("offline e-permit token verification vs bare Ed25519 verify"):
        full, bare = tokens.measure(env_float("BENCH_TOKEN_SECONDS", 6.0))
    ratio = full / bare
    return [
        Line(
            "token_verify_per_s / ed25519_verify_per_s",
            f"{full:,.0f}/s",
            f"{bare:,.0f}/s",
            ratio,
            f">= {tokens.TOKEN_TARGET}",
            ratio >= tokens.TOKEN_TARGET,
        )
    ]


def bench_entitlements(db: Database) -> list[Line]:
    """Entitlement checks/s (history-exact, through the household link) vs single-query verifications/s."""
    ent_db = db.sibling(db.name + "_ent")
    with step("entitlement checks vs verifications, in one process"):
        reset_schema_and_migrate(ent_db)
        out = subprocess.run(  # noqa: S603 -- our own interpreter and script
            [PYTHON, str(BENCH_DIR / "entitlements_child.py"), str(env_float("BENCH_ENTITLEMENT_SECONDS", 5.0))],
            cwd=ROOT, env=django_env(ent_db), check=True, capture_output=True, text=True,
        )  # fmt: skip
        ent_db.drop()
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["entitled"] is not True:
        raise BenchFailed("the demo child should be entitled to a school place through a parent's permit")
    ratio = result["check_per_s"] / result["verify_per_s"]
    return [
        Line(
            "entitlement_checks_per_s / verify_per_s",
            f"{result['check_per_s']:,.0f}/s",
            f"{result['verify_per_s']:,.0f}/s",
            ratio,
            "info (no target set)",
            True,
        )
    ]


def main() -> int:
    db = Database.from_env()
    only = {
        p.strip()
        for p in os.environ.get("BENCH_ONLY", "verify,sweep,tokens,entitlements").split(",")
        if p.strip()
    }
    t0 = time.perf_counter()
    load_before = os.getloadavg()[0]
    lines: list[Line] = []
    try:
        if "verify" in only:
            lines += bench_verify(db)
        if "sweep" in only:
            lines += bench_sweep(db)
        if "tokens" in only:
            lines += bench_tokens()
        if "entitlements" in only:
            lines += bench_entitlements(db)
    except (BenchFailed, subprocess.CalledProcessError, psycopg.Error) as e:
        detail = getattr(e, "stderr", None) or ""
        print(f"bench failed: {e}\n{detail}", file=sys.stderr)
        return 1
    print(
        f"Juzhu benchmarks: {os.cpu_count()} cores, load average {load_before:.1f} at start, "
        f"{time.perf_counter() - t0:.0f} s, database {db.name}"
    )
    for line in lines:
        print(line)
    for note in NOTES:
        print(f"  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
