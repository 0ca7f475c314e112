"""Platform API: health, who am I, tenants (operators), audit search, change feed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from kikan.adapters.api.deps import Principal, Public, Requires, app_db
from kikan.adapters.db import audit_store, outbox
from kikan.adapters.security import accounts
from kikan.core.errors import DomainError
from kikan.core.identity import IdentifierError

router = APIRouter(prefix="/api/v1")


class Health(BaseModel):
    status: str
    database: str


@router.get("/health", response_model=Health, tags=["platform"], dependencies=[Depends(Public("monitoring"))])
def health(request: Request) -> Health:
    db = app_db(request)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return Health(status="ok", database=db.dialect)


class Me(BaseModel):
    login: str
    display_name: str
    tenant_id: str | None
    tenants: list[str]
    permissions: list[str]


@router.get("/me", response_model=Me, tags=["platform"])
def me(p: Annotated[Principal, Depends(Requires("home.view", tenant=False))]) -> Me:
    s = p.session
    return Me(
        login=s.account.login, display_name=s.account.display_name, tenant_id=s.tenant_id,
        tenants=list(s.tenants), permissions=sorted(s.permissions),
    )


class TenantOut(BaseModel):
    tenant_id: str = Field(examples=["131016"], description="全国地方公共団体コード（検査数字付き6桁）")
    name: str = Field(examples=["千代田区"])
    prefecture_code: str
    prefecture_name: str
    designated_city: bool


class TenantIn(BaseModel):
    tenant_id: str = Field(pattern=r"^\d{6}$", examples=["131016"])
    name: str = Field(min_length=1, max_length=100, examples=["千代田区"])


@router.get("/tenants", response_model=list[TenantOut], tags=["platform"])
def list_tenants(
    request: Request, p: Annotated[Principal, Depends(Requires("home.view", tenant=False))]
) -> list[TenantOut]:
    rows = accounts.list_tenants(app_db(request), None if p.session.account.is_operator else p.session.tenants)
    return [TenantOut(**dict(r._mapping)) for r in rows]


@router.post("/tenants", response_model=TenantOut, status_code=201, tags=["platform"])
def add_tenant(
    request: Request, body: TenantIn, p: Annotated[Principal, Depends(Requires("operator", tenant=False))]
) -> TenantOut:
    try:
        row = accounts.add_tenant(app_db(request), body.tenant_id, body.name)
    except IdentifierError as e:
        raise DomainError(str(e), field="tenant_id") from e
    except accounts.AccessError as e:
        raise DomainError(str(e), field="tenant_id") from e
    return TenantOut(**row)


class AuditRow(BaseModel):
    seq: int
    at: datetime
    actor: str
    function: str
    action: str
    target_type: str
    target_id: str
    mynumber_shown: bool
    client_addr: str
    terminal: str
    request_id: str
    detail: str


@router.get("/audit", response_model=list[AuditRow], tags=["platform"])
def search_audit(
    request: Request,
    p: Annotated[Principal, Depends(Requires("audit.read"))],
    actor: str | None = None,
    target_id: str | None = None,
    function: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditRow]:
    db = app_db(request)
    with db.uow(p.ctx) as uow:
        rows = audit_store.search(
            uow.conn, uow.tenant_id, actor=actor, target_id=target_id, function=function,
            since=since, until=until, limit=limit,
        )
        uow.audit("audit.search", "read", detail=f"{len(rows)}件")
        uow.commit()
    return [AuditRow(**{k: v for k, v in r._mapping.items() if k in AuditRow.model_fields}) for r in rows]


class EventOut(BaseModel):
    seq: int
    event_id: str
    event_type: str
    aggregate_type: str
    aggregate_id: str
    occurred_on: str | None
    recorded_at: datetime
    schema_version: int
    payload: dict


class EventPage(BaseModel):
    events: list[EventOut]
    next_cursor: int = Field(description="Pass as `after` to continue; equals `after` when nothing new")


@router.get("/events", response_model=EventPage, tags=["platform"])
def read_events(
    request: Request,
    p: Annotated[Principal, Depends(Requires("linkage.read"))],
    after: Annotated[int, Query(ge=0, le=2**63 - 1, description="この番号より後のイベント")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventPage:
    """The tenant's domain events after a cursor, in commit order (transactional outbox)."""
    db = app_db(request)
    with db.uow(p.ctx) as uow:
        evs = outbox.read_after(uow.conn, uow.tenant_id, after, limit)
        uow.audit("events.read", "read", detail=f"after={after} n={len(evs)}")
        uow.commit()
    out = [EventOut(**{k: getattr(e, k) for k in EventOut.model_fields}) for e in evs]
    return EventPage(events=out, next_cursor=out[-1].seq if out else after)
