"""共通機能: 団体内統合宛名 / 住登外者宛名番号管理 (``/api/v1/addressee``) and EUC (``/api/v1/euc``).

``kikan.adapters.api.app`` calls :func:`routers` (API + the staff screens under ``/addressee`` and
``/euc``). Errors answer by HTTP status in the spirit of the 付番API仕様: 422 a field is wrong
(named in Japanese), 404 not registered, 409 duplicate / stale version, 413 export too large.
Permissions: the constants below (to be replaced by ``addressee.read`` / ``addressee.write`` /
``euc.run`` / ``euc.define`` once granted).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.db import addressee_sync
from kikan.addressee import commands, schemas, services
from kikan.core.temporal import SystemClock
from kikan.core.tenancy import Actor, TenantContext
from kikan.euc import schemas as ES
from kikan.euc import services as euc
from kikan.euc.fields import ALLOWED, FIELDS, SOURCES
from kikan.euc.spec import parse_spec

READ, WRITE = "addressee.read", "addressee.write"
EUC_RUN, EUC_DEFINE = "euc.run", "euc.define"
SYNC_ACTOR = "system:addressee-sync"
CATCH_UP_BATCHES = 4
Reader = Annotated[Principal, Depends(Requires(READ))]
Writer = Annotated[Principal, Depends(Requires(WRITE))]
EucRunner = Annotated[Principal, Depends(Requires(EUC_RUN))]
EucDefiner = Annotated[Principal, Depends(Requires(EUC_DEFINE))]
INT32_MAX = 2**31 - 1  # the columns are 32-bit integers: beyond, 422 rather than a database error
DefinitionId = Annotated[int, Path(ge=1, le=INT32_MAX, description="定義番号")]
MaxRows = Annotated[int, Query(ge=1, le=euc.EXPORT_MAX_ROWS, description="最大件数（超えると413）")]


def addressee_today() -> Any:
    """処理日 (JST); overridden in tests through ``dependency_overrides``."""
    return SystemClock().today()


Today = Annotated[Any, Depends(addressee_today)]


class AddresseeRoute(APIRoute):
    """A body that fails pydantic validation is re-validated with :func:`commands.build`, so the 422
    names the field in Japanese (「生年月日: 2024-02-30 は存在しない日付です」)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        ann = getattr(getattr(self.body_field, "field_info", None), "annotation", None)
        model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
        if model is None:
            return handler

        async def translated(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                try:
                    data = json.loads(await request.body() or b"null")
                except ValueError:
                    raise exc from None
                commands.build(model, data)
                raise exc from None

        return translated


def catch_up(request: Request, p: Principal) -> None:
    """Apply the registry's pending events first, so a resident recorded a moment ago is found."""
    ctx = TenantContext(p.tenant_id, Actor(SYNC_ACTOR, kind="system", request_id=p.request_id))
    addressee_sync.catch_up(app_db(request), ctx, max_batches=CATCH_UP_BATCHES, wait=False)


def addressee_router() -> APIRouter:
    r = APIRouter(prefix="/api/v1/addressee", tags=["addressee"], route_class=AddresseeRoute)

    @r.post("/inquiry", response_model=schemas.InquiryOut, summary="照会（住登外者・住民・法人の候補）")
    def inquiry(request: Request, body: commands.Inquiry, p: Reader, today: Today) -> schemas.InquiryOut:
        """付番の前に必ず照会する。氏名・フリガナ・生年月日・住所（法人は法人番号・名称）で候補を返す。"""
        catch_up(request, p)
        with app_db(request).uow(p.ctx) as uow:
            result = services.inquire(body, uow, today=today)
            uow.commit()
        return schemas.inquiry_out(result)

    @r.post("/numbers", response_model=schemas.NumberingOut, status_code=201, summary="付番",
            responses={200: {"description": "既存の番号を回答（同一人が登録済み）", "model": schemas.NumberingOut},
                       409: {"description": "同一人と思われる宛名が複数"}})  # fmt: skip
    def number(request: Request, response: Response, body: commands.NumberRequest, p: Writer,
               today: Today) -> schemas.NumberingOut:  # fmt: skip
        """住登外者宛名番号と団体内統合宛名番号を付番する。完全一致する宛名があれば新たに付番せず既存の番号を回答する。"""
        catch_up(request, p)
        with app_db(request).uow(p.ctx) as uow:
            result = services.number(body, uow, today=today)
            uow.commit()
        if result.status == "existing":
            response.status_code = 200
        return schemas.numbering_out(result)

    @r.post("/links", response_model=schemas.AddresseeOut, summary="業務の宛名番号の紐付け")
    def link(request: Request, body: commands.LinkRequest, p: Writer, today: Today) -> schemas.AddresseeOut:
        with app_db(request).uow(p.ctx) as uow:
            view = services.link(body, uow, today=today)
            uow.commit()
        return schemas.addressee_out(view)

    @r.post("/sync", summary="住民記録の異動の取込み（未反映分）")
    def sync(request: Request, p: Writer) -> dict[str, Any]:
        ctx = TenantContext(p.tenant_id, Actor(SYNC_ACTOR, kind="system", request_id=p.request_id))
        res = addressee_sync.catch_up(app_db(request), ctx, max_batches=100)
        return {"events": res.events, "created": res.created, "updated": res.updated, "last_seq": res.last_seq,
                "more": res.more, "skipped": res.skipped}  # fmt: skip

    @r.get(
        "/by-business/{business}/{business_no}",
        response_model=schemas.AddresseeOut,
        summary="業務の宛名番号で照会",
    )
    def by_business(request: Request, business: str, business_no: str, p: Reader,
                    history: bool = False) -> schemas.AddresseeOut:  # fmt: skip
        """business: juki（住民記録の宛名番号）, non_resident（住登外者宛名番号）, または各業務。"""
        with app_db(request).uow(p.ctx) as uow:
            view = services.get_by_business(uow, business, business_no, history=history)
            uow.commit()
        return schemas.addressee_out(view)

    @r.get("/{integrated_no}", response_model=schemas.AddresseeOut, summary="団体内統合宛名番号で照会")
    def get(request: Request, integrated_no: str, p: Reader, history: bool = False) -> schemas.AddresseeOut:
        with app_db(request).uow(p.ctx) as uow:
            view = services.get(uow, integrated_no, history=history)
            uow.commit()
        return schemas.addressee_out(view)

    @r.patch(
        "/{integrated_no}", response_model=schemas.AddresseeOut, summary="住登外者等の変更（履歴を残す）"
    )
    def update(request: Request, integrated_no: str, body: commands.UpdateRequest, p: Writer,
               today: Today) -> schemas.AddresseeOut:  # fmt: skip
        with app_db(request).uow(p.ctx) as uow:
            view = services.update(integrated_no, body, uow, today=today)
            uow.commit()
        return schemas.addressee_out(view)

    return r


def _csv(ex: euc.Export, encoding: str) -> Response:
    charset = "utf-8" if encoding == "utf-8" else "Shift_JIS"
    return Response(ex.csv.data, media_type=f"text/csv; charset={charset}", headers={
        "Content-Disposition": f'attachment; filename="{ex.filename}"', "X-Kikan-Row-Count": str(ex.csv.rows),
        "X-Kikan-Substitutions": str(len(ex.substitutions))})  # fmt: skip


def euc_router() -> APIRouter:
    r = APIRouter(prefix="/api/v1/euc", tags=["euc"])

    @r.get("/fields", response_model=list[ES.FieldOut], summary="EUC の項目一覧（データ項目一覧）")
    def fields(p: EucRunner) -> list[ES.FieldOut]:
        return [ES.FieldOut(name=f.name, ja=f.ja, kind=f.kind, length=f.length, group=f.group,
                           operators=list(ALLOWED[f.kind])) for f in FIELDS.values()]  # fmt: skip

    @r.get("/sources", summary="データの種類")
    def sources(p: EucRunner) -> dict[str, str]:
        return SOURCES

    @r.get("/definitions", response_model=list[ES.DefinitionOut], summary="抽出定義の一覧")
    def list_definitions(request: Request, p: EucRunner) -> list[ES.DefinitionOut]:
        with app_db(request).uow(p.ctx) as uow:
            return [ES.definition_out(d) for d in euc.list_all(uow)]

    @r.post("/definitions", response_model=ES.DefinitionOut, status_code=201, summary="抽出定義の登録")
    def create(request: Request, body: ES.DefinitionIn, p: EucDefiner) -> ES.DefinitionOut:
        with app_db(request).uow(p.ctx) as uow:
            d = euc.save(uow, name=body.name, description=body.description, spec=body.spec.model_dump())
            uow.commit()
        return ES.definition_out(d)

    @r.get("/definitions/{definition_id}", response_model=ES.DefinitionOut, summary="抽出定義")
    def get(request: Request, definition_id: DefinitionId, p: EucRunner) -> ES.DefinitionOut:
        with app_db(request).uow(p.ctx) as uow:
            return ES.definition_out(euc.get(uow, definition_id))

    @r.put(
        "/definitions/{definition_id}", response_model=ES.DefinitionOut, summary="抽出定義の変更（新しい版）"
    )
    def put(
        request: Request, definition_id: DefinitionId, body: ES.DefinitionUpdate, p: EucDefiner
    ) -> ES.DefinitionOut:
        with app_db(request).uow(p.ctx) as uow:
            d = euc.save(uow, name=body.name, description=body.description, spec=body.spec.model_dump(),
                         definition_id=definition_id, expected_version=body.expected_version)  # fmt: skip
            uow.commit()
        return ES.definition_out(d)

    @r.delete("/definitions/{definition_id}", response_model=ES.DefinitionOut, summary="抽出定義の削除")
    def delete(request: Request, definition_id: DefinitionId, p: EucDefiner,
               expected_version: Annotated[int, Query(ge=1, le=INT32_MAX)]) -> ES.DefinitionOut:  # fmt: skip
        with app_db(request).uow(p.ctx) as uow:
            d = euc.delete(uow, definition_id, expected_version)
            uow.commit()
        return ES.definition_out(d)

    @r.post("/preview", response_model=ES.PreviewOut, summary="プレビュー（先頭100行）")
    def preview(request: Request, body: ES.SpecIn, p: EucRunner) -> ES.PreviewOut:
        return ES.preview_out(euc.preview(app_db(request), p.ctx, parse_spec(body.model_dump())))

    @r.post(
        "/definitions/{definition_id}/preview", response_model=ES.PreviewOut, summary="抽出定義のプレビュー"
    )
    def preview_saved(request: Request, definition_id: DefinitionId, p: EucRunner) -> ES.PreviewOut:
        d = _load(request, p, definition_id)
        return ES.preview_out(
            euc.preview(app_db(request), p.ctx, d.spec, target=f"{d.definition_id}@{d.version}")
        )

    @r.post("/export", response_class=Response, summary="CSV出力（定義を保存せずに）",
            responses={200: {"content": {"text/csv": {}}}})  # fmt: skip
    def export(request: Request, body: ES.ExportIn, p: EucRunner) -> Response:
        ex = euc.export(app_db(request), p.ctx, parse_spec(body.spec.model_dump()), encoding=body.encoding,
                        strict=body.strict)  # fmt: skip
        return _csv(ex, body.encoding)

    @r.get("/definitions/{definition_id}/export", response_class=Response, summary="抽出定義のCSV出力",
           responses={200: {"content": {"text/csv": {}}}})  # fmt: skip
    def export_saved(request: Request, definition_id: DefinitionId, p: EucRunner, encoding: str = "utf-8",
                     strict: bool = False, max_rows: MaxRows = euc.EXPORT_MAX_ROWS) -> Response:  # fmt: skip
        d = _load(request, p, definition_id)
        ex = euc.export(app_db(request), p.ctx, d.spec, encoding=encoding, strict=strict, max_rows=max_rows,
                        target=f"{d.definition_id}@{d.version}", filename=f"euc_{d.definition_id}_v{d.version}")  # fmt: skip
        return _csv(ex, encoding)

    return r


def _load(request: Request, p: Principal, definition_id: int) -> euc.Definition:
    with app_db(request).uow(p.ctx) as uow:
        return euc.get(uow, definition_id)


def routers() -> list[APIRouter]:
    from kikan.adapters.web.addressee import routers as web_routers

    return [addressee_router(), euc_router(), *web_routers()]
