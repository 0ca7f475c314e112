"""外字 同定 over the database (SQLite and PostgreSQL): vendor table, collection of unmapped characters
with their records, candidates by 住基ネット統一文字コード, confirm → replay, withdraw, isolation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kikan.adapters.db import characters_gaiji as store
from kikan.adapters.db import characters_gaiji_queries as q
from kikan.adapters.db import outbox
from kikan.adapters.db.tables.characters import characters_gaiji_decision, characters_gaiji_usage
from kikan.adapters.security import accounts
from kikan.characters import CP932, UCS, Occurrence
from kikan.core.errors import Conflict, NotFound, ValidationFailed
from kikan.core.tenancy import Actor, TenantContext
from tests.conftest import random_tenant_code

TABLE = "外字コード,字形の説明,住基ネット統一文字コード,MJ文字図形名\nF040,はしご高,,\nF041,邉（一点しんにょう）,J+BD4B,\n"


def _import(db, ctx, text: str = TABLE) -> int:
    with db.uow(ctx) as uow:
        n = store.import_code_table(uow, CP932, text, source="vendor.csv")
        uow.commit()
    return n


def _migrate(db, ctx, rows: list[tuple[int, str, str]]) -> tuple[list[str | None], int]:
    """What an importer does: one mapper per run, map_or_collect each field, store what was collected."""
    with db.uow(ctx) as uow:
        mapper = q.load_mapper(uow, CP932)
        out = [mapper.map_or_collect(v, Occurrence("juki.csv", n, "氏名", key)) for n, key, v in rows]
        store.record_unmapped(uow, mapper.collected, batch_id="run-1")
        uow.commit()
    return out, mapper.as_of_seq or 0


ROWS = [(2, "000000000000019", "\ue000橋一郎"), (3, "000000000000027", "渡\ue001花子"), (4, "000000000000035", "山田太郎"),
        (5, "000000000000043", "\ue000田\ue002")]  # fmt: skip


def test_unmapped_characters_are_collected_with_every_record(db, ctx):
    assert _import(db, ctx) == 2
    out, seq = _migrate(db, ctx, ROWS)
    assert out == [None, None, "山田太郎", None] and seq == 0
    with db.uow(ctx) as uow:
        listing = {e.code.code: e for e in q.list_codes(uow, code_system=CP932, usages_per_code=10)}
        uow.commit()
    assert set(listing) == {"F040", "F041", "F042"}
    assert listing["F040"].usage_count == 2 and listing["F040"].code.description == "はしご高"
    assert [(u.source_row, u.record_key) for u in listing["F040"].usages] == [
        (2, "000000000000019"),
        (5, "000000000000043"),
    ]
    assert listing["F042"].code.description == "" and listing["F042"].source == "移行データから収集"
    _migrate(db, ctx, ROWS)  # a rerun does not duplicate usages
    with db.uow(ctx) as uow:
        n = uow.conn.execute(
            sa.select(sa.func.count()).where(characters_gaiji_usage.c.tenant_id == ctx.tenant_id)
        ).scalar_one()
    assert n == 4


def test_candidates_are_proposed_by_juki_code_then_confirm_and_replay(db, ctx):
    _import(db, ctx)
    _migrate(db, ctx, ROWS)
    with db.uow(ctx) as uow:
        cands = q.candidates(uow, CP932, "f041")
    assert cands[0].mj.mj == "MJ026194" and cands[0].text == "邉\U000e011a"
    with db.uow(ctx) as uow:
        d1 = store.confirm(uow, CP932, "F041", mj_name=cands[0].mj.mj, basis=cands[0].basis)
        d2 = store.confirm(uow, CP932, "f040", "髙", note="外字表の説明による")
        uow.commit()
    assert (d1.text, d1.mj_name, d2.text, d2.mj_name) == ("邉\U000e011a", "MJ026194", "髙", "MJ028902")
    assert d2.seq == d1.seq + 1
    out, seq = _migrate(db, ctx, ROWS)
    assert out == ["髙橋一郎", "渡邉\U000e011a花子", "山田太郎", None] and seq == d2.seq
    with db.uow(ctx) as uow:
        assert q.resolve(uow, "\ue000\ue001") == "髙邉\U000e011a"
        assert q.resolve(uow, "\ue000\ue001", as_of_seq=d1.seq) == "\ue000邉\U000e011a"  # replay
        assert q.resolve(uow, "\ue000\ue001", as_of_seq=0) == "\ue000\ue001"
        remaining = [e.code.code for e in q.list_codes(uow)]
        events = [e.event_type for e in outbox.read_after(uow.conn, ctx.tenant_id, 0, 100)]
    assert remaining == ["F042"]
    assert events.count("GaijiMappingConfirmed") == 2


def test_a_new_decision_supersedes_and_withdraw_unmaps(db, ctx):
    _import(db, ctx)
    with db.uow(ctx) as uow:
        store.confirm(uow, CP932, "F040", "高")
        d = store.confirm(uow, CP932, "F040", "髙")
        uow.commit()
    with db.uow(ctx) as uow:
        assert q.resolve(uow, "\ue000") == "髙" and q.resolve(uow, "\ue000", as_of_seq=d.seq - 1) == "高"
        w = store.withdraw(uow, CP932, "F040", note="誤り")
        uow.commit()
    with db.uow(ctx) as uow:
        assert q.resolve(uow, "\ue000") == "\ue000"
        assert [(h.seq, h.text) for h in q.history(uow, CP932, "F040")] == [
            (d.seq - 1, "高"),
            (d.seq, "髙"),
            (w.seq, ""),
        ]
        with pytest.raises(Conflict):
            store.withdraw(uow, CP932, "F040")


def test_bad_decisions_are_refused_and_write_nothing(db, ctx):
    _import(db, ctx)
    with db.uow(ctx) as uow:
        with pytest.raises(ValidationFailed, match="私用領域"):
            store.confirm(uow, CP932, "F040", "\ue123")
        with pytest.raises(ValidationFailed, match="MJ"):
            store.confirm(uow, CP932, "F040", mj_name="MJ999999")
        with pytest.raises(ValidationFailed, match="同定する文字"):
            store.confirm(uow, CP932, "F040")
        with pytest.raises(NotFound):
            store.confirm(uow, CP932, "F9FC", "高")
        with pytest.raises(ValidationFailed):
            store.import_code_table(uow, CP932, "8140,全角スペース\n")
        uow.commit()
    with db.uow(ctx) as uow:
        n = uow.conn.execute(
            sa.select(sa.func.count()).where(characters_gaiji_decision.c.tenant_id == ctx.tenant_id)
        ).scalar_one()
        assert n == 0 and q.latest_seq(uow) == 0


def test_non_pua_non_standard_sequences_are_collected_too(db, ctx):
    with db.uow(ctx) as uow:
        mapper = q.load_mapper(uow)
        assert mapper.map_or_collect("渡邉\U000e0100", Occurrence("a.csv", 1, "氏名", "k1")) is None
        store.record_unmapped(uow, mapper.collected)
        store.confirm(uow, UCS, "U+9089 U+E0100", "邉\U000e011a")
        uow.commit()
    with db.uow(ctx) as uow:
        assert q.load_mapper(uow, CP932).map_or_collect("渡邉\U000e0100") == "渡邉\U000e011a"


def _other_tenant(db) -> TenantContext:
    for _ in range(20):
        code = random_tenant_code()
        try:
            accounts.add_tenant(db, code, "別の市")
        except accounts.AccessError:
            continue
        return TenantContext(code, Actor("clerk02"))
    raise RuntimeError("no tenant")


def test_mappings_are_per_tenant(db, ctx):
    _import(db, ctx)
    with db.uow(ctx) as uow:
        store.confirm(uow, CP932, "F040", "髙")
        uow.commit()
    with db.uow(_other_tenant(db)) as uow:
        assert q.resolve(uow, "\ue000") == "\ue000"
        assert q.list_codes(uow, unmapped_only=False) == []
        with pytest.raises(NotFound):
            store.confirm(uow, CP932, "F040", "高")


def test_decisions_are_append_only_on_postgres(db, ctx):
    if db.dialect != "postgresql":
        pytest.skip("the grant is PostgreSQL's")
    _import(db, ctx)
    with db.uow(ctx) as uow:
        store.confirm(uow, CP932, "F040", "髙")
        uow.commit()
    with pytest.raises(sa.exc.ProgrammingError), db.uow(ctx) as uow:
        uow.conn.execute(sa.update(characters_gaiji_decision).values(text="高"))
