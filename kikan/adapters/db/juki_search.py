"""住民検索 in SQL: one set-based query over every history row, the current state for the page.

標準仕様書 2.1 (j330/j340). The plan of :mod:`kikan.juki.search` becomes conditions on
``juki_history`` (all rows, so past names and addresses are found); matching rows are grouped per
person, joined to the ``juki_resident`` pointer (除票 excluded unless asked), ordered by reading.
The page shows each person's current row, marks 抑止 / 支援措置 (3.1: 検索結果で抑止対象であることが
明らかとなること), and the search is written to the access log (10.2) without any 個人番号.

Index use (PostgreSQL, FORCE ROW LEVEL SECURITY): ``LIKE`` is not leakproof, so the planner may
not use it as an index condition below the RLS policy — a prefix search is therefore written as
a byte-order range ``key ~>=~ :lo AND key ~<~ :hi`` (leakproof ``text_pattern_*`` operators,
served by the ``text_pattern_ops`` indexes). Suffix (名のみ) and infix (部分一致) searches cannot
use a B-tree (nor a pg_trgm index, for the same leakproofness reason) and scan the tenant's keys:
tens to hundreds of milliseconds at a million residents — combine them with another condition
(生年月日, 住所 …) when possible. 住民票コード and 個人番号 go through the unique indexes of
``juki_resident`` (current values; a 変更請求 replaces them).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.juki import juki_history, juki_resident
from kikan.core.errors import FieldError, Forbidden, ValidationFailed
from kikan.juki.search import KeyMatch, SearchHit, SearchPage, SearchPlan, SearchQuery, matched_on, plan

FUNCTION = "juki.search"
PERMISSION = "juki.read"
MAX_LIMIT = 500
h, r = juki_history.c, juki_resident.c


def _successor(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (code point order)."""
    nxt = ord(prefix[-1]) + 1
    if 0xD800 <= nxt <= 0xDFFF:
        nxt = 0xE000
    return prefix[:-1] + chr(nxt)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _key_condition(col: sa.ColumnElement[str], value: str, mode: str, pg: bool) -> sa.ColumnElement[bool]:
    if mode == "exact":
        return col == value
    if mode == "prefix":
        if pg:
            return sa.and_(
                col.op("~>=~", is_comparison=True)(value),
                col.op("~<~", is_comparison=True)(_successor(value)),
            )
        return sa.and_(col >= value, col < _successor(value))
    if mode == "suffix":
        return col.like("%" + _escape(value), escape="\\")
    return col.like("%" + _escape(value) + "%", escape="\\")


def _municipality_prefix(conn: sa.Connection, tenant_id: str, pg: bool) -> str:
    """The part every stored address shares (都道府県 + 市区町村): lets 「西新宿2丁目」 be a prefix search."""
    order = "address_key USING ~<~" if pg else "address_key"
    rev = "address_key USING ~>~" if pg else "address_key DESC"
    sql = "SELECT address_key FROM juki_history WHERE tenant_id = :t AND address_key > '' ORDER BY {} LIMIT 1"
    lo = conn.execute(sa.text(sql.format(order)), {"t": tenant_id}).scalar()
    hi = conn.execute(sa.text(sql.format(rev)), {"t": tenant_id}).scalar()
    if not lo or not hi:
        return ""
    n = 0
    while n < min(len(lo), len(hi)) and lo[n] == hi[n]:
        n += 1
    return lo[:n]


def _conditions(conn: sa.Connection, p: SearchPlan, tenant_id: str, pg: bool) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = [h.tenant_id == tenant_id, h.cancelled.is_(False)]
    for k in p.keys:
        values = k.values
        if k.field == "住所" and k.mode == "prefix":
            muni = _municipality_prefix(conn, tenant_id, pg)
            values = tuple(
                dict.fromkeys([*values, *(muni + v for v in values if muni and not v.startswith(muni))])
            )
        arms = [_key_condition(h[c], v, k.mode, pg) for c in k.columns for v in values]
        if k.alpha:  # the raw alphabet name, ix_juki_history_alpha (foreigners only)
            arms.append(_key_condition(h.alpha_name, k.alpha, k.mode, pg))
        conds.append(sa.or_(*arms))
    conds += [h[col] == value for col, value in p.equals]
    if p.birth:
        conds.append(h.birth_date.between(*p.birth))
    return conds


def _pointer_nos(uow: Any, p: SearchPlan, cipher: Any) -> list[str] | None:
    """宛名番号s for a 住民票コード / 個人番号 condition (None when there is none)."""
    if not (p.juminhyo_code or p.individual_number):
        return None
    conds = [r.tenant_id == uow.tenant_id]
    if p.juminhyo_code:
        conds.append(r.juminhyo_code == p.juminhyo_code)
    if p.individual_number:
        if cipher is None:
            from kikan.adapters.security.crypto import get_cipher

            cipher = get_cipher()
        conds.append(r.individual_number_hash.in_(cipher.lookup_hash_candidates(p.individual_number)))
    return [x.addressee_no for x in uow.conn.execute(sa.select(r.addressee_no).where(*conds)).all()]


