"""The benchmarks ``python -m bench`` knows (:data:`SPECS`) and how it finds and sizes the others.

Each :class:`Spec` gives the flags of the two sizes (``smoke``: seconds; ``city``: 1,000,000 residents),
the flag ``--scale`` replaces, the PostgreSQL databases it recreates (the runner waits while another
process uses them) and its SQLite file. A module of ``bench/`` not listed here is asked for
``--help`` and given the size flags it has (:func:`inferred`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.report import ROOT

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CITY = 1_000_000
HELPERS = {"report", "__main__", "__init__"}


@dataclass(frozen=True)
class Spec:
    name: str
    db: str  # both: once per backend with --db | postgres: PostgreSQL only | none: no database
    sizes: dict[str, list[str]]
    population: str = ""  # the flag --scale replaces
    needs: str = ""  # a benchmark of the same backend that must have succeeded first
    extra: Callable[[str, str], list[str]] | None = None  # (backend, admin_url) → more args
    databases: tuple[str, ...] = ()  # PostgreSQL databases it drops and recreates (waits while in use)
    sqlite_file: str = ""  # its --sqlite-path (a file of this run's own directory)


def _db_args(backend: str, admin: str) -> list[str]:
    return ["--db", backend] + (["--admin-url", admin] if backend == "postgres" else [])


WORKDIR = Path(f"/tmp/kikan-bench-{os.getpid()}")  # this run's SQLite files: never another run's


def _search_url(backend: str, admin: str) -> list[str]:
    import sqlalchemy as sa

    if backend == "sqlite":
        return ["--url", f"sqlite:///{WORKDIR / 'seed.db'}"]
    return [
        "--url",
        sa.engine.make_url(admin).set(database="kikan_bench").render_as_string(hide_password=False),
    ]


def _free_port(_: str, __: str) -> list[str]:
    from bench._procs import free_port

    return ["--port", str(free_port())]


SPECS: list[Spec] = [
    Spec("seed", "both", {"smoke": ["--residents", "2000", "--quiet"], "city": ["--residents", str(CITY), "--quiet"]},
         population="--residents", extra=_db_args, databases=("kikan_bench",), sqlite_file="seed.db"),
    Spec("juki_search", "both", {"smoke": ["--n", "10"], "city": ["--n", "100"]}, needs="seed", extra=_search_url,
         databases=("kikan_bench",)),
    Spec("moves", "both", {"smoke": ["--n", "30", "--threads", "2"], "city": ["--n", "2000", "--threads", "4"]},
         population="--n", extra=_db_args, databases=("kikan_bench_moves",), sqlite_file="moves.db"),
    Spec("load", "both", {"smoke": ["--clients", "4", "--duration", "6", "--residents", "200"],
                          "city": ["--clients", "16", "--duration", "300", "--residents", "100000"]},
         population="--residents", extra=_db_args, databases=("kikan_bench_load",), sqlite_file="load.db"),
    Spec("feed", "both", {"smoke": ["--events", "200", "--lag-events", "5"],
                          "city": ["--events", "100000", "--lag-events", "500"]}, population="--events",
         extra=lambda b, a: _db_args(b, a) + _free_port(b, a), databases=("kikan_bench_feed",), sqlite_file="feed.db"),
    Spec("certificates", "none", {"smoke": ["2"], "city": ["200"]}),
    Spec("tax_calc", "none", {"smoke": ["--taxpayers", "20000"], "city": ["--taxpayers", str(CITY)]},
         population="--taxpayers"),
    Spec("welfare_calc", "none", {"smoke": ["--households", "20000"], "city": ["--households", str(CITY)]},
         population="--households"),
    Spec("search_keys", "none", {"smoke": ["--n", "20000"], "city": ["--n", str(CITY)]}, population="--n"),
    Spec("migration_import", "postgres", {"smoke": ["--residents", "500"], "city": ["--residents", str(CITY)]},
         population="--residents", extra=lambda b, a: ["--admin-url", a, "--workdir", str(WORKDIR / "mig")],
         databases=("kikan_bench_mig",)),
    Spec("backup_restore", "both", {"smoke": ["--residents", "500", "--quiet"],
                                    "city": ["--residents", str(CITY), "--quiet"]},
         population="--residents", extra=lambda b, a: _db_args(b, a) + ["--out", str(WORKDIR / "backup.dump")],
         databases=("kikan_bench_backup", "kikan_bench_backup_restore")),
    Spec("welfare_payment_run", "postgres", {"smoke": ["--cases", "1000", "--chunk-size", "500"],
                                             "city": ["--cases", "120000"]},  # a 1M city: ~120k cases
         population="--cases", extra=lambda b, a: ["--admin-url", a], databases=("kikan_bench_welfare",)),
    Spec("tax_notices", "none", {"smoke": ["--taxpayers", "200"], "city": ["--taxpayers", "8000"]},
         population="--taxpayers"),  # city: ~2,000 notices; the cost per notice is linear (see the report)
    Spec("tax_batch", "postgres", {"smoke": ["--taxpayers", "3000", "--chunk-size", "1000"],
                                   "city": ["--taxpayers", str(CITY)]}, population="--taxpayers",
         extra=lambda b, a: ["--admin-url", a], databases=("kikan_bench_tax",)),
]  # fmt: skip
KNOWN = {s.name: s for s in SPECS}
POPULATION_FLAGS = ("--residents", "--taxpayers", "--households", "--recipients", "--persons", "--records",
                    "--notices", "--rows")  # fmt: skip
COUNT_FLAGS = ("--n", "--events", "--count")


def discover() -> list[str]:
    """Modules of ``bench/`` with a ``main()`` (helpers start with ``_``), registry order first."""
    found = sorted(p.stem for p in (ROOT / "bench").glob("*.py")
                   if not p.stem.startswith("_") and p.stem not in HELPERS
                   and re.search(r"^def main\(", p.read_text(encoding="utf-8"), re.M))  # fmt: skip
    return [s.name for s in SPECS if s.name in found] + [n for n in found if n not in KNOWN]


def inferred(name: str) -> Spec:
    """A benchmark the registry does not know: its ``--help`` tells which size flags it takes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        out = subprocess.run([sys.executable, "-m", f"bench.{name}", "--help"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120).stdout  # fmt: skip
    except subprocess.TimeoutExpired:
        out = ""
    flags = set(re.findall(r"(--[a-z][a-z0-9-]*)", out))
    smoke: list[str] = []
    city: list[str] = []
    population = next((f for f in POPULATION_FLAGS if f in flags), "")
    if "--size" in flags:
        smoke, city = ["--size", "smoke"], ["--size", "city"]
    elif population:
        smoke, city = [population, "2000"], [population, str(CITY)]
    elif count := next((f for f in COUNT_FLAGS if f in flags), ""):
        smoke, population = [count, "50"], count
    if "--quiet" in flags:
        smoke, city = smoke + ["--quiet"], city + ["--quiet"]
    if "--db" in flags:
        return Spec(name, "both", {"smoke": smoke, "city": city}, population, extra=_db_args)
    if "--admin-url" in flags:
        return Spec(name, "postgres", {"smoke": smoke, "city": city}, population,
                    extra=lambda b, a: ["--admin-url", a])  # fmt: skip
    return Spec(name, "none", {"smoke": smoke, "city": city}, population)
