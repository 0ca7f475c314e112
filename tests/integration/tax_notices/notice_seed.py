"""A small town for the notice tests: residents through the registry's services, 課税資料 through the
tax store, then the annual assessment (当初課税) — the same path as production."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from kikan.adapters.db.tax_runs import run_assessment
from kikan.adapters.security import accounts
from kikan.core.tenancy import Actor, TenantContext
from tests.conftest import random_tenant_code
from tests.integration.tax import tax_support as ts

FY = 2026
JUKI_PERMS = frozenset({"juki.read", "juki.write"})


@dataclass(frozen=True)
class Town:
    tenant_id: str
    ctx: TenantContext
    nos: dict[str, str]  # role → 宛名番号


def _p(family: str, given: str, family_kana: str, given_kana: str, **kw: Any) -> dict[str, Any]:
    return {**ts.person(family, given, **kw), "family_name_kana": family_kana, "given_name_kana": given_kana}


def seed_town(db: Any) -> Town:
    """salaried_a / salaried_b (E0001), salaried_c (E0002), ordinary (確定申告), pensioner (年金特徴), none."""
    with pytest.MonkeyPatch.context() as mp:
        ts.set_mynumber_key(mp)
        for _ in range(20):
            code = random_tenant_code()
            try:
                accounts.add_tenant(db, code, "千代田区")
                break
            except accounts.AccessError:
                continue
        jctx = TenantContext(
            code, Actor("clerk01", client_addr="127.0.0.1", terminal="T01", permissions=JUKI_PERMS)
        )
        a = ts.move_in_family(
            db,
            jctx,
            _p("税田", "一郎", "ゼイタ", "イチロウ"),
            _p("税田", "花子", "ゼイタ", "ハナコ", sex="2", rel="妻"),
        )
        b = ts.move_in_family(
            db,
            jctx,
            _p("渡邉\U000e0116", "次郎", "ワタナベ", "ジロウ"),
            _p("年金", "三郎", "ネンキン", "サブロウ", born="1949-05-05", rel="父"),
            address="東京都千代田区梅町２番地",
        )
        c = ts.move_in_family(
            db,
            jctx,
            _p("無収", "入", "ムシュウ", "イル"),
            _p("給与", "四郎", "キュウヨ", "シロウ", rel="同居人"),
        )
        ctx = ts.tax_ctx(code)
        ts.sync(db, ctx)
        nos = {
            "salaried_a": a[0],
            "ordinary": a[1],
            "salaried_b": b[0],
            "pensioner": b[1],
            "none": c[0],
            "salaried_c": c[1],
        }
        ts.add_income(db, ctx, nos["salaried_a"], salary_revenue=5_000_000, payer="E0001")
        ts.add_income(db, ctx, nos["salaried_b"], salary_revenue=3_000_000, payer="E0001")
        ts.add_income(db, ctx, nos["salaried_c"], salary_revenue=4_000_000, payer="E0002")
        ts.add_income(db, ctx, nos["ordinary"], "final_return", salary_revenue=1_500_000)
        ts.add_income(db, ctx, nos["pensioner"], "pension_report", payer="P01", pension_revenue=3_000_000)
        run_assessment(db, ctx, FY, sync=False)
    return Town(code, ctx, nos)
