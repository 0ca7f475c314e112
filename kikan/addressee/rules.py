"""Checks of inquiries and numbering requests (pure): errors name the Japanese item.

Basis: 共通機能標準仕様書 住登外者宛名番号管理 (照会 before 付番; a number is given to a person or a
corporation that can be told apart from the others: 氏名 and 住所 at least, 法人 by 名称 and 所在地 or
法人番号), 住民記録システム標準仕様書 4.1.0.2 (dates that do not exist are refused).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from kikan.addressee.model import CORPORATION, CORPORATION_FIELDS, LABELS, PERSON_FIELDS, check_birth_date
from kikan.core.errors import FieldError

SEARCH_ITEMS = ("family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "address",
                "corporate_no", "corporate_name", "corporate_name_kana")  # fmt: skip
NOTHING_TO_SEARCH = "氏名・フリガナ・生年月日・住所（法人は法人番号・名称）のいずれかを入力してください"


def _wrong_kind(attrs: Mapping[str, Any]) -> list[FieldError]:
    corp = attrs.get("kind") == CORPORATION
    foreign = PERSON_FIELDS if corp else CORPORATION_FIELDS
    what = "法人" if corp else "個人"
    return [
        FieldError(LABELS[f], f"{what}には入力できません") for f in foreign if attrs.get(f) not in (None, "")
    ]


def inquiry_errors(attrs: Mapping[str, Any], *, today: date) -> list[FieldError]:
    """An inquiry needs something to search by, of the right kind, and a possible birth date."""
    errors = _wrong_kind(attrs)
    if not any(attrs.get(k) not in (None, "") for k in SEARCH_ITEMS):
        errors.append(FieldError("照会条件", NOTHING_TO_SEARCH))
    msg = check_birth_date(attrs.get("birth_date"), today)
    if msg:
        errors.append(FieldError("生年月日", msg))
    return errors


def numbering_errors(attrs: Mapping[str, Any], *, today: date) -> list[FieldError]:
    """付番 needs the items that tell the person apart: 氏 and 住所 (法人: 名称 and 所在地)."""
    errors = _wrong_kind(attrs)
    if attrs.get("kind") == CORPORATION:
        required = (("corporate_name", "法人名称"), ("address", "住所"))
    else:
        required = (("family_name", "氏"), ("address", "住所"))
    errors += [FieldError(label, "入力してください") for key, label in required if not attrs.get(key)]
    msg = check_birth_date(attrs.get("birth_date"), today)
    if msg:
        errors.append(FieldError("生年月日", msg))
    return errors


def distinct_errors(distinct_from: list[str], reason: str | None) -> list[FieldError]:
    """Confirming that a matching record is another person needs a reason (it is audited)."""
    if distinct_from and not reason:
        return [FieldError("別人である理由", "別人と確認した理由を入力してください")]
    if reason and not distinct_from:
        return [FieldError("別人と確認した宛名", "別人と確認した団体内統合宛名番号を指定してください")]
    return []
