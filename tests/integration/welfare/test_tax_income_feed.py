"""Income from the tax business, consumed only through its published dataset ``tax.assessment_status``:
a real 個人住民税 assessment is published, the welfare subscriber stores the income of the persons in
its cases (source ``tax``), the 児童手当 recipient is the higher-income parent by that data, the
児童扶養手当 income limits use it; a second sync changes nothing; a 更正 arrives as a new version (and a
staff entry it replaces is kept and flagged); the HTTP path lands the same rows as the in-process path."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from welfare_support import certify, claim, income, move_in, open_tasks, person, staff

from kikan.adapters.db import tax_corrections, tax_runs, welfare_feed, welfare_tax_feed
from kikan.adapters.db.tables.welfare import welfare_feed_cursor, welfare_income, welfare_processed_item
from kikan.core.errors import Conflict, ValidationFailed
from kikan.welfare import month_index
from kikan.welfare.cases import IncomeFacts
from kikan.welfare.cases.amounts import compute

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tax"))
from tax_support import add_income, tax_ctx  # type: ignore[import-not-found]  # noqa: E402

COMPARED = ("addressee_no", "income_year", "version", "source", "total_income", "salary_pension_income",
            "other_income", "dependants", "deductions", "child_support")  # fmt: skip


def family(db: Any, ctx: Any, address: str = "東京都千代田区松町１番地") -> tuple[str, str, str]:
    r = move_in(db, ctx, [person("高橋", "父", "1985-05-05", "世帯主"), person("高橋", "母", "1987-06-06", "妻", "2"),
                          person("高橋", "子", "2020-02-02", "子")], "2020-04-01", address)  # fmt: skip
    father, mother, child = r.addressee_nos
    return father, mother, child


def rows(db: Any, ctx: Any, who: str | None = None) -> list[dict[str, Any]]:
    i = welfare_income.c
    q = sa.select(welfare_income).where(i.tenant_id == ctx.tenant_id)
    if who is not None:
        q = q.where(i.addressee_no == who)
    with db.uow(ctx) as uow:
        got = uow.conn.execute(q.order_by(i.addressee_no, i.income_year, i.version)).mappings()
        return [{k: r[k] for k in COMPARED} | {"recorded_by": r["recorded_by"]} for r in got]


def processed(db: Any, ctx: Any) -> list[str]:
    p = welfare_processed_item.c
    with db.uow(ctx) as uow:
        return sorted(uow.conn.execute(sa.select(p.item_id).where(
            p.tenant_id == ctx.tenant_id, p.dataset == welfare_tax_feed.DATASET)).scalars())  # fmt: skip


def reset_cursor(db: Any, tenant_id: str) -> None:
    c = welfare_feed_cursor.c
    with db.uow(welfare_tax_feed.context(tenant_id)) as uow:
        uow.conn.execute(
            sa.delete(welfare_feed_cursor).where(
                c.tenant_id == tenant_id, c.dataset == welfare_tax_feed.DATASET
            )
        )
        uow.commit()


def published(db: Any, tctx: Any, year: int, no: str) -> dict[str, Any]:
    from kikan.adapters.db import tax_published

    with db.uow(tctx) as uow:
        (rec,) = tax_published.status_of(uow.conn, tctx.tenant_id, year, [no])
    return rec


def assessed(db: Any, tenant_id: str, year: int = 2026) -> tuple[Any, Any, tuple[str, str, str], str]:
    """A family (father earns more) and a neighbour, assessed for ``year`` by the tax business."""
    ctx, tctx = staff(tenant_id), tax_ctx(tenant_id)
    father, mother, child = family(db, ctx)
    (neighbour,) = move_in(db, ctx, [person("山本", "隣", "1970-01-01", "世帯主")], "2019-01-01",
                           "東京都千代田区竹町３番地").addressee_nos  # fmt: skip
    add_income(db, tctx, father, fiscal_year=year, salary_revenue=6_000_000)
    add_income(db, tctx, mother, fiscal_year=year, payer="E0002", salary_revenue=2_000_000)
    add_income(db, tctx, neighbour, fiscal_year=year, payer="E0003", salary_revenue=4_000_000)
    tax_runs.run_assessment(db, tctx, year)
    return ctx, tctx, (father, mother, child), neighbour


def test_income_from_tax_decides_the_child_allowance_recipient(db, tenant_id):
    ctx, tctx, (father, mother, child), neighbour = assessed(db, tenant_id)
    welfare_feed.poll(db, tenant_id)
    by_mother = claim(db, ctx, mother, [(child, "2020-02-02")], "2026-06-10", spouse=father)
    rep = welfare_tax_feed.poll(db, tenant_id)
    assert rep.received == 4 and rep.applied == 2  # the child and the neighbour are passed over
    pf, pm = published(db, tctx, 2026, father), published(db, tctx, 2026, mother)
    got = {r["addressee_no"]: r for r in rows(db, ctx)}
    assert set(got) == {father, mother}  # data minimisation: nobody outside the case
    f = got[father]
    assert (f["income_year"], f["version"], f["source"], f["recorded_by"]) == (
        2025,
        1,
        "tax",
        "system:welfare-tax",
    )
    assert f["total_income"] == pf["total_income"] > got[mother]["total_income"] == pm["total_income"] > 0
    assert f["salary_pension_income"] == pf["salary_income"] + pf["pension_income"]
    assert processed(db, ctx) == sorted([f"2026-{father}-1", f"2026-{mother}-1"])
    with pytest.raises(Conflict) as e:  # 生計を維持する程度の高い者 is the father (by the tax data)
        certify(db, ctx, by_mother.case_id, "2026-06-10")
    assert father in e.value.message
    by_father = claim(db, ctx, father, [(child, "2020-02-02")], "2026-06-10", spouse=mother)
    case = certify(db, ctx, by_father.case_id, "2026-06-10")
    assert case.state.recipient == father and case.monthly_amount > 0


def test_a_second_sync_and_a_reset_cursor_change_nothing(db, tenant_id):
    ctx, _, (father, mother, child), _ = assessed(db, tenant_id)
    claim(db, ctx, father, [(child, "2020-02-02")], "2026-06-10", spouse=mother)
    assert welfare_tax_feed.poll(db, tenant_id).applied == 2
    before = (rows(db, ctx), processed(db, ctx), open_tasks(db, ctx))
    assert welfare_tax_feed.poll(db, tenant_id).received == 0
    reset_cursor(db, tenant_id)
    again = welfare_tax_feed.poll(db, tenant_id)
    assert again.received == 4 and again.applied == 0
    assert welfare_tax_feed.backfill(db, tenant_id).applied == 0  # the snapshot holds nothing newer
    assert (rows(db, ctx), processed(db, ctx), open_tasks(db, ctx)) == before


def test_a_tax_correction_arrives_as_a_new_version_and_flags_a_replaced_staff_entry(db, tenant_id):
    ctx, tctx, (father, mother, child), _ = assessed(db, tenant_id)
    claim(db, ctx, father, [(child, "2020-02-02")], "2026-06-10", spouse=mother)
    welfare_tax_feed.poll(db, tenant_id)
    staff_entry = {"salary_pension_income": 999_000, "child_support": 120_000}
    income(db, ctx, mother, 2025, 999_000, **staff_entry)
    welfare_tax_feed.backfill(db, tenant_id)  # the same tax version again never overrides it
    assert [r["source"] for r in rows(db, ctx, mother)] == ["tax", "staff"]
    add_income(db, tctx, father, "pension_report", payer="P01", pension_revenue=2_400_000)
    add_income(db, tctx, mother, "pension_report", payer="P02", pension_revenue=1_800_000)
    with db.uow(tctx) as uow:
        tax_corrections.recompute(uow, 2026, [father, mother], reason="年金の追加")
        uow.commit()
    assert welfare_tax_feed.poll(db, tenant_id).applied == 2
    pf, pm = published(db, tctx, 2026, father), published(db, tctx, 2026, mother)
    assert pf["version"] == pm["version"] == 2 and pf["kind"] == "correction"
    f1, f2 = rows(db, ctx, father)
    assert (f2["version"], f2["source"], f2["total_income"]) == (2, "tax", pf["total_income"])
    assert f2["total_income"] > f1["total_income"]
    m = rows(db, ctx, mother)
    assert [(r["version"], r["source"]) for r in m] == [(1, "tax"), (2, "staff"), (3, "tax")]
    assert m[2]["total_income"] == pm["total_income"] and m[2]["child_support"] == 120_000  # carried over
    (task,) = [t for t in open_tasks(db, ctx) if t.kind == "income_tax_update"]
    assert task.addressee_no == mother and "999,000円" in task.detail
    assert welfare_tax_feed.poll(db, tenant_id).applied == 0


def test_child_rearing_allowance_income_limit_uses_the_tax_income(db, tenant_id):
    ctx, tctx = staff(tenant_id), tax_ctx(tenant_id)
    (mother, kid) = move_in(db, ctx, [person("中村", "母", "1990-01-01", "世帯主", "2"), person("中村", "子", "2018-03-03", "子")],
                            "2020-04-01").addressee_nos  # fmt: skip
    add_income(db, tctx, mother, fiscal_year=2025, salary_revenue=1_500_000)
    tax_runs.run_assessment(db, tctx, 2025)
    case = claim(db, ctx, mother, [(kid, "2018-03-03")], "2025-12-10", allowance="child_rearing_allowance",
                 cra_reason="divorce", claimant_kind="mother")  # fmt: skip
    with pytest.raises(ValidationFailed):  # no income yet: never guessed
        certify(db, ctx, case.case_id, "2025-12-10")
    welfare_tax_feed.poll(db, tenant_id)
    p = published(db, tctx, 2025, mother)
    (r,) = rows(db, ctx, mother)
    assert (r["income_year"], r["source"], r["salary_pension_income"]) == (2024, "tax", p["salary_income"])
    done = certify(db, ctx, case.case_id, "2025-12-10")
    jan = month_index(date(2026, 1, 1))
    from_tax = IncomeFacts(p["total_income"], {"salary_pension_income": p["salary_income"] + p["pension_income"],
                                               "other_income": p["aggregate_income"] - p["salary_income"] - p["pension_income"],
                                               "dependants": p["household_members"]})  # fmt: skip
    assert done.monthly_amount == compute(done.state, jan, Fixed(from_tax)).monthly_amount > 0
    no_income = compute(done.state, jan, Fixed(IncomeFacts(0, {})))
    assert done.monthly_amount < no_income.monthly_amount  # 一部支給 because of the tax income
    assert _trace(db, ctx, done.case_id)["status"] == "一部支給"


class Fixed:
    def __init__(self, facts: IncomeFacts):
        self.facts = facts

    def income(self, addressee_no: str, year: int) -> IncomeFacts | None:
        return self.facts if year == 2024 else None


def _trace(db: Any, ctx: Any, case_id: str) -> Any:
    from welfare_support import versions

    return versions(db, ctx, case_id)[-1].trace


def test_undeclared_person_gives_no_income_but_a_task(db, tenant_id):
    ctx, tctx = staff(tenant_id), tax_ctx(tenant_id)
    father, mother, child = family(db, ctx)
    add_income(db, tctx, father, salary_revenue=5_000_000)
    tax_runs.run_assessment(db, tctx, 2026)  # the mother has neither a return nor a payment report
    claim(db, ctx, father, [(child, "2020-02-02")], "2026-06-10", spouse=mother)
    welfare_tax_feed.poll(db, tenant_id)
    assert {r["addressee_no"] for r in rows(db, ctx)} == {father}
    (task,) = [t for t in open_tasks(db, ctx) if t.kind == "income_unknown"]
    assert task.addressee_no == mother and "未申告" in task.detail


def test_a_claim_filed_after_the_tax_records_is_caught_up_by_the_snapshot(db, tenant_id):
    ctx, _, (father, mother, child), _ = assessed(db, tenant_id)
    assert welfare_tax_feed.poll(db, tenant_id).applied == 0  # nobody is in a case yet: nothing kept
    assert rows(db, ctx) == [] and processed(db, ctx) == []
    claim(db, ctx, father, [(child, "2020-02-02")], "2026-06-10", spouse=mother)
    rep = welfare_tax_feed.backfill(db, tenant_id)
    assert rep.applied == 2 and {r["addressee_no"] for r in rows(db, ctx)} == {father, mother}


def test_an_older_version_delivered_after_a_newer_one_is_stale(db, tenant_id):
    ctx, tctx, (father, mother, child), _ = assessed(db, tenant_id)
    welfare_tax_feed.poll(db, tenant_id)  # version 1 passes by while nobody is in a case
    claim(db, ctx, father, [(child, "2020-02-02")], "2026-06-10", spouse=mother)
    add_income(db, tctx, father, "pension_report", payer="P01", pension_revenue=2_400_000)
    with db.uow(tctx) as uow:
        tax_corrections.recompute(uow, 2026, [father], reason="年金の追加")
        uow.commit()
    assert welfare_tax_feed.poll(db, tenant_id).applied == 1  # version 2 of the father
    reset_cursor(db, tenant_id)
    assert welfare_tax_feed.poll(db, tenant_id).applied == 1  # version 1 again: only the mother's applies
    assert [r["version"] for r in rows(db, ctx, mother)] == [1]
    got = rows(db, ctx, father)
    assert len(got) == 1 and got[0]["total_income"] == published(db, tctx, 2026, father)["total_income"]


def test_http_path_lands_the_same_rows_as_the_in_process_path(db, app, tenant_id, twin_tenant, monkeypatch):
    from fastapi.testclient import TestClient

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "linkage"))
    from linkage_support import client, set_key  # type: ignore[import-not-found]

    from kikan.linkage.client import LinkageClient

    set_key(monkeypatch)
    results = []
    for tenant, over_http in ((tenant_id, False), (twin_tenant, True)):
        ctx, tctx, (father, mother, child), _ = assessed(db, tenant)
        claim(db, ctx, father, [(child, "2020-02-02")], "2026-06-10", spouse=mother)
        add_income(db, tctx, mother, "pension_report", payer="P02", pension_revenue=1_800_000)
        if over_http:
            cid, secret = client(db, tenant, ("tax.assessment_status",))
            lc = LinkageClient("http://testserver", cid, secret, http=TestClient(app))
            sub = welfare_tax_feed.http_subscriber(db, tenant, lc)
            assert sub.poll() == 4  # every record is handed over; two are in scope
        else:
            assert welfare_tax_feed.poll(db, tenant).applied == 2
        with db.uow(tctx) as uow:
            tax_corrections.recompute(uow, 2026, [mother], reason="年金の追加")
            uow.commit()
        if over_http:
            assert sub.poll() == 1 and sub.poll() == 0
            assert welfare_tax_feed.poll(db, tenant).applied == 0  # the in-process path sees the same ids
            assert welfare_tax_feed.http_backfill(db, tenant, lc).applied == 0
        else:
            assert welfare_tax_feed.poll(db, tenant).applied == 1
        got = [{**r, "addressee_no": r["addressee_no"] == father} for r in rows(db, staff(tenant))]
        results.append((got, len(processed(db, staff(tenant)))))
    assert results[0] == results[1] and len(results[0][0]) == 3
    assert {r["income_year"] for r in results[0][0]} == {2025}
