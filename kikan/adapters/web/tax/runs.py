"""処理の一覧: the assessment runs (当初課税・試算) with their status and progress (chunks done)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kikan.adapters.web.tax import queries
from kikan.adapters.web.tax.common import Reader, open_uow, page


def router() -> APIRouter:
    r = APIRouter(prefix="/tax", include_in_schema=False)

    def _runs(request: Request, p: Reader) -> list[dict]:  # type: ignore[type-arg]
        with open_uow(request, p) as uow:
            return queries.runs(uow.conn, uow.tenant_id)

    @r.get("/runs")
    def runs_page(request: Request, p: Reader) -> Response:
        rows = _runs(request, p)
        return page(request, "runs.html", {"title": "処理の一覧", "nav": "runs", "runs": rows}, p)

    @r.get("/runs/table")
    def runs_table(request: Request, p: Reader) -> Response:
        """The table alone (htmx refreshes it every few seconds while a run is in progress)."""
        return page(request, "_runs_table.html", {"runs": _runs(request, p)}, p)

    return r
