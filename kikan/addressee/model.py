"""団体内統合宛名 and 住登外者: kinds, sources, numbers, attributes and their search keys (pure).

Basis: 共通機能標準仕様書 (デジタル庁) 第2章 団体内統合宛名 (one 団体内統合宛名番号 per person or
corporation in the municipality, residents and 住登外者 alike, each business keeping its own
宛名番号 mapped to it) and 住登外者宛名番号管理 (one 宛名番号 for a person or corporation without a
住民票 here, assigned centrally after an inquiry). The formats of both numbers are left to the
municipality by the specification; kikan uses 15 digits with the M11W2-7 check digit of
住民記録システム標準仕様書 1.1.13 for both:

- 団体内統合宛名番号: its own gap-free sequence (counter ``integrated_addressee_no``);
- 住登外者宛名番号: ``9`` followed by a 13-digit sequence (counter ``non_resident_addressee_no``),
  i.e. a range the registry's 宛名番号 (a sequence from 1) never reaches, so that a business's
  宛名番号 identifies a resident or a 住登外者 without asking which. A former resident keeps the
  registry's 宛名番号 (no new 住登外者宛名番号).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from kikan.core.calendar import ERAS
from kikan.core.characters import kana_search_key, name_search_key
from kikan.core.identity import make_addressee_number

PERSON, CORPORATION = "person", "corporation"
KINDS = {PERSON: "個人", CORPORATION: "法人"}

# record status (what the record is now) → the "source" shown with a candidate
RESIDENT, REMOVED, NON_RESIDENT = "resident", "removed", "non_resident"
SOURCE_OF_STATUS = {RESIDENT: "resident", REMOVED: "former_resident", NON_RESIDENT: "non_resident",
                    CORPORATION: "corporation"}  # fmt: skip
SOURCE_LABELS = {"resident": "住民", "former_resident": "元住民（除票）", "non_resident": "住登外者",
                 "corporation": "法人"}  # fmt: skip

REGISTRY_BUSINESS = "juki"  # the registry's 宛名番号 (linked by the event subscriber only)
NON_RESIDENT_BUSINESS = "non_resident"  # 住登外者宛名番号 (assigned by this function only)
RESERVED_BUSINESSES = frozenset({REGISTRY_BUSINESS, NON_RESIDENT_BUSINESS})

INTEGRATED_COUNTER = "integrated_addressee_no"
NON_RESIDENT_COUNTER = "non_resident_addressee_no"
INTEGRATED_FIELD = "団体内統合宛名番号"
NON_RESIDENT_FIELD = "住登外者宛名番号"
NON_RESIDENT_BASE = 9 * 10**13

PERSON_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "sex")
CORPORATION_FIELDS = ("corporate_no", "corporate_name", "corporate_name_kana")
PLACE_FIELDS = ("address", "katagaki", "postal_code")
ATTRIBUTES: tuple[str, ...] = (*PERSON_FIELDS, *CORPORATION_FIELDS, *PLACE_FIELDS, "remarks")
LABELS: dict[str, str] = {
    "family_name": "氏", "given_name": "名", "family_name_kana": "氏フリガナ", "given_name_kana": "名フリガナ",
    "birth_date": "生年月日", "sex": "性別", "corporate_no": "法人番号", "corporate_name": "法人名称",
    "corporate_name_kana": "法人名称フリガナ", "address": "住所", "katagaki": "方書", "postal_code": "郵便番号",
    "remarks": "備考",
}  # fmt: skip


def integrated_number(seq: int) -> str:
    """団体内統合宛名番号 of a sequence value (15 digits, M11W2-7; see the module docstring)."""
    return make_addressee_number(seq, field=INTEGRATED_FIELD)


def non_resident_number(seq: int) -> str:
    """住登外者宛名番号 of a sequence value: ``9`` + 13-digit sequence + M11W2-7 check digit."""
    if not 1 <= seq < 10**13:
        raise ValueError("住登外者宛名番号の連番が範囲外です")
    return make_addressee_number(NON_RESIDENT_BASE + seq, field=NON_RESIDENT_FIELD)


def source_of(status: str) -> str:
    return SOURCE_OF_STATUS.get(status, status)


def _join(*parts: Any) -> str:
    return "".join(str(p) for p in parts if p)


def search_keys(attrs: Mapping[str, Any]) -> dict[str, str]:
    """Folded keys of one version (標準仕様書 2.1.2 あいまい検索; stored text itself is never folded)."""
    if attrs.get("kind") == CORPORATION:
        kana = kana_search_key(attrs.get("corporate_name_kana") or "")
        name = name_search_key(attrs.get("corporate_name") or "")
    else:
        kana = kana_search_key(_join(attrs.get("family_name_kana"), attrs.get("given_name_kana")))
        name = name_search_key(_join(attrs.get("family_name"), attrs.get("given_name")))
    address = name_search_key(attrs.get("address") or "")
    return {"kana_key": kana[:200], "name_key": name[:200], "address_key": address[:400]}


def clean(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The attribute fields only, empty strings as None (so that '' and None compare equal)."""
    return {k: (attrs.get(k) if attrs.get(k) != "" else None) for k in ATTRIBUTES}


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    b, a = clean(before), clean(after)
    return [k for k in ATTRIBUTES if b[k] != a[k]]


def display_name(attrs: Mapping[str, Any]) -> str:
    if attrs.get("kind") == CORPORATION:
        return str(attrs.get("corporate_name") or "")
    return "\u3000".join(str(x) for x in (attrs.get("family_name"), attrs.get("given_name")) if x)


def check_birth_date(birth_date: date | None, today: date) -> str | None:
    """A birth date cannot lie after the 処理日, nor before 明治 (the oldest era a 和暦 date prints in;
    a person born earlier is numbered without a birth date)."""
    if birth_date is None:
        return None
    if birth_date > today:
        return f"生年月日は処理日（{today.isoformat()}）以前の日付を入力してください"
    if birth_date < ERAS[0].start:
        return f"生年月日は{ERAS[0].name}の開始日（{ERAS[0].start.isoformat()}）以降の日付を入力してください"
    return None
