"""Degradation for partners (CP932 / JIS X 0213) through the MJ縮退マップ, every substitution reported."""

from __future__ import annotations

import pytest

from kikan.characters import degrade, encode_for_partner
from kikan.characters.degrade import GETA, RULE_DROP_SELECTOR, RULE_GETA, RULE_SAME_CODE


def test_takai_becomes_taka_for_jis_x_0213_and_is_reported():
    r = degrade("髙橋", "jisx0213")
    assert r.text == "高橋"
    assert [(s.position, s.original, s.replacement, s.rule) for s in r.substitutions] == [
        (0, "髙", "高", "JIS包摂規準UCS統合規則")
    ]
    assert not r.lossless


def test_takai_stays_in_cp932_which_has_it_in_the_ibm_extensions():
    r = degrade("髙橋", "cp932")
    assert r.text == "髙橋" and r.substitutions == []
    assert degrade("髙橋", "shift_jis").text == "高橋"  # plain JIS X 0208 partners


def test_tsuchiyoshi_becomes_yoshi_in_cp932():
    r = degrade("𠮷田", "cp932")
    assert r.text == "吉田"
    assert [(s.position, s.original, s.replacement) for s in r.substitutions] == [(0, "𠮷", "吉")]


@pytest.mark.parametrize("target", ["cp932", "jisx0213"])
def test_plain_jis_text_is_unchanged_with_an_empty_report(target):
    text = "東京都千代田区霞が関１－２－３　山田太郎 ABC"
    r = degrade(text, target)
    assert r.text == text and r.substitutions == [] and r.lossless


def test_ivs_is_dropped_and_reported_with_its_position():
    r = degrade("渡邉\U000e011a様", "cp932")
    assert r.text == "渡邉様"
    (s,) = r.substitutions
    assert (s.position, s.original, s.replacement) == (1, "邉\U000e011a", "邉")
    assert s.rule == "JIS包摂規準UCS統合規則"
    r2 = degrade("邉\U000e0100", "cp932")  # not an MJ sequence: no map entry, the selector goes
    assert r2.substitutions[0].rule == RULE_DROP_SELECTOR


@pytest.mark.parametrize("text", ["山\ue000子", "花子😀"])
def test_what_cannot_be_degraded_becomes_geta_and_is_reported(text):
    r = degrade(text, "cp932")
    assert GETA in r.text and "\ue000" not in r.text
    assert [s.rule for s in r.substitutions] == [RULE_GETA]
    assert r.unconvertible == r.substitutions


def test_same_jis_code_spelled_differently_is_lossless():
    r = degrade("A—B", "cp932")  # U+2014 EM DASH: JIS 1-01-29 is U+2015 here
    assert r.text == "A―B" and r.substitutions[0].rule == RULE_SAME_CODE and r.lossless


def test_encode_for_partner_gives_bytes_that_decode_to_the_degraded_text():
    data, report = encode_for_partner("髙橋 𠮷田 渡邉\U000e011a \ufa19 \ue000", "cp932")
    assert data.decode("cp932") == report.text == "髙橋 吉田 渡邉 \ufa19 〓"  # CP932 has U+FA19 (IBM ext.)
    assert [s.position for s in report.substitutions] == [3, 7, 12]
    data2, report2 = encode_for_partner("髙橋 𠮷田", "jisx0213")
    assert data2.decode("euc_jis_2004") == "高橋 吉田" and len(report2.substitutions) == 2


def test_unknown_target_is_a_clear_error():
    with pytest.raises(ValueError, match="未対応の文字コード"):
        degrade("山田", "klingon")
