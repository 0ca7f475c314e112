"""政令指定都市 (指定都市) and the JIS X 0401 prefecture codes, as data.

Sources:
- 地方自治法第252条の19第1項 (指定都市: cities of 500,000+ designated by cabinet order).
- 指定都市の指定に関する政令 (昭和31年政令第254号), which lists, in this order: 大阪市 名古屋市 京都市
  横浜市 神戸市 北九州市 札幌市 川崎市 福岡市 広島市 仙台市 千葉市 さいたま市 静岡市 堺市 新潟市 浜松市
  岡山市 相模原市 熊本市 (20 cities; no change since 熊本市, 2012-04-01).
- Designation dates: the amending orders' effective dates, as published by the cities and 総務省.
- Codes: 総務省「全国地方公共団体コード」; every code below passes the check digit of
  ``local_government_code`` (a unit test asserts it).
- Prefecture codes and names: JIS X 0401 (都道府県コード).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class DesignatedCity:
    """A 指定都市 with its 6-digit 全国地方公共団体コード and the date its designation took effect."""

    code: str
    name: str
    designated_on: date

    @property
    def prefecture_code(self) -> str:
        return self.code[:2]


DESIGNATED_CITIES: tuple[DesignatedCity, ...] = (
    DesignatedCity("011002", "札幌市", date(1972, 4, 1)),
    DesignatedCity("041009", "仙台市", date(1989, 4, 1)),
    DesignatedCity("111007", "さいたま市", date(2003, 4, 1)),
    DesignatedCity("121002", "千葉市", date(1992, 4, 1)),
    DesignatedCity("141003", "横浜市", date(1956, 9, 1)),
    DesignatedCity("141305", "川崎市", date(1972, 4, 1)),
    DesignatedCity("141500", "相模原市", date(2010, 4, 1)),
    DesignatedCity("151009", "新潟市", date(2007, 4, 1)),
    DesignatedCity("221007", "静岡市", date(2005, 4, 1)),
    DesignatedCity("221309", "浜松市", date(2007, 4, 1)),
    DesignatedCity("231002", "名古屋市", date(1956, 9, 1)),
    DesignatedCity("261009", "京都市", date(1956, 9, 1)),
    DesignatedCity("271004", "大阪市", date(1956, 9, 1)),
    DesignatedCity("271403", "堺市", date(2006, 4, 1)),
    DesignatedCity("281000", "神戸市", date(1956, 9, 1)),
    DesignatedCity("331007", "岡山市", date(2009, 4, 1)),
    DesignatedCity("341002", "広島市", date(1980, 4, 1)),
    DesignatedCity("401005", "北九州市", date(1963, 4, 1)),
    DesignatedCity("401307", "福岡市", date(1972, 4, 1)),
    DesignatedCity("431001", "熊本市", date(2012, 4, 1)),
)

DESIGNATED_CITIES_BY_CODE = MappingProxyType({city.code: city for city in DESIGNATED_CITIES})

# fmt: off
_PREFECTURE_NAMES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県",
    "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県",
    "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
    "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県",
    "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
# fmt: on

PREFECTURE_NAMES = MappingProxyType({f"{i:02d}": name for i, name in enumerate(_PREFECTURE_NAMES, start=1)})
"""JIS X 0401 都道府県コード (``"01"`` … ``"47"``) → name."""
