"""転居 (住民基本台帳法第23条: 転居をした日から14日以内に届出; 標準仕様書 4.1.2, 4.0.2, 4.0.4).

The whole household moves (its address changes, 世帯番号 kept), or some members move to a new
household at the new address, or join an existing household there (4.0.2 全部/一部). A move to
another building on the same 地番 is a 転居 too (4.1.2.1): only an alert when nothing changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from kikan.juki.model import HEAD, check_deadline, check_event_on, check_reported_on, normalize_relationship
from kikan.juki.services import records as rc
from kikan.juki.services.commands import AddressInput, Command
from kikan.juki.services.move import Move, MoveResult


class RecordMoveWithin(Command):
    """転居 (届出)."""

    addressee_nos: list[str] = Field(title="異動者（宛名番号）", min_length=1, max_length=50)
    address: AddressInput | None = Field(
        default=None, title="新しい住所", description="既存の世帯に入る場合は省略"
    )
    target_household_no: str | None = Field(
        default=None, title="異動先世帯番号", description="転居先の既存の世帯に入る場合"
    )
    relationships: dict[str, str] = Field(
        default_factory=dict,
        title="異動後の続柄",
        description="宛名番号 → 続柄（世帯の一部が異動する場合は必須）",
        examples=[{"000000000000018": "世帯主"}],
    )


def move_within(cmd: RecordMoveWithin, uow: Any, *, today: date) -> MoveResult:
    """転居 (住民基本台帳法第23条; 標準仕様書 4.1.2)."""
    move = Move(uow, cmd, today=today, function="move_within", code="301")
    p = move.problems
    check_event_on(p, cmd.event_on, today)
    check_reported_on(p, cmd.reported_on, cmd.event_on, today)
    check_deadline(p, cmd.event_on, cmd.reported_on, "第23条")
    if cmd.reported_on is None:
        move.error("届出日", "届出日を入力してください")
    rc.check_address(move, cmd.address)
    nos = list(dict.fromkeys(cmd.addressee_nos))
    snaps = [move.person(no) for no in nos]
    households = {s["household_no"] for s in snaps}
    if len(households) != 1:
        move.error("異動者（宛名番号）", "1つの転居で異動できるのは同じ世帯の住民です")
        p.raise_if_errors()
    hno = households.pop()
    hh = move.household(hno, primary=True)
    whole = {m["addressee_no"] for m in move.members(hno)} <= set(nos)
    rels = {
        no: rc.check_relationship(move, f"続柄（宛名番号 {no}）", r) for no, r in cmd.relationships.items()
    }
    unknown = set(rels) - set(nos)
    if unknown:
        move.error(
            "異動後の続柄", f"異動者でない宛名番号の続柄が指定されています（{'、'.join(sorted(unknown))}）"
        )
    if cmd.target_household_no:
        return _join(move, cmd, snaps, hno, rels)
    if cmd.address is None:
        move.error("新しい住所", "新しい住所を入力してください")
        p.raise_if_errors()
    assert cmd.address is not None
    new_address = rc.address_items(cmd.address)
    old = rc.address_items(hh)
    if new_address["address"] == old["address"] and new_address["katagaki"] == old["katagaki"]:
        move.alert(
            "新しい住所", "住所・方書が変わっていません（同一住所（地番）の別の家屋への転居として処理します）"
        )
    if whole and not rels:
        move.update_household(hno, **new_address)
        records = [dict(s) for s in snaps]
        target, head_name = hno, None
    else:
        missing = [no for no in nos if no not in rels]
        if missing:
            move.error("異動後の続柄", f"異動後の続柄を入力してください（宛名番号 {'、'.join(missing)}）")
        head_no = rc.require_one_head(move, {no: rels.get(no, "") for no in nos}, "異動後の続柄")
        p.raise_if_errors()
        records = [{**s, "relationship": rels[s["addressee_no"]]} for s in snaps]
        head = next(r for r in records if r["addressee_no"] == head_no)
        head_name = rc.full_name(head)
        if whole:
            move.update_household(hno, head_addressee_no=head_no, **new_address)
            target = hno
        else:
            target = move.new_household({**new_address, "status": "active", "head_addressee_no": head_no})
            rc.leave(move, hno, set(nos))
        rc.assign_order(records)
    for rec in records:
        rc.set_household(rec, target, new_address, head_name or rec.get("head_name"))
        rec.update(prior_address=old["address"], address_set_on=cmd.event_on, notified_on=cmd.reported_on)
        move.stage(rec)
    return move.finish(household_no=target)


def _join(
    move: Move, cmd: RecordMoveWithin, snaps: list[dict[str, Any]], hno: str, rels: dict[str, str]
) -> MoveResult:
    """転居 into an existing household at the new address (4.0.2 一部)."""
    target = cmd.target_household_no
    assert target is not None
    if target == hno:
        move.error("異動先世帯番号", "異動前と同じ世帯です")
    if cmd.address is not None:
        move.error(
            "新しい住所", "既存の世帯に入る場合、住所は異動先世帯の住所になります（入力しないでください）"
        )
    tgt = move.household(target)
    nos = [s["addressee_no"] for s in snaps]
    missing = [no for no in nos if no not in rels]
    if missing:
        move.error("異動後の続柄", f"異動先世帯主との続柄を入力してください（宛名番号 {'、'.join(missing)}）")
    heads = [no for no, r in rels.items() if normalize_relationship(r) == HEAD]
    if heads and tgt["head_addressee_no"]:
        move.error(
            "異動後の続柄", f"世帯番号 {target} には既に世帯主がいます（2人目の世帯主は記載できません）"
        )
    move.problems.raise_if_errors()
    head_no = heads[0] if heads else tgt["head_addressee_no"]
    head_snap = next((s for s in snaps if s["addressee_no"] == head_no), None) or (
        move.person(head_no) if head_no else None
    )
    head_name = rc.full_name(head_snap) if head_snap else None
    address, old = rc.address_items(tgt), rc.address_items(move.households[hno])
    order = rc.next_order(move.members(target))
    if heads:
        move.update_household(target, head_addressee_no=head_no)
    rc.leave(move, hno, set(nos))
    for k, s in enumerate(snaps):
        rec = {**s, "relationship": rels[s["addressee_no"]], "household_order": order + k}
        rc.set_household(rec, target, address, head_name)
        rec.update(prior_address=old["address"], address_set_on=cmd.event_on, notified_on=cmd.reported_on)
        move.stage(rec)
    return move.finish(household_no=target)
