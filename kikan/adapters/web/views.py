"""Staff UI shell: login, logout, home, tenant switch, audit search."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kikan.adapters.api.deps import (
    SESSION_COOKIE,
    Principal,
    Public,
    Requires,
    app_db,
    app_settings,
    client_addr,
    signer,
)
from kikan.adapters.db import audit_store
from kikan.adapters.security import accounts, ratelimit
from kikan.adapters.web.businesses import BUSINESSES
from kikan.core.temporal import JST

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "kikan_login_csrf"


def render(request: Request, name: str, ctx: dict[str, Any], p: Principal | None = None, status: int = 200) -> Response:
    tenant_name = ""
    if p is not None and p.session.tenant_id:
        t = accounts.get_tenant(app_db(request), p.session.tenant_id)
        tenant_name = t.name if t else ""
    base = {"p": p, "tenant_name": tenant_name, "csrf": p.session.csrf_token if p else ""}
    return request.app.state.templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)


def _safe_next(nxt: str | None) -> str:
    return nxt if nxt and nxt.startswith("/") and not nxt.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse, dependencies=[Depends(Public("login form"))])
def login_form(request: Request, next: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    resp = render(request, "login.html", {"login_csrf": token, "next": _safe_next(next), "error": None})
    resp.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=app_settings(request).secure_cookies)
    return resp


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(Public("login"))])
def login(
    request: Request,
    login: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    db, settings = app_db(request), app_settings(request)
    cookie = request.cookies.get(LOGIN_CSRF, "")
    error, status, limits = None, 400, request.app.state.login_limits
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        error = "画面の有効期限が切れました。もう一度ログインしてください"
    elif wait := limits.before_attempt(login, client_addr(request)):
        error, status = ratelimit.RateLimited(wait).message, 429
    else:
        try:
            acc = accounts.authenticate(db, settings, login, password, client_addr(request))
        except accounts.AccessError as e:
            error = str(e)
            limits.failed(client_addr(request))
    if error:
        token = secrets.token_urlsafe(24)
        resp = render(
            request, "login.html", {"login_csrf": token, "next": _safe_next(next), "error": error, "login": login},
            status=status,
        )
        resp.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=settings.secure_cookies)
        if status == 429:
            resp.headers["Retry-After"] = str(wait)
        return resp
    sid = accounts.start_session(db, settings, acc, client_addr(request))
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(
        SESSION_COOKIE, signer(settings).sign(sid).decode(), httponly=True, samesite="lax",
        secure=settings.secure_cookies, max_age=settings.session_max_hours * 3600,
    )
    resp.delete_cookie(LOGIN_CSRF)
    return resp


@router.post("/logout")
def logout(request: Request, p: Annotated[Principal, Depends(Requires("home.view", tenant=False))]) -> Response:
    accounts.end_session(app_db(request), p.session.session_id)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.get("/", response_class=HTMLResponse)
def home(request: Request, p: Annotated[Principal, Depends(Requires("home.view"))]) -> Response:
    items = [b for b in BUSINESSES if p.can(b.permission)]
    return render(request, "home.html", {"businesses": items, "title": "業務メニュー"}, p)


@router.get("/tenant", response_class=HTMLResponse)
def tenant_form(request: Request, p: Annotated[Principal, Depends(Requires("home.view", tenant=False))]) -> Response:
    tenants = accounts.list_tenants(app_db(request), p.session.tenants)
    return render(request, "tenant.html", {"tenants": tenants, "title": "団体の切替"}, p)


@router.post("/tenant")
def tenant_switch(
    request: Request,
    p: Annotated[Principal, Depends(Requires("home.view", tenant=False))],
    tenant_id: Annotated[str, Form(pattern=r"^\d{6}$")],
) -> Response:
    try:
        accounts.switch_tenant(app_db(request), p.session.session_id, tenant_id, p.session.tenants)
    except accounts.AccessError as e:
        return render(request, "error.html", {"title": "団体の切替", "message": str(e)}, p, status=403)
    return RedirectResponse("/", status_code=303)


def _parse_day(s: str | None) -> datetime | None:
    if not s:
        return None
    try:
        return datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=JST)
    except ValueError:
        return None


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    p: Annotated[Principal, Depends(Requires("audit.read"))],
    actor: str = "",
    target_id: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    db = app_db(request)
    s, u = _parse_day(since), _parse_day(until)
    with db.uow(p.ctx) as uow:
        rows = audit_store.search(
            uow.conn, uow.tenant_id, actor=actor or None, target_id=target_id or None, since=s,
            until=u + timedelta(days=1) if u else None, limit=500,
        )
        uow.audit("audit.search", "read", detail=f"{len(rows)}件")
        uow.commit()
    q = {"actor": actor, "target_id": target_id, "since": since, "until": until}
    return render(request, "audit.html", {"rows": rows, "q": q, "title": "アクセスログ検索", "JST": JST}, p)
