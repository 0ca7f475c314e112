"""全国地方公共団体コード (6 digits: 都道府県2 + 市区町村3 + 検査数字1).

Legal basis / specification: 総務省「全国地方公共団体コード」(昭和43年 自治省 制定; also JIS X 0402
市区町村コード, whose 5-digit code is the first five digits here).  The 検査数字 rule:

    sum = d1×6 + d2×5 + d3×4 + d4×3 + d5×2         (d1 = leftmost digit)
    r   = sum mod 11
    検査数字 = (11 − r) mod 10, i.e. the last digit of 11 − r  (r = 0 → 1, r = 1 → 0, r = 10 → 1)

Verification: the 総務省 specification text itself was not available offline.  The rule above matches
two independent published descriptions (wiki.hgotoh.jp「地方公共団体コードのチェックデジット検証」,
citycode.fmd4.com) and reproduces every real code we checked, including one of each remainder edge:
011011 札幌市中央区 (r = 0 → 1), 130001 東京都 (r = 10 → 1), 131130 渋谷区 (→ 0).

Error detection: the weights 6..2 are non-zero mod 11, so any single-digit change alters r; it goes
unnoticed only when r moves between 0 and 10 (both map to 1).
"""

from __future__ import annotations

from . import _mod11
from .designated_cities import DESIGNATED_CITIES, DESIGNATED_CITIES_BY_CODE, PREFECTURE_NAMES, DesignatedCity
from .errors import IdentifierError

FIELD = "地方公共団体コード"


def compute_check_digit(base: str) -> str:
    """検査数字 for a 5-digit 市区町村コード (JIS X 0402), per 総務省「全国地方公共団体コード」."""
    _mod11.require_digits(base, field=f"{FIELD}（検査数字を除く5桁）", length=5)
    return str((11 - _mod11.weighted_remainder(base)) % 10)


def validate(code: str) -> None:
    """Raise ``IdentifierError`` unless ``code`` is a 6-digit code whose 検査数字 is right.

    Basis: 総務省「全国地方公共団体コード」.  Also refuses a prefecture part outside 01–47
    (JIS X 0401).  Existence of the municipality is not checked (codes change with mergers).
    """
    _mod11.require_digits(code, field=FIELD, length=6)
    if code[:2] not in PREFECTURE_NAMES:
        raise IdentifierError(FIELD, "prefecture", f"{FIELD}の都道府県コード（上2桁）は01〜47です")
    _mod11.check_last_digit(code, compute_check_digit(code[:5]), FIELD, "検査数字")


def is_valid(code: str) -> bool:
    """``validate`` as a predicate."""
    try:
        validate(code)
    except IdentifierError:
        return False
    return True


def prefecture_code(code: str) -> str:
    """The 2-digit JIS X 0401 都道府県コード of a valid 6-digit code (e.g. ``"131016"`` → ``"13"``)."""
    validate(code)
    return code[:2]


def prefecture_name(code: str) -> str:
    """The prefecture's name for a valid 6-digit code (JIS X 0401), e.g. ``"131016"`` → ``"東京都"``."""
    return PREFECTURE_NAMES[prefecture_code(code)]


def prefecture_of(code: str) -> tuple[str, str]:
    """``(都道府県コード, name)`` of a valid 6-digit code (JIS X 0401), e.g. ``("13", "東京都")``."""
    pref = prefecture_code(code)
    return pref, PREFECTURE_NAMES[pref]


def is_designated_city(code: str) -> bool:
    """True iff ``code`` is the code of a 指定都市 itself (地方自治法第252条の19; not one of its wards)."""
    return code in DESIGNATED_CITIES_BY_CODE


def designated_city_for(code: str) -> DesignatedCity | None:
    """The 指定都市 that ``code`` is, or whose 行政区 (ward) it is; None otherwise.

    Under the code's numbering rules a 指定都市 takes a 市区町村 part of 100–199 (100, 130, 140, 150)
    and its wards the numbers right after it (横浜市 14100 → 鶴見区 14101 …, 川崎市 14130 → 14131 …),
    while 東京都's 1xx codes are 特別区 and belong to no 指定都市.  So a ward belongs to the
    designated city with the largest code not above it in the same prefecture.  Whether the ward
    exists is not checked.  Used e.g. for the 住民記録 rule that a move between wards of one 指定都市
    keeps the 宛名番号.
    """
    validate(code)
    municipal = int(code[2:5])
    if not 100 <= municipal <= 199:
        return None
    candidates = [
        city for city in DESIGNATED_CITIES if city.prefecture_code == code[:2] and city.code[:5] <= code[:5]
    ]
    return max(candidates, key=lambda city: city.code, default=None)
