"""Fault: batches killed (``kill -9``) while a counter day runs on the same database, then rerun.

Each batch runs as an operator would start it (the ``kikan`` command in its own process), is
killed after it committed part of its work, and is started again with the same command. The end
state must equal an uninterrupted run of the same input; meanwhile the counter day (another tenant,
same database) must lose, duplicate and fail nothing, and every access-log chain must verify.

- 移行データの取込み ``kikan migrate import`` (a registry exported from a seeded tenant, chukan layout);
- 個人住民税の当初課税 ``kikan batch individual-resident-tax`` (registry synced, 課税資料 imported as CSV);
- 児童手当の定期払 ``kikan welfare pay`` (cases seeded by ``bench.welfare_payment_run.seed``).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fault_support import CounterDay, chain_ok, kill_when, new_tenant, ok, scalar, start, system_ctx
from load_support import BACKENDS, ROOT, fresh_database, kikan, outbox_of, registry_state

from kikan.adapters.db.database import Database
from kikan.adapters.security import accounts


@pytest.fixture(scope="module", params=BACKENDS)
def day(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CounterDay]:
    with fresh_database(request.param, tmp_path_factory.mktemp("fault")) as url:
        d = CounterDay(url)
        try:
            d.open()
            yield d
        finally:
            d.close()


def test_migration_import_killed_under_load_ends_as_an_uninterrupted_import(
    day: CounterDay, tmp_path: Path
) -> None:
    from kikan.adapters.db.migration_export import export_registry
    from kikan.core.tenancy import SYSTEM_BATCH, TenantContext
    from kikan.migration.layout import load_layout
    from kikan.synthetic import seed_tenant

    backend_url = day.db_url
    db = Database(backend_url)
    with day.running() as check_load:
        src, killed, whole = new_tenant(db), new_tenant(db), new_tenant(db)
        seed_tenant(db, src, 200, 2)
        out = io.BytesIO()
        export_registry(
            db, TenantContext(src, SYSTEM_BATCH), load_layout("chukan_juki"), out.write, out_name="juki.csv"
        )
        legacy = tmp_path / "juki.csv"
        legacy.write_bytes(out.getvalue())
        common = ["migrate", "import", str(legacy), "--layout", "chukan_juki", "--batch-households", "10", "--by",
                  "cli:fault"]  # fmt: skip
        ledger = "SELECT count(*) FROM migration_batch WHERE tenant_id = :t"
        proc = start(
            backend_url, *common, "--tenant", killed, "--pause", "0.3", "--report-dir", str(tmp_path / "r1")
        )
        kill_when(proc, lambda: scalar(backend_url, ledger, t=killed) >= 2, "kikan migrate import")
        partial = scalar(backend_url, ledger, t=killed)
        rerun = ok(kikan(backend_url, *common, "--tenant", killed, "--report-dir", str(tmp_path / "r2")))
        assert "取り込みました" in rerun
        ok(kikan(backend_url, *common, "--tenant", whole, "--report-dir", str(tmp_path / "r3")))
        check_load()
    batches = scalar(backend_url, ledger, t=whole)
    assert 2 <= partial < batches == scalar(backend_url, ledger, t=killed)
    assert registry_state(db, killed) == registry_state(db, whole)
    assert outbox_of(db, killed) == outbox_of(db, whole)  # one event per batch, seq 1..n, none twice
    assert chain_ok(db, killed) and chain_ok(db, whole)
    db.dispose()


def _income_csv(db: Database, tenant: str) -> bytes:
    from kikan.adapters.db.tables.tax import tax_registry_row

    r = tax_registry_row.c
    with db.uow(system_ctx(tenant)) as uow:
        nos = sorted(set(uow.conn.execute(sa.select(r.addressee_no).where(r.tenant_id == tenant)).scalars()))
    lines = [
        "fiscal_year,addressee_no,source_kind,payer_id,special_collection,salary_revenue,social_insurance"
    ]
    for i, no in enumerate(nos):
        if i % 3 != 2:  # a third have no 課税資料 (未申告)
            lines.append(
                f"2026,{no},salary_report,E{i % 7:03d},1,{2_400_000 + 37_000 * i},{300_000 + 1_000 * i}"
            )
    return ("\n".join(lines) + "\n").encode()


def test_tax_batch_killed_under_load_ends_as_an_uninterrupted_run(day: CounterDay, tmp_path: Path) -> None:
    try:
        from kikan.adapters.cli.batch import individual_resident_tax  # noqa: F401
    except ImportError:
        pytest.skip("`kikan batch individual-resident-tax` does not exist yet")
    from kikan.adapters.db import tax_income_store
    from kikan.adapters.db.tax_registry_source import sync_registry
    from kikan.adapters.db.tax_results import diff_runs
    from kikan.adapters.db.tax_runs import run_assessment
    from kikan.synthetic import seed_tenant
    from kikan.tax.individual_resident.income_csv import parse_csv

    backend_url = day.db_url
    db = Database(backend_url)
    with day.running() as check_load:
        tax = new_tenant(db)
        ctx = system_ctx(tax)
        seed_tenant(db, tax, 150, 4, as_of=date(2026, 4, 1))
        sync_registry(db, ctx)  # the registry's published records, as the batch would pull them
        records, relatives = parse_csv(_income_csv(db, tax))
        with db.uow(ctx) as uow:
            tax_income_store.import_frames(uow, records, relatives)
            uow.commit()
        cmd = ["batch", "individual-resident-tax", "--tenant", tax, "--fiscal-year", "2026", "--no-sync"]
        done = "SELECT coalesce(max(chunks_done), 0) FROM tax_assessment_run WHERE tenant_id = :t"
        proc = start(backend_url, *cmd, "--chunk-size", "25", env={"KIKAN_TAX_BATCH_TEST_HOLD": "0.4"})
        kill_when(proc, lambda: scalar(backend_url, done, t=tax) >= 2, "kikan batch individual-resident-tax")
        assert "再開して完了" in ok(kikan(backend_url, *cmd, "--chunk-size", "25"))
        # the uninterrupted run of the same input: a simulation as of the annual run's known_at, one chunk
        twin = run_assessment(db, ctx, 2026, kind="simulation", known_at=_known_at(db, tax), chunk_size=1000,
                              sync=False)  # fmt: skip
        with db.uow(ctx) as uow:
            diff = diff_runs(uow.conn, tax, "annual-2026", twin.run_id)
        check_load()
    assert diff["differing"] == 0 and diff["rows_a"] == diff["rows_b"] == twin.taxpayers > 50, diff
    assert chain_ok(db, tax)
    db.dispose()


def _known_at(db: Database, tenant: str) -> datetime:
    from kikan.adapters.db.tables.tax import tax_assessment_run

    r = tax_assessment_run.c
    with db.uow(system_ctx(tenant)) as uow:
        row = uow.conn.execute(
            sa.select(r.known_at, r.status).where(r.tenant_id == tenant, r.run_id == "annual-2026")
        ).one()
    assert row.status == "completed"
    return row.known_at if row.known_at.tzinfo else row.known_at.replace(tzinfo=UTC)


#: ``kikan welfare`` with each chunk slowed by 0.3 s (so the kill lands mid-run on any machine); the
#: command's own typer app when main.py does not register ``welfare`` yet.
SLOW_PAY = """
import sys, time
import kikan.adapters.db.welfare_payment_runs as w
write = w.write_chunk
w.write_chunk = lambda *a, **k: (time.sleep(0.3), write(*a, **k))[1]
from kikan.adapters.cli.welfare import app_welfare
app_welfare(sys.argv[1:], prog_name="kikan welfare")
"""


def pay_month() -> str:
    """The next 支払期月 of 児童手当 (even months, paid on the 10th) the command accepts today."""
    from kikan.core.temporal import SystemClock

    today = SystemClock().today()
    y, m = today.year, today.month
    while m % 2 or date(y, m, 10) < today:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return f"{y}-{m:02d}"


def _pay(db_url: str, out: Path, chunk: int, *, slow: bool) -> subprocess.Popen[bytes]:
    args = ["pay", "--tenant", "131016", "--allowance", "child_allowance", "--month", pay_month(), "--out", str(out),
            "--chunk-size", str(chunk)]  # fmt: skip
    env = {**os.environ, "KIKAN_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    code = SLOW_PAY if slow else SLOW_PAY.replace("0.3", "0")
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip


def _welfare_db(db_url: str, cases: int) -> None:
    from bench.welfare_payment_run import TENANT, seed
    from kikan.adapters.db.migrate import upgrade
    from kikan.core.tenancy import Actor, TenantContext

    upgrade(db_url)
    db = Database(db_url)
    try:
        accounts.add_tenant(db, TENANT, "千代田区")
        ctx = TenantContext(
            TENANT, Actor("bench", kind="batch", permissions=frozenset({"welfare.read", "welfare.write"}))
        )
        seed(db, ctx, cases, datetime.now(UTC))
    finally:
        db.dispose()


def test_payment_run_killed_under_load_writes_the_same_files(day: CounterDay, tmp_path: Path) -> None:
    try:
        import bench.welfare_payment_run  # noqa: F401
        import kikan.adapters.cli.welfare  # noqa: F401
    except ModuleNotFoundError as e:
        pytest.skip(f"the payment run does not exist yet ({e.name})")
    backend_url = day.db_url
    backend = "sqlite" if backend_url.startswith("sqlite") else "postgres"
    with fresh_database(backend, tmp_path) as twin_url:
        _welfare_db(backend_url, 300)
        _welfare_db(twin_url, 300)
        chunks = "SELECT count(*) FROM welfare_payment_chunk WHERE tenant_id = '131016'"
        with day.running() as check_load:
            proc = _pay(backend_url, tmp_path / "killed", 40, slow=True)
            kill_when(proc, lambda: scalar(backend_url, chunks) >= 2, "kikan welfare pay")
            partial = scalar(backend_url, chunks)
            for url, out in ((backend_url, "killed"), (twin_url, "whole")):
                p = _pay(url, tmp_path / out, 40, slow=False)
                stdout, stderr = p.communicate(timeout=600)
                assert p.returncode == 0, (stdout + stderr).decode(errors="replace")[-3000:]
            check_load()
        assert 2 <= partial < scalar(backend_url, chunks) == scalar(twin_url, chunks)
    killed = {f.name: f.read_bytes() for f in (tmp_path / "killed").iterdir()}
    whole = {f.name: f.read_bytes() for f in (tmp_path / "whole").iterdir()}
    assert killed == whole and killed, sorted(killed)
