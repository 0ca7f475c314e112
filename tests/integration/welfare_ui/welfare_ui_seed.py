"""A small town for the 児童手当 screens and notices (no tests here): two households moved in through
the registry's services and taken over by the welfare feed, one certified case with a completed
payment run (2025-04), one case with a 額改定（減額） and a 消滅, one open task from a 出生."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kikan.adapters.db import welfare_feed
from kikan.adapters.db.welfare_payment_runs import run_payment
from kikan.core.tenancy import TenantContext
from kikan.welfare import cases as wc
from kikan.welfare import month_index
from tests.integration.welfare.welfare_support import (
    account,
    birth,
    certify,
    claim,
    move_in,
    person,
    setup_payer,
    staff,
    svc,
)

MOTHER = "渡邉"  # the name is printed in IPAmj明朝


@dataclass(frozen=True)
class Town:
    tenant_id: str
    ctx: TenantContext
    paid: str  # case certified from 2025-02 (15日特例), 20,000円 a month, 40,000円 in the 2025-04 run
    mother: str
    children: tuple[str, ...]
    ended: str  # case with 減額 (2025-06) and 消滅 (2025-07-20)
    father: str


def seed_town(db: Any, tenant_id: str) -> Town:
    ctx = staff(tenant_id)
    r = move_in(db, ctx, [person(MOTHER, "花子", "1988-02-02", "世帯主", "2", kana="ワタナベ"),
                          person(MOTHER, "陽", "2019-07-07", "子"), person(MOTHER, "海", "2021-03-03", "子")],
                "2025-01-31")  # fmt: skip
    mother, a, b = r.addressee_nos
    s = move_in(db, ctx, [person("鈴木", "一郎", "1985-05-05", "世帯主", "1", kana="スズキ"),
                          person("鈴木", "桜", "2018-04-10", "子"), person("鈴木", "楓", "2020-08-08", "子")],
                "2025-01-20", address="東京都千代田区梅町２番地")  # fmt: skip
    father, c, d = s.addressee_nos
    welfare_feed.poll(db, tenant_id)

    paid = claim(db, ctx, mother, [(a, "2019-07-07"), (b, "2021-03-03")], "2025-02-10", recipient_kana="ワタナベ ハナコ")
    certify(db, ctx, paid.case_id, "2025-02-12")
    setup_payer(db, ctx)
    account(db, ctx, mother, "ワタナベ ハナコ")
    run_payment(db, ctx, allowance="child_allowance", payment_month=month_index(date(2025, 4, 1)), today=date(2025, 4, 1))

    ended = claim(db, ctx, father, [(c, "2018-04-10"), (d, "2020-08-08")], "2025-02-03")
    certify(db, ctx, ended.case_id, "2025-02-05")
    svc(db, ctx, wc.child_left, wc.ChildLeft, {"case_id": ended.case_id, "child_id": d, "left_on": "2025-05-15",
        "reason": "祖父母に引き取られた"}, date(2025, 5, 20))  # fmt: skip
    svc(db, ctx, wc.extinguish, wc.Extinguish, {"case_id": ended.case_id, "ended_on": "2025-07-20",
        "end_reason": "moved_out"}, date(2025, 7, 10))  # fmt: skip

    birth(db, ctx, r.household_no, person(MOTHER, "空", "2025-06-30", "子"), "2025-06-30", "2025-07-02")
    welfare_feed.poll(db, tenant_id)
    return Town(tenant_id, ctx, paid.case_id, mother, (a, b), ended.case_id, father)
