"""Benchmark: the linkage change feed over HTTP (throughput and commit-to-consumer lag).

1. Creates a fresh database (PostgreSQL ``kikan_bench_feed`` on ``--admin-url``, or a SQLite file),
   registers a tenant and a ``client_secret_jwt`` client granted the registry's datasets.
2. Seeds N 異動: ``--via outbox`` (default) writes N ``ResidentMovedIn`` events straight into the
   outbox, each a copy of a real 転入's payload (one person, every standard item); ``--via services``
   runs N real 転入 through the registry services (slower, realistic rows too).
3. Starts ``uvicorn kikan.adapters.api.asgi:app`` in a subprocess on loopback, and pulls everything
   with :class:`kikan.linkage.client.LinkageClient` (the same client kikan's businesses use):
   ``juki.moves`` (one record per event) and ``juki.residents``, pages of ``--page`` records.
4. Lag: a writer commits ``--lag-events`` 転入 through the services at ``--rate`` per second while
   a subscriber polls (sleeping ``--poll`` seconds when it is caught up); lag = time the consumer
   holds the record − time the commit returned. p50/p95 in ms.

Prints one JSON line::

    {"bench": "feed", "backend": "postgresql", "events": 20000, "moves_per_s": ..., "residents_per_s": ...,
     "lag_p50_ms": ..., "lag_p95_ms": ..., ...}

Usage: ``.venv/bin/python -m bench.feed --db sqlite --events 20000``
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from typing import Any

from bench.seed import machine

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SQLITE_PATH = "/tmp/kikan_bench_feed.db"
BENCH_DB = "kikan_bench_feed"
TENANT = "131016"
KEY = "bench1:" + base64.b64encode(bytes(range(100, 132))).decode()


def _fresh_url(args: argparse.Namespace) -> str:
    if args.db == "postgres":
        import sqlalchemy as sa

        admin = sa.create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            c.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
        admin.dispose()
        return sa.engine.make_url(args.admin_url).set(database=BENCH_DB).render_as_string(hide_password=False)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(args.sqlite_path + suffix):
            os.remove(args.sqlite_path + suffix)
    return f"sqlite:///{args.sqlite_path}"


def _move_in(db: Any, ctx: Any, i: int) -> Any:
    from kikan.juki.services import RecordMoveIn, build, move_in

    person = {"family_name": "青木", "given_name": f"太郎{i}", "birth_date": "1980-01-01", "sex": "1",
              "relationship": "世帯主", "family_name_kana": "アオキ", "given_name_kana": "タロウ"}  # fmt: skip
    cmd = build(RecordMoveIn, {"event_on": "2024-04-01", "reported_on": "2024-04-01", "previous_address": "大阪府",
                               "persons": [person], "address": {"address": f"東京都千代田区松町{i}番地"}})  # fmt: skip
    with db.uow(ctx) as uow:
        result = move_in(cmd, uow, today=date(2024, 4, 10))
        uow.commit()
    return result


def _seed(db: Any, ctx: Any, n: int, via: str) -> float:
    from kikan.adapters.db import outbox

    start = time.perf_counter()
    if via == "services":
        for i in range(n):
            _move_in(db, ctx, i)
        return time.perf_counter() - start
    template = _move_in(db, ctx, 0)
    with db.uow(ctx) as uow:
        (real,) = [
            e for e in outbox.read_after(uow.conn, ctx.tenant_id, 0, 10) if e.event_id == template.event_id
        ]
    from kikan.core.events import DomainEvent

    done = 1
    while done < n:
        batch = min(1000, n - done)
        with db.uow(ctx) as uow:
            for _ in range(batch):
                uow.emit(DomainEvent(real.event_type, real.aggregate_type, real.aggregate_id, real.payload,
                                     real.occurred_on))  # fmt: skip
            uow.commit()
        done += batch
    return time.perf_counter() - start


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KIKAN_DATABASE_URL": url, "KIKAN_LINKAGE_KEY": KEY, "KIKAN_SECRET_KEY": "bench"}
    cmd = [sys.executable, "-m", "uvicorn", "kikan.adapters.api.asgi:app", "--host", "127.0.0.1", "--port",
           str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server did not start")


def _pull_all(client: Any, dataset: str, page: int) -> tuple[int, float]:
    start, n, after = time.perf_counter(), 0, None
    while True:
        p = client.changes(dataset, after, page)
        n += len(p.items)
        after = p.next_cursor
        if not p.has_more:
            return n, time.perf_counter() - start


def _lag(db: Any, ctx: Any, client: Any, n: int, rate: float, poll: float) -> list[float]:
    committed: dict[str, float] = {}
    received: dict[str, float] = {}
    after = client.changes("juki.moves", None, 1).next_cursor  # start at the end of the seeded feed
    while True:
        p = client.changes("juki.moves", after, 1000)
        after = p.next_cursor
        if not p.has_more:
            break

    def write() -> None:
        for i in range(n):
            t0 = time.perf_counter()
            r = _move_in(db, ctx, 10_000_000 + i)
            committed[r.event_id] = time.perf_counter()
            time.sleep(max(0.0, 1 / rate - (time.perf_counter() - t0)))

    writer = threading.Thread(target=write)
    writer.start()
    while len(received) < n:
        p = client.changes("juki.moves", after, 1000)
        now = time.perf_counter()
        for item in p.items:
            received.setdefault(item["id"], now)
        after = p.next_cursor
        if not p.items:
            time.sleep(poll)
    writer.join()
    return [(received[k] - committed[k]) * 1000 for k in committed]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", choices=("postgres", "sqlite"), default="sqlite")
    ap.add_argument("--admin-url", default=ADMIN_URL)
    ap.add_argument("--sqlite-path", default=SQLITE_PATH)
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--via", choices=("outbox", "services"), default="outbox")
    ap.add_argument("--page", type=int, default=1000)
    ap.add_argument("--lag-events", type=int, default=200)
    ap.add_argument("--rate", type=float, default=20.0, help="異動 per second during the lag phase")
    ap.add_argument("--poll", type=float, default=0.05, help="consumer sleep when caught up (s)")
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args(argv)
    os.environ["KIKAN_LINKAGE_KEY"] = KEY

    from kikan.adapters.db import linkage_clients, linkage_keys
    from kikan.adapters.db.database import Database
    from kikan.adapters.db.migrate import upgrade
    from kikan.adapters.security import accounts
    from kikan.core.tenancy import Actor, TenantContext
    from kikan.linkage.client import LinkageClient

    linkage_keys.reset()
    url = _fresh_url(args)
    upgrade(url)
    db = Database(url)
    accounts.add_tenant(db, TENANT, "ベンチ区")
    cid, secret = linkage_clients.register(db, "bench", client_id="bench-feed", by="bench")
    for ds in ("juki.residents", "juki.moves"):
        linkage_clients.grant(db, cid, TENANT, ds, by="bench")
    ctx = TenantContext(TENANT, Actor("bench", kind="batch", permissions=frozenset({"juki.write"})))
    seed_s = _seed(db, ctx, args.events, args.via)
    server = _serve(url, args.port)
    try:
        client = LinkageClient(f"http://127.0.0.1:{args.port}", cid, secret)
        moves, moves_s = _pull_all(client, "juki.moves", args.page)
        residents, residents_s = _pull_all(client, "juki.residents", args.page)
        lags = sorted(_lag(db, ctx, client, args.lag_events, args.rate, args.poll))
        client.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        db.dispose()
    q = statistics.quantiles(lags, n=100) if len(lags) >= 2 else lags * 99
    print(json.dumps({
        "bench": "feed", "backend": "postgresql" if args.db == "postgres" else "sqlite", "events": args.events,
        "seed_via": args.via, "seed_s": round(seed_s, 1), "page": args.page,
        "moves": moves, "moves_s": round(moves_s, 2), "moves_per_s": round(moves / moves_s),
        "residents": residents, "residents_per_s": round(residents / residents_s),
        "lag_events": len(lags), "lag_rate_per_s": args.rate, "poll_s": args.poll,
        "lag_p50_ms": round(q[49], 1), "lag_p95_ms": round(q[94], 1), "lag_max_ms": round(lags[-1], 1),
        "server": "uvicorn, 1 worker, loopback", "machine": machine(), "load_avg_1m": round(os.getloadavg()[0], 2),
    }, ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
