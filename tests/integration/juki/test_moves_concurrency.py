"""Two clerks, one household: one 異動 wins, the other gets Conflict and writes nothing (optimistic locking)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from test_moves_helpers import TODAY, counts, household, move_in, mynumber_key, person  # noqa: F401

from kikan.adapters.db import juki_blocks
from kikan.core.errors import Conflict
from kikan.juki import services as s


def _two(db: Any, ctx: Any, jobs: list[tuple[Any, Any, dict[str, Any]]]) -> list[Any]:
    results: list[Any] = [None, None]
    start = threading.Barrier(2)

    def work(i: int) -> None:
        fn, cls, data = jobs[i]
        start.wait()
        try:
            with db.uow(ctx) as uow:
                results[i] = fn(s.build(cls, data), uow, today=TODAY)
                uow.commit()
        except Exception as exc:  # collected and asserted below
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _jobs(r1: Any, version: int | None) -> list[tuple[Any, Any, dict[str, Any]]]:
    head, wife = r1.addressee_nos
    d = {"event_on": "2024-04-05", "reported_on": "2024-04-06", "expected_household_version": version}
    return [
        (
            s.move_within,
            s.RecordMoveWithin,
            {**d, "addressee_nos": [head, wife], "address": {"address": "松町８番地"}},
        ),
        (
            s.change_head,
            s.ChangeHouseholdHead,
            {
                **d,
                "household_no": r1.household_no,
                "new_head_addressee_no": wife,
                "relationships": {head: "夫"},
            },
        ),
    ]


def _check(db: Any, ctx: Any, r1: Any, results: list[Any], before: tuple[int, int, int], v: int) -> None:
    conflicts = [x for x in results if isinstance(x, Conflict)]
    wins = [x for x in results if isinstance(x, s.MoveResult)]
    assert len(conflicts) == 1 and len(wins) == 1, results
    assert "他の職員が同じ世帯を更新しました" in conflicts[0].message
    rows, evs, _ = counts(db, ctx)
    assert (rows, evs) == (before[0] + len(wins[0].addressee_nos), before[1] + 1)
    assert household(db, ctx, r1.household_no)["version"] == v + 1


def test_same_screen_version_one_wins(db, ctx):
    r1 = move_in(db, ctx, person(), person(given="花子", sex="2", born="2004-01-01", rel="妻"))
    v = household(db, ctx, r1.household_no)["version"]
    before = counts(db, ctx)
    _check(db, ctx, r1, _two(db, ctx, _jobs(r1, v)), before, v)


def test_race_between_read_and_write_postgres(db, ctx, monkeypatch):
    """Both read the household before either writes; the version check at UPDATE decides."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE: the race cannot happen there")
    r1 = move_in(db, ctx, person(), person(given="花子", sex="2", born="2004-01-01", rel="妻"))
    v = household(db, ctx, r1.household_no)["version"]
    before = counts(db, ctx)
    both_read = threading.Barrier(2, timeout=30)
    real = juki_blocks.enforce

    def enforce_after_both_read(*a: Any, **kw: Any) -> Any:  # called after validation, before any write
        both_read.wait()
        return real(*a, **kw)

    monkeypatch.setattr(juki_blocks, "enforce", enforce_after_both_read)
    _check(db, ctx, r1, _two(db, ctx, _jobs(r1, None)), before, v)
