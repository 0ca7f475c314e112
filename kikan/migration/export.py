"""Writing registry rows back out in a layout (データ移行の出力: a municipality can leave with all its data).

UTF-8 layouts carry every 行政事務標準文字 as stored (IVS included), so an export in such a layout can be
imported again unchanged.  For CP932 / Shift_JIS / EUC-JP each text goes through
``kikan.characters.encode_for_partner``: characters the encoding cannot carry degrade through the MJ縮退マップ
(髙 → 高 is kept by CP932; 𠮷 → 吉; an unknown one → 〓) and every substitution is reported, as is a
value cut to fit a fixed-width field.  ``strict`` encodes without degradation (the synthetic legacy
file generator writes vendor 外字 as their user-defined bytes that way).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kikan.characters import degrade
from kikan.core.spreadsheet import safe_row
from kikan.migration.layout import Layout
from kikan.migration.targets import TARGETS
from kikan.migration.values import BadValue, Converter

_DEGRADE_TARGET = {"cp932": "cp932", "shift_jis": "sjis", "euc_jp": "euc_jp"}


@dataclass(frozen=True)
class Degraded:
    """One change made so a value fits the output: a character substitution or a cut."""

    addressee_no: str
    history_no: str
    field: str
    original: str
    replacement: str
    rule: str
    lossy: bool


@dataclass
class ExportReport:
    rows: int = 0
    changes: list[Degraded] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def lossy(self) -> int:
        return sum(1 for c in self.changes if c.lossy)


class Exporter:
    def __init__(self, layout: Layout, *, strict: bool = False):
        self.layout, self.strict = layout, strict
        self.fixed = layout.format == "fixed"
        self.convs = [Converter(f, fixed=self.fixed, catalog=layout.catalog) for f in layout.fields]
        self.target = _DEGRADE_TARGET.get(layout.encoding)
        self.report = ExportReport()

    def header(self) -> bytes:
        out = b"\xef\xbb\xbf" if self.layout.encoding == "utf-8" and self.layout.bom else b""
        if self.layout.format == "csv" and self.layout.header:
            out += self._csv_line([f.name for f in self.layout.fields]).encode(self.layout.codec)
        return out

    def record(self, row: Mapping[str, Any]) -> bytes:
        """One record for a row given as ``{target: value}`` (``individual_number`` in clear)."""
        key = (str(row.get("addressee_no") or ""), str(row.get("history_no") or ""))
        texts = []
        for conv in self.convs:
            try:
                text = conv.format(tuple(row.get(t) for t in conv.spec.targets))
            except BadValue as e:
                if self.strict:
                    raise
                self.report.errors.append(f"宛名番号 {key[0]} 履歴番号 {key[1]} {conv.label}: {e.message}")
                text = ""
            if self.target and not self.strict and text and not text.isascii():
                text = self._degrade(text, conv.label, key)
            texts.append(text)
        self.report.rows += 1
        if not self.fixed:
            line = self._csv_line(texts)
            return line.encode(self.layout.codec, errors="strict")
        buf = bytearray(b" " * self.layout.record_length)  # unused bytes (reserved areas) are spaces
        for t, conv in zip(texts, self.convs, strict=True):
            start = conv.spec.offset or 0
            buf[start : start + (conv.spec.length or 0)] = self._fixed(t, conv, key)
        return bytes(buf) + self.layout.newline_bytes

    def _degrade(self, text: str, label: str, key: tuple[str, str]) -> str:
        assert self.target is not None
        result = degrade(text, self.target)
        for s in result.substitutions:
            self.report.changes.append(
                Degraded(key[0], key[1], label, s.original, s.replacement, s.rule, s.lossy)
            )
        return result.text

    def _csv_line(self, texts: list[str]) -> str:
        buf = io.StringIO()
        csv.writer(buf, delimiter=self.layout.delimiter, lineterminator="\r\n").writerow(texts)
        return buf.getvalue()

    def _fixed(self, text: str, conv: Converter, key: tuple[str, str]) -> bytes:
        size = conv.spec.length or 0
        data = text.encode(self.layout.codec)
        if len(data) > size:
            if self.strict:
                raise ValueError(f"{conv.label} に収まりません（{len(data)}バイト、欄 {size}バイト）: {text}")
            cut = text
            while len(cut.encode(self.layout.codec)) > size:
                cut = cut[:-1]
            self.report.changes.append(
                Degraded(key[0], key[1], conv.label, text, cut, f"桁あふれ（{size}バイト）", True)
            )
            data = cut.encode(self.layout.codec)
        return data + b" " * (size - len(data))


def changes_csv(report: ExportReport) -> str:
    """The degradation report (UTF-8 with BOM): every substitution and cut, lossy ones marked."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(("宛名番号", "履歴番号", "項目", "元の文字", "出力した文字", "規則", "非可逆"))
    for c in report.changes:
        w.writerow(safe_row(
            (c.addressee_no, c.history_no, c.field, c.original, c.replacement, c.rule, "○" if c.lossy else "")
        ))  # fmt: skip
    for e in report.errors:
        w.writerow(safe_row(("", "", "", "", "", e, "○")))
    return "\ufeff" + buf.getvalue()


def target_label(target: str) -> str:
    return TARGETS[target].ja
