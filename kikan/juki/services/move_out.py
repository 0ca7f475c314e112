"""Persons leaving the registry: 転出 (国内・特例・国外), 死亡, 職権消除.

Legal basis: 住民基本台帳法第24条 (転出届: あらかじめ、転出先及び転出の予定年月日を届け出る),
第24条の2 (特例転出), 施行令第8条・第12条 (消除); 標準仕様書 1.1.5 除票 (消除事由, 転出先住所（予定）,
事由の生じた年月日 = 転出予定年月日), 4.0.2 (消除して除票とする), 4.0.4 (世帯主不在), 4.1.3 転出,
4.2.2.1 死亡 (異動事由は「死亡」のみ), 4.0.3 (異動日は転出を除き処理日以前).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from kikan.juki.events import reason
from kikan.juki.model import check_deadline, check_death_on, check_event_on, check_reported_on, check_text
from kikan.juki.services import records as rc
from kikan.juki.services.commands import Command, IsoDate
from kikan.juki.services.move import Move, MoveResult

OUT_CODES = {"domestic": "201", "special": "202", "overseas": "203"}


class _Leaving(Command):
    addressee_nos: list[str] = Field(title="異動者（宛名番号）", min_length=1, max_length=50)


class RecordMoveOut(_Leaving):
    """転出 (届出). ``event_on`` is the 転出予定年月日 and may lie after the 処理日."""

    kind: Literal["domestic", "special", "overseas"] = Field(
        default="domestic",
        title="転出の種別",
        description="domestic 転出 / special 特例転出 / overseas 国外転出",
    )
    destination: str = Field(
        title="転出先住所（予定）", min_length=1, max_length=200, examples=["大阪府大阪市北区梅町３番地"]
    )


class RecordDeath(Command):
    """死亡 (死亡届の受理・通知に基づく職権消除). ``event_on`` is the 死亡日."""

    addressee_no: str = Field(title="宛名番号")
    notice_on: IsoDate | None = Field(default=None, title="通知日")


class RemoveByAuthority(_Leaving):
    """職権消除 (施行令第12条第3項): e.g. 実態調査で居住の事実がないとき."""

    notice_on: IsoDate | None = Field(default=None, title="通知日")
    reason_text: str = Field(
        title="職権消除の理由", min_length=1, max_length=200, examples=["実態調査により居住の事実なし"]
    )


def move_out(cmd: RecordMoveOut, uow: Any, *, today: date) -> MoveResult:
    """転出 (住民基本台帳法第24条, 第24条の2): the record is 消除 with 消除事由 国内転出/国外転出 and
    事由の生じた年月日 = 転出予定年月日 (標準仕様書 1.1.5)."""
    code = OUT_CODES[cmd.kind]
    move = Move(uow, cmd, today=today, function="move_out", code=code)
    check_event_on(move.problems, cmd.event_on, today, future_allowed=True)
    check_reported_on(move.problems, cmd.reported_on, cmd.event_on, today, before_event_allowed=True)
    check_deadline(move.problems, cmd.event_on, cmd.reported_on, "第24条")
    if cmd.reported_on is None:
        move.error("届出日", "届出日を入力してください")
    check_text(move.problems, "転出先住所（予定）", cmd.destination)
    result = _remove(move, cmd, cmd.addressee_nos, code, destination=cmd.destination)
    _continue_support_measures(uow, cmd.addressee_nos, today)
    return result


def _continue_support_measures(uow: Any, nos: list[str], today: date) -> None:
    """支援措置 continues after 転出 as 前住所地 protection (標準仕様書 3.4: 転出時に自動で切替え)."""
    from kikan.adapters.db.juki_blocks import SqlBlockStore
    from kikan.juki.block_services import continue_after_move_out

    store = SqlBlockStore(uow)
    for no in nos:
        continue_after_move_out(no, uow, today=today, store=store)


def record_death(cmd: RecordDeath, uow: Any, *, today: date) -> MoveResult:
    """死亡 (戸籍法第86条の死亡届 → 施行令第12条第2項第1号の職権消除; 標準仕様書 4.2.2.1)."""
    move = Move(uow, cmd, today=today, function="record_death", code="211", notice_on=cmd.notice_on)
    check_reported_on(move.problems, cmd.reported_on, cmd.event_on, today)
    snap = move.person(cmd.addressee_no)
    check_death_on(move.problems, cmd.event_on, snap.get("birth_date"), today)
    return _remove(move, cmd, [cmd.addressee_no], "211")


def remove_by_authority(cmd: RemoveByAuthority, uow: Any, *, today: date) -> MoveResult:
    """職権消除 (住民基本台帳法第8条, 施行令第12条第3項)."""
    move = Move(uow, cmd, today=today, function="remove_by_authority", code="231", notice_on=cmd.notice_on)
    check_event_on(move.problems, cmd.event_on, today)
    check_reported_on(move.problems, cmd.reported_on, cmd.event_on, today, before_event_allowed=True)
    move.details = {"reason": cmd.reason_text}
    return _remove(move, cmd, cmd.addressee_nos, "231")


def _remove(
    move: Move, cmd: Command, nos: list[str], code: str, *, destination: str | None = None
) -> MoveResult:
    if len(set(nos)) != len(nos):
        move.error("異動者（宛名番号）", "同じ宛名番号が重複しています")
    snaps = [move.person(no) for no in nos]
    households = sorted({s["household_no"] for s in snaps})
    if len(households) > 1:
        move.error("異動者（宛名番号）", "異なる世帯の住民を1つの異動で消除することはできません")
    hno = households[0]
    move.household(hno, primary=True)
    move.problems.raise_if_errors()
    category = reason(code).category
    for s in snaps:
        rec = dict(s)
        rec.update(status="removed", removal_reason=category, removal_on=cmd.event_on)
        if destination is not None:  # 除票: 転出先住所（予定）, 転出予定年月日, 届出の年月日 (1.1.5)
            rec.update(
                moved_out_to_planned=destination,
                move_out_planned_on=cmd.event_on,
                notified_on=cmd.reported_on,
            )
        move.stage(rec)
    rc.leave(move, hno, set(nos))
    return move.finish(household_no=hno)
