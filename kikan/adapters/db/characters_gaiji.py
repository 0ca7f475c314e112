"""外字 同定: storage and staff workflow over the per-tenant mapping tables (docs/characters.md).

Basis: デジタル庁「地方公共団体情報システムの文字要件」— legacy 外字 are 同定 (identified) with
行政事務標準文字 before or at migration; nothing is imported with an unidentified one.

Writes (each in the caller's unit of work, which must commit):

- :func:`import_code_table` — a vendor's 外字表 (CSV) into ``characters_gaiji_code``;
- :func:`record_unmapped` — what a :class:`~kikan.characters.GaijiMapper` collected during an import;
- :func:`confirm` / :func:`withdraw` — a staff decision, appended with the next per-tenant number.

Reads (:mod:`kikan.adapters.db.characters_gaiji_queries`): the decisions as of a number, a mapper for an
import run, :func:`~kikan.adapters.db.characters_gaiji_queries.resolve`, listings and candidates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.counters import advance, insert_ignore
from kikan.adapters.db.database import UnitOfWork
from kikan.adapters.db.tables.characters import (
    characters_gaiji_code,
    characters_gaiji_decision,
    characters_gaiji_usage,
)
from kikan.characters import UCS, LegacyCode, Unmapped, master, parse_code_table, validate
from kikan.characters.gaiji import check_code_system, normalise_code
from kikan.characters.text import code_points, graphemes, parse_code_points
from kikan.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from kikan.core.events import DomainEvent

FUNCTION = "chars.gaiji"
COUNTER = "gaiji_decision"


@dataclass(frozen=True)
class Decision:
    seq: int
    code_system: str
    code: str
    text: str  # "" = withdrawn
    mj_name: str
    basis: str
    note: str
    decided_at: datetime
    decided_by: str

    @property
    def withdrawn(self) -> bool:
        return not self.text


def decision_of(r: Any) -> Decision:
    return Decision(
        r.seq, r.code_system, r.code, r.text, r.mj_name, r.basis, r.note, r.decided_at, r.decided_by
    )


def _upsert_code(uow: UnitOfWork, c: LegacyCode, source: str) -> None:
    t = characters_gaiji_code
    values = {"description": c.description, "juki_code": c.juki_code, "mj_name": c.mj_name, "pua": c.pua,
              "source": source[:200], "updated_at": uow.now, "updated_by": uow.actor.actor_id}  # fmt: skip
    key = (t.c.tenant_id == uow.tenant_id) & (t.c.code_system == c.code_system) & (t.c.code == c.code)
    if uow.conn.execute(sa.update(t).where(key).values(**values)).rowcount == 0:
        uow.conn.execute(
            sa.insert(t).values(tenant_id=uow.tenant_id, code_system=c.code_system, code=c.code, **values)
        )


def import_code_table(uow: UnitOfWork, code_system: str, csv_text: str, *, source: str = "") -> int:
    """Load a vendor 外字表 (CSV: 外字コード, 字形の説明, 住基ネット統一文字コード?, MJ文字図形名?); returns the
    number of codes.  A table with any bad row raises ValidationFailed and writes nothing; codes already
    known are updated (their decisions are kept)."""
    rows = parse_code_table(csv_text, code_system, known_mj=master())
    for c in rows:
        _upsert_code(uow, c, source or "外字表")
    uow.audit(FUNCTION + ".table", "update", target_type="gaiji_table", target_id=code_system,
              detail=f"{source} {len(rows)}件")  # fmt: skip
    return len(rows)


def record_unmapped(uow: UnitOfWork, unmapped: Iterable[Unmapped], *, batch_id: str = "") -> int:
    """Store what an import collected: the codes (if new) and every usage (file, row, field, record).
    Repeated runs over the same file do not duplicate usages.  Returns the number of usages given."""
    items = list(unmapped)
    codes = {(u.code_system, u.code): u for u in items}
    for (system, code), u in codes.items():
        insert_ignore(uow.conn, characters_gaiji_code, {
            "tenant_id": uow.tenant_id, "code_system": system, "code": code,
            "pua": u.grapheme[0] if system != UCS else None, "description": "", "juki_code": "", "mj_name": "",
            "source": "移行データから収集", "updated_at": uow.now, "updated_by": uow.actor.actor_id,
        })  # fmt: skip
    rows = [
        {
            "tenant_id": uow.tenant_id, "code_system": u.code_system, "code": u.code,
            "source_file": (u.where.source_file if u.where else "")[:300],
            "source_row": u.where.source_row if u.where else 0, "field": (u.where.field if u.where else "")[:100],
            "record_key": (u.where.record_key if u.where else "")[:100], "context": u.context[:400],
            "batch_id": batch_id[:64], "collected_at": uow.now,
        }
        for u in items
    ]  # fmt: skip
    if rows:
        insert_ignore(uow.conn, characters_gaiji_usage, rows)
        uow.audit(FUNCTION + ".collect", "create", target_type="gaiji_usage", target_id=batch_id,
                  detail=f"未同定の外字 {len(codes)}種 {len(rows)}箇所")  # fmt: skip
    return len(rows)


def _known(uow: UnitOfWork, code_system: str, code: str) -> None:
    t = characters_gaiji_code
    found = uow.conn.execute(
        sa.select(t.c.code).where(
            t.c.tenant_id == uow.tenant_id, t.c.code_system == code_system, t.c.code == code
        )
    ).first()
    if found is None:
        raise NotFound(
            f"外字 {code_system}:{code} は登録されていません（外字表の取込みか移行データの収集が先です）"
        )


def _standard_text(text: str | None, mj_name: str | None) -> tuple[str, str]:
    """(text, mj_name) of a decision, validated: a single 行政事務標準文字 grapheme or short sequence."""
    m = master()
    if mj_name:
        row = m.get(mj_name)
        if row is None:
            raise ValidationFailed(
                [FieldError("MJ文字図形名", f"{mj_name} は文字情報基盤（MJ）にありません")]
            )
        if text and text != row.sequence and row not in m.lookup(text):
            raise ValidationFailed(
                [FieldError("同定文字", f"{mj_name} の文字ではありません（{code_points(text)}）")]
            )
        return row.sequence, row.mj
    if not text:
        raise ValidationFailed([FieldError("同定文字", "同定する文字かMJ文字図形名を指定してください")])
    if len(text) > 40:
        raise ValidationFailed([FieldError("同定文字", "40文字以内で指定してください")])
    issues = validate(text)
    if issues:
        raise ValidationFailed([FieldError("同定文字", "、".join(i.message for i in issues[:3]))])
    rows = m.lookup(text) if len(graphemes(text)) == 1 else []
    return text, rows[0].mj if len(rows) == 1 else ""


def _append(
    uow: UnitOfWork, code_system: str, code: str, text: str, mj: str, basis: str, note: str
) -> Decision:
    seq, _ = advance(uow.conn, uow.tenant_id, COUNTER, 1)
    row = {"tenant_id": uow.tenant_id, "seq": seq, "code_system": code_system, "code": code, "text": text,
           "mj_name": mj, "basis": basis[:200], "note": note[:400], "decided_at": uow.now,
           "decided_by": uow.actor.actor_id}  # fmt: skip
    uow.conn.execute(sa.insert(characters_gaiji_decision).values(**row))
    return Decision(seq, code_system, code, text, mj, basis[:200], note[:400], uow.now, uow.actor.actor_id)


def _current(uow: UnitOfWork, code_system: str, code: str) -> Decision | None:
    t = characters_gaiji_decision
    r = uow.conn.execute(
        sa.select(t)
        .where(t.c.tenant_id == uow.tenant_id, t.c.code_system == code_system, t.c.code == code)
        .order_by(t.c.seq.desc())
        .limit(1)
    ).first()
    return decision_of(r) if r is not None else None


def confirm(
    uow: UnitOfWork, code_system: str, code: str, text: str | None = None, *, mj_name: str | None = None,
    basis: str = "", note: str = "",
) -> Decision:  # fmt: skip
    """Record the staff's 同定 of one legacy code: ``text`` (a 行政事務標準文字, IVS where needed) or the
    MJ文字図形名 whose sequence is used.  Appends a numbered decision (the previous one stays in the
    history), audits, and emits ``GaijiMappingConfirmed``."""
    check_code_system(code_system)
    code = normalise_code(code)
    _known(uow, code_system, code)
    if code_system == UCS and text is not None and text == parse_code_points(code):
        raise ValidationFailed([FieldError("同定文字", "元の文字と同じです（標準外の文字のままです）")])
    value, mj = _standard_text(text, (mj_name or "").strip().upper() or None)
    d = _append(uow, code_system, code, value, mj, basis, note)
    uow.audit(FUNCTION + ".confirm", "update", target_type="gaiji", target_id=f"{code_system}:{code}",
              detail=f"#{d.seq} {code_points(value)} {mj}".strip())  # fmt: skip
    uow.emit(DomainEvent("GaijiMappingConfirmed", "gaiji", f"{code_system}:{code}", {
        "code_system": code_system, "code": code, "text": value, "mj_name": mj, "decision_seq": d.seq,
    }))  # fmt: skip
    return d


def withdraw(uow: UnitOfWork, code_system: str, code: str, *, note: str = "") -> Decision:
    """Withdraw the current decision of a code (appends an empty decision; the code is unmapped again)."""
    code = normalise_code(code)
    current = _current(uow, code_system, code)
    if current is None or current.withdrawn:
        raise Conflict(f"外字 {code_system}:{code} には取り消す同定がありません")
    d = _append(uow, code_system, code, "", "", "取消し", note)
    uow.audit(FUNCTION + ".withdraw", "update", target_type="gaiji", target_id=f"{code_system}:{code}",
              detail=f"#{d.seq} 取消し（#{current.seq}）")  # fmt: skip
    uow.emit(DomainEvent("GaijiMappingWithdrawn", "gaiji", f"{code_system}:{code}", {
        "code_system": code_system, "code": code, "decision_seq": d.seq, "withdrawn_seq": current.seq,
    }))  # fmt: skip
    return d
