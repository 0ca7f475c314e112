"""Validate a set of legacy files against a layout: the dry run (移行リハーサルの検証).

``validate_files`` reads every file (encoding and layout fit first, then each record and field), runs
the row rules and the checks across records, and returns the parsed :class:`Dataset` with its
:class:`~kikan.migration.report.Report`.  The import writes only a dataset whose report has no error.
Pure: the caller passes the bytes and the tenant's 外字 mapper (whose ``collected`` list then holds
every unmapped character with where it was met, for ``record_unmapped``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kikan.characters import GaijiMapper
from kikan.migration.checks import Persons
from kikan.migration.layout import Layout
from kikan.migration.parse import RowParser
from kikan.migration.reader import records
from kikan.migration.report import FILE_LEVEL, IssueKind, Report
from kikan.migration.rules import RowRules, missing_columns
from kikan.migration.targets import TARGETS

Progress = Callable[[int], None]  # called with the number of records just processed


@dataclass
class Dataset:
    layout: Layout
    persons: Persons
    report: Report
    digest: str  # SHA-256 over the layout and every file, in order: the import's identity
    gaiji_as_of_seq: int | None = None  # the 外字 decisions used (kikan.characters: replayable)

    @property
    def ok(self) -> bool:
        return self.report.ok


def digest_of(layout: Layout, files: Iterable[tuple[str, bytes]]) -> str:
    """Identity of an import: the layout (name + fields) and each file's content, in order."""
    h = hashlib.sha256()
    h.update(repr((layout.name, layout.encoding, layout.fields)).encode("utf-8"))
    for _name, data in files:
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def validate_files(
    files: list[tuple[str, bytes]], layout: Layout, mapper: GaijiMapper, *, today: dt.date,
    progress: Progress | None = None, digest: str | None = None,
) -> Dataset:  # fmt: skip
    """Parse and check ``files`` (``(name, content)``) with ``layout``; see the module docstring."""
    report = Report()
    labels = {t: f.name for f in layout.fields for t in f.targets}
    persons = Persons(layout.columns, labels, report)
    dataset = Dataset(layout, persons, report, digest or digest_of(layout, files), mapper.as_of_seq)
    missing = missing_columns(layout)
    if missing:
        names = "、".join(f"{TARGETS[t].ja}（{t}）" for t in missing)
        report.error(IssueKind.LAYOUT, layout.name, FILE_LEVEL, "レイアウト",
                     f"住民記録の移行に必要な項目がレイアウトにありません: {names}")  # fmt: skip
        return dataset
    parser = RowParser(layout, mapper, report)
    rules = RowRules(layout, report, today=today)
    pending = 0
    for name, data in files:
        for row_no, record in records(data, layout, name, report):
            row = rules.check(parser.parse(name, row_no, record))
            persons.add(row)
            report.rows += 1
            pending += 1
            if progress is not None and pending >= 5000:
                progress(pending)
                pending = 0
    if progress is not None and pending:
        progress(pending)
    persons.finish()
    current = persons.current()
    report.persons = len(current)
    report.households = len({persons.get(r, "household_no") for r in current.values()} - {None})
    return dataset
