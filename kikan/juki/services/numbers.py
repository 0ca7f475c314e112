"""個人番号 and 住民票コード changes; 旧氏 and 通称.

Legal basis: 番号法第7条第1項 (指定), 第7条第2項 and 番号法施行令第3条第4項 (請求による変更),
施行令第4条第1項 (職権による変更), 住民基本台帳法施行令第12条第3項 (誤記・記載漏れの職権修正);
住民基本台帳法第30条の3 (住民票コードの変更請求), 第30条の2・第30条の4 (職権記載);
住民基本台帳法施行令第30条の13〜第30条の15 (旧氏の記載・変更・削除は請求による),
同第30条の16〜第30条の27 (通称の記載・削除は申出による); 標準仕様書 1.1.7, 4.3, 4.4, 7.1.2.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from kikan.adapters.db import juki_repo as repo
from kikan.juki.model import check_event_on, check_text
from kikan.juki.services import records as rc
from kikan.juki.services.commands import Command, IsoDate
from kikan.juki.services.move import Move, MoveResult

NUMBER_CODES = {"request": "321", "ex_officio_correction": "322", "ex_officio_record": "323"}
CODE_CODES = {"request": "331", "ex_officio": "332"}
FORMER_CODES = {"record": "351", "change": "352", "delete": "353"}
ALIAS_CODES = {"record": "361", "delete": "362"}


class ChangeIndividualNumber(Command):
    """個人番号の変更請求 / 職権修正 / 職権記載."""

    addressee_no: str = Field(title="宛名番号")
    kind: Literal["request", "ex_officio_correction", "ex_officio_record"] = Field(
        title="種別",
        description="request 変更請求 / ex_officio_correction 職権修正 / ex_officio_record 職権記載",
    )
    individual_number: str = Field(title="個人番号", examples=["123456789018"])
    notice_on: IsoDate | None = Field(default=None, title="通知日")


class ChangeResidentRecordCode(Command):
    """住民票コードの変更請求 / 職権記載."""

    addressee_no: str = Field(title="宛名番号")
    kind: Literal["request", "ex_officio"] = Field(
        title="種別", description="request 変更請求 / ex_officio 職権記載"
    )
    juminhyo_code: str = Field(title="住民票コード", examples=["12345678906"])


class RecordFormerSurname(Command):
    """旧氏の記載・変更・削除 (請求による; 日本人住民のみ)."""

    addressee_no: str = Field(title="宛名番号")
    action: Literal["record", "change", "delete"] = Field(
        title="処理", description="record 記載 / change 変更 / delete 削除"
    )
    former_family_name: str | None = Field(default=None, title="旧氏", max_length=100)
    former_family_name_kana: str | None = Field(default=None, title="旧氏フリガナ", max_length=100)
    requested_on: IsoDate = Field(title="請求日")


class RecordAlias(Command):
    """通称の記載・削除 (申出による; 外国人住民のみ)."""

    addressee_no: str = Field(title="宛名番号")
    action: Literal["record", "delete"] = Field(title="処理", description="record 記載 / delete 削除")
    tsusho: str | None = Field(default=None, title="通称", max_length=100)
    tsusho_kana: str | None = Field(default=None, title="通称フリガナ", max_length=100)
    applied_on: IsoDate = Field(title="申出日")


def _start(
    cmd: Command, uow: Any, today: date, function: str, code: str, addressee_no: str, **dates: Any
) -> tuple[Move, dict[str, Any]]:
    move = Move(uow, cmd, today=today, function=function, code=code, **dates)
    check_event_on(move.problems, cmd.event_on, today)
    for label, value in dates.items():
        if value is not None and value > today:
            move.error(
                {"requested_on": "請求日", "applied_on": "申出日"}.get(label, "通知日"),
                "未来の日付は入力できません",
            )
    snap = move.person(addressee_no)
    move.household(snap["household_no"], primary=True)
    return move, snap


def change_individual_number(cmd: ChangeIndividualNumber, uow: Any, *, today: date) -> MoveResult:
    """個人番号の変更 (番号法第7条; 標準仕様書 4.4)."""
    code = NUMBER_CODES[cmd.kind]
    move, snap = _start(
        cmd, uow, today, "change_individual_number", code, cmd.addressee_no, notice_on=cmd.notice_on
    )
    rc.check_identifier(move, "個人番号", cmd.individual_number, "number")
    move.problems.raise_if_errors()
    items = rc.number_items(cmd.individual_number)
    has = bool(snap.get("individual_number_hash"))
    if cmd.kind == "ex_officio_record" and has:
        move.error("種別", "既に個人番号が記載されています（変更請求または職権修正を選択してください）")
    if cmd.kind != "ex_officio_record" and not has:
        move.error("種別", "個人番号が記載されていません（職権記載を選択してください）")
    # Every key of the ring: during a key rotation a stored hash may still be under an older key.
    hashes = rc.number_hashes(cmd.individual_number)
    if snap.get("individual_number_hash") in hashes:
        move.error("個人番号", "現在の個人番号と同じです")
    elif [f for f in repo.find_residents(uow, number_hashes=hashes) if f["addressee_no"] != cmd.addressee_no]:
        move.error("個人番号", "この個人番号は既に他の住民に記録されています")
    move.problems.raise_if_errors()
    move.stage({**snap, **items})
    return move.finish(household_no=snap["household_no"])


def change_resident_record_code(cmd: ChangeResidentRecordCode, uow: Any, *, today: date) -> MoveResult:
    """住民票コードの変更請求・職権記載 (住民基本台帳法第30条の3, 第30条の2; 標準仕様書 4.3.2)."""
    move, snap = _start(cmd, uow, today, "change_juminhyo_code", CODE_CODES[cmd.kind], cmd.addressee_no)
    rc.check_identifier(move, "住民票コード", cmd.juminhyo_code, "code")
    if cmd.juminhyo_code == snap.get("juminhyo_code"):
        move.error("住民票コード", "現在の住民票コードと同じです")
    elif repo.find_residents(uow, juminhyo_code=cmd.juminhyo_code):
        move.error("住民票コード", "この住民票コードは既に他の住民に記録されています")
    move.problems.raise_if_errors()
    move.stage({**snap, "juminhyo_code": cmd.juminhyo_code})
    return move.finish(household_no=snap["household_no"])


def record_former_surname(cmd: RecordFormerSurname, uow: Any, *, today: date) -> MoveResult:
    """旧氏の記載・変更・削除 (施行令第30条の13〜第30条の15; 標準仕様書 1.1.7)."""
    move, snap = _start(cmd, uow, today, "former_surname", FORMER_CODES[cmd.action], cmd.addressee_no,
                        requested_on=cmd.requested_on)  # fmt: skip
    if snap["resident_kind"] != "japanese":
        move.error("宛名番号", "旧氏は日本人住民のみ記載できます")
    has = bool(snap.get("former_family_name"))
    if cmd.action == "record" and has:
        move.error("処理", "既に旧氏が記載されています（変更を選択してください）")
    if cmd.action != "record" and not has:
        move.error("処理", "旧氏が記載されていません")
    changes: dict[str, Any]
    if cmd.action == "delete":
        changes = {"former_family_name": None, "former_family_name_kana": None, "former_kana_confirmed": None}
    else:
        if not cmd.former_family_name:
            move.error("旧氏", "旧氏を入力してください")
        check_text(move.problems, "旧氏", cmd.former_family_name)
        rc.check_kana(move, "旧氏フリガナ", cmd.former_family_name_kana)
        changes = {
            "former_family_name": cmd.former_family_name,
            "former_family_name_kana": cmd.former_family_name_kana,
        }
    move.problems.raise_if_errors()
    move.stage({**snap, **changes})
    return move.finish(household_no=snap["household_no"])


def record_alias(cmd: RecordAlias, uow: Any, *, today: date) -> MoveResult:
    """通称の記載・削除 (施行令第30条の16, 第30条の26; 標準仕様書 1.1.7)."""
    move, snap = _start(
        cmd, uow, today, "alias", ALIAS_CODES[cmd.action], cmd.addressee_no, applied_on=cmd.applied_on
    )
    if snap["resident_kind"] != "foreign":
        move.error("宛名番号", "通称は外国人住民のみ記載できます")
    if cmd.action == "record":
        if snap.get("tsusho"):
            move.error("処理", "既に通称が記載されています")
        if not cmd.tsusho:
            move.error("通称", "通称を入力してください")
        check_text(move.problems, "通称", cmd.tsusho)
        rc.check_kana(move, "通称フリガナ", cmd.tsusho_kana)
        changes = {"tsusho": cmd.tsusho, "tsusho_kana": cmd.tsusho_kana, "tsusho_recorded_on": cmd.event_on}
    else:
        if not snap.get("tsusho"):
            move.error("処理", "通称が記載されていません")
        changes = {"tsusho": None, "tsusho_kana": None, "tsusho_recorded_on": None}
    move.problems.raise_if_errors()
    move.stage({**snap, **changes})
    return move.finish(household_no=snap["household_no"])
