"""抑止 and 支援措置 API (標準仕様書 3.1, 3.4) over :mod:`kikan.juki.block_services`.

Listing needs ``juki.read``; every change needs ``juki.block.manage``. The services audit and
emit events themselves; these routes open the unit of work and commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_common import API_PREFIX, TAGS, JukiRoute, Today, open_uow
from kikan.adapters.db.juki_blocks import SqlBlockStore
from kikan.juki import block_services as bs
from kikan.juki import blocks as rules
from kikan.juki.blocks import Block

READ, MANAGE = "juki.read", "juki.block.manage"
Process = Literal["move", "certificate", "inquiry"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SetBlockIn(_In):
    """抑止の設定: 処理（異動入力・証明書発行・照会）ごと、個人又は世帯ごと、エラー又はアラート."""

    addressee_no: str | None = Field(
        title="宛名番号", default=None, description="宛名番号（個人に設定）", examples=["000000000000019"]
    )
    household_no: str | None = Field(title="世帯番号", default=None, description="世帯番号（世帯に設定）")
    processes: list[Process] = Field(
        title="抑止する処理",
        min_length=1,
        description="抑止する処理（move 異動入力 / certificate 証明書発行 / inquiry 照会）",
        examples=[["certificate", "inquiry"]],
    )
    level: Literal["error", "alert"] = Field(
        title="レベル", description="error: 処理を止める / alert: 注意を表示する"
    )
    start_on: date = Field(title="開始日", description="開始日", examples=["2024-04-01"])
    end_on: date | None = Field(
        title="終了日", default=None, description="終了日（経過しても自動では解除されません）"
    )
    reason: str = Field(
        title="理由", default="", max_length=500, description="理由", examples=["相続手続き中のため"]
    )


class ReasonIn(_In):
    reason: str = Field(title="理由", default="", max_length=500, description="理由", examples=["手続き完了"])


class TemporaryReleaseIn(_In):
    minutes: int | None = Field(
        title="一時解除の時間（分）",
        default=None,
        ge=1,
        le=1440,
        description="一時解除の時間（分）。省略時30分",
        examples=[30],
    )
    reason: str = Field(
        title="理由",
        default="",
        max_length=500,
        description="理由",
        examples=["本人確認のうえ窓口で証明書を交付"],
    )


class StartSupportIn(_In):
    """支援措置の申出受付: 仮支援措置（provisional）又は確認済みの支援措置（期間1年）."""

    addressee_no: str = Field(
        title="宛名番号", description="支援対象者の宛名番号", examples=["000000000000019"]
    )
    start_on: date = Field(title="開始日", description="開始年月日", examples=["2024-04-01"])
    provisional: bool = Field(title="仮支援措置", default=True, description="仮支援措置として受け付ける")
    end_on: date | None = Field(
        title="終了日", default=None, description="終了年月日（省略時は開始の1年後の前日）"
    )
    reason: str = Field(
        title="理由", default="", max_length=500, description="申出の概要（住所等は記載しない）"
    )


class ApproveIn(_In):
    start_on: date | None = Field(
        title="開始日",
        default=None,
        description="支援措置の開始年月日（省略時は処理日）",
        examples=["2024-04-15"],
    )
    end_on: date | None = Field(
        title="終了日",
        default=None,
        description="終了年月日（省略時は開始の1年後の前日）",
        examples=["2025-04-14"],
    )


class ExtendIn(_In):
    end_on: date | None = Field(
        title="終了日", default=None, description="延長後の終了年月日（省略時は1年）", examples=["2026-04-14"]
    )


class EndIn(_In):
    reason: str = Field(
        title="理由",
        min_length=1,
        max_length=500,
        description="終了の理由",
        examples=["申出者からの終了の申出"],
    )


class BlockOut(BaseModel):
    block_id: str = Field(description="抑止ID")
    kind: str = Field(description="block 抑止 / support 支援措置")
    label: str = Field(description="表示名", examples=["証明書発行抑止（エラー）"])
    addressee_no: str | None
    household_no: str | None
    processes: list[str]
    level: str
    start_on: date
    end_on: date | None
    released_on: date | None
    temporary_release_until: datetime | None
    support_stage: str | None = Field(
        description="provisional 仮支援措置 / approved 支援措置 / continued 前住所地として継続"
    )
    reason: str
    version: int
    in_force: bool = Field(description="有効")
    past_end: bool = Field(description="期限経過（終了日を過ぎても解除まで有効）")
    temporarily_released: bool = Field(description="一時解除中")
    alert: str | None = Field(description="支援措置の期間終了のアラート")

    @classmethod
    def of(cls, b: Block, today: date, now: datetime) -> BlockOut:
        in_force = b.in_force(today)
        return cls(
            block_id=b.block_id,
            kind=b.kind,
            label=b.label,
            addressee_no=b.addressee_no,
            household_no=b.household_no,
            processes=sorted(b.processes),
            level=b.level,
            start_on=b.start_on,
            end_on=b.end_on,
            released_on=b.released_on,
            temporary_release_until=b.temporary_release_until,
            support_stage=b.support_stage,
            reason=b.reason,
            version=b.version,
            in_force=in_force,
            past_end=b.past_end(today),
            temporarily_released=b.temporarily_released(now),
            alert=rules.expiry_alert(b.end_on, today) if b.kind == "support" and in_force else None,
        )


Manage = Annotated[Principal, Depends(Requires(MANAGE))]


def change(request: Request, p: Principal, today: date, fn: Callable[..., Block], cmd: Any) -> BlockOut:
    """Run one block service in the caller's unit of work and commit."""
    with open_uow(request, p) as uow:
        b = fn(cmd, uow, today=today, store=SqlBlockStore(uow))
        uow.commit()
        return BlockOut.of(b, today, uow.now)


