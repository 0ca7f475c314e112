"""CSV layout: header, CRLF, quoting, formatting, formula injection, CP932 report by line."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from kikan.linkage.csvout import CsvEncoder, cell, neutralise, substitution_report
from kikan.linkage.datasets import FieldDef
from kikan.linkage.errors import InvalidParameter

FIELDS = (FieldDef("no", "番号"), FieldDef("name", "氏名"), FieldDef("born", "生年月日", "date"),
          FieldDef("flag", "旗", "boolean"), FieldDef("members", "世帯員", "array"))  # fmt: skip


@pytest.mark.parametrize("cell_", ["=1+1", "+81", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_prefixed(cell_):
    assert neutralise(cell_) == "'" + cell_


@pytest.mark.parametrize("cell_", ["1+1", "青木", "", "'already", " =x"])
def test_other_cells_untouched(cell_):
    assert neutralise(cell_) == cell_


def test_cell_formats():
    assert [cell(None), cell(True), cell(False), cell(date(2024, 2, 29)), cell(["1", "2"]), cell(7)] == [
        "", "1", "0", "2024-02-29", "1 2", "7"
    ]  # fmt: skip


def test_layout_utf8():
    enc = CsvEncoder(FIELDS)
    data = enc.rows([("k1", {"no": "001", "name": "青木, 太郎", "born": date(1980, 1, 2), "flag": True,
                              "members": ["a", "b"]}),
                     ("k2", {"no": "002", "name": '=HYPERLINK("x")\n2行目'})])  # fmt: skip
    text = data.decode("utf-8")
    assert text.startswith("no,name,born,flag,members\r\n") and text.endswith("\r\n")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[1] == ["001", "青木, 太郎", "1980-01-02", "1", "a b"]
    assert parsed[2] == ["002", '\'=HYPERLINK("x")\n2行目', "", "", ""]
    assert enc.substitutions == [] and enc.media_type == "text/csv; charset=utf-8; header=present"


def test_japanese_header_and_none():
    assert CsvEncoder(FIELDS, header="ja").start().decode() == "番号,氏名,生年月日,旗,世帯員\r\n"
    enc = CsvEncoder(FIELDS, header="none")
    assert enc.rows([("k", {"no": "1"})]) == b"1,,,,\r\n"


def test_cp932_reports_by_line_and_column():
    enc = CsvEncoder(FIELDS, encoding="cp932")
    first = enc.rows([("k1", {"no": "1", "name": "青木"})])
    second = enc.rows([("k2", {"no": "2", "name": "𠮷田"})])
    assert (first + second).decode("cp932").splitlines()[2] == "2,吉田,,,"
    (s,) = enc.substitutions
    assert (s.line, s.key, s.column, s.sub.original) == (3, "k2", "name", "𠮷")
    report = substitution_report(enc.substitutions).decode()
    assert report.splitlines()[1] == "3,k2,name,0,𠮷,U+20BB7,吉,mj_shrink"


@pytest.mark.parametrize("kw", [{"encoding": "latin-1"}, {"header": "yes"}])
def test_bad_options(kw):
    with pytest.raises(InvalidParameter):
        CsvEncoder(FIELDS, **kw)
