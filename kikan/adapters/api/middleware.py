"""ASGI middleware: request ids, structured access logs, security headers."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import structlog
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError

log = structlog.get_logger("kikan.http")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


class RequestContextMiddleware:
    def __init__(self, app: Any, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = uuid.uuid4().hex
        for k, v in scope.get("headers", []):
            if k == b"x-request-id" and 8 <= len(v) <= 64 and v.isascii():
                rid = v.decode()
        scope.setdefault("state", {})["request_id"] = rid
        start = time.perf_counter()
        status = 500
        if has_nul(scope):
            status = 400
            await refuse_nul(send, rid)
            log.info("request", request_id=rid, method=scope.get("method"), path="(NUL)", status=status)
            return

        async def send_wrapper(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"x-request-id", rid.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", CSP.encode()))
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                message["headers"] = headers + extra
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            log.info(
                "request",
                request_id=rid,
                method=scope.get("method"),
                path=scope.get("path"),
                status=status,
                ms=round((time.perf_counter() - start) * 1000, 1),
            )


NUL_MESSAGE = "入力に使用できない文字（NUL）が含まれています"


def has_nul(scope: dict) -> bool:
    """A NUL in the path or query: PostgreSQL cannot store or compare it, SQLite truncates at it."""
    raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogateescape")
    query = scope.get("query_string", b"")
    decoded = "\x00" in scope.get("path", "")
    return decoded or any(b"\x00" in part or b"%00" in part.lower() for part in (raw, query))


async def refuse_nul(send: Any, rid: str) -> None:
    body = json.dumps({"error": {"code": "invalid_character", "message": NUL_MESSAGE, "errors": []}},
                      ensure_ascii=False).encode()  # fmt: skip
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"x-request-id", rid.encode()), (b"x-content-type-options", b"nosniff"),
               (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer"), (b"cache-control", b"no-store"),
               (b"content-security-policy", CSP.encode())]  # fmt: skip
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def unvalidated_input(request: Request, exc: Exception) -> Response:
    """Exception handler for input the database refuses but the route did not validate: a NUL inside
    a JSON or form body (PostgreSQL), an integer beyond the column's range (PostgreSQL SQLSTATE 22003,
    SQLite ``OverflowError`` beyond 64 bits). The input's fault (400), logged as ``unvalidated_input``
    so that the route gets its validation; anything else is re-raised and stays a 5xx (a bug)."""
    orig = getattr(exc, "orig", exc)
    if isinstance(exc, DataError) and "NUL" in str(orig):
        code, message = "invalid_character", NUL_MESSAGE
    elif getattr(orig, "sqlstate", None) == "22003" or (
        isinstance(exc, OverflowError) and "SQLite INTEGER" in str(exc)
    ):
        code, message = "out_of_range", "入力された数値が範囲外です"
    else:
        raise exc
    log.warning("unvalidated_input", path=request.url.path, code=code, error=str(orig).splitlines()[0][:200])
    return JSONResponse({"error": {"code": code, "message": message, "errors": []}}, status_code=400)
