"""Case use cases, part 2: 額改定（増額・減額）, 支給停止・解除, 消滅, 現況届.

Same shape as :mod:`.services`: ``fn(cmd, uow, *, today, store)``, one new version per change, the
amount of the month the change applies from computed by the calculation core.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kikan.core.errors import Conflict, FieldError, ValidationFailed
from kikan.welfare import month_index, month_label

from . import tasks
from .amounts import compute
from .commands import AddChild, ChildLeft, Extinguish, RecordStatusReport, Resume, Suspend, month_of
from .model import END_REASONS, CaseState, Suspension
from .ports import CaseRecord, CaseStore
from .services import NO_CHILD, WRITE, child_of, load, registry_event_on, require, version_of, write


def _certified(rec: CaseRecord, what: str) -> None:
    if rec.state.status != "certified":
        raise Conflict(
            f"受給中（認定済み）の台帳だけに{what}できます（現在: {rec.state.status}）", field="case_id"
        )


def add_child(cmd: AddChild, uow: Any, *, today: date, store: CaseStore) -> CaseRecord:
    """額改定（増額）の請求 (児童手当法第9条第1項・第2項: 請求の翌月から、出生日等の翌日から15日以内
    なら異動月の翌月から / 児童扶養手当法第8条第1項: 請求の翌月から)."""
    require(uow, WRITE)
    rec = load(store, cmd.case_id, cmd.expected_version)
    _certified(rec, "児童を追加")
    if rec.state.child(cmd.child.child_id) is not None:
        raise Conflict("この児童はすでに台帳にあります", field="child.child_id")
    if cmd.requested_on > today or cmd.requested_on < rec.state.claim_on:
        raise ValidationFailed(
            [FieldError("requested_on", "額改定請求日は認定請求日から処理日までの日付にしてください")]
        )
    event_on = cmd.event_on
    if event_on is None:
        found = registry_event_on(
            store, [cmd.child.child_id], cmd.requested_on, cmd.requested_on - timedelta(days=62)
        )
        event_on = found[0] if found else cmd.child.birth_date
    child = child_of(cmd.child, added_on=cmd.requested_on, added_event_on=event_on)
    state = rec.state.model_copy(update={"children": (*rec.state.children, child)})
    probe = compute(state, month_index(cmd.requested_on) + 1, store.incomes)
    first = probe.children[-1][0]
    comp = probe if first == probe.month else compute(state, first, store.incomes)
    return write(
        uow, store, rec, version_of(state, comp, "increase", f"{child.name or child.child_id} の追加")
    )


def child_left(cmd: ChildLeft, uow: Any, *, today: date, store: CaseStore) -> CaseRecord:
    """額改定（減額）: from the month after the child left (児童手当法第9条第3項 / 児童扶養手当法第8条
    第3項). When no child remains, the case is 消滅 with the month of the event (第8条第2項)."""
    require(uow, WRITE)
    rec = load(store, cmd.case_id, cmd.expected_version)
    _certified(rec, "減額")
    child = rec.state.child(cmd.child_id)
    if child is None or child.left_on is not None:
        raise Conflict("この児童は台帳にないか、すでに減額済みです", field="child_id")
    if cmd.left_on < rec.state.claim_on:
        raise ValidationFailed([FieldError("left_on", "監護しなくなった日は認定請求日以後にしてください")])
    kids = tuple(c.model_copy(update={"left_on": cmd.left_on}) if c.child_id == cmd.child_id else c
                 for c in rec.state.children)  # fmt: skip
    state = rec.state.model_copy(update={"children": kids})
    comp = compute(state, month_index(cmd.left_on) + 1, store.incomes)
    if comp.status in NO_CHILD:
        ext = Extinguish(case_id=cmd.case_id, ended_on=cmd.left_on, end_reason="custody_lost",
                         note=cmd.reason or "支給対象児童がいなくなった")  # fmt: skip
        return end_case(ext, uow, store, rec, state)
    return write(
        uow, store, rec, version_of(state, comp, "decrease", cmd.reason or f"{child.name or child.child_id}")
    )


def suspend(cmd: Suspend, uow: Any, *, today: date, store: CaseStore) -> CaseRecord:
    """支給停止 (児童手当法第11条 / 児童扶養手当法第9条〜第15条): no payment for the months."""
    require(uow, WRITE)
    rec = load(store, cmd.case_id, cmd.expected_version)
    _certified(rec, "支給停止")
    lo = month_of(cmd.from_month, "from_month")
    hi = month_of(cmd.until_month, "until_month") if cmd.until_month else None
    if hi is not None and hi < lo:
        raise ValidationFailed([FieldError("until_month", "終了月は開始月以後にしてください")])
    if any(s.covers(lo) or (hi is None and s.from_month >= lo) for s in rec.state.suspensions):
        raise Conflict("この期間はすでに支給停止されています", field="from_month")
    stop = Suspension(from_month=lo, until_month=hi, reason=cmd.reason)
    state = rec.state.model_copy(update={"suspensions": (*rec.state.suspensions, stop)})
    return write(uow, store, rec, version_of(state, compute(state, lo, store.incomes), "suspend", cmd.reason))


def resume(cmd: Resume, uow: Any, *, today: date, store: CaseStore) -> CaseRecord:
    """支給停止の解除: the open suspension ends the month before ``from_month``."""
    require(uow, WRITE)
    rec = load(store, cmd.case_id, cmd.expected_version)
    _certified(rec, "支給停止を解除")
    month = month_of(cmd.from_month, "from_month")
    hit = [s for s in rec.state.suspensions if s.covers(month)]
    if not hit:
        raise Conflict(f"{cmd.from_month} は支給停止中ではありません", field="from_month")
    kept = tuple(s if s not in hit else s.model_copy(update={"until_month": month - 1})
                 for s in rec.state.suspensions if not (s in hit and s.from_month >= month))  # fmt: skip
    state = rec.state.model_copy(update={"suspensions": kept})
    return write(
        uow, store, rec, version_of(state, compute(state, month, store.incomes), "resume", cmd.reason)
    )


def extinguish(
    cmd: Extinguish, uow: Any, *, today: date, store: CaseStore, source: str = "staff"
) -> CaseRecord:
    """消滅 (児童手当法第8条第2項 / 児童扶養手当法第7条第1項): paid through the month of the event;
    opens the task to send the 消滅通知."""
    require(uow, WRITE)
    rec = load(store, cmd.case_id, cmd.expected_version)
    _certified(rec, "消滅")
    if cmd.ended_on < rec.state.claim_on:
        raise ValidationFailed([FieldError("ended_on", "消滅日は認定請求日以後にしてください")])
    return end_case(cmd, uow, store, rec, rec.state, source=source)


def end_case(
    cmd: Extinguish, uow: Any, store: CaseStore, rec: CaseRecord, base: CaseState, source: str = "staff"
) -> CaseRecord:
    state = base.model_copy(
        update={"status": "extinguished", "ended_on": cmd.ended_on, "end_reason": cmd.end_reason}
    )
    comp = compute(state, month_index(cmd.ended_on) + 1, store.incomes)
    note = f"{END_REASONS[cmd.end_reason]}、{month_label(month_index(cmd.ended_on))}分まで" + (
        f"、{cmd.note}" if cmd.note else ""
    )
    kind = {"moved_out": "move_out_extinguish", "death": "death_extinguish"}.get(
        cmd.end_reason, "extinguish_notice"
    )
    t = tasks.task(kind, key=rec.case_id, source=source, case_id=rec.case_id, addressee_no=state.recipient,
                   detail=f"{state.label} 受給者番号 {rec.case_id}: {note}")  # fmt: skip
    return write(uow, store, rec, version_of(state, comp, "extinguish", note), tasks=(t,))


def record_status_report(cmd: RecordStatusReport, uow: Any, *, today: date, store: CaseStore) -> CaseRecord:
    """現況届 (児童扶養手当法施行規則第4条): each August; the amount from November (支給年度: 11月〜
    翌10月、前年の所得) is recomputed; a suspension for a missing report (差止め) ends."""
    require(uow, WRITE)
    rec = load(store, cmd.case_id, cmd.expected_version)
    if rec.state.allowance != "child_rearing_allowance":
        raise ValidationFailed(
            [FieldError("case_id", "現況届は児童扶養手当の台帳だけです（児童手当の現況届は廃止）")]
        )
    _certified(rec, "現況届を受け付け")
    if cmd.year in rec.state.status_reports:
        raise Conflict(f"{cmd.year}年の現況届は受付済みです", field="year")
    if cmd.received_on > today:
        raise ValidationFailed([FieldError("received_on", "受付日に処理日より後の日付は指定できません")])
    november = cmd.year * 12 + 10
    kept = tuple(
        s for s in rec.state.suspensions if not (s.reason.startswith("現況届") and s.until_month is None)
    )
    update: dict[str, Any] = {"status_reports": (*rec.state.status_reports, cmd.year), "suspensions": kept}
    if cmd.obligors is not None:
        update["obligors"] = tuple(cmd.obligors)
    if cmd.pension_kind is not None:
        update["pension_kind"] = cmd.pension_kind
    if cmd.pension_annual is not None:
        update["pension_annual"] = cmd.pension_annual
    state = rec.state.model_copy(update=update)
    comp = compute(state, november, store.incomes)
    return write(
        uow,
        store,
        rec,
        version_of(state, comp, "status_report", f"{cmd.year}年、{cmd.received_on:%m月%d日}受付"),
    )
