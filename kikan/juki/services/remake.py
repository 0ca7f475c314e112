"""改製 and 再製 of 住民票 (異動事由 141/241 改製, 151/251 再製; 標準仕様書 1.2.2: 記載・消除の両区分).

- **改製**: the municipality replaces a person's 住民票 by a new one (e.g. a change of 様式, or a
  record whose entries fill it). The current 住民票 is closed as the 改製原住民票 (改製前の住民票):
  a row 「改製（消除）」 with 消除事由 「改製」 and 事由の生じた年月日 = 改製日. A new 住民票 starts
  with a row 「改製（記載）」 carrying over the current items only: the 異動履歴 of the new 住民票
  begins there (:func:`kikan.adapters.db.juki_repo.current_record_history`), the earlier rows stay
  as the 改製原住民票 (:func:`~kikan.adapters.db.juki_repo.closed_records`), searchable and
  certifiable as 改製原住民票の写し.
- **再製**: a 住民票 lost or damaged (滅失・き損) is made again: 「再製（消除）」 closes the damaged
  one, 「再製（記載）」 starts the reproduced one, with the 再製日 (異動日) and the reason. kikan
  reproduces from the last stored snapshot; where the source materials (届書, 戸籍の附票 …) differ,
  a 職権修正 follows.

Both keep the 宛名番号 and 世帯番号 (like 帰化: one 異動 writes two rows per person, 消除 then
記載), bump the household's version, check 抑止 (異動入力) and leave 支援措置 and 抑止 settings
untouched (they are kept per 宛名番号/世帯番号, so they go on protecting the new 住民票).

Legal basis: 住民基本台帳法 第15条の2 (除票: 消除した住民票 又は 改製前の住民票), 第15条の4 (除票の写し);
住民基本台帳法施行令 第34条第1項 (除票は消除し又は改製した日から150年間保存). The 施行令 articles
that empower 改製 and 再製 themselves were not verified (see the README).

:func:`remake_batch` is the 一括改製 of a whole tenant or one 町字: one household per
transaction, idempotent for a given 改製日 (a household done is never selected again), so an
interrupted run is resumed by running it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import Field

from kikan.adapters.db import juki_repo as repo
from kikan.core.errors import Blocked, Conflict, DomainError, Forbidden
from kikan.juki.events import reason
from kikan.juki.model import check_event_on, check_text
from kikan.juki.services import records as rc
from kikan.juki.services.commands import Command, IsoDate, build
from kikan.juki.services.move import Move, MoveResult

REMAKE_CODES = ("241", "141")
REPRODUCE_CODES = ("251", "151")
#: 住民基本台帳法施行令第34条第1項: 除票 (改製前の住民票を含む) are kept 150 years from the 改製日.
RETENTION_YEARS = 150
BATCH_REASON = "一括改製"


class _Rebuild(Command):
    addressee_nos: list[str] = Field(title="対象者（宛名番号）", min_length=1, max_length=50)


class RemakeRecord(_Rebuild):
    """改製. ``event_on`` is the 改製日 (処理日以前)."""

    reason_text: str = Field(default="", title="改製の理由", max_length=200, examples=["住民票の様式の変更"])


class ReproduceRecord(_Rebuild):
    """再製. ``event_on`` is the 再製日 (処理日以前)."""

    reason_text: str = Field(
        title="再製の理由（滅失・き損の事由）",
        min_length=1,
        max_length=200,
        examples=["記録媒体の障害によるき損"],
    )
    source_text: str | None = Field(
        default=None, title="再製の資料", max_length=200, examples=["住民異動届、戸籍の附票"]
    )
    notice_on: IsoDate | None = Field(default=None, title="通知日")


def _retain_until(on: date) -> str:
    try:
        return on.replace(year=on.year + RETENTION_YEARS).isoformat()
    except ValueError:  # 2月29日
        return on.replace(year=on.year + RETENTION_YEARS, day=28).isoformat()


def _rebuild(move: Move, cmd: _Rebuild, codes: tuple[str, str]) -> MoveResult:
    """Stage 消除 (the closed 住民票) + 記載 (the new one) for every person; one household."""
    check_event_on(move.problems, cmd.event_on, move.today)
    nos = cmd.addressee_nos
    if len(set(nos)) != len(nos):
        move.error("対象者（宛名番号）", "同じ宛名番号が重複しています")
    snaps = [move.person(no, field_name="対象者（宛名番号）") for no in dict.fromkeys(nos)]
    households = sorted({s["household_no"] for s in snaps})
    if len(households) != 1:
        move.error("対象者（宛名番号）", "1つの異動で対象とできるのは同じ世帯の住民です")
        move.problems.raise_if_errors()
    hno = households[0]
    move.household(hno, primary=True)
    move.problems.raise_if_errors()
    category = reason(codes[0]).category
    for s in snaps:
        closed = {**s, "status": "removed", "removal_reason": category, "removal_on": cmd.event_on}
        move.stage(closed, codes[0])
        fresh = {**s, **{k: None for k in rc.REMOVAL_ITEMS}, "status": "resident"}
        fresh.pop("version", None)  # the second row follows the first (Move.finish carries the version)
        move.stage(fresh, codes[1])
    return move.finish(household_no=hno, extra=move.details)


def remake_record(cmd: RemakeRecord, uow: Any, *, today: date) -> MoveResult:
    """改製: close the 住民票 as 改製原住民票 and start a new one with the current items only."""
    move = Move(uow, cmd, today=today, function="remake", code=REMAKE_CODES[1])
    check_text(move.problems, "改製の理由", cmd.reason_text)
    move.details = {
        "remade_on": cmd.event_on.isoformat(),
        "reason": cmd.reason_text,
        "retain_until": _retain_until(cmd.event_on),
    }
    return _rebuild(move, cmd, REMAKE_CODES)


def reproduce_record(cmd: ReproduceRecord, uow: Any, *, today: date) -> MoveResult:
    """再製: close the lost/damaged 住民票 and reproduce it (再製日, reason and source recorded)."""
    move = Move(uow, cmd, today=today, function="reproduce", code=REPRODUCE_CODES[1], notice_on=cmd.notice_on)
    check_text(move.problems, "再製の理由（滅失・き損の事由）", cmd.reason_text)
    check_text(move.problems, "再製の資料", cmd.source_text)
    move.details = {
        "reproduced_on": cmd.event_on.isoformat(),
        "reason": cmd.reason_text,
        "source": cmd.source_text,
        "retain_until": _retain_until(cmd.event_on),
    }
    return _rebuild(move, cmd, REPRODUCE_CODES)


# --- 一括改製 --------------------------------------------------------------------------------------


@dataclass
class RemakeBatchResult:
    """What one run did: households and persons remade, households skipped (with the reason),
    and whether households are left (``limit`` reached: run again to continue)."""

    remade_on: date
    town_code: str | None
    households: int = 0
    persons: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (世帯番号, 理由)
    more: bool = False


def remake_batch(
    open_uow: Callable[[], Any],
    *,
    remade_on: date,
    today: date,
    town_code: str | None = None,
    reason_text: str = BATCH_REASON,
    limit: int | None = None,
    page: int = 200,
    input_place: str | None = None,
) -> RemakeBatchResult:
    """一括改製 of every resident of the tenant (or of one 町字, ``town_code``) as of ``remade_on``.

    One :func:`remake_record` per household, each in its own unit of work from ``open_uow()``
    (committed one by one, so a crash loses at most the household in progress). A household
    whose residents were all remade on ``remade_on`` is not selected again: a second run with
    the same 改製日 writes nothing, and an interrupted run continues where it stopped.
    A household refused by a 抑止 (異動入力) or changed concurrently is skipped and reported;
    ``limit`` caps the households of this run (``more`` tells whether any are left).
    """
    build(RemakeRecord, {"event_on": remade_on, "addressee_nos": ["-"], "reason_text": reason_text})
    out = RemakeBatchResult(remade_on, town_code)
    after = ""
    while True:
        want = page if limit is None else min(page, limit - out.households - len(out.skipped))
        if want <= 0:
            with open_uow() as uow:
                out.more = bool(repo.remake_candidates(uow, remade_on=remade_on, town_code=town_code,
                                                       after_household_no=after, limit=1))  # fmt: skip
            return out
        with open_uow() as uow:
            batch = repo.remake_candidates(
                uow, remade_on=remade_on, town_code=town_code, after_household_no=after, limit=want
            )
        if not batch:
            return out
        for hno, nos in batch:
            after = hno
            cmd = RemakeRecord(
                event_on=remade_on, addressee_nos=nos, reason_text=reason_text, input_place=input_place,
                note=f"{BATCH_REASON}（{town_code or '全域'}）",
            )  # fmt: skip
            try:
                with open_uow() as uow:
                    result = remake_record(cmd, uow, today=today)
                    uow.commit()
            except Forbidden:
                raise
            except (Blocked, Conflict, DomainError) as exc:  # reported; the next run retries it
                out.skipped.append((hno, exc.message))
                continue
            out.households += 1
            out.persons += len(set(result.addressee_nos))
