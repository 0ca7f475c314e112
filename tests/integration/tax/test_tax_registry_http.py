"""The tax business deployed apart from the registry: ``juki.residents`` pulled over HTTP (a real server on
loopback, ``client_secret_jwt``) into a tax copy in ANOTHER database lands exactly the rows the in-process
path lands; a second sync changes nothing; a sync interrupted after a page resumes after it without
pulling it again; a client without the grant is refused clearly and changes nothing. Both backends."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from tax_support import TODAY, death, move_in_family, move_out_persons, person, tax_ctx
from typer.testing import CliRunner

from kikan.adapters.cli.batch import app_batch
from kikan.adapters.db.database import Database
from kikan.adapters.db.juki_blocks import SqlBlockStore
from kikan.adapters.db.migrate import upgrade
from kikan.adapters.db.tables.tax import tax_registry_row, tax_sync_cursor
from kikan.adapters.db.tax_registry_http import RegistryUnavailable, sync_registry_http
from kikan.adapters.db.tax_registry_source import sync_registry
from kikan.adapters.security import accounts
from kikan.config import get_settings
from kikan.core.errors import Conflict, Forbidden
from kikan.core.tenancy import TenantContext
from kikan.juki import block_services
from kikan.linkage.client import LinkageClient
from tests.e2e.browser import live_server
from tests.integration.linkage.linkage_support import client as linkage_client
from tests.integration.linkage.linkage_support import set_key

PG_ADMIN = os.environ.get("KIKAN_TEST_DATABASE_URL", "").replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(autouse=True)
def linkage_key(monkeypatch: pytest.MonkeyPatch) -> None:
    set_key(monkeypatch)


@pytest.fixture(scope="module")
def apart(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The tax system's own database (same backend, no registry data): deployed apart."""
    name = ""
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('apart') / 'tax.db'}"
    else:
        name = f"kikan_test_apart_{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}_{os.getpid()}"
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        url = sa.engine.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    database = Database(url)
    yield database
    database.dispose()
    if name:
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="module")
def base(app: Any) -> Iterator[str]:
    with live_server(app) as url:
        yield url


@pytest.fixture
def tax_apart(apart: Database, tenant_id: str) -> TenantContext:
    """The same municipality registered in the tax system's database (its copy starts empty)."""
    accounts.add_tenant(apart, tenant_id, f"テスト市{tenant_id}")
    return tax_ctx(tenant_id)


