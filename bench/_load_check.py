"""After a load run: nothing lost, nothing duplicated, nothing half-written, the chain intact.

Reads the database directly (the tenant's history rows written by the load's staff logins, and the
outbox after ``Setup.seq_before``) and compares with what the clients were told:

1. every acknowledged 異動 (201) has exactly the history rows it announced (宛名番号, 履歴番号) and
   exactly one outbox event (its ``event_id``);
2. every other 異動 found in the history is explained by one in-doubt request (its unique key),
   and no in-doubt request was committed twice;
3. one outbox event per 異動 found, no other event; the tenant's outbox ``seq`` is 1..N without a
   gap and its event ids unique; optionally the linkage feed (``juki.moves``) delivers each of
   those events exactly once, in ``seq`` order;
4. the access-log hash chain verifies; no unexpected HTTP status (5xx, or 409 outside a
   deliberate collision), no request that gave up.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from bench._load_model import LoadResult, Setup

KEY = re.compile(r"^(?:太郎|花子)(\d{8})")


@dataclass
class Check:
    problems: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, message: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(message)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": self.problems, **self.figures}


def _read(db_url: str, setup: Setup) -> tuple[list[Any], list[Any], list[tuple[int, str]], Any]:
    from kikan.adapters.db import audit_store
    from kikan.adapters.db.database import Database
    from kikan.adapters.db.tables.core import outbox_event
    from kikan.adapters.db.tables.juki import juki_history
    from kikan.core.tenancy import SYSTEM_BATCH, TenantContext

    h, o = juki_history.c, outbox_event.c
    db = Database(db_url)
    try:
        with db.uow(TenantContext(setup.tenant, SYSTEM_BATCH)) as uow:
            rows = uow.conn.execute(
                sa.select(h.addressee_no, h.history_no, h.move_id, h.given_name, h.address, h.event_code)
                .where(h.tenant_id == setup.tenant, h.recorded_by.in_(setup.logins))
            ).all()  # fmt: skip
            events = uow.conn.execute(
                sa.select(o.seq, o.event_id, o.payload).where(o.tenant_id == setup.tenant, o.seq > setup.seq_before)
            ).all()  # fmt: skip
            seqs = [(r.seq, r.event_id) for r in uow.conn.execute(
                sa.select(o.seq, o.event_id).where(o.tenant_id == setup.tenant).order_by(o.seq))]  # fmt: skip
            brk = audit_store.verify(uow.conn, setup.tenant)
    finally:
        db.dispose()
    return list(rows), list(events), seqs, brk


def _key_of(op_rows: list[Any]) -> tuple[str, str]:
    if any(r.event_code == "301" for r in op_rows):
        return "move_within", op_rows[0].address or ""
    for r in op_rows:
        m = KEY.match(r.given_name or "")
        if m:
            return "move_in", m.group(1)
    return "?", ""


def verify(db_url: str, setup: Setup, result: LoadResult, *, feed_base_url: str | None = None,
           fault_windows: list[tuple[float, float]] | None = None) -> Check:  # fmt: skip
    c = Check()
    rows, events, seqs, brk = _read(db_url, setup)
    by_move: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        by_move[r.move_id].append(r)
    acked = {a.move_id: a for a in result.acks}
    for a in result.acks:
        want = set(zip(a.addressee_nos, a.history_nos, strict=True))
        got = Counter((r.addressee_no, r.history_no) for r in by_move.get(a.move_id, []))
        if set(got) != want or any(n != 1 for n in got.values()):
            c.fail(
                f"acknowledged {a.op} {a.move_id} announced {sorted(want)} but the history has {dict(got)}"
            )
    doubts = {(d.op, d.key) for d in result.doubts if d.key}
    explained: Counter[tuple[str, str]] = Counter()
    for move_id, op_rows in by_move.items():
        if move_id in acked:
            continue
        key = _key_of(op_rows)
        if key not in doubts:
            c.fail(f"異動 {move_id} {key} is in the history but was neither acknowledged nor in doubt")
        explained[key] += 1
    for key, n in explained.items():
        if n > 1:
            c.fail(f"in-doubt request {key} was committed {n} times")
    # events: one per 異動 found, none else
    moves_of_event: dict[str, set[str]] = {}
    row_move = {(r.addressee_no, r.history_no): r.move_id for r in rows}
    for e in events:
        persons = (e.payload or {}).get("persons") or []
        moves_of_event[e.event_id] = {
            row_move.get((p["addressee_no"], p["history_no"]), "?") for p in persons
        }
    count = Counter(e.event_id for e in events)
    for a in result.acks:
        if count.get(a.event_id, 0) != 1:
            c.fail(
                f"acknowledged {a.op} {a.move_id}: event {a.event_id} is in the outbox {count.get(a.event_id, 0)} times"
            )
        elif moves_of_event[a.event_id] != {a.move_id}:
            c.fail(f"event {a.event_id} describes {moves_of_event[a.event_id]}, not the 異動 {a.move_id}")
    per_move = Counter(m for ms in moves_of_event.values() for m in ms)
    for move_id in by_move:
        if per_move.get(move_id, 0) != 1:
            c.fail(f"異動 {move_id} has {per_move.get(move_id, 0)} outbox events")
    stray = [e.event_id for e in events if not moves_of_event[e.event_id] <= set(by_move)]
    if stray:
        c.fail(f"{len(stray)} outbox events after the start match no 異動 of the load: {stray[:5]}")
    numbers = [s for s, _ in seqs]
    if numbers != list(range(1, len(numbers) + 1)):
        gaps = sorted(set(range(1, (numbers[-1] if numbers else 0) + 1)) - set(numbers))[:10]
        c.fail(
            f"outbox seq not contiguous: {len(numbers)} events, last {numbers[-1] if numbers else 0}, missing {gaps}"
        )
    if len({e for _, e in seqs}) != len(seqs):
        c.fail("duplicate event ids in the outbox")
    if brk is not None:
        c.fail(f"access-log chain broken at {brk.seq}: {brk.reason}")
    _statuses(c, result, fault_windows)
    if feed_base_url and setup.linkage:
        _feed(c, feed_base_url, setup, seqs)
    c.figures.update({
        "acknowledged": len(acked), "in_doubt": len(result.doubts), "in_doubt_committed": sum(explained.values()),
        "moves_found": len(by_move), "history_rows": len(rows), "events_after_start": len(events),
        "outbox_last_seq": numbers[-1] if numbers else 0, "audit_chain_ok": brk is None,
    })  # fmt: skip
    return c


def _statuses(c: Check, result: LoadResult, windows: list[tuple[float, float]] | None) -> None:
    for e in result.errors:
        status, at = e.get("status"), e.get("at", 0.0)
        tolerated = status is not None and status >= 500 and any(a <= at <= b for a, b in windows or [])
        if not tolerated:
            c.fail(f"{e.get('op')} {e.get('method', '')} {e.get('path', '')}: {status or e.get('error')} "
                   f"{(e.get('body') or '')[:300]}")  # fmt: skip
    c.figures["tolerated_5xx"] = (
        sum(1 for e in result.errors if (e.get("status") or 0) >= 500) if windows else 0
    )


def _feed(c: Check, base_url: str, setup: Setup, seqs: list[tuple[int, str]]) -> None:
    from kikan.linkage.client import LinkageClient

    assert setup.linkage is not None
    client = LinkageClient(base_url, *setup.linkage, tenant_id=setup.tenant, timeout=120)
    got: list[tuple[int, str]] = []
    after: str | None = None
    try:
        while True:
            page = client.changes("juki.moves", after, 1000)
            got += [(int(i["seq"]), str(i["event_id"])) for i in page.items]
            after = page.next_cursor
            if not page.has_more:
                break
    finally:
        client.close()
    juki = {e for _, e in seqs}
    ids = [e for _, e in got]
    dup = [e for e, n in Counter(ids).items() if n > 1]
    if dup:
        c.fail(f"the feed delivered {len(dup)} events more than once: {dup[:5]}")
    if [s for s, _ in got] != sorted(s for s, _ in got):
        c.fail("the feed is not in seq order")
    missing = [e for s, e in seqs if s > setup.seq_before and e not in set(ids)]
    if missing:
        c.fail(f"{len(missing)} outbox events missing from the feed: {missing[:5]}")
    if set(ids) - juki:
        c.fail("the feed delivered events that are not in the outbox")
    c.figures["feed_items"] = len(got)
