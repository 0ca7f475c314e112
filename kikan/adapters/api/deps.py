"""Authentication and permission dependencies.

Every route declares exactly one of ``Requires(permission)`` or ``Public(reason)``;
``tests/e2e/test_route_permissions.py`` walks all routes and fails on any that has neither.
Cookie sessions must present the CSRF token on unsafe methods; bearer tokens carry no
ambient authority and are exempt.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request
from itsdangerous import BadSignature, Signer

from kikan.adapters.db.database import Database
from kikan.adapters.security import accounts
from kikan.adapters.security.accounts import SessionInfo
from kikan.config import Settings
from kikan.core.tenancy import Actor, TenantContext

SESSION_COOKIE = "kikan_session"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class NotAuthenticated(Exception):
    pass


class PermissionDenied(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TenantNotSelected(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    session: SessionInfo
    client_addr: str
    request_id: str
    terminal: str

    @property
    def tenant_id(self) -> str:
        if self.session.tenant_id is None:
            raise TenantNotSelected()
        return self.session.tenant_id

    @property
    def login(self) -> str:
        return self.session.account.login

    def can(self, permission: str) -> bool:
        return permission in self.session.permissions

    @property
    def actor(self) -> Actor:
        return Actor(
            actor_id=self.session.account.login, kind="staff", client_addr=self.client_addr,
            terminal=self.terminal, request_id=self.request_id, permissions=self.session.permissions,
        )

    @property
    def ctx(self) -> TenantContext:
        return TenantContext(self.tenant_id, self.actor)


def app_db(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


def app_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def signer(settings: Settings) -> Signer:
    return Signer(settings.effective_secret(), salt="kikan.session")


def client_addr(request: Request) -> str:
    return request.client.host if request.client else ""


async def _principal(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    db, settings = app_db(request), app_settings(request)
    info: SessionInfo | None = None
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        info = accounts.load_token(db, auth[7:].strip())
    else:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            try:
                sid = signer(settings).unsign(raw).decode()
            except BadSignature:
                sid = None
            info = accounts.load_session(db, settings, sid) if sid else None
        if info is not None and request.method in UNSAFE:
            sent = request.headers.get("x-csrf-token")
            if sent is None and "form" in request.headers.get("content-type", ""):
                form = await request.form()
                value = form.get("csrf_token")
                sent = value if isinstance(value, str) else None
            if not sent or not hmac.compare_digest(sent, info.csrf_token):
                raise PermissionDenied("CSRFトークンが正しくありません。画面を再読み込みしてください")
    if info is None:
        raise NotAuthenticated()
    p = Principal(
        session=info,
        client_addr=client_addr(request),
        request_id=request.scope.get("state", {}).get("request_id", ""),
        terminal=request.headers.get("x-kikan-terminal", "")[:100],
    )
    request.state.principal = p
    return p


class Requires:
    """Dependency: the caller must hold ``permission`` in the current tenant."""

    def __init__(self, permission: str, *, tenant: bool = True):
        self.permission = permission
        self.tenant = tenant

    async def __call__(self, request: Request) -> Principal:
        p = await _principal(request)
        if not p.can(self.permission):
            raise PermissionDenied("この操作を行う権限がありません")
        if self.tenant:
            _ = p.tenant_id  # raises TenantNotSelected
        return p


class Public:
    """Dependency marking a route reachable without login (login, health, public forms)."""

    def __init__(self, reason: str):
        self.reason = reason

    async def __call__(self) -> None:
        return None
