"""Append-only, hash-chained access and change log (住民記録標準仕様書 10.2 アクセスログ).

Every read or change of personal data writes one entry. Entries are chained per tenant:
``hash = sha256(prev_hash || canonical(entry))``; verification recomputes the chain and
reports the first broken link (an edited row, a deleted row, or a truncated tail).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """What happened, before it is sealed into the chain."""

    actor: str
    function: str  # e.g. "juki.resident.view", "juki.move_in"
    action: str  # read | create | update | delete | print | export | login | deny | void
    target_type: str = ""
    target_id: str = ""
    mynumber_shown: bool = False
    client_addr: str = ""
    terminal: str = ""
    request_id: str = ""
    detail: str = ""


@dataclass(frozen=True)
class SealedAudit:
    tenant_id: str
    seq: int
    at: datetime
    entry: AuditEntry
    prev_hash: str
    hash: str


def canonical(tenant_id: str, seq: int, at: datetime, e: AuditEntry, prev_hash: str) -> bytes:
    body = {
        "t": tenant_id,
        "s": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor": e.actor,
        "fn": e.function,
        "act": e.action,
        "tt": e.target_type,
        "tid": e.target_id,
        "mn": e.mynumber_shown,
        "ip": e.client_addr,
        "term": e.terminal,
        "rid": e.request_id,
        "d": e.detail,
        "prev": prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def seal(tenant_id: str, seq: int, at: datetime, e: AuditEntry, prev_hash: str) -> SealedAudit:
    digest = hashlib.sha256(canonical(tenant_id, seq, at, e, prev_hash)).hexdigest()
    return SealedAudit(tenant_id, seq, at, e, prev_hash, digest)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(
    rows: Iterable[SealedAudit], *, expected_last_seq: int | None = None, expected_last_hash: str | None = None
) -> ChainBreak | None:
    """Return the first broken link, or None when the chain is intact.

    ``expected_last_*`` come from the tenant's counter row, so a deleted tail is caught too.
    """
    prev_hash = GENESIS
    prev_seq = 0
    for row in rows:
        if row.seq != prev_seq + 1:
            return ChainBreak(prev_seq + 1, f"履歴番号 {prev_seq + 1} の行が削除されています")
        if row.prev_hash != prev_hash:
            return ChainBreak(row.seq, "直前の行のハッシュと一致しません（前の行が改ざんされています）")
        again = seal(row.tenant_id, row.seq, row.at, row.entry, row.prev_hash)
        if again.hash != row.hash:
            return ChainBreak(row.seq, "行の内容がハッシュと一致しません（改ざんされています）")
        prev_hash, prev_seq = row.hash, row.seq
    if expected_last_seq is not None and expected_last_seq != prev_seq:
        return ChainBreak(prev_seq + 1, f"末尾の行が削除されています（最終番号 {expected_last_seq}）")
    if expected_last_hash is not None and prev_seq and expected_last_hash != prev_hash:
        return ChainBreak(prev_seq, "末尾の行が改ざんされています")
    return None
