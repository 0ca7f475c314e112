"""帰化・国籍取得 (外国人住民票 → 日本人住民票) and 国籍喪失 (the reverse).

Legal basis: 住民基本台帳法第8条, 施行令第12条 (戸籍の届出・通知による職権消除・職権記載); 標準仕様書
4.5.3 帰化 / 4.5.4 国籍取得 (住所, 生年月日, 性別, 続柄, 住所を定めた年月日, 住民票コード, 宛名番号,
個人番号, 転入前住所 are carried over; 外国人住民となった年月日 becomes 住民となった年月日) and 4.5.5
国籍喪失 (外国人住民となった年月日 = the later of 国籍を失った日 and 住民となった年月日). One 異動 writes
two rows on the same 宛名番号: the 消除 of the old record, then the 記載 of the new one.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from kikan.juki.items import ITEMS
from kikan.juki.model import HEAD, check_event_on, check_text
from kikan.juki.services import records as rc
from kikan.juki.services.commands import Art30_45, Command, IsoDate
from kikan.juki.services.move import Move, MoveResult

NATURALIZATION_CODES = {"naturalization": ("221", "121"), "acquisition": ("222", "122")}
REMOVAL_ITEMS = tuple(i.name for i in ITEMS if i.group == "removal")


class RecordNaturalization(Command):
    """帰化 or 国籍取得 of a foreign resident (the 異動日 is the day of 帰化/取得)."""

    addressee_no: str = Field(title="宛名番号")
    kind: Literal["naturalization", "acquisition"] = Field(
        default="naturalization", title="種別", description="naturalization 帰化 / acquisition 国籍取得"
    )
    family_name: str = Field(title="氏", min_length=1, max_length=100)
    given_name: str = Field(default="", title="名", max_length=100)
    family_name_kana: str | None = Field(default=None, title="氏フリガナ", max_length=100)
    given_name_kana: str | None = Field(default=None, title="名フリガナ", max_length=100)
    honseki: str = Field(title="本籍", min_length=1, max_length=200)
    hitto_name: str = Field(title="筆頭者", min_length=1, max_length=100)
    notice_on: IsoDate | None = Field(default=None, title="通知日")


class RecordNationalityLoss(Command):
    """国籍喪失 of a Japanese resident (the 異動日 is the day the nationality was lost)."""

    addressee_no: str = Field(title="宛名番号")
    nationality: str = Field(title="国籍・地域", min_length=1, max_length=60)
    alpha_name: str | None = Field(default=None, title="氏名（アルファベット）", max_length=200)
    art30_45_category: Art30_45 = Field(
        default="国籍喪失による経過滞在者", title="法第30条の45に規定する区分"
    )
    residence_status: str | None = Field(default=None, title="在留資格", max_length=60)
    period_of_stay: str | None = Field(default=None, title="在留期間", max_length=40)
    stay_expires_on: IsoDate | None = Field(default=None, title="在留期間の満了の日")
    residence_card_no: str | None = Field(default=None, title="在留カード等の番号", pattern=r"^[A-Z0-9]{12}$")
    notice_on: IsoDate | None = Field(default=None, title="通知日")


def _removed(snap: dict[str, Any], category: str, on: date) -> dict[str, Any]:
    return {**snap, "status": "removed", "removal_reason": category, "removal_on": on}


def _switch(
    move: Move, snap: dict[str, Any], new: dict[str, Any], codes: tuple[str, str], category: str
) -> MoveResult:
    move.household(snap["household_no"], primary=True)
    move.problems.raise_if_errors()
    move.stage(_removed(snap, category, move.cmd.event_on), codes[0])
    record = {**snap, **{k: None for k in REMOVAL_ITEMS}, **new, "status": "resident"}
    if snap.get("relationship") == HEAD:
        record["head_name"] = rc.full_name(record)
    move.stage(record, codes[1])
    if snap.get("relationship") == HEAD and record["head_name"] != snap.get("head_name"):
        rc.propagate_head_name(
            move, snap["household_no"], record["head_name"], "312", skip={snap["addressee_no"]}
        )
    return move.finish(household_no=snap["household_no"])


def record_naturalization(cmd: RecordNaturalization, uow: Any, *, today: date) -> MoveResult:
    """帰化・国籍取得 (標準仕様書 4.5.3, 4.5.4): 職権消除（帰化等） + 職権記載（帰化等）, same 宛名番号."""
    codes = NATURALIZATION_CODES[cmd.kind]
    move = Move(uow, cmd, today=today, function="naturalization", code=codes[1], notice_on=cmd.notice_on)
    check_event_on(move.problems, cmd.event_on, today)
    snap = move.person(cmd.addressee_no)
    if snap["resident_kind"] != "foreign":
        move.error("宛名番号", "帰化・国籍取得は外国人住民についてのみ入力できます")
    for name, label in (
        ("family_name", "氏"),
        ("given_name", "名"),
        ("honseki", "本籍"),
        ("hitto_name", "筆頭者"),
    ):
        check_text(move.problems, label, getattr(cmd, name))
    rc.check_kana(move, "氏フリガナ", cmd.family_name_kana)
    rc.check_kana(move, "名フリガナ", cmd.given_name_kana)
    new: dict[str, Any] = {k: None for k in rc.FOREIGN_ITEMS}
    new.update(
        resident_kind="japanese",
        family_name=cmd.family_name,
        given_name=cmd.given_name,
        family_name_kana=cmd.family_name_kana,
        given_name_kana=cmd.given_name_kana,
        honseki=cmd.honseki,
        hitto_name=cmd.hitto_name,
        became_resident_on=snap.get("foreign_resident_on") or snap.get("became_resident_on"),
    )
    return _switch(move, snap, new, codes, "職権消除（帰化等）")


def record_nationality_loss(cmd: RecordNationalityLoss, uow: Any, *, today: date) -> MoveResult:
    """国籍喪失 (標準仕様書 4.5.5): 職権消除（国籍喪失） + 職権記載（国籍喪失）, same 宛名番号."""
    move = Move(uow, cmd, today=today, function="nationality_loss", code="123", notice_on=cmd.notice_on)
    check_event_on(move.problems, cmd.event_on, today)
    snap = move.person(cmd.addressee_no)
    if snap["resident_kind"] != "japanese":
        move.error("宛名番号", "国籍喪失は日本人住民についてのみ入力できます")
    check_text(move.problems, "氏名（アルファベット）", cmd.alpha_name)
    became = snap.get("became_resident_on")
    new: dict[str, Any] = {k: None for k in rc.JAPANESE_ITEMS}
    new.update(
        resident_kind="foreign",
        nationality=cmd.nationality,
        alpha_name=cmd.alpha_name,
        art30_45_category=cmd.art30_45_category,
        residence_status=cmd.residence_status,
        period_of_stay=cmd.period_of_stay,
        stay_expires_on=cmd.stay_expires_on,
        residence_card_no=cmd.residence_card_no,
        foreign_resident_on=max(cmd.event_on, became) if became else cmd.event_on,
    )
    return _switch(move, snap, new, ("223", "123"), "職権消除（国籍喪失）")
