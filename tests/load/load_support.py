"""Shared parts of the load and fault tests: databases, the ``kikan`` command, tenant state."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("KIKAN_TEST_DATABASE_URL", "").replace("postgresql://", "postgresql+psycopg://", 1)
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])
#: KIKAN_LOAD_CITY=1: the big version, by hand (docs/benchmarks.md)
CITY = os.environ.get("KIKAN_LOAD_CITY", "") == "1"


@contextmanager
def fresh_database(backend: str, tmp: Path, admin_url: str = "") -> Iterator[str]:
    """A new empty database: a SQLite file, or a PostgreSQL database on ``admin_url`` (dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp / f'load-{uuid.uuid4().hex[:8]}.db'}"
        return
    admin_url = admin_url or PG_URL
    name = f"kikan_load_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as c:  # NullPool: the server may have been restarted in between
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def kikan_cmd() -> list[str]:
    script = Path(sys.executable).parent / "kikan"
    if script.exists():
        return [str(script)]
    return [
        sys.executable,
        "-c",
        "import sys; from kikan.adapters.cli.main import app; app(sys.argv[1:], prog_name='kikan')",
    ]


def kikan(db_url: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the ``kikan`` command against ``db_url`` (a separate process, as an operator would)."""
    env = {**os.environ, "KIKAN_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*kikan_cmd(), *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


def has_command(*words: str) -> bool:
    """Whether ``kikan <words…>`` exists (e.g. ``has_command("batch", "individual-resident-tax")``)."""
    r = subprocess.run([*kikan_cmd(), *words, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    return r.returncode == 0


def explain(check: Any, result: Any) -> str:
    from bench.load import summary

    return f"problems: {check.problems}\nfigures: {check.figures}\nsummary: {summary(result)}"


#: Columns that differ between two correct imports by design (time, actor, run, random nonce).
VOLATILE = {"tenant_id", "recorded_at", "recorded_by", "request_id", "individual_number_enc"}


def registry_state(db: Any, tenant: str) -> dict[str, Any]:
    """History (個人番号 decrypted), residents, households and counters of a tenant, comparable across tenants."""
    from kikan.adapters.db import counters
    from kikan.adapters.db.tables.juki import juki_history, juki_household, juki_resident
    from kikan.adapters.security.crypto import get_cipher
    from kikan.core.tenancy import SYSTEM_BATCH, TenantContext

    cipher = get_cipher()
    out: dict[str, Any] = {}
    with db.uow(TenantContext(tenant, SYSTEM_BATCH)) as uow:
        for name, table, key in (("history", juki_history, ("addressee_no", "history_no")),
                                 ("residents", juki_resident, ("addressee_no",)),
                                 ("households", juki_household, ("household_no",))):  # fmt: skip
            rows = {}
            for r in uow.conn.execute(sa.select(table).where(table.c.tenant_id == tenant)):
                d = dict(r._mapping)
                if d.get("individual_number_enc"):
                    d["individual_number"] = cipher.decrypt(d["individual_number_enc"])
                rows[tuple(d[k] for k in key)] = {k: v for k, v in d.items() if k not in VOLATILE}
            out[name] = rows
        out["counters"] = {n: counters.peek(uow.conn, tenant, n)[0] for n in ("addressee_no", "household_no")}
    return out


def outbox_of(db: Any, tenant: str) -> list[tuple[int, str, str]]:
    """(seq, event type, aggregate id) of every event of the tenant, in seq order."""
    from kikan.adapters.db.tables.core import outbox_event
    from kikan.core.tenancy import SYSTEM_BATCH, TenantContext

    o = outbox_event.c
    with db.uow(TenantContext(tenant, SYSTEM_BATCH)) as uow:
        return [(r.seq, r.event_type, r.aggregate_id) for r in uow.conn.execute(
            sa.select(o.seq, o.event_type, o.aggregate_id).where(o.tenant_id == tenant).order_by(o.seq))]  # fmt: skip
