"""The batch (set-based reads + vector code) agrees with the one-case calculation on EVERY taxpayer of a
synthetic city of a few hundred residents, the population comes from the published snapshot, and 課税資料
arrive by CSV and one by one."""

from __future__ import annotations

import sqlalchemy as sa
from tax_city import build, expected_case
from tax_support import tax_ctx

from kikan.adapters.db import juki_repo, tax_runs
from kikan.adapters.db.tables.tax import tax_assessment
from kikan.tax.individual_resident import OUTPUTS, calculate


def test_batch_equals_one_case_for_every_taxpayer(db, real_tenant) -> None:
    tctx = tax_ctx(real_tenant)
    city = build(db, tctx, real_tenant, residents=300)
    rep = tax_runs.run_assessment(db, tctx, 2026, chunk_size=70)
    assert rep.status == "completed" and rep.chunks_total >= 4
    with db.uow(tctx) as uow:
        a = tax_assessment.c
        rows = {r.addressee_no: r._mapping for r in uow.conn.execute(
            sa.select(tax_assessment).where(a.tenant_id == real_tenant, a.fiscal_year == 2026)).all()}  # fmt: skip
        registry = juki_repo.current_many(uow, list(rows))  # the test may look behind the published data
    assert set(rows) == set(city.taxpayers) and len(rows) > 250
    for reg in registry.values():  # independent rule on the registry's own current records
        assert reg["became_resident_on"] is None or reg["became_resident_on"].isoformat() <= "2026-01-01"
        assert reg["status"] == "resident" or reg["removal_on"].isoformat() > "2026-01-01"
    mismatches = []
    for no, row in rows.items():
        one = calculate(expected_case(no, city))
        diff = {k: (row[k], v) for k, v in one.amounts.items() if row[k] != v}
        if diff:
            mismatches.append((no, diff))
        assert row["declared"] == int(no in city.records)
        assert sum(row["installments"].get("salary", [])) == row["salary_amount"]
        assert row["ordinary_amount"] + row["salary_amount"] + row["pension_amount"] == row["total_tax"]
    assert not mismatches, mismatches[:3]
    taxed = [r for r in rows.values() if r["taxation"] == "taxed"]
    assert (
        len(taxed) > 100
        and any(r["pension_amount"] for r in taxed)
        and any(r["salary_amount"] for r in taxed)
    )
    assert set(OUTPUTS) <= set(next(iter(rows.values())).keys())
