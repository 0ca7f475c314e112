"""The validation report of a migration (移行データ検証結果): one line per row and field, in Japanese.

Errors block the import (nothing is written while any is left); warnings are for the record.  The
report is written as CSV (UTF-8 with BOM, so spreadsheet software opens it as is) with a summary per
kind, and the 外字 that still need 同定 with the records using them.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from kikan.core.spreadsheet import safe_row


class Severity(StrEnum):
    ERROR = "エラー"
    WARNING = "警告"


class IssueKind(StrEnum):
    ENCODING = "文字コード"
    MOJIBAKE = "文字化け"
    LAYOUT = "レイアウト不一致"
    TRUNCATED = "ファイル末尾の欠落"
    DUPLICATE = "キーの重複"
    REQUIRED = "必須項目"
    DATE = "日付"
    CODE = "コード値"
    NUMBER = "数値"
    LENGTH = "桁数"
    CHECK_DIGIT = "検査数字"
    HOUSEHOLD = "世帯"
    RELATIONSHIP = "続柄"
    CHARACTERS = "標準外の文字"
    GAIJI = "未同定の外字"
    IDENTITY = "番号の重複"
    HISTORY = "履歴番号"
    EXISTING = "登録済みデータ"
    UNKNOWN_PERSON = "宛名番号の照合"
    BUSINESS = "業務の検査"
    AMOUNT = "支給額"


FILE_LEVEL = 0  # row number of an issue about the whole file
MAX_KEPT = 200_000  # issues kept in memory (all are counted)


@dataclass(frozen=True)
class Issue:
    kind: IssueKind
    severity: Severity
    file: str
    row: int  # 1-based record / line number; 0 = the whole file
    field: str  # item name as in the layout (Japanese)
    message: str
    addressee_no: str = ""
    history_no: str = ""
    value: str = ""  # the offending text (never a 個人番号)


@dataclass(frozen=True)
class GaijiUse:
    code_system: str
    code: str
    file: str
    row: int
    field: str
    addressee_no: str


@dataclass
class Report:
    issues: list[Issue] = field(default_factory=list)
    counts: Counter[tuple[IssueKind, Severity]] = field(default_factory=Counter)
    files: dict[str, int] = field(default_factory=dict)  # file → records read
    refused_files: dict[str, str] = field(default_factory=dict)  # file → reason
    gaiji: list[GaijiUse] = field(default_factory=list)
    rows: int = 0
    persons: int = 0
    households: int = 0

    def add(self, issue: Issue) -> None:
        self.counts[(issue.kind, issue.severity)] += 1
        if len(self.issues) < MAX_KEPT:
            self.issues.append(issue)

    def error(self, kind: IssueKind, file: str, row: int, fld: str, message: str, **kw: str) -> None:
        self.add(Issue(kind, Severity.ERROR, file, row, fld, message, **kw))

    def warning(self, kind: IssueKind, file: str, row: int, fld: str, message: str, **kw: str) -> None:
        self.add(Issue(kind, Severity.WARNING, file, row, fld, message, **kw))

    @property
    def error_count(self) -> int:
        return sum(n for (_, s), n in self.counts.items() if s == Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return sum(n for (_, s), n in self.counts.items() if s == Severity.WARNING)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def count(self, kind: IssueKind, severity: Severity = Severity.ERROR) -> int:
        return self.counts[(kind, severity)]

    def summary(self) -> list[tuple[str, int, int]]:
        """``(種類, エラー件数, 警告件数)`` for every kind that occurred, in catalogue order."""
        return [
            (k.value, self.counts[(k, Severity.ERROR)], self.counts[(k, Severity.WARNING)])
            for k in IssueKind
            if self.counts[(k, Severity.ERROR)] or self.counts[(k, Severity.WARNING)]
        ]

    def gaiji_summary(self) -> list[tuple[str, str, int, list[GaijiUse]]]:
        """``(体系, コード, 件数, 使用箇所の先頭5件)``, most used first."""
        by: dict[tuple[str, str], list[GaijiUse]] = {}
        for g in self.gaiji:
            by.setdefault((g.code_system, g.code), []).append(g)
        ranked = sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return [(s, c, len(uses), uses[:5]) for (s, c), uses in ranked]


HEADER = ("区分", "種類", "ファイル", "行", "宛名番号", "履歴番号", "項目", "内容", "値")


def _csv(rows: list[tuple[object, ...]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows(safe_row(r) for r in rows)
    return "\ufeff" + buf.getvalue()


def issues_csv(report: Report) -> str:
    """Every issue: 区分, 種類, ファイル, 行 (0 = ファイル全体), 宛名番号, 履歴番号, 項目, 内容, 値."""
    rows: list[tuple[object, ...]] = [HEADER]
    rows += [
        (
            i.severity.value,
            i.kind.value,
            i.file,
            i.row,
            i.addressee_no,
            i.history_no,
            i.field,
            i.message,
            i.value,
        )
        for i in report.issues
    ]
    return _csv(rows)


def summary_csv(report: Report) -> str:
    rows: list[tuple[object, ...]] = [("種類", "エラー", "警告")]
    rows += report.summary()
    rows.append(("合計", report.error_count, report.warning_count))
    return _csv(rows)


def gaiji_csv(report: Report) -> str:
    """The 外字 that need 同定: 体系, コード, 件数, then the first records using each."""
    rows: list[tuple[object, ...]] = [
        ("外字体系", "外字コード", "使用件数", "ファイル", "行", "項目", "宛名番号")
    ]
    for system, code, n, uses in report.gaiji_summary():
        for k, u in enumerate(uses):
            rows.append((system, code, n if k == 0 else "", u.file, u.row, u.field, u.addressee_no))
    return _csv(rows)


def report_files(report: Report) -> dict[str, str]:
    """The report as files: ``{file name: text}`` (UTF-8 with BOM, CRLF)."""
    return {
        "移行検証結果.csv": issues_csv(report),
        "移行検証集計.csv": summary_csv(report),
        "未同定外字.csv": gaiji_csv(report),
    }
