"""Cursors are opaque, bound to their dataset and kind, and refuse damage with a clear message."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.linkage.cursor import ChangeCursor, SnapshotCursor, decode_change, decode_snapshot, encode
from kikan.linkage.errors import InvalidCursor


@given(st.integers(0, 2**62), st.integers(0, 10_000))
def test_change_cursor_roundtrip(seq, skip):
    c = ChangeCursor("juki.residents", seq, skip)
    text = encode(c)
    assert decode_change(text, "juki.residents") == c
    assert text.isascii() and "=" not in text and "|" not in text


@given(st.integers(0, 2**40), st.text(alphabet="0123456789", max_size=15))
def test_snapshot_cursor_roundtrip(as_of, key):
    c = SnapshotCursor("juki.households", as_of, key)
    assert decode_snapshot(encode(c), "juki.households") == c


def test_empty_means_from_the_beginning():
    assert decode_change(None, "juki.moves") == ChangeCursor("juki.moves", 0, 0)
    assert decode_change("", "juki.moves") == ChangeCursor("juki.moves", 0, 0)


@pytest.mark.parametrize(
    "text", ["abc", "!!!!", "x" * 401, base64.urlsafe_b64encode(b"1|c|juki.moves|1|0").decode()]
)
def test_malformed(text):
    with pytest.raises(InvalidCursor) as e:
        decode_change(text, "juki.moves")
    assert e.value.status == 400 and "カーソル" in e.value.message and e.value.errors[0].field == "after"


def test_a_changed_position_is_detected():
    raw = base64.urlsafe_b64decode(encode(ChangeCursor("juki.moves", 41, 0)) + "==").decode()
    forged = base64.urlsafe_b64encode(raw.replace("|41|", "|42|").encode()).decode().rstrip("=")
    with pytest.raises(InvalidCursor, match="壊れて"):
        decode_change(forged, "juki.moves")


def test_cursor_of_another_dataset_or_kind():
    with pytest.raises(InvalidCursor, match="juki.moves のカーソル"):
        decode_change(encode(ChangeCursor("juki.moves", 1)), "juki.residents")
    with pytest.raises(InvalidCursor, match="changes_cursor"):
        decode_change(encode(SnapshotCursor("juki.moves", 1, "")), "juki.moves")
    with pytest.raises(InvalidCursor, match="next_cursor"):
        decode_snapshot(encode(ChangeCursor("juki.moves", 1)), "juki.moves")
