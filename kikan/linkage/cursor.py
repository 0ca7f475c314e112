"""Opaque cursors of the feed and the snapshots.

Consumers must treat a cursor as an opaque string; inside it is ``base64url("1|kind|dataset|a|b|check")``:

- change cursor ``c``: ``a`` = outbox seq up to which every record of the dataset was delivered,
  ``b`` = how many records of the *next* matching event were already delivered (a page can end in
  the middle of a 異動 that lists several persons). The outbox seq is gap-free and equals commit
  order (docs/adr/0003-audit-outbox.md), so "after seq N" never misses a later commit.
- snapshot cursor ``s``: ``a`` = the outbox seq read when the snapshot started (``as_of``),
  ``b`` = the last key delivered (keyset paging).

``check`` is a short SHA-256 of the rest, so a damaged or hand-edited cursor is refused with a
clear message instead of silently moving the position.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from kikan.linkage.errors import InvalidCursor

_VERSION = "1"


@dataclass(frozen=True)
class ChangeCursor:
    dataset: str
    seq: int = 0
    skip: int = 0


@dataclass(frozen=True)
class SnapshotCursor:
    dataset: str
    as_of: int
    last_key: str = ""


def _check(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()[:8]


def _pack(kind: str, dataset: str, a: int, b: str) -> str:
    body = f"{_VERSION}|{kind}|{dataset}|{a}|{b}"
    raw = f"{body}|{_check(body)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def encode(cursor: ChangeCursor | SnapshotCursor) -> str:
    if isinstance(cursor, ChangeCursor):
        return _pack("c", cursor.dataset, cursor.seq, str(cursor.skip))
    return _pack("s", cursor.dataset, cursor.as_of, cursor.last_key)


def _unpack(text: str, field: str) -> tuple[str, str, int, str]:
    bad = InvalidCursor(
        f"{field}: カーソルの形式が正しくありません（前回の応答の next_cursor をそのまま指定してください）",
        field=field,
    )
    if not text or len(text) > 400:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    parts = raw.split("|")
    if len(parts) != 6 or parts[0] != _VERSION:
        raise bad
    body, check = "|".join(parts[:5]), parts[5]
    if check != _check(body):
        raise InvalidCursor(f"{field}: カーソルが壊れています（改変された可能性があります）", field=field)
    _, kind, dataset, a, b = parts[:5]
    if not a.isdigit():
        raise bad
    return kind, dataset, int(a), b


def decode_change(text: str | None, dataset: str, field: str = "after") -> ChangeCursor:
    """The change cursor in ``text`` (None or "" = from the beginning) → :class:`InvalidCursor` if not."""
    if text is None or text == "":
        return ChangeCursor(dataset)
    kind, ds, seq, skip = _unpack(text, field)
    if ds != dataset:
        raise InvalidCursor(
            f"{field}: データセット {ds} のカーソルです（{dataset} には使えません）", field=field
        )
    if kind == "s":
        raise InvalidCursor(
            f"{field}: スナップショットのカーソルです。変更分の取得には changes_cursor を指定してください",
            field=field,
        )
    if kind != "c" or not skip.isdigit():
        raise InvalidCursor(f"{field}: カーソルの形式が正しくありません", field=field)
    return ChangeCursor(dataset, seq, int(skip))


def decode_snapshot(text: str, dataset: str, field: str = "cursor") -> SnapshotCursor:
    kind, ds, as_of, last_key = _unpack(text, field)
    if ds != dataset:
        raise InvalidCursor(
            f"{field}: データセット {ds} のカーソルです（{dataset} には使えません）", field=field
        )
    if kind != "s":
        raise InvalidCursor(
            f"{field}: 変更分のカーソルです。スナップショットの続きには next_cursor を指定してください",
            field=field,
        )
    return SnapshotCursor(dataset, as_of, last_key)
