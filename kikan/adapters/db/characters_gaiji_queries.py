"""外字 同定: reads — decisions (replayable by number), the mapper for an import run, resolve, listings.

Replay: decisions are numbered per tenant; ``decisions(uow, as_of_seq=N)`` is the mapping exactly as it
stood after decision N, so an import run that records its ``mapper.as_of_seq`` can be reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from kikan.adapters.db.characters_gaiji import COUNTER, FUNCTION, Decision, decision_of
from kikan.adapters.db.counters import peek
from kikan.adapters.db.database import UnitOfWork
from kikan.adapters.db.tables.characters import (
    characters_gaiji_code,
    characters_gaiji_decision,
    characters_gaiji_usage,
)
from kikan.characters import CP932, UCS, Candidate, GaijiMapper, LegacyCode, propose
from kikan.characters.gaiji import normalise_code
from kikan.characters.text import parse_code_points
from kikan.core.errors import NotFound


@dataclass(frozen=True)
class Usage:
    source_file: str
    source_row: int
    field: str
    record_key: str
    context: str
    batch_id: str


@dataclass(frozen=True)
class GaijiEntry:
    """One legacy code with what is known about it, its usage count and its current decision."""

    code: LegacyCode
    source: str
    usage_count: int
    decision: Decision | None
    usages: list[Usage] = field(default_factory=list)

    @property
    def mapped(self) -> bool:
        return self.decision is not None and not self.decision.withdrawn

    @property
    def grapheme(self) -> str:
        """The character as it appears in legacy text (PUA, or the non-standard sequence)."""
        if self.code.code_system == UCS:
            return parse_code_points(self.code.code)
        return self.code.pua or ""


def latest_seq(uow: UnitOfWork) -> int:
    """The number of the tenant's newest decision (0 if none)."""
    return peek(uow.conn, uow.tenant_id, COUNTER)[0]


def decisions(
    uow: UnitOfWork, *, code_systems: list[str] | None = None, as_of_seq: int | None = None
) -> dict[tuple[str, str], Decision]:
    """The decision in force per code after decision ``as_of_seq`` (default: all); withdrawn ones dropped."""
    t = characters_gaiji_decision
    q = sa.select(t).where(t.c.tenant_id == uow.tenant_id)
    if code_systems is not None:
        q = q.where(t.c.code_system.in_(code_systems))
    if as_of_seq is not None:
        q = q.where(t.c.seq <= as_of_seq)
    out: dict[tuple[str, str], Decision] = {}
    for r in uow.conn.execute(q.order_by(t.c.seq)):
        out[(r.code_system, r.code)] = decision_of(r)
    return {k: d for k, d in out.items() if not d.withdrawn}


def history(uow: UnitOfWork, code_system: str, code: str) -> list[Decision]:
    code = normalise_code(code)
    t = characters_gaiji_decision
    rows = uow.conn.execute(
        sa.select(t)
        .where(t.c.tenant_id == uow.tenant_id, t.c.code_system == code_system, t.c.code == code)
        .order_by(t.c.seq)
    )
    return [decision_of(r) for r in rows]


def load_mapper(uow: UnitOfWork, code_system: str = CP932, *, as_of_seq: int | None = None) -> GaijiMapper:
    """A :class:`GaijiMapper` for one import run, with the decisions of ``code_system`` and of ``ucs``
    as of ``as_of_seq`` (default: the newest; the mapper records the number it used)."""
    seq = latest_seq(uow) if as_of_seq is None else as_of_seq
    found = decisions(uow, code_systems=sorted({code_system, UCS}), as_of_seq=seq)
    return GaijiMapper(code_system, {k: d.text for k, d in found.items()}, as_of_seq=seq)


def resolve(uow: UnitOfWork, text: str, *, code_system: str = CP932, as_of_seq: int | None = None) -> str:
    """``text`` with the tenant's confirmed decisions applied (unmapped characters are left as they are;
    use :meth:`GaijiMapper.map_or_collect` where that must not pass)."""
    return load_mapper(uow, code_system, as_of_seq=as_of_seq).resolve(text)[0]


def _code_of(r: sa.Row) -> LegacyCode:
    return LegacyCode(r.code_system, r.code, r.pua, r.description, r.juki_code, r.mj_name)


def usages(uow: UnitOfWork, code_system: str, code: str, *, limit: int = 200) -> list[Usage]:
    """Where a code was met (file, row, field, record key, value).  Personal data: audited as a read."""
    code = normalise_code(code)
    u = characters_gaiji_usage
    rows = uow.conn.execute(
        sa.select(u)
        .where(u.c.tenant_id == uow.tenant_id, u.c.code_system == code_system, u.c.code == code)
        .order_by(u.c.source_file, u.c.source_row, u.c.field)
        .limit(limit)
    ).all()
    uow.audit(FUNCTION + ".usages", "read", target_type="gaiji", target_id=f"{code_system}:{code}",
              detail=f"{len(rows)}件")  # fmt: skip
    return [Usage(r.source_file, r.source_row, r.field, r.record_key, r.context, r.batch_id) for r in rows]


