"""修正 of one or more persons' items: 職権修正・誤記修正・軽微な修正, and the 法第30条の50 notices.

Legal basis: 住民基本台帳法第8条, 施行令第12条第3項 (職権修正), 住民基本台帳法第30条の50
(出入国在留管理庁長官からの通知による修正); 標準仕様書 4.2.3 職権修正 (4.2.3.1 修正, 4.2.3.2 軽微な修正,
4.2.3.3 誤記修正), 4.5.6. Household data (住所・方書 …) is copied on every member's row, so it
can only be corrected for the whole household at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from kikan.juki.items import ITEM_BY_NAME
from kikan.juki.model import HEAD, check_birth_on, check_event_on, check_text, parse_iso_date
from kikan.juki.services import records as rc
from kikan.juki.services.commands import Art30_45, Command, IsoDate
from kikan.juki.services.move import Move, MoveResult

CORRECTION_CODES = {"minor": "311", "ex_officio": "312", "clerical_error": "313"}
#: Items kept by dedicated 異動 (numbers, household, state) or derived (世帯主の氏名, 並び順).
NOT_CORRECTABLE = frozenset({
    "household_no", "status", "resident_kind", "individual_number_enc", "individual_number_hash",
    "juminhyo_code", "head_name", "household_order",
})  # fmt: skip
HOUSEHOLD_ITEMS = frozenset(rc.ADDRESS_ITEMS)
_TEXT = frozenset({"family_name", "given_name", "former_family_name", "honseki", "hitto_name", "address", "katagaki",
                   "previous_address", "prior_address", "tsusho", "alpha_name", "remarks", "moved_out_to_planned",
                   "moved_out_to"})  # fmt: skip


class CorrectRecord(Command):
    """職権修正 / 誤記修正 / 軽微な修正 of items (item name → new value; null clears)."""

    kind: Literal["ex_officio", "clerical_error", "minor"] = Field(
        title="修正の種別", description="ex_officio 職権修正 / clerical_error 誤記修正 / minor 軽微な修正"
    )
    addressee_nos: list[str] = Field(title="対象者（宛名番号）", min_length=1, max_length=50)
    changes: dict[str, Any] = Field(title="修正内容", min_length=1, examples=[{"given_name": "太朗"}])
    notice_on: IsoDate | None = Field(default=None, title="通知日")


class ApplyImmigrationNotice(Command):
    """出入国在留管理庁長官通知 (住民基本台帳法第30条の50) による修正: 在留資格・期間・在留カード番号 …"""

    addressee_no: str = Field(title="宛名番号")
    notice_on: IsoDate = Field(title="通知日")
    residence_status: str | None = Field(default=None, title="在留資格", max_length=60)
    period_of_stay: str | None = Field(default=None, title="在留期間", max_length=40)
    stay_expires_on: IsoDate | None = Field(default=None, title="在留期間の満了の日")
    residence_card_no: str | None = Field(default=None, title="在留カード等の番号", pattern=r"^[A-Z0-9]{12}$")
    art30_45_category: Art30_45 | None = Field(default=None, title="法第30条の45に規定する区分")
    nationality: str | None = Field(default=None, title="国籍・地域", max_length=60)
    alpha_name: str | None = Field(default=None, title="氏名（アルファベット）", max_length=200)


def _value(move: Move, name: str, raw: Any) -> Any:
    item = ITEM_BY_NAME[name]
    label = item.ja
    if raw is None:
        return None
    if item.kind == "date":
        if isinstance(raw, date):
            return raw
        try:
            return parse_iso_date(str(raw))
        except ValueError as exc:
            move.error(label, str(exc))
            return None
    if item.kind == "bool":
        if not isinstance(raw, bool):
            move.error(label, f"{label}は true/false で入力してください")
        return raw
    if item.kind == "int":
        if not isinstance(raw, int) or isinstance(raw, bool):
            move.error(label, f"{label}は整数で入力してください")
        return raw
    if not isinstance(raw, str):
        move.error(label, f"{label}は文字列で入力してください")
        return raw
    if item.length and len(raw) > item.length:
        move.error(label, f"{label}は{item.length}文字以内で入力してください")
    if name in _TEXT:
        check_text(move.problems, label, raw)
    if name.endswith("_kana"):
        rc.check_kana(move, label, raw)
    return raw


def correct_record(cmd: CorrectRecord, uow: Any, *, today: date) -> MoveResult:
    """職権修正・誤記修正・軽微な修正 (施行令第12条第3項; 標準仕様書 4.2.3)."""
    code = CORRECTION_CODES[cmd.kind]
    move = Move(uow, cmd, today=today, function="correct_record", code=code, notice_on=cmd.notice_on)
    check_event_on(move.problems, cmd.event_on, today)
    changes: dict[str, Any] = {}
    for name, raw in cmd.changes.items():
        if name not in ITEM_BY_NAME or name in NOT_CORRECTABLE:
            label = ITEM_BY_NAME[name].ja if name in ITEM_BY_NAME else name
            move.error(label, f"{label}は修正で変更できない項目です（専用の異動を使用してください）")
            continue
        changes[name] = _value(move, name, raw)
    if "birth_date" in changes:
        check_birth_on(move.problems, changes["birth_date"], today)
    nos = list(dict.fromkeys(cmd.addressee_nos))
    snaps = [move.person(no, resident=False) for no in nos]
    households = {s["household_no"] for s in snaps}
    if len(households) != 1:
        move.error("対象者（宛名番号）", "1つの修正で対象にできるのは同じ世帯の住民です")
        move.problems.raise_if_errors()
    hno = households.pop()
    resident = all(s["status"] == "resident" for s in snaps)
    if resident:
        move.household(hno, primary=True)
    if HOUSEHOLD_ITEMS & set(changes):
        members = {m["addressee_no"] for m in move.members(hno)} if resident else set()
        if not resident or members != set(nos):
            move.error("修正内容", "住所・方書等の世帯共通の項目は世帯全員を対象に修正してください")
        else:
            move.update_household(hno, **{k: v for k, v in changes.items() if k in HOUSEHOLD_ITEMS})
    if "relationship" in changes:
        _check_relationship_change(move, snaps, changes["relationship"])
    if all(all(s.get(k) == v for k, v in changes.items()) for s in snaps):
        move.error("修正内容", "修正前と同じ内容です")
    move.problems.raise_if_errors()
    head = next((s for s in snaps if s.get("relationship") == HEAD and s["status"] == "resident"), None)
    renamed = (
        {"head_name": rc.full_name({**head, **changes})}
        if head and {"family_name", "given_name"} & set(changes)
        else {}
    )
    for s in snaps:
        move.stage({**s, **changes, **renamed})
    if head is not None and renamed:
        rc.propagate_head_name(move, hno, renamed["head_name"], code, skip=set(nos))
    return move.finish(household_no=hno, extra={"changed_items": sorted(changes)})


def _check_relationship_change(move: Move, snaps: list[dict[str, Any]], rel: Any) -> None:
    value = rc.check_relationship(move, "続柄", rel or "")
    for s in snaps:
        if s.get("relationship") == HEAD and value != HEAD:
            move.error("続柄", "世帯主の続柄は世帯主変更で変更してください")
        elif value == HEAD and s.get("relationship") != HEAD:
            move.error("続柄", "世帯主は世帯主変更で指定してください（2人目の世帯主は記載できません）")


def apply_immigration_notice(cmd: ApplyImmigrationNotice, uow: Any, *, today: date) -> MoveResult:
    """法第30条の50 通知に基づく修正 (標準仕様書 4.5.6): 外国人住民のみ."""
    move = Move(uow, cmd, today=today, function="immigration_notice", code="314", notice_on=cmd.notice_on)
    check_event_on(move.problems, cmd.event_on, today)
    if cmd.notice_on > today:
        move.error("通知日", "通知日に未来の日付は入力できません")
    snap = move.person(cmd.addressee_no)
    if snap["resident_kind"] != "foreign":
        move.error("宛名番号", "出入国在留管理庁長官通知による修正は外国人住民のみです")
    fields = ("residence_status", "period_of_stay", "stay_expires_on", "residence_card_no", "art30_45_category",
              "nationality", "alpha_name")  # fmt: skip
    changes = {f: getattr(cmd, f) for f in fields if getattr(cmd, f) is not None}
    if not changes:
        move.error("通知内容", "修正する項目を入力してください")
    check_text(move.problems, "氏名（アルファベット）", cmd.alpha_name)
    move.household(snap["household_no"], primary=True)
    move.problems.raise_if_errors()
    move.stage({**snap, **changes})
    return move.finish(household_no=snap["household_no"], extra={"changed_items": sorted(changes)})
