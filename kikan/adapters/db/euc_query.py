"""The EUC query over the registry's own EUC data source (標準仕様書 10.1): ``juki_history``.

The registry's history table is the EUC data source the standard asks for (every item, every
history row, 除票 included), so this module — and only this one outside the registry — reads it;
keep any new EUC access here. SQL is built with SQLAlchemy Core from a validated
:class:`~kikan.euc.spec.Spec`: column objects are looked up by catalogue name, values are bound
parameters (LIKE wildcards escaped), and the tenant filter is always applied (SQLite has no
row-level security). No user text is ever concatenated into SQL.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.juki import juki_history, juki_resident
from kikan.core.errors import FieldError, ValidationFailed
from kikan.euc.fields import FIELDS
from kikan.euc.spec import Condition, Spec

h, r = juki_history.c, juki_resident.c


def _column(name: str, where: str) -> sa.ColumnElement[Any]:
    if name not in FIELDS or name not in h:
        raise ValidationFailed([FieldError(where, f"未定義の項目です（{name[:40]}）")])
    return h[name]


def _condition(c: Condition, where: str) -> sa.ColumnElement[bool]:
    col = _column(c.field, f"{where}の項目")
    text = FIELDS[c.field].kind == "str"
    if c.op == "eq":
        return col == c.value
    if c.op == "ne":  # 空欄の行も「等しくない」に含める
        return sa.or_(col != c.value, col.is_(None))
    if c.op == "lt":
        return col < c.value
    if c.op == "gt":
        return col > c.value
    if c.op == "between":
        return col.between(c.value, c.value2)
    if c.op == "prefix":
        return col.startswith(c.value, autoescape=True)
    if c.op == "contains":
        return col.contains(c.value, autoescape=True)
    if c.op == "is_empty":
        return sa.or_(col.is_(None), col == "") if text else col.is_(None)
    if c.op == "not_empty":
        return sa.and_(col.is_not(None), col != "") if text else col.is_not(None)
    raise ValidationFailed([FieldError(f"{where}の演算子", f"未定義の演算子です（{c.op[:20]}）")])


def build(spec: Spec, tenant_id: str, limit: int) -> sa.Select[Any]:
    """SELECT the spec's columns from the current records or the whole history, at most ``limit`` rows."""
    cols = [_column(name, f"出力項目{i}").label(name) for i, name in enumerate(spec.columns, start=1)]
    where: list[sa.ColumnElement[bool]] = [h.tenant_id == tenant_id]
    src: sa.FromClause
    if spec.source == "current":
        src = juki_history.join(
            juki_resident,
            sa.and_(
                r.tenant_id == h.tenant_id, r.addressee_no == h.addressee_no, r.history_no == h.history_no
            ),
        )
        where.append(r.tenant_id == tenant_id)
    else:
        src = juki_history
        if not spec.include_cancelled:
            where.append(h.cancelled.is_(False))
    where += [_condition(c, f"条件{i}") for i, c in enumerate(spec.conditions, start=1)]
    order = [
        (
            _column(s.field, f"並び順{i}の項目").desc()
            if s.descending
            else _column(s.field, f"並び順{i}の項目").asc()
        )
        for i, s in enumerate(spec.sort, start=1)
    ]
    return (
        sa.select(*cols)
        .select_from(src)
        .where(*where)
        .order_by(*order, h.addressee_no, h.history_no)
        .limit(limit)
    )


def fetch(conn: sa.Connection, spec: Spec, tenant_id: str, limit: int) -> list[tuple[Any, ...]]:
    """Run the query; rows in the order of ``spec.columns``."""
    return [tuple(row) for row in conn.execute(build(spec, tenant_id, limit)).all()]
