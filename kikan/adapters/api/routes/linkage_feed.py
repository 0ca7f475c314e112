"""The published datasets over HTTP: catalogue, JSON Schemas, change feed, snapshots, CSV files.

Routes are generated per dataset (``/api/v1/linkage/juki.residents/changes`` …) so that each one's
record model appears in the OpenAPI document, built from the same definitions as the JSON Schema
served at ``/api/v1/linkage/datasets/{name}/schema``.
"""

# no ``from __future__ import annotations``: the routes are built in functions and FastAPI must
# see their dependency annotations as objects, not strings naming local variables.
import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, create_model

from kikan.adapters.api.deps import app_db
from kikan.adapters.api.routes.linkage_auth import TAGS, RequiresClient
from kikan.adapters.db import linkage_delivery as delivery
from kikan.adapters.db import linkage_exchange as xlog
from kikan.adapters.db.linkage_delivery import Caller
from kikan.adapters.db.linkage_export import Export
from kikan.adapters.db.linkage_feed import MAX_LIMIT, Page
from kikan.core.errors import NotFound
from kikan.linkage import datasets
from kikan.linkage.datasets import Dataset, FieldDef
from kikan.linkage.errors import InvalidParameter

_PY = {"string": str, "date": date, "datetime": datetime, "boolean": bool, "integer": int}
Limit = Annotated[
    int,
    Query(
        description=f"1ページの件数（1〜{MAX_LIMIT}）", json_schema_extra={"minimum": 1, "maximum": MAX_LIMIT}
    ),
]


def _model(name: str, fields: tuple[FieldDef, ...]) -> type[BaseModel]:
    spec: dict[str, Any] = {}
    for f in fields:
        t: Any
        if f.type == "array":
            t = list[_model(f"{name}_{f.name}", f.items)] if f.items else list[str]  # type: ignore[misc]
        elif f.type == "object":
            t = dict[str, Any]
        else:
            t = _PY[f.type]
        kw: dict[str, Any] = {"title": f.ja, "description": f.description or None}
        if f.type == "string" and f.length:
            kw["max_length"] = f.length
        spec[f.name] = (t | None, Field(None, **kw)) if f.nullable else (t, Field(..., **kw))
    return create_model(name, **spec)


def _page_model(ds: Dataset) -> type[BaseModel]:
    base = "".join(p.capitalize() for p in ds.name.split(".")) + f"V{ds.version}"
    record = _model(base, ds.fields)
    item = create_model(
        f"{base}Item",
        id=(str, Field(description="レコードの一意なID（冪等な取込みのキー）")),
        seq=(int | None, Field(None, description="イベントの通番（コミット順）")),
        event_id=(str | None, None),
        event_type=(str | None, None),
        occurred_on=(str | None, Field(None, description="異動日")),
        recorded_at=(str | None, None),
        data=(record, ...),
    )
    return create_model(
        f"{base}Page",
        dataset=(str, ...),
        version=(int, ...),
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(str, Field(description="次回の after（スナップショットでは cursor）に指定する値")),
        has_more=(bool, ...),
        changes_cursor=(
            str | None,
            Field(None, description="スナップショット取得後、変更分をこの値から取得する"),
        ),
    )


def _json(ds: Dataset, page: Page) -> Response:
    body: dict[str, Any] = {
        "dataset": ds.name, "version": ds.version, "items": page.items, "next_cursor": page.next_cursor,
        "has_more": page.has_more,
    }  # fmt: skip
    if page.changes_cursor is not None:
        body["changes_cursor"] = page.changes_cursor
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(content=content, media_type="application/json")


