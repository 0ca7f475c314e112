"""世帯変更等: 世帯分離, 世帯合併, 世帯変更, 世帯主変更 (住民基本台帳法第25条: 14日以内に届出).

標準仕様書 4.1.4.1 世帯変更等 (住所の変更と同時には行えない: the address stays; a different 住所
is a 転居), 4.1.4.2 世帯主変更による続柄設定 (members' 続柄 are reset relative to the new head, as
given), 4.0.4 (世帯主不在), 5.2 (並び順: joiners at the end; a new household in the standard order).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from kikan.juki.model import HEAD, check_deadline, check_event_on, check_reported_on, normalize_relationship
from kikan.juki.services import records as rc
from kikan.juki.services.commands import Command
from kikan.juki.services.move import Move, MoveResult

_RELS = Field(
    title="異動後の続柄", description="宛名番号 → 世帯主との続柄", examples=[{"000000000000026": "妻"}]
)


class SplitHousehold(Command):
    """世帯分離: some members form a new household at the same address."""

    household_no: str = Field(title="世帯番号")
    addressee_nos: list[str] = Field(title="分離する世帯員（宛名番号）", min_length=1)
    relationships: dict[str, str] = _RELS


class MergeHouseholds(Command):
    """世帯合併: every member of ``merged_household_no`` joins ``household_no`` (same address)."""

    household_no: str = Field(title="合併先の世帯番号")
    merged_household_no: str = Field(title="合併される世帯番号")
    relationships: dict[str, str] = _RELS


class ChangeHousehold(Command):
    """世帯変更: some members move to another existing household at the same address."""

    household_no: str = Field(title="世帯番号")
    addressee_nos: list[str] = Field(title="異動する世帯員（宛名番号）", min_length=1)
    target_household_no: str = Field(title="異動先世帯番号")
    relationships: dict[str, str] = _RELS


class ChangeHouseholdHead(Command):
    """世帯主変更: a member becomes 世帯主; every other member's 続柄 is given relative to them."""

    household_no: str = Field(title="世帯番号")
    new_head_addressee_no: str = Field(title="新しい世帯主（宛名番号）")
    relationships: dict[str, str] = _RELS


def _start(cmd: Command, uow: Any, today: date, function: str, code: str) -> Move:
    move = Move(uow, cmd, today=today, function=function, code=code)
    check_event_on(move.problems, cmd.event_on, today)
    check_reported_on(move.problems, cmd.reported_on, cmd.event_on, today)
    check_deadline(move.problems, cmd.event_on, cmd.reported_on, "第25条")
    return move


def _members_of(move: Move, household_no: str, nos: list[str], field: str) -> list[dict[str, Any]]:
    by_no = {m["addressee_no"]: m for m in move.members(household_no)}
    outsiders = [no for no in nos if no not in by_no]
    if outsiders:
        move.error(
            field, f"世帯番号 {household_no} の世帯員ではありません（宛名番号 {'、'.join(outsiders)}）"
        )
    return [by_no[no] for no in nos if no in by_no]


def _relationships(move: Move, rels: dict[str, str], nos: list[str], *, head_allowed: bool) -> dict[str, str]:
    out = {no: rc.check_relationship(move, f"続柄（宛名番号 {no}）", r) for no, r in rels.items()}
    missing = [no for no in nos if no not in out]
    if missing:
        move.error("異動後の続柄", f"異動後の続柄を入力してください（宛名番号 {'、'.join(missing)}）")
    extra = sorted(set(out) - set(nos))
    if extra:
        move.error("異動後の続柄", f"異動しない宛名番号の続柄が指定されています（{'、'.join(extra)}）")
    if not head_allowed and any(r == HEAD for r in out.values()):
        move.error("異動後の続柄", "異動先の世帯には既に世帯主がいます（2人目の世帯主は記載できません）")
    return out


def split_household(cmd: SplitHousehold, uow: Any, *, today: date) -> MoveResult:
    """世帯分離 (住民基本台帳法第25条; 標準仕様書 4.1.4.1)."""
    move = _start(cmd, uow, today, "split_household", "341")
    hh = move.household(cmd.household_no, primary=True)
    nos = list(dict.fromkeys(cmd.addressee_nos))
    movers = _members_of(move, cmd.household_no, nos, "分離する世帯員（宛名番号）")
    if len(movers) == len(move.members(cmd.household_no)):
        move.error("分離する世帯員（宛名番号）", "世帯員全員を分離することはできません")
    rels = _relationships(move, cmd.relationships, nos, head_allowed=True)
    head_no = rc.require_one_head(move, rels, "異動後の続柄")
    move.problems.raise_if_errors()
    address = rc.address_items(hh)
    records = [{**m, "relationship": rels[m["addressee_no"]]} for m in movers]
    head_name = rc.full_name(next(r for r in records if r["addressee_no"] == head_no))
    new_no = move.new_household({**address, "status": "active", "head_addressee_no": head_no})
    rc.leave(move, cmd.household_no, set(nos))
    rc.assign_order(records)
    for rec in records:
        rc.set_household(rec, new_no, address, head_name)
        move.stage(rec)
    return move.finish(household_no=new_no, extra={"from_household_no": cmd.household_no})


