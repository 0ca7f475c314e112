"""全銀協 総合振込 file: byte-exact layout of a hand-built file with two transfers, and the 全銀
character rules (half-width katakana, small kana large, ー → -, refused characters)."""

from __future__ import annotations

from datetime import date

import pytest

from kikan.core.errors import ValidationFailed
from kikan.welfare import zengin

REQ = zengin.Requester(code="1310160001", name="ﾁﾖﾀﾞｸ ｺﾄﾞﾓｶ", bank_code="0001", bank_name="ﾐｽﾞﾎ",
                       branch_code="012", branch_name="ﾁﾖﾀﾞ", account_type=1, account_no="0123456")  # fmt: skip
COLUMNS = {
    "bank_code": ["0005", "9900"], "bank_name": ["ﾐﾂﾋﾞｼUFJ", ""], "branch_code": ["123", "018"],
    "branch_name": ["ｼﾝｼﾞﾕｸ", ""], "account_type": [1, 2], "account_no": ["7654321", "0000042"],
    "holder": ["ﾔﾏﾀﾞ ﾊﾅｺ", "ｻﾄｳ ｲﾁﾛｳ"], "amount": [50000, 123450], "new_code": ["1", "0"],
    "customer1": ["0000000001", "0000000002"], "customer2": ["1202506", "1202506"],
}  # fmt: skip

# Hand-built, field by field (positions in the comments are 1-based bytes).
EXPECTED_HEADER = (
    "1"  # 1 データ区分
    + "21"  # 2-3 種別コード 総合振込
    + "0"  # 4 コード区分 JIS
    + "1310160001"  # 5-14 振込依頼人コード
    + "ﾁﾖﾀﾞｸ ｺﾄﾞﾓｶ"
    + " " * 29  # 15-54 振込依頼人名 (11 chars)
    + "0610"  # 55-58 取組日 MMDD
    + "0001"  # 59-62 仕向銀行番号
    + "ﾐｽﾞﾎ"
    + " " * 11  # 63-77 仕向銀行名
    + "012"  # 78-80 仕向支店番号
    + "ﾁﾖﾀﾞ"
    + " " * 11  # 81-95 仕向支店名
    + "1"  # 96 預金種目
    + "0123456"  # 97-103 口座番号
    + " " * 17  # 104-120 ダミー
)
EXPECTED_DATA_1 = (
    "2"
    + "0005"
    + "ﾐﾂﾋﾞｼUFJ"
    + " " * 7
    + "123"
    + "ｼﾝｼﾞﾕｸ"
    + " " * 9
    + "0000"
    + "1"
    + "7654321"
    + "ﾔﾏﾀﾞ ﾊﾅｺ"
    + " " * 22
    + "0000050000"
    + "1"
    + "0000000001"
    + "0001202506"
    + "7"
    + " "
    + " " * 7
)
EXPECTED_DATA_2 = (
    "2"
    + "9900"
    + " " * 15
    + "018"
    + " " * 15
    + "0000"
    + "2"
    + "0000042"
    + "ｻﾄｳ ｲﾁﾛｳ"
    + " " * 22
    + "0000123450"
    + "0"
    + "0000000002"
    + "0001202506"
    + "7"
    + " "
    + " " * 7
)
EXPECTED_TRAILER = "8" + "000002" + "000000173450" + " " * 101
EXPECTED_END = "9" + " " * 119


def expected_bytes(newline: bool) -> bytes:
    sep = "\r\n" if newline else ""
    recs = [EXPECTED_HEADER, EXPECTED_DATA_1, EXPECTED_DATA_2, EXPECTED_TRAILER, EXPECTED_END]
    return "".join(r + sep for r in recs).encode("shift_jis")


@pytest.mark.parametrize("newline", [True, False])
def test_two_transfers_byte_exact(newline: bool) -> None:
    data = zengin.build(REQ, date(2025, 6, 10), COLUMNS, newline=newline)
    assert data == expected_bytes(newline)
    assert len(data) == 5 * (122 if newline else 120)