def _add_dataset_routes(router: APIRouter, ds: Dataset) -> None:
    page_model = _page_model(ds)
    caller_dep = Depends(RequiresClient(ds.name))

    def changes(
        request: Request, caller: Annotated[Caller, caller_dep], after: str | None = None, limit: Limit = 100
    ) -> Response:
        return _json(ds, delivery.serve_changes(app_db(request), caller, ds, after, limit))

    def snapshot(
        request: Request, caller: Annotated[Caller, caller_dep], cursor: str | None = None, limit: Limit = 100
    ) -> Response:
        return _json(ds, delivery.serve_snapshot(app_db(request), caller, ds, cursor, limit))

    def export(
        request: Request,
        caller: Annotated[Caller, caller_dep],
        mode: Literal["whole", "changes"] | None = None,
        after: str | None = None,
        encoding: Literal["utf-8", "utf-8-sig", "cp932"] = "utf-8",
        header: Literal["name", "ja", "none"] = "name",
    ) -> StreamingResponse:
        whole = (mode or ("changes" if after else "whole")) == "whole"
        if whole and after:
            raise InvalidParameter("after: 差分（mode=changes）のときだけ指定できます", field="after")
        exp = Export(app_db(request), caller, ds, after=None if whole else after, whole=whole, encoding=encoding,
                     header=header)  # fmt: skip
        headers = {
            "X-Kikan-Next-Cursor": exp.next_cursor, "X-Kikan-Exchange-Id": exp.exchange_id,
            "Content-Disposition": f'attachment; filename="{exp.filename}"',
        }  # fmt: skip
        return StreamingResponse(exp.chunks(), media_type=exp.media_type, headers=headers)

    def substitutions(
        request: Request, caller: Annotated[Caller, caller_dep], exchange_id: str
    ) -> list[dict]:
        with app_db(request).uow(caller.ctx) as uow:
            mine = [e for e in xlog.entries(uow.conn, uow.tenant_id, exchange_id)
                    if e.entry.dataset == ds.name and (e.entry.client_id == caller.client_id or caller.kind == "staff")]  # fmt: skip
            if not mine:
                raise NotFound("指定された連携記録（exchange_id）はありません", field="exchange_id")
            rows = xlog.substitutions(uow.conn, uow.tenant_id, exchange_id)
            uow.audit("linkage.substitutions", "read", target_type="exchange", target_id=exchange_id,
                      detail=f"client={caller.client_id} n={len(rows)}")  # fmt: skip
            uow.commit()
        keep = (
            "line",
            "record_key",
            "column_name",
            "position",
            "original",
            "code_points",
            "replacement",
            "method",
        )
        return [{k: r[k] for k in keep} for r in rows]

    base = f"/{ds.name}"
    router.add_api_route(
        f"{base}/changes", changes, methods=["GET"], response_model=page_model, name=f"{ds.name}.changes",
        summary=f"{ds.title}: 変更分（カーソル以降、コミット順）",
        description=f"レコードは {ds.schema_url} の JSON Schema に従う。意味: {ds.semantics}。{ds.description}",
    )  # fmt: skip
    router.add_api_route(
        f"{base}/snapshot", snapshot, methods=["GET"], response_model=page_model, name=f"{ds.name}.snapshot",
        summary=f"{ds.title}: 全件（ページ単位）",
        description="最初のページの取得時点（as_of）の全件。最後に changes_cursor から変更分を取得する。",
    )  # fmt: skip
    router.add_api_route(
        f"{base}/export", export, methods=["GET"], response_class=StreamingResponse, name=f"{ds.name}.export",
        summary=f"{ds.title}: CSVファイル（全件または差分）",
        description="レイアウトは docs/linkage.md。X-Kikan-Next-Cursor が次回の差分の after。",
        responses={200: {"content": {"text/csv": {}}, "description": "CSV (streamed)"}},
    )  # fmt: skip
    router.add_api_route(
        f"{base}/exports/{{exchange_id}}/substitutions", substitutions, methods=["GET"],
        name=f"{ds.name}.substitutions", summary=f"{ds.title}: CP932 出力で縮退した文字の一覧",
    )  # fmt: skip


class DatasetItem(BaseModel):
    name: str
    ja: str
    type: str
    length: int | None


class DatasetOut(BaseModel):
    name: str = Field(examples=["juki.residents"])
    version: int
    title: str
    description: str
    owner: str
    permission: str = Field(description="閲覧（職員）と利用許可（クライアントへの付与）に必要な権限")
    source: str
    key: list[str]
    semantics: str = Field(description="history | event | state")
    schema_url: str
    items: list[DatasetItem]
    csv_columns: list[str]


def router() -> APIRouter:
    r = APIRouter(prefix="/api/v1/linkage", tags=TAGS)
    any_caller = Depends(RequiresClient(None))

    @r.get("/datasets", response_model=list[DatasetOut], summary="公開データセットの一覧")
    def list_datasets(caller: Annotated[Caller, any_caller]) -> list[dict]:
        return [datasets.describe(d) for d in datasets.REGISTRY.values()]

    @r.get("/datasets/{name}/schema", summary="データセットのレコードの JSON Schema")
    def schema(name: str, caller: Annotated[Caller, any_caller]) -> Response:
        ds = datasets.get(name)
        if ds is None:
            raise NotFound(f"データセット {name} はありません", field="name")
        content = json.dumps(datasets.json_schema(ds), ensure_ascii=False, indent=1)
        return Response(content=content, media_type="application/schema+json")

    for ds in datasets.REGISTRY.values():
        _add_dataset_routes(r, ds)
    return r
