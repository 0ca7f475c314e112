"""改製・再製 API, next to the other 異動 (``/api/v1/juki/moves/…``), and the 改製原住民票 reads.

- ``POST /moves/remake`` (改製) and ``POST /moves/reproduce`` (再製) are served with every other 異動
  by :mod:`juki_move_api` (:data:`juki_catalog.REMAKE_KINDS`).
- ``POST /moves/remake-batch``: 一括改製 of the tenant or one 町字 as of a 改製日. Each call does up
  to ``limit`` households and says whether any are left; calling again continues, and once all
  are done a call changes nothing (see :func:`kikan.juki.services.remake_batch`).
- ``GET /residents/{addressee_no}/remade-originals``: the person's 改製原住民票 with their own
  異動履歴 (the 異動履歴 of the 住民票 in force starts at its 改製). Certificates of them:
  ``POST /certificates`` with ``kind=remade_original_copy``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_common import API_PREFIX, TAGS, JukiRoute, Today, open_uow
from kikan.adapters.api.routes.juki_queries import remade_originals
from kikan.adapters.api.routes.juki_read_api import ITEM_NAMES, HistoryOut, history_out
from kikan.juki import services as s

WRITE, READ = "juki.write", "juki.read"
MAX_BATCH = 5000
Writer = Annotated[Principal, Depends(Requires(WRITE))]
Reader = Annotated[Principal, Depends(Requires(READ))]


class RemakeBatchIn(BaseModel):
    """一括改製の指定。同じ改製日で再実行すると、未処理の世帯だけを処理します。"""

    model_config = ConfigDict(extra="forbid")

    remade_on: date = Field(title="改製日", examples=["2026-04-01"])
    town_code: str | None = Field(
        default=None, title="町字コード", max_length=20, description="省略時は団体全域"
    )
    reason_text: str = Field(default=s.remake.BATCH_REASON, title="改製の理由", max_length=200)
    limit: int = Field(default=1000, ge=1, le=MAX_BATCH, title="この呼出しで処理する世帯数の上限")


class SkippedOut(BaseModel):
    household_no: str = Field(description="世帯番号")
    reason: str = Field(description="処理しなかった理由（抑止・競合等）")


class RemakeBatchOut(BaseModel):
    remade_on: date = Field(description="改製日")
    town_code: str | None = Field(description="町字コード（省略時は全域）")
    households: int = Field(description="改製した世帯数")
    persons: int = Field(description="改製した住民数")
    skipped: list[SkippedOut] = Field(description="処理しなかった世帯（次回の実行で再度対象）")
    more: bool = Field(description="未処理の世帯が残っている（再度呼び出すと続きを処理）")


class RemadeOriginalOut(BaseModel):
    history_no: int = Field(description="改製原住民票の最後の履歴番号（改製（消除）の行）")
    event_code: str = Field(description="241 改製（消除） / 251 再製（消除）")
    closed_on: date | None = Field(description="改製日（再製日）")
    reason: str | None = Field(description="改製（再製）の理由")
    retain_until: str | None = Field(description="保存期限（施行令第34条第1項: 改製の日から150年）")
    record: dict[str, Any] = Field(description="改製原住民票の記載事項")
    history: list[HistoryOut] = Field(description="改製原住民票の異動履歴（履歴番号の昇順）")


def router() -> APIRouter:
    r = APIRouter(prefix=API_PREFIX, tags=TAGS, route_class=JukiRoute)

    @r.post("/moves/remake-batch", response_model=RemakeBatchOut, summary="一括改製")
    def remake_batch(request: Request, body: RemakeBatchIn, p: Writer, today: Today) -> RemakeBatchOut:
        """団体全域または町字の住民票を一括で改製します（世帯ごとに1トランザクション、同じ改製日での再実行は未処理分のみ）。"""
        done = s.remake_batch(
            lambda: open_uow(request, p), remade_on=body.remade_on, today=today, town_code=body.town_code,
            reason_text=body.reason_text, limit=body.limit,
        )  # fmt: skip
        return RemakeBatchOut(
            remade_on=done.remade_on, town_code=done.town_code, households=done.households, persons=done.persons,
            skipped=[SkippedOut(household_no=h, reason=why) for h, why in done.skipped], more=done.more,
        )  # fmt: skip

    @r.get("/residents/{addressee_no}/remade-originals", response_model=list[RemadeOriginalOut],
           summary="改製原住民票")  # fmt: skip
    def originals(
        request: Request,
        addressee_no: str,
        p: Reader,
        today: Today,
        reproduced: Annotated[bool, Query(description="再製前の住民票も含める")] = False,
    ) -> list[RemadeOriginalOut]:
        """改製原住民票（改製前の住民票）と、それぞれの異動履歴。"""
        with open_uow(request, p) as uow:
            found = remade_originals(uow, addressee_no, today=today, reproduced=reproduced)
            uow.commit()
        return [
            RemadeOriginalOut(
                history_no=c.history_no, event_code=c.code, closed_on=c.closed_on, reason=c.details.get("reason"),
                retain_until=c.details.get("retain_until"), record={k: c.record.get(k) for k in ITEM_NAMES},
                history=[history_out(x) for x in c.rows],
            )
            for c in found
        ]  # fmt: skip

    return r
