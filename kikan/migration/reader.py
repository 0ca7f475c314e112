"""Splitting a legacy file into records, and refusing files that do not fit their layout.

Fixed width: records of ``record_length`` bytes, each followed by the layout's newline (or none).
A record of another length is an error on its row; when most records are off, the layout does not
fit the file and the whole file is refused (its first lengths are named).  A short last record is a
truncated file.  CSV: the header must name the layout's fields in order; every line must have the
layout's column count; a short last line without its newline is a truncated file.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator

from kikan.migration.encoding import GAIJI_REPLACE, sniff
from kikan.migration.layout import Layout
from kikan.migration.report import FILE_LEVEL, IssueKind, Report

Record = bytes | list[str]


def _too_many(bad: int, total: int) -> bool:
    """More than 1% (at least 10) of the records, or every record (but a possibly short last one)."""
    return bad > max(10, total // 100) or (bad > 0 and bad >= total - 1)


def records(data: bytes, layout: Layout, file: str, report: Report) -> Iterator[tuple[int, Record]]:
    """``(row number, record)`` of a file, after checking its encoding and its fit with the layout.

    A refused file yields nothing; the reason is in ``report.refused_files`` and as a file-level error.
    """
    estimate = max(1, len(data) // max(1, layout.record_length or 200))
    s = sniff(data, layout.encoding, estimate)
    if s.refuse:
        _refuse(report, file, IssueKind.MOJIBAKE if "文字化け" in s.refuse else IssueKind.ENCODING, s.refuse)
        return
    if layout.format == "fixed":
        yield from _fixed(data, layout, file, report)
    else:
        yield from _csv(data, layout, file, report)


def _refuse(report: Report, file: str, kind: IssueKind, reason: str) -> None:
    report.refused_files[file] = reason
    report.error(kind, file, FILE_LEVEL, "ファイル", f"ファイルを読み込みません: {reason}")


def _spans(data: bytes, size: int, nl: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each record, without copying the file (a newline-less file: every ``size``)."""
    if not nl:
        for start in range(0, len(data), size):
            yield start, min(start + size, len(data))
        return
    start, end, step = 0, len(data), len(nl)
    while start < end:
        stop = start + size
        if data[stop : stop + step] != nl:  # not where the layout says: find the real end
            found = data.find(nl, start)
            stop = end if found < 0 else found
        yield start, stop
        start = stop + step


def _fixed(data: bytes, layout: Layout, file: str, report: Report) -> Iterator[tuple[int, Record]]:
    size, nl = layout.record_length, layout.newline_bytes
    lengths: Counter[int] = Counter()
    count = last_length = 0
    for a, b in _spans(data, size, nl):
        count += 1
        last_length = b - a
        lengths[last_length] += 1
    if not count:
        return
    lengths[last_length] -= 1  # the last record is judged on its own (a short one: truncated file)
    wrong = sum(n for length, n in lengths.items() if length != size)
    if _too_many(wrong, count) or (count == 1 and last_length > size):
        seen = (
            "、".join(f"{length}バイト {n:,}件" for length, n in lengths.most_common(3) if n)
            or f"{last_length}バイト"
        )
        _refuse(report, file, IssueKind.LAYOUT,
                f"レコード長がレイアウト「{layout.name}」の {size} バイトと一致しません（ファイル: {seen}）。"
                "レイアウトが違う可能性があります")  # fmt: skip
        return
    report.files[file] = count
    for n, (a, b) in enumerate(_spans(data, size, nl), start=1):
        length = b - a
        if length == size:
            yield n, data[a:b]
        elif n == count and length < size:
            report.error(IssueKind.TRUNCATED, file, n, "レコード",
                         f"最後のレコードが途中で切れています（{length}バイト、定義 {size}バイト）。"
                         "ファイルの転送・抽出が完了しているか確認してください")  # fmt: skip
        else:
            report.error(
                IssueKind.LAYOUT,
                file,
                n,
                "レコード",
                f"レコード長が {length} バイトです（定義 {size} バイト）",
            )


def _csv(data: bytes, layout: Layout, file: str, report: Report) -> Iterator[tuple[int, Record]]:
    text = data.decode(layout.codec, errors=GAIJI_REPLACE if layout.codec != "utf-8" else "replace")
    text = text.removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter))
    width = len(layout.fields)
    start = 1
    if layout.header:
        if not rows:
            return
        names = [f.name for f in layout.fields]
        if [c.strip() for c in rows[0]] != names:
            diff = next(
                (i for i, (a, b) in enumerate(zip(rows[0], names, strict=False)) if a.strip() != b), None
            )
            where = (f"{diff + 1}列目「{rows[0][diff]}」（レイアウト「{names[diff]}」）" if diff is not None
                     else f"列数 {len(rows[0])}（レイアウト {len(names)}列）")  # fmt: skip
            _refuse(report, file, IssueKind.LAYOUT,
                    f"見出し行がレイアウト「{layout.name}」と一致しません: {where}")  # fmt: skip
            return
        rows, start = rows[1:], 2
    wrong = sum(1 for r in rows[:-1] if len(r) != width)
    if _too_many(wrong, len(rows)):
        _refuse(report, file, IssueKind.LAYOUT,
                f"列数がレイアウト「{layout.name}」の {width} 列と一致しない行が {wrong:,} 行あります")  # fmt: skip
        return
    report.files[file] = len(rows)
    ends_cleanly = text.endswith(("\n", "\r"))
    for n, row in enumerate(rows, start=start):
        if len(row) == width:
            yield n, row
        elif n == start + len(rows) - 1 and len(row) < width and not ends_cleanly:
            report.error(IssueKind.TRUNCATED, file, n, "レコード",
                         f"最後の行が途中で切れています（{len(row)}列、定義 {width}列）")  # fmt: skip
        elif any(c.strip() for c in row):
            report.error(IssueKind.LAYOUT, file, n, "レコード", f"列数が {len(row)} です（定義 {width}列）")
