"""Stored-result rows built with the real calculation and schedule code (no database)."""

from __future__ import annotations

from typing import Any

import numpy as np

from kikan.core.calendar import BusinessCalendar
from kikan.tax.individual_resident import calculate, national_parameters, parse_case
from kikan.tax.individual_resident.notices import Addressee, issuer_of
from kikan.tax.individual_resident.schedule import (
    allocate,
    as_lines,
    collection_params,
    due_dates,
    installments,
    periods,
)

FY = 2026
ISSUER = issuer_of("131016", "千代田区", "東京都")
# 邉 with a Moji_Joho IVS (an MJ variant), as registered
IVS_NAME = "渡邉\U000e0116\u3000太郎"
TAXPAYER = Addressee(
    "000000000000019", IVS_NAME, "ツジ タロウ", "東京都千代田区松町１番地", "松町ハイツ１０１号", "1000001"
)


def _cp() -> Any:
    return collection_params(national_parameters(), FY)


def row(*, salary: int = 0, pension: int = 0, age: int = 45, special: bool = False, pension_special: bool = False,
        version: int = 1, **deductions: int) -> dict[str, Any]:  # fmt: skip
    """A stored result row: every OUTPUTS amount, the collection split and the installments."""
    case = {"fiscal_year": FY, "taxpayer": {"age": age},
            "incomes": {"salary_revenue": salary, "pension_revenue": pension}, "deductions": deductions}  # fmt: skip
    res = calculate(parse_case(case))
    out = {k: np.asarray([v], dtype=np.int64) for k, v in res.amounts.items()}
    cp = _cp()
    alloc = allocate(out, salary_special=np.asarray([special]), pension_target=np.asarray([pension_special]),
                     age_april1=np.asarray([age + 1]), pension_revenue=np.asarray([pension]),
                     previous_pension=np.asarray([0]), cp=cp)  # fmt: skip
    inst = installments(alloc, np.asarray([0]), np.asarray([0]), cp)
    doc: dict[str, Any] = {
        m: [int(x) for x in inst[m][0]] for m in ("ordinary", "salary", "pension") if inst[m][0].sum()
    }
    return {
        "fiscal_year": FY, "version": version, "addressee_no": TAXPAYER.addressee_no, "taxpayer_kind": "resident",
        "taxation": "taxed", "salary_revenue": salary, "pension_revenue": pension,
        "salary_payer_id": "E0001" if special else None, "ordinary_amount": int(inst["ordinary"][0].sum()),
        "salary_amount": int(inst["salary"][0].sum()), "pension_amount": int(inst["pension"][0].sum()),
        "installments": doc, **res.amounts,
    }  # fmt: skip


def schedule() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(due dates ISO, months) per method, as the run ledger stores them."""
    cp = _cp()
    dates = due_dates(FY, cp, BusinessCalendar())
    return {k: [d.isoformat() for d in v] for k, v in dates.items()}, periods(FY, cp)


def lines(r: dict[str, Any]) -> list[dict[str, Any]]:
    dates, months = schedule()
    return as_lines(r["installments"], dates, months)
