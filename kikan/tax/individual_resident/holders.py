"""家屋敷課税 (地方税法第294条第1項第2号): persons with a house, office or business premises here but
no 住所 here, identified by a 住登外者宛名番号 (issued by the 住登外者宛名番号管理 function).

They pay the 均等割 only (第310条; no 所得割, no 森林環境税 — that is levied where they live), by
普通徴収. An entry holds for one fiscal year (the 賦課期日 1 January); a correction is a new version,
a withdrawal a retracted version. Kept deliberately simple: the 家屋敷 itself (固定資産 data) is not
modelled, only the staff's finding with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.identity import IdentifierError, validate_addressee_number

NON_RESIDENT_PREFIX = "9"  # 住登外者宛名番号: 9 + 13-digit sequence + check digit


class HolderInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fiscal_year: int = Field(..., ge=2000, le=2100, description="課税年度")
    addressee_no: str = Field(..., min_length=15, max_length=15, description="住登外者宛名番号")
    kind: Literal["house", "office"] = Field("house", description="house 家屋敷 / office 事務所・事業所")
    name: str = Field(..., min_length=1, max_length=200, description="氏名")
    name_kana: str | None = Field(None, max_length=200, description="氏名フリガナ")
    address: str = Field(..., min_length=1, max_length=200, description="住所（市外）")
    property_address: str = Field(..., min_length=1, max_length=200, description="家屋敷・事務所等の所在地")
    birth_date: date | None = Field(None, description="生年月日")
    reason: str = Field(..., min_length=1, max_length=200, description="認定の理由")


def parse_holder(data: Mapping[str, Any]) -> HolderInput:
    try:
        h = HolderInput.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            [
                FieldError(
                    ".".join(str(x) for x in e["loc"]) or "holder",
                    "必須項目です" if e["type"] == "missing" else str(e["msg"]),
                )
                for e in exc.errors()
            ]  # fmt: skip
        ) from None
    try:
        validate_addressee_number(h.addressee_no)
    except IdentifierError as e:
        raise ValidationFailed([FieldError("addressee_no", f"宛名番号が正しくありません（{e}）")]) from None
    if not h.addressee_no.startswith(NON_RESIDENT_PREFIX):
        raise ValidationFailed(
            [FieldError("addressee_no", "住登外者宛名番号（9で始まる番号）を指定してください")]
        )
    return h
