"""The ``Idempotency-Key`` request header of the write API (IETF draft-ietf-httpapi-idempotency-key-header).

A route takes :data:`IdempotencyKey` as a parameter (it documents the header in the OpenAPI and
fingerprints the raw body) and runs its work through :func:`run_json`; without the header the
route behaves exactly as without this module. Storage, claims and expiry:
:mod:`kikan.adapters.db.idempotency`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from kikan.adapters.api.deps import Principal, app_db
from kikan.adapters.db import idempotency as store
from kikan.adapters.db.database import UnitOfWork

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
DESCRIPTION = (
    "冪等キー（IETF draft-ietf-httpapi-idempotency-key-header）。通信の途絶などで同じ要求を再送するときは、"
    "同じキーと同じ本文で送信してください。最初の要求の結果（状態コードと本文）がそのまま返され"
    f"（ヘッダ {REPLAYED}: true）、処理は二度行われません。キーは職員ごと・24時間有効、"
    "印字可能なASCII 255文字以内（例: UUID）。同じキーで本文が異なると 422 idempotency_key_reused、"
    "最初の要求がまだ処理中なら 409 idempotency_key_in_flight（Retry-After 秒後に同じキーで再送）。"
    "エラーになった要求の結果は保存されません（同じキーで再送できます）。"
)
RESPONSES: dict[int | str, dict] = {
    400: {"description": "Idempotency-Key の形式の誤り（idempotency_key_invalid）"},
    409: {"description": "他の職員が先に更新した、又は同じ Idempotency-Key の要求を処理中（idempotency_key_in_flight）"},
    422: {"description": "入力内容の誤り、又は Idempotency-Key を内容の異なる要求に再使用（idempotency_key_reused）"},
}


async def keyed_request(
    request: Request, idempotency_key: Annotated[str | None, Header(alias=HEADER, description=DESCRIPTION)] = None
) -> store.Request | None:
    """The keyed request (key and fingerprint of method, path and raw body), or None without the header."""
    if idempotency_key is None:
        return None
    key = store.parse_key(idempotency_key)
    body = await request.body()  # already read (and cached) by FastAPI for the route's body
    path = request.url.path
    return store.Request(key, request.method, path, store.fingerprint(request.method, path, body))


IdempotencyKey = Annotated[store.Request | None, Depends(keyed_request)]


def replayed(stored: store.Stored) -> Response:
    """The stored answer again, marked ``Idempotent-Replayed: true``."""
    return Response(
        stored.body.encode(), status_code=stored.status, media_type="application/json",
        headers={**stored.headers, REPLAYED: "true"},
    )  # fmt: skip


def run_json(
    request: Request, p: Principal, keyed: store.Request, *, status_code: int,
    work: Callable[[UnitOfWork], BaseModel],
) -> Response:  # fmt: skip
    """Run ``work`` in one unit of work of the caller and commit it together with its stored answer,
    or replay the answer of the first request with this key (nothing is run again)."""
    db = app_db(request)
    got = store.claim(db, p.ctx, keyed)
    if isinstance(got, store.Stored):
        return replayed(got)
    try:
        with db.uow(p.ctx) as uow:
            answer = JSONResponse(work(uow).model_dump(mode="json"), status_code=status_code)
            store.complete(uow.conn, p.ctx, got, status=status_code, body=bytes(answer.body).decode())
            uow.commit()
    except BaseException:
        store.release(db, p.ctx, got)
        raise
    return answer
