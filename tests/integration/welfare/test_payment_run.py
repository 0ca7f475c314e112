"""Payment runs: 全銀 file and list from the ledger, idempotency (a rerun gives the same bytes and
writes nothing), kill -9 + rerun = the same result, arrears (追給), overpayments, held lines."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from welfare_support import account, certify, claim, income, setup_payer, staff, svc

from kikan.adapters.db.tables.welfare import (
    welfare_payment_chunk,
    welfare_payment_line,
    welfare_payment_run,
    welfare_settled_month,
    welfare_task,
)
from kikan.adapters.db.welfare_payment_runs import run_payment
from kikan.core.errors import Conflict, ValidationFailed
from kikan.welfare import cases as wc
from kikan.welfare import month_index, zengin

HERE = Path(__file__).resolve().parent


def m(label: str) -> int:
    return month_index(date.fromisoformat(label + "-01"))


def pay(db, ctx, label: str, **kw):
    return run_payment(db, ctx, allowance=kw.pop("allowance", "child_allowance"), payment_month=m(label),
                       today=kw.pop("today", date.fromisoformat(label + "-01")), **kw)  # fmt: skip


def count(db, ctx, table) -> int:
    with db.uow(ctx) as uow:
        return int(uow.conn.execute(sa.select(sa.func.count()).select_from(table)
                                    .where(table.c.tenant_id == ctx.tenant_id)).scalar())  # fmt: skip


def city(db, ctx, n: int = 5) -> list[str]:
    """n certified 児童手当 cases (claims 2025-02-10, from March); all but the last have an account."""
    setup_payer(db, ctx)
    ids = []
    for i in range(n):
        who = f"{100 + i:015d}"
        kids = [(f"{200 + 2 * i:015d}", "2015-04-10"), (f"{201 + 2 * i:015d}", f"2023-0{1 + i % 9}-01")]
        c = claim(db, ctx, who, kids[: 1 + i % 2], "2025-02-10")
        certify(db, ctx, c.case_id, "2025-02-20")
        if i < n - 1:
            account(db, ctx, who, kana="ヤマダ　タロウ", no=f"{1000 + i}")
        ids.append(c.case_id)
    return ids


def test_run_file_list_and_idempotent_rerun(db, tenant_id):
    ctx = staff(tenant_id)
    ids = city(db, ctx)
    res = pay(db, ctx, "2025-04")  # pays February (nothing: from March) and March
    recs = zengin.parse(res.files["zengin"][1])
    data = [r for r in recs if r[0] == "2"]
    # cases 0,2 have one child (10,000), 1,3 two children (25,000); case 4 has no account → held
    assert [int(r[80:90]) for r in data] == [10000, 25000, 10000, 25000]
    assert recs[-2][1:7] == "000004" and int(recs[-2][7:19]) == 70000 and recs[-1][0] == "9"
    assert [r[91:101] for r in data] == ids[:4]  # 顧客コード1 = 受給者番号
    assert res.summary["held_account"] == {"count": 1, "amount": 10000}
    assert res.files["list"][1].decode("utf-8-sig").count("保留（口座未登録）") == 1
    before = [count(db, ctx, t) for t in (welfare_payment_line, welfare_settled_month, welfare_payment_chunk)]
    again = pay(db, ctx, "2025-04")
    assert again.reused and again.files == res.files
    assert [
        count(db, ctx, t) for t in (welfare_payment_line, welfare_settled_month, welfare_payment_chunk)
    ] == before
    nxt = pay(db, ctx, "2025-06")  # April + May, regular, nothing owed twice
    assert nxt.summary["transfer"]["amount"] == 2 * 70000 and nxt.summary["arrears_total"] == 0
    with pytest.raises(Conflict):  # runs go in the order of the payment months
        pay(db, ctx, "2025-02")


def test_not_a_payment_month_and_missing_payer_write_nothing(db, tenant_id):
    ctx = staff(tenant_id)
    with pytest.raises(ValidationFailed) as e:
        pay(db, ctx, "2025-05")
    assert e.value.errors[0].field == "payment_month"
    with pytest.raises(ValidationFailed) as e:
        pay(db, ctx, "2025-06")
    assert e.value.errors[0].field == "payer"
    assert count(db, ctx, welfare_payment_run) == 0


def test_late_certification_is_paid_as_arrears_and_retro_decrease_is_reported(db, tenant_id):
    ctx = staff(tenant_id)
    city(db, ctx, 2)
    pay(db, ctx, "2025-04")
    late = claim(db, ctx, "000000000000900", [("000000000000901", "2016-01-01")], "2025-01-20")
    account(db, ctx, "000000000000900")
    certify(db, ctx, late.case_id, "2025-05-20")  # from February; the April run did not know it
    res = pay(db, ctx, "2025-06")
    line = next(r for r in zengin.parse(res.files["zengin"][1]) if r[0] == "2" and r[91:101] == late.case_id)
    assert int(line[80:90]) == 10000 * 4  # April+May regular, February+March as arrears (追給)
    assert res.summary["arrears_total"] == 20000
    # a child left in March, recorded in July: April–July were overpaid by this case
    first = svc(db, ctx, wc.child_left, wc.ChildLeft, {"case_id": late.case_id, "child_id": "000000000000901",
                "left_on": "2025-03-15"}, date(2025, 7, 5))  # fmt: skip
    assert first.state.status == "extinguished"
    res = pay(db, ctx, "2025-08")
    assert res.summary["overpaid"] == {
        "count": 1,
        "amount": 20000,
    }  # April and May were paid; paid through March
    with db.uow(ctx) as uow:
        kinds = [
            r[0]
            for r in uow.conn.execute(
                sa.select(welfare_task.c.kind).where(welfare_task.c.tenant_id == tenant_id)
            )
        ]
    assert "overpaid" in kinds


def test_kill_9_then_rerun_gives_the_same_file(db, db_url, tenant_id, twin_tenant):
    twin = twin_tenant
    a, b = staff(tenant_id), staff(twin)
    city(db, a, 7)
    city(db, b, 7)
    clean = pay(db, b, "2025-04", chunk_size=2)
    proc = subprocess.run([sys.executable, str(HERE / "crash_run.py"), db_url, tenant_id, "child_allowance",
                           str(m("2025-04")), "2025-04-01", "2"], capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == -9, proc.stderr
    with db.uow(a) as uow:
        run = uow.conn.execute(sa.select(welfare_payment_run.c.status).where(
            welfare_payment_run.c.tenant_id == tenant_id)).scalar()  # fmt: skip
    assert run == "running" and count(db, a, welfare_payment_chunk) == 1
    resumed = pay(db, a, "2025-04", chunk_size=2)
    assert resumed.chunks_written == 3 and not resumed.reused
    assert resumed.files["zengin"] == clean.files["zengin"] and resumed.files["list"] == clean.files["list"]
    assert count(db, a, welfare_payment_line) == count(db, b, welfare_payment_line)
    assert count(db, a, welfare_settled_month) == count(db, b, welfare_settled_month)


def test_child_rearing_allowance_run_in_an_odd_month(db, tenant_id):
    ctx = staff(tenant_id)
    setup_payer(db, ctx, "child_rearing_allowance")
    mother, other = "000000000000019", "000000000000043"
    income(db, ctx, mother, 2023, salary_pension_income=1_000_000, dependants=1)
    income(db, ctx, other, 2023, salary_pension_income=900_000, dependants=2)
    for who, kid in ((mother, "000000000000027"), (other, "000000000000050")):
        c = claim(db, ctx, who, [(kid, "2015-01-01")], "2025-03-10", allowance="child_rearing_allowance",
                  cra_reason="divorce")  # fmt: skip
        certify(db, ctx, c.case_id, "2025-03-20")
        account(db, ctx, who)
    res = pay(db, ctx, "2025-05", allowance="child_rearing_allowance")
    assert res.summary["transfer"] == {"count": 2, "amount": 2 * 46690}  # April (FY2025 全部支給)
    res = pay(db, ctx, "2025-07", allowance="child_rearing_allowance")
    assert res.summary["transfer"]["amount"] == 2 * 2 * 46690
    # November uses the 2024 income: missing for one → its line is held, not guessed
    income(db, ctx, mother, 2024, salary_pension_income=1_000_000, dependants=1)
    for label in ("2025-09", "2025-11"):
        res = pay(db, ctx, label, allowance="child_rearing_allowance")
    assert res.summary["held_income"]["count"] == 0
    res = pay(db, ctx, "2026-01", allowance="child_rearing_allowance")
    assert res.summary["held_income"]["count"] == 1 and res.summary["transfer"]["count"] == 1
    income(db, ctx, other, 2024, salary_pension_income=900_000, dependants=2)
    res = pay(db, ctx, "2026-03", allowance="child_rearing_allowance")
    assert res.summary["arrears_total"] == 2 * 46690  # November + December paid late
