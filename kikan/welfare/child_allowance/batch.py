"""Batch 児童手当 (一斉の支給額計算): the same vector rules over a whole city for one month.

Columns describe recipients (one row per 受給者 household) and a child table linked by
``child.owner``. Timing (認定請求 → ``start_month``, 消滅 → ``end_month``, 額改定 →
``child.from_month`` / ``child.until_month``) comes as month indices
(:func:`kikan.welfare.month_index`); :mod:`.timing` computes them from dates, vectorised.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import numpy.typing as npt

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.rules import ParameterLookup
from kikan.welfare import MONTH_MAX, MONTH_MIN, month_index, month_start, split_dates

from .params import resolve_month
from .rules import Children, Households, compute

#: Household columns: name → (default, description).
HOUSEHOLD_INPUTS: dict[str, tuple[int, str]] = {
    "start_month": (MONTH_MIN, "支給開始月（月インデックス）"),
    "end_month": (MONTH_MAX, "支給終了月（月インデックス、消滅事由の月）"),
    "public_servant": (0, "公務員（所属庁が支給）"),
    "income": (0, "所得制限の判定用所得額（2024年9月分まで）"),
    "deductions": (0, "諸控除の合計"),
    "dependants": (0, "扶養親族等の数"),
    "elderly_dependants": (0, "老人控除対象配偶者・老人扶養親族の数"),
}
#: Child columns (``child.birth_date`` is ``datetime64[D]`` and required).
CHILD_INPUTS: dict[str, tuple[int, str]] = {
    "child.owner": (0, "世帯の行番号"),
    "child.supported": (1, "監護相当・生計費の負担（18歳年度末後の子を出生順位に数える）"),
    "child.in_facility": (0, "施設入所等児童"),
    "child.from_month": (MONTH_MIN, "増額の開始月（額改定請求）"),
    "child.until_month": (MONTH_MAX, "監護の最終月（減額はその翌月から）"),
}
OUTPUTS: dict[str, str] = {
    "amount": "受給者への月額",
    "facility_amount": "施設等への月額",
    "status": "支給区分コード（rules.STATUS_LABELS）",
    "eligible_children": "支給対象児童数",
    "counted_children": "出生順位に数える子の数",
    "third_plus_children": "第3子以降の支給対象児童数",
    "facility_children": "施設入所等児童数",
    "judged_income": "所得制限の判定所得",
    "income_limit": "所得制限限度額",
    "upper_limit": "所得上限限度額",
    "payer_employer": "所属庁が支給（公務員）",
}


def _int(name: str, raw: npt.ArrayLike, n: int | None, errors: list[FieldError]) -> np.ndarray:
    a = np.asarray(raw)
    if a.dtype != np.bool_ and not np.issubdtype(a.dtype, np.integer):
        errors.append(FieldError(name, f"整数の列が必要です（dtype {a.dtype}）"))
        return np.zeros(0 if n is None else n, dtype=np.int64)
    a = a.astype(np.int64, copy=False)
    if a.ndim != 1 or (n is not None and len(a) != n):
        errors.append(FieldError(name, f"{n} 行の1次元の列が必要です"))
    return a


def prepare(columns: Mapping[str, npt.ArrayLike], month: int) -> tuple[Households, Children]:
    """Validate the columns (all errors at once) and build the vector inputs for ``month``."""
    errors = [
        FieldError(k, "不明な列です")
        for k in sorted(set(columns) - set(HOUSEHOLD_INPUTS) - set(CHILD_INPUTS) - {"child.birth_date"})
    ]
    if "child.birth_date" not in columns:
        raise ValidationFailed(errors + [FieldError("child.birth_date", "児童の生年月日の列が必要です")])
    births = np.asarray(columns["child.birth_date"])
    if not np.issubdtype(births.dtype, np.datetime64):
        raise ValidationFailed(errors + [FieldError("child.birth_date", "datetime64[D] の列が必要です")])
    m = len(births)
    present = [k for k in HOUSEHOLD_INPUTS if k in columns]
    n = (
        len(np.asarray(columns[present[0]]))
        if present
        else int(np.max(columns.get("child.owner", [-1]), initial=-1)) + 1
    )
    h = {
        k: _int(k, columns[k], n, errors) if k in columns else np.full(n, d, dtype=np.int64)
        for k, (d, _) in HOUSEHOLD_INPUTS.items()
    }
    c = {
        k: _int(k, columns[k], m, errors) if k in columns else np.full(m, d, dtype=np.int64)
        for k, (d, _) in CHILD_INPUTS.items()
    }
    if not errors and m and (c["child.owner"].min() < 0 or c["child.owner"].max() >= n):
        errors.append(FieldError("child.owner", f"0〜{n - 1} の行番号で指定してください"))
    for key in ("income", "deductions", "dependants", "elderly_dependants"):
        if not errors and n and h[key].min() < 0:
            errors.append(FieldError(key, "負の値は指定できません"))
    if errors:
        raise ValidationFailed(errors)
    year, mon, day = split_dates(births)
    households = Households(
        month=np.full(n, month, dtype=np.int64),
        active=(h["start_month"] <= month) & (month <= h["end_month"]),
        income=h["income"],
        deductions=h["deductions"],
        dependants=h["dependants"],
        elderly_dependants=h["elderly_dependants"],
        public_servant=h["public_servant"] > 0,
    )
    children = Children(
        owner=c["child.owner"].astype(np.intp),
        year=year,
        month=mon,
        day=day,
        supported=c["child.supported"] > 0,
        in_facility=c["child.in_facility"] > 0,
        from_month=c["child.from_month"],
        until_month=c["child.until_month"],
    )
    return households, children


def calculate_batch(
    columns: Mapping[str, npt.ArrayLike], params: ParameterLookup, on: date, *, children_out: bool = False
) -> dict[str, np.ndarray]:
    """児童手当 of N households for the month containing ``on``: one ``int64`` array per output.

    ``params`` is the national :class:`~kikan.core.rules.ParameterSet` or a tenant view. With
    ``children_out`` the child outputs are added as ``child.<name>`` (birth order, amounts…).
    """
    month = month_index(on)
    p = resolve_month(params, month_start(month), field_name="on")
    h, ch = prepare(columns, month)
    households, children = compute(h, ch, p)
    if children_out:
        households.update({f"child.{k}": v for k, v in children.items()})
    return households