def test_every_record_is_120_bytes_with_fields_at_their_offsets() -> None:
    data = zengin.build(REQ, date(2025, 6, 10), COLUMNS, newline=True)
    raw = [data[i : i + 122] for i in range(0, len(data), 122)]
    assert all(r[120:] == b"\r\n" and len(r[:120]) == 120 for r in raw)
    head, d1, d2, trailer, end = (r[:120] for r in raw)
    assert head[0:1] == b"1" and head[1:3] == b"21" and head[3:4] == b"0" and head[4:14] == b"1310160001"
    assert head[54:58] == b"0610" and head[58:62] == b"0001" and head[77:80] == b"012" and head[95:96] == b"1"
    assert head[96:103] == b"0123456" and head[103:120] == b" " * 17
    assert d1[0:1] == b"2" and d1[1:5] == b"0005" and d1[20:23] == b"123" and d1[38:42] == b"0000"
    assert (
        d1[42:43] == b"1" and d1[43:50] == b"7654321" and d1[50:80].decode("shift_jis").rstrip() == "ﾔﾏﾀﾞ ﾊﾅｺ"
    )
    assert d1[80:90] == b"0000050000" and d1[90:91] == b"1" and d1[91:101] == b"0000000001"
    assert d1[101:111] == b"0001202506" and d1[111:112] == b"7" and d1[112:113] == b" "
    assert d2[42:43] == b"2" and d2[80:90] == b"0000123450"
    assert trailer[0:1] == b"8" and trailer[1:7] == b"000002" and trailer[7:19] == b"000000173450"
    assert end[0:1] == b"9" and end[1:] == b" " * 119
    # half-width katakana are single bytes in Shift_JIS (JIS X 0201)
    assert "ﾔ".encode("shift_jis") == b"\xd4" and d1[50:51] == b"\xd4"


def test_parse_roundtrip() -> None:
    data = zengin.build(REQ, date(2025, 6, 10), COLUMNS, newline=False)
    assert zengin.parse(data, newline=False) == [EXPECTED_HEADER, EXPECTED_DATA_1, EXPECTED_DATA_2,
                                                 EXPECTED_TRAILER, EXPECTED_END]  # fmt: skip


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("やまだ　はなこ", "ﾔﾏﾀﾞ ﾊﾅｺ"),
        ("キュウヨ イチロウ", "ｷﾕｳﾖ ｲﾁﾛｳ"),  # small kana written large
        ("ショウガッコウ", "ｼﾖｳｶﾞﾂｺｳ"),
        ("ルーシー", "ﾙ-ｼ-"),  # ー → -
        ("ヲノ・ヱミ", "ｵﾉ ｴﾐ"),  # ヲ → ｵ, ・ → space, ヱ → ｴ
        ("ｶ)ｻﾝﾌﾟﾙ", "ｶ)ｻﾝﾌﾟﾙ"),
        ("smith john", "SMITH JOHN"),
        ("ヴァン", "ｳﾞｱﾝ"),
    ],
)
def test_kana_conversion(given: str, expected: str) -> None:
    assert zengin.to_zengin_kana(given, field="holder_kana", width=30) == expected


def test_refused_characters_name_the_field() -> None:
    with pytest.raises(ValidationFailed) as e:
        zengin.to_zengin_kana("山田 花子", field="holder_kana", width=30)
    assert e.value.errors[0].field == "holder_kana" and "山" in e.value.errors[0].message
    with pytest.raises(ValidationFailed):
        zengin.to_zengin_kana("ア" * 31, field="holder_kana", width=30)


def test_bad_data_is_refused_before_any_byte() -> None:
    bad = {**COLUMNS, "account_no": ["76543210", "42"]}  # 8 digits
    with pytest.raises(ValidationFailed):
        zengin.build(REQ, date(2025, 6, 10), bad)
    with pytest.raises(ValidationFailed):
        zengin.build(REQ, date(2025, 6, 10), {**COLUMNS, "holder": ["山田", "ｻﾄｳ"]})
    with pytest.raises(ValidationFailed):
        zengin.build(REQ, date(2025, 6, 10), {**COLUMNS, "amount": [0, 10]})
