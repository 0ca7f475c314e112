"""個人番号 key rotation: re-encrypt every stored 個人番号 under the current key, recompute hashes.

Legal basis: 番号法第12条 (安全管理措置) and 特定個人情報の適正な取扱いに関するガイドライン
(行政機関等編) 別添 安全管理措置 — encryption keys are changed periodically and on suspicion of
compromise; the clear number never leaves the process and is never logged or audited.

Procedure (``docs/operations.md``): put the new key FIRST in the ring (``k2:…,k1:…``) and restart
(new writes use k2; reads decrypt both; searches try both hashes), run ``kikan keys rotate --all``,
check ``kikan keys status --all`` shows nothing pending, then drop k1 from the ring.

The rotation is
- batched: one transaction per ``batch_size`` history rows, walked in primary-key order (keyset
  pagination: every batch is an index range scan, never a rescan of the table);
- idempotent and resumable: only tokens not under the current key are selected, so a rerun after
  a crash or an interruption continues where the committed batches stopped;
- audited: one audit row per batch (``security.mynumber.rotate``, ``mynumber_shown=False``);
- tenant-scoped: each tenant runs in its own unit of work as the system actor (row-level security
  on PostgreSQL, the explicit tenant filter on both backends).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.juki import juki_history, juki_resident
from kikan.adapters.security import accounts
from kikan.adapters.security.crypto import MyNumberCipher
from kikan.core.tenancy import Actor, TenantContext

KEYS_ACTOR = Actor("system:keys", kind="system")
FUNCTION = "security.mynumber.rotate"
DEFAULT_BATCH = 1000
Progress = Callable[[str, int], None]

h, r = juki_history.c, juki_resident.c


@dataclass(frozen=True)
class RotationReport:
    tenant_id: str
    history_rows: int  # tokens re-encrypted (and their hashes recomputed)
    resident_hashes: int  # juki_resident pointers whose lookup hash was recomputed
    batches: int
    from_kids: dict[str, int]  # previous key id -> rows
    current_kid: str


def _stale(tenant_id: str, kid: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        h.tenant_id == tenant_id,
        h.individual_number_enc.is_not(None),
        sa.not_(h.individual_number_enc.startswith(kid + ":", autoescape=True)),
    )


def pending(db: Database, tenant_id: str, cipher: MyNumberCipher) -> int:
    """History rows of ``tenant_id`` whose 個人番号 is not yet under the current key."""
    with db.uow(TenantContext(tenant_id, KEYS_ACTOR)) as uow:
        q = sa.select(sa.func.count()).select_from(juki_history).where(_stale(tenant_id, cipher.current_kid))
        return int(uow.conn.execute(q).scalar_one())


_UPDATE_HISTORY = (
    sa.update(juki_history)
    .where(
        h.tenant_id == sa.bindparam("t"),
        h.addressee_no == sa.bindparam("a"),
        h.history_no == sa.bindparam("n"),
    )
    .values(individual_number_enc=sa.bindparam("new_enc"), individual_number_hash=sa.bindparam("new_hash"))
)
# the pointer carries the hash of the CURRENT row only: matching history_no makes a concurrent
# change (a newer row already written under the current key) win over this batch
_UPDATE_RESIDENT = (
    sa.update(juki_resident)
    .where(
        r.tenant_id == sa.bindparam("t"),
        r.addressee_no == sa.bindparam("a"),
        r.history_no == sa.bindparam("n"),
    )
    .values(individual_number_hash=sa.bindparam("new_hash"))
)


def _batch(
    db: Database, tenant_id: str, cipher: MyNumberCipher, after: tuple[str, int], size: int
) -> tuple[int, int, Counter[str], tuple[str, int] | None]:
    """Re-encrypt one batch in one transaction; returns (rows, resident hashes, kids, last key)."""
    with db.uow(TenantContext(tenant_id, KEYS_ACTOR)) as uow:
        rows = uow.conn.execute(
            sa.select(h.addressee_no, h.history_no, h.individual_number_enc)
            .where(_stale(tenant_id, cipher.current_kid), sa.tuple_(h.addressee_no, h.history_no) > after)
            .order_by(h.addressee_no, h.history_no)
            .limit(size)
        ).all()
        if not rows:
            return 0, 0, Counter(), None
        kids: Counter[str] = Counter()
        params = []
        for a, n, token in rows:
            number = cipher.decrypt(token)  # CipherError names the unknown key id, never the number
            kids[token.partition(":")[0]] += 1
            params.append({"t": tenant_id, "a": a, "n": n, "new_enc": cipher.encrypt(number),
                           "new_hash": cipher.lookup_hash(number)})  # fmt: skip
        uow.conn.execute(_UPDATE_HISTORY, params)
        residents = uow.conn.execute(
            _UPDATE_RESIDENT, [{k: p[k] for k in ("t", "a", "n", "new_hash")} for p in params]
        )
        count = max(residents.rowcount, 0)
        first, last = rows[0], rows[-1]
        detail = {"rows": len(rows), "resident_hashes": count, "from": dict(kids), "to": cipher.current_kid}
        uow.audit(FUNCTION, "update", target_type="juki_history",
                  target_id=f"{first.addressee_no}-{last.addressee_no}"[:60], mynumber_shown=False,
                  detail=json.dumps(detail, ensure_ascii=False, sort_keys=True))  # fmt: skip
        uow.commit()
        return len(rows), count, kids, (last.addressee_no, last.history_no)


def rotate_tenant(
    db: Database, tenant_id: str, cipher: MyNumberCipher, *, batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> RotationReport:  # fmt: skip
    """Re-encrypt ``tenant_id``'s 個人番号 under ``cipher.current_kid`` (see the module docstring)."""
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    rows = residents = batches = 0
    kids: Counter[str] = Counter()
    after: tuple[str, int] | None = ("", -1)
    while after is not None:
        n, m, k, after = _batch(db, tenant_id, cipher, after, batch_size)
        if n:
            rows, residents, batches = rows + n, residents + m, batches + 1
            kids.update(k)
            if progress:
                progress(tenant_id, rows)
    return RotationReport(tenant_id, rows, residents, batches, dict(kids), cipher.current_kid)


def rotate_all(
    db: Database, cipher: MyNumberCipher, *, batch_size: int = DEFAULT_BATCH, progress: Progress | None = None
) -> list[RotationReport]:
    """Every registered tenant in turn (one at a time: a tenant's batches never interleave)."""
    return [
        rotate_tenant(db, t.tenant_id, cipher, batch_size=batch_size, progress=progress)
        for t in accounts.list_tenants(db)
    ]
