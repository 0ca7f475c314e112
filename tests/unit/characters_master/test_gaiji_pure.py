"""外字 codes, vendor tables, the mapper (collect / resolve) and ranked candidates — no database."""

from __future__ import annotations

import pytest

from kikan.characters import (
    CP932,
    UCS,
    GaijiMapper,
    LegacyCode,
    Occurrence,
    UnmappedCharacters,
    key_of,
    master,
    parse_code_table,
    propose,
)
from kikan.characters.text import cp932_gaiji_char, cp932_gaiji_code
from kikan.core.errors import ValidationFailed


def test_cp932_user_defined_area_decodes_to_the_pua_and_back():
    assert b"\xf0\x40".decode("cp932") == "\ue000"
    assert b"\xf9\xfc".decode("cp932") == "\ue757"
    assert "\ue000".encode("cp932") == b"\xf0\x40"
    assert cp932_gaiji_code("\ue000") == "F040" and cp932_gaiji_char("F040") == "\ue000"
    assert cp932_gaiji_char("F9FC") == "\ue757" and cp932_gaiji_char("8140") is None
    assert cp932_gaiji_code("\ue758") is None


def test_keys_of_legacy_characters():
    assert key_of("\ue000", CP932) == (CP932, "F040")
    assert key_of("\ue000", "vendor-a") == ("vendor-a", "U+E000")
    assert key_of("\uf8ff", CP932) == (CP932, "U+F8FF")  # PUA outside the CP932 user area
    assert key_of("邉\U000e0100", CP932) == (UCS, "U+9089 U+E0100")


def test_vendor_table_is_parsed_with_header_and_code_forms():
    rows = parse_code_table(
        "外字コード,字形の説明,住基統一文字コード,MJ文字図形名\nF040,はしご高,,\n0xF041,邉（一点しんにょう）,bd4b,\nU+E002,土吉,,mj032129\n",
        CP932, known_mj=master(),
    )  # fmt: skip
    assert [(r.code, r.pua, r.juki_code, r.mj_name) for r in rows] == [
        ("F040", "\ue000", "", ""), ("F041", "\ue001", "J+BD4B", ""), ("F042", "\ue002", "", "MJ032129"),
    ]  # fmt: skip


def test_vendor_table_errors_name_the_rows_and_nothing_is_returned():
    with pytest.raises(ValidationFailed) as e:
        parse_code_table(
            "F040,a\n8140,b\nF041,c,J+ZZZZ\nF042,d,,MJ999999\nF040,dup\n", CP932, known_mj=master()
        )
    fields = [x.field for x in e.value.errors]
    assert fields == [
        "2行目 外字コード",
        "3行目 住基ネット統一文字コード",
        "4行目 MJ文字図形名",
        "5行目 外字コード",
    ]


def test_mapper_applies_decisions_and_collects_the_rest_with_their_records():
    mapper = GaijiMapper(CP932, {(CP932, "F040"): "髙", (UCS, "U+9089 U+E0100"): "邉\U000e011a"})
    assert mapper.map_or_collect("\ue000橋", Occurrence("juki.csv", 2, "氏名", "000000000000019")) == "髙橋"
    assert mapper.map_or_collect("渡邉\U000e0100") == "渡邉\U000e011a"
    assert mapper.map_or_collect("山田太郎") == "山田太郎"
    where = Occurrence("juki.csv", 3, "氏名", "000000000000027")
    assert mapper.map_or_collect("\ue001野\ue000", where) is None
    (u,) = mapper.collected
    assert (u.code_system, u.code, u.grapheme, u.position, u.where, u.context) == (
        CP932,
        "F041",
        "\ue001",
        0,
        where,
        "\ue001野\ue000",
    )


def test_mapper_can_raise_instead_of_returning_none():
    mapper = GaijiMapper(CP932, {})
    with pytest.raises(UnmappedCharacters) as e:
        mapper.map_or_collect("\ue005", Occurrence("a.csv", 9, "住所"), raise_on_unmapped=True)
    assert e.value.unmapped[0].code == "F045" and "住所" in e.value.message
    assert len(mapper.collected) == 1


def test_candidates_by_juki_code_come_first():
    code = LegacyCode(CP932, "F041", "\ue001", "邉（一点しんにょう）", "J+BD4B", "")
    found = propose(code)
    assert (found[0].mj.mj, found[0].text, found[0].score) == ("MJ026194", "邉\U000e011a", 95)
    assert "住基ネット統一文字コード" in found[0].basis
    assert {"MJ026190", "MJ026191"} <= {c.mj.mj for c in found}  # the IVS family of 邉 follows


def test_candidates_from_the_description_use_the_shrink_map_family():
    found = propose(LegacyCode(CP932, "F040", "\ue000", "はしご高"))
    top = [c.mj.mj for c in found[:2]]
    assert top == ["MJ028901", "MJ028902"]  # 高 itself, then 髙 (縮退 JIS包摂規準 → 高)
    assert found[0].score > found[1].score > found[-1].score


def test_candidates_for_a_non_standard_sequence_are_the_glyphs_on_its_code_point():
    found = propose(None, "邉\U000e0100")
    assert found[0].score == 90 and found[0].mj.base == "邉"
