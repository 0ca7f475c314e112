"""課税資料 (income records): versioned storage, entered one by one (API) or imported in bulk.

A record is never overwritten: a correction is the next version, a withdrawal (資料の取消し) is a
version flagged ``retracted``. ``received_at`` is when the version was stored (what ``known_at``
compares with); ``document_received_on`` is the date on the document.
"""

from __future__ import annotations

import uuid
from typing import Any

import polars as pl
import sqlalchemy as sa

from kikan.adapters.db.tables.tax import (
    tax_assessment,
    tax_income_record,
    tax_income_relative,
    tax_non_resident_holder,
    tax_registry_row,
)
from kikan.adapters.db.tax_frames import write_frame
from kikan.adapters.db.tax_registry_source import sync_in
from kikan.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from kikan.tax.individual_resident.income_records import (
    RECORD_INPUTS,
    IncomeRecordInput,
    flatten,
)

rec_t, rel_t = tax_income_record.c, tax_income_relative.c
_META = ("record_id", "version", "fiscal_year", "addressee_no", "source_kind", "payer_id", "payer_name",
         "special_collection", "document_received_on", "received_at", "recorded_by", "retracted", "reason")  # fmt: skip


def known_person(uow: Any, addressee_no: str) -> bool:
    """Is the 宛名番号 a person the tax business knows (registry copy or a 家屋敷 holder)?"""
    r, h = tax_registry_row.c, tax_non_resident_holder.c
    q = sa.union(
        sa.select(r.addressee_no).where(r.tenant_id == uow.tenant_id, r.addressee_no == addressee_no),
        sa.select(h.addressee_no).where(h.tenant_id == uow.tenant_id, h.addressee_no == addressee_no),
    )
    return uow.conn.execute(q.limit(1)).first() is not None


def _require_person(uow: Any, addressee_no: str) -> None:
    if known_person(uow, addressee_no):
        return
    sync_in(uow, max_pages=50)  # the person may have been registered a moment ago
    if not known_person(uow, addressee_no):
        raise ValidationFailed(
            [FieldError("addressee_no", "この宛名番号の住民・住登外者は登録されていません")]
        )


def _write(
    uow: Any, rec: IncomeRecordInput, record_id: str, version: int, *, retracted: bool = False
) -> dict[str, Any]:
    values, relatives = flatten(rec)
    row = {
        "tenant_id": uow.tenant_id, "record_id": record_id, "version": version, "fiscal_year": rec.fiscal_year,
        "addressee_no": rec.addressee_no, "source_kind": rec.source_kind, "payer_id": rec.payer_id,
        "payer_name": rec.payer_name, "special_collection": rec.special_collection,
        "document_received_on": rec.document_received_on, "received_at": uow.now,
        "recorded_by": uow.actor.actor_id, "retracted": retracted, "reason": rec.reason,
        "data": rec.model_dump(mode="json"), **values,
    }  # fmt: skip
    uow.conn.execute(sa.insert(tax_income_record), row)
    if relatives:
        uow.conn.execute(sa.insert(tax_income_relative), [
            {"tenant_id": uow.tenant_id, "record_id": record_id, "version": version, "seq": i,
             "fiscal_year": rec.fiscal_year, "addressee_no": rec.addressee_no, **r}
            for i, r in enumerate(relatives)
        ])  # fmt: skip
    action = "delete" if retracted else ("create" if version == 1 else "update")
    uow.audit("tax.income_record", action, target_type="tax_income_record", target_id=record_id,
              detail=f"addressee_no={rec.addressee_no} version={version} kind={rec.source_kind}")  # fmt: skip
    return shape(uow, row)


def shape(uow: Any, row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in _META}
    out["case"] = (row.get("data") or {}).get("case", {})
    out["amounts"] = {k: row[k] for k in RECORD_INPUTS if k in row}
    a = tax_assessment.c
    final = uow.conn.execute(sa.select(a.version).where(
        a.tenant_id == uow.tenant_id, a.fiscal_year == row["fiscal_year"], a.addressee_no == row["addressee_no"]
    ).limit(1)).first()  # fmt: skip
    out["correction_pending"] = final is not None
    return out


def add_record(uow: Any, rec: IncomeRecordInput) -> dict[str, Any]:
    """Store a new 課税資料 (version 1)."""
    _require_person(uow, rec.addressee_no)
    return _write(uow, rec, str(uuid.uuid4()), 1)


def _latest(uow: Any, record_id: str) -> dict[str, Any]:
    row = uow.conn.execute(
        sa.select(tax_income_record)
        .where(rec_t.tenant_id == uow.tenant_id, rec_t.record_id == record_id)
        .order_by(rec_t.version.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound(f"課税資料 {record_id} はありません", field="record_id")
    return dict(row._mapping)


def _check_version(latest: dict[str, Any], expected: int) -> None:
    if latest["version"] != expected:
        raise Conflict(
            f"課税資料は他の職員が更新しました（現在の版 {latest['version']}）。再表示してください",
            field="version",
        )
    if latest["retracted"]:
        raise Conflict("取り消された課税資料です", field="record_id")


def revise_record(uow: Any, record_id: str, rec: IncomeRecordInput, expected_version: int) -> dict[str, Any]:
    """Store the next version of a record (訂正)."""
    latest = _latest(uow, record_id)
    _check_version(latest, expected_version)
    moved = [f for f in ("fiscal_year", "addressee_no") if getattr(rec, f) != latest[f]]
    if moved:
        raise ValidationFailed([FieldError(f, "課税資料の年度・宛名番号は訂正できません。取り消して新たに登録してください")
                                for f in moved])  # fmt: skip
    return _write(uow, rec, record_id, latest["version"] + 1)


def retract_record(uow: Any, record_id: str, expected_version: int, reason: str) -> dict[str, Any]:
    """Withdraw a record (取消し): a new version flagged ``retracted``, content kept for the history."""
    latest = _latest(uow, record_id)
    _check_version(latest, expected_version)
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "取消しの理由を入力してください")])
    row = {**latest, "version": latest["version"] + 1, "retracted": True, "reason": reason[:200],
           "received_at": uow.now, "recorded_by": uow.actor.actor_id}  # fmt: skip
    uow.conn.execute(sa.insert(tax_income_record), row)
    uow.audit("tax.income_record", "delete", target_type="tax_income_record", target_id=record_id,
              detail=f"addressee_no={row['addressee_no']} version={row['version']}")  # fmt: skip
    return shape(uow, row)