class CutAfter(httpx.Client):
    """A connection that drops after ``pages`` feed requests (the token request still goes through)."""

    def __init__(self, pages: int):
        super().__init__(timeout=30)
        self.left = pages

    def get(self, *args: Any, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        if self.left <= 0:
            raise httpx.ConnectError("connection reset by peer")
        self.left -= 1
        return super().get(*args, **kwargs)


COLUMNS = [c for c in tax_registry_row.c if c.name not in ("tenant_id", "received_at")]


def rows(db: Database, ctx: TenantContext) -> list[tuple[Any, ...]]:
    """The tax copy of ``ctx``'s tenant, every column but when it was received."""
    r = tax_registry_row.c
    with db.uow(ctx) as uow:
        q = sa.select(*COLUMNS).where(r.tenant_id == ctx.tenant_id).order_by(r.addressee_no, r.history_no)
        return [tuple(x) for x in uow.conn.execute(q).all()]


def position(db: Database, ctx: TenantContext) -> tuple[Any, ...] | None:
    c = tax_sync_cursor.c
    with db.uow(ctx) as uow:
        got = uow.conn.execute(
            sa.select(c.phase, c.cursor, c.updated_at).where(c.tenant_id == ctx.tenant_id)
        ).first()
    return None if got is None else tuple(got)


def protect(db: Database, ctx: TenantContext, addressee_no: str) -> None:
    """A 支援措置 starts: juki.residents (version 2) sends the person's current row again, ``protected``."""
    cmd = block_services.StartSupport(addressee_no, TODAY, provisional=False, reason="テスト")
    with db.uow(ctx) as uow:
        block_services.start_support(cmd, uow, today=TODAY, store=SqlBlockStore(uow))
        uow.commit()


def first_wave(db: Database, ctx: TenantContext) -> list[list[str]]:
    fam = move_in_family(db, ctx, person(), person(given="花子", sex="2", born="1982-02-02", rel="妻"),
                         person(given="一郎", born="2010-05-05", rel="子"))  # fmt: skip
    return [fam] + [
        move_in_family(db, ctx, person(family=f"住人{i}"), address=f"東京都千代田区竹町{i + 1}番地")
        for i in range(3)
    ]


def second_wave(db: Database, ctx: TenantContext, households: list[list[str]]) -> None:
    (head, wife, _), (a,), (b,), _ = households
    protect(db, ctx, wife)
    move_out_persons(db, ctx, [a], "2026-01-02")
    death(db, ctx, b, "2026-01-05")
    move_in_family(db, ctx, person(family="遅入"), event_on="2026-02-01", address="東京都千代田区桜町９番地")


def http(base: str, cid: str, secret: str, **kw: Any) -> LinkageClient:
    return LinkageClient(base, cid, secret, **kw)


def test_http_and_in_process_paths_keep_identical_copies(db, app, base, apart, ctx, tctx, tax_apart) -> None:
    cid, secret = linkage_client(db, ctx.tenant_id, ("juki.residents",))
    households = first_wave(db, ctx)
    local = sync_registry(db, tctx)
    remote = sync_registry_http(apart, tax_apart, http(base, cid, secret), limit=2)
    assert (local.received, local.stored) == (6, 6)
    assert (remote.received, remote.stored, remote.phase) == (6, 6, "changes")
    assert remote.pages == 3  # pages of 2: the snapshot took three requests
    assert rows(apart, tax_apart) == rows(db, tctx)

    second_wave(db, ctx, households)
    local = sync_registry(db, tctx)
    remote = sync_registry_http(apart, tax_apart, http(base, cid, secret), limit=2)
    assert remote.received == local.received and remote.stored == local.stored == 3  # 転出・死亡・転入
    kept, copied = rows(db, tctx), rows(apart, tax_apart)
    assert copied == kept and len(copied) == 9
    sources = {(x[0], x[1]): x[COLUMNS.index(tax_registry_row.c.source)] for x in copied}
    assert sorted(sources.values()).count("changes") == 3
    death_row = next(x for x in copied if x[0] == households[2][0] and x[1] == 2)
    assert death_row[COLUMNS.index(tax_registry_row.c.event_on)] == date(2026, 1, 5)
    assert death_row[COLUMNS.index(tax_registry_row.c.removal_reason)] is not None

    # a second sync changes nothing: no row, not even the cursor's time
    at = position(apart, tax_apart)
    again = sync_registry_http(apart, tax_apart, http(base, cid, secret), limit=2)
    assert (again.received, again.stored, again.phase) == (0, 0, "changes")
    assert rows(apart, tax_apart) == copied and position(apart, tax_apart) == at


def test_an_interrupted_sync_resumes_after_the_last_stored_page(
    db, app, base, apart, ctx, tctx, tax_apart
) -> None:
    cid, secret = linkage_client(db, ctx.tenant_id, ("juki.residents",))
    households = first_wave(db, ctx)
    with pytest.raises(RegistryUnavailable, match="接続できません"):
        sync_registry_http(apart, tax_apart, http(base, cid, secret, http=CutAfter(1)), limit=2)
    assert len(rows(apart, tax_apart)) == 2  # the first page and its cursor, in one transaction
    assert position(apart, tax_apart)[0] == "snapshot"  # type: ignore[index]
    resumed = sync_registry_http(apart, tax_apart, http(base, cid, secret), limit=2)
    assert (resumed.received, resumed.stored) == (4, 4)  # not the first page again
    sync_registry(db, tctx)
    assert rows(apart, tax_apart) == rows(db, tctx)

    second_wave(db, ctx, households)  # four records in the change feed, the first one held already
    with pytest.raises(RegistryUnavailable):
        sync_registry_http(apart, tax_apart, http(base, cid, secret, http=CutAfter(2)), limit=1)
    assert len(rows(apart, tax_apart)) == 7  # 支援措置 (the wife's row again), then the 転出
    assert position(apart, tax_apart)[0] == "changes"  # type: ignore[index]
    resumed = sync_registry_http(apart, tax_apart, http(base, cid, secret), limit=1)
    assert (resumed.received, resumed.stored) == (2, 2)  # 死亡・転入, nothing pulled twice
    sync_registry(db, tctx)
    assert rows(apart, tax_apart) == rows(db, tctx)
    keys = [(x[0], x[1]) for x in rows(apart, tax_apart)]
    assert len(keys) == len(set(keys)) == 9


def test_a_client_without_the_grant_is_refused_and_nothing_changes(
    db, app, base, apart, ctx, tax_apart
) -> None:
    first_wave(db, ctx)
    cid, secret = linkage_client(db, ctx.tenant_id, ("juki.moves",))
    with pytest.raises(Forbidden, match=r"juki\.residents の取得が許可されていません") as e:
        sync_registry_http(apart, tax_apart, http(base, cid, secret))
    assert cid in e.value.message
    none_cid, none_secret = linkage_client(db, ctx.tenant_id, ())
    with pytest.raises(Forbidden, match="invalid_scope"):
        sync_registry_http(apart, tax_apart, http(base, none_cid, none_secret))
    with pytest.raises(Forbidden, match="invalid_client"):
        sync_registry_http(apart, tax_apart, http(base, cid, "not-the-secret"))
    assert rows(apart, tax_apart) == [] and position(apart, tax_apart) is None

    granted, g_secret = linkage_client(db, ctx.tenant_id, ("juki.residents",))
    other = tax_ctx("131016" if ctx.tenant_id != "131016" else "011002")
    with pytest.raises(Conflict, match="取込先の団体"):
        sync_registry_http(apart, other, http(base, granted, g_secret))
    assert rows(apart, tax_apart) == [] and position(apart, tax_apart) is None


@pytest.fixture
def cli_apart(apart: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("KIKAN_DATABASE_URL", apart.url)
    monkeypatch.setenv("COLUMNS", "400")  # messages on one line
    get_settings.cache_clear()
    yield apart
    get_settings.cache_clear()


def test_the_batch_command_syncs_via_http(db, app, base, cli_apart, ctx, tctx, tax_apart, tmp_path) -> None:
    first_wave(db, ctx)
    cid, secret = linkage_client(db, ctx.tenant_id, ("juki.residents",))
    secret_file = tmp_path / "secret"
    secret_file.write_text(secret + "\n", "utf-8")
    run = CliRunner()
    args = ["sync-registry", "--tenant", ctx.tenant_id, "--via-http", base, "--client-id", cid,
            "--client-secret-file", str(secret_file)]  # fmt: skip
    out = run.invoke(app_batch, args)
    assert out.exit_code == 0 and "受信 6 件 / 新規 6 件（changes）" in out.output, out.output
    assert run.invoke(app_batch, args).output.count("新規 0 件") == 1
    sync_registry(db, tctx)
    assert rows(cli_apart, tax_apart) == rows(db, tctx)
    half = run.invoke(app_batch, args[:5])
    assert half.exit_code == 2 and "揃えて指定" in half.output
    bad_cid, bad_secret = linkage_client(db, ctx.tenant_id, ("juki.moves",))
    secret_file.write_text(bad_secret, "utf-8")
    refused = run.invoke(
        app_batch, [*args[:5], "--client-id", bad_cid, "--client-secret-file", str(secret_file)]
    )
    assert refused.exit_code == 2 and "許可されていません" in refused.output


def test_records_and_cursor_commit_together(db, app, base, apart, ctx, tctx, tax_apart, monkeypatch) -> None:
    from kikan.adapters.db import tax_registry_source

    cid, secret = linkage_client(db, ctx.tenant_id, ("juki.residents",))
    first_wave(db, ctx)
    real = tax_registry_source._save

    def power_cut(uow: Any, to: Any) -> None:
        raise RuntimeError("power cut before the cursor")

    monkeypatch.setattr(tax_registry_source, "_save", power_cut)
    with pytest.raises(RuntimeError):
        sync_registry_http(apart, tax_apart, http(base, cid, secret), limit=2)
    assert rows(apart, tax_apart) == [] and position(apart, tax_apart) is None  # the page's records too
    monkeypatch.setattr(tax_registry_source, "_save", real)
    assert sync_registry_http(apart, tax_apart, http(base, cid, secret), limit=2).stored == 6
    sync_registry(db, tctx)
    assert rows(apart, tax_apart) == rows(db, tctx)
