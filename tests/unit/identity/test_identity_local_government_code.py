import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.core.identity import IdentifierError, local_government_code
from kikan.core.identity._mod11 import weighted_remainder
from kikan.core.identity.designated_cities import DESIGNATED_CITIES, PREFECTURE_NAMES

KNOWN_VALID = {
    "131016": "千代田区",
    "011002": "札幌市",
    "271004": "大阪市",
    "131130": "渋谷区",
    "141003": "横浜市",
    "011011": "札幌市中央区 (remainder 0 -> 1)",
    "130001": "東京都 (remainder 10 -> 1)",
    "010006": "北海道",
}


@pytest.mark.parametrize("code", sorted(KNOWN_VALID))
def test_known_codes_are_valid(code: str) -> None:
    assert local_government_code.is_valid(code)
    local_government_code.validate(code)
    assert local_government_code.compute_check_digit(code[:5]) == code[5]


def test_remainder_edges_are_the_published_ones() -> None:
    assert weighted_remainder("01101") == 0 and local_government_code.compute_check_digit("01101") == "1"
    assert weighted_remainder("13000") == 10 and local_government_code.compute_check_digit("13000") == "1"
    assert weighted_remainder("13113") == 1 and local_government_code.compute_check_digit("13113") == "0"


def test_wrong_check_digit_is_refused_with_japanese_message() -> None:
    with pytest.raises(IdentifierError) as info:
        local_government_code.validate("131017")
    assert info.value.reason == "check_digit"
    assert info.value.field == "地方公共団体コード"
    assert str(info.value) == "地方公共団体コードの検査数字が正しくありません"
    assert not local_government_code.is_valid("131017")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("13101", "length"),
        ("1310160", "length"),
        ("", "missing"),
        ("13101a", "format"),
        ("13-101", "format"),
        (" 131016", "format"),
        ("１３１０１６", "full_width"),
        ("13101６", "full_width"),
        ("٣١٠١٦١", "format"),  # Arabic-Indic digits are str.isdigit() but not ASCII
        ("000000", "prefecture"),
        ("481005", "prefecture"),
    ],
)
def test_malformed_codes(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as info:
        local_government_code.validate(value)
    assert info.value.reason == reason
    assert "地方公共団体コード" in str(info.value)
    assert not local_government_code.is_valid(value)


def test_full_width_message_is_explicit() -> None:
    with pytest.raises(IdentifierError, match="半角数字で入力してください"):
        local_government_code.validate("１３１０１６")


def test_non_str_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        local_government_code.validate(131016)  # type: ignore[arg-type]


def test_designated_city_table() -> None:
    assert len(DESIGNATED_CITIES) == 20
    assert len({c.code for c in DESIGNATED_CITIES}) == 20
    for city in DESIGNATED_CITIES:
        assert local_government_code.is_valid(city.code), city
        assert local_government_code.is_designated_city(city.code)
        assert local_government_code.designated_city_for(city.code) == city
    assert not local_government_code.is_designated_city("131016")
    assert not local_government_code.is_designated_city("141011")  # a ward, not the city


@pytest.mark.parametrize(
    ("ward", "city"),
    [
        ("141011", "横浜市"),  # 鶴見区
        ("141313", "川崎市"),  # 川崎区
        ("141518", "相模原市"),  # 緑区
        ("271411", "堺市"),  # 堺区
        ("271021", "大阪市"),  # 都島区
        ("401315", "福岡市"),  # 東区
        ("011011", "札幌市"),  # 中央区
    ],
)
def test_ward_belongs_to_its_designated_city(ward: str, city: str) -> None:
    assert local_government_code.is_valid(ward)
    found = local_government_code.designated_city_for(ward)
    assert found is not None and found.name == city


@pytest.mark.parametrize(
    "code",
    [
        "131016",  # 千代田区: 特別区 use 1xx too, but Tokyo has no 指定都市
        "142018",  # 横須賀市: an ordinary city (2xx)
        "012025",  # 函館市
        "013030",  # 当別町 (3xx)
        "010006",  # 北海道 itself (000)
    ],
)
def test_non_designated_codes(code: str) -> None:
    assert local_government_code.is_valid(code)
    assert local_government_code.designated_city_for(code) is None


def test_prefecture_helpers() -> None:
    assert len(PREFECTURE_NAMES) == 47
    assert local_government_code.prefecture_code("131016") == "13"
    assert local_government_code.prefecture_name("271004") == "大阪府"
    assert local_government_code.prefecture_name("011002") == "北海道"
    assert local_government_code.prefecture_of("141003") == ("14", "神奈川県")
    with pytest.raises(IdentifierError):
        local_government_code.prefecture_code("131017")


@given(st.from_regex(r"\A(0[1-9]|[1-3][0-9]|4[0-7])[0-9]{3}\Z"), st.integers(0, 5), st.integers(1, 9))
def test_single_digit_change_detected_unless_remainder_moves_between_0_and_10(
    base: str, position: int, delta: int
) -> None:
    code = base + local_government_code.compute_check_digit(base)
    mutated = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1 :]
    undetected = local_government_code.is_valid(mutated)
    if position == 5 or mutated[:2] not in PREFECTURE_NAMES:
        assert not undetected
    else:
        remainders = {weighted_remainder(code[:5]), weighted_remainder(mutated[:5])}
        assert undetected == (remainders == {0, 10})
