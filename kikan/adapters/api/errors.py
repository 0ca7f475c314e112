"""Exception handlers: user-caused errors become clear 4xx answers, never a 5xx."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from kikan.adapters.api.deps import NotAuthenticated, PermissionDenied, TenantNotSelected
from kikan.core.errors import DomainError


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
        return JSONResponse(_body(exc.code, exc.message, errs), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errs = [
            {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        return JSONResponse(_body("validation_failed", "入力内容に誤りがあります", errs), status_code=422)
