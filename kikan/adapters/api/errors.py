"""Exception handlers: user-caused errors become clear 4xx answers, never a 5xx; a database that is
down or restarting becomes a 503 with ``Retry-After`` (JSON for the API, the error page for screens),
never a 500 and never the driver's message."""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import exc as sa_exc

from kikan.adapters.api.deps import NotAuthenticated, PermissionDenied, TenantNotSelected
from kikan.core.errors import DomainError

log = structlog.get_logger("kikan.http")

DB_UNAVAILABLE_CODE = "database_unavailable"
DB_UNAVAILABLE_TITLE = "ただいま処理できません"
DB_UNAVAILABLE_MESSAGE = (
    "データベースに接続できないため、処理できませんでした。しばらく待ってからもう一度お試しください。"
    "登録の操作は、結果を確認してからやり直してください"
)
#: seconds a client should wait before retrying (a PostgreSQL restart takes a few seconds)
DB_RETRY_AFTER = 5
#: SQLite errors that mean "not now" (busy, the file unreachable) rather than a bug ("no such table")
_SQLITE_TRANSIENT = ("database is locked", "database table is locked", "unable to open database", "disk i/o error")


def _driver_errors() -> tuple[type[Exception], ...]:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return ()
    return (psycopg.OperationalError, psycopg.InterfaceError)


DRIVER_ERRORS = _driver_errors()
DB_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError, sa_exc.TimeoutError,
    sa_exc.DBAPIError, *DRIVER_ERRORS,
)  # fmt: skip


def database_unavailable(exc: BaseException) -> bool:
    """The database cannot serve now (connection refused or cut, server restarting, pool exhausted,
    lock or statement timeout, SQLite busy) — not a bug of the request or of the code."""
    if isinstance(exc, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.Error):
        return isinstance(orig, sqlite3.OperationalError) and any(m in str(orig).lower() for m in _SQLITE_TRANSIENT)
    if str(getattr(orig, "sqlstate", None) or "").startswith("54"):  # program limit exceeded: not transient
        return False
    return isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)) or isinstance(orig, DRIVER_ERRORS)


def unavailable_response(request: Request) -> Response:
    headers = {"Retry-After": str(DB_RETRY_AFTER)}
    if _is_api(request):
        return JSONResponse(_body(DB_UNAVAILABLE_CODE, DB_UNAVAILABLE_MESSAGE), status_code=503, headers=headers)
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "error.html", {"title": DB_UNAVAILABLE_TITLE, "message": DB_UNAVAILABLE_MESSAGE},
        status_code=503, headers=headers,
    )  # fmt: skip


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _body(code: str, message: str, errors: list[dict] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "errors": errors or []}}


def install(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _unauth(request: Request, _: NotAuthenticated) -> Response:
        if _is_api(request):
            return JSONResponse(_body("unauthenticated", "ログインが必要です"), status_code=401)
        nxt = quote(request.url.path)
        return RedirectResponse(f"/login?next={nxt}", status_code=303)

    @app.exception_handler(PermissionDenied)
    async def _denied(request: Request, exc: PermissionDenied) -> Response:
        if _is_api(request):
            return JSONResponse(_body("forbidden", exc.message), status_code=403)
        templates = request.app.state.templates
        return templates.TemplateResponse(
            request, "error.html", {"title": "権限がありません", "message": exc.message}, status_code=403
        )

    @app.exception_handler(TenantNotSelected)
    async def _no_tenant(request: Request, _: TenantNotSelected) -> Response:
        if _is_api(request):
            return JSONResponse(_body("tenant_required", "操作する団体が選択されていません"), status_code=409)
        return RedirectResponse("/tenant", status_code=303)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        errs = [{"field": e.field, "message": e.message} for e in exc.errors]
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return JSONResponse(_body(exc.code, exc.message, errs), status_code=exc.status, headers=headers)

    async def _database(request: Request, exc: Exception) -> Response:
        if not database_unavailable(exc):
            raise exc  # a bug (constraint, syntax, missing table): stays a 5xx with its traceback in the log
        orig = getattr(exc, "orig", None) or exc
        log.warning(
            "database_unavailable", path=request.url.path, error=type(orig).__name__,
            sqlstate=getattr(orig, "sqlstate", None), detail=str(orig).splitlines()[0][:200] if str(orig) else "",
        )  # fmt: skip
        return unavailable_response(request)

    for cls in DB_ERRORS:  # DataError keeps its own handler (middleware.unvalidated_input): the closer class wins
        app.add_exception_handler(cls, _database)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errs = [
            {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        return JSONResponse(_body("validation_failed", "入力内容に誤りがあります", errs), status_code=422)
