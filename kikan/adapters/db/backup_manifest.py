"""The backup manifest: what a database holds, and the checks of a restored database against it.

Counts per tenant per table, each tenant's 連携フィード last sequence and アクセスログ last sequence
and hash (see :mod:`kikan.adapters.db.backup`). :func:`check` also recomputes every tenant's audit
hash chain and proves every feed gap-free, so a restore is only reported good when the data, the
access log and the feed cursors of every consumer are all intact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import audit_store, counters

SKIP = {"alembic_version"}


@dataclass
class CheckReport:
    """The outcome of :func:`check`: a restore is good when ``problems`` is empty."""

    problems: list[str] = field(default_factory=list)
    tenants: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def collect(conn: sa.Connection) -> dict[str, Any]:
    """Counts and sequences as ``conn`` sees them (it must see every tenant's rows)."""
    names = sorted(set(sa.inspect(conn).get_table_names()) - SKIP)
    tables: dict[str, dict[str, int]] = {}
    control: dict[str, int] = {}
    for name in names:
        t = sa.table(name, sa.column("tenant_id"))
        if any(c["name"] == "tenant_id" for c in sa.inspect(conn).get_columns(name)):
            q = sa.select(t.c.tenant_id, sa.func.count()).group_by(t.c.tenant_id)
            tables[name] = {str(k): int(v) for k, v in conn.execute(q)}
        else:
            control[name] = int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
    seqs: dict[str, dict[str, Any]] = {"outbox": {}, "audit": {}}
    if "tenant_counter" in names:
        tc = sa.table("tenant_counter", sa.column("tenant_id"), sa.column("name"), sa.column("value"),
                      sa.column("last_hash"))  # fmt: skip
        for tid, cname, value, last_hash in conn.execute(
            sa.select(tc.c.tenant_id, tc.c.name, tc.c.value, tc.c.last_hash).where(
                tc.c.name.in_(["outbox", "audit"])
            )
        ):
            seqs[cname][tid] = int(value) if cname == "outbox" else {"seq": int(value), "hash": last_hash}
    revision = None
    if "alembic_version" in sa.inspect(conn).get_table_names():
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return {"schema_revision": revision, "tables": tables, "control_plane": control, **seqs}


def check(conn: sa.Connection, manifest: dict[str, Any]) -> CheckReport:
    """Compare a restored database with its manifest; verify audit chains and outbox feeds."""
    now = collect(conn)
    rep = CheckReport()
    if now["schema_revision"] != manifest["schema_revision"]:
        rep.problems.append(f"スキーマ版が違います: {now['schema_revision']} ≠ {manifest['schema_revision']}")
    for name, counts in manifest["tables"].items():
        got = now["tables"].get(name)
        if got is None:
            rep.problems.append(f"表 {name} がありません")
            continue
        for tid in sorted(set(counts) | set(got)):
            if counts.get(tid, 0) != got.get(tid, 0):
                rep.problems.append(
                    f"表 {name} 団体 {tid}: 行数 {got.get(tid, 0)} ≠ 記録 {counts.get(tid, 0)}"
                )
        rep.rows += sum(got.values())
    for name, n in manifest["control_plane"].items():
        if now["control_plane"].get(name) != n:
            rep.problems.append(f"表 {name}: 行数 {now['control_plane'].get(name)} ≠ 記録 {n}")
        rep.rows += now["control_plane"].get(name) or 0
    tenants = set(manifest["audit"]) | set(manifest["outbox"]) | set(now["audit"]) | set(now["outbox"])
    rep.tenants = len(tenants)
    feeds = _feeds(conn) if "outbox_event" in now["tables"] else {}
    for tid in sorted(tenants):
        _check_tenant(conn, tid, manifest, now, feeds.get(tid, (0, 0, 0)), rep)
    return rep


def _feeds(conn: sa.Connection) -> dict[str, tuple[int, int, int]]:
    o = sa.table("outbox_event", sa.column("tenant_id"), sa.column("seq"))
    q = sa.select(o.c.tenant_id, sa.func.count(), sa.func.min(o.c.seq), sa.func.max(o.c.seq)).group_by(
        o.c.tenant_id
    )
    return {str(t): (int(n), int(lo), int(hi)) for t, n, lo, hi in conn.execute(q)}


def _check_tenant(
    conn: sa.Connection, tid: str, manifest: dict[str, Any], now: dict[str, Any], feed: tuple[int, int, int],
    rep: CheckReport,
) -> None:  # fmt: skip
    want_audit, got_audit = manifest["audit"].get(tid), now["audit"].get(tid)
    if want_audit != got_audit:
        rep.problems.append(f"団体 {tid}: アクセスログの最終番号・ハッシュ {got_audit} ≠ 記録 {want_audit}")
    if got_audit is not None and (brk := audit_store.verify(conn, tid)) is not None:
        rep.problems.append(f"団体 {tid}: アクセスログの連鎖が壊れています（番号 {brk.seq}: {brk.reason}）")
    want_seq, got_seq = manifest["outbox"].get(tid, 0), counters.peek(conn, tid, "outbox")[0]
    if want_seq != got_seq:
        rep.problems.append(f"団体 {tid}: 連携フィードの最終番号 {got_seq} ≠ 記録 {want_seq}")
    n, lo, hi = feed
    if n != got_seq or (n and (lo, hi) != (1, got_seq)):
        rep.problems.append(
            f"団体 {tid}: 連携フィードに欠番があります（{n}件, {lo}〜{hi}, 最終番号 {got_seq}）"
        )
