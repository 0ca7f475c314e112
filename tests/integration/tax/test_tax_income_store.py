"""課税資料 and 家屋敷課税 entries: versions, withdrawals, conflicts, all-or-nothing CSV import."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tax_support import add_income, move_in_family, person, sync, utc

from kikan.adapters.db import tax_holders, tax_income_store, tax_inputs, tax_runs
from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tables.tax import tax_income_record
from kikan.core.errors import Conflict, NotFound, ValidationFailed
from kikan.tax.individual_resident.holders import parse_holder
from kikan.tax.individual_resident.income_csv import parse_csv
from kikan.tax.individual_resident.income_records import parse_record


def _count(db, ctx) -> int:
    with db.uow(ctx) as uow:
        r = tax_income_record.c
        return int(uow.conn.execute(sa.select(sa.func.count()).select_from(tax_income_record).where(
            r.tenant_id == ctx.tenant_id)).scalar_one())  # fmt: skip


def test_records_are_versioned_and_only_the_latest_known_version_counts(db, ctx, tctx) -> None:
    (no,) = move_in_family(db, ctx, person())
    first = add_income(db, tctx, no, salary_revenue=3_000_000)  # the person is pulled on demand
    assert (
        first["version"] == 1
        and first["amounts"]["salary_revenue"] == 3_000_000
        and not first["correction_pending"]
    )
    rid = first["record_id"]
    body = {"fiscal_year": 2026, "addressee_no": no, "source_kind": "salary_report", "payer_id": "E0001",
            "special_collection": True, "case": {"incomes": {"salary_revenue": 3_200_000}}}  # fmt: skip
    with db.uow(tctx) as uow:
        second = tax_income_store.revise_record(uow, rid, parse_record(body), 1)
        uow.commit()
    with pytest.raises(Conflict), db.uow(tctx) as uow:
        tax_income_store.revise_record(uow, rid, parse_record(body), 1)
    with pytest.raises(ValidationFailed) as moved, db.uow(tctx) as uow:
        tax_income_store.revise_record(uow, rid, parse_record({**body, "fiscal_year": 2025}), 2)
    assert moved.value.errors[0].field == "fiscal_year"
    with db.uow(tctx) as uow:
        latest = tax_inputs.records(uow.conn, tctx.tenant_id, 2026, uow.now)
        before = tax_inputs.records(
            uow.conn,
            tctx.tenant_id,
            2026,
            second["received_at"] - (second["received_at"] - first["received_at"]) / 2,
        )
    assert latest["salary_revenue"].to_list() == [3_200_000] and before["salary_revenue"].to_list() == [
        3_000_000
    ]
    with db.uow(tctx) as uow:
        gone = tax_income_store.retract_record(uow, rid, 2, "二重登録")
        uow.commit()
    with db.uow(tctx) as uow:
        assert gone["retracted"] and tax_inputs.records(uow.conn, tctx.tenant_id, 2026, uow.now).is_empty()
        assert [v["version"] for v in tax_income_store.record_versions(uow, rid)] == [1, 2, 3]
        audits = uow.conn.execute(sa.select(audit_log.c.action).where(
            audit_log.c.tenant_id == tctx.tenant_id, audit_log.c.function == "tax.income_record"
        ).order_by(audit_log.c.seq)).scalars().all()  # fmt: skip
    assert audits == ["create", "update", "delete"]
    with pytest.raises(NotFound), db.uow(tctx) as uow:
        tax_income_store.record_versions(uow, "nope")


def test_unknown_persons_are_refused_and_nothing_is_written(db, ctx, tctx) -> None:
    with pytest.raises(ValidationFailed) as e:
        add_income(db, tctx, "000000000000019", salary_revenue=1)
    assert e.value.errors[0].field == "addressee_no" and _count(db, tctx) == 0


def test_csv_import_is_all_or_nothing(db, ctx, tctx) -> None:
    nos = move_in_family(db, ctx, person(), person(given="花子", sex="2", born="1982-02-02", rel="妻"))
    sync(db, tctx)
    ok = ("fiscal_year,addressee_no,source_kind,payer_id,special_collection,salary_revenue,spouse_age\n"
          f"2026,{nos[0]},salary_report,E1,1,5000000,44\n2026,{nos[1]},salary_report,E2,1,1000000,\n")  # fmt: skip
    bad = ok + "2026,000000000001007,salary_report,E1,1,5000000,\n"
    recs, rels = parse_csv(bad.encode())
    with pytest.raises(ValidationFailed) as e, db.uow(tctx) as uow:
        tax_income_store.import_frames(uow, recs, rels)
    assert e.value.errors[0].field == "4行目 addressee_no" and _count(db, tctx) == 0
    recs, rels = parse_csv(ok.encode())
    with db.uow(tctx) as uow:
        assert tax_income_store.import_frames(uow, recs, rels) == 2
        uow.commit()
    with db.uow(tctx) as uow:
        got = tax_income_store.person_records(uow, 2026, nos[0])
        rid = got[0]["record_id"]
    again = f"record_id,fiscal_year,addressee_no,source_kind,payer_id,salary_revenue\n{rid},2026,{nos[0]},salary_report,E1,5100000\n"
    with db.uow(tctx) as uow:
        tax_income_store.import_frames(uow, *parse_csv(again.encode()))
        uow.commit()
    with db.uow(tctx) as uow:
        assert [v["version"] for v in tax_income_store.record_versions(uow, rid)] == [1, 2]
    assert _count(db, tctx) == 3


def test_house_holders_are_versioned_per_year_and_taxed(db, ctx, tctx) -> None:
    move_in_family(db, ctx, person())
    data = {"fiscal_year": 2026, "addressee_no": "900000000000014", "name": "家屋　持主", "address": "大阪府大阪市北区梅町３番地",
            "property_address": "東京都千代田区松町１番地", "reason": "固定資産課税台帳による"}  # fmt: skip
    with pytest.raises(ValidationFailed):
        parse_holder({**data, "addressee_no": "000000000000019"})
    with db.uow(tctx) as uow:
        tax_holders.save_holder(uow, parse_holder(data))
        uow.commit()
    with pytest.raises(Conflict), db.uow(tctx) as uow:
        tax_holders.save_holder(uow, parse_holder(data))
    rep = tax_runs.run_assessment(db, tctx, 2026)
    assert rep.taxpayers == 2
    with db.uow(tctx) as uow:
        tax_holders.retract_holder(uow, 2026, "900000000000014", 1, "所有権の移転")
        uow.commit()
    with db.uow(tctx) as uow:
        assert tax_inputs.holders(uow.conn, tctx.tenant_id, 2026, uow.now).is_empty()
        assert tax_inputs.holders(uow.conn, tctx.tenant_id, 2026, rep.known_at).height == 1
        assert tax_inputs.holders(uow.conn, tctx.tenant_id, 2026, utc(2000, 1, 1)).is_empty()
        assert [h["version"] for h in tax_holders.holders_of_year(uow, 2026)] == [2]
