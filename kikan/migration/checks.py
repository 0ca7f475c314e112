"""Checks across records: duplicate keys, history numbering, households, numbers held by two persons.

- Key: (宛名番号, 履歴番号) identifies a history row (標準仕様書 1.2.1); a second record with the same key
  is an error on that record (the first one is named).
- 履歴番号 is a simple sequence from 1 (1.2.1); a gap in legacy numbering is a warning (history may
  have been purged before migration), not an error.
- Households (住民基本台帳法第6条: 住民票は世帯ごとに編成): every present resident's 世帯番号 must be a
  household with exactly one 世帯主 among its present residents; a resident whose 世帯番号 nobody
  else has and who is not its 世帯主 points to an unknown household.
- 個人番号 and 住民票コード identify one person (番号法第7条, 住民基本台帳法第30条の2): two persons
  holding the same one is an error.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kikan.juki.model import HEAD
from kikan.migration.parse import Row
from kikan.migration.report import IssueKind, Report
from kikan.migration.targets import ADDRESSEE_NO, HISTORY_NO, INDIVIDUAL_NUMBER


def _spaceless(text: str) -> str:
    return text.replace(" ", "").replace("\u3000", "")


class Persons:
    """Rows grouped by 宛名番号, with the key check done as rows arrive."""

    def __init__(self, columns: tuple[str, ...], labels: dict[str, str], report: Report):
        self.index = {t: i for i, t in enumerate(columns)}
        self.labels, self.report = labels, report
        self.rows: dict[str, list[Row]] = {}
        self._seen: dict[tuple[str, int], tuple[str, int]] = {}
        self._a, self._h = self.index[ADDRESSEE_NO], self.index[HISTORY_NO]

    def get(self, row: Row, target: str) -> Any:
        i = self.index.get(target)
        return None if i is None else row.values[i]

    def add(self, row: Row) -> None:
        no, hist = row.values[self._a], row.values[self._h]
        if no is None or hist is None:
            return
        first = self._seen.get((no, hist))
        if first is not None:
            self.report.error(IssueKind.DUPLICATE, row.file, row.row, self.labels.get(HISTORY_NO, "履歴番号"),
                              f"宛名番号 {no}・履歴番号 {hist} が重複しています（{first[0]} {first[1]}行目と同じキー）",
                              addressee_no=no, history_no=str(hist))  # fmt: skip
            return
        self._seen[(no, hist)] = (row.file, row.row)
        self.rows.setdefault(no, []).append(row)

    def finish(self) -> None:
        """Sort each person's rows and run the checks across records."""
        self._seen.clear()
        h = self._h
        for no, rows in self.rows.items():
            rows.sort(key=lambda r: r.values[h])
            numbers = [r.values[h] for r in rows]
            if numbers != list(range(1, len(rows) + 1)):
                shown = ", ".join(map(str, numbers[:8])) + ("…" if len(numbers) > 8 else "")
                first = rows[0]
                self.report.warning(IssueKind.HISTORY, first.file, first.row, self.labels.get(HISTORY_NO, "履歴番号"),
                                    f"履歴番号が1からの連番ではありません（{shown}）", addressee_no=no)  # fmt: skip
        self._households()
        self._unique(INDIVIDUAL_NUMBER)
        self._unique("juminhyo_code")

    def current(self) -> dict[str, Row]:
        return {no: rows[-1] for no, rows in self.rows.items()}

    def _err(self, row: Row, target: str, message: str) -> None:
        self.report.error(IssueKind.HOUSEHOLD if target != INDIVIDUAL_NUMBER and target != "juminhyo_code"
                          else IssueKind.IDENTITY, row.file, row.row, self.labels.get(target, target), message,
                          addressee_no=str(self.get(row, ADDRESSEE_NO)), history_no=str(self.get(row, HISTORY_NO)))  # fmt: skip

    def _households(self) -> None:
        groups: dict[str, list[Row]] = defaultdict(list)
        for row in self.current().values():
            if self.get(row, "status") != "resident":
                continue
            for t in ("address", "relationship"):  # 住民票の記載事項 (法第7条) of a present resident
                if t in self.index and self.get(row, t) is None and t not in row.failed:
                    self.report.error(IssueKind.REQUIRED, row.file, row.row, self.labels.get(t, t),
                                      f"住民の現在の記録に{'住所' if t == 'address' else '続柄'}がありません",
                                      addressee_no=str(self.get(row, ADDRESSEE_NO)))  # fmt: skip
            if self.get(row, "household_no") is not None:
                groups[self.get(row, "household_no")].append(row)
        for hno, members in groups.items():
            heads = [m for m in members if self.get(m, "relationship") == HEAD]
            if not heads:
                if len(members) == 1:
                    msg = f"世帯番号 {hno} の世帯がありません（この世帯番号の世帯主・世帯員がほかにいません）"
                else:
                    msg = f"世帯番号 {hno} の世帯に世帯主がいません（世帯員 {len(members)}人）"
                for m in members:
                    self._err(m, "household_no", msg)
            elif len(heads) > 1:
                for m in heads:
                    self._err(m, "relationship", f"世帯番号 {hno} の世帯に世帯主が {len(heads)}人います")
            elif "head_name" in self.index:
                self._head_names(heads[0], members)

    def _head_names(self, head: Row, members: list[Row]) -> None:
        name = "\u3000".join(x for x in (self.get(head, "family_name"), self.get(head, "given_name")) if x)
        for m in members:
            given = self.get(m, "head_name")
            if given is not None and name and _spaceless(given) != _spaceless(name):
                self.report.warning(IssueKind.HOUSEHOLD, m.file, m.row, self.labels.get("head_name", "世帯主の氏名"),
                                    f"世帯主の氏名が世帯主の記録（{name}）と一致しません", value=given,
                                    addressee_no=str(self.get(m, ADDRESSEE_NO)))  # fmt: skip

    def _unique(self, target: str) -> None:
        if target not in self.index:
            return
        holder: dict[str, str] = {}
        for no, row in self.current().items():
            value = self.get(row, target)
            if value is None:
                continue
            other = holder.setdefault(value, no)
            if other != no:
                name = "個人番号" if target == INDIVIDUAL_NUMBER else "住民票コード"
                self._err(row, target, f"{name}が宛名番号 {other} の住民と同じです")
