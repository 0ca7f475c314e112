"""The amount of a case in one month, always from the allowance's calculation core (with its trace).

:func:`compute` turns a :class:`CaseState` into the core's one-case input
(:class:`~kikan.welfare.child_allowance.ChildAllowanceCase` /
:class:`~kikan.welfare.child_rearing_allowance.ChildRearingCase`), runs ``calculate`` for the month,
applies 支給停止, and returns the amount, the start/end months, each child's first/last counted
month (the batch columns of the payment run) and the core's trace. Pure: incomes come through the
:class:`IncomeSource` port.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kikan.core.errors import Conflict, FieldError, ValidationFailed
from kikan.core.rules import ParameterLookup
from kikan.welfare import MONTH_MAX, MONTH_MIN, month_index, month_label, month_start
from kikan.welfare import child_allowance as ca
from kikan.welfare import child_rearing_allowance as cra
from kikan.welfare.child_allowance.case_inputs import child_columns
from kikan.welfare.child_allowance.params import resolve_month as ca_month
from kikan.welfare.child_rearing_allowance.model import ClaimantIncome, PersonIncome
from kikan.welfare.child_rearing_allowance.params import resolve_month as cra_month

from .model import CaseState
from .ports import IncomeSource

_CORE_END = {"moved_out": "moved_out", "death": "death", "custody_lost": "custody_lost"}


@dataclass(frozen=True)
class Computation:
    month: int
    monthly_amount: int
    status: str
    start_month: int
    end_month: int
    children: tuple[tuple[int, int], ...]
    trace: dict[str, Any]


def _label_index(label: str | None, default: int) -> int:
    if label is None:
        return default
    y, m = label.split("-")
    return int(y) * 12 + int(m) - 1


def _suspended(state: CaseState, month: int) -> str | None:
    hit = next((s for s in state.suspensions if s.covers(month)), None)
    return None if hit is None else (hit.reason or "支給停止")


def _ca_case(state: CaseState, month: int, incomes: IncomeSource) -> ca.ChildAllowanceCase:
    year = state.claim_on.year - 1
    guardians: list[dict[str, Any]] = [
        {"id": state.recipient, "income": _total(incomes, state.recipient, year), "lives_with_children": True,
         "public_servant": state.public_servant},
    ]  # fmt: skip
    if state.spouse:
        guardians.append({"id": state.spouse, "income": _total(incomes, state.spouse, year),
                          "lives_with_children": not state.separated})  # fmt: skip
    data: dict[str, Any] = {
        "period_from": month_start(month), "period_to": month_start(month), "claim_on": state.claim_on,
        "event_on": state.event_on, "ended_on": state.ended_on,
        "end_reason": _CORE_END.get(state.end_reason or "", "other") if state.ended_on else None,
        "guardians": guardians, "separated": state.separated,
        "main_guardian": state.recipient if state.designated_main else None,
        "children": [
            {"id": c.child_id, "birth_date": c.birth_date, "supported": c.supported, "in_facility": c.in_facility,
             "added_on": c.added_on, "added_event_on": c.added_event_on, "left_on": c.left_on}
            for c in state.children
        ],
    }  # fmt: skip
    return ca.parse_case(data)


def _total(incomes: IncomeSource, addressee_no: str, year: int) -> int:
    facts = incomes.income(addressee_no, year)
    return facts.total_income if facts is not None else 0


def _items(incomes: IncomeSource, who: str, year: int, label: str, allowed: set[str]) -> dict[str, Any]:
    facts = incomes.income(who, year)
    if facts is None:
        raise ValidationFailed(
            [FieldError("所得", f"{label}（{who}）の {year} 年の所得（課税状況）がありません。税務の公開データの取込み又は所得の登録をしてください")]
        )  # fmt: skip
    return {"income_year": year, **{k: v for k, v in facts.items.items() if k in allowed}}


def _cra_case(
    state: CaseState, month: int, incomes: IncomeSource, lookup: ParameterLookup
) -> cra.ChildRearingCase:
    p = cra_month(lookup, month_start(month), field_name="valid_from")
    year = cra.income_year(month, p.year_start_month)
    claimant_fields = set(ClaimantIncome.model_fields) - {"income_year"}
    person_fields = set(PersonIncome.model_fields) - {"income_year"}
    active = _active(state, month)
    data: dict[str, Any] = {
        "period_from": month_start(month), "period_to": month_start(month), "claim_on": state.claim_on,
        "ended_on": state.ended_on, "claimant_kind": state.claimant_kind, "reason": state.cra_reason or "divorce",
        "children": [
            {"id": c.child_id, "birth_date": c.birth_date, "disabled": c.disabled, "in_facility": c.in_facility,
             "added_on": c.added_on, "left_on": c.left_on}
            for c in state.children
        ],
        "incomes": [_items(incomes, state.recipient, year, "受給資格者", claimant_fields)] if active else [],
        "obligors": [
            {"id": o, "incomes": [_items(incomes, o, year, "扶養義務者", person_fields)] if active else []}
            for o in state.obligors
        ],
        "pension": {"kind": state.pension_kind, "annual_amount": state.pension_annual},
    }  # fmt: skip
    return cra.parse_case(data)


def _active(state: CaseState, month: int) -> bool:
    start = month_index(state.claim_on) + 1
    end = month_index(state.ended_on) if state.ended_on else MONTH_MAX
    return start <= month <= end


def cra_child_months(state: CaseState) -> tuple[tuple[int, int], ...]:
    """First and last counted month of each child (児童扶養手当法第8条: 増額は請求の翌月から、
    減額は事由の翌月から) — the same rule as the core's one-case calculation."""
    out = []
    for c in state.children:
        if c.added_on is None:
            first = MONTH_MIN if c.birth_date <= state.claim_on else MONTH_MAX
        else:
            first = month_index(c.added_on) + 1
        out.append((first, month_index(c.left_on) if c.left_on else MONTH_MAX))
    return tuple(out)


