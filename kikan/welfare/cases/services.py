"""Case use cases, part 1: 認定請求, 認定, 却下 — and the shared write path of every version.

Each service is ``fn(cmd, uow, *, today, store)``: ``store`` is the :class:`CaseStore` port
(``kikan.adapters.db.welfare_store.SqlCaseStore(uow)``, which also carries the income port). A
service checks the actor's permission (``welfare.write``), validates, computes the amount with the
calculation core, writes ONE new version, queues the audit row and a ``WelfareCaseChanged`` event in
the caller's unit of work and never commits. Bad input raises before anything is written.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kikan.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from kikan.welfare import month_index, month_start

from . import events
from .amounts import Computation, compute
from .commands import Certify, ChildInput, FileClaim, MigrateCertifiedCase, Reject
from .model import REASONS, CaseChild, CaseState
from .ports import CaseRecord, CaseStore, NewTask, NewVersion

WRITE, READ = "welfare.write", "welfare.read"
FUNCTION = "welfare.case"
CLAIM_EVENTS = ("ResidentBorn", "ResidentMovedIn")
NO_CHILD = ("支給対象児童なし", "対象児童なし")


def require(uow: Any, permission: str) -> None:
    if not uow.actor.can(permission):
        what = "照会" if permission == READ else "入力・決定"
        raise Forbidden(f"児童手当・児童扶養手当の{what}をする権限がありません")


def load(store: CaseStore, case_id: str, expected_version: int | None = None) -> CaseRecord:
    rec = store.get(case_id)
    if rec is None:
        raise NotFound(f"受給者番号 {case_id} の台帳はありません", field="case_id")
    if expected_version is not None and rec.version != expected_version:
        raise Conflict(
            f"台帳が他の処理で更新されています（版 {rec.version}）。再表示してください",
            field="expected_version",
        )
    return rec


def write(
    uow: Any,
    store: CaseStore,
    record: CaseRecord | None,
    nv: NewVersion,
    *,
    case_id: str | None = None,
    tasks: tuple[NewTask, ...] = (),
) -> CaseRecord:
    """Append the version, audit it, emit ``WelfareCaseChanged`` and open the tasks."""
    if record is None:
        assert case_id is not None
        version = store.add(case_id, nv)
    else:
        case_id = record.case_id
        version = store.append(record, nv)
    uow.audit(FUNCTION, "create" if record is None else "update", target_type="welfare_case",
              target_id=case_id, detail=f"{nv.state.label} {nv.reason_code} 版{version} {nv.valid_from:%Y-%m}")  # fmt: skip
    uow.emit(
        events.case_changed(
            case_id=case_id, version=version, allowance=nv.state.allowance, recipient=nv.state.recipient,
            status=nv.state.status, reason_code=nv.reason_code, valid_from=nv.valid_from.isoformat(),
            monthly_amount=nv.monthly_amount, start_month=nv.start_month, end_month=nv.end_month,
        )
    )  # fmt: skip
    for t in tasks:
        store.open_task(t)
    return CaseRecord(case_id, version, nv.state, nv.valid_from, nv.monthly_amount)


def version_of(state: CaseState, comp: Computation, code: str, note: str = "") -> NewVersion:
    label = REASONS[code][0]
    return NewVersion(
        state=state, valid_from=month_start(comp.month), reason_code=code,
        reason=f"{label}（{note}）" if note else label, monthly_amount=comp.monthly_amount,
        start_month=comp.start_month, end_month=comp.end_month, children=comp.children, trace=comp.trace,
    )  # fmt: skip


def child_of(c: ChildInput, **extra: Any) -> CaseChild:
    return CaseChild(child_id=c.child_id, name=c.name, birth_date=c.birth_date, supported=c.supported,
                     in_facility=c.in_facility, disabled=c.disabled, **extra)  # fmt: skip


def registry_event_on(store: CaseStore, who: list[str], until: date, since: date) -> tuple[date, str] | None:
    """The latest 出生・転入 of these persons the registry published (15日特例の異動日)."""
    found = [
        e
        for e in store.life_events(who, since)
        if e.event_type in CLAIM_EVENTS and e.event_on and e.event_on <= until
    ]
    if not found:
        return None
    last = max(found, key=lambda e: (e.event_on or until, e.event_id))
    assert last.event_on is not None
    return last.event_on, f"registry:{last.event_id}"


def _check_claim(cmd: FileClaim, today: date, store: CaseStore, errors: list[FieldError] | None = None) -> None:
    errors = list(errors or [])
    if cmd.claim_on > today:
        errors.append(FieldError("claim_on", "認定請求日に処理日より後の日付は指定できません"))
    if len({c.child_id for c in cmd.children}) != len(cmd.children):
        errors.append(FieldError("children", "児童の宛名番号が重複しています"))
    if cmd.allowance == "child_rearing_allowance" and not cmd.cra_reason:
        errors.append(FieldError("cra_reason", "児童扶養手当の支給要件を指定してください"))
    if cmd.spouse and cmd.spouse == cmd.recipient:
        errors.append(FieldError("spouse", "配偶者に請求者と同じ宛名番号は指定できません"))
    if errors:
        raise ValidationFailed(errors)
    if store.open_cases_of(cmd.allowance, cmd.recipient):
        raise Conflict(
            "この請求者には認定請求中又は受給中の台帳があります（額改定は台帳から）", field="recipient"
        )


def file_claim(cmd: FileClaim, uow: Any, *, today: date, store: CaseStore) -> CaseRecord:
    """認定請求 (児童手当法第7条第1項 / 児童扶養手当法第6条第1項): recorded as version 1 of a new case."""
    require(uow, WRITE)
    _check_claim(cmd, today, store)
    event_on, source = cmd.event_on, "staff" if cmd.event_on else None
    if event_on is None:
        found = registry_event_on(store, [cmd.recipient, *(c.child_id for c in cmd.children)], cmd.claim_on,
                                  cmd.claim_on - timedelta(days=62))  # fmt: skip
        event_on, source = found if found else (None, None)
    state = CaseState(
        allowance=cmd.allowance, recipient=cmd.recipient, recipient_kana=cmd.recipient_kana,
        household_no=cmd.household_no or store.household_of(cmd.recipient), spouse=cmd.spouse, designated_main=cmd.designated_main,
        separated=cmd.separated, public_servant=cmd.public_servant, claim_on=cmd.claim_on, event_on=event_on,
        event_source=source, status="claimed", children=tuple(child_of(c) for c in cmd.children),
        claimant_kind=cmd.claimant_kind, cra_reason=cmd.cra_reason, obligors=tuple(cmd.obligors),
        pension_kind=cmd.pension_kind, pension_annual=cmd.pension_annual,
    )  # fmt: skip
    nv = NewVersion(state=state, valid_from=month_start(month_index(cmd.claim_on)), reason_code="claim",
                    reason=REASONS["claim"][0], monthly_amount=0, start_month=None, end_month=None,
                    children=tuple((0, 0) for _ in state.children), trace={})  # fmt: skip
    return write(uow, store, None, nv, case_id=store.new_case_id())


def certify(cmd: Certify, uow: Any, *, today: date, store: CaseStore) -> CaseRecord:
    """認定 (児童手当法第7条・第8条第2項第3項 / 児童扶養手当法第6条・第7条): the first month (認定請求の
    翌月、15日特例) and the monthly amount come from the calculation core."""
    require(uow, WRITE)
    rec = load(store, cmd.case_id, cmd.expected_version)
    if rec.state.status != "claimed":
        raise Conflict(f"認定請求中の台帳ではありません（{rec.state.status}）", field="case_id")
    decided = cmd.decided_on or today
    if decided > today or decided < rec.state.claim_on:
        raise ValidationFailed(
            [FieldError("decided_on", "決定日は認定請求日から処理日までの日付にしてください")]
        )
    state = rec.state.model_copy(update={"status": "certified", "decided_on": decided})
    first = compute(state, month_index(state.claim_on) + 1, store.incomes)
    comp = first if first.start_month == first.month else compute(state, first.start_month, store.incomes)
    if comp.status in NO_CHILD:
        raise Conflict(
            f"{state.label}の支給対象となる児童がいないため認定できません（却下してください）",
            field="children",
        )
    return write(uow, store, rec, version_of(state, comp, "certify"))


def reject(cmd: Reject, uow: Any, *, today: date, store: CaseStore) -> CaseRecord:
    """却下: the claim ends without payment."""
    require(uow, WRITE)
    rec = load(store, cmd.case_id, cmd.expected_version)
    if rec.state.status != "claimed":
        raise Conflict("認定請求中の台帳だけを却下できます", field="case_id")
    state = rec.state.model_copy(update={"status": "rejected", "decided_on": today})
    nv = NewVersion(state=state, valid_from=rec.valid_from, reason_code="reject", reason=f"却下（{cmd.reason}）",
                    monthly_amount=0, start_month=None, end_month=None,
                    children=tuple((0, 0) for _ in state.children), trace={})  # fmt: skip
    return write(uow, store, rec, nv)


def migrate_certified(cmd: MigrateCertifiedCase, uow: Any, *, today: date, store: CaseStore) -> CaseRecord:
    """データ移行: a case the previous system certified, as ONE version (reason ``migrated``, status
    認定). The claim is checked like :func:`file_claim`, the first month and the amount come from the
    calculation core like :func:`certify`; the legacy 受給者番号 is kept when given (the caller moves the
    case number counter past it)."""
    require(uow, WRITE)
    errors = []
    if cmd.decided_on > today or cmd.decided_on < cmd.claim_on:
        errors.append(FieldError("decided_on", "認定日は認定請求日から処理日までの日付にしてください"))
    _check_claim(cmd, today, store, errors)
    if cmd.case_id and store.get(cmd.case_id) is not None:
        raise Conflict(f"受給者番号 {cmd.case_id} の台帳は既にあります", field="case_id")
    state = CaseState(
        allowance=cmd.allowance, recipient=cmd.recipient, recipient_kana=cmd.recipient_kana,
        household_no=cmd.household_no or store.household_of(cmd.recipient), spouse=cmd.spouse,
        designated_main=cmd.designated_main, separated=cmd.separated, public_servant=cmd.public_servant,
        claim_on=cmd.claim_on, event_on=cmd.event_on, event_source="migration" if cmd.event_on else None,
        status="certified", decided_on=cmd.decided_on, children=tuple(child_of(c) for c in cmd.children),
        claimant_kind=cmd.claimant_kind, cra_reason=cmd.cra_reason, obligors=tuple(cmd.obligors),
        pension_kind=cmd.pension_kind, pension_annual=cmd.pension_annual,
    )  # fmt: skip
    first = compute(state, month_index(state.claim_on) + 1, store.incomes)
    comp = first if first.start_month == first.month else compute(state, first.start_month, store.incomes)
    if comp.status in NO_CHILD:
        raise Conflict(f"{state.label}の支給対象となる児童がいません", field="children")
    return write(uow, store, None, version_of(state, comp, "migrated"), case_id=cmd.case_id or store.new_case_id())