def record_versions(uow: Any, record_id: str) -> list[dict[str, Any]]:
    rows = uow.conn.execute(
        sa.select(tax_income_record)
        .where(rec_t.tenant_id == uow.tenant_id, rec_t.record_id == record_id)
        .order_by(rec_t.version)
    ).all()
    if not rows:
        raise NotFound(f"課税資料 {record_id} はありません", field="record_id")
    return [shape(uow, dict(r._mapping)) for r in rows]


def person_records(uow: Any, fiscal_year: int, addressee_no: str) -> list[dict[str, Any]]:
    """The latest version of each record of a person for a year (withdrawn ones included, flagged)."""
    n = tax_income_record.alias("newer")
    newer = sa.exists().where(n.c.tenant_id == rec_t.tenant_id, n.c.record_id == rec_t.record_id,
                              n.c.version > rec_t.version)  # fmt: skip
    rows = uow.conn.execute(
        sa.select(tax_income_record)
        .where(
            rec_t.tenant_id == uow.tenant_id,
            rec_t.fiscal_year == fiscal_year,
            rec_t.addressee_no == addressee_no,
            ~newer,
        )  # fmt: skip
        .order_by(rec_t.received_at)
    ).all()
    return [shape(uow, dict(r._mapping)) for r in rows]


def import_frames(uow: Any, records: pl.DataFrame, relatives: pl.DataFrame) -> int:
    """Bulk-store parsed records (see :mod:`kikan.tax.individual_resident.income_csv`); all or nothing."""
    if records.is_empty():
        return 0
    r, h = tax_registry_row.c, tax_non_resident_holder.c
    keys = records["addressee_no"].unique().to_list()
    known: set[str] = set()
    for i in range(0, len(keys), 5000):
        part = keys[i : i + 5000]
        q = sa.union(
            sa.select(r.addressee_no).where(r.tenant_id == uow.tenant_id, r.addressee_no.in_(part)),
            sa.select(h.addressee_no).where(h.tenant_id == uow.tenant_id, h.addressee_no.in_(part)),
        )
        known |= {x for (x,) in uow.conn.execute(q).all()}
    unknown = records.filter(~pl.col("addressee_no").is_in(list(known)))
    if unknown.height:
        raise ValidationFailed([
            FieldError(f"{line}行目 addressee_no", "この宛名番号の住民・住登外者は登録されていません")
            for line in unknown["line"].head(20).to_list()
        ])  # fmt: skip
    ids = [x for x in records["record_id"].drop_nulls().unique().to_list()]
    versions: dict[str, int] = {}
    for i in range(0, len(ids), 5000):
        vq = (
            sa.select(rec_t.record_id, sa.func.max(rec_t.version))
            .where(rec_t.tenant_id == uow.tenant_id, rec_t.record_id.in_(ids[i : i + 5000]))
            .group_by(rec_t.record_id)
        )
        versions.update({k: v for k, v in uow.conn.execute(vq).all()})
    missing = [x for x in ids if x not in versions]
    if missing:
        raise ValidationFailed([FieldError("record_id", f"課税資料 {x} はありません") for x in missing[:20]])
    return _bulk(uow, records, relatives, versions)


def _bulk(uow: Any, records: pl.DataFrame, relatives: pl.DataFrame, versions: dict[str, int]) -> int:
    new_ids = pl.Series([str(uuid.uuid4()) for _ in range(records.height)])
    recs = records.with_columns(
        record_id=pl.col("record_id").fill_null(new_ids),
        version=pl.col("record_id").replace_strict(versions, default=0, return_dtype=pl.Int64) + 1,
    )
    data = pl.concat_str([pl.lit('{"source":"csv","line":'), pl.col("line").cast(pl.String), pl.lit("}")])
    rows = recs.with_columns(
        tenant_id=pl.lit(uow.tenant_id), received_at=pl.lit(uow.now), recorded_by=pl.lit(uow.actor.actor_id),
        retracted=pl.lit(False), data=data, special_collection=pl.col("special_collection") > 0,
    ).drop("line")  # fmt: skip
    write_frame(uow.conn, tax_income_record, rows)
    rel = relatives.join(
        recs.select("line", "record_id", "version", "fiscal_year", "addressee_no"), on="line"
    ).drop("line")
    write_frame(uow.conn, tax_income_relative, rel.with_columns(tenant_id=pl.lit(uow.tenant_id)))
    uow.audit("tax.income_record.import", "create", target_type="tax_income_record", target_id="csv",
              detail=f"{rows.height} records, {rel.height} relatives")  # fmt: skip
    return rows.height
