"""Fault: PostgreSQL restarts (``pg_ctl restart -m fast``) in the middle of a counter day.

A private throwaway cluster (``/tmp/kikan-fault-pg``, port 55433) — never the shared cluster on
5432. The restart cuts every connection of the app's pool; transactions in flight roll back. The
requests caught in it may answer 5xx (the database went away; tolerated only inside the restart
window, listed in the report) and each must be a ``503 database_unavailable`` — a 500 (an error the
app did not recognise as the database going away) fails the test; a POST caught that way is in
doubt like a cut connection. Afterwards
the app serves again without a restart of its own, every acknowledged 異動 is there exactly once,
every in-doubt one at most once, the outbox is contiguous, the feed delivers each event once, and
``kikan audit verify`` passes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from load_support import CITY, explain, fresh_database, kikan

from bench._load_check import verify
from bench._load_model import prepare
from bench._procs import AppServer, ThrowawayPostgres
from bench.load import LoadRun, summary

CLERKS, RESTARTS, AFTER = (16, 3, 200) if CITY else (4, 1, 4)
GRACE = 20.0  # seconds after the restart returned in which a 5xx is still blamed on it


@pytest.fixture(scope="module")
def cluster() -> Iterator[ThrowawayPostgres]:
    reason = ThrowawayPostgres.unavailable_reason()
    if reason:
        pytest.skip(reason)
    pg = ThrowawayPostgres()
    pg.stop()  # a cluster left behind by an interrupted run
    pg.start()
    try:
        yield pg
    finally:
        pg.stop()


def test_postgres_restart_mid_load(cluster: ThrowawayPostgres, tmp_path: Path) -> None:
    with fresh_database("postgres", tmp_path, cluster.url) as url:
        server = AppServer(url)
        server.launch()
        run: LoadRun | None = None
        try:
            setup = prepare(url, clients=CLERKS, residents=100, seed=7)
            server.wait_ready()
            run = LoadRun(server.base_url, setup, clients=CLERKS, duration=900, collide=0.2, seed=7,
                          retry_window=120, tolerate_5xx=True).start()  # fmt: skip
            windows = []
            for _ in range(RESTARTS):
                assert run.wait_acked(AFTER), summary(run.result)
                t0 = time.time()
                cluster.restart("fast")
                windows.append((t0, time.time() + GRACE))
                assert run.wait_acked(AFTER), "no 異動 after the restart"
            run.stop()
            result = run.join()
            check = verify(url, setup, result, feed_base_url=server.base_url, fault_windows=windows)
            alive = server.proc is not None and server.proc.poll() is None
        finally:
            if run is not None:
                run.stop()
            server.stop()
        assert check.ok, explain(check, result) + "\nserver log:\n" + server.log_tail()
        not_503 = [(e["op"], e["status"], e.get("body", "")[:200]) for e in result.server_errors
                   if e["status"] != 503 or '"database_unavailable"' not in e.get("body", "")]  # fmt: skip
        assert not not_503, f"the restart was answered with other than 503 database_unavailable: {not_503}"
        assert alive and server.starts == 1, "the app server had to be restarted"
        verified = kikan(url, "audit", "verify", "--tenant", setup.tenant)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        print(
            "5xx during the restart:",
            [(e["op"], e["status"], e.get("body", "")[:200]) for e in result.server_errors],
        )
