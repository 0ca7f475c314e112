"""The load run's data: the prepared tenant (:class:`Setup`), what happened (:class:`LoadResult`).

:func:`prepare` migrates the database, registers a tenant, seeds residents to search and view,
creates one staff account (住民記録担当) with an API token per client, a few shared households
(the targets of deliberate collisions), and a linkage client for the feed check.
"""

from __future__ import annotations

import os
import random
import statistics
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

TENANT = "131016"  # 千代田区
PASSWORD = "load-test-password-1"
SETUP_ACTOR = "load-setup"


@dataclass
class Setup:
    db_url: str
    tenant: str
    logins: list[str]
    tokens: list[str]
    residents: list[str]  # present residents to view
    households: list[str]  # their households (certificates)
    searches: list[dict[str, Any]]
    pool: list[str]  # shared households: deliberate collisions
    seq_before: int  # the outbox sequence before the load
    linkage: tuple[str, str] | None = None  # (client_id, secret) granted juki.moves


@dataclass
class Ack:
    """An acknowledged 異動 (201): what the server said it wrote."""

    op: str
    key: str  # the request's unique mark: the 名 token of a 転入, the new address of a 転居
    move_id: str
    event_id: str
    addressee_nos: list[str]
    history_nos: list[int]
    household_no: str


@dataclass
class Doubt:
    """A POST whose connection was cut after it was sent: it may or may not have been committed."""

    op: str
    key: str
    error: str
    at: float


@dataclass
class LoadResult:
    clients: int = 0
    collide: float = 0.0
    started: float = 0.0
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)
    conflicts: int = 0
    retries: int = 0
    acks: list[Ack] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)

    def add_latency(self, op: str, ms: float) -> None:
        self.latencies.setdefault(op, []).append(ms)

    @property
    def acked(self) -> int:
        return len(self.acks)

    @property
    def server_errors(self) -> list[dict[str, Any]]:
        return [e for e in self.errors if (e.get("status") or 0) >= 500]


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))], 1) if s else 0.0


def summary(r: LoadResult) -> dict[str, Any]:
    secs = max(r.seconds, 1e-9)
    ops = {op: {"n": len(v), "per_s": round(len(v) / secs, 2), "p50_ms": _pct(v, 0.5), "p95_ms": _pct(v, 0.95),
                "p99_ms": _pct(v, 0.99), "mean_ms": round(statistics.fmean(v), 1) if v else 0.0}
           for op, v in sorted(r.latencies.items())}  # fmt: skip
    done = sum(len(v) for v in r.latencies.values())
    return {
        "seconds": round(r.seconds, 1), "operations": done, "ops_per_s": round(done / secs, 1), "ops": ops,
        "moves_acked": r.acked, "moves_per_s": round(r.acked / secs, 2), "conflicts_409": r.conflicts,
        "in_doubt": len(r.doubts), "retries": r.retries, "errors": len(r.errors),
        "server_errors_5xx": len(r.server_errors), "statuses": dict(sorted(r.statuses.items())),
        "error_samples": r.errors[:5],
    }  # fmt: skip


