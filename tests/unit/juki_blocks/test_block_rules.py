"""Pure 抑止 rules (標準仕様書 3.1)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kikan.juki.blocks import Block, evaluate, parse_processes, release, temporary_release_until

NOW = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
TODAY = date(2026, 5, 1)


def blk(**kw) -> Block:
    base = dict(block_id="b1", kind="block", processes=frozenset({"move"}), level="error",
                start_on=date(2026, 1, 1), addressee_no="P1")
    return Block(**{**base, **kw})


def hits(blocks, process="move", now=NOW, today=TODAY, person_of=None):
    person_of = person_of or {b.block_id: [b.addressee_no] if b.addressee_no else ["P1", "P2"] for b in blocks}
    return evaluate(blocks, process, today=today, now=now, person_of=person_of)


def test_process_match_and_mismatch():
    b = blk(processes=frozenset({"certificate"}))
    assert [h.refuses for h in hits([b], "certificate")] == [True]
    assert hits([b], "move") == [] and hits([b], "inquiry") == []


def test_household_block_hits_every_member_given():
    b = blk(addressee_no=None, household_no="H1")
    assert [h.addressee_no for h in hits([b])] == ["P1", "P2"]
    assert "世帯番号 H1" in hits([b])[0].message


def test_alert_never_refuses():
    assert [h.refuses for h in hits([blk(level="alert")])] == [False]


def test_end_date_does_not_release():
    b = blk(end_on=date(2026, 3, 31))
    (h,) = hits([b])
    assert h.refuses and h.past_end and "期限経過" in h.message
    assert b.in_force(date(2030, 1, 1))


def test_not_in_force_before_start_or_after_release():
    assert hits([blk(start_on=date(2026, 5, 2))]) == []
    assert hits([blk(released_on=TODAY)]) == []
    assert len(hits([blk(released_on=TODAY + timedelta(days=1))])) == 1  # released from tomorrow


def test_temporary_release_relocks_after_its_time():
    until = temporary_release_until(NOW)
    assert until == NOW + timedelta(minutes=30)
    b = blk(temporary_release_until=until)
    (h,) = hits([b], now=NOW + timedelta(minutes=29, seconds=59))
    assert not h.refuses and h.temporarily_released
    (h,) = hits([b], now=NOW + timedelta(minutes=30))
    assert h.refuses and not h.temporarily_released


def test_temporary_release_time_is_configurable_and_bounded():
    assert temporary_release_until(NOW, 5) == NOW + timedelta(minutes=5)
    with pytest.raises(ValueError):
        temporary_release_until(NOW, 0)
    with pytest.raises(ValueError):
        temporary_release_until(NOW, 24 * 60 + 1)


def test_several_blocks_coexist():
    bs = [blk(block_id="a", level="alert"), blk(block_id="b", processes=frozenset({"move", "inquiry"})),
          blk(block_id="c", processes=frozenset({"certificate"}))]
    assert sorted((h.block.block_id, h.refuses) for h in hits(bs)) == [("a", False), ("b", True)]


def test_release_once():
    r = release(blk(), TODAY, "boss")
    assert r.released_on == TODAY and r.released_by == "boss" and not r.in_force(TODAY)
    with pytest.raises(ValueError):
        release(r, TODAY, "boss")


def test_parse_processes():
    assert parse_processes("move, certificate") == frozenset({"move", "certificate"})
    with pytest.raises(ValueError, match="指定できません"):
        parse_processes(["move", "print"])
    with pytest.raises(ValueError):
        parse_processes("")


def test_unknown_process_rejected():
    with pytest.raises(ValueError):
        hits([blk()], "print")
