"""異動 API: one POST per category (``/api/v1/juki/moves/<slug>``), returning what was written.

The body is the service's command (pydantic, Japanese titles). A body that fails validation →
422 naming the Japanese field; a stale ``expected_household_version`` → 409; a 異動入力抑止 →
403. Nothing is written on any error (the services validate everything first).

``Idempotency-Key`` (optional): a 異動 sent again with the same key and body is not recorded again;
the first answer is replayed with ``Idempotent-Replayed: true`` (:mod:`kikan.adapters.api.idempotency`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kikan.adapters.api import idempotency
from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.idempotency import IdempotencyKey
from kikan.adapters.api.routes.juki_catalog import KINDS, REMAKE_KINDS, MoveKind
from kikan.adapters.api.routes.juki_common import API_PREFIX, TAGS, FieldMessage, JukiRoute, Today, open_uow
from kikan.juki.events import REASON_BY_CODE
from kikan.juki.services import Command, MoveResult

WRITE = "juki.write"


class MoveResultOut(BaseModel):
    """異動の結果: 書き込んだ宛名番号と履歴番号、世帯番号、アラート."""

    move_id: str = Field(description="異動ID（異動の取消しで使用）")
    event_code: str = Field(description="異動事由コード", examples=["101"])
    event_name: str = Field(description="異動事由", examples=["転入"])
    event_id: str = Field(description="ドメインイベントID")
    household_no: str = Field(description="世帯番号（異動先）", examples=["000000000000019"])
    household_nos: list[str] = Field(description="この異動で更新した世帯番号")
    addressee_nos: list[str] = Field(description="履歴を書き込んだ宛名番号（行ごと）")
    history_nos: list[int] = Field(description="書き込んだ履歴番号（addressee_nos と同じ順）")
    warnings: list[FieldMessage] = Field(description="アラート（届出期間経過・世帯主不在・抑止のアラート等）")

    @classmethod
    def of(cls, r: MoveResult) -> MoveResultOut:
        reason = REASON_BY_CODE.get(r.event_code)
        return cls(
            move_id=r.move_id,
            event_code=r.event_code,
            event_name=reason.name if reason else r.event_code,
            event_id=r.event_id,
            household_no=r.household_no,
            household_nos=list(r.household_nos),
            addressee_nos=list(r.addressee_nos),
            history_nos=list(r.history_nos),
            warnings=[FieldMessage.of(w) for w in r.warnings],
        )


def run_move(request: Request, p: Principal, kind: MoveKind, cmd: Command, today: Any) -> MoveResult:
    """Run one 異動 in the caller's unit of work and commit (the services leave the commit to us)."""
    with open_uow(request, p) as uow:
        result = kind.service(cmd, uow, today=today)
        uow.commit()
    return result


def _endpoint(kind: MoveKind) -> Any:
    def endpoint(
        request: Request,
        body: Annotated[Any, Body()],
        p: Annotated[Principal, Depends(Requires(WRITE))],
        today: Today,
        keyed: IdempotencyKey,
    ) -> MoveResultOut | Response:
        if keyed is None:
            return MoveResultOut.of(run_move(request, p, kind, body, today))
        return idempotency.run_json(
            request, p, keyed, status_code=201, work=lambda uow: MoveResultOut.of(kind.service(body, uow, today=today))
        )

    example: Any = {"example": {"summary": f"{kind.title}の例", "value": kind.example}}
    endpoint.__annotations__["body"] = Annotated[kind.model, Body(openapi_examples=example)]  # type: ignore[misc]
    endpoint.__name__ = "move_" + kind.slug.replace("-", "_")
    return endpoint


def router() -> APIRouter:
    r = APIRouter(prefix=API_PREFIX + "/moves", tags=TAGS, route_class=JukiRoute)
    for kind in (*KINDS, *REMAKE_KINDS):
        r.add_api_route(
            f"/{kind.slug}",
            _endpoint(kind),
            methods=["POST"],
            status_code=201,
            response_model=MoveResultOut,
            summary=kind.title,
            description=f"{kind.summary}\n\n{(kind.model.__doc__ or '').strip()}",
            responses={
                **idempotency.RESPONSES,
                409: {"description": "他の職員が先に同じ世帯を更新した（世帯の版が古い）、"
                      "又は同じ Idempotency-Key の要求を処理中（idempotency_key_in_flight）"},
                403: {"description": "権限がない、または異動入力抑止"},
                422: {"description": "入力内容の誤り（項目名と内容）。何も書き込まれない。"
                      "又は Idempotency-Key を内容の異なる要求に再使用（idempotency_key_reused）"},
            },
        )
    return r
