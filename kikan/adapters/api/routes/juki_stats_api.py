"""統計 API (標準仕様書 6.1; 住民基本台帳関係年報): population as of a date and movements, JSON or CSV.

"D現在" is 午前0時 of D (see :mod:`kikan.juki.statistics`). The queries group in SQL and audit
themselves (``juki.stats.*``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_common import API_PREFIX, TAGS, JukiRoute, Today, open_uow
from kikan.adapters.db import juki_stats
from kikan.core.errors import FieldError, ValidationFailed
from kikan.juki import statistics as st

STATS = "juki.stats"
By = Literal["town", "band5", "band3", "sex"]
Stats = Annotated[Principal, Depends(Requires(STATS))]
OnQ = Annotated[date | None, Query(description="基準日（省略時は処理日）。その日の午前0時現在")]
ByQ = Annotated[By, Query(description="town 町字別 / band5 年齢5歳階級 / band3 年齢3区分 / sex 男女別")]
BY_LABELS = {"town": "町字別", "band5": "年齢5歳階級別", "band3": "年齢3区分別", "sex": "男女別"}


class TableOut(BaseModel):
    on: date = Field(description="基準日（午前0時現在）")
    by: str = Field(description="集計区分")
    header: list[str] = Field(description="列見出し")
    rows: list[list[Any]] = Field(description="行")
    households: dict[str, int] = Field(
        description="世帯数（total 総数 / japanese / foreign / mixed 複数国籍世帯）"
    )


class MovementsOut(BaseModel):
    start: date
    end: date
    table: dict[str, dict[str, int]] = Field(description="住民種別（japanese / foreign / total）→ 列 → 人数")


def population_table(pop: juki_stats.Population, by: str) -> tuple[list[str], list[list[Any]]]:
    """The table of :func:`juki_stats.population_csv` as rows (header in Japanese)."""
    if by == "town":
        header, body = st.population_table(st.by_town(pop.rows), "町字コード")
        header.insert(1, "町字")
        return header, [[r[0], pop.towns.get(str(r[0]), ""), *r[1:]] for r in body]
    if by == "band5":
        return st.population_table(st.by_band5(pop.rows), "年齢階級", order=st.BANDS5)
    if by == "band3":
        return st.population_table(st.by_band3(pop.rows), "年齢3区分", order=st.BANDS3)
    if by == "sex":
        return st.population_table({"計": st.totals(pop.rows)}, "区分")
    raise ValidationFailed([FieldError("集計区分", "集計区分は town, band5, band3, sex のいずれかです")])


def population(request: Request, p: Principal, on: date) -> juki_stats.Population:
    with open_uow(request, p) as uow:
        pop = juki_stats.population_as_of(uow, on)
        uow.commit()
    return pop


def movement_table(request: Request, p: Principal, start: date, end: date) -> dict[str, dict[str, int]]:
    with open_uow(request, p) as uow:
        table = juki_stats.movements(uow, start, end)
        uow.commit()
    return table


def csv_response(data: bytes, name: str) -> Response:
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


def router() -> APIRouter:
    r = APIRouter(prefix=API_PREFIX + "/stats", tags=TAGS, route_class=JukiRoute)

    @r.get("/population", response_model=TableOut, summary="人口（基準日現在）")
    def get_population(
        request: Request, p: Stats, today: Today, on: OnQ = None, by: ByQ = "town"
    ) -> TableOut:
        pop = population(request, p, on or today)
        header, rows = population_table(pop, by)
        return TableOut(
            on=pop.on, by=by, header=header, rows=rows, households=st.household_totals(pop.households)
        )

    @r.get("/population.csv", response_class=Response, summary="人口（CSV）",
           responses={200: {"content": {"text/csv": {}}}})  # fmt: skip
    def get_population_csv(
        request: Request, p: Stats, today: Today, on: OnQ = None, by: ByQ = "town"
    ) -> Response:
        pop = population(request, p, on or today)
        return csv_response(juki_stats.population_csv(pop, by), f"population_{by}_{pop.on.isoformat()}.csv")

    @r.get("/movements", response_model=MovementsOut, summary="人口動態（記載数・消除数）")
    def get_movements(request: Request, p: Stats, start: date, end: date) -> MovementsOut:
        return MovementsOut(start=start, end=end, table=movement_table(request, p, start, end))

    @r.get("/movements.csv", response_class=Response, summary="人口動態（CSV）",
           responses={200: {"content": {"text/csv": {}}}})  # fmt: skip
    def get_movements_csv(request: Request, p: Stats, start: date, end: date) -> Response:
        data = juki_stats.movements_csv(movement_table(request, p, start, end), start, end)
        return csv_response(data, f"movements_{start.isoformat()}_{end.isoformat()}.csv")

    @r.get("/annual", summary="住民基本台帳関係年報の数値")
    def get_annual(
        request: Request, p: Stats, year: Annotated[int, Query(ge=1900, le=2200)]
    ) -> dict[str, Any]:
        """調査期日 year年1月1日現在の人口・世帯数と、前年1年間の人口動態。"""
        with open_uow(request, p) as uow:
            rep = juki_stats.annual_report(uow, year)
            uow.commit()
        header, rows = population_table(rep.population, "sex")
        return {
            "year": rep.year,
            "on": rep.population.on,
            "period": list(rep.period),
            "population": {"header": header, "rows": rows},
            "households": rep.household_totals,
            "movements": rep.movements,
        }

    return r
