"""Benchmark: a counter day (窓口の一日) against a real server — searches, views, 異動, certificates.

N staff clients (bearer tokens of ``accounts.issue_token``, role 住民記録担当) each run a loop of
operations drawn from a mix for a fixed time against ``uvicorn kikan.adapters.api.asgi:app`` on
127.0.0.1: 住民検索, 住民の照会, 転入 (``POST /api/v1/juki/moves/move-in``), 転居 (the household
is read first for its version, then ``move-within`` with ``expected_household_version``), and
証明書 (住民票の写し PDF). ``--collide`` sends that share of 転居 to a few shared households, so
two clerks sometimes race for one: the loser's 409 is counted, not an error.

Retries: a request that never reached the server (connect refused/timeout) is retried until
``--retry-window`` seconds have passed; a GET is also retried on a cut connection. A POST cut after
it was sent is *in doubt* (the server may have committed it): it is not retried but recorded, and
the check afterwards accounts for it (kikan's 異動 API has no idempotency key, see docs/benchmarks.md).

After the run ``bench._load_check.verify`` checks: no 5xx, every acknowledged 異動 (201 with
宛名番号/履歴番号) exists exactly once in the history and has exactly one outbox event, nothing
else was written but in-doubt requests (each at most once), the outbox sequence is contiguous,
and the access-log chain verifies. Prints one JSON line::

    .venv/bin/python -m bench.load --db sqlite --clients 8 --duration 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time
from collections.abc import Callable

from bench._load_model import (
    Ack,
    LoadResult,
    Setup,
    prepare,
    summary,
)
from bench._load_ops import Staff

MIX = {"search": 40, "view": 25, "move_in": 12, "move_within": 13, "certificate": 10}


class LoadRun:
    """One load run; ``start()`` runs it in a thread so a test can inject faults meanwhile."""

    def __init__(self, base_url: str, setup: Setup, *, clients: int = 4, duration: float = 20.0,
                 mix: dict[str, int] | None = None, collide: float = 0.0, seed: int = 1,
                 min_ops: int = 0, max_ops: int = 100_000, key_offset: int = 0, retry_window: float = 120.0, timeout: float = 90.0,
                 tolerate_5xx: bool = False) -> None:  # fmt: skip
        self.base_url, self.setup, self.clients, self.duration = base_url, setup, clients, duration
        self.mix, self.collide, self.seed = mix or MIX, collide, seed
        self.key_offset = key_offset  # runs sharing one tenant: distinct request keys
        self.min_ops, self.max_ops = (
            min_ops,
            max_ops,
        )  # per clerk: at least / at most, whatever the clock says
        self.retry_window, self.timeout, self.tolerate_5xx = retry_window, timeout, tolerate_5xx
        self.hard_limit = duration + retry_window + 600  # the run is cancelled after this, whatever happens
        self.result = LoadResult(clients=clients, collide=collide)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.stopped = False  # stop(): every clerk ends after the operation in hand

    async def run_async(self) -> LoadResult:
        deadline = time.monotonic() + self.duration
        staff = [Staff(self, i, deadline) for i in range(self.clients)]
        self.result.started = time.time()
        try:
            await asyncio.wait_for(asyncio.gather(*(s.run() for s in staff)), timeout=self.hard_limit)
        finally:
            self.result.seconds = time.time() - self.result.started
        return self.result

    def run(self) -> LoadResult:
        return asyncio.run(self.run_async())

    def start(self) -> LoadRun:
        def target() -> None:
            try:
                self.run()
            except BaseException as e:  # reported by join()
                self._error = e

        self._thread = threading.Thread(target=target, name="load", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopped = True

    def wait_until(self, cond: Callable[[LoadResult], bool], timeout: float = 120.0) -> bool:
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if cond(self.result):
                return True
            if self._thread is not None and not self._thread.is_alive():
                return cond(self.result)
            time.sleep(0.1)
        return False

    def wait_acked(self, more: int, timeout: float = 180.0) -> bool:
        """Wait until ``more`` further 異動 have been acknowledged (False on timeout or end of run)."""
        target = self.result.acked + more
        return self.wait_until(lambda r: r.acked >= target, timeout)

    def join(self, timeout: float | None = None) -> LoadResult:
        assert self._thread is not None
        self._thread.join(timeout if timeout is not None else self.hard_limit + 30)
        if self._thread.is_alive():
            raise TimeoutError("the load run did not finish")
        if self._error is not None:
            raise self._error
        return self.result


def _database_url(args: argparse.Namespace) -> str:
    if args.db == "postgres":
        from bench.seed import pg_url

        return pg_url(args.admin_url, fresh=True, database="kikan_bench_load")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(args.sqlite_path + suffix):
            os.remove(args.sqlite_path + suffix)
    return f"sqlite:///{args.sqlite_path}"


def main(argv: list[str] | None = None) -> int:
    from bench._load_check import verify
    from bench._procs import AppServer
    from bench.seed import ADMIN_URL, machine

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", choices=("postgres", "sqlite"), default="sqlite")
    ap.add_argument("--admin-url", default=ADMIN_URL)
    ap.add_argument("--sqlite-path", default="/tmp/kikan_bench_load.db")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    ap.add_argument("--residents", type=int, default=5000, help="seeded residents (search/view targets)")
    ap.add_argument("--collide", type=float, default=0.1, help="share of 転居 sent to shared households")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--mix", default="", help="weights, e.g. search=40,view=25,move_in=12,move_within=13,certificate=0"
    )
    args = ap.parse_args(argv)
    mix = {**MIX, **{k: int(v) for k, v in (p.split("=") for p in args.mix.split(",") if p)}}
    url = _database_url(args)
    setup = prepare(url, clients=args.clients, residents=args.residents, seed=args.seed)
    load0 = os.getloadavg()[0]
    with AppServer(url) as server:
        result = LoadRun(server.base_url, setup, clients=args.clients, duration=args.duration, mix=mix,
                         collide=args.collide, seed=args.seed).run()  # fmt: skip
    check = verify(url, setup, result)
    print(json.dumps({
        "bench": "load", "backend": "postgresql" if args.db == "postgres" else "sqlite", "clients": args.clients,
        "duration_s": args.duration, "residents": args.residents, "collide": args.collide, "mix": mix,
        **summary(result),
        "check": check.as_dict(), "server": "uvicorn, 1 worker, loopback",
        "load_avg_1m": [round(load0, 2), round(os.getloadavg()[0], 2)], "machine": machine(),
    }, ensure_ascii=False))  # fmt: skip
    return 0 if check.ok else 1


__all__ = ["MIX", "Ack", "LoadResult", "LoadRun", "Setup", "main", "prepare", "summary"]

if __name__ == "__main__":
    sys.exit(main())
