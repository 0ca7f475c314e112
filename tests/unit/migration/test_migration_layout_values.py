"""Layouts in YAML and the field conversions (dates 西暦/和暦, codes, flags, kana width, 氏名)."""

from __future__ import annotations

import datetime as dt

import pytest

from kikan.core.errors import ValidationFailed
from kikan.migration import available_layouts, load_layout, parse_layout
from kikan.migration.layout import FieldSpec
from kikan.migration.report import IssueKind
from kikan.migration.values import BadValue, Converter

BASE = {"name": "t", "format": "fixed", "encoding": "cp932", "record_length": 20}
KEYS = [{"name": "宛名番号", "target": "addressee_no", "offset": 0, "length": 10},
        {"name": "履歴番号", "target": "history_no", "offset": 10, "length": 3}]  # fmt: skip


def errors(doc: dict) -> list[str]:
    with pytest.raises(ValidationFailed) as e:
        parse_layout(doc)
    return [f"{x.field}: {x.message}" for x in e.value.errors]


def test_builtin_layouts_load():
    names = available_layouts()
    assert {"chukan_juki", "chukan_juki_cp932", "legacy_fixed_cp932"} <= set(names)
    legacy = load_layout("legacy_fixed_cp932")
    assert legacy.format == "fixed" and legacy.record_length == 1200 and legacy.gaiji_system == "cp932"
    cp932 = load_layout("chukan_juki_cp932")  # extends chukan_juki, only the encoding differs
    assert cp932.encoding == "cp932" and cp932.fields == load_layout("chukan_juki").fields


def test_layout_errors_name_the_field_in_japanese():
    found = errors({**BASE, "encoding": "latin-1", "fields": [
        *KEYS, {"name": "氏", "target": "family_name", "offset": 12, "length": 10},
        {"name": "謎", "target": "no_such_item", "offset": 0, "length": 1},
        {"name": "性別", "target": "sex", "offset": 19, "length": 1, "codes": "無い表"},
    ]})  # fmt: skip
    assert "encoding: cp932、shift_jis、euc_jp、utf-8 のいずれかを指定してください" in found
    assert "fields 4番目（謎）: 登録項目 no_such_item はありません" in found
    assert "fields 5番目（性別）: コード表 無い表 がありません" in found
    assert "fields: 履歴番号（10〜12バイト）と 氏（12バイト〜）が重なっています" in found
    assert "record_length: 氏 がレコード長 20 バイトを超えています" in found


def test_layout_needs_keys_and_offsets():
    found = errors({**BASE, "fields": [{"name": "氏", "target": "family_name"}]})
    assert "fields 1番目（氏）: 固定長では offset と length（バイト）が必要です" in found
    assert "fields: 宛名番号（addressee_no）の欄が必要です" in found


def conv(**kw: object) -> Converter:
    spec = {"name": "x", "targets": ("birth_date",), "kind": "date", **kw}
    return Converter(FieldSpec(**spec), fixed=True)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt, text, expected", [
    ("wareki_code", "5081126", dt.date(2026, 11, 26)),
    ("wareki_code", "4310430", dt.date(2019, 4, 30)),
    ("wareki_code", "5010501", dt.date(2019, 5, 1)),
    ("wareki_code", "3640107", dt.date(1989, 1, 7)),
    ("yyyymmdd", "20240229", dt.date(2024, 2, 29)),
    ("auto", "令和元年5月1日", dt.date(2019, 5, 1)),
    ("wareki_code", "0000000", None),
    ("yyyymmdd", "        ", None),
])  # fmt: skip
def test_dates(fmt, text, expected):
    c = conv(date_format=fmt)
    assert c.parse(text) == (expected,)
    if expected is not None and fmt != "auto":
        assert c.format((expected,)) == text


@pytest.mark.parametrize(
    "fmt, text", [("wareki_code", "4310501"), ("wareki_code", "3640108"), ("yyyymmdd", "20230229")]
)
def test_impossible_dates_are_refused(fmt, text):
    with pytest.raises(BadValue) as e:
        conv(date_format=fmt).parse(text)
    assert e.value.kind == IssueKind.DATE and e.value.message.startswith("日付として正しくありません")


def test_codes_flags_and_numbers():
    sex = Converter(FieldSpec("性別", ("sex",), "code", codes={"1": "1", "2": "2"}), fixed=True)
    assert sex.parse("2") == ("2",) and sex.parse(" ") == (None,)
    with pytest.raises(BadValue) as e:
        sex.parse("9")
    assert e.value.kind == IssueKind.CODE
    flag = Converter(
        FieldSpec("選挙", ("elector_registered",), "bool", codes={"1": True, "0": False}), fixed=True
    )
    assert [flag.parse(t) for t in ("1", "0", "")] == [(True,), (False,), (None,)]
    assert [flag.format((v,)) for v in (True, False, None)] == ["1", "0", ""]
    order = Converter(FieldSpec("順位", ("household_order",), "int", length=3), fixed=True)
    assert order.parse("007") == (7,) and order.format((7,)) == "007"
    with pytest.raises(BadValue):
        order.parse("7a")


def test_half_width_kana_and_composite_names():
    kana = Converter(FieldSpec("カナ", ("family_name_kana",), "str", transform="h2z"), fixed=True)
    assert kana.parse("ｽｷﾞﾔﾏ  ") == ("スギヤマ",) and kana.format(("スギヤマ",)) == "ｽｷﾞﾔﾏ"
    name = Converter(FieldSpec("氏名", ("family_name", "given_name"), "str"), fixed=False)
    assert name.parse("杉山　さくら") == ("杉山", "さくら")
    assert name.parse("NGUYEN　VAN AN") == ("NGUYEN", "VAN AN")
    assert name.parse("杉山") == ("杉山", None)
    assert name.format(("杉山", "さくら")) == "杉山　さくら" and name.format(("杉山", None)) == "杉山"


def test_length_and_digits():
    no = Converter(FieldSpec("宛名番号", ("addressee_no",), "str"), fixed=True)
    with pytest.raises(BadValue) as e:
        no.parse("12-34")
    assert e.value.kind == IssueKind.NUMBER
    with pytest.raises(BadValue) as e:
        no.parse("1234567890123456")
    assert e.value.kind == IssueKind.LENGTH and e.value.message == "15文字を超えています"


def test_user_defined_areas_of_shift_jis_and_euc_jp_become_pua():
    from kikan.migration.encoding import decode_strict

    assert decode_strict(b"\xf0\x40\x93\x63", "shift_jis") == "\ue000田"  # as CP932 decodes F040
    assert decode_strict(b"\xf0\x40", "cp932") == "\ue000"
    assert decode_strict(b"\xf0\xfc", "shift_jis") == b"\xf0\xfc".decode("cp932")
    assert decode_strict(b"\xf5\xa1\xc5\xc4", "euc_jp") == "\ue000田"  # eucJP-ms: row 85 → U+E000
    with pytest.raises(UnicodeDecodeError):
        decode_strict(b"\x81\x20", "shift_jis")
