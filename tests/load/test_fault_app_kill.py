"""Fault: the app server is killed (``kill -9``) in the middle of a counter day, then restarted.

The clerks' requests in flight are cut: a read is retried, a POST cut after sending is *in doubt*
(the server may have committed it before dying). Requests that could not connect while the server
was down are retried until it is back. Afterwards every acknowledged 異動 is in the history and the
outbox exactly once, every in-doubt 異動 at most once, nothing else was written, the feed
delivers each event once, and ``kikan audit verify`` passes. No 5xx at any time.
"""

from __future__ import annotations

import time

from load_support import CITY, explain, kikan

from bench._load_check import verify
from bench._load_model import prepare
from bench._procs import AppServer
from bench.load import LoadRun

CLERKS, KILLS, AFTER = (16, 3, 200) if CITY else (4, 1, 4)  # AFTER: 異動 acknowledged after each restart


def test_kill_9_of_the_app_server_mid_load(backend_url: str) -> None:
    server = AppServer(backend_url)
    server.launch()  # its imports take seconds: prepare the tenant meanwhile
    run: LoadRun | None = None
    try:
        setup = prepare(backend_url, clients=CLERKS, residents=100, seed=5)
        server.wait_ready()
        # the run is stopped once enough 異動 went through after the last restart (duration: a bound only)
        run = LoadRun(server.base_url, setup, clients=CLERKS, duration=900, collide=0.2, seed=5,
                      retry_window=120).start()  # fmt: skip
        for _ in range(KILLS):
            assert run.wait_acked(AFTER), explain_run(run)
            server.kill()
            time.sleep(1.0)  # clients now hit a closed port: connect errors, retried
            server.start()
        assert run.wait_acked(AFTER), "no 異動 acknowledged after the restart"
        run.stop()
        result = run.join()
        check = verify(backend_url, setup, result, feed_base_url=server.base_url)
    finally:
        if run is not None:
            run.stop()
        server.stop()
    assert check.ok, explain(check, result) + "\nserver log:\n" + server.log_tail()
    assert not result.server_errors, explain(check, result)
    assert server.starts == KILLS + 1
    assert result.retries > 0 or result.doubts, "the kill went unnoticed: no retry, nothing in doubt"
    verified = kikan(backend_url, "audit", "verify", "--tenant", setup.tenant)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    print(
        "after kill -9:",
        check.figures,
        "retries:",
        result.retries,
        "in doubt:",
        [(d.op, d.error) for d in result.doubts],
    )


def explain_run(run: LoadRun) -> str:
    from bench.load import summary

    return str(summary(run.result))
