"""Benchmark: 異動 throughput through the registry services (転入, then 転居 of the same households).

Creates a fresh database (PostgreSQL ``kikan_bench_moves`` on ``--admin-url``, or a SQLite file),
registers a tenant, then runs N 転入 (``--persons`` per household, a new household each) and N
転居 (the whole household moves, with ``expected_household_version``) exactly as the API does: one
unit of work per 異動 (row-level security, audit rows, one outbox event, commit). ``--threads``
writers run side by side (each on its own households, so no 409 by design). Prints one JSON line::

    {"bench": "moves", "backend": "postgresql", "n": 500, "threads": 2,
     "move_in": {"n": ..., "per_s": ..., "p50_ms": ..., "p95_ms": ...}, "move_within": {...},
     "moves_per_s": ..., "events": ..., "machine": {...}}

Usage::

    .venv/bin/python -m bench.moves --db sqlite --n 500
    .venv/bin/python -m bench.moves --db postgres --n 2000 --threads 4
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from datetime import date, timedelta
from typing import Any

from bench.seed import ADMIN_URL, machine, pg_url

BENCH_DB = "kikan_bench_moves"
SQLITE_PATH = "/tmp/kikan_bench_moves.db"
TENANT = "131016"


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))], 1) if s else 0.0


def move_in_body(i: int, persons: int, today: date) -> dict[str, Any]:
    """A 転入 of a new household of ``persons`` (unique 名 so every row can be traced)."""
    head = {"family_name": "青木", "given_name": f"太郎{i}", "family_name_kana": "アオキ",
            "given_name_kana": "タロウ", "birth_date": "1980-04-01", "sex": "1", "relationship": "世帯主"}  # fmt: skip
    members = [head] + [
        {
            **head,
            "given_name": f"花子{i}-{k}",
            "given_name_kana": "ハナコ",
            "birth_date": "1982-06-01",
            "sex": "2",
            "relationship": "妻" if k == 1 else "子",
        }  # fmt: skip
        for k in range(1, persons)
    ]
    return {"event_on": (today - timedelta(days=3)).isoformat(), "reported_on": today.isoformat(),
            "kind": "domestic", "previous_address": "大阪府大阪市北区梅田一丁目1番",
            "address": {"address": f"東京都千代田区松町{i + 1}番地"}, "persons": members}  # fmt: skip


def move_within_body(nos: list[str], version: int, i: int, step: int, today: date) -> dict[str, Any]:
    return {"event_on": (today - timedelta(days=1)).isoformat(), "reported_on": today.isoformat(),
            "addressee_nos": nos, "expected_household_version": version,
            "address": {"address": f"東京都千代田区梅町{i + 1}番地{step}号"}}  # fmt: skip


def _worker(db: Any, ctx: Any, ids: list[int], persons: int, out: dict[str, list[float]]) -> None:
    from kikan.juki.services import RecordMoveIn, RecordMoveWithin, build, move_in, move_within

    today = db.clock.today()
    done: list[tuple[int, list[str], str]] = []
    for i in ids:
        t = time.perf_counter()
        with db.uow(ctx) as uow:
            r = move_in(build(RecordMoveIn, move_in_body(i, persons, today)), uow, today=today)
            uow.commit()
        out["move_in"].append((time.perf_counter() - t) * 1000)
        done.append((i, r.addressee_nos, r.household_no))
    for i, nos, hno in done:
        t = time.perf_counter()
        with db.uow(ctx) as uow:
            from kikan.adapters.db import juki_repo

            household = juki_repo.household(uow, hno)
            assert household is not None
            version = household["version"]
            move_within(
                build(RecordMoveWithin, move_within_body(nos, version, i, 1, today)), uow, today=today
            )
            uow.commit()
        out["move_within"].append((time.perf_counter() - t) * 1000)


def _fresh(args: argparse.Namespace) -> str:
    if args.db == "postgres":
        return pg_url(args.admin_url, fresh=True, database=BENCH_DB)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(args.sqlite_path + suffix):
            os.remove(args.sqlite_path + suffix)
    return f"sqlite:///{args.sqlite_path}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", choices=("postgres", "sqlite"), default="sqlite")
    ap.add_argument("--n", type=int, default=500, help="転入 (and as many 転居)")
    ap.add_argument("--persons", type=int, default=2, help="persons per 転入")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--admin-url", default=ADMIN_URL)
    ap.add_argument("--sqlite-path", default=SQLITE_PATH)
    args = ap.parse_args(argv)

    from kikan.adapters.db import outbox
    from kikan.adapters.db.database import Database
    from kikan.adapters.db.migrate import upgrade
    from kikan.adapters.security import accounts
    from kikan.core.characters import prepare_name_search
    from kikan.core.tenancy import Actor, TenantContext

    prepare_name_search()  # the folding tables load once per process (~3 s), not in the first 異動
    url = _fresh(args)
    upgrade(url)
    db = Database(url)
    accounts.add_tenant(db, TENANT, "ベンチ区")
    ctx = TenantContext(TENANT, Actor("bench", client_addr="127.0.0.1", terminal="bench",
                                      permissions=frozenset({"juki.read", "juki.write"})))  # fmt: skip
    out: dict[str, list[float]] = {"move_in": [], "move_within": []}
    parts = [list(range(k, args.n, args.threads)) for k in range(args.threads)]
    load0, start, cpu0 = os.getloadavg()[0], time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=_worker, args=(db, ctx, p, args.persons, out)) for p in parts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    with db.uow(ctx) as uow:
        events = outbox.last_seq(uow.conn, TENANT)
    db.dispose()
    moves = len(out["move_in"]) + len(out["move_within"])
    if moves != 2 * args.n or events != moves:
        raise SystemExit(f"expected {2 * args.n} 異動 and as many events, got {moves} and {events}")

    def kind(values: list[float]) -> dict[str, float]:
        busy = sum(values) / 1000 / args.threads
        return {"n": len(values), "per_s": round(len(values) / busy, 1) if busy else 0.0,
                "p50_ms": _pct(values, 0.5), "p95_ms": _pct(values, 0.95), "p99_ms": _pct(values, 0.99)}  # fmt: skip

    print(json.dumps({
        "bench": "moves", "backend": "postgresql" if args.db == "postgres" else "sqlite", "n": args.n,
        "persons": args.persons, "threads": args.threads, "seconds": round(seconds, 2),
        "moves_per_s": round(moves / seconds, 1), "persons_written": args.n * args.persons * 2,
        "move_in": kind(out["move_in"]), "move_within": kind(out["move_within"]), "events": events,
        "client_cpu_seconds": round(time.process_time() - cpu0, 1),
        "load_avg_1m": [round(load0, 2), round(os.getloadavg()[0], 2)], "machine": machine(),
    }, ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