def list_codes(
    uow: UnitOfWork, *, code_system: str | None = None, unmapped_only: bool = True, usages_per_code: int = 0,
    limit: int = 1000,
) -> list[GaijiEntry]:  # fmt: skip
    """Legacy codes with usage counts and current decision, most used first; with ``usages_per_code``
    the first usages of each (records using it; audited as a read)."""
    t, u = characters_gaiji_code, characters_gaiji_usage
    counts = (
        sa.select(u.c.code_system, u.c.code, sa.func.count().label("n"))
        .where(u.c.tenant_id == uow.tenant_id)
        .group_by(u.c.code_system, u.c.code)
        .subquery()
    )
    q = (
        sa.select(t, sa.func.coalesce(counts.c.n, 0).label("usage_count"))
        .outerjoin(counts, (counts.c.code_system == t.c.code_system) & (counts.c.code == t.c.code))
        .where(t.c.tenant_id == uow.tenant_id)
    )
    if code_system:
        q = q.where(t.c.code_system == code_system)
    current = decisions(uow, code_systems=[code_system, UCS] if code_system else None)
    out = []
    for r in uow.conn.execute(q.order_by(sa.desc("usage_count"), t.c.code_system, t.c.code)):
        d = current.get((r.code_system, r.code))
        if unmapped_only and d is not None:
            continue
        out.append(GaijiEntry(_code_of(r), r.source, int(r.usage_count), d))
        if len(out) >= limit:
            break
    if usages_per_code and out:
        first = _first_usages(uow, usages_per_code, code_system)
        out = [
            GaijiEntry(e.code, e.source, e.usage_count, e.decision,
                       first.get((e.code.code_system, e.code.code), []))
            for e in out
        ]  # fmt: skip
    return out


def _first_usages(uow: UnitOfWork, n: int, code_system: str | None) -> dict[tuple[str, str], list[Usage]]:
    """The first ``n`` usages of every code in one query (one audit row for the whole list)."""
    u = characters_gaiji_usage
    rn = sa.func.row_number().over(
        partition_by=(u.c.code_system, u.c.code), order_by=(u.c.source_file, u.c.source_row, u.c.field)
    )
    q = sa.select(u, rn.label("rn")).where(u.c.tenant_id == uow.tenant_id)
    if code_system:
        q = q.where(u.c.code_system == code_system)
    sub = q.subquery()
    rows = uow.conn.execute(
        sa.select(sub).where(sub.c.rn <= n).order_by(sub.c.code_system, sub.c.code, sub.c.rn)
    )
    out: dict[tuple[str, str], list[Usage]] = {}
    count = 0
    for r in rows:
        out.setdefault((r.code_system, r.code), []).append(
            Usage(r.source_file, r.source_row, r.field, r.record_key, r.context, r.batch_id)
        )
        count += 1
    uow.audit(FUNCTION + ".usages", "read", target_type="gaiji_list", target_id=code_system or "",
              detail=f"{count}件")  # fmt: skip
    return out


def entry(uow: UnitOfWork, code_system: str, code: str, *, usage_limit: int = 200) -> GaijiEntry:
    """One code with its usages (audited) and current decision; NotFound if unknown."""
    code = normalise_code(code)
    t = characters_gaiji_code
    r = uow.conn.execute(
        sa.select(t).where(t.c.tenant_id == uow.tenant_id, t.c.code_system == code_system, t.c.code == code)
    ).first()
    if r is None:
        raise NotFound(f"外字 {code_system}:{code} は登録されていません")
    found = usages(uow, code_system, code, limit=usage_limit)
    u = characters_gaiji_usage
    n = uow.conn.execute(
        sa.select(sa.func.count()).where(
            u.c.tenant_id == uow.tenant_id, u.c.code_system == code_system, u.c.code == code
        )
    ).scalar_one()
    current = decisions(uow, code_systems=[code_system]).get((code_system, code))
    return GaijiEntry(_code_of(r), r.source, int(n), current, found)


def candidates(uow: UnitOfWork, code_system: str, code: str, *, limit: int = 30) -> list[Candidate]:
    """Ranked 同定 candidates of one code (by 住基ネット統一文字コード / MJ文字図形名 from the 外字表, else
    by the description's kanji and their 縮退/variant families; see ``kikan.characters.candidates``)."""
    code = normalise_code(code)
    t = characters_gaiji_code
    r = uow.conn.execute(
        sa.select(t).where(t.c.tenant_id == uow.tenant_id, t.c.code_system == code_system, t.c.code == code)
    ).first()
    if r is None:
        raise NotFound(f"外字 {code_system}:{code} は登録されていません")
    legacy = _code_of(r)
    grapheme = parse_code_points(code) if code_system == UCS else None
    return propose(legacy, grapheme, limit=limit)
