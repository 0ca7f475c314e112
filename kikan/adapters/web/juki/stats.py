"""統計 screen (標準仕様書 6.1): population as of a date by 町字 / age / sex, movements of a period, CSV."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_common import Today
from kikan.adapters.api.routes.juki_stats_api import (
    BY_LABELS,
    csv_response,
    movement_table,
    population,
    population_table,
)
from kikan.adapters.db import juki_stats
from kikan.adapters.web.juki.render import errors_of, page
from kikan.core.errors import DomainError, FieldError
from kikan.juki import statistics as st
from kikan.juki.model import parse_iso_date

STATS = "juki.stats"
Stats = Annotated[Principal, Depends(Requires(STATS))]


def _day(raw: str, default: date, label: str, errors: list[FieldError]) -> date:
    if not raw:
        return default
    try:
        return parse_iso_date(raw)
    except ValueError as exc:
        errors.append(FieldError(label, str(exc)))
        return default


def router() -> APIRouter:
    r = APIRouter(prefix="/juki/stats", include_in_schema=False)

    @r.get("")
    def stats_page(request: Request, p: Stats, today: Today, on: str = "", by: str = "town",
                   start: str = "", end: str = "") -> Response:  # fmt: skip
        errors: list[FieldError] = []
        by = by if by in BY_LABELS else "town"
        on_d = _day(on, today, "基準日", errors)
        first = date(today.year - 1, 1, 1)
        start_d = _day(start, first, "集計期間（開始）", errors)
        end_d = _day(end, date(today.year, 1, 1) - timedelta(days=1), "集計期間（終了）", errors)
        header: list[str] = []
        rows: list[list[object]] = []
        households: dict[str, int] = {}
        movements: dict[str, dict[str, int]] = {}
        if not errors:
            try:
                pop = population(request, p, on_d)
                header, rows = population_table(pop, by)
                households = st.household_totals(pop.households)
                movements = movement_table(request, p, start_d, end_d)
            except DomainError as exc:
                errors = errors_of(exc)
        ctx = {
            "title": "住民記録の統計", "nav": "stats", "on": on_d, "by": by, "by_labels": BY_LABELS, "header": header,
            "rows": rows, "households": households, "movements": movements, "start": start_d, "end": end_d,
            "kinds": st.KIND_JA, "errors": errors,
        }  # fmt: skip
        return page(request, "stats.html", ctx, p, status=422 if errors else 200)

    @r.get("/population.csv")
    def population_csv(request: Request, p: Stats, today: Today, on: str = "", by: str = "town") -> Response:
        errors: list[FieldError] = []
        on_d = _day(on, today, "基準日", errors)
        pop = population(request, p, on_d)
        by = by if by in BY_LABELS else "town"
        return csv_response(juki_stats.population_csv(pop, by), f"population_{by}_{on_d.isoformat()}.csv")

    @r.get("/movements.csv")
    def movements_csv(request: Request, p: Stats, today: Today, start: str = "", end: str = "") -> Response:
        errors: list[FieldError] = []
        start_d = _day(start, date(today.year - 1, 1, 1), "集計期間（開始）", errors)
        end_d = _day(end, date(today.year - 1, 12, 31), "集計期間（終了）", errors)
        data = juki_stats.movements_csv(movement_table(request, p, start_d, end_d), start_d, end_d)
        return csv_response(data, f"movements_{start_d.isoformat()}_{end_d.isoformat()}.csv")

    return r
