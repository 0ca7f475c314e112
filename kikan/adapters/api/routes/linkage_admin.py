"""Control plane of the linkage API: system clients (operators) and the exchange log (auditors)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from kikan.adapters.api.deps import PermissionDenied, Principal, Requires, app_db
from kikan.adapters.api.routes.linkage_auth import TAGS
from kikan.adapters.db import linkage_clients as clients
from kikan.adapters.db import linkage_exchange as xlog
from kikan.core.errors import NotFound
from kikan.linkage import datasets

Operator = Annotated[Principal, Depends(Requires("operator", tenant=False))]
Auditor = Annotated[Principal, Depends(Requires("audit.read"))]


class ClientIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, examples=["税務システム（個人住民税）"])
    client_id: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$", examples=["tax-131016"]
    )


class ClientSecretOut(BaseModel):
    client_id: str
    client_secret: str = Field(description="この応答でのみ表示されます。安全に保管してください")
    previous_valid_until: datetime | None = None


class GrantIn(BaseModel):
    tenant_id: str = Field(pattern=r"^\d{6}$", examples=["131016"])
    dataset: str = Field(examples=["juki.residents"])


class GrantOut(BaseModel):
    tenant_id: str
    dataset: str


class ClientOut(BaseModel):
    client_id: str
    name: str
    status: str
    created_at: datetime
    rotated_at: datetime | None
    previous_valid_until: datetime | None
    grants: list[GrantOut]


class RotateIn(BaseModel):
    grace_seconds: int = Field(
        default=0, ge=0, le=clients.MAX_GRACE_SECONDS,
        description="旧シークレットを有効にしておく秒数。0 は即時無効（発行済みトークンも失効）",
    )  # fmt: skip


class StatusIn(BaseModel):
    status: Literal["active", "disabled"]


class ExchangeOut(BaseModel):
    seq: int
    at: datetime
    exchange_id: str
    client_id: str
    dataset: str
    operation: str
    status: str
    cursor_from: str
    cursor_to: str
    record_count: int
    keys_digest: str
    detail: str
    request_id: str
    client_addr: str


class VerifyOut(BaseModel):
    ok: bool
    broken_seq: int | None = None
    reason: str | None = None


def router() -> APIRouter:
    r = APIRouter(prefix="/api/v1/linkage", tags=TAGS)

    @r.get("/clients", response_model=list[ClientOut], summary="連携クライアントの一覧")
    def list_clients(request: Request, p: Operator) -> list[ClientOut]:
        return [
            ClientOut(client_id=c.client_id, name=c.name, status=c.status, created_at=c.created_at,
                      rotated_at=c.rotated_at, previous_valid_until=c.previous_valid_until,
                      grants=[GrantOut(tenant_id=g.tenant_id, dataset=g.dataset) for g in c.grants])
            for c in clients.list_clients(app_db(request))
        ]  # fmt: skip

    @r.post("/clients", response_model=ClientSecretOut, status_code=201, summary="連携クライアントの登録")
    def add_client(request: Request, body: ClientIn, p: Operator) -> ClientSecretOut:
        cid, secret = clients.register(app_db(request), body.name, client_id=body.client_id, by=p.login)
        return ClientSecretOut(client_id=cid, client_secret=secret)

    @r.post("/clients/{client_id}/grants", status_code=204, summary="データセットの利用を許可（団体ごと）")
    def grant(request: Request, client_id: str, body: GrantIn, p: Operator) -> Response:
        ds = datasets.get(body.dataset)
        if ds is not None and not p.can(ds.permission):
            raise PermissionDenied(f"データセット {ds.name} の利用許可には権限「{ds.permission}」が必要です")
        clients.grant(app_db(request), client_id, body.tenant_id, body.dataset, by=p.login)
        return Response(status_code=204)

    @r.delete("/clients/{client_id}/grants/{tenant_id}/{dataset}", status_code=204, summary="許可の取消し")
    def revoke(request: Request, client_id: str, tenant_id: str, dataset: str, p: Operator) -> Response:
        if not clients.revoke(app_db(request), client_id, tenant_id, dataset):
            raise NotFound("その許可はありません", field="dataset")
        return Response(status_code=204)

    @r.post(
        "/clients/{client_id}/rotate",
        response_model=ClientSecretOut,
        summary="クライアントシークレットの更新",
    )
    def rotate(request: Request, client_id: str, body: RotateIn, p: Operator) -> ClientSecretOut:
        db = app_db(request)
        secret = clients.rotate(db, client_id, grace_seconds=body.grace_seconds)
        info = next(c for c in clients.list_clients(db) if c.client_id == client_id)
        return ClientSecretOut(
            client_id=client_id, client_secret=secret, previous_valid_until=info.previous_valid_until
        )

    @r.post("/clients/{client_id}/status", status_code=204, summary="クライアントの停止・再開")
    def set_status(request: Request, client_id: str, body: StatusIn, p: Operator) -> Response:
        clients.set_status(app_db(request), client_id, body.status)
        return Response(status_code=204)

    @r.get("/exchanges", response_model=list[ExchangeOut], summary="連携記録（誰にどのレコードを提供したか）")
    def exchanges(
        request: Request,
        p: Auditor,
        client_id: str | None = None,
        dataset: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> list[ExchangeOut]:
        with app_db(request).uow(p.ctx) as uow:
            rows = xlog.search(uow.conn, uow.tenant_id, client_id=client_id, dataset=dataset, since=since,
                               until=until, limit=limit)  # fmt: skip
            uow.audit("linkage.exchanges.search", "read", detail=f"{len(rows)}件")
            uow.commit()
        return [ExchangeOut(seq=s.seq, at=s.at, **{k: getattr(s.entry, k) for k in ExchangeOut.model_fields
                                                  if k not in ("seq", "at")}) for s in rows]  # fmt: skip

    @r.get("/exchanges/verify", response_model=VerifyOut, summary="連携記録の改ざん検査")
    def verify(request: Request, p: Auditor) -> VerifyOut:
        with app_db(request).uow(p.ctx) as uow:
            brk = xlog.verify(uow.conn, uow.tenant_id)
            uow.audit(
                "linkage.exchanges.verify", "read", detail="ok" if brk is None else f"broken at {brk.seq}"
            )
            uow.commit()
        return (
            VerifyOut(ok=True) if brk is None else VerifyOut(ok=False, broken_seq=brk.seq, reason=brk.reason)
        )

    return r
