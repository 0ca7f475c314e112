"""更正 after the annual run: new versions (both kept), differences per installment, re-spread, notices."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from tax_support import add_income, death, move_in_family, person

from kikan.adapters.db import tax_corrections, tax_runs
from kikan.adapters.db.tables.core import outbox_event
from kikan.adapters.db.tables.tax import tax_correction_notice
from kikan.adapters.db.tax_results import versions
from kikan.core.errors import Conflict

SEPT = date(2026, 9, 1)


@pytest.fixture
def town(db, ctx, tctx):  # type: ignore[no-untyped-def]
    a = move_in_family(db, ctx, person(family="給与"))[0]
    b = move_in_family(db, ctx, person(family="年金", born="1950-05-05"), address="東京都千代田区梅町２番地")[
        0
    ]
    c = move_in_family(db, ctx, person(family="無収入"), address="東京都千代田区竹町３番地")[0]
    d = move_in_family(db, ctx, person(family="故人"), address="東京都千代田区桜町４番地")[0]
    add_income(db, tctx, a, salary_revenue=6_000_000, deductions={"social_insurance": 850_000})
    add_income(db, tctx, b, "pension_report", payer="P01", pension_revenue=2_400_000)
    add_income(db, tctx, d, special=False, salary_revenue=4_000_000)
    with pytest.raises(Conflict), db.uow(tctx) as uow:
        tax_corrections.recompute(uow, 2026, [a], reason="テスト")
    rep = tax_runs.run_assessment(db, tctx, 2026, chunk_size=2)
    return {"a": a, "b": b, "c": c, "d": d, "run": rep}


def test_changes_after_the_batch_become_new_versions_with_differences(db, ctx, tctx, town) -> None:
    a, c, d = town["a"], town["c"], town["d"]
    add_income(db, tctx, a, "final_return", salary_revenue=6_000_000,
               deductions={"social_insurance": 850_000, "medical_expenses": 600_000})  # fmt: skip
    add_income(db, tctx, c, payer="E0777", salary_revenue=3_000_000)
    death(db, ctx, d, "2025-12-20")  # reported late: D was not a resident on 1 January
    with db.uow(tctx) as uow:
        assert tax_corrections.pending(uow, 2026) == [a, c]  # the registry change is not pulled yet
    out = {
        r.addressee_no: r
        for r in tax_corrections.correct_pending(db, tctx, 2026, reason="更正", valid_from=SEPT)
    }
    assert set(out) == {a, c, d} and all(r.changed for r in out.values())
    assert (out[a].kind, out[a].direction) == ("correction", "decrease") and out[a].difference < 0
    assert (out[c].kind, out[c].direction) == ("correction", "increase")
    assert (out[d].kind, out[d].direction) == ("cancellation", "decrease")
    with db.uow(tctx) as uow:
        va = versions(uow.conn, tctx.tenant_id, 2026, a)
        vd = versions(uow.conn, tctx.tenant_id, 2026, d)
        vc = versions(uow.conn, tctx.tenant_id, 2026, c)
        n = tax_correction_notice.c
        notices = {x.addressee_no: x for x in uow.conn.execute(sa.select(tax_correction_notice).where(
            n.tenant_id == tctx.tenant_id)).all()}  # fmt: skip
        o = outbox_event.c
        events = uow.conn.execute(sa.select(o.payload).where(o.tenant_id == tctx.tenant_id,
                                                             o.event_type == "TaxAssessmentPublished")).all()  # fmt: skip
    assert [v["version"] for v in va] == [1, 2] and va[1]["valid_from"] == SEPT and va[1]["reason"] == "更正"
    before, after = va[0]["installments"]["salary"], va[1]["installments"]["salary"]
    assert after[:3] == before[:3]  # June–August were deducted before 9/1 (remitted 7/10, 8/10, 9/10)
    assert sum(after) == va[1]["total_tax"] < va[0]["total_tax"] and len(set(after[4:])) == 1
    assert after[3] - after[4] < 100 * 9  # fractions of the 9 remaining months go to September
    note = notices[a]
    assert note.previous_version == 1 and note.direction == "decrease" and note.salary_payer_id == "E0001"
    assert (
        sum(x["difference"] for x in note.lines) == note.difference == va[1]["total_tax"] - va[0]["total_tax"]
    )
    assert vc[0]["taxation"] == "exempt" and vc[1]["salary_payer_id"] == "E0777"
    assert (
        vc[1]["installments"]["salary"][:3] == [0, 0, 0]
        and sum(vc[1]["installments"]["salary"]) == vc[1]["total_tax"]
    )
    assert vd[1]["taxation"] == "cancelled" and vd[1]["total_tax"] == 0
    assert (
        vd[1]["installments"]["overpaid"]
        == notices[d].overpaid
        == vd[0]["installments"]["ordinary"][0] + vd[0]["installments"]["ordinary"][1]
    )
    corrections = [e.payload for e in events if e.payload["kind"] == "correction"]
    assert len(corrections) == 1 and corrections[0]["count"] == 3
    assert tax_corrections.correct_pending(db, tctx, 2026, reason="再実行") == []


def test_recomputing_an_unchanged_taxpayer_changes_nothing(db, tctx, town) -> None:
    with db.uow(tctx) as uow:
        (res,) = tax_corrections.recompute(uow, 2026, [town["b"]], reason="確認")
        uow.commit()
    assert not res.changed and res.version == 1
    with db.uow(tctx) as uow:
        assert [v["version"] for v in versions(uow.conn, tctx.tenant_id, 2026, town["b"])] == [1]
        first = versions(uow.conn, tctx.tenant_id, 2026, town["b"])[0]
    assert first["pension_amount"] > 0 and first["installments"]["pension"][:3] == [0, 0, 0]  # first year
