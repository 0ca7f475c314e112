"""照会 API: a resident's current record with the household, the history, a household.

Every read is audited once (``juki.resident`` / ``juki.resident.history`` / ``juki.household``);
the 個人番号 is masked unless the caller holds ``mynumber.view`` and asks for it.
Another tenant's 宛名番号 is simply not found (404): every query filters the tenant.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_common import API_PREFIX, TAGS, JukiRoute, Today, open_uow
from kikan.adapters.api.routes.juki_queries import household_view, resident_history, resident_view
from kikan.adapters.db import juki_blocks
from kikan.juki.events import REASON_BY_CODE
from kikan.juki.items import HISTORY_ITEMS, ITEMS

READ = "juki.read"
ITEM_NAMES = tuple(i.name for i in ITEMS if not i.secret)
META = ("history_no", *(i.name for i in HISTORY_ITEMS), "notice_on", "applied_on", "requested_on", "cancelled",
        "migrated", "recorded_at", "recorded_by", "move_id")  # fmt: skip


class MemberOut(BaseModel):
    addressee_no: str = Field(description="宛名番号")
    household_order: int | None = Field(description="世帯員の並び順")
    family_name: str | None = Field(description="氏")
    given_name: str | None = Field(description="名")
    family_name_kana: str | None = Field(description="氏フリガナ")
    given_name_kana: str | None = Field(description="名フリガナ")
    birth_date: date | None = Field(description="生年月日")
    sex: str | None = Field(description="性別（1: 男, 2: 女）")
    relationship: str | None = Field(description="続柄")
    resident_kind: str | None = Field(description="住民種別（japanese / foreign）")
    flags: list[str] = Field(description="抑止・支援措置の表示（block:error, block:alert, support 等）")


class HouseholdOut(BaseModel):
    household_no: str = Field(description="世帯番号")
    version: int = Field(description="世帯の版（異動の expected_household_version に指定）")
    status: str = Field(description="active（現存）/ dissolved（消滅）")
    head_addressee_no: str | None = Field(description="世帯主の宛名番号")
    address: str | None = Field(description="住所")
    katagaki: str | None = Field(description="方書")
    postal_code: str | None = Field(description="郵便番号")
    town_code: str | None = Field(description="町字コード")
    members: list[MemberOut] = Field(description="現存する世帯員（世帯員の並び順）")


class ResidentOut(BaseModel):
    addressee_no: str = Field(description="宛名番号")
    history_no: int = Field(description="現在の履歴番号")
    version: int = Field(description="住民の版")
    status: str = Field(description="住民状態（resident 住民 / removed 消除）")
    record: dict[str, Any] = Field(description="現在の記載事項（項目名は kikan.juki.items のとおり）")
    individual_number: str | None = Field(
        description="個人番号。既定ではマスク（************）。mynumber.view 権限で show_individual_number=true のとき表示"
    )
    individual_number_shown: bool = Field(description="個人番号を表示したか（アクセスログに記録）")
    household: HouseholdOut | None = Field(description="世帯")
    flags: list[str] = Field(description="抑止・支援措置の表示")
    alerts: list[str] = Field(description="照会抑止（アラート）・支援措置の注意")
    masked: bool = Field(description="支援措置対象者のため住所等を非表示にした")


class HistoryOut(BaseModel):
    history_no: int = Field(description="履歴番号")
    event_code: str | None = Field(description="異動事由コード")
    event_name: str | None = Field(description="異動事由")
    event_category: str | None = Field(description="標準仕様書の異動事由の区分")
    event_on: date | None = Field(description="異動日")
    reported_on: date | None = Field(description="届出日")
    processed_on: date | None = Field(description="処理日")
    cancelled: bool = Field(description="異動の取消し済み")
    recorded_at: datetime | None = Field(description="記録日時")
    recorded_by: str | None = Field(description="入力者")
    meta: dict[str, Any] = Field(description="通知日・申出日・入力場所・留意事項等")
    record: dict[str, Any] = Field(description="この履歴の記載事項（全項目）")


def members_out(members: list[dict[str, Any]], flags: dict[str, list[str]]) -> list[MemberOut]:
    keys = set(MemberOut.model_fields) - {"flags"}
    return [MemberOut.model_validate({**{k: m.get(k) for k in keys}, "flags": flags.get(m["addressee_no"], [])})
            for m in members]  # fmt: skip


def household_out(
    hh: dict[str, Any], members: list[dict[str, Any]], flags: dict[str, list[str]]
) -> HouseholdOut:
    keys = set(HouseholdOut.model_fields) - {"members"}
    return HouseholdOut.model_validate(
        {**{k: hh.get(k) for k in keys}, "members": members_out(members, flags)}
    )


def history_out(row: dict[str, Any]) -> HistoryOut:
    reason = REASON_BY_CODE.get(row.get("event_code") or "")
    return HistoryOut(
        history_no=row["history_no"],
        event_code=row.get("event_code"),
        event_name=reason.name if reason else None,
        event_category=reason.category if reason else None,
        event_on=row.get("event_on"),
        reported_on=row.get("reported_on"),
        processed_on=row.get("processed_on"),
        cancelled=bool(row.get("cancelled")),
        recorded_at=row.get("recorded_at"),
        recorded_by=row.get("recorded_by"),
        meta={k: row.get(k) for k in META if k in row and k not in HistoryOut.model_fields},
        record={k: row.get(k) for k in ITEM_NAMES},
    )


def router() -> APIRouter:
    r = APIRouter(prefix=API_PREFIX, tags=TAGS, route_class=JukiRoute)

    @r.get("/residents/{addressee_no}", response_model=ResidentOut, summary="住民の照会")
    def get_resident(
        request: Request,
        addressee_no: str,
        p: Annotated[Principal, Depends(Requires(READ))],
        today: Today,
        show_individual_number: Annotated[
            bool, Query(description="個人番号を表示する（mynumber.view 権限が必要。アクセスログに記録）")
        ] = False,
    ) -> ResidentOut:
        """現在の記載事項と世帯（世帯員の並び順）。照会抑止（エラー）は 403、他団体の宛名番号は 404。"""
        with open_uow(request, p) as uow:
            v = resident_view(uow, addressee_no, today=today, show_number=show_individual_number)
            uow.commit()
        rec = v.record
        return ResidentOut(
            addressee_no=addressee_no,
            history_no=rec["history_no"],
            version=rec["version"],
            status=rec["status"],
            record={k: rec.get(k) for k in ITEM_NAMES},
            individual_number=v.individual_number,
            individual_number_shown=v.mynumber_shown,
            household=household_out(v.household, v.members, v.flags) if v.household else None,
            flags=v.flags.get(addressee_no, []),
            alerts=v.alerts,
            masked=v.masked,
        )

    @r.get("/residents/{addressee_no}/history", response_model=list[HistoryOut], summary="異動履歴")
    def get_history(
        request: Request, addressee_no: str, p: Annotated[Principal, Depends(Requires(READ))], today: Today
    ) -> list[HistoryOut]:
        """全履歴（履歴番号の昇順、取消し済みの行を含む）。"""
        with open_uow(request, p) as uow:
            rows = resident_history(uow, addressee_no, today=today)
            uow.commit()
        return [history_out(x) for x in rows]

    @r.get("/households/{household_no}", response_model=HouseholdOut, summary="世帯の照会")
    def get_household(
        request: Request, household_no: str, p: Annotated[Principal, Depends(Requires(READ))], today: Today
    ) -> HouseholdOut:
        """世帯と現存する世帯員（世帯員の並び順、標準仕様書5.2）。"""
        with open_uow(request, p) as uow:
            hh, members = household_view(uow, household_no, today=today)
            flags = juki_blocks.flags_for(
                uow.conn, uow.tenant_id, [m["addressee_no"] for m in members], today
            )
            uow.commit()
        return household_out(hh, members, flags)

    return r
