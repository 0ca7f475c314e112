"""Every class of bad legacy input is reported with its Japanese message (the dry run's report).

Records are built byte by byte here (not with the exporter) so the reader is checked independently.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kikan.characters import GaijiMapper
from kikan.core.identity import individual_number
from kikan.migration import IssueKind, Severity, parse_layout, validate_files
from kikan.migration.validate import Dataset

TODAY = dt.date(2026, 4, 1)
FIXED = parse_layout({
    "name": "mini", "format": "fixed", "encoding": "cp932", "record_length": 120, "newline": "crlf",
    "code_tables": {"状態": {"1": "resident", "2": "removed"}, "種別": {"1": "japanese", "2": "foreign"},
                    "性別": {"1": "1", "2": "2"}, "続柄": {"01": "世帯主", "02": "妻", "11": "子", "91": "孫"}},
    "fields": [
        {"name": "宛名番号", "target": "addressee_no", "offset": 0, "length": 10},
        {"name": "履歴番号", "target": "history_no", "offset": 10, "length": 3},
        {"name": "世帯番号", "target": "household_no", "offset": 13, "length": 10},
        {"name": "住民状態", "target": "status", "offset": 23, "length": 1, "codes": "状態"},
        {"name": "住民種別", "target": "resident_kind", "offset": 24, "length": 1, "codes": "種別"},
        {"name": "氏", "target": "family_name", "offset": 25, "length": 20},
        {"name": "名", "target": "given_name", "offset": 45, "length": 20},
        {"name": "生年月日", "target": "birth_date", "offset": 65, "length": 7, "date": "wareki_code"},
        {"name": "性別", "target": "sex", "offset": 72, "length": 1, "codes": "性別"},
        {"name": "続柄", "target": "relationship", "offset": 73, "length": 2, "codes": "続柄"},
        {"name": "住所", "target": "address", "offset": 75, "length": 30},
        {"name": "個人番号", "target": "individual_number", "offset": 105, "length": 12},
    ],
})  # fmt: skip


def number(base: str) -> str:
    return base + individual_number.compute_check_digit(base)


NUMBER = number("12345678901")
BASE = {"宛名番号": "0000000017", "履歴番号": "001", "世帯番号": "0000000017", "住民状態": "1", "住民種別": "1",
        "氏": "山田", "名": "太郎", "生年月日": "3550101", "性別": "1", "続柄": "01", "住所": "千代田区一番町1番地",
        "個人番号": NUMBER}  # fmt: skip


def rec(**changes: Any) -> bytes:
    """One 120-byte CP932 record + CRLF; values are text (encoded) or raw bytes."""
    buf = bytearray(b" " * FIXED.record_length)
    values = {**BASE, **changes}
    if "個人番号" not in changes:  # one number per person
        values["個人番号"] = number("1234567" + values["宛名番号"][-4:])
    for f in FIXED.fields:
        v = values[f.name]
        raw = v if isinstance(v, bytes) else v.encode("cp932")
        start = f.offset or 0
        buf[start : start + (f.length or 0)] = raw.ljust(f.length or 0, b" ")[: f.length]
    return bytes(buf) + b"\r\n"


def check(
    *files: tuple[str, bytes], decisions: dict[tuple[str, str], str] | None = None
) -> tuple[Dataset, GaijiMapper]:
    mapper = GaijiMapper("cp932", decisions or {})
    return validate_files(list(files), FIXED, mapper, today=TODAY), mapper


def messages(ds: Dataset, kind: IssueKind) -> list[str]:
    return [i.message for i in ds.report.issues if i.kind == kind]


def head_and_child() -> bytes:
    return rec() + rec(**{"宛名番号": "0000000025", "名": "花子", "続柄": "11", "性別": "2"})


def test_a_clean_household_has_no_issue():
    ds, _ = check(("A.DAT", head_and_child()))
    assert ds.report.issues == [] and ds.report.rows == 2 and ds.report.households == 1


def test_utf8_file_given_as_cp932_is_refused_as_mojibake():
    data = head_and_child().decode("cp932").encode("utf-8")
    ds, _ = check(("U.DAT", data))
    assert "UTF-8 で書かれたファイルです" in ds.report.refused_files["U.DAT"]
    assert ds.report.count(IssueKind.MOJIBAKE) == 1 and ds.report.rows == 0


def test_too_many_undecodable_bytes_refuse_the_file():
    bad = b"".join(rec(**{"宛名番号": f"{n:010d}", "氏": b"\x81\x20\x81\x20"}) for n in range(1, 40))
    ds, _ = check(("B.DAT", bad))
    assert "変換できないバイト列が" in ds.report.refused_files["B.DAT"]


def test_an_undecodable_field_is_an_error_on_its_row():
    ds, _ = check(("B.DAT", rec(氏=b"\x81\x20") + rec(**{"宛名番号": "0000000025", "続柄": "11"})))
    [issue] = [i for i in ds.report.issues if i.kind == IssueKind.ENCODING]
    assert issue.row == 1 and issue.field == "氏" and "変換できないバイト列があります" in issue.message


def test_utf8_bytes_inside_a_cp932_record_are_mojibake():
    ds, _ = check(("M.DAT", rec(氏="山田".encode()) + rec(**{"宛名番号": "0000000025", "続柄": "11"})))
    assert messages(ds, IssueKind.MOJIBAKE) == ["UTF-8 の文字列です（ファイルの文字コードと違います）"]


@pytest.mark.parametrize("given", ["あい", "さくら", "一郎"])
def test_utf8_kana_and_kanji_inside_a_cp932_record_are_mojibake(given):
    ds, _ = check(("M.DAT", rec(名=given.encode())))
    assert ds.report.count(IssueKind.MOJIBAKE) == 1


def test_a_cp932_name_whose_bytes_happen_to_be_utf8_is_not_mojibake():
    assert "莉子".encode("cp932").decode("utf-8") == "从q"  # valid UTF-8 by coincidence
    ds, _ = check(("M.DAT", rec(名="莉子")))
    assert ds.report.issues == []


def test_half_width_kana_is_not_taken_for_utf8():
    ds, _ = check(("K.DAT", rec(名="ﾀﾛｳ".encode("cp932"))))
    assert ds.report.count(IssueKind.MOJIBAKE) == 0
    assert ds.report.count(IssueKind.CHARACTERS) == 3  # half-width kana are not 行政事務標準文字


def test_a_layout_that_does_not_fit_refuses_the_file():
    data = b"".join(rec()[:100] + b"\r\n" for _ in range(5))
    ds, _ = check(("L.DAT", data))
    reason = ds.report.refused_files["L.DAT"]
    assert "レコード長がレイアウト「mini」の 120 バイトと一致しません" in reason and "100バイト 4件" in reason


def test_a_truncated_last_record_is_reported():
    ds, _ = check(("T.DAT", head_and_child() + rec(**{"宛名番号": "0000000033"})[:60]))
    [issue] = [i for i in ds.report.issues if i.kind == IssueKind.TRUNCATED]
    assert (
        issue.row == 3 and "最後のレコードが途中で切れています（60バイト、定義 120バイト）" in issue.message
    )


def test_a_duplicate_key_is_reported_on_the_second_record():
    ds, _ = check(("D.DAT", head_and_child() + rec(名="次郎")))
    [issue] = [i for i in ds.report.issues if i.kind == IssueKind.DUPLICATE]
    assert (
        issue.row == 3
        and issue.message == "宛名番号 0000000017・履歴番号 1 が重複しています（D.DAT 1行目と同じキー）"
    )


@pytest.mark.parametrize("raw, detail", [
    ("4310501", "平成31年5月1日"), ("5991301", "令和99年13月1日"), ("35501AB", "7桁"),
])  # fmt: skip
def test_invalid_dates(raw, detail):
    ds, _ = check(("D.DAT", rec(生年月日=raw)))
    [msg] = messages(ds, IssueKind.DATE)
    assert msg.startswith("日付として正しくありません") and detail in msg


def test_a_birth_date_after_the_reference_date_is_an_error():
    ds, _ = check(("D.DAT", rec(生年月日="5091231")))
    assert messages(ds, IssueKind.DATE) == ["生年月日が基準日（2026-04-01）より後です"]


def test_individual_number_check_digit_is_validated_and_never_shown():
    wrong = NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10)
    ds, _ = check(("C.DAT", rec(個人番号=wrong)))
    [issue] = [i for i in ds.report.issues if i.kind == IssueKind.CHECK_DIGIT]
    assert issue.message == "個人番号の検査用数字が正しくありません" and issue.value == "*" * 12


def test_legacy_addressee_numbers_are_exempt_from_check_digits():
    # 0000000018 has the wrong M11W2-7 check digit (…17 is right): legacy numbering is kept as is
    ds, _ = check(("C.DAT", rec(**{"宛名番号": "0000000018"})))
    assert ds.report.issues == []


def test_household_without_head_and_unknown_household():
    data = (rec(**{"続柄": "02"}) + rec(**{"宛名番号": "0000000025", "続柄": "11"})
            + rec(**{"宛名番号": "0000000033", "世帯番号": "0000009999", "続柄": "11"}))  # fmt: skip
    ds, _ = check(("H.DAT", data))
    msgs = messages(ds, IssueKind.HOUSEHOLD)
    assert msgs.count("世帯番号 0000000017 の世帯に世帯主がいません（世帯員 2人）") == 2
    assert "世帯番号 0000009999 の世帯がありません（この世帯番号の世帯主・世帯員がほかにいません）" in msgs


def test_two_heads_in_one_household():
    ds, _ = check(("H.DAT", rec() + rec(**{"宛名番号": "0000000025"})))
    assert messages(ds, IssueKind.HOUSEHOLD) == ["世帯番号 0000000017 の世帯に世帯主が 2人います"] * 2


def test_relationship_outside_the_closed_list():
    ds, _ = check(("R.DAT", rec() + rec(**{"宛名番号": "0000000025", "続柄": "91"})))
    assert messages(ds, IssueKind.RELATIONSHIP) == [
        "続柄「孫」は標準仕様書で管理できない続柄です（子の子 を使用してください）"
    ]


def test_a_code_missing_from_the_code_table():
    ds, _ = check(("X.DAT", rec(性別="3")))
    assert messages(ds, IssueKind.CODE) == ["コード表にない値です（使えるコード: 1、2）"]


def test_the_same_individual_number_for_two_persons():
    ds, _ = check(
        ("N.DAT", rec(個人番号=NUMBER) + rec(**{"宛名番号": "0000000025", "続柄": "11", "個人番号": NUMBER}))
    )
    [issue] = [i for i in ds.report.issues if i.kind == IssueKind.IDENTITY]
    assert (
        issue.addressee_no == "0000000025"
        and issue.message == "個人番号が宛名番号 0000000017 の住民と同じです"
    )


def test_a_required_item_missing():
    ds, _ = check(("X.DAT", rec(氏="")))
    assert messages(ds, IssueKind.REQUIRED) == ["氏がありません"]


def test_characters_outside_the_standard_set():
    ds, mapper = check(("S.DAT", rec(名="ﾀ".encode("cp932"))))
    assert messages(ds, IssueKind.CHARACTERS) == [
        "1文字目は行政事務標準文字にない文字です（U+FF80）。外字の同定で置き換える文字を決めてください"
    ]
    assert [(u.code_system, u.code) for u in mapper.collected] == [("ucs", "U+FF80")]


def test_unmapped_gaiji_are_collected_with_their_records_and_mapped_once_identified():
    data = rec(氏=b"\xf0\x40\x93\x63")  # vendor 外字 F040 + 田
    ds, mapper = check(("G.DAT", data))
    assert messages(ds, IssueKind.GAIJI) == ["1文字目は同定されていない外字です（cp932:F040）"]
    [u] = mapper.collected
    assert (
        u.code_system,
        u.code,
        u.where.source_file,
        u.where.source_row,
        u.where.field,
        u.where.record_key,
    ) == ("cp932", "F040", "G.DAT", 1, "氏", "0000000017")
    assert [(g.code, g.row) for g in ds.report.gaiji] == [("F040", 1)]
    ds, _ = check(("G.DAT", data), decisions={("cp932", "F040"): "髙"})
    assert ds.report.issues == []
    [row] = ds.persons.rows["0000000017"]
    assert ds.persons.get(row, "family_name") == "髙田"


CSV_FIELDS = (("宛名番号", "addressee_no"), ("履歴番号", "history_no"), ("世帯番号", "household_no"),
              ("住民状態", "status"), ("住民種別", "resident_kind"), ("氏", "family_name"), ("名", "given_name"),
              ("生年月日", "birth_date"), ("性別", "sex"), ("続柄", "relationship"), ("住所", "address"))  # fmt: skip
CSV = parse_layout({"name": "minicsv", "format": "csv", "encoding": "utf-8",
                    "fields": [{"name": n, "target": t} for n, t in CSV_FIELDS]})  # fmt: skip
HEADER = ",".join(n for n, _ in CSV_FIELDS) + "\r\n"


def line(no: str, family: str = "山田", given: str = "太郎") -> str:
    return f"{no},1,{no},resident,japanese,{family},{given},19800101,1,世帯主,千代田区一番町1番地\r\n"


def check_csv(data: bytes, layout=CSV) -> Dataset:
    return validate_files([("C.CSV", data)], layout, GaijiMapper("utf8", {}), today=TODAY)


def test_a_clean_csv_has_no_issue():
    ds = check_csv((HEADER + line("1") + line("2")).encode())
    assert ds.report.issues == [] and ds.report.rows == 2


def test_csv_header_must_match_the_layout():
    ds = check_csv((HEADER.replace("氏,名", "氏名,名") + line("1")).encode())
    assert (
        "見出し行がレイアウト「minicsv」と一致しません: 6列目「氏名」（レイアウト「氏」）"
        in ds.report.refused_files["C.CSV"]
    )


def test_csv_column_count_and_truncated_last_line():
    ds = check_csv((HEADER + line("1") + "2,1,2,resident\r\n" + line("3")[:20]).encode())
    assert [
        (i.row, i.kind) for i in ds.report.issues if i.kind in (IssueKind.LAYOUT, IssueKind.TRUNCATED)
    ] == [(3, IssueKind.LAYOUT), (4, IssueKind.TRUNCATED)]


def test_cp932_file_given_as_utf8_is_refused():
    ds = check_csv((HEADER + line("1") + line("2")).encode("cp932"))
    assert "CP932（Shift_JIS）で書かれたファイルです" in ds.report.refused_files["C.CSV"]


def test_replacement_characters_and_utf8_read_as_cp932():
    ds = check_csv((HEADER + line("1", family="山\ufffd") + line("2", given="縺ゅ≠")).encode())
    assert messages(ds, IssueKind.ENCODING) == ["変換できないバイト列または置換文字（U+FFFD）があります"]
    assert messages(ds, IssueKind.MOJIBAKE) == ["文字化けしています（UTF-8 を CP932 として読んだ文字列）"]


def test_layout_missing_a_required_item():
    short = parse_layout(
        {
            "name": "short",
            "format": "csv",
            "encoding": "utf-8",
            "fields": [
                {"name": "宛名番号", "target": "addressee_no"},
                {"name": "履歴番号", "target": "history_no"},
            ],
        }
    )
    [issue] = check_csv(b"", short).report.issues
    assert issue.kind == IssueKind.LAYOUT and issue.severity == Severity.ERROR
    assert issue.message.startswith(
        "住民記録の移行に必要な項目がレイアウトにありません: 世帯番号（household_no）"
    )
