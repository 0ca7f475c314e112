"""Reads behind the 個人住民税 screens — only the tax business's own tables, never the registry's.

Taxpayers are found in ``tax_registry_row`` (the tax business's copy of the registry's published
``juki.residents`` records) and ``tax_non_resident_holder`` (住登外者). Every function runs inside
the caller's unit of work, filters ``tenant_id`` itself (SQLite has no row-level security) and
leaves the audit row to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jaconv
import sqlalchemy as sa

from kikan.adapters.db.tables.tax import (
    tax_assessment,
    tax_assessment_run,
    tax_correction_notice,
    tax_income_record,
    tax_non_resident_holder,
    tax_registry_row,
)
from kikan.tax.individual_resident.columns import OUTPUTS, TAXPAYER_INPUTS
from kikan.tax.individual_resident.income_records import RECORD_INPUTS

SEARCH_LIMIT = 50
DIFF_KEYS = ("total_tax", "municipal_tax", "prefectural_tax", "forest_environment_tax", "total_income",
             "aggregate_income", "income_deductions", "taxable_income", "income_levy_municipal",
             "income_levy_prefectural", "per_capita_municipal", "per_capita_prefectural", "ordinary_amount",
             "salary_amount", "pension_amount")  # fmt: skip
DIFF_LABELS = {"ordinary_amount": "普通徴収額", "salary_amount": "給与特徴額", "pension_amount": "年金特徴額"}
SHOWN_INPUTS = ("salary_revenue", "pension_revenue", "business_income", "real_estate_income", "misc_income",
                "social_insurance", "life_new_general", "medical_expenses", "donation_hometown")  # fmt: skip


@dataclass(frozen=True)
class Person:
    addressee_no: str
    name: str
    kana: str
    address: str
    katagaki: str
    birth_date: Any
    status: str  # resident | removed | house
    household_no: str | None


def _squash(text: str) -> str:
    return "".join(text.split())


def normalise_kana(text: str) -> str:
    """Half-width and hiragana input as the registry stores readings: full-width katakana, no spaces."""
    return _squash(jaconv.hira2kata(jaconv.h2z(text, kana=True, digit=False, ascii=False)))


def search(
    conn: sa.Connection, tenant_id: str, *, name: str = "", kana: str = "", addressee_no: str = ""
) -> list[Person]:
    """Taxpayers whose (current or earlier) name contains ``name``, whose reading starts with ``kana``
    (spaces ignored) and/or whose 宛名番号 is ``addressee_no`` — at most :data:`SEARCH_LIMIT`."""
    r, h = tax_registry_row.c, tax_non_resident_holder.c
    rname = sa.func.coalesce(r.family_name, "") + sa.func.coalesce(r.given_name, "")
    rkana = sa.func.coalesce(r.family_name_kana, "") + sa.func.coalesce(r.given_name_kana, "")
    rw: list[Any] = [r.tenant_id == tenant_id]
    hw: list[Any] = [h.tenant_id == tenant_id]
    if addressee_no:
        rw.append(r.addressee_no == addressee_no.strip())
        hw.append(h.addressee_no == addressee_no.strip())
    if name:
        rw.append(rname.contains(_squash(name), autoescape=True))
        hw.append(
            sa.func.replace(sa.func.replace(h.name, " ", ""), "\u3000", "").contains(
                _squash(name), autoescape=True
            )
        )
    if kana:
        k = normalise_kana(kana)
        rw.append(rkana.startswith(k, autoescape=True))
        hw.append(sa.func.replace(sa.func.replace(sa.func.coalesce(h.name_kana, ""), " ", ""), "\u3000", "").startswith(k, autoescape=True))  # fmt: skip
    q = sa.union(sa.select(r.addressee_no).where(*rw), sa.select(h.addressee_no).where(*hw)).order_by(
        "addressee_no"
    )
    keys = [x for (x,) in conn.execute(q.limit(SEARCH_LIMIT)).all()]
    found = people(conn, tenant_id, keys)
    return [found[k] for k in keys if k in found]


def people(conn: sa.Connection, tenant_id: str, keys: list[str]) -> dict[str, Person]:
    """The latest known identity of each 宛名番号 (registry copy first, else 住登外者 holder)."""
    r, h = tax_registry_row.c, tax_non_resident_holder.c
    out: dict[str, Person] = {}
    if not keys:
        return out
    q = (
        sa.select(tax_registry_row)
        .where(r.tenant_id == tenant_id, r.addressee_no.in_(keys))
        .order_by(r.addressee_no, r.history_no)
    )
    for x in conn.execute(q).all():
        out[x.addressee_no] = Person(
            x.addressee_no, "\u3000".join(v for v in (x.family_name, x.given_name) if v),
            " ".join(v for v in (x.family_name_kana, x.given_name_kana) if v), x.address or "", x.katagaki or "",
            x.birth_date, x.status or "", x.household_no,
        )  # fmt: skip
    q2 = sa.select(tax_non_resident_holder).where(h.tenant_id == tenant_id, h.addressee_no.in_([k for k in keys if k not in out])
                                                  ).order_by(h.addressee_no, h.fiscal_year, h.version)  # fmt: skip
    for y in conn.execute(q2).all():
        out[y.addressee_no] = Person(
            y.addressee_no, y.name, y.name_kana or "", y.address, "", y.birth_date, "house", None
        )
    return out


def fiscal_years(conn: sa.Connection, tenant_id: str, addressee_no: str) -> list[int]:
    """Years with a 課税資料 or a result for the person, newest first."""
    a, c = tax_assessment.c, tax_income_record.c
    q = sa.union(
        sa.select(a.fiscal_year).where(a.tenant_id == tenant_id, a.addressee_no == addressee_no),
        sa.select(c.fiscal_year).where(c.tenant_id == tenant_id, c.addressee_no == addressee_no),
    )
    return sorted({x for (x,) in conn.execute(q).all()}, reverse=True)


def income_records(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, addressee_no: str
) -> list[dict[str, Any]]:
    """Every 課税資料 of the person and year with ALL its versions (newest version first in each)."""
    c = tax_income_record.c
    q = sa.select(tax_income_record).where(
        c.tenant_id == tenant_id, c.fiscal_year == fiscal_year, c.addressee_no == addressee_no
    )
    records: dict[str, dict[str, Any]] = {}
    for row in conn.execute(q.order_by(c.received_at, c.record_id, c.version)).all():
        m = dict(row._mapping)
        v = {k: m[k] for k in ("version", "received_at", "recorded_by", "retracted", "reason", "document_received_on",
                               "payer_id", "payer_name", "special_collection", "source_kind")}  # fmt: skip
        v["amounts"] = [(TAXPAYER_INPUTS[k][1], m[k]) for k in SHOWN_INPUTS if m.get(k)]
        v["others"] = sum(1 for k in RECORD_INPUTS if k not in SHOWN_INPUTS and m.get(k) and m[k] > 0)
        rec = records.setdefault(m["record_id"], {"record_id": m["record_id"], "versions": []})
        rec["versions"].insert(0, v)
    for rec in records.values():
        rec["latest"] = rec["versions"][0]
    return list(records.values())


def with_differences(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each result version with what changed from the previous one (更正の差額), newest first."""
    out = []
    for i, v in enumerate(versions):
        prev = versions[i - 1] if i else None
        diff = [(DIFF_LABELS.get(k) or OUTPUTS[k], prev[k], v[k], v[k] - prev[k])
                for k in DIFF_KEYS if prev is not None and v[k] != prev[k]]  # fmt: skip
        out.append({**v, "changes": diff})
    return out[::-1]


