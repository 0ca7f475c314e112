"""One-case 児童扶養手当: :func:`calculate` turns a :class:`ChildRearingCase` into a result.

The months of the period are rows of the vector rules the batch uses (:func:`.rules.compute`, one
call per parameter regime: a period across 2024-11 or 2025-04 applies each month's amounts,
limits and coefficients). Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
from pydantic import ValidationError

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.rules import ParameterLookup, Trace
from kikan.welfare import (
    MONTH_MAX,
    MONTH_MIN,
    month_index,
    month_label,
    month_start,
    payment_month,
    validation_failed,
)

from .income import IncomeInputs
from .model import ChildRearingCase, ChildRearingResult, MonthRearing, Payment, PersonIncome, StatusReport
from .params import MonthParams, national_parameters, resolve_month
from .rules import STATUS_LABELS, Children, Claimants, Obligors, compute

MAX_MONTHS = 600
KINDS = {"mother": 0, "father": 1, "caretaker": 2}
PENSIONS = {"none": 0, "disability_basic": 1, "other": 2}
INCOME_FIELDS = tuple(IncomeInputs.__dataclass_fields__)
_KEYS = (
    "amount.full",
    "amount.partial_max",
    "amount.partial_min",
    "partial.coefficient.first",
    "partial.coefficient.second",
    "partial.coefficient.third_plus",
    "partial.rounding_unit",
    "income_limit.claimant",
    "income_limit.claimant_additions",
    "income_limit.obligor",
    "income.flat_deduction",
    "income.salary_pension_adjustment",
    "income.child_support_rate",
    "deduction.table",
    "eligibility.age",
    "eligibility.disabled_age",
    "pension.monthly_divisor",
)


def parse_case(data: Mapping[str, Any]) -> ChildRearingCase:
    """Validate raw JSON-like input; errors become :class:`ValidationFailed` naming each field."""
    try:
        return ChildRearingCase.model_validate(data)
    except ValidationError as exc:
        raise validation_failed(exc) from None


def income_year(month: int, start_month: int) -> int:
    """The year whose income governs ``month`` (第9条第1項: 前年; 1月〜10月分は前々年)."""
    year, m0 = divmod(month, 12)
    return year - 1 if m0 + 1 >= start_month else year - 2


def _find(incomes: Sequence[PersonIncome], year: int, field: str, month: int) -> PersonIncome:
    for item in incomes:
        if item.income_year == year:
            return item
    raise ValidationFailed(
        [FieldError(field, f"{month_label(month)} 分の所得の判定に {year} 年の所得が必要です")]
    )


def _income_row(item: PersonIncome | None) -> dict[str, int]:
    if item is None:
        return dict.fromkeys(INCOME_FIELDS, 0)
    data = item.model_dump()
    return {k: int(data.get(k, 0)) for k in INCOME_FIELDS}


def _inputs(rows: list[dict[str, int]]) -> IncomeInputs:
    return IncomeInputs(**{k: np.asarray([r[k] for r in rows], dtype=np.int64) for k in INCOME_FIELDS})


def _timing(case: ChildRearingCase, grace: int, trace: Trace) -> tuple[int, int]:
    start = month_index(case.claim_on) + 1
    if (
        case.unable_from
        and case.unable_until
        and case.unable_until <= case.claim_on
        and case.claim_on.toordinal() <= case.unable_until.toordinal() + grace
    ):
        start = month_index(case.unable_from) + 1
    end = month_index(case.ended_on) if case.ended_on is not None else MONTH_MAX
    trace.add("start_month", month_label(start), note="児童扶養手当法第7条第1項・第2項")
    trace.add("end_month", month_label(end) if end != MONTH_MAX else None, note="児童扶養手当法第7条第1項")
    return start, end


def _children(case: ChildRearingCase, k: int) -> Children:
    kids = case.children
    nc = len(kids)

    def col(values: list[int]) -> np.ndarray:
        return np.tile(np.asarray(values, dtype=np.int64), k)

    return Children(
        owner=np.repeat(np.arange(k, dtype=np.intp), nc),
        year=col([c.birth_date.year for c in kids]),
        month=col([c.birth_date.month for c in kids]),
        day=col([c.birth_date.day for c in kids]),
        disabled=col([c.disabled for c in kids]) > 0,
        in_facility=col([c.in_facility for c in kids]) > 0,
        from_month=col(
            [
                MONTH_MIN
                if c.added_on is None and c.birth_date <= case.claim_on
                else (month_index(c.added_on) + 1 if c.added_on else MONTH_MAX)
                for c in kids
            ]
        ),
        until_month=col([month_index(c.left_on) if c.left_on else MONTH_MAX for c in kids]),
    )


def _run(
    case: ChildRearingCase, months: list[int], active: list[bool], p: MonthParams
) -> dict[str, np.ndarray]:
    rows, ob_rows, ob_owner = [], [], []
    for j, (m, on) in enumerate(zip(months, active, strict=True)):
        year = income_year(m, p.year_start_month)
        item = _find(case.incomes, year, "incomes", m) if on else None
        rows.append(_income_row(item))
        for i, person in enumerate(case.obligors if on else []):
            ob_rows.append(_income_row(_find(person.incomes, year, f"obligors.{i}.incomes", m)))
            ob_owner.append(j)
    k = len(months)
    h = Claimants(
        month=np.asarray(months, dtype=np.int64),
        active=np.asarray(active, dtype=bool),
        kind=np.full(k, KINDS[case.claimant_kind], dtype=np.int64),
        income=_inputs(rows),
        pension_kind=np.full(k, PENSIONS[case.pension.kind], dtype=np.int64),
        pension_annual=np.full(k, case.pension.annual_amount, dtype=np.int64),
    )
    ob = Obligors(owner=np.asarray(ob_owner, dtype=np.intp), income=_inputs(ob_rows))
    return compute(h, ob, _children(case, k), p)


def calculate(case: ChildRearingCase, params: ParameterLookup | None = None) -> ChildRearingResult:
    """Compute one 受給資格者's 児童扶養手当 for every month of the period, with payments and trace."""
    lookup = params if params is not None else national_parameters()
    first_m, last_m = month_index(case.period_from), month_index(case.period_to)
    if last_m - first_m + 1 > MAX_MONTHS:
        raise ValidationFailed([FieldError("period_to", f"計算期間は {MAX_MONTHS} か月以内にしてください")])
    months = list(range(first_m, last_m + 1))
    mp = [resolve_month(lookup, month_start(m)) for m in months]
    trace = Trace("child_rearing_allowance")
    start, end = _timing(case, mp[0].grace_days, trace)
    excluded = case.cared_by_partner and case.reason != "parent_disability"
    active = [start <= m <= end and not excluded for m in months]
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, p in enumerate(mp):
        groups[p.regime].append(i)
    rows: dict[int, MonthRearing] = {}
    for idx in groups.values():
        p = mp[idx[0]]
        out = _run(case, [months[i] for i in idx], [active[i] for i in idx], p)
        for j, i in enumerate(idx):
            v = {k: int(a[j]) for k, a in out.items()}
            rows[i] = MonthRearing(
                month=month_label(months[i]),
                status=STATUS_LABELS[v["status"]],
                income_year=income_year(months[i], p.year_start_month) if active[i] else None,
                income=v["income"],
                full_limit=v["full_limit"],
                partial_limit=v["partial_limit"],
                eligible_children=v["eligible_children"],
                first_amount=v["first_amount"],
                additional_amount=v["additional_amount"],
                allowance=v["allowance"],
                pension_monthly=v["pension_monthly"],
                amount=v["amount"],
            )
            trace.add(
                f"month {month_label(months[i])}",
                v["amount"],
                parameters=p.keys(*_KEYS),
                note=f"{rows[i].status}（所得額 {v['income']:,}円）",
            )
    ordered = [rows[i] for i in range(len(months))]
    payments = _payments(months, mp, ordered)
    by_label = {month_label(m): p for m, p in zip(months, mp, strict=True)}
    for pay in payments:
        trace.add(
            f"payment {pay.paid_in}",
            pay.amount,
            parameters=by_label[pay.months[0]].keys("payment.months"),
            note="児童扶養手当法第7条第3項",
        )
    reports = [
        StatusReport(year=m // 12, due_from=date(m // 12, 8, 1), due_to=date(m // 12, 8, 31))
        for m, p, on in zip(months, mp, active, strict=True)
        if on and m % 12 + 1 == p.status_report_month
    ]
    notes = ["父又は母の配偶者に養育されている児童は対象外（児童扶養手当法第4条第2項）"] if excluded else []
    if case.pension.kind != "none":
        notes.append(
            "公的年金給付の月額（年額÷12）を手当月額から差し引いた差額を支給（児童扶養手当法第13条の2）"
        )
    resolved = {rv.key: rv for p in mp for rv in p.resolved.values()}
    return ChildRearingResult(
        entitled=any(r.amount > 0 for r in ordered),
        start_month=month_label(start),
        end_month=month_label(end) if end != MONTH_MAX else None,
        months=ordered,
        payments=payments,
        status_reports=reports,
        total=sum(r.amount for r in ordered),
        notes=notes,
        unverified_parameters=sorted(k for k, rv in resolved.items() if not rv.verified),
        trace=trace.to_dict(),
    )


def _payments(months: list[int], mp: list[MonthParams], rows: list[MonthRearing]) -> list[Payment]:
    by_pay: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for m, p, row in zip(months, mp, rows, strict=True):
        if row.amount > 0:
            by_pay[payment_month(m, p.payment_months)].append((m, row.amount))
    return [
        Payment(
            paid_in=month_label(pm),
            months=[month_label(m) for m, _ in items],
            amount=sum(a for _, a in items),
        )
        for pm, items in sorted(by_pay.items())
    ]
