"""The calculation trace of a STORED result: recompute the one case exactly as the batch saw it.

The batch keeps amounts, not traces (a million traces would dwarf the results). The trace of a
result is reproduced from what the batch read — the 課税資料 and registry records as known at the
result's ``known_at``, the parameters (national + ordinance overlays) recorded by then — through the
one-case :func:`~kikan.tax.individual_resident.calculate`, the same vector code. The screen says so
when the recomputed 年税額 differs from the stored one (e.g. a release changed a parameter since).
"""

from __future__ import annotations

from typing import Any

from kikan.adapters.db.tax_inputs import chunk_input
from kikan.adapters.db.tax_params import run_setting
from kikan.tax.individual_resident import TaxResult, calculate
from kikan.tax.individual_resident.assessment import combined_case_columns
from kikan.tax.individual_resident.income_records import case_from_columns


def stored_trace(uow: Any, row: dict[str, Any]) -> TaxResult | None:
    """The one-case result (with its trace) behind a stored row; ``None`` for 家屋敷課税 (均等割のみ)
    and rows without a resident taxpayer."""
    if row.get("taxpayer_kind") != "resident":
        return None
    fy, no, known_at = int(row["fiscal_year"]), str(row["addressee_no"]), row["known_at"]
    inp = chunk_input(uow.conn, uow.tenant_id, fy, known_at, [no])
    setting = run_setting(uow, fy, known_at)
    found = combined_case_columns(inp, setting, no)
    if found is None:
        return None
    values, relatives, age = found
    case = case_from_columns(fy, values, relatives, age=age, designated_city=setting.designated_city,
                             grade=setting.grade)  # fmt: skip
    return calculate(case, setting.lookup)