def corrections(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, addressee_no: str
) -> list[dict[str, Any]]:
    """The 変更（更正）通知 data of the person's corrections of the year, newest first."""
    c = tax_correction_notice.c
    q = sa.select(tax_correction_notice).where(c.tenant_id == tenant_id, c.fiscal_year == fiscal_year,
                                               c.addressee_no == addressee_no).order_by(c.version.desc())  # fmt: skip
    out = []
    for row in conn.execute(q).all():
        m = dict(row._mapping)
        lines = m.get("lines")
        m["lines"] = [x for x in lines if isinstance(x, dict)] if isinstance(lines, list) else []
        out.append(m)
    return out


def runs(conn: sa.Connection, tenant_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """Assessment runs (当初課税・試算・更正), newest first, with their progress."""
    r = tax_assessment_run.c
    cols = [r.run_id, r.fiscal_year, r.kind, r.status, r.known_at, r.started_at, r.finished_at, r.started_by,
            r.chunks_total, r.chunks_done, r.taxpayers, r.parameter_fingerprint, r.note]  # fmt: skip
    q = sa.select(*cols).where(r.tenant_id == tenant_id).order_by(r.started_at.desc()).limit(limit)
    out = []
    for row in conn.execute(q).all():
        m = dict(row._mapping)
        m["percent"] = 100 if not m["chunks_total"] else int(100 * m["chunks_done"] / m["chunks_total"])
        out.append(m)
    return out
