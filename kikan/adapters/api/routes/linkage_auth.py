"""Authentication of the linkage API: the token endpoint and the feed's caller dependency.

- ``POST /api/v1/linkage/token``: OAuth 2.0 client credentials with ``client_secret_jwt``
  (RFC 7523 §2.2, OIDC Core §9; 共通機能標準仕様書「庁内データ連携」). Answers in RFC 6749 §5.1/§5.2
  form so that any OAuth client library understands it.
- :class:`RequiresClient`: a feed route accepts a system access token (``Bearer kls_…``) that
  covers the dataset, or a staff member holding ``linkage.read`` and the dataset's own
  ``permission`` (browsing; ``tax.read`` for the 課税状況, ``applications.review`` for applications). It subclasses
  :class:`Requires` so that the route-permission test recognises it.
"""

from __future__ import annotations

import os
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from kikan.adapters.api.deps import PermissionDenied, Requires, app_db, client_addr
from kikan.adapters.db import linkage_tokens
from kikan.adapters.db.linkage_delivery import Caller
from kikan.linkage import datasets
from kikan.linkage.assertion import CLIENT_ASSERTION_TYPE
from kikan.linkage.errors import InsufficientScope, InvalidToken, OAuthError

log = structlog.get_logger("kikan.linkage.api")

ENV_AUDIENCE = "KIKAN_LINKAGE_AUDIENCE"
TOKEN_PATH = "/api/v1/linkage/token"
TAGS: list = ["linkage"]


def audiences(request: Request) -> list[str]:
    """Accepted ``aud`` values: ``KIKAN_LINKAGE_AUDIENCE`` (comma-separated public token endpoint
    URLs; set it in production, behind a reverse proxy) or else the URL this request reached."""
    configured = [a.strip() for a in os.environ.get(ENV_AUDIENCE, "").split(",") if a.strip()]
    return configured or [str(request.base_url).rstrip("/") + TOKEN_PATH]


def _request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


class ClientAssertion(Requires):
    """The token endpoint's authentication: the client_secret_jwt assertion in the form body.

    Returns the issued token, or the :class:`OAuthError` the route turns into an RFC 6749 answer
    (401 ``invalid_client`` when no or a bad assertion is presented).
    """

    def __init__(self) -> None:
        super().__init__("linkage.client", tenant=False)

    async def __call__(self, request: Request) -> linkage_tokens.IssuedToken | OAuthError:  # type: ignore[override]
        ctype = request.headers.get("content-type", "")
        form: dict[str, str] = {}
        if ctype.startswith("application/x-www-form-urlencoded"):
            data = await request.form()
            form = {k: v for k, v in data.items() if isinstance(v, str)}
        try:
            return await run_in_threadpool(
                linkage_tokens.issue, app_db(request), form, audiences=audiences(request),
                client_addr=client_addr(request), request_id=_request_id(request),
            )  # fmt: skip
        except OAuthError as e:
            return e


class RequiresClient(Requires):
    """Dependency of a feed route: a system token covering ``dataset`` or staff with ``linkage.read``.

    ``dataset=None`` (the catalogue) accepts any live system token.
    """

    def __init__(self, dataset: str | None = None):
        super().__init__("linkage.read")
        self.dataset = dataset

    async def __call__(self, request: Request) -> Caller:  # type: ignore[override]
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if token.startswith(linkage_tokens.TOKEN_PREFIX):
            caller = await run_in_threadpool(linkage_tokens.load, app_db(request), token)
            if caller is None:
                log.warning("linkage.token.invalid", path=request.url.path)
                raise InvalidToken(
                    "アクセストークンが無効か期限切れです。トークンエンドポイントで取得し直してください"
                )
            if self.dataset and self.dataset not in caller.datasets:
                log.warning("linkage.scope.refused", client_id=caller.client_id, dataset=self.dataset)
                allowed = " ".join(sorted(caller.datasets)) or "なし"
                raise InsufficientScope(
                    f"データセット {self.dataset} はこのクライアントに許可されていません（許可: {allowed}）"
                )
            return Caller(
                caller.tenant_id, caller.client_id, "system", client_addr(request), _request_id(request)
            )
        p = await super().__call__(request)
        ds = datasets.get(self.dataset) if self.dataset else None
        if ds is not None and not p.can(ds.permission):
            raise PermissionDenied(f"データセット {ds.name} の参照には権限「{ds.permission}」が必要です")
        return Caller(p.tenant_id, f"staff:{p.login}", "staff", p.client_addr, p.request_id, p.terminal)


router = APIRouter(prefix="/api/v1/linkage", tags=TAGS)

_TOKEN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type", "client_assertion_type", "client_assertion"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_assertion_type": {"type": "string", "enum": [CLIENT_ASSERTION_TYPE]},
                        "client_assertion": {
                            "type": "string",
                            "description": "HS256 JWT signed with the client secret: iss=sub=client_id, "
                            "aud=this endpoint's URL, exp ≤ 5 min ahead, iat, jti (single use)",
                        },
                        "tenant_id": {
                            "type": "string",
                            "description": "団体コード (required when several are granted)",
                        },
                        "scope": {
                            "type": "string",
                            "description": "space-separated dataset names (default: all granted)",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/token",
    name="linkage_token",
    openapi_extra=_TOKEN_BODY,
    responses={400: {"description": "RFC 6749 §5.2 error"}, 401: {"description": "invalid_client"}},
)
def token(
    outcome: Annotated[linkage_tokens.IssuedToken | OAuthError, Depends(ClientAssertion())],
) -> JSONResponse:
    """Access token for a system client (client credentials grant, ``client_secret_jwt``)."""
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if isinstance(outcome, OAuthError):
        return JSONResponse(outcome.body(), status_code=outcome.status, headers=headers)
    body = {
        "access_token": outcome.access_token, "token_type": "Bearer", "expires_in": outcome.expires_in,
        "scope": " ".join(outcome.datasets), "tenant_id": outcome.tenant_id,
    }  # fmt: skip
    return JSONResponse(body, headers=headers)
