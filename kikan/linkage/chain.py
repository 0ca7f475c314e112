"""The exchange log: which client received which records — tamper-evident, hash-chained per tenant.

Modelled on X-Road's message log: every delivery (a feed page, a snapshot page, a file export)
is one entry naming the client, the dataset, the operation, the cursor range, the number of
records, the record keys (or, for files, their SHA-256 digest) and the request. Entries are
chained like the access log (:mod:`kikan.core.audit`): ``hash = sha256(prev_hash || canonical)``;
the tenant's counter row keeps the last hash, so an edited, deleted or truncated entry is found.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from kikan.core.audit import GENESIS, ChainBreak

MAX_LISTED_KEYS = 1000


@dataclass(frozen=True)
class Exchange:
    exchange_id: str
    client_id: str  # a system client, or ``staff:<login>`` / ``cli:<user>``
    dataset: str
    operation: str  # changes | snapshot | export
    status: str  # served | started | completed | aborted
    cursor_from: str = ""
    cursor_to: str = ""
    record_count: int = 0
    keys_digest: str = ""
    keys: str = ""  # JSON list of record ids (pages); "" for files (digest only)
    detail: str = ""
    request_id: str = ""
    client_addr: str = ""


@dataclass(frozen=True)
class SealedExchange:
    tenant_id: str
    seq: int
    at: datetime
    entry: Exchange
    prev_hash: str
    hash: str


def keys_digest(ids: Iterable[str]) -> str:
    """SHA-256 over the record ids, one per line, in delivery order."""
    h = hashlib.sha256()
    for i in ids:
        h.update(i.encode())
        h.update(b"\n")
    return h.hexdigest()


def listed_keys(ids: Sequence[str]) -> str:
    return (
        json.dumps(list(ids), ensure_ascii=False, separators=(",", ":"))
        if len(ids) <= MAX_LISTED_KEYS
        else ""
    )


def canonical(tenant_id: str, seq: int, at: datetime, e: Exchange, prev_hash: str) -> bytes:
    body = {
        "t": tenant_id, "s": seq, "at": at.isoformat(timespec="microseconds"), "x": e.exchange_id,
        "c": e.client_id, "d": e.dataset, "op": e.operation, "st": e.status, "from": e.cursor_from,
        "to": e.cursor_to, "n": e.record_count, "kd": e.keys_digest, "k": e.keys, "det": e.detail,
        "rid": e.request_id, "ip": e.client_addr, "prev": prev_hash,
    }  # fmt: skip
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def seal(tenant_id: str, seq: int, at: datetime, e: Exchange, prev_hash: str) -> SealedExchange:
    digest = hashlib.sha256(canonical(tenant_id, seq, at, e, prev_hash)).hexdigest()
    return SealedExchange(tenant_id, seq, at, e, prev_hash, digest)


def verify_chain(
    rows: Iterable[SealedExchange],
    *,
    expected_last_seq: int | None = None,
    expected_last_hash: str | None = None,
) -> ChainBreak | None:
    """The first broken link (edited, deleted, truncated entry), or None when the log is intact."""
    prev_hash, prev_seq = GENESIS, 0
    for row in rows:
        if row.seq != prev_seq + 1:
            return ChainBreak(prev_seq + 1, f"連携記録 {prev_seq + 1} が削除されています")
        if row.prev_hash != prev_hash:
            return ChainBreak(row.seq, "直前の記録のハッシュと一致しません（前の記録が改ざんされています）")
        if seal(row.tenant_id, row.seq, row.at, row.entry, row.prev_hash).hash != row.hash:
            return ChainBreak(row.seq, "記録の内容がハッシュと一致しません（改ざんされています）")
        prev_hash, prev_seq = row.hash, row.seq
    if expected_last_seq is not None and expected_last_seq != prev_seq:
        return ChainBreak(prev_seq + 1, f"末尾の記録が削除されています（最終番号 {expected_last_seq}）")
    if expected_last_hash is not None and prev_seq and expected_last_hash != prev_hash:
        return ChainBreak(prev_seq, "末尾の記録が改ざんされています")
    return None