def _flags(conn: sa.Connection, tenant_id: str, nos: list[str], today: date) -> dict[str, list[str]]:
    try:
        from kikan.adapters.db.juki_blocks import flags_for
    except ImportError:  # blocks not installed: nothing to mark
        return {}
    return flags_for(conn, tenant_id, nos, today)


def search(
    uow: Any, query: SearchQuery, *, today: date, limit: int = 50, offset: int = 0, cipher: Any = None
) -> SearchPage:
    """住民検索 (標準仕様書 2.1): the page of persons matching ``query``, in their current state.

    Requires ``juki.read``. Bad conditions → :class:`ValidationFailed` naming the field. The
    search is audited (``juki.search``, conditions without the 個人番号); the caller commits.
    """
    if not uow.actor.can(PERMISSION):
        raise Forbidden("住民記録を照会する権限がありません")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise ValidationFailed(
            [FieldError("件数", f"表示件数は1〜{MAX_LIMIT}件、開始位置は0以上で指定してください")]
        )
    p = plan(query)
    conn, t = uow.conn, uow.tenant_id
    pg = conn.dialect.name == "postgresql"
    page: list[SearchHit] = []
    total = 0
    if pg:  # an index-driven OLTP query: JIT compilation would cost more (100–200 ms) than it saves
        conn.exec_driver_sql("SET LOCAL jit = off")
    nos = _pointer_nos(uow, p, cipher)
    if nos is None or nos:
        conds = _conditions(conn, p, t, pg)
        if nos:
            conds.append(h.addressee_no.in_(nos))
        page, total = _run(conn, p, conds, t, pg, today, limit, offset)
    shown = [x.addressee_no for x in page]
    detail = {"conditions": query.audit_detail(), "total": total, "offset": offset, "shown": shown}
    uow.audit(FUNCTION, "read", target_type="resident", target_id=shown[0] if len(shown) == 1 else "",
              detail=json.dumps(detail, ensure_ascii=False))  # fmt: skip
    return SearchPage(items=page, total=total, limit=limit, offset=offset)


def _run(
    conn: sa.Connection, p: SearchPlan, conds: list[sa.ColumnElement[bool]], t: str, pg: bool, today: date,
    limit: int, offset: int,
) -> tuple[list[SearchHit], int]:  # fmt: skip
    sort_key = h.kana_key.collate("C") if pg else h.kana_key
    source: Any = juki_history
    if not p.include_history:
        source = juki_history.join(juki_resident, sa.and_(r.tenant_id == h.tenant_id, r.addressee_no == h.addressee_no,
                                                          r.history_no == h.history_no))  # fmt: skip
    hits = (
        sa.select(h.addressee_no, sa.func.max(h.history_no).label("hno"), sa.func.min(sort_key).label("sk"))
        .select_from(source).where(*conds).group_by(h.addressee_no)
    ).subquery("hits")  # fmt: skip
    q = sa.select(hits.c.addressee_no, hits.c.hno, sa.func.count().over().label("total"))
    if not p.include_removed:  # 除票: an anti-join per person found, on the small ix_juki_resident_removed
        gone = juki_resident.alias("gone")
        q = q.where(~sa.exists().where(gone.c.tenant_id == t, gone.c.addressee_no == hits.c.addressee_no,
                                       gone.c.status == "removed"))  # fmt: skip
    rows = conn.execute(q.order_by(hits.c.sk, hits.c.addressee_no).limit(limit).offset(offset)).all()
    if not rows:
        total = conn.execute(sa.select(sa.func.count()).select_from(hits)).scalar_one() if offset else 0
        return [], total
    nos = [x.addressee_no for x in rows]
    pointers = dict(
        conn.execute(
            sa.select(r.addressee_no, r.history_no).where(r.tenant_id == t, r.addressee_no.in_(nos))
        ).all()
    )
    wanted = {(x.addressee_no, pointers[x.addressee_no]) for x in rows} | {
        (x.addressee_no, x.hno) for x in rows
    }
    found = conn.execute(
        sa.select(juki_history).where(h.tenant_id == t, sa.or_(*(sa.and_(h.addressee_no == a, h.history_no == n) for a, n in wanted)))
    ).mappings().all()  # fmt: skip
    by_key = {(x["addressee_no"], x["history_no"]): dict(x) for x in found}
    marks = _flags(conn, t, nos, today)
    page = []
    for x in rows:
        cur, hit = by_key[(x.addressee_no, pointers[x.addressee_no])], by_key[(x.addressee_no, x.hno)]
        m = marks.get(x.addressee_no, [])
        page.append(SearchHit(
            addressee_no=x.addressee_no, family_name=cur["family_name"], given_name=cur["given_name"],
            kana=" ".join(k for k in (cur["family_name_kana"], cur["given_name_kana"]) if k),
            birth_date=cur["birth_date"], sex=cur["sex"], address=cur["address"], katagaki=cur["katagaki"],
            household_no=cur["household_no"], relationship=cur["relationship"], status=cur["status"] or "",
            resident_kind=cur["resident_kind"], removal_reason=cur["removal_reason"],
            matched_on=matched_on(p, cur, hit), marks=m, blocked=any(k.startswith("block") for k in m),
            protected="support" in m,
        ))  # fmt: skip
    return page, int(rows[0].total)


__all__ = ["FUNCTION", "KeyMatch", "SearchPage", "SearchQuery", "search"]
