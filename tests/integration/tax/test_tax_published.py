"""The published 課税状況: one event per committed chunk, expanded per taxpayer; snapshots; 世帯非課税."""

from __future__ import annotations

from tax_support import add_income, move_in_family, person

from kikan.adapters.db import outbox, tax_corrections, tax_published, tax_runs
from kikan.tax.individual_resident.events import EVENT_TYPES


def test_published_status_per_taxpayer_and_household(db, ctx, tctx) -> None:
    fam = move_in_family(db, ctx, person(), person(given="花子", sex="2", born="1982-02-02", rel="妻"),
                         person(given="一郎", born="2012-07-07", rel="子"))  # fmt: skip
    alone = move_in_family(
        db, ctx, person(family="独居", born="1948-03-03"), address="東京都千代田区梅町２番地"
    )
    add_income(db, tctx, fam[0], salary_revenue=5_500_000, spouse={"age": 43, "total_income": 0},
               dependants=[{"age": 13}])  # fmt: skip
    add_income(db, tctx, alone[0], "pension_report", payer="P01", pension_revenue=1_500_000)
    rep = tax_runs.run_assessment(db, tctx, 2026, chunk_size=2)
    with db.uow(tctx) as uow:
        events = outbox.read_after(uow.conn, tctx.tenant_id, 0, 100, sorted(EVENT_TYPES))
        items = [i for e in events for i in tax_published.expand_event(uow.conn, tctx.tenant_id, e)]
        page = [
            i
            for e in events
            for i in tax_published.expand_event(uow.conn, tctx.tenant_id, e, skip=1, limit=1)
        ]
        snap = tax_published.status_after(uow.conn, tctx.tenant_id, 2026, "", 1000)
        hnos = sorted({i["data"]["household_no"] for i in items})
        households = {h["household_no"]: h for h in tax_published.household_status(
            uow.conn, tctx.tenant_id, 2026, [*hnos, "000000000099999"])}  # fmt: skip
    assert len(events) == rep.chunks_total and sum(e.payload["count"] for e in events) == 4
    assert sorted(i["id"] for i in items) == sorted(f"2026-{n}-1" for n in [*fam, *alone])
    assert len(page) == len([e for e in events if e.payload["count"] > 1])
    data = {i["data"]["addressee_no"]: i["data"] for i in items}
    assert [x["data"] for x in snap] == [data[n] for n in sorted(data)]
    head, wife, child, old = data[fam[0]], data[fam[1]], data[fam[2]], data[alone[0]]
    assert head["taxation"] == "taxed" and head["taxation_ja"] == "課税" and head["income_levy"] > 0
    assert head["total_income"] == head["aggregate_income"] > 0 and head["household_members"] == 2
    assert wife["taxation"] == child["taxation"] == old["taxation"] == "exempt" and not wife["declared"]
    assert old["pension_revenue"] == 1_500_000 and old["per_capita"] == 0
    assert set(households) == {head["household_no"], old["household_no"]}
    fh, oh = households[head["household_no"]], households[old["household_no"]]
    assert (fh["members"], fh["taxed_members"], fh["exempt_members"], fh["household_exempt"]) == (
        3,
        1,
        2,
        False,
    )
    assert fh["undeclared_members"] == 2 and fh["member_addressee_nos"] == sorted(fam)
    assert (oh["members"], oh["household_exempt"]) == (1, True)
    add_income(db, tctx, alone[0], "pension_report", payer="P02", pension_revenue=1_200_000)
    with db.uow(tctx) as uow:
        tax_corrections.recompute(uow, 2026, [alone[0]], reason="年金の追加")
        uow.commit()
    with db.uow(tctx) as uow:
        new = outbox.read_after(uow.conn, tctx.tenant_id, events[-1].seq, 100, sorted(EVENT_TYPES))
        (fresh,) = [i for e in new for i in tax_published.expand_event(uow.conn, tctx.tenant_id, e)]
        (now,) = tax_published.status_of(uow.conn, tctx.tenant_id, 2026, [alone[0]])
        oh2 = tax_published.household_status(uow.conn, tctx.tenant_id, 2026, [old["household_no"]])[0]
    assert fresh["id"] == f"2026-{alone[0]}-2" and fresh["data"] == now and now["kind"] == "correction"
    assert now["taxation"] in ("taxed", "per_capita_only") and not oh2["household_exempt"]
