"""Use cases for 抑止 (標準仕様書 3.1) and 支援措置 (3.4; 住民基本台帳事務処理要領 第5-10).

Each service is ``fn(cmd, uow, *, today, store)``: ``store`` is the :class:`BlockStore` port
(``kikan.adapters.db.juki_blocks.SqlBlockStore(uow)``). Services check the actor's permission
(``juki.block.manage``; 一時解除 may also be granted alone as ``juki.block.temporary_release``,
3.1 「抑止・解除、又は一時解除できる権限は個別に設定できること」), queue audit rows and events
in the caller's unit of work and never commit. Events carry ids and dates only: never an
address or name of a protected person. A 一時解除 emits no event (3.1: 庁内各システムへの連携は不要).

Every 支援措置 transition (開始・承認・延長・終了・前住所地としての継続) emits one event in the same unit of
work (:data:`SUPPORT_EVENT_TYPES`); the linkage publishes them to the other businesses as the dataset
``juki.support_measures`` and as the ``protected`` flag of ``juki.residents`` / ``juki.households``
(``docs/linkage.md``), so each business can restrict issuance to third parties as the registry does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol

from kikan.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from kikan.core.events import DomainEvent
from kikan.juki import blocks as rules
from kikan.juki.blocks import Block

MANAGE = "juki.block.manage"
TEMPORARY = "juki.block.temporary_release"
FUNCTION = "juki.block"

SUPPORT_STARTED = "SupportMeasureStarted"
SUPPORT_APPROVED = "SupportMeasureApproved"
SUPPORT_EXTENDED = "SupportMeasureExtended"
SUPPORT_ENDED = "SupportMeasureEnded"
SUPPORT_CONTINUED = "SupportMeasureContinued"
#: The events of 支援措置 (one per transition); their payload carries ids, dates, stage and the
#: restricted processes, never the reason, the 加害者 or free text.
SUPPORT_EVENT_TYPES: frozenset[str] = frozenset(
    {SUPPORT_STARTED, SUPPORT_APPROVED, SUPPORT_EXTENDED, SUPPORT_ENDED, SUPPORT_CONTINUED}
)


class BlockStore(Protocol):
    def get(self, block_id: str) -> Block | None: ...
    def add(self, block: Block, *, at: datetime, by: str) -> None: ...
    def save(self, block: Block) -> None: ...
    def target_exists(self, addressee_no: str | None, household_no: str | None) -> bool: ...
    def of_target(self, addressee_no: str | None, household_no: str | None, *, include_released: bool) -> list[Block]: ...
    def support_in_force(self, addressee_no: str, today: date) -> list[Block]: ...
    def support_ending_between(self, lo: date, hi: date, today: date) -> list[Block]: ...


@dataclass(frozen=True)
class SetBlock:
    processes: Sequence[str]
    level: str
    start_on: date
    addressee_no: str | None = None
    household_no: str | None = None
    end_on: date | None = None
    reason: str = ""


@dataclass(frozen=True)
class ReleaseBlock:
    block_id: str
    reason: str = ""


@dataclass(frozen=True)
class TemporaryRelease:
    block_id: str
    minutes: int | None = None  # None: the default (30 minutes)
    reason: str = ""


@dataclass(frozen=True)
class StartSupport:
    """支援措置の申出. ``provisional`` (仮支援措置) until the need is confirmed."""

    addressee_no: str
    start_on: date
    provisional: bool = True
    end_on: date | None = None
    reason: str = ""


@dataclass(frozen=True)
class ApproveSupport:
    block_id: str
    start_on: date | None = None  # default: today
    end_on: date | None = None  # default: start + 1 year − 1 day


@dataclass(frozen=True)
class ExtendSupport:
    block_id: str
    end_on: date | None = None


@dataclass(frozen=True)
class EndSupport:
    block_id: str
    reason: str


@dataclass(frozen=True)
class BlockView:
    block: Block
    in_force: bool
    past_end: bool  # 期限経過
    temporarily_released: bool
    alert: str | None  # 支援措置 expiry alert


def _require(uow: Any, *perms: str) -> None:
    if not any(uow.actor.can(p) for p in perms):
        raise Forbidden("抑止・支援措置を操作する権限がありません")


def _get(store: BlockStore, block_id: str, kind: str | None = None) -> Block:
    b = store.get(block_id)
    if b is None or (kind and b.kind != kind):
        what = rules.KINDS.get(kind or "", "抑止・支援措置")
        raise NotFound(f"{what}（ID {block_id}）が見つかりません", field="block_id")
    return b


def _event(kind: str, b: Block, on: date, **extra: Any) -> DomainEvent:
    payload = {
        "block_id": b.block_id, "kind": b.kind, "addressee_no": b.addressee_no, "household_no": b.household_no,
        "processes": sorted(b.processes), "level": b.level, "start_on": b.start_on.isoformat(),
        "end_on": b.end_on.isoformat() if b.end_on else None, "support_stage": b.support_stage, **extra,
    }
    return DomainEvent(kind, "juki_block", b.block_id, payload, occurred_on=on.isoformat())


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, message)])


def set_block(cmd: SetBlock, uow: Any, *, today: date, store: BlockStore) -> Block:
    """抑止の設定 (3.1): per process, person or household, error or alert, start/end date."""
    _require(uow, MANAGE)
    errors: list[FieldError] = []
    if bool(cmd.addressee_no) == bool(cmd.household_no):
        errors.append(FieldError("addressee_no", "宛名番号又は世帯番号のいずれか一方を指定してください"))
    try:
        processes = rules.parse_processes(cmd.processes)
    except ValueError as e:
        errors.append(FieldError("processes", str(e)))
    if cmd.level not in rules.LEVELS:
        errors.append(FieldError("level", "抑止レベルはエラー（error）又はアラート（alert）を指定してください"))
    if cmd.end_on is not None and cmd.end_on < cmd.start_on:
        errors.append(FieldError("end_on", "終了日は開始日以後の日付を指定してください"))
    if errors:
        raise ValidationFailed(errors)
    if not store.target_exists(cmd.addressee_no, cmd.household_no):
        field = "addressee_no" if cmd.addressee_no else "household_no"
        raise NotFound(f"{cmd.addressee_no or cmd.household_no} は登録されていません", field=field)
    b = Block(
        block_id=str(uuid.uuid4()), kind="block", processes=processes, level=cmd.level, start_on=cmd.start_on,
        end_on=cmd.end_on, addressee_no=cmd.addressee_no, household_no=cmd.household_no, reason=cmd.reason,
    )
    store.add(b, at=uow.now, by=uow.actor.actor_id)
    _audit(uow, "set", "create", b)
    uow.emit(_event("BlockSet", b, today))
    return b


def release_block(cmd: ReleaseBlock, uow: Any, *, today: date, store: BlockStore) -> Block:
    """抑止の解除 (本解除, 3.1): the only way a block ends; its end date never ends it."""
    _require(uow, MANAGE)
    b = _get(store, cmd.block_id, "block")
    try:
        done = rules.release(b, today, uow.actor.actor_id)
    except ValueError as e:
        raise Conflict(str(e)) from None
    done = replace(done, details={**b.details, "release_reason": cmd.reason} if cmd.reason else b.details)
    store.save(done)
    _audit(uow, "release", "update", b)
    uow.emit(_event("BlockReleased", done, today))
    return done


def temporary_release(cmd: TemporaryRelease, uow: Any, *, today: date, store: BlockStore) -> Block:
    """一時解除 (3.1): lets the process pass until ``now + minutes``, then re-locks by itself.
    Not sent to other systems, so no event is emitted."""
    _require(uow, MANAGE, TEMPORARY)
    b = _get(store, cmd.block_id)
    if b.kind == "support":
        raise Conflict("支援措置は一時解除できません。支援措置責任者が審査のうえ交付時に解除してください")
    if not b.in_force(today):
        raise Conflict("解除済み又は開始前の抑止は一時解除できません")
    try:
        until = rules.temporary_release_until(uow.now, cmd.minutes)
    except ValueError as e:
        raise _invalid("minutes", str(e)) from None
    done = replace(b, temporary_release_until=until)
    store.save(done)
    _audit(uow, "temporary_release", "update", b, f"until={until.isoformat()} {cmd.reason}".rstrip())
    return done


def start_support(cmd: StartSupport, uow: Any, *, today: date, store: BlockStore) -> Block:
    """支援措置の申出受付 (3.4): 仮支援措置 (provisional) or directly approved with a one-year period."""
    _require(uow, MANAGE)
    if not store.target_exists(cmd.addressee_no, None):
        raise NotFound(f"{cmd.addressee_no} は登録されていません", field="addressee_no")
    end = None if cmd.provisional else (cmd.end_on or rules.support_period_end(cmd.start_on))
    if end is not None and end < cmd.start_on:
        raise _invalid("end_on", "終了年月日は開始年月日以後の日付を指定してください")
    b = Block(
        block_id=str(uuid.uuid4()), kind="support", processes=rules.SUPPORT_PROCESSES, level="error",
        start_on=cmd.start_on, end_on=end, addressee_no=cmd.addressee_no,
        support_stage="provisional" if cmd.provisional else "approved", reason=cmd.reason,
    )
    store.add(b, at=uow.now, by=uow.actor.actor_id)
    _audit(uow, "support.start", "create", b, f"stage={b.support_stage}")
    uow.emit(_event(SUPPORT_STARTED, b, today))
    return b


def approve_support(cmd: ApproveSupport, uow: Any, *, today: date, store: BlockStore) -> Block:
    """仮支援措置 → 支援措置 after the need is confirmed (3.4)."""
    _require(uow, MANAGE)
    b = _get(store, cmd.block_id, "support")
    try:
        done = rules.approve(b, cmd.start_on or today, cmd.end_on)
    except ValueError as e:
        raise Conflict(str(e)) from None
    store.save(done)
    _audit(uow, "support.approve", "update", b)
    uow.emit(_event(SUPPORT_APPROVED, done, today))
    return done


def extend_support(cmd: ExtendSupport, uow: Any, *, today: date, store: BlockStore) -> Block:
    """延長 (3.4): from one month before the end, one year from the day after the end."""
    _require(uow, MANAGE)
    b = _get(store, cmd.block_id, "support")
    try:
        old, new = rules.extend(b, str(uuid.uuid4()), today, cmd.end_on)
    except ValueError as e:
        raise Conflict(str(e)) from None
    store.save(replace(old, released_by=uow.actor.actor_id))
    store.add(new, at=uow.now, by=uow.actor.actor_id)
    _audit(uow, "support.extend", "update", b, f"new={new.block_id}")
    uow.emit(_event(SUPPORT_EXTENDED, new, today, extended_from=b.block_id))
    return new


def end_support(cmd: EndSupport, uow: Any, *, today: date, store: BlockStore) -> Block:
    """支援措置の終了 (3.4): on the person's request, after the period without extension, or when
    the 市区町村長 finds no more need. Never automatic."""
    _require(uow, MANAGE)
    if not cmd.reason.strip():
        raise _invalid("reason", "終了の理由を入力してください")
    b = _get(store, cmd.block_id, "support")
    try:
        done = rules.release(b, today, uow.actor.actor_id)
    except ValueError as e:
        raise Conflict(str(e)) from None
    done = replace(done, details={**b.details, "end_reason": cmd.reason})
    store.save(done)
    _audit(uow, "support.end", "update", b)
    uow.emit(_event(SUPPORT_ENDED, done, today))
    return done


def continue_after_move_out(addressee_no: str, uow: Any, *, today: date, store: BlockStore) -> list[Block]:
    """On 転出 the measure continues as 前住所地 (3.4 「自動で切替え」). Called by the 転出 flow or a
    subscriber (system actor), so it needs no staff permission; it only keeps protection on."""
    out = []
    for b in store.support_in_force(addressee_no, today):
        if b.support_stage == "continued":
            continue
        done = rules.continue_after_move_out(b, today)
        store.save(done)
        _audit(uow, "support.continue", "update", b, "前住所地として継続")
        uow.emit(_event(SUPPORT_CONTINUED, done, today))
        out.append(done)
    return out


def list_blocks(
    uow: Any, *, today: date, store: BlockStore, addressee_no: str | None = None,
    household_no: str | None = None, include_released: bool = False,
) -> list[BlockView]:
    """The 抑止 and 支援措置 of one person or one household, with 期限経過 and expiry alerts."""
    _require(uow, MANAGE, "juki.read")
    if bool(addressee_no) == bool(household_no):
        raise _invalid("addressee_no", "宛名番号又は世帯番号のいずれか一方を指定してください")
    found = store.of_target(addressee_no, household_no, include_released=include_released)
    uow.audit(FUNCTION + ".list", "read", target_type="resident" if addressee_no else "household",
              target_id=addressee_no or household_no or "")
    return [_view(b, today, uow.now) for b in found]


def list_support_expiring(uow: Any, *, today: date, store: BlockStore) -> list[BlockView]:
    """支援措置 within their expiry alert window (3.4: 1か月前から / 期間終了後), for the
    支援措置期間終了通知 and follow-up."""
    _require(uow, MANAGE)
    lo, hi = rules.alert_window(today)
    views = [_view(b, today, uow.now) for b in store.support_ending_between(lo, hi, today)]
    views = [v for v in views if v.alert]
    uow.audit(FUNCTION + ".support.expiring", "read", target_type="support", detail=f"count={len(views)}")
    return views


def _view(b: Block, today: date, now: datetime) -> BlockView:
    alert = rules.expiry_alert(b.end_on, today) if b.kind == "support" and b.in_force(today) else None
    return BlockView(b, b.in_force(today), b.past_end(today), b.temporarily_released(now), alert)


def _audit(uow: Any, fn: str, action: str, b: Block, note: str = "") -> None:
    uow.audit(
        f"{FUNCTION}.{fn}", action, target_type="resident" if b.addressee_no else "household",
        target_id=b.addressee_no or b.household_no or "", detail=f"block={b.block_id} {note}".rstrip(),
    )