def compute(
    state: CaseState, month: int, incomes: IncomeSource, params: ParameterLookup | None = None
) -> Computation:
    """The case's amount in ``month`` from the calculation core, with 支給停止 applied.

    児童手当: the core also decides the recipient (児童手当法第4条第3項: 生計を維持する程度の高い者);
    a claim by the other parent is refused with :class:`Conflict`.
    """
    if state.allowance == "child_allowance":
        lookup = params or ca.national_parameters()
        core = _ca_case(state, month, incomes)
        res = ca.calculate(core, lookup)
        if res.recipient != state.recipient:
            raise Conflict(
                f"受給者は生計を維持する程度の高い者（{res.recipient}）です（{res.recipient_basis}）。"
                "請求者を確認するか、生計維持者として指定してください",
                field="recipient",
            )
        grace = ca_month(lookup, month_start(month_index(state.claim_on)), field_name="claim_on").grace_days
        cols = child_columns(core, grace)
        kids = tuple(
            zip((int(x) for x in cols["from_month"]), (int(x) for x in cols["until_month"]), strict=True)
        )
        row = res.months[0]
        amount, status, trace = row.amount, row.status, res.trace
        start, end = _label_index(res.start_month, MONTH_MIN), _label_index(res.end_month, MONTH_MAX)
    else:
        lookup = params or cra.national_parameters()
        res2 = cra.calculate(_cra_case(state, month, incomes, lookup), lookup)
        row2 = res2.months[0]
        amount, status, trace = row2.amount, row2.status, res2.trace
        start, end = _label_index(res2.start_month, MONTH_MIN), _label_index(res2.end_month, MONTH_MAX)
        kids = cra_child_months(state)
    stop = _suspended(state, month)
    if stop is not None and amount:
        status, amount = f"支給停止（{stop}）", 0
    out_trace = {
        "month": month_label(month),
        "status": status,
        "amount": amount,
        "suspended": stop,
        "core": trace,
    }
    return Computation(month, amount, status, start, end, kids, out_trace)
