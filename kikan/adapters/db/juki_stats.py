"""統計 queries (標準仕様書 6.1; 住民基本台帳関係年報, 総行住第136号): set-based SQL, SQLite and PostgreSQL.

"Present on D" (D現在 = 午前0時 of D, see :mod:`kikan.juki.statistics`): for each 宛名番号, take the
history row with the highest 履歴番号 among the rows that are not cancelled (異動の取消し) and whose
異動日 (or 処理日 when no 異動日 is recorded; rows with neither count from the start) is before D.
The person is present if that row says 住民 (status ``resident``), or if it is a 転出 whose
転出予定年月日 is D or later (標準仕様書 6.1: 転出予定者 count as present until their date passes)
and no other removal took effect before D. Everything is grouped in SQL; Python only folds the
grouped rows into tables.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.juki import juki_history
from kikan.core.errors import FieldError, Forbidden, ValidationFailed
from kikan.juki import statistics as st

PERMISSION = "juki.stats"
FUNCTION = "juki.stats"
h = juki_history.c


@dataclass(frozen=True)
class Population:
    on: date
    rows: list[st.PopulationRow]
    towns: dict[str, str]  # town_code → label
    households: list[st.HouseholdRow]


@dataclass(frozen=True)
class AnnualReport:
    """住民基本台帳関係年報 figures: population and households 1月1日現在, movements of the previous year."""

    year: int
    population: Population
    period: tuple[date, date]
    movements: dict[str, dict[str, int]]
    household_totals: dict[str, int] = field(default_factory=dict)


def _require(uow: Any) -> None:
    if not uow.actor.can(PERMISSION):
        raise Forbidden("統計を作成する権限がありません")


_ROW_COLUMNS = ("addressee_no", "history_no", "household_no", "town_code", "resident_kind", "sex", "birth_date",
                "address", "status", "move_out_planned_on", "removal_on")


def _valid_rows(tenant_id: str, on: date, *, window: bool) -> sa.Subquery:
    """Each person's valid history row at 午前0時 of ``on`` (highest 履歴番号 among the rows not
    cancelled with 異動日 before ``on``). Two equivalent plans: PostgreSQL streams a window
    aggregate; SQLite is faster with a grouped MAX joined back on the primary key."""
    known = sa.func.coalesce(h.event_on, h.processed_on)
    valid = sa.and_(h.tenant_id == tenant_id, h.cancelled.is_(False), sa.or_(known.is_(None), known < on))
    cols = [h[c] for c in _ROW_COLUMNS]
    if window:
        ranked = sa.select(*cols, sa.func.max(h.history_no).over(partition_by=h.addressee_no).label("hn"))
        w = ranked.where(valid).subquery("ranked")
        return sa.select(*[w.c[c] for c in _ROW_COLUMNS]).where(w.c.history_no == w.c.hn).subquery("valid_row")
    latest = (
        sa.select(h.addressee_no, sa.func.max(h.history_no).label("hn")).where(valid).group_by(h.addressee_no)
    ).subquery("latest")
    return (
        sa.select(*cols)
        .join(latest, sa.and_(h.addressee_no == latest.c.addressee_no, h.history_no == latest.c.hn))
        .where(h.tenant_id == tenant_id)
        .subquery("valid_row")
    )


def present_on(tenant_id: str, on: date, *, window: bool = False) -> sa.Select[Any]:
    """The persons present at 午前0時 of ``on`` with the attributes of their valid row, and 満年齢."""
    v = _valid_rows(tenant_id, on, window=window)
    b = v.c.birth_date
    later_in_year = sa.case(
        (sa.extract("month", b) * 100 + sa.extract("day", b) > on.month * 100 + on.day, 1), else_=0
    )
    age = sa.cast(on.year - sa.extract("year", b) - later_in_year, sa.Integer)
    pending_move_out = sa.and_(
        v.c.move_out_planned_on >= on, sa.or_(v.c.removal_on.is_(None), v.c.removal_on >= on)
    )
    return sa.select(
        v.c.addressee_no, v.c.household_no, sa.func.coalesce(v.c.town_code, "").label("town_code"),
        v.c.resident_kind, sa.func.coalesce(v.c.sex, "").label("sex"), age.label("age"), v.c.address,
    ).where(sa.or_(v.c.status == "resident", pending_move_out))


def _scratch() -> sa.Table:
    """A per-call temporary table for the present set (computed once, aggregated three times)."""
    return sa.Table(
        f"tmp_present_{uuid.uuid4().hex[:12]}", sa.MetaData(),
        sa.Column("addressee_no", sa.String(15)), sa.Column("household_no", sa.String(15)),
        sa.Column("town_code", sa.String(20)), sa.Column("resident_kind", sa.String(10)),
        sa.Column("sex", sa.String(1)), sa.Column("age", sa.Integer), sa.Column("address", sa.String(200)),
        prefixes=["TEMPORARY"],
    )


def population_as_of(uow: Any, on: date) -> Population:
    """Population and households present on ``on``: the present set is materialised once in a
    temporary table, then grouped three ways (no per-person work in Python)."""
    _require(uow)
    conn: sa.Connection = uow.conn
    p = _scratch()
    p.create(conn)
    try:
        present = present_on(uow.tenant_id, on, window=conn.dialect.name == "postgresql")
        conn.execute(p.insert().from_select([c.name for c in p.columns], present))
        if conn.dialect.name == "postgresql":  # temporary tables are never auto-analysed
            conn.exec_driver_sql(f'ANALYZE "{p.name}"')
        result = _aggregate(conn, p, on)
    finally:
        p.drop(conn)
    uow.audit(FUNCTION + ".population", "read", target_type="statistics", detail=f"on={on.isoformat()}")
    return result


def _aggregate(conn: sa.Connection, p: sa.Table, on: date) -> Population:
    rows: list[st.PopulationRow] = []
    spans: dict[str, tuple[str, str]] = {}  # town → (lowest, highest) address, folded over the groups
    q = sa.select(
        p.c.town_code, p.c.resident_kind, p.c.sex, p.c.age, sa.func.count().label("n"),
        sa.func.min(p.c.address).label("lo"), sa.func.max(p.c.address).label("hi"),
    ).group_by(p.c.town_code, p.c.resident_kind, p.c.sex, p.c.age)
    for r in conn.execute(q).all():
        rows.append(st.PopulationRow(r.town_code, r.resident_kind, r.sex, r.age, r.n))
        lo, hi = spans.get(r.town_code, (r.lo or "", r.hi or ""))
        spans[r.town_code] = (min(lo, r.lo or lo), max(hi, r.hi or hi))
    towns = {code: st.town_name(lo, hi) for code, (lo, hi) in spans.items()}
    jp = sa.func.max(sa.case((p.c.resident_kind == "japanese", 1), else_=0))
    fo = sa.func.max(sa.case((p.c.resident_kind == "foreign", 1), else_=0))
    hh = (
        sa.select(p.c.household_no, sa.func.min(p.c.town_code).label("town_code"), jp.label("j"), fo.label("f"))
        .group_by(p.c.household_no)
        .subquery("hh")
    )

    def n(cond: sa.ColumnElement[bool]) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)

    households = [
        st.HouseholdRow(r.town_code, int(r.jo), int(r.fo), int(r.mx))
        for r in conn.execute(
            sa.select(
                hh.c.town_code,
                n(sa.and_(hh.c.j == 1, hh.c.f == 0)).label("jo"),
                n(sa.and_(hh.c.j == 0, hh.c.f == 1)).label("fo"),
                n(sa.and_(hh.c.j == 1, hh.c.f == 1)).label("mx"),
            ).group_by(hh.c.town_code)
        ).all()
    ]
    return Population(on, rows, towns, households)


def movement_rows(uow: Any, start: date, end: date) -> list[st.MovementRow]:
    """住民票記載数・消除数 by 異動事由, kind and sex, 異動日 in [start, end] (a 転出 by its 転出予定年月日),
    cancelled rows excluded. Assumes one row per person per 異動 carries the 異動事由 code."""
    _require(uow)
    if end < start:
        raise ValidationFailed([FieldError("end", "集計期間の終了日は開始日以後の日付を指定してください")])
    # a 転出 takes effect on its 転出予定年月日 whichever date the row carries as 異動日
    effective = sa.case(
        (h.event_code.in_(st.MOVE_OUT_CODES), sa.func.coalesce(h.move_out_planned_on, h.event_on)), else_=h.event_on
    )
    q = (
        sa.select(h.event_code, h.resident_kind, h.sex, sa.func.count().label("n"))
        .where(
            h.tenant_id == uow.tenant_id, h.cancelled.is_(False), effective.between(start, end),
            h.event_code.in_(st.MOVEMENT_CODES),
        )
        .group_by(h.event_code, h.resident_kind, h.sex)
    )
    rows = [st.MovementRow(r.event_code, r.resident_kind, r.sex or "", r.n) for r in uow.conn.execute(q).all()]
    uow.audit(FUNCTION + ".movements", "read", target_type="statistics",
              detail=f"from={start.isoformat()} to={end.isoformat()}")
    return rows


def movements(uow: Any, start: date, end: date) -> dict[str, dict[str, int]]:
    return st.movement_table(movement_rows(uow, start, end))


def annual_report(uow: Any, year: int) -> AnnualReport:
    """住民基本台帳関係年報: 調査期日 ``year``年1月1日現在, 調査期間 前年1月1日〜12月31日."""
    period = (date(year - 1, 1, 1), date(year - 1, 12, 31))
    pop = population_as_of(uow, date(year, 1, 1))
    return AnnualReport(
        year=year, population=pop, period=period, movements=movements(uow, *period),
        household_totals=st.household_totals(pop.households),
    )


def population_csv(pop: Population, by: str) -> bytes:
    """CSV (UTF-8 BOM, Japanese header) of a population table: by town | band5 | band3 | sex."""
    if by == "town":
        header, body = st.population_table(st.by_town(pop.rows), "町字コード", labels=None)
        header.insert(1, "町字")
        body = [[r[0], pop.towns.get(str(r[0]), ""), *r[1:]] for r in body]
    elif by == "band5":
        header, body = st.population_table(st.by_band5(pop.rows), "年齢階級", order=st.BANDS5)
    elif by == "band3":
        header, body = st.population_table(st.by_band3(pop.rows), "年齢3区分", order=st.BANDS3)
    elif by == "sex":
        header, body = st.population_table({"計": st.totals(pop.rows)}, "区分")
    else:
        raise ValidationFailed([FieldError("by", "集計区分は town, band5, band3, sex のいずれかです")])
    header.insert(0, "基準日")
    return st.to_csv(header, [[pop.on.isoformat(), *r] for r in body])


def movements_csv(table: dict[str, dict[str, int]], start: date, end: date) -> bytes:
    """CSV of the 人口動態 table: one row per 住民種別 (日本人住民 / 外国人住民 / 総計)."""
    cols = list(table["total"])
    rows = [[start.isoformat(), end.isoformat(), st.KIND_JA[k], *(table[k][c] for c in cols)] for k in st.KIND_JA]
    return st.to_csv(["期間開始", "期間終了", "住民種別", *cols], rows)
