"""The full calculation trace of a stored result: its inputs as known then, through ``calculate``.

A result row stores every amount but not the trace (a million traces would dwarf the results). The
trace is rebuilt on demand: the same set-based reads as the run, as of the row's ``known_at`` and
with the parameters in force then, combined into one :class:`TaxpayerCase`
(:func:`~kikan.tax.individual_resident.income_records.case_from_columns`) and computed by the
one-case :func:`~kikan.tax.individual_resident.calculate`, which must agree with the stored row.
"""

from __future__ import annotations

from typing import Any

from kikan.adapters.db.tax_inputs import chunk_input
from kikan.adapters.db.tax_params import run_setting
from kikan.tax.individual_resident import TaxResult, calculate
from kikan.tax.individual_resident.assessment import combined_case_columns
from kikan.tax.individual_resident.income_records import case_from_columns


def explain(uow: Any, row: dict[str, Any]) -> tuple[TaxResult, dict[str, Any]] | None:
    """(one-case result with trace, the combined inputs) for a stored resident's result row."""
    if row["taxpayer_kind"] != "resident":
        return None
    fy, no, known_at = row["fiscal_year"], row["addressee_no"], row["known_at"]
    s = run_setting(uow, fy, known_at)
    found = combined_case_columns(chunk_input(uow.conn, uow.tenant_id, fy, known_at, [no]), s, no)
    if found is None:
        return None
    values, relatives, age = found
    case = case_from_columns(fy, values, relatives, age=age, designated_city=s.designated_city, grade=s.grade)
    return calculate(case, s.lookup), {"inputs": values, "relatives": relatives, "age": age}
