"""An EUC extraction definition: data source, conditions, output columns, sort (pure).

:func:`parse_spec` is the one gate between user input and the query: every field must be in the
catalogue (:data:`~kikan.euc.fields.FIELDS`), every operator in :data:`~kikan.euc.fields.OPERATORS`
and allowed for the field's type, every value convertible to that type. Errors name the place in
Japanese (「条件2の項目: 未定義の項目です（xxx）」) and nothing runs. Conditions combine with AND.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kikan.core.calendar import WarekiError, parse_wareki
from kikan.core.errors import FieldError, ValidationFailed
from kikan.euc.fields import ALLOWED, FIELDS, NO_VALUE, OPERATORS, SOURCES, EucField

MAX_CONDITIONS = 20
MAX_SORT = 5
TRUE, FALSE = frozenset({"true", "1", "はい", "yes"}), frozenset({"false", "0", "いいえ", "no"})


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any = None
    value2: Any = None


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True)
class Spec:
    source: str
    conditions: tuple[Condition, ...]
    columns: tuple[str, ...]
    sort: tuple[SortKey, ...] = ()
    include_cancelled: bool = False


def _value(f: EucField, raw: Any, where: str, errors: list[FieldError]) -> Any:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        errors.append(FieldError(where, "値を入力してください"))
        return None
    if f.kind == "date":
        if isinstance(raw, date):
            return raw
        try:
            return parse_wareki(str(raw))
        except WarekiError as exc:
            errors.append(FieldError(where, str(exc)))
            return None
    if f.kind == "int":
        try:
            if isinstance(raw, bool):
                raise ValueError
            return int(str(raw).strip())
        except ValueError:
            errors.append(FieldError(where, "整数で入力してください"))
            return None
    if f.kind == "bool":
        text = str(raw).strip().lower()
        if isinstance(raw, bool):
            return raw
        if text in TRUE or text in FALSE:
            return text in TRUE
        errors.append(FieldError(where, "true / false（はい / いいえ）で入力してください"))
        return None
    text = str(raw)
    limit = f.length or 200
    if len(text) > limit:
        errors.append(FieldError(where, f"{limit}文字以内で入力してください"))
        return None
    return text


def _field(name: Any, where: str, errors: list[FieldError]) -> EucField | None:
    f = FIELDS.get(name) if isinstance(name, str) else None
    if f is None:
        errors.append(FieldError(where, f"未定義の項目です（{str(name)[:40]}）"))
    return f


def _condition(i: int, raw: Any, errors: list[FieldError]) -> Condition | None:
    where = f"条件{i}"
    if not isinstance(raw, Mapping):
        errors.append(FieldError(where, "項目・演算子・値の組で指定してください"))
        return None
    f = _field(raw.get("field"), f"{where}の項目", errors)
    op = raw.get("op")
    if op not in OPERATORS:
        errors.append(FieldError(f"{where}の演算子", f"未定義の演算子です（{str(op)[:20]}）"))
        return None
    if f is None:
        return None
    if op not in ALLOWED[f.kind]:
        errors.append(FieldError(f"{where}の演算子", f"{f.ja}には「{OPERATORS[op]}」は使えません"))
        return None
    if op in NO_VALUE:
        return Condition(f.name, op)
    n = len(errors)
    value = _value(f, raw.get("value"), f"{where}の値", errors)
    value2 = _value(f, raw.get("value2"), f"{where}の値（まで）", errors) if op == "between" else None
    if len(errors) > n:
        return None
    if op == "between" and value2 < value:
        errors.append(FieldError(f"{where}の値（まで）", "範囲の終わりは始まり以降を指定してください"))
        return None
    return Condition(f.name, op, value, value2)


def parse_spec(raw: Mapping[str, Any]) -> Spec:
    """Validate a definition (JSON-like mapping) into a :class:`Spec`, or :class:`ValidationFailed`."""
    errors: list[FieldError] = []
    source = raw.get("source", "current")
    if source not in SOURCES:
        errors.append(
            FieldError("データ", "current（現在の記録）または history（異動履歴）を指定してください")
        )
    conds_raw = raw.get("conditions") or []
    if not isinstance(conds_raw, list) or len(conds_raw) > MAX_CONDITIONS:
        errors.append(FieldError("抽出条件", f"条件は{MAX_CONDITIONS}件以内の一覧で指定してください"))
        conds_raw = []
    conditions = [_condition(i, c, errors) for i, c in enumerate(conds_raw, start=1)]
    cols_raw = raw.get("columns") or []
    if not isinstance(cols_raw, list) or not cols_raw:
        errors.append(FieldError("出力項目", "出力する項目を1つ以上指定してください"))
        cols_raw = []
    columns = [f.name for i, c in enumerate(cols_raw, start=1) if (f := _field(c, f"出力項目{i}", errors))]
    if len(set(columns)) != len(columns):
        errors.append(FieldError("出力項目", "同じ項目が重複しています"))
    sort_raw = raw.get("sort") or []
    if not isinstance(sort_raw, list) or len(sort_raw) > MAX_SORT:
        errors.append(FieldError("並び順", f"並び順は{MAX_SORT}件以内の一覧で指定してください"))
        sort_raw = []
    sort: list[SortKey] = []
    for i, s in enumerate(sort_raw, start=1):
        name = s.get("field") if isinstance(s, Mapping) else s
        f = _field(name, f"並び順{i}の項目", errors)
        if f is not None:
            sort.append(SortKey(f.name, bool(s.get("descending")) if isinstance(s, Mapping) else False))
    if errors:
        raise ValidationFailed(errors)
    return Spec(source, tuple(c for c in conditions if c), tuple(columns), tuple(sort),
                bool(raw.get("include_cancelled", False)))  # fmt: skip


def _json(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def spec_to_json(spec: Spec) -> dict[str, Any]:
    """The stored form of a definition (what :func:`parse_spec` reads back)."""
    return {
        "source": spec.source,
        "conditions": [{"field": c.field, "op": c.op, "value": _json(c.value), "value2": _json(c.value2)}
                       for c in spec.conditions],
        "columns": list(spec.columns),
        "sort": [{"field": s.field, "descending": s.descending} for s in spec.sort],
        "include_cancelled": spec.include_cancelled,
    }  # fmt: skip


def describe(spec: Spec) -> str:
    """A Japanese one-line summary (for the access log and the screens)."""
    parts = [f"{FIELDS[c.field].ja}{OPERATORS[c.op]}"
             + ("" if c.value is None else f"「{_json(c.value)}」")
             + ("" if c.value2 is None else f"〜「{_json(c.value2)}」") for c in spec.conditions]  # fmt: skip
    return f"{SOURCES[spec.source]} 条件: {' かつ '.join(parts) or 'なし'} 出力{len(spec.columns)}項目"
