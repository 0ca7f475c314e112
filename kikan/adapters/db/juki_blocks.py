"""Enforcement of 抑止 and 支援措置 (標準仕様書 3.1, 3.4; 住民基本台帳事務処理要領 第5-10).

Other services call :func:`enforce` before 異動入力 ("move"), 証明書発行 ("certificate") and
照会 ("inquiry"); search pages call :func:`flags_for`; 照会 screens mask with
:func:`support_protected`. Management services: ``kikan.juki.block_services`` over :class:`BlockStore` (below).

Transaction note: a refusal must be audited although it rolls back the caller's work. SQLite
has one writer at a time and our units of work hold the write lock from ``BEGIN IMMEDIATE``,
so :func:`enforce` first rolls back the caller's unit of work (it would be rolled back by the
raise anyway), then writes the refusal audit in its own short transaction, then raises. After
``Blocked`` the caller's unit of work is finished; open a new one to do anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.juki import juki_block, juki_household, juki_resident
from kikan.core.errors import Blocked, Conflict, FieldError, ValidationFailed
from kikan.juki.blocks import PROCESSES, Block, BlockHit, evaluate

FUNCTION = "juki.block.enforce"
RELEASE_PERMISSION = "juki.block.release"

__all__ = ["BlockHit", "SqlBlockStore", "enforce", "flags_for", "row_to_block", "support_protected"]


def row_to_block(r: Any) -> Block:
    return Block(
        block_id=r.block_id, kind=r.kind, processes=frozenset(p for p in r.processes.split(",") if p),
        level=r.level, start_on=r.start_on, end_on=r.end_on, addressee_no=r.addressee_no,
        household_no=r.household_no, released_on=r.released_on,
        temporary_release_until=r.temporary_release_until, support_stage=r.support_stage,
        parent_block_id=r.parent_block_id, reason=r.reason or "", details=dict(r.details or {}),
        released_by=r.released_by, version=r.version,
    )


def _in_force(today: date) -> sa.ColumnElement[bool]:
    b = juki_block.c
    return sa.and_(b.start_on <= today, sa.or_(b.released_on.is_(None), b.released_on > today))


def _load(
    conn: sa.Connection, tenant_id: str, persons: list[str], households: list[str], today: date
) -> tuple[list[str], list[Block], dict[str, list[str]]]:
    """The persons concerned, the in-force blocks that reach them, and block id → persons."""
    r = juki_resident.c
    cond: sa.ColumnElement[bool]
    if persons:
        cond = r.addressee_no.in_(persons)
    elif households:  # a whole-household operation concerns every current member
        cond = sa.and_(r.household_no.in_(households), r.status == "resident")
    else:
        return [], [], {}
    members = conn.execute(
        sa.select(r.addressee_no, r.household_no).where(r.tenant_id == tenant_id, cond)
    ).all()
    household_of = {m.addressee_no: m.household_no for m in members}
    if not persons:
        persons = sorted(household_of)
    all_households = sorted(set(households) | set(household_of.values()))
    b = juki_block.c
    reach: sa.ColumnElement[bool] = b.addressee_no.in_(persons) if persons else sa.false()
    if all_households:
        reach = sa.or_(reach, b.household_no.in_(all_households))
    rows = conn.execute(
        sa.select(juki_block).where(b.tenant_id == tenant_id, _in_force(today), reach).order_by(b.start_on)
    ).all()
    blocks = [row_to_block(x) for x in rows]
    person_of: dict[str, list[str]] = {}
    for blk in blocks:
        if blk.addressee_no:
            person_of[blk.block_id] = [blk.addressee_no]
        else:
            person_of[blk.block_id] = [p for p in persons if household_of.get(p) == blk.household_no]
    return persons, blocks, person_of


def enforce(
    uow: Any,
    process: str,
    *,
    addressee_nos: Sequence[str] = (),
    household_nos: Sequence[str] = (),
    today: date,
    supervisor_release: str | None = None,
) -> list[BlockHit]:
    """Check 抑止 and 支援措置 for ``process`` on the given persons/households (3.1, 3.4).

    - Blocks are looked up per person and per household (the households of the persons given,
      plus ``household_nos``). With only ``household_nos``, all current members are concerned.
    - An error-level 抑止 not temporarily released raises :class:`Blocked`
      (「…責任者の解除が必要です」); alert-level hits are returned for display.
    - A 支援措置 (any stage) refuses "certificate" unless ``supervisor_release`` (the review
      note) is given and the actor holds ``juki.block.release`` (支援措置責任者); then the release
      is audited in the caller's unit of work. On "inquiry" it is returned as an alert only
      (masking is the caller's job, see :func:`support_protected`).
    - Every attempt that meets a block or measure is audited; a refusal is audited in its own
      transaction after rolling back the caller's unit of work (see the module docstring).
    """
    if process not in PROCESSES:
        raise ValidationFailed([FieldError("process", f"処理区分 {process} は不正です（move, certificate, inquiry）")])
    persons, blocks, person_of = _load(
        uow.conn, uow.tenant_id, list(dict.fromkeys(addressee_nos)), list(dict.fromkeys(household_nos)), today
    )
    if not blocks:
        return []
    hits = evaluate(blocks, process, today=today, now=uow.now, person_of=person_of)
    supervisor = bool(supervisor_release) and uow.actor.can(RELEASE_PERMISSION)
    refusing: list[tuple[BlockHit, str]] = []
    passing: list[tuple[BlockHit, str]] = []  # (hit, audit action)
    for h in hits:
        if h.block.kind == "support":
            if process != "certificate":
                passing.append((_as_alert(h), "alert"))
            elif supervisor:
                passing.append((_as_alert(h), "release"))
            else:
                why = "支援措置責任者の審査・解除が必要です" if not supervisor_release else "支援措置の解除権限がありません"
                who = h.addressee_no or h.block.target
                refusing.append((h, f"{who}: 支援措置の対象者が含まれるため交付できません。{why}"))
        elif h.refuses:
            refusing.append((h, f"{h.message}。責任者の解除が必要です"))
        else:
            passing.append((h, "alert"))
    if refusing:
        _audit_refusal(uow, process, refusing, supervisor_release)
        exc = Blocked("；".join(dict.fromkeys(m for _, m in refusing)), field="addressee_no")
        exc.hits = [h for h, _ in refusing]  # type: ignore[attr-defined]
        raise exc
    for h, action in passing:
        detail = f"process={process} block={h.block.block_id} kind={h.block.kind}"
        if action == "release":
            detail += f" 支援措置責任者による解除: {supervisor_release}"
        elif h.temporarily_released:
            detail += " 一時解除中"
        uow.audit(FUNCTION, action, target_type=_target_type(h), target_id=_target_id(h), detail=detail)
    return [h for h, _ in passing]


def _as_alert(h: BlockHit) -> BlockHit:
    return BlockHit(h.block, h.addressee_no, h.process, False, h.temporarily_released, h.past_end)


def _target_type(h: BlockHit) -> str:
    return "resident" if h.addressee_no else "household"


def _target_id(h: BlockHit) -> str:
    return h.addressee_no or h.block.household_no or ""


def _audit_refusal(uow: Any, process: str, refusing: list[tuple[BlockHit, str]], note: str | None) -> None:
    uow.rollback()  # free the caller's write lock (SQLite) before our own transaction
    with uow.db.uow(uow.ctx) as a:
        for h, _msg in refusing:
            a.audit(
                FUNCTION, "deny", target_type=_target_type(h), target_id=_target_id(h),
                detail=f"process={process} block={h.block.block_id} kind={h.block.kind}"
                + (f" release_requested={note}" if note else ""),
            )
        a.commit()


def support_protected(uow: Any, addressee_nos: Sequence[str], today: date) -> set[str]:
    """Those of ``addressee_nos`` under an in-force 支援措置 (any stage), for masking on 照会."""
    persons = list(dict.fromkeys(addressee_nos))
    if not persons:
        return set()
    return {p for p, flags in flags_for(uow.conn, uow.tenant_id, persons, today).items() if "support" in flags}


def flags_for(conn: sa.Connection, tenant_id: str, addressee_nos: Sequence[str], today: date) -> dict[str, list[str]]:
    """Marks for search results (3.1 「検索結果の表示の際、抑止対象であることが明らかとなること」).

    One query for a page: ``{addressee_no: ["block:error", "block:alert", "block:past_end",
    "support"]}`` (only persons with a mark are present). Household blocks mark every person
    whose current household carries them.
    """
    persons = list(dict.fromkeys(addressee_nos))
    if not persons:
        return {}
    b, r = juki_block.c, juki_resident.c
    cols = [b.kind, b.level, b.end_on]
    direct = sa.select(b.addressee_no.label("who"), *cols).where(
        b.tenant_id == tenant_id, b.addressee_no.in_(persons), _in_force(today)
    )
    via_household = (
        sa.select(r.addressee_no.label("who"), *cols)
        .select_from(juki_resident.join(juki_block, sa.and_(b.tenant_id == r.tenant_id, b.household_no == r.household_no)))
        .where(r.tenant_id == tenant_id, r.addressee_no.in_(persons), _in_force(today))
    )
    out: dict[str, set[str]] = {}
    for row in conn.execute(sa.union_all(direct, via_household)).all():
        marks = out.setdefault(row.who, set())
        if row.kind == "support":
            marks.add("support")
        else:
            marks.add(f"block:{row.level}")
            if row.end_on is not None and today > row.end_on:
                marks.add("block:past_end")
    return {k: sorted(v) for k, v in out.items()}


class SqlBlockStore:
    """The ``BlockStore`` port of ``kikan.juki.block_services`` over ``juki_block`` (one tenant)."""

    def __init__(self, uow: Any):
        self.conn: sa.Connection = uow.conn
        self.tenant_id: str = uow.tenant_id

    def _where(self) -> sa.ColumnElement[bool]:
        return juki_block.c.tenant_id == self.tenant_id

    def get(self, block_id: str) -> Block | None:
        row = self.conn.execute(sa.select(juki_block).where(self._where(), juki_block.c.block_id == block_id)).first()
        return row_to_block(row) if row else None

    def add(self, block: Block, *, at: datetime, by: str) -> None:
        self.conn.execute(sa.insert(juki_block), {
            **_values(block), "tenant_id": self.tenant_id, "block_id": block.block_id, "kind": block.kind,
            "created_at": at, "created_by": by, "version": 1,
        })

    def save(self, block: Block) -> None:
        """Optimistic update: ``block.version`` must be the stored version."""
        b = juki_block.c
        res = self.conn.execute(
            sa.update(juki_block)
            .where(self._where(), b.block_id == block.block_id, b.version == block.version)
            .values(**_values(block), version=block.version + 1)
        )
        if res.rowcount != 1:
            raise Conflict("抑止・支援措置が他の操作で更新されました。再度読み込んでください")

    def target_exists(self, addressee_no: str | None, household_no: str | None) -> bool:
        if addressee_no:
            t, c = juki_resident, juki_resident.c.addressee_no
            key = addressee_no
        else:
            t, c = juki_household, juki_household.c.household_no
            key = household_no or ""
        return self.conn.execute(sa.select(c).where(t.c.tenant_id == self.tenant_id, c == key)).first() is not None

    def of_target(self, addressee_no: str | None, household_no: str | None, *, include_released: bool) -> list[Block]:
        b = juki_block.c
        q = sa.select(juki_block).where(
            self._where(), b.addressee_no == addressee_no if addressee_no else b.household_no == household_no
        )
        if not include_released:
            q = q.where(b.released_on.is_(None))
        return [row_to_block(r) for r in self.conn.execute(q.order_by(b.start_on, b.created_at)).all()]

    def support_in_force(self, addressee_no: str, today: date) -> list[Block]:
        b = juki_block.c
        q = sa.select(juki_block).where(self._where(), b.kind == "support", b.addressee_no == addressee_no, _in_force(today))
        return [row_to_block(r) for r in self.conn.execute(q).all()]

    def support_ending_between(self, lo: date, hi: date, today: date) -> list[Block]:
        b = juki_block.c
        q = sa.select(juki_block).where(
            self._where(), b.kind == "support", _in_force(today), b.end_on.between(lo, hi)
        ).order_by(b.end_on, b.addressee_no)
        return [row_to_block(r) for r in self.conn.execute(q).all()]


def _values(block: Block) -> dict[str, Any]:
    return {
        "addressee_no": block.addressee_no, "household_no": block.household_no,
        "processes": ",".join(p for p in PROCESSES if p in block.processes), "level": block.level,
        "start_on": block.start_on, "end_on": block.end_on, "released_on": block.released_on,
        "released_by": block.released_by, "temporary_release_until": block.temporary_release_until,
        "support_stage": block.support_stage, "parent_block_id": block.parent_block_id,
        "reason": block.reason, "details": block.details or None,
    }