def merge_households(cmd: MergeHouseholds, uow: Any, *, today: date) -> MoveResult:
    """世帯合併 (住民基本台帳法第25条; 標準仕様書 4.1.4.1): the merged household ends."""
    move = _start(cmd, uow, today, "merge_households", "342")
    if cmd.household_no == cmd.merged_household_no:
        move.error("合併される世帯番号", "同じ世帯は合併できません")
    target = move.household(cmd.household_no, primary=True)
    merged = move.household(cmd.merged_household_no)
    joiners = move.members(cmd.merged_household_no)
    return _join(
        move,
        target,
        merged,
        joiners,
        cmd.relationships,
        extra={"merged_household_no": cmd.merged_household_no},
    )


def change_household(cmd: ChangeHousehold, uow: Any, *, today: date) -> MoveResult:
    """世帯変更 (住民基本台帳法第25条; 標準仕様書 4.1.4.1)."""
    move = _start(cmd, uow, today, "change_household", "343")
    if cmd.household_no == cmd.target_household_no:
        move.error("異動先世帯番号", "異動前と同じ世帯です")
    source = move.household(cmd.household_no, primary=True)
    target = move.household(cmd.target_household_no)
    nos = list(dict.fromkeys(cmd.addressee_nos))
    joiners = _members_of(move, cmd.household_no, nos, "異動する世帯員（宛名番号）")
    return _join(
        move, target, source, joiners, cmd.relationships, extra={"from_household_no": cmd.household_no}
    )


def _join(
    move: Move,
    target: dict[str, Any],
    source: dict[str, Any],
    joiners: list[dict[str, Any]],
    relationships: dict[str, str],
    *,
    extra: dict[str, Any],
) -> MoveResult:
    nos = [j["addressee_no"] for j in joiners]
    rels = _relationships(move, relationships, nos, head_allowed=not target["head_addressee_no"])
    if target["address"] != source["address"]:
        move.error(
            "異動先世帯番号", "住所が異なる世帯へは世帯変更等はできません（転居として処理してください）"
        )
    elif (target.get("katagaki") or "") != (source.get("katagaki") or ""):
        move.alert("方書", "異動者の方書を異動先世帯の方書にそろえます")
    move.problems.raise_if_errors()
    tno = target["household_no"]
    head_no = target["head_addressee_no"] or next((no for no, r in rels.items() if r == HEAD), None)
    head = next((j for j in joiners if j["addressee_no"] == head_no), None)
    if head is None and head_no:
        head = move.person(head_no)
    head_name = rc.full_name(head) if head else None
    if not target["head_addressee_no"] and head_no:
        move.update_household(tno, head_addressee_no=head_no)
    rc.leave(move, source["household_no"], set(nos))
    order = rc.next_order(move.members(tno))
    address = rc.address_items(target)
    for k, j in enumerate(joiners):
        rec = {**j, "relationship": rels[j["addressee_no"]], "household_order": order + k}
        rc.set_household(rec, tno, address, head_name)
        move.stage(rec)
    return move.finish(household_no=tno, extra=extra)


def change_head(cmd: ChangeHouseholdHead, uow: Any, *, today: date) -> MoveResult:
    """世帯主変更 (住民基本台帳法第25条; 標準仕様書 4.1.4.2: 続柄 reset relative to the new head)."""
    move = _start(cmd, uow, today, "change_head", "344")
    hh = move.household(cmd.household_no, primary=True)
    members = move.members(cmd.household_no)
    nos = [m["addressee_no"] for m in members]
    if cmd.new_head_addressee_no not in nos:
        move.error("新しい世帯主（宛名番号）", f"世帯番号 {cmd.household_no} の世帯員ではありません")
    elif cmd.new_head_addressee_no == hh["head_addressee_no"]:
        move.error("新しい世帯主（宛名番号）", "既にこの世帯の世帯主です")
    others = [no for no in nos if no != cmd.new_head_addressee_no]
    rels = _relationships(move, cmd.relationships, others, head_allowed=False)
    move.problems.raise_if_errors()
    records = []
    for m in members:
        rel = HEAD if m["addressee_no"] == cmd.new_head_addressee_no else rels[m["addressee_no"]]
        records.append({**m, "relationship": normalize_relationship(rel)})
    head_name = rc.full_name(next(r for r in records if r["relationship"] == HEAD))
    move.update_household(cmd.household_no, head_addressee_no=cmd.new_head_addressee_no)
    rc.assign_order(records)
    for rec in records:
        rec["head_name"] = head_name
        move.stage(rec)
    return move.finish(household_no=cmd.household_no)
