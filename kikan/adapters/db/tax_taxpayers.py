"""Taxpayer search and the person view for tax staff, over the tax business's own copies.

Names and addresses come from the registry's published records as the tax business received them
(``tax_registry_row``, latest 履歴番号) or from the 家屋敷課税 entries; nothing reads ``juki_*``.
Search: 宛名番号 or 世帯番号 (15 digits, exact) or フリガナ/氏名 (prefix, as stored).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.tax import tax_non_resident_holder, tax_registry_row
from kikan.adapters.db.tax_published import current_rows
from kikan.core.errors import FieldError, NotFound, ValidationFailed

r = tax_registry_row.c
_PERSON = (r.addressee_no, r.history_no, r.status, r.household_no, r.family_name, r.given_name, r.family_name_kana,
           r.given_name_kana, r.birth_date, r.address, r.katagaki, r.postal_code, r.became_resident_on, r.removal_on)  # fmt: skip


def _latest() -> sa.Exists:
    n = tax_registry_row.alias("newer")
    return sa.exists().where(n.c.tenant_id == r.tenant_id, n.c.addressee_no == r.addressee_no,
                             n.c.history_no > r.history_no)  # fmt: skip


def _summary(uow: Any, fiscal_year: int, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = {
        x["addressee_no"]: x
        for x in current_rows(uow.conn, uow.tenant_id, fiscal_year, [p["addressee_no"] for p in people])
    }
    for p in people:
        a = rows.get(p["addressee_no"])
        p["assessment"] = (
            None
            if a is None
            else {k: a[k] for k in ("version", "kind", "taxation", "total_tax", "valid_from")}
        )
    return people


def search(uow: Any, fiscal_year: int, q: str, limit: int) -> list[dict[str, Any]]:
    text = q.strip().replace("\u3000", "").replace(" ", "")
    if not text:
        raise ValidationFailed(
            [FieldError("q", "宛名番号・世帯番号・氏名（カナ）のいずれかを入力してください")]
        )
    base = sa.select(*_PERSON).where(r.tenant_id == uow.tenant_id, ~_latest())
    if text.isdigit():
        cond = sa.or_(r.addressee_no == text, r.household_no == text)
    else:
        kana = sa.func.coalesce(r.family_name_kana, "") + sa.func.coalesce(r.given_name_kana, "")
        name = sa.func.coalesce(r.family_name, "") + sa.func.coalesce(r.given_name, "")
        cond = sa.or_(kana.like(f"{text}%"), name.like(f"{text}%"))
    people = [
        dict(x._mapping)
        for x in uow.conn.execute(base.where(cond).order_by(r.addressee_no).limit(limit)).all()
    ]
    h = tax_non_resident_holder.c
    hcond = (
        h.addressee_no == text
        if text.isdigit()
        else sa.or_(h.name_kana.like(f"{text}%"), h.name.like(f"{text}%"))
    )
    holders = uow.conn.execute(sa.select(h.addressee_no, h.name, h.name_kana, h.address, h.birth_date).where(
        h.tenant_id == uow.tenant_id, h.fiscal_year == fiscal_year, hcond).distinct().limit(limit)).all()  # fmt: skip
    people += [{**dict(x._mapping), "status": "non_resident"} for x in holders]
    return _summary(uow, fiscal_year, people[:limit])


def person(uow: Any, fiscal_year: int, addressee_no: str) -> dict[str, Any]:
    """The person as the tax business knows them (registry copy or 家屋敷課税 entry)."""
    row = uow.conn.execute(sa.select(*_PERSON).where(r.tenant_id == uow.tenant_id, r.addressee_no == addressee_no,
                                                     ~_latest())).first()  # fmt: skip
    if row is not None:
        return {"person": dict(row._mapping), "kind": "resident_record"}
    h = tax_non_resident_holder.c
    found = uow.conn.execute(sa.select(tax_non_resident_holder).where(
        h.tenant_id == uow.tenant_id, h.addressee_no == addressee_no).order_by(h.fiscal_year.desc(), h.version.desc())).first()  # fmt: skip
    if found is None:
        raise NotFound("この宛名番号の住民・住登外者は登録されていません", field="addressee_no")
    return {"person": dict(found._mapping), "kind": "non_resident"}
