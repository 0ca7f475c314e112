"""住民検索 API (標準仕様書 2.1) over :func:`kikan.adapters.db.juki_search.search`.

The search audits itself (``juki.search``, without any 個人番号). Results mark 抑止 and
支援措置; for staff without ``juki.block.release`` a 支援措置 person's address is not shown.

``GET /search`` takes the conditions as query parameters, except the 個人番号: a query string
lands in proxy access logs and browser history, so a number search is ``POST /search`` with the
conditions in the JSON body (番号法第12条 安全管理措置), and a GET that carries one is refused.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_common import API_PREFIX, TAGS, JukiRoute, Today, open_uow
from kikan.adapters.api.routes.juki_queries import PROTECTED_TEXT, RELEASE
from kikan.adapters.db import juki_search
from kikan.core.errors import DomainError, FieldError, ValidationFailed
from kikan.juki.search import SearchHit, SearchPage, SearchQuery
from kikan.juki.services import build

READ = "juki.read"
Match = Literal["exact", "prefix", "partial"]
MAX_OFFSET = 1_000_000


class SearchParams(BaseModel):
    """検索条件（指定した条件をすべて満たす住民）。氏名・カナは旧氏・通称・過去の氏名も検索します。
    個人番号での検索は POST /api/v1/juki/search（条件を本文に指定）で行います。"""

    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(
        default=None, title="氏名", description="漢字又はアルファベット", examples=["青木"]
    )
    name_match: Match = Field(
        default="prefix", title="氏名の一致方法", description="exact 完全 / prefix 前方 / partial 部分"
    )
    given_name_only: bool = Field(default=False, title="名のみ", description="名だけで検索する")
    kana: str | None = Field(
        default=None, title="カナ", description="清濁・長音・拗促音の違いは無視", examples=["アオキ"]
    )
    kana_match: Match = Field(default="prefix", title="カナの一致方法")
    former_family_name: str | None = Field(default=None, title="旧氏")
    tsusho: str | None = Field(default=None, title="通称")
    birth_date: str | None = Field(default=None, title="生年月日", description="和暦・西暦、年や年月だけも可",
                                   examples=["昭和60年6月15日"])  # fmt: skip
    sex: str | None = Field(default=None, title="性別", description="1 男 / 2 女")
    relationship: str | None = Field(default=None, title="続柄")
    address: str | None = Field(default=None, title="住所", description="過去の住所も検索します")
    address_match: Literal["prefix", "partial"] = Field(default="partial", title="住所の一致方法")
    town_code: str | None = Field(default=None, title="町字コード")
    address_code: str | None = Field(default=None, title="住所コード")
    katagaki: str | None = Field(default=None, title="方書")
    addressee_no: str | None = Field(default=None, title="宛名番号")
    household_no: str | None = Field(default=None, title="世帯番号")
    removal_reason: str | None = Field(default=None, title="消除事由", examples=["国内転出"])
    juminhyo_code: str | None = Field(default=None, title="住民票コード")
    residence_card_no: str | None = Field(default=None, title="在留カード等の番号")
    include_removed: bool = Field(default=False, title="消除者を含める")
    include_history: bool = Field(default=True, title="過去の氏名・住所も検索する")
    limit: int = Field(default=50, ge=1, le=500, title="表示件数")
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, title="開始位置")


class SearchBody(SearchParams):
    """検索条件（本文）。GET と同じ条件に加えて個人番号を指定できます（URLに個人番号を残さないため）。"""

    model_config = ConfigDict(extra="forbid")

    individual_number: str | None = Field(
        default=None, title="個人番号", description="12桁。応答にもアクセスログにも記録されません"
    )


LABELS = {name: info.title or name for name, info in SearchBody.model_fields.items()}

#: Query parameter names that would carry a 個人番号 in the URL (refused on GET).
NUMBER_PARAMS = frozenset({"individual_number", "my_number", "mynumber"})
NUMBER_IN_QUERY = (
    "個人番号はURL（クエリパラメータ）に指定できません。"
    "POST /api/v1/juki/search で、条件をJSONの本文（individual_number）に指定してください"
)


class NumberInQuery(DomainError):
    """A 個人番号 in a query string: refused before anything runs (it would be logged with the URL)."""

    status = 400
    code = "individual_number_in_query"

    def __init__(self, message: str = NUMBER_IN_QUERY) -> None:
        super().__init__(message, field="個人番号")


def number_in_query(names: Any) -> bool:
    return any(str(n).lower() in NUMBER_PARAMS for n in names)


def query_of(params: dict[str, Any]) -> SearchQuery:
    """Conditions → :class:`SearchQuery`; empty values are left out, errors name the Japanese field."""
    data = {k: v for k, v in params.items() if k in SearchQuery.model_fields and v not in (None, "")}
    try:
        return build(SearchQuery, data)
    except ValidationFailed as exc:
        raise ValidationFailed(
            [FieldError(LABELS.get(e.field, e.field), e.message) for e in exc.errors]
        ) from None


def run_search(uow: Any, params: dict[str, Any], *, today: date, limit: int, offset: int) -> SearchPage:
    page = juki_search.search(uow, query_of(params), today=today, limit=limit, offset=offset)
    if not uow.actor.can(RELEASE):
        page.items = [_masked(x) if x.protected else x for x in page.items]
    return page


def _masked(hit: SearchHit) -> SearchHit:
    return hit.model_copy(update={"address": PROTECTED_TEXT if hit.address else None, "katagaki": None})


def router() -> APIRouter:
    r = APIRouter(prefix=API_PREFIX, tags=TAGS, route_class=JukiRoute)

    @r.get("/search", response_model=SearchPage, summary="住民検索")
    def search(
        request: Request,
        params: Annotated[SearchParams, Query()],
        p: Annotated[Principal, Depends(Requires(READ))],
        today: Today,
    ) -> SearchPage:
        """住民を検索します（氏名・カナのあいまい検索、異体字、和暦の生年月日、過去の氏名・住所）。
        結果は現在の状態で、抑止・支援措置の対象者には marks が付きます。
        個人番号（individual_number / my_number）をクエリに指定すると 400 になります: POST を使ってください。"""
        if number_in_query(request.query_params.keys()):
            raise NumberInQuery()
        return _search(request, p, params, today)

    @r.post("/search", response_model=SearchPage, summary="住民検索（条件を本文で指定、個人番号を含む）")
    def search_by_body(
        request: Request,
        body: SearchBody,
        p: Annotated[Principal, Depends(Requires(READ))],
        today: Today,
    ) -> SearchPage:
        """GET と同じ検索を、条件を本文（JSON）で受けて行います。個人番号で検索するときはこちらを使います
        （URLはアクセスログやブラウザの履歴に残るため）。検索しても状態は変わりません。"""
        if number_in_query(request.query_params.keys()):
            raise NumberInQuery()
        return _search(request, p, body, today)

    return r


def _search(request: Request, p: Principal, params: SearchParams, today: date) -> SearchPage:
    with open_uow(request, p) as uow:
        page = run_search(uow, params.model_dump(), today=today, limit=params.limit, offset=params.offset)
        uow.commit()
    return page
