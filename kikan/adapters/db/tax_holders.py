"""家屋敷課税 holders: versioned entries per fiscal year (``tax_non_resident_holder``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.tax import tax_non_resident_holder
from kikan.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from kikan.tax.individual_resident.holders import HolderInput

h = tax_non_resident_holder.c


def _latest(uow: Any, fiscal_year: int, addressee_no: str) -> dict[str, Any] | None:
    row = uow.conn.execute(
        sa.select(tax_non_resident_holder)
        .where(h.tenant_id == uow.tenant_id, h.fiscal_year == fiscal_year, h.addressee_no == addressee_no)
        .order_by(h.version.desc())
        .limit(1)
    ).first()
    return dict(row._mapping) if row else None


def save_holder(uow: Any, data: HolderInput, expected_version: int | None = None) -> dict[str, Any]:
    """Register (``expected_version`` None) or correct a 家屋敷課税 entry as its next version."""
    latest = _latest(uow, data.fiscal_year, data.addressee_no)
    if latest is not None and expected_version is None and not latest["retracted"]:
        raise Conflict(
            "この年度の家屋敷課税は登録済みです（訂正は版を指定してください）", field="addressee_no"
        )
    if expected_version is not None and (latest is None or latest["version"] != expected_version):
        raise Conflict("他の職員が更新しました。再表示してください", field="version")
    row = {"tenant_id": uow.tenant_id, **data.model_dump(), "version": (latest["version"] if latest else 0) + 1,
           "retracted": False, "received_at": uow.now, "recorded_by": uow.actor.actor_id}  # fmt: skip
    uow.conn.execute(sa.insert(tax_non_resident_holder), row)
    uow.audit("tax.holder", "create" if latest is None else "update", target_type="tax_non_resident_holder",
              target_id=data.addressee_no, detail=f"fiscal_year={data.fiscal_year} version={row['version']}")  # fmt: skip
    return row


def retract_holder(
    uow: Any, fiscal_year: int, addressee_no: str, expected_version: int, reason: str
) -> dict[str, Any]:
    latest = _latest(uow, fiscal_year, addressee_no)
    if latest is None:
        raise NotFound("家屋敷課税の登録はありません", field="addressee_no")
    if latest["version"] != expected_version or latest["retracted"]:
        raise Conflict("他の職員が更新したか、取り消し済みです。再表示してください", field="version")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "取消しの理由を入力してください")])
    row = {**latest, "version": latest["version"] + 1, "retracted": True, "reason": reason[:200],
           "received_at": uow.now, "recorded_by": uow.actor.actor_id}  # fmt: skip
    uow.conn.execute(sa.insert(tax_non_resident_holder), row)
    uow.audit("tax.holder", "delete", target_type="tax_non_resident_holder", target_id=addressee_no,
              detail=f"fiscal_year={fiscal_year} version={row['version']}")  # fmt: skip
    return row


def holders_of_year(uow: Any, fiscal_year: int) -> list[dict[str, Any]]:
    n = tax_non_resident_holder.alias("newer")
    newer = sa.exists().where(n.c.tenant_id == h.tenant_id, n.c.fiscal_year == h.fiscal_year,
                              n.c.addressee_no == h.addressee_no, n.c.version > h.version)  # fmt: skip
    rows = uow.conn.execute(
        sa.select(tax_non_resident_holder)
        .where(h.tenant_id == uow.tenant_id, h.fiscal_year == fiscal_year, ~newer)
        .order_by(h.addressee_no)
    ).all()
    return [dict(r._mapping) for r in rows]