def _seed_samples(
    db: Any, tenant: str, n: int, rng: random.Random
) -> tuple[list[str], list[str], list[dict]]:
    import sqlalchemy as sa

    from kikan.adapters.db.tables.juki import juki_history, juki_resident
    from kikan.core.calendar import format_wareki
    from kikan.core.tenancy import SYSTEM_BATCH, TenantContext

    h, r = juki_history.c, juki_resident.c
    with db.uow(TenantContext(tenant, SYSTEM_BATCH)) as uow:
        rows = uow.conn.execute(
            sa.select(h.addressee_no, h.household_no, h.family_name, h.given_name, h.family_name_kana, h.birth_date)
            .join(juki_resident, sa.and_(r.tenant_id == h.tenant_id, r.addressee_no == h.addressee_no,
                                         r.history_no == h.history_no))
            .where(h.tenant_id == tenant, r.status == "resident").order_by(h.addressee_no).limit(20_000)
        ).all()  # fmt: skip
    people = rng.sample(list(rows), min(n, len(rows)))
    searches: list[dict[str, Any]] = [{"kana": "アオキ", "limit": 20}]  # hits the load's own 転入
    for p in people[:100]:
        searches.append(
            {"kana": p.family_name_kana, "limit": 50}
            if p.family_name_kana
            else {"addressee_no": p.addressee_no}
        )
        searches.append({"name": f"{p.family_name}　{p.given_name}"})
        if p.birth_date and p.family_name_kana:
            searches.append({"birth_date": format_wareki(p.birth_date), "kana": p.family_name_kana})
        searches.append({"addressee_no": p.addressee_no})
    return (
        [p.addressee_no for p in people],
        sorted({p.household_no for p in people if p.household_no}),
        searches,
    )


def _pool(db: Any, tenant: str, n: int) -> list[str]:
    from bench.moves import move_in_body
    from kikan.core.tenancy import Actor, TenantContext
    from kikan.juki.services import RecordMoveIn, build, move_in

    ctx = TenantContext(tenant, Actor(SETUP_ACTOR, permissions=frozenset({"juki.write"})))
    today = db.clock.today()
    out = []
    for i in range(n):
        with db.uow(ctx) as uow:
            body = move_in_body(900_000 + i, 2, today)
            body["event_on"] = (today - timedelta(days=5)).isoformat()
            out.append(move_in(build(RecordMoveIn, body), uow, today=today).household_no)
            uow.commit()
    return out


def prepare(db_url: str, *, clients: int, residents: int = 0, seed: int = 1, pool: int = 3,
            tenant: str = TENANT, linkage: bool = True) -> Setup:  # fmt: skip
    """Migrate, register the tenant, seed ``residents``, make ``clients`` staff tokens and the pool."""
    from bench._procs import LINKAGE_KEY
    from kikan.adapters.db import linkage_clients, linkage_keys, outbox
    from kikan.adapters.db.database import Database
    from kikan.adapters.db.migrate import upgrade
    from kikan.adapters.security import accounts
    from kikan.core.tenancy import SYSTEM_BATCH, TenantContext
    from kikan.synthetic import seed_tenant

    upgrade(db_url)
    db = Database(db_url)
    try:
        accounts.add_tenant(db, tenant, "負荷試験区")
        if residents:
            seed_tenant(db, tenant, residents, seed)
        rng = random.Random(seed)
        people, households, searches = _seed_samples(db, tenant, 500, rng) if residents else ([], [], [])
        searches = searches or [{"kana": "アオキ", "limit": 20}]
        logins, tokens = [], []
        run = uuid.uuid4().hex[:6]
        for i in range(clients):
            login = f"load{run}c{i:02d}"
            acc = accounts.add_account(db, login, PASSWORD, f"負荷試験職員{i}")
            accounts.grant(db, acc.account_id, tenant, "registry_clerk")
            logins.append(login)
            tokens.append(accounts.issue_token(db, acc.account_id, tenant, "load", days=1))
        shared = _pool(db, tenant, pool)
        creds = None
        if linkage:
            os.environ.setdefault("KIKAN_LINKAGE_KEY", LINKAGE_KEY)
            linkage_keys.reset()
            creds = linkage_clients.register(db, "負荷試験", client_id=f"load-{run}", by=SETUP_ACTOR)
            linkage_clients.grant(db, creds[0], tenant, "juki.moves", by=SETUP_ACTOR)
        with db.uow(TenantContext(tenant, SYSTEM_BATCH)) as uow:
            before = outbox.last_seq(uow.conn, tenant)
    finally:
        db.dispose()
    return Setup(db_url, tenant, logins, tokens, people, households, searches, shared, before, creds)
