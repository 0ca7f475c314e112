"""A small city through fiscal year 2025: households move in, claims via the staff services (driven
by the tasks the registry events opened), a birth and its 額改定, a 3rd birthday, a recipient moving
out, a late-year newcomer, 現況届, and a payment run every cycle — with the amounts checked by hand
for some households and, for all, the batch payments checked against the one-case core."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from welfare_support import (
    account,
    birth,
    certify,
    claim,
    income,
    move_in,
    move_out,
    open_tasks,
    person,
    setup_payer,
    staff,
    svc,
)

from kikan.adapters.db import welfare_aging, welfare_feed
from kikan.adapters.db.tables.welfare import welfare_payment_line
from kikan.adapters.db.welfare_payment_runs import run_payment
from kikan.adapters.db.welfare_store import SqlCaseStore
from kikan.welfare import cases as wc
from kikan.welfare import month_index, month_start, zengin
from kikan.welfare.cases.amounts import compute

START, END = month_index(date(2025, 4, 1)), month_index(date(2026, 3, 1))


def test_a_year_of_a_small_city(db, tenant_id):
    ctx, t = staff(tenant_id), tenant_id
    setup_payer(db, ctx)
    setup_payer(db, ctx, "child_rearing_allowance")
    h1 = move_in(db, ctx, [person("青木", "母", "1990-01-01", "世帯主", "2"), person("青木", "太", "2016-05-01", "子"),
                           person("青木", "次", "2022-06-15", "子")], "2025-03-10", address="東京都千代田区松町１番地")  # fmt: skip
    h2 = move_in(db, ctx, [person("井上", "父", "1980-01-01", "世帯主"), person("井上", "子", "2012-08-01", "子")],
                 "2025-03-10", address="東京都千代田区松町２番地")  # fmt: skip
    h3 = move_in(db, ctx, [person("上田", "母", "1985-01-01", "世帯主", "2"), person("上田", "子", "2010-01-10", "子")],
                 "2025-03-10", address="東京都千代田区松町３番地")  # fmt: skip
    births = {h.addressee_nos[0]: h.addressee_nos[1:] for h in (h1, h2, h3)}
    born = {"2016-05-01", "2022-06-15", "2012-08-01", "2010-01-10"}
    ages = {}
    for h, kids in ((h1, ["2016-05-01", "2022-06-15"]), (h2, ["2012-08-01"]), (h3, ["2010-01-10"])):
        ages.update(dict(zip(h.addressee_nos[1:], kids, strict=True)))
    assert born == set(ages.values())
    welfare_feed.poll(db, t)
    assert len([x for x in open_tasks(db, ctx) if x.kind == "move_in_claim"]) == 3

    def claims_from_tasks(on: str, cra: set[str] = frozenset()) -> None:  # staff work the queue
        for task in open_tasks(db, ctx):
            if task.kind != "move_in_claim":
                continue
            head = next(h for h, kids in births.items() if task.addressee_no in kids)
            kind = "child_rearing_allowance" if head in cra else "child_allowance"
            c = claim(db, ctx, head, [(k, ages[k]) for k in births[head]], on, allowance=kind,
                      **({"cra_reason": "divorce"} if head in cra else {}))  # fmt: skip
            certify(db, ctx, c.case_id, on)
            account(db, ctx, head, kana="テスト　タロウ", no=head[-7:])
            svc(db, ctx, wc.complete_task, wc.CompleteTask, {"task_id": task.task_id}, date.fromisoformat(on))

    mother3 = h3.addressee_nos[0]
    income(db, ctx, mother3, 2023, salary_pension_income=1_000_000, dependants=1)
    income(db, ctx, mother3, 2024, salary_pension_income=2_000_000, dependants=1)
    claims_from_tasks("2025-03-20", cra={mother3})
    late: dict[str, str] = {}

    def events(month: int) -> None:
        if month == month_index(date(2025, 7, 1)):
            h4 = move_in(db, ctx, [person("江藤", "母", "1992-01-01", "世帯主", "2"), person("江藤", "子", "2021-02-02", "子")],
                         "2025-07-31", address="東京都千代田区松町４番地")  # fmt: skip
            births[h4.addressee_nos[0]] = h4.addressee_nos[1:]
            ages[h4.addressee_nos[1]] = "2021-02-02"
            welfare_feed.poll(db, t)
            claims_from_tasks("2025-08-05")  # within 15 days of 7/31 → from August
            late["h4"] = h4.addressee_nos[0]
        if month == month_index(date(2025, 8, 1)):
            svc(db, ctx, wc.record_status_report, wc.RecordStatusReport, {"case_id": case_of(mother3),
                "received_on": "2025-08-10", "year": 2025}, date(2025, 8, 10))  # fmt: skip
        if month == month_index(date(2025, 9, 1)):
            b = birth(
                db, ctx, h1.household_no, person("青木", "三", "2025-09-25", "子"), "2025-09-25", "2025-09-26"
            )
            welfare_feed.poll(db, t)
            task = next(x for x in open_tasks(db, ctx) if x.kind == "birth_revision")
            svc(db, ctx, wc.add_child, wc.AddChild, {"case_id": task.case_id, "requested_on": "2025-10-03",
                "child": {"child_id": b.addressee_nos[0], "birth_date": "2025-09-25"}}, date(2025, 10, 3))  # fmt: skip
        if month == month_index(date(2025, 11, 1)):
            move_out(db, ctx, h2.addressee_nos, "2025-11-30", "2025-11-20")
            welfare_feed.poll(db, t)

    def case_of(who: str) -> str:
        with db.uow(ctx) as uow:
            return next(c.case_id for a in ("child_allowance", "child_rearing_allowance")
                        for c in SqlCaseStore(uow).open_cases_of(a, who))  # fmt: skip

    runs = []
    for month in range(START, END + 2):
        for allowance in ("child_allowance", "child_rearing_allowance") if month <= END else ():
            welfare_aging.month_boundary(db, t, allowance=allowance, month=month)
        allowance = "child_allowance" if (month % 12 + 1) % 2 == 0 else "child_rearing_allowance"
        if month > START:
            res = run_payment(db, ctx, allowance=allowance, payment_month=month, today=month_start(month))
            data = res.files["zengin"][1]
            recs = zengin.parse(data)
            transfers = [r for r in recs if r[0] == "2"]
            assert all(len(r.encode("shift_jis")) == 120 for r in recs)
            assert int(recs[-2][1:7]) == len(transfers) and int(recs[-2][7:19]) == sum(
                int(r[80:90]) for r in transfers
            )
            runs.append(res)
        if month <= END:
            events(month)

    paid: dict[str, int] = defaultdict(int)
    by_run: dict[tuple[str, str], int] = {}
    with db.uow(ctx) as uow:
        for case_id, run_id, amount in uow.conn.execute(sa.select(welfare_payment_line.c.case_id, welfare_payment_line.c.run_id,
                                                                  welfare_payment_line.c.amount).where(
                welfare_payment_line.c.tenant_id == t, welfare_payment_line.c.status == "transfer")):  # fmt: skip
            paid[case_id] += int(amount)
            by_run[(case_id, run_id)] = int(amount)
    c1, c2, c3, c4 = (
        case_of_any(db, ctx, who) for who in (h1.addressee_nos[0], h2.addressee_nos[0], mother3, late["h4"])
    )
    # by hand: h1 25,000 Apr–Jun, 20,000 Jul–Sep (3rd birthday in June), 50,000 from October (第3子 30,000)
    assert [by_run.get((c1, f"child_allowance:{m}"), 0) for m in ("2025-06", "2025-08", "2025-10", "2025-12", "2026-02")] == [
        50000, 45000, 40000, 100000, 100000]  # fmt: skip
    assert paid[c2] == 8 * 10000  # April–November: the 転出予定日 11/30 ends it with November
    assert by_run[(c3, "child_rearing_allowance:2025-05")] == 46690  # April, 全部支給
    assert (
        by_run[(c3, "child_rearing_allowance:2026-01")] == 2 * 27430
    )  # Nov–Dec, 一部支給 on the 2024 income
    assert by_run[(c4, "child_allowance:2025-10")] == 2 * 10000  # the newcomer from August (15日特例)
    # every case: the batch payments equal the one-case core over the months the runs covered
    with db.uow(ctx) as uow:
        store = SqlCaseStore(uow)
        for case_id in (c1, c2, c3, c4):
            state = store.get(case_id).state  # type: ignore[union-attr]
            last = END if state.allowance == "child_allowance" else END - 1
            expected = sum(compute(state, m, store.incomes).monthly_amount for m in range(START, last + 1))
            assert paid[case_id] == expected, case_id


def case_of_any(db, ctx, who: str) -> str:
    from kikan.adapters.db.tables.welfare import welfare_case

    with db.uow(ctx) as uow:
        return str(uow.conn.execute(sa.select(welfare_case.c.case_id).where(welfare_case.c.tenant_id == ctx.tenant_id,
                                    welfare_case.c.recipient == who)).scalar_one())  # fmt: skip
