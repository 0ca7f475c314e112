"""What a layout field can be read into: the registry's items (``kikan.juki.items``) plus the keys.

Targets are the columns of the full-snapshot history (標準仕様書 1.2.1: one row per change, every item,
key 宛名番号 + 履歴番号) and three virtual ones:

- ``addressee_no`` 宛名番号 and ``history_no`` 履歴番号 — the legacy keys, kept as they are (法令上の
  付番規則は新規付番にのみ適用: 標準仕様書 1.1.13, numbers assigned before migration are exempt);
- ``individual_number`` 個人番号 — clear text in the file; stored encrypted with a lookup hash
  (番号法第12条 安全管理措置), never kept in clear.

``text`` targets are free text (names, addresses …): checked against 行政事務標準文字 and mapped through
the tenant's 外字 decisions.  ``digits`` targets must be ASCII digits.
"""

from __future__ import annotations

from dataclasses import dataclass

from kikan.juki.items import HISTORY_ITEMS, ITEMS


@dataclass(frozen=True)
class Target:
    name: str
    ja: str
    kind: str = "str"  # str | date | int | bool
    length: int = 0  # characters the column holds (0: unbounded / not a string)
    text: bool = False
    digits: bool = False


ADDRESSEE_NO = "addressee_no"
HISTORY_NO = "history_no"
INDIVIDUAL_NUMBER = "individual_number"
CANCELLED = "cancelled"  # the row's 異動 was cancelled (標準仕様書 4.6: rows are kept, flagged)

_TEXT = frozenset({
    "family_name", "given_name", "family_name_kana", "given_name_kana", "former_family_name",
    "former_family_name_kana", "head_name", "honseki", "hitto_name", "address", "katagaki",
    "previous_address", "prior_address", "removal_reason", "moved_out_to_planned", "moved_out_to",
    "alpha_name", "tsusho", "tsusho_kana", "nationality", "art30_45_category", "residence_status",
    "period_of_stay", "remarks", "input_place", "input_terminal", "note",
})  # fmt: skip
_DIGITS = frozenset({ADDRESSEE_NO, "household_no", "juminhyo_code", INDIVIDUAL_NUMBER, "postal_code",
                     "previous_postal_code"})  # fmt: skip
_SECRET = frozenset({"individual_number_enc", "individual_number_hash"})

#: History columns that are not in HISTORY_ITEMS but are items of 1.2.1 (通知日, 申出日, 請求日).
EXTRA_HISTORY: tuple[Target, ...] = (
    Target("notice_on", "通知日", "date"),
    Target("applied_on", "申出日", "date"),
    Target("requested_on", "請求日", "date"),
)


def _targets() -> dict[str, Target]:
    out = {
        ADDRESSEE_NO: Target(ADDRESSEE_NO, "宛名番号", "str", 15, digits=True),
        HISTORY_NO: Target(HISTORY_NO, "履歴番号", "int"),
        INDIVIDUAL_NUMBER: Target(INDIVIDUAL_NUMBER, "個人番号", "str", 12, digits=True),
    }
    for i in (*ITEMS, *HISTORY_ITEMS):
        if i.name in _SECRET:
            continue
        out[i.name] = Target(i.name, i.ja, i.kind, i.length if i.kind == "str" else 0,
                             i.name in _TEXT, i.name in _DIGITS)  # fmt: skip
    for t in EXTRA_HISTORY:
        out[t.name] = t
    out[CANCELLED] = Target(CANCELLED, "異動の取消し済", "bool")
    return out


TARGETS: dict[str, Target] = _targets()

#: Every target in catalogue order: the order of a complete export (中間標準レイアウト既定).
ALL_TARGETS: tuple[str, ...] = tuple(TARGETS)

#: Closed value lists of the registry (kikan's stored values).
STATUS_VALUES = frozenset({"resident", "removed"})
KIND_VALUES = frozenset({"japanese", "foreign"})
SEX_VALUES = frozenset({"1", "2"})