def list_of(request: Request, p: Principal, today: date, **target: Any) -> list[BlockOut]:
    with open_uow(request, p) as uow:
        views = bs.list_blocks(uow, today=today, store=SqlBlockStore(uow), **target)
        uow.commit()
        return [BlockOut.of(v.block, today, uow.now) for v in views]


def router() -> APIRouter:
    r = APIRouter(prefix=API_PREFIX, tags=TAGS, route_class=JukiRoute)

    @r.get("/blocks", response_model=list[BlockOut], summary="抑止・支援措置の一覧")
    def get_blocks(
        request: Request,
        p: Annotated[Principal, Depends(Requires(READ))],
        today: Today,
        addressee_no: str | None = None,
        household_no: str | None = None,
        include_released: Annotated[bool, Query(description="解除済みを含める")] = False,
    ) -> list[BlockOut]:
        """個人又は世帯の抑止・支援措置（宛名番号か世帯番号のどちらか一方を指定）。"""
        return list_of(request, p, today, addressee_no=addressee_no, household_no=household_no,
                       include_released=include_released)  # fmt: skip

    @r.post("/blocks", response_model=BlockOut, status_code=201, summary="抑止の設定")
    def set_block(request: Request, body: SetBlockIn, p: Manage, today: Today) -> BlockOut:
        cmd = bs.SetBlock(**body.model_dump())
        return change(request, p, today, bs.set_block, cmd)

    @r.post("/blocks/{block_id}/release", response_model=BlockOut, summary="抑止の解除")
    def release(request: Request, block_id: str, body: ReasonIn, p: Manage, today: Today) -> BlockOut:
        return change(request, p, today, bs.release_block, bs.ReleaseBlock(block_id, body.reason))

    @r.post("/blocks/{block_id}/temporary-release", response_model=BlockOut, summary="抑止の一時解除")
    def temporary(
        request: Request, block_id: str, body: TemporaryReleaseIn, p: Manage, today: Today
    ) -> BlockOut:
        """指定時間（既定30分）だけ処理を通し、その後自動で抑止に戻ります（他システムへは連携しません）。"""
        cmd = bs.TemporaryRelease(block_id, body.minutes, body.reason)
        return change(request, p, today, bs.temporary_release, cmd)

    @r.post("/support-measures", response_model=BlockOut, status_code=201, summary="支援措置の受付")
    def start_support(request: Request, body: StartSupportIn, p: Manage, today: Today) -> BlockOut:
        return change(request, p, today, bs.start_support, bs.StartSupport(**body.model_dump()))

    @r.post("/support-measures/{block_id}/approve", response_model=BlockOut, summary="仮支援措置の承認")
    def approve(request: Request, block_id: str, body: ApproveIn, p: Manage, today: Today) -> BlockOut:
        return change(
            request, p, today, bs.approve_support, bs.ApproveSupport(block_id, body.start_on, body.end_on)
        )

    @r.post("/support-measures/{block_id}/extend", response_model=BlockOut, summary="支援措置の延長")
    def extend(request: Request, block_id: str, body: ExtendIn, p: Manage, today: Today) -> BlockOut:
        """期間終了日の1か月前から、終了日の翌日から1年延長します。"""
        return change(request, p, today, bs.extend_support, bs.ExtendSupport(block_id, body.end_on))

    @r.post("/support-measures/{block_id}/end", response_model=BlockOut, summary="支援措置の終了")
    def end(request: Request, block_id: str, body: EndIn, p: Manage, today: Today) -> BlockOut:
        return change(request, p, today, bs.end_support, bs.EndSupport(block_id, body.reason))

    @r.get("/support-measures/expiring", response_model=list[BlockOut], summary="期間終了が近い支援措置")
    def expiring(request: Request, p: Manage, today: Today) -> list[BlockOut]:
        with open_uow(request, p) as uow:
            views = bs.list_support_expiring(uow, today=today, store=SqlBlockStore(uow))
            uow.commit()
            return [BlockOut.of(v.block, today, uow.now) for v in views]

    return r
