"""The exchange-log chain: any edit, deletion or truncation breaks it at the right entry."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from kikan.core.audit import GENESIS
from kikan.linkage.chain import Exchange, keys_digest, listed_keys, seal, verify_chain

AT = datetime(2024, 4, 1, tzinfo=UTC)


def chain(n):
    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        s = seal(
            "131016", i, AT, Exchange(f"x{i}", "c1", "juki.moves", "changes", "served", record_count=i), prev
        )
        rows.append(s)
        prev = s.hash
    return rows


def test_intact():
    rows = chain(4)
    assert verify_chain(rows, expected_last_seq=4, expected_last_hash=rows[-1].hash) is None


def test_edit_delete_truncate():
    rows = chain(4)
    edited = [
        *rows[:2],
        dataclasses.replace(rows[2], entry=dataclasses.replace(rows[2].entry, record_count=0)),
        rows[3],
    ]
    assert verify_chain(edited).seq == 3
    assert verify_chain([rows[0], rows[2], rows[3]]).seq == 2
    brk = verify_chain(rows[:3], expected_last_seq=4, expected_last_hash=rows[-1].hash)
    assert brk.seq == 4 and "削除" in brk.reason


def test_keys():
    assert keys_digest(["a", "b"]) != keys_digest(["b", "a"])
    assert listed_keys(["a"]) == '["a"]' and listed_keys([str(i) for i in range(1001)]) == ""
