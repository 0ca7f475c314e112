"""住民検索 screen (標準仕様書 2.1): all main conditions, results with 住民状態 and marks, paging.

The search runs only when the form was submitted (``searched=1``); it is audited by the search
itself. 抑止 / 支援措置 persons carry a visible mark (3.1: 検索結果で抑止対象であることが明らか).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_common import Today, open_uow
from kikan.adapters.api.routes.juki_search_api import SearchParams, run_search
from kikan.adapters.web.juki.render import errors_of, page
from kikan.core.errors import DomainError, FieldError
from kikan.juki.search import MATCHED_ON_LABELS, SearchPage

Reader = Annotated[Principal, Depends(Requires("juki.read"))]
PAGE_SIZE = 20
TEXT_FIELDS = ("name", "kana", "birth_date", "sex", "relationship", "address", "katagaki", "addressee_no",
               "household_no", "removal_reason", "individual_number", "juminhyo_code", "residence_card_no",
               "former_family_name", "tsusho", "name_match", "kana_match", "town_code")  # fmt: skip
FLAGS = ("include_removed", "include_history", "given_name_only")


def _params(request: Request) -> dict[str, Any]:
    q = request.query_params
    out: dict[str, Any] = {k: q.get(k, "").strip() for k in TEXT_FIELDS}
    out.update({k: q.get(k) == "1" for k in FLAGS})
    if "searched" not in q:
        out["include_history"] = True
    return out


def router() -> APIRouter:
    r = APIRouter(prefix="/juki", include_in_schema=False)

    @r.get("")
    def search_page(request: Request, p: Reader, today: Today, offset: int = 0) -> Response:
        values = _params(request)
        result: SearchPage | None = None
        errors: list[FieldError] = []
        status = 200
        if request.query_params.get("searched") == "1":
            try:
                with open_uow(request, p) as uow:
                    result = run_search(uow, values, today=today, limit=PAGE_SIZE, offset=max(0, offset))
                    uow.commit()
            except DomainError as exc:
                errors, status = errors_of(exc), exc.status
        targets = {info.title: "s-" + name for name, info in SearchParams.model_fields.items() if info.title}
        base = request.url.include_query_params(offset=0)
        ctx = {"title": "住民検索", "nav": "search", "v": values, "result": result, "errors": errors,
               "targets": targets, "page_size": PAGE_SIZE, "matched_on": MATCHED_ON_LABELS, "base_url": base}  # fmt: skip
        return page(request, "search.html", ctx, p, status=status)

    return r
