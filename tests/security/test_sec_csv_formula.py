"""CSV formula injection in the migration exports meant for people (検証結果, 縮退の一覧, 災害時の住民一覧):
legacy data can hold values that begin with ``=`` ``+`` ``-`` ``@`` TAB CR; every such text cell gets ``'``.

(The linkage, EUC and statistics exports are covered by their own end-to-end tests.)
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from kikan.core.spreadsheet import FORMULA_PREFIXES, safe_cell
from kikan.migration import disaster
from kikan.migration.export import Degraded, ExportReport, changes_csv
from kikan.migration.report import GaijiUse, Issue, IssueKind, Report, Severity, gaiji_csv, issues_csv

PAYLOADS = ['=HYPERLINK("http://example.invalid","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
            "\t=1", "\r=1"]  # fmt: skip


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]


def assert_neutral(text: str) -> None:
    bad = [c for c in cells(text) if c.startswith(FORMULA_PREFIXES)]
    assert not bad, bad
    for p in PAYLOADS:
        assert "'" + p in cells(text), p


@pytest.mark.parametrize("value", [*PAYLOADS, "-", "@"])
def test_safe_cell_prefixes_text_only(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell(-3) == -3 and safe_cell("青木") == "青木" and safe_cell(None) is None


def test_migration_issue_and_gaiji_reports():
    report = Report()
    for i, p in enumerate(PAYLOADS):
        report.issues.append(Issue(IssueKind(list(IssueKind)[0]), Severity.ERROR, p, i + 1, p, p, p, p, p))
        report.gaiji.append(GaijiUse("JIS", f"F{i:03d}", p, i + 1, p, p))
    assert_neutral(issues_csv(report))
    assert_neutral(gaiji_csv(report))


def test_migration_degradation_list():
    report = ExportReport(changes=[Degraded(p, p, p, p, p, p, True) for p in PAYLOADS], errors=list(PAYLOADS))
    assert_neutral(changes_csv(report))


def test_disaster_resident_list():
    persons = [disaster.Person(addressee_no=f"00000000000000{i}", household_no=p, family_name=p, given_name="",
                               kana=p, birth_date=dt.date(1985, 6, 15), sex="1", relationship=p, address=p,
                               katagaki=p, tsusho=p, head_name=p, alpha_name=p)
               for i, p in enumerate(PAYLOADS)]  # fmt: skip
    lst = disaster.ResidentList("八王子市", dt.date(2024, 4, 1), dt.datetime(2024, 4, 1, 9, 0), "test",
                                [disaster.Section("=1", "=町", persons)])  # fmt: skip
    assert_neutral(disaster.to_csv(lst))
