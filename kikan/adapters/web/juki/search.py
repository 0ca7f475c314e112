"""住民検索 screen (標準仕様書 2.1): all main conditions, results with 住民状態 and marks, paging.

The search runs only when the form was submitted (``searched=1``); it is audited by the search
itself. 抑止 / 支援措置 persons carry a visible mark (3.1: 検索結果で抑止対象であることが明らか).

The 個人番号 never travels in the URL (access logs, browser history): it has its own form, sent
by POST, whose answer shows the results without echoing the number; a GET that carries one is
refused (400) without running the search.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_common import Today, open_uow
from kikan.adapters.api.routes.juki_search_api import NumberInQuery, SearchBody, number_in_query, run_search
from kikan.adapters.web.juki.common import posted_form
from kikan.adapters.web.juki.render import errors_of, page
from kikan.core.errors import DomainError, FieldError, ValidationFailed
from kikan.juki.search import MATCHED_ON_LABELS, SearchPage

Reader = Annotated[Principal, Depends(Requires("juki.read"))]
Form = Annotated[FormData, Depends(posted_form)]
PAGE_SIZE = 20
MAX_OFFSET = 100_000
TEXT_FIELDS = ("name", "kana", "birth_date", "sex", "relationship", "address", "katagaki", "addressee_no",
               "household_no", "removal_reason", "juminhyo_code", "residence_card_no",
               "former_family_name", "tsusho", "name_match", "kana_match", "town_code")  # fmt: skip
FLAGS = ("include_removed", "include_history", "given_name_only")
NUMBER_IN_URL = "個人番号はURLに含めず、「個人番号で検索」の欄から検索してください"


def _params(request: Request) -> dict[str, Any]:
    q = request.query_params
    out: dict[str, Any] = {k: q.get(k, "").strip() for k in TEXT_FIELDS}
    out.update({k: q.get(k) == "1" for k in FLAGS})
    if "searched" not in q:
        out["include_history"] = True
    return out


def _render(request: Request, p: Principal, values: dict[str, Any], result: SearchPage | None,
            errors: list[FieldError], status: int, *, paged: bool) -> Response:  # fmt: skip
    targets = {info.title: "s-" + name for name, info in SearchBody.model_fields.items() if info.title}
    targets["個人番号"] = "n-individual_number"
    base = request.url.include_query_params(offset=0) if paged else None
    ctx = {"title": "住民検索", "nav": "search", "v": values, "result": result, "errors": errors,
           "targets": targets, "page_size": PAGE_SIZE, "matched_on": MATCHED_ON_LABELS, "base_url": base}  # fmt: skip
    return page(request, "search.html", ctx, p, status=status)


def router() -> APIRouter:
    r = APIRouter(prefix="/juki", include_in_schema=False)

    @r.get("")
    def search_page(request: Request, p: Reader, today: Today, offset: int = 0) -> Response:
        values = _params(request)
        result: SearchPage | None = None
        errors: list[FieldError] = []
        status = 200
        if number_in_query(k for k, v in request.query_params.items() if v.strip()):
            exc = NumberInQuery(NUMBER_IN_URL)
            return _render(request, p, values, None, errors_of(exc), exc.status, paged=False)
        if request.query_params.get("searched") == "1":
            try:
                with open_uow(request, p) as uow:
                    result = run_search(uow, values, today=today, limit=PAGE_SIZE,
                                        offset=min(max(0, offset), MAX_OFFSET))  # fmt: skip
                    uow.commit()
            except DomainError as exc:
                errors, status = errors_of(exc), exc.status
        return _render(request, p, values, result, errors, status, paged=True)

    @r.post("")
    def search_by_number(request: Request, p: Reader, today: Today, form: Form) -> Response:
        """個人番号で検索 (POST: the number stays out of the URL; the page does not echo it)."""
        number = str(form.get("individual_number") or "").strip()
        values: dict[str, Any] = {k: "" for k in TEXT_FIELDS}
        values.update({"include_removed": form.get("include_removed") == "1", "include_history": True,
                       "given_name_only": False, "number_searched": True})  # fmt: skip
        result: SearchPage | None = None
        errors: list[FieldError] = []
        status = 200
        try:
            if not number:
                raise ValidationFailed([FieldError("個人番号", "個人番号を入力してください")])
            with open_uow(request, p) as uow:
                result = run_search(uow, {"individual_number": number, "include_removed": values["include_removed"]},
                                    today=today, limit=PAGE_SIZE, offset=0)  # fmt: skip
                uow.commit()
        except DomainError as exc:
            errors, status = errors_of(exc), exc.status
        return _render(request, p, values, result, errors, status, paged=False)

    return r
