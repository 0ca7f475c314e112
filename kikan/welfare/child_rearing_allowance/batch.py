"""Batch 児童扶養手当: the same vector rules over every 受給資格者 of a city for one month.

Columns: one row per 受給資格者 (:data:`CLAIMANT_INPUTS`, the income items of the year that
governs the month), a child table (``child.*``, linked by ``child.owner``) and an optional table
of 配偶者・扶養義務者 (``obligor.*``, linked by ``obligor.owner``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import numpy.typing as npt

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.rules import ParameterLookup
from kikan.welfare import MONTH_MAX, MONTH_MIN, month_index, month_start, split_dates

from .income import IncomeInputs
from .params import resolve_month
from .rules import Children, Claimants, Obligors, compute

_INCOME = {f: (0, "所得の内訳（model.PersonIncome と同じ意味）") for f in IncomeInputs.__dataclass_fields__}
CLAIMANT_INPUTS: dict[str, tuple[int, str]] = {
    "start_month": (MONTH_MIN, "支給開始月（月インデックス）"),
    "end_month": (MONTH_MAX, "支給終了月（月インデックス）"),
    "kind": (0, "受給資格者 0=母 1=父 2=養育者"),
    "pension_kind": (0, "公的年金 0=なし 1=障害基礎年金等（子の加算と比較） 2=その他の年金"),
    "pension_annual": (0, "比較する年金の年額"),
    **_INCOME,
}
OBLIGOR_INPUTS: dict[str, tuple[int, str]] = {"obligor.owner": (0, "受給資格者の行番号")} | {
    f"obligor.{k}": v for k, v in _INCOME.items() if k not in ("child_support", "nontaxable_pension")
}
CHILD_INPUTS: dict[str, tuple[int, str]] = {
    "child.owner": (0, "受給資格者の行番号"),
    "child.disabled": (0, "政令で定める程度の障害"),
    "child.in_facility": (0, "施設入所・里親委託"),
    "child.from_month": (MONTH_MIN, "増額の開始月"),
    "child.until_month": (MONTH_MAX, "監護の最終月"),
}
OUTPUTS = (
    "amount",
    "allowance",
    "first_amount",
    "additional_amount",
    "pension_monthly",
    "status",
    "eligible_children",
    "income",
    "full_limit",
    "partial_limit",
    "obligor_income",
    "obligor_stop",
)


def _table(
    columns: Mapping[str, npt.ArrayLike], spec: dict[str, tuple[int, str]], n: int, errors: list[FieldError]
) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for key, (default, _) in spec.items():
        if key not in columns:
            out[key] = np.full(n, default, dtype=np.int64)
            continue
        a = np.asarray(columns[key])
        if a.dtype != np.bool_ and not np.issubdtype(a.dtype, np.integer):
            errors.append(FieldError(key, f"整数の列が必要です（dtype {a.dtype}）"))
            a = np.zeros(n, dtype=np.int64)
        elif a.ndim != 1 or len(a) != n:
            errors.append(FieldError(key, f"{n} 行の1次元の列が必要です"))
        out[key] = a.astype(np.int64, copy=False)
    return out


def _length(columns: Mapping[str, npt.ArrayLike], keys: list[str]) -> int:
    present = [k for k in keys if k in columns]
    return len(np.asarray(columns[present[0]])) if present else 0


def _income(t: dict[str, np.ndarray], prefix: str = "") -> IncomeInputs:
    n = len(next(iter(t.values())))
    return IncomeInputs(
        **{k: t.get(prefix + k, np.zeros(n, dtype=np.int64)) for k in IncomeInputs.__dataclass_fields__}
    )


def calculate_batch(
    columns: Mapping[str, npt.ArrayLike], params: ParameterLookup, on: date
) -> dict[str, np.ndarray]:
    """児童扶養手当 of N 受給資格者 for the month containing ``on``: one ``int64`` array per output."""
    month = month_index(on)
    p = resolve_month(params, month_start(month), field_name="on")
    known = set(CLAIMANT_INPUTS) | set(OBLIGOR_INPUTS) | set(CHILD_INPUTS) | {"child.birth_date"}
    errors = [FieldError(k, "不明な列です") for k in sorted(set(columns) - known)]
    births = np.asarray(columns.get("child.birth_date", np.zeros(0, dtype="datetime64[D]")))
    if not np.issubdtype(births.dtype, np.datetime64):
        errors.append(FieldError("child.birth_date", "datetime64[D] の列が必要です"))
        births = np.zeros(0, dtype="datetime64[D]")
    n = _length(columns, list(CLAIMANT_INPUTS))
    c = _table(columns, CLAIMANT_INPUTS, n, errors)
    k = _table(columns, CHILD_INPUTS, len(births), errors)
    o = _table(columns, OBLIGOR_INPUTS, _length(columns, list(OBLIGOR_INPUTS)), errors)
    for name, owner in (("child.owner", k["child.owner"]), ("obligor.owner", o["obligor.owner"])):
        if not errors and len(owner) and (owner.min() < 0 or owner.max() >= n):
            errors.append(FieldError(name, f"0〜{n - 1} の行番号で指定してください"))
    if errors:
        raise ValidationFailed(errors)
    year, mon, day = split_dates(births)
    h = Claimants(
        month=np.full(n, month, dtype=np.int64),
        active=(c["start_month"] <= month) & (month <= c["end_month"]),
        kind=c["kind"],
        income=_income(c),
        pension_kind=c["pension_kind"],
        pension_annual=c["pension_annual"],
    )
    ob = Obligors(owner=o["obligor.owner"].astype(np.intp), income=_income(o, "obligor."))
    ch = Children(
        owner=k["child.owner"].astype(np.intp),
        year=year,
        month=mon,
        day=day,
        disabled=k["child.disabled"] > 0,
        in_facility=k["child.in_facility"] > 0,
        from_month=k["child.from_month"],
        until_month=k["child.until_month"],
    )
    return compute(h, ob, ch, p)
