"""Shared helpers of the benchmarks: settings from the environment, databases, subprocesses, output."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/juzhu_bench"
ALLOWED_HOSTS = {"127.0.0.1"}  # policy: a benchmark never targets any other address


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, "").replace("_", "") or default)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, "") or default)


@dataclass(frozen=True)
class Database:
    """A PostgreSQL database given as a URL, as Django's DATABASE_URL takes it."""

    url: str

    @classmethod
    def from_env(cls) -> Database:
        db = cls(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
        parts = urlsplit(db.url)
        if parts.scheme not in {"postgres", "postgresql"}:
            raise SystemExit(f"BENCH_DATABASE_URL must be a postgres:// URL, not {parts.scheme}://")
        if parts.hostname not in ALLOWED_HOSTS:
            raise SystemExit(f"BENCH_DATABASE_URL must point at 127.0.0.1, not {parts.hostname!r}")
        if not db.name:
            raise SystemExit("BENCH_DATABASE_URL names no database")
        return db

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    def sibling(self, name: str) -> Database:
        """The same server and user, another database."""
        p = urlsplit(self.url)
        return Database(urlunsplit((p.scheme, p.netloc, "/" + name, p.query, p.fragment)))

    def connect(self, *, autocommit: bool = True) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=autocommit)

    def maintenance(self) -> Database:
        return self.sibling("postgres")

    def exists(self) -> bool:
        with self.maintenance().connect() as c:
            return (
                c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone() is not None
            )

    def create(self, *, template: Database | None = None) -> None:
        q = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name))
        if template is not None:
            # FILE_COPY: a plain copy of the template's files, no WAL for every page.
            q = sql.SQL("{} TEMPLATE {} STRATEGY FILE_COPY").format(q, sql.Identifier(template.name))
        with self.maintenance().connect() as c:
            c.execute(q)

    def drop(self) -> None:
        with self.maintenance().connect() as c:
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))


def django_env(db: Database, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db.url,
        DJANGO_SETTINGS_MODULE="config.settings",
        JUZHU_DEBUG="0",
        # A deployment's secrets (benchmark databases only): encryption at rest is measured as deployed.
        JUZHU_SECRET_KEY=env.get("JUZHU_SECRET_KEY", "bench-only-secret-key-0123456789abcdef"),
        JUZHU_MASTER_KEYS=env.get("JUZHU_MASTER_KEYS", "bench:YmVuY2gtb25seS1tYXN0ZXIta2V5LTMyLWJ5dGVzISE="),
        JUZHU_CONN_MAX_AGE="600",
        JUZHU_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.update(extra)
    return env


def reset_schema_and_migrate(db: Database) -> None:
    """Create the database if missing, drop and recreate its schema, apply every migration."""
    if not db.exists():
        db.create()
    with db.connect() as c:
        c.execute("DROP SCHEMA IF EXISTS public CASCADE")
        c.execute("CREATE SCHEMA public")
    subprocess.run(  # noqa: S603 -- our own interpreter and manage.py
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=django_env(db), check=True
    )


@contextmanager
def step(what: str) -> Iterator[None]:
    t0 = time.perf_counter()
    say(f"{what} …")
    yield
    say(f"{what}: {time.perf_counter() - t0:.1f} s")


def say(msg: str) -> None:
    print(f"  [bench] {msg}", file=sys.stderr, flush=True)
