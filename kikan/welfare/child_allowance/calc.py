"""One-case 児童手当: :func:`calculate` turns a :class:`ChildAllowanceCase` into a result.

The months of the period are rows of the same vector rules the batch uses (:func:`.rules.compute`,
one call per parameter regime, so a period across October 2024 applies the old rules to September
and the new ones to October). Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.rules import ParameterLookup, Trace
from kikan.welfare import (
    MONTH_MAX,
    month_index,
    month_label,
    month_start,
    payment_month,
    validation_failed,
)

from .case_inputs import child_columns, limit_row, recipient, run_group, timing
from .model import ChildAllowanceCase, ChildAllowanceResult, ChildMonth, Guardian, MonthAmount, Payment
from .params import MonthParams, national_parameters, resolve_month
from .rules import STATUS_LABELS
from .timing import RECIPIENT_REASONS

MAX_MONTHS = 600
_AMOUNT_KEYS = ("amount.monthly", "amount.facility", "birth_order.count_until_age")
_LIMIT_KEYS = (
    "income_limit.in_force",
    "income_limit.table",
    "income_upper_limit.table",
    "income_limit.elderly_addition",
    "income.flat_deduction",
    "special_benefit.monthly",
)


def parse_case(data: Mapping[str, Any]) -> ChildAllowanceCase:
    """Validate raw JSON-like input; errors become :class:`ValidationFailed` naming each field."""
    try:
        return ChildAllowanceCase.model_validate(data)
    except ValidationError as exc:
        raise validation_failed(exc) from None


def _month_note(status: str, hs: dict[str, Any], j: int, p: MonthParams) -> str:
    if not p.limit_in_force or int(hs["status"][j]) in (0, 4):
        return status
    judged, limit, upper = (int(hs[k][j]) for k in ("judged_income", "income_limit", "upper_limit"))
    tail = f"、所得上限限度額 {upper:,}円" if upper else ""
    return f"{status}（判定所得 {judged:,}円、所得制限限度額 {limit:,}円{tail}）"


def _band_label(code: int, p: MonthParams) -> str:
    return "3歳未満" if code == -2 else ("対象外" if code < 0 else p.amounts.bands[code].label)


def calculate(case: ChildAllowanceCase, params: ParameterLookup | None = None) -> ChildAllowanceResult:
    """Compute one household's 児童手当 for every month of the period, with payments and trace."""
    lookup = params if params is not None else national_parameters()
    first_m, last_m = month_index(case.period_from), month_index(case.period_to)
    if last_m - first_m + 1 > MAX_MONTHS:
        raise ValidationFailed([FieldError("period_to", f"計算期間は {MAX_MONTHS} か月以内にしてください")])
    trace = Trace("child_allowance")
    who, reason = recipient(case)
    guardian = case.guardians[who]
    label, basis = RECIPIENT_REASONS[reason]
    trace.add("recipient", guardian.id, note=f"{label}（{basis}）")
    start, end = timing(case, lookup, trace)
    months = list(range(first_m, last_m + 1))
    mp = [resolve_month(lookup, month_start(m)) for m in months]
    child = child_columns(case, mp[0].grace_days)
    hh: dict[str, list[int]] = defaultdict(list)
    for m, p in zip(months, mp, strict=True):
        active = start <= m <= end
        inc = limit_row(guardian, who, m, p) if active else (0, 0, 0, 0)
        for name, value in zip(
            ("month", "active", "income", "deductions", "dependants", "elderly", "public_servant"),
            (m, active, *inc, guardian.public_servant),
            strict=True,
        ):
            hh[name].append(int(value))
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, p in enumerate(mp):
        groups[p.regime].append(i)
    results: dict[int, MonthAmount] = {}
    for rows in groups.values():
        p = mp[rows[0]]
        hs, cs = run_group(rows, case, child, hh, p)
        nc = len(case.children)
        for j, i in enumerate(rows):
            kids = [
                ChildMonth(
                    child=c.id,
                    band=_band_label(int(cs["band"][j * nc + x]), p),
                    birth_order=int(cs["birth_order"][j * nc + x]),
                    amount=int(cs["amount"][j * nc + x]),
                    facility_amount=int(cs["facility_amount"][j * nc + x]),
                )
                for x, c in enumerate(case.children)
            ]
            results[i] = MonthAmount(
                month=month_label(months[i]),
                regime="reform_2024" if p.reformed else "pre_reform",
                status=STATUS_LABELS[int(hs["status"][j])],
                amount=int(hs["amount"][j]),
                facility_amount=int(hs["facility_amount"][j]),
                children=kids,
            )
            used = p.keys(*_AMOUNT_KEYS, *(_LIMIT_KEYS if p.limit_in_force else ()))
            trace.add(
                f"month {month_label(months[i])}",
                int(hs["amount"][j]),
                parameters=used,
                note=_month_note(results[i].status, hs, j, p),
            )
    ordered = [results[i] for i in range(len(months))]
    payments = _payments(months, mp, ordered)
    by_label = {month_label(m): p for m, p in zip(months, mp, strict=True)}
    for pay in payments:
        trace.add(
            f"payment {pay.paid_in}",
            pay.amount,
            parameters=by_label[pay.months[0]].keys("payment.months"),
            note="児童手当法第8条第4項",
        )
    return _result(case, guardian, reason, start, end, ordered, payments, mp, trace)


def _payments(months: list[int], mp: list[MonthParams], rows: list[MonthAmount]) -> list[Payment]:
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


def _result(
    case: ChildAllowanceCase,
    guardian: Guardian,
    reason: int,
    start: int,
    end: int,
    rows: list[MonthAmount],
    payments: list[Payment],
    mp: list[MonthParams],
    trace: Trace,
) -> ChildAllowanceResult:
    label, basis = RECIPIENT_REASONS[reason]
    notes = []
    late = [c.id for c in case.children if c.added_on is None and c.birth_date > case.claim_on]
    if late:
        notes.append(f"額改定請求のない児童は増額していません: {', '.join(late)}（児童手当法第9条第1項）")
    if case.ended_on is not None:
        notes.append(
            "消滅した期の手当は支払期月でない月にも支払うことができる（児童手当法第8条第4項ただし書）"
        )
    resolved = {rv.key: rv for p in mp for rv in p.resolved.values()}
    return ChildAllowanceResult(
        recipient=guardian.id,
        recipient_reason=label,
        recipient_basis=basis,
        payer="employer" if guardian.public_servant else "municipality",
        payer_basis="児童手当法第17条第1項（公務員）"
        if guardian.public_servant
        else "児童手当法第7条・第8条",
        entitled=any(r.amount > 0 for r in rows),
        start_month=month_label(start),
        end_month=month_label(end) if end != MONTH_MAX else None,
        months=rows,
        payments=payments,
        total=sum(r.amount for r in rows),
        facility_total=sum(r.facility_amount for r in rows),
        facility_children=[c.id for c in case.children if c.in_facility],
        notes=notes,
        unverified_parameters=sorted(
            {k for k, rv in resolved.items() if not rv.verified}
            | {u.key for step in trace for u in step.parameters if not u.verified}
        ),
        trace=trace.to_dict(),
    )
