"""A counter day against a real server process: searches, views, 転入/転居, certificates.

N clerks (bearer tokens) on 127.0.0.1 for a bounded time, with a share of 転居 deliberately sent to
the same few households (409 counted, not an error). Afterwards: no 5xx, no unexpected status,
every acknowledged 異動 exactly once in the history and in the outbox, nothing unexplained, the
outbox contiguous, the feed delivering each event once, the access-log chain intact.

``KIKAN_LOAD_CITY=1`` runs the big version (16 clerks, 5 minutes, 20,000 seeded residents).
The checker itself is tested too: a lost, a phantom and a doubly committed 異動 are each caught.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from load_support import CITY, explain, kikan

from bench._load_check import verify
from bench._load_model import Ack, Doubt, LoadResult, prepare
from bench._procs import AppServer
from bench.load import LoadRun

CLERKS, SECONDS, RESIDENTS, MIN_OPS = (16, 300, 20_000, 50) if CITY else (4, 12, 150, 8)


def test_counter_day_loses_and_duplicates_nothing(backend_url: str) -> None:
    server = AppServer(backend_url)
    server.launch()  # its imports take seconds: prepare the tenant meanwhile
    try:
        setup = prepare(backend_url, clients=CLERKS, residents=RESIDENTS, seed=3)
        server.wait_ready()
        run = LoadRun(server.base_url, setup, clients=CLERKS, duration=SECONDS, collide=0.3, seed=3,
                      min_ops=MIN_OPS, max_ops=MIN_OPS * 50, retry_window=60)  # fmt: skip
        result = run.run()
        check = verify(backend_url, setup, result, feed_base_url=server.base_url)
    finally:
        server.stop()
    log = server.log_tail()
    assert check.ok, explain(check, result) + "\nserver log:\n" + log
    assert not result.errors and not result.doubts, explain(check, result)
    done = {op for op, v in result.latencies.items() if v}
    assert {"search", "view", "move_in", "move_within", "certificate"} <= done, explain(check, result)
    assert check.figures["acknowledged"] == result.acked > 0
    assert check.figures["feed_items"] >= result.acked
    assert kikan(backend_url, "audit", "verify", "--tenant", setup.tenant).returncode == 0


def _write_move(db_url: str, setup, given: str, actor: str):  # type: ignore[no-untyped-def]
    """A 転入 written straight through the services as one of the load's clerks (no HTTP answer)."""
    from bench.moves import move_in_body
    from kikan.adapters.db.database import Database
    from kikan.core.tenancy import Actor, TenantContext
    from kikan.juki.services import RecordMoveIn, build, move_in

    db = Database(db_url)
    try:
        today = db.clock.today()
        body = move_in_body(1, 1, today)
        body["persons"][0]["given_name"] = given
        body["event_on"] = (today - timedelta(days=2)).isoformat()
        ctx = TenantContext(setup.tenant, Actor(actor, permissions=frozenset({"juki.write"})))
        with db.uow(ctx) as uow:
            r = move_in(build(RecordMoveIn, body), uow, today=today)
            uow.commit()
        return r
    finally:
        db.dispose()


@pytest.mark.parametrize("case", ["lost", "phantom", "twice", "explained"])
def test_the_check_catches_lost_phantom_and_double_commits(backend_url: str, case: str) -> None:
    setup = prepare(backend_url, clients=1, residents=0, pool=0, linkage=False)
    clerk = setup.logins[0]
    result = LoadResult(clients=1)
    if case == "lost":  # the server said 201, the history has nothing
        result.acks.append(
            Ack("move_in", "00000001", "no-such-move", "no-such-event", ["000000000000019"], [1], "1")
        )
    if case in ("phantom", "twice", "explained"):
        r = _write_move(backend_url, setup, "太郎00000002", clerk)
        if case == "explained":  # the POST was cut after sending: committed once, explained
            result.doubts.append(Doubt("move_in", "00000002", "ReadError", 0.0))
        if case == "twice":  # in doubt, yet committed twice (a retried POST)
            result.doubts.append(Doubt("move_in", "00000002", "ReadError", 0.0))
            _write_move(backend_url, setup, "太郎00000002", clerk)
        assert r.addressee_nos
    check = verify(backend_url, setup, result)
    if case == "explained":
        assert check.ok, check.problems
        assert check.figures["in_doubt_committed"] == 1
        return
    assert not check.ok
    expected = {
        "lost": "announced",
        "phantom": "neither acknowledged nor in doubt",
        "twice": "committed 2 times",
    }
    assert any(expected[case] in p for p in check.problems), check.problems
