"""EUC: definitions (versioned), preview, CSV export, audit, bounds, injection attempts — both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from euc_helpers import audits, many_residents, person, registry_move_in, registry_move_out

from kikan.adapters.db import euc_reader
from kikan.adapters.db.tables.juki import juki_history
from kikan.core.errors import Conflict, NotFound, ValidationFailed
from kikan.core.tenancy import Actor, TenantContext
from kikan.euc import services as euc
from kikan.euc.spec import parse_spec
from tests.conftest import random_tenant_code

COLS = ["addressee_no", "family_name", "given_name", "birth_date", "status", "address"]


def spec(**kw):
    return parse_spec({"columns": COLS, **kw})


@pytest.fixture
def town(db, ctx):
    """Three residents, one of whom moved out (a 除票), plus a resident with awkward characters."""
    r = registry_move_in(db, ctx, person("青木"), person("青木", "花子", "1975-05-05", "2", "妻"),
                         person("=HYPERLINK(\"http://x\")", "次郎", "1990-01-01", rel="子"))  # fmt: skip
    registry_move_in(db, ctx, person("𠮷田", "一郎", "1950-03-03"), address="東京都千代田区竹町５番地")
    registry_move_out(db, ctx, [r.addressee_nos[1]])
    return r


def test_preview_reads_current_records_including_removed_ones(db, ctx, town):
    ex = euc.preview(db, ctx, spec(sort=[{"field": "birth_date", "descending": True}]))
    assert ex.header == ["宛名番号", "氏", "名", "生年月日", "住民状態", "住所"]
    assert [(r[1], r[4]) for r in ex.rows] == [("=HYPERLINK(\"http://x\")", "resident"), ("青木", "removed"),
                                              ("青木", "resident"), ("𠮷田", "resident")]  # fmt: skip
    assert not ex.more
    hist = euc.preview(db, ctx, spec(source="history", conditions=[{"field": "family_name", "op": "eq", "value": "青木"}]))
    assert len(hist.rows) == 3  # 花子 has her 転入 row and her 転出 row


def test_conditions_filter_as_documented(db, ctx, town):
    def names(*conds):
        return sorted(f"{r[1]}{r[2]}" for r in euc.preview(db, ctx, spec(conditions=list(conds))).rows)

    assert names({"field": "birth_date", "op": "between", "value": "昭和45年1月1日", "value2": "1980-12-31"}) == [
        "青木太郎", "青木花子"]
    assert names({"field": "birth_date", "op": "lt", "value": "1960-01-01"}) == ["𠮷田一郎"]
    assert names({"field": "address", "op": "contains", "value": "竹町"}) == ["𠮷田一郎"]
    assert names({"field": "family_name", "op": "prefix", "value": "青"}, {"field": "sex", "op": "eq", "value": "2"}) == [
        "青木花子"]
    assert names({"field": "status", "op": "ne", "value": "resident"}) == ["青木花子"]
    assert len(names({"field": "moved_out_to_planned", "op": "is_empty"})) == 3
    assert names({"field": "moved_out_to_planned", "op": "not_empty"}) == ["青木花子"]


def test_preview_shows_the_first_hundred_rows(db, ctx, town):
    many_residents(db, ctx, 101, town.household_no)
    ex = euc.preview(db, ctx, spec(conditions=[{"field": "family_name", "op": "eq", "value": "多数"}]))
    assert len(ex.rows) == 100 and ex.more


def test_injection_attempts_fail_safely(db, ctx, town):
    with pytest.raises(ValidationFailed) as e:
        spec(conditions=[{"field": "family_name = '' OR 1=1 --", "op": "eq", "value": "x"}])
    assert e.value.errors[0].field == "条件1の項目"
    with pytest.raises(ValidationFailed):
        spec(columns=["addressee_no, (SELECT individual_number_hash FROM juki_resident)"])
    for hostile in ("' OR '1'='1", "青木' --", "%", "_", "青木'; DROP TABLE juki_history; --"):
        for op in ("eq", "prefix", "contains"):
            rows = euc.preview(db, ctx, spec(conditions=[{"field": "family_name", "op": op, "value": hostile}])).rows
            assert rows == [], (hostile, op)
    with db.uow(ctx) as uow:
        assert uow.conn.execute(sa.select(sa.func.count()).select_from(juki_history)
                                .where(juki_history.c.tenant_id == ctx.tenant_id)).scalar() == 5  # fmt: skip


def test_export_csv_utf8_and_cp932_with_safe_cells_and_audit(db, ctx, town):
    s = spec(conditions=[{"field": "status", "op": "eq", "value": "resident"}])
    out = euc.export(db, ctx, s, target="adhoc")
    text = out.csv.data.decode("utf-8")
    assert text.startswith("\ufeff宛名番号,氏,名,生年月日,住民状態,住所\r\n")
    assert "'=HYPERLINK" in text and "𠮷田" in text and out.csv.rows == 3
    sj = euc.export(db, ctx, s, encoding="cp932")
    assert "〓田" in sj.csv.data.decode("cp932")
    assert [(x.column, x.code_point) for x in sj.substitutions] == [("氏", "U+20BB7")]
    with pytest.raises(ValidationFailed) as e:
        euc.export(db, ctx, s, encoding="cp932", strict=True)
    assert "U+20BB7" in e.value.errors[0].message and e.value.errors[0].field.endswith("行目の氏")
    runs = audits(db, ctx, "euc.run")
    assert [r.action for r in runs] == ["export", "export"]  # the refused one left no trace of output
    assert "3件" in runs[0].detail and "住民状態" in runs[0].detail


def test_oversized_exports_are_refused(db, ctx, town):
    with pytest.raises(euc.TooLarge) as e:
        euc.export(db, ctx, spec(), max_rows=3)
    assert e.value.status == 413 and e.value.errors[0].field == "抽出条件"
    with pytest.raises(ValidationFailed):
        euc.export(db, ctx, spec(), max_rows=euc.EXPORT_MAX_ROWS + 1)
    assert audits(db, ctx, "euc.run") == []


def test_definitions_are_versioned_per_tenant(db, ctx, town):
    raw = {"columns": COLS, "conditions": [{"field": "family_name", "op": "eq", "value": "青木"}]}
    with db.uow(ctx) as uow:
        d1 = euc.save(uow, name="青木さん", description="", spec=raw)
        uow.commit()
    with db.uow(ctx) as uow:
        d2 = euc.save(uow, name="青木さん（住民のみ）", description="", definition_id=d1.definition_id, expected_version=1,
                      spec={**raw, "conditions": [*raw["conditions"], {"field": "status", "op": "eq", "value": "resident"}]})  # fmt: skip
        uow.commit()
    assert (d2.definition_id, d2.version) == (d1.definition_id, 2)
    with db.uow(ctx) as uow, pytest.raises(Conflict):
        euc.save(uow, name="x", description="", spec=raw, definition_id=d1.definition_id, expected_version=1)
    with db.uow(ctx) as uow:
        assert [d.name for d in euc.list_all(uow)] == ["青木さん（住民のみ）"]
        saved = euc.get(uow, d1.definition_id)
    assert len(euc.preview(db, ctx, saved.spec, target=f"{saved.definition_id}@{saved.version}").rows) == 1
    with db.uow(ctx) as uow, pytest.raises(ValidationFailed) as e:
        euc.save(uow, name="", description="", spec={"columns": ["nope"]})
    assert {x.field for x in e.value.errors} == {"名称"}
    other = random_tenant_code()
    from kikan.adapters.security import accounts

    try:
        accounts.add_tenant(db, other, "別テスト市")
    except accounts.AccessError:
        return
    octx = TenantContext(other, Actor("clerk02", permissions=ctx.actor.permissions))
    with db.uow(octx) as uow:
        assert euc.list_all(uow) == []
        with pytest.raises(NotFound):
            euc.get(uow, d1.definition_id)
    assert euc.preview(db, octx, spec()).rows == []  # another tenant's registry is invisible
    with db.uow(ctx) as uow:
        euc.delete(uow, d1.definition_id, 2)
        uow.commit()
    with db.uow(ctx) as uow:
        assert euc.list_all(uow) == []


def test_the_reader_cannot_write_and_does_not_block_the_counter(db, ctx, town):
    with euc_reader.read_only(db, ctx.tenant_id, timeout_ms=5000) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(juki_history)).scalar() >= 5
        registry_move_in(db, ctx, person("窓口", "来庁"))  # the counter commits while the extract is open
        with pytest.raises(sa.exc.DBAPIError):
            conn.execute(sa.delete(juki_history).where(juki_history.c.tenant_id == ctx.tenant_id))
    assert len(euc.preview(db, ctx, spec(conditions=[{"field": "family_name", "op": "eq", "value": "窓口"}])).rows) == 1


def test_a_runaway_statement_is_stopped_with_a_clear_error(db, ctx):
    slow = ("SELECT pg_sleep(5)" if db.dialect == "postgresql" else
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")  # fmt: skip
    with pytest.raises(euc_reader.EucTimeout) as e, euc_reader.read_only(db, ctx.tenant_id, timeout_ms=50) as conn:
        conn.execute(sa.text(slow))
    assert e.value.status == 422 and "制限時間" in e.value.message
