"""The EUC data source: the registry's standard items, their types, and the operators on them.

Basis: 住民記録システム標準仕様書 10.1 EUC (a dedicated data source over ALL data — current records,
history, 除票 — exposing the items of the 中間標準レイアウト仕様（住民基本台帳）データ項目一覧表 with
their names, types and lengths); later specified in 共通機能標準仕様書 EUC. The item list is the
registry's own catalogue (``kikan.juki.items``), so a new standard item appears here by itself.
The 個人番号 columns (``secret``) are never offered: an EUC extract must not carry 個人番号
(番号法第19条: 提供の制限).

Only names in :data:`FIELDS` ever reach SQL (as column objects, never as text), so the whitelist
is the item catalogue itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from kikan.juki.items import HISTORY_ITEMS, ITEMS


@dataclass(frozen=True)
class EucField:
    name: str
    ja: str
    kind: str  # str | date | int | bool
    length: int = 0
    group: str = "common"


SOURCES: dict[str, str] = {
    "current": "現在の記録（住民・除票）",
    "history": "異動履歴（全履歴）",
}

_KEYS = (
    EucField("addressee_no", "宛名番号", "str", 15, "key"),
    EucField("history_no", "履歴番号", "int", 0, "key"),
)
_HISTORY = tuple(EucField(i.name, i.ja, i.kind, i.length, "history") for i in HISTORY_ITEMS)
_EXTRA = (EucField("cancelled", "異動の取消し済", "bool", 0, "history"),)
_ITEMS = tuple(EucField(i.name, i.ja, i.kind, i.length, i.group) for i in ITEMS if not i.secret)

FIELDS: dict[str, EucField] = {f.name: f for f in (*_KEYS, *_ITEMS, *_HISTORY, *_EXTRA)}

OPERATORS: dict[str, str] = {
    "eq": "等しい（＝）",
    "ne": "等しくない（≠）",
    "lt": "より小さい・前（＜）",
    "gt": "より大きい・後（＞）",
    "between": "範囲（以上・以下）",
    "prefix": "前方一致",
    "contains": "部分一致",
    "is_empty": "空欄",
    "not_empty": "空欄でない",
}
_ORDERED = ("eq", "ne", "lt", "gt", "between", "is_empty", "not_empty")
ALLOWED: dict[str, tuple[str, ...]] = {
    "str": tuple(OPERATORS),
    "date": _ORDERED,
    "int": _ORDERED,
    "bool": ("eq", "ne", "is_empty", "not_empty"),
}
NO_VALUE = frozenset({"is_empty", "not_empty"})

DEFAULT_COLUMNS: tuple[str, ...] = ("addressee_no", "family_name", "given_name", "family_name_kana",
                                    "given_name_kana", "birth_date", "sex", "address", "status")  # fmt: skip
