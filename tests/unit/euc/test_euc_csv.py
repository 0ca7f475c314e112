"""EUC CSV: BOM, CRLF, quoting, formula injection, CP932 with reported substitutions."""

from datetime import date

from kikan.euc.csv_out import safe_cell, to_csv


def test_cells_a_spreadsheet_would_run_are_made_text() -> None:
    for s in ("=1+2", "+81", "-5", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil","x")'):
        assert safe_cell(s) == "'" + s
    assert safe_cell("山田=太郎") == "山田=太郎"
    assert safe_cell(None) == "" and safe_cell(True) == "1" and safe_cell(date(2024, 4, 1)) == "2024-04-01"


def test_utf8_has_a_bom_crlf_and_quotes_separators() -> None:
    out = to_csv(["氏", "住所"], [["山田", "大阪市,北区"], ["=cmd", 'a"b\nc']])
    assert out.data.startswith(b"\xef\xbb\xbf")
    text = out.data.decode("utf-8-sig")
    assert text == '氏,住所\r\n山田,"大阪市,北区"\r\n\'=cmd,"a""b\nc"\r\n'
    assert out.rows == 2 and out.substitutions == ()


def test_cp932_substitutes_and_reports_what_it_cannot_encode() -> None:
    out = to_csv(["氏", "名"], [["𠮷田", "花子"], ["葛\U000E0100城", "髙"]], "cp932")
    text = out.data.decode("cp932")
    assert text.splitlines() == ["氏,名", "〓田,花子", "葛城,髙"]
    assert [(s.row, s.column, s.code_point, s.replaced_by) for s in out.substitutions] == [
        (1, "氏", "U+20BB7", "〓"),
        (2, "氏", "U+E0100", ""),
    ]
