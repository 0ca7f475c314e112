"""異動の取消し (標準仕様書 4.6.0.1, 4.6.1.1).

Cancels the latest 異動 of the persons given — all rows that 異動 wrote, for every person it
touched. It is a 異動 of its own: nothing is deleted; the cancelled rows are flagged
``cancelled`` and each person gets a new row restoring the items before the cancelled 異動
(異動の取消し（増） when a removed person comes back, （減） when an entered person goes,
（修正） otherwise). Households follow: a person returns to the former household (re-opened
if it had ended), a household left without members ends. A 「転居取消」 category does not
exist (1.2.2 【実装しない機能】).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from kikan.adapters.db import juki_repo as repo
from kikan.juki.events import reason
from kikan.juki.items import ITEMS
from kikan.juki.model import HEAD, check_event_on, check_reported_on
from kikan.juki.services import records as rc
from kikan.juki.services.commands import Command, IsoDate
from kikan.juki.services.move import Move, MoveResult

CANCEL_CODES = {"increase": "191", "decrease": "291", "modify": "391"}
ITEM_NAMES = tuple(i.name for i in ITEMS)


class CancelMove(Command):
    """異動の取消し: the latest 異動 of these persons is cancelled (申出によるときは申出日)."""

    addressee_nos: list[str] = Field(title="取消しの対象者（宛名番号）", min_length=1, max_length=50)
    applied_on: IsoDate | None = Field(default=None, title="申出日")


def cancel_move(cmd: CancelMove, uow: Any, *, today: date) -> MoveResult:
    """異動の取消し (標準仕様書 4.6.0.1): history is stacked, never deleted."""
    move = Move(uow, cmd, today=today, function="cancel_move", code="391", applied_on=cmd.applied_on)
    check_event_on(move.problems, cmd.event_on, today)
    check_reported_on(move.problems, cmd.reported_on, cmd.event_on, today, before_event_allowed=True)
    given = [move.person(no, resident=False) for no in dict.fromkeys(cmd.addressee_nos)]
    move_ids = {s.get("move_id") for s in given}
    if None in move_ids:
        move.error("取消しの対象者（宛名番号）", "取り消せる異動がありません（移行データ等）")
    elif len(move_ids) > 1:
        move.error(
            "取消しの対象者（宛名番号）",
            "指定された住民の直近の異動が異なります。1つの異動ごとに取り消してください",
        )
    elif any(reason(s["event_code"]).event_type == "MoveCancelled" for s in given):
        move.error(
            "取消しの対象者（宛名番号）",
            "異動の取消しを取り消すことはできません。改めて異動を入力してください",
        )
    move.problems.raise_if_errors()
    rows = repo.rows_of_move(uow, str(move_ids.pop()))
    span: dict[str, tuple[int, int]] = {}
    for r in rows:
        lo, hi = span.get(r["addressee_no"], (r["history_no"], r["history_no"]))
        span[r["addressee_no"]] = (min(lo, r["history_no"]), max(hi, r["history_no"]))
    restored: list[tuple[dict[str, Any], dict[str, Any], str]] = []
    for no, (first, last) in sorted(span.items()):
        cur = move.person(no, resident=False)
        if cur["history_no"] != last:
            move.error("取消しの対象者（宛名番号）", f"宛名番号 {no} には後続の異動があるため取り消せません")
            continue
        prior = repo.row(uow, no, first - 1) if first > 1 else None
        restored.append((cur, *_restore(cur, prior, cmd.event_on)))
    move.problems.raise_if_errors()
    move.household(given[0]["household_no"], primary=True, active=False)
    _households(move, restored)
    codes = {code for _, _, code in restored}
    move.code = next(c for c in ("191", "291", "391") if c in codes)
    move.cancel_rows = [(r["addressee_no"], r["history_no"]) for r in rows]
    for _, rec, code in restored:
        move.stage(rec, code)
    cancelled = rows[0]
    return move.finish(
        household_no=restored[0][1]["household_no"],
        extra={"cancelled_move_id": cancelled["move_id"], "cancelled_event_code": cancelled["event_code"]},
    )


def _restore(cur: dict[str, Any], prior: dict[str, Any] | None, on: date) -> tuple[dict[str, Any], str]:
    if prior is None:  # the cancelled 異動 entered the person (転入, 出生, 職権記載)
        rec = {**cur, "status": "removed", "removal_reason": "異動の取消し（減）", "removal_on": on}
        return rec, CANCEL_CODES["decrease"]
    rec = {
        **{k: prior.get(k) for k in ITEM_NAMES},
        "addressee_no": cur["addressee_no"],
        "version": cur["version"],
    }
    if cur["status"] == "removed" and prior["status"] == "resident":
        return rec, CANCEL_CODES["increase"]
    if cur["status"] == "resident" and prior["status"] == "removed":
        return rec, CANCEL_CODES["decrease"]
    return rec, CANCEL_CODES["modify"]


def _households(move: Move, restored: list[tuple[dict[str, Any], dict[str, Any], str]]) -> None:
    """Each household the 異動 touched gets back its members, head and address (4.6.0.1)."""
    moving = {cur["addressee_no"] for cur, _, _ in restored}
    affected = sorted(
        {x["household_no"] for cur, rec, _ in restored for x in (cur, rec) if x.get("household_no")}
    )
    for hno in affected:
        move.household(hno, active=False)
        staying = [m for m in move.members(hno) if m["addressee_no"] not in moving]
        back = [rec for _, rec, _ in restored if rec["household_no"] == hno and rec["status"] == "resident"]
        if not staying and not back:
            move.update_household(hno, status="dissolved", head_addressee_no=None)
            continue
        head = next((m["addressee_no"] for m in (*staying, *back) if m.get("relationship") == HEAD), None)
        fields: dict[str, Any] = {"status": "active", "head_addressee_no": head}
        if back:
            fields.update(rc.address_items(back[0]))
        move.update_household(hno, **fields)
