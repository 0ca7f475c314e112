"""Shared command parts: dates that refuse 2月30日 in Japanese, persons, addresses, the base command.

Commands are pydantic v2 models with Japanese titles (they become the OpenAPI schema of the
API and the labels of the staff screens). :func:`build` turns a dict into a command and maps
pydantic's errors to :class:`ValidationFailed` with the Japanese field title.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from kikan.core.errors import FieldError, ValidationFailed
from kikan.juki.model import parse_iso_date


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise PydanticCustomError("date_type", "日付（YYYY-MM-DD）を入力してください")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return parse_iso_date(value)
        except ValueError as exc:
            raise PydanticCustomError("date_invalid", str(exc)) from None
    raise PydanticCustomError("date_type", "日付（YYYY-MM-DD）を入力してください")


#: An ISO date; 2024-02-30 is refused with 「存在しない日付です（2024-02-30）」.
IsoDate = Annotated[date, BeforeValidator(_to_date), WithJsonSchema({"type": "string", "format": "date"})]

Sex = Literal["1", "2"]
ResidentKind = Literal["japanese", "foreign"]
#: 法第30条の45 の区分 (標準仕様書 1.1.2).
Art30_45 = Literal[
    "中長期在留者", "特別永住者", "一時庇護許可者", "仮滞在許可者", "出生による経過滞在者", "国籍喪失による経過滞在者"
]  # fmt: skip


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddressInput(_Model):
    """住所 (方書を含む) as recorded on the 住民票."""

    address: str = Field(title="住所", min_length=1, max_length=200, examples=["東京都千代田区松町１番地"])
    katagaki: str | None = Field(default=None, title="方書", max_length=200, examples=["松町ハイツ１０１号"])
    address_code: str | None = Field(default=None, title="住所コード", max_length=20)
    postal_code: str | None = Field(default=None, title="郵便番号", pattern=r"^\d{7}$", examples=["1000001"])
    town_code: str | None = Field(default=None, title="町字コード", max_length=20)


class PersonInput(_Model):
    """One person entering the registry (転入・出生・職権記載): the 住民票 items of 法第7条."""

    family_name: str = Field(title="氏", min_length=1, max_length=100, examples=["青木"])
    given_name: str = Field(default="", title="名", max_length=100, examples=["太郎"])
    family_name_kana: str | None = Field(
        default=None, title="氏フリガナ", max_length=100, examples=["アオキ"]
    )
    given_name_kana: str | None = Field(default=None, title="名フリガナ", max_length=100, examples=["タロウ"])
    birth_date: IsoDate = Field(title="生年月日", examples=["2003-01-07"])
    sex: Sex = Field(title="性別", description="1: 男, 2: 女", examples=["1"])
    relationship: str = Field(title="続柄", max_length=40, examples=["世帯主"])
    resident_kind: ResidentKind = Field(default="japanese", title="住民種別")
    honseki: str | None = Field(
        default=None, title="本籍", max_length=200, examples=["東京都千代田区松町１番地"]
    )
    hitto_name: str | None = Field(default=None, title="筆頭者", max_length=100, examples=["青木太郎"])
    individual_number: str | None = Field(default=None, title="個人番号", examples=["123456789018"])
    juminhyo_code: str | None = Field(default=None, title="住民票コード", examples=["12345678906"])
    former_family_name: str | None = Field(default=None, title="旧氏", max_length=100)
    former_family_name_kana: str | None = Field(default=None, title="旧氏フリガナ", max_length=100)
    alpha_name: str | None = Field(default=None, title="氏名（アルファベット）", max_length=200)
    tsusho: str | None = Field(default=None, title="通称", max_length=100)
    tsusho_kana: str | None = Field(default=None, title="通称フリガナ", max_length=100)
    nationality: str | None = Field(default=None, title="国籍・地域", max_length=60)
    art30_45_category: Art30_45 | None = Field(default=None, title="法第30条の45に規定する区分")
    residence_status: str | None = Field(default=None, title="在留資格", max_length=60)
    period_of_stay: str | None = Field(default=None, title="在留期間", max_length=40)
    stay_expires_on: IsoDate | None = Field(default=None, title="在留期間の満了の日")
    residence_card_no: str | None = Field(default=None, title="在留カード等の番号", pattern=r"^[A-Z0-9]{12}$")
    foreign_resident_on: IsoDate | None = Field(
        default=None, title="外国人住民となった年月日", description="省略時は異動日（国外からの転入等）"
    )
    remarks: str | None = Field(default=None, title="備考", max_length=1000)


class Command(_Model):
    """Parts common to every 異動 (標準仕様書 1.2.1, 4.0.3, 4.1.0.2)."""

    event_on: IsoDate = Field(title="異動日", examples=["2024-04-01"])
    reported_on: IsoDate | None = Field(default=None, title="届出日", examples=["2024-04-05"])
    note: str | None = Field(default=None, title="留意事項", max_length=1000)
    input_place: str | None = Field(default=None, title="入力場所", max_length=100, examples=["市民課窓口"])
    expected_household_version: int | None = Field(
        default=None,
        title="世帯の版",
        description="画面表示時の世帯の版。他の職員が先に更新していれば競合になります",
    )


C = TypeVar("C", bound=BaseModel)


def _title(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    current: Any = model
    for item in loc:
        if isinstance(item, int):
            parts.append(f"{item + 1}人目")
            continue
        info = (
            current.model_fields.get(item)
            if isinstance(current, type) and issubclass(current, BaseModel)
            else None
        )
        parts.append(info.title if info and info.title else str(item))
        ann = getattr(info, "annotation", None)
        for arg in (ann, *getattr(ann, "__args__", ())):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                current = arg
                break
    return "の".join(parts) if parts else "入力"


_MESSAGES: dict[str, str] = {
    "missing": "入力してください",
    "extra_forbidden": "この項目は受け付けていません",
    "string_pattern_mismatch": "形式が正しくありません",
    "string_too_short": "入力してください",
    "string_too_long": "{max_length}文字以内で入力してください",
    "literal_error": "選択肢（{expected}）から選んでください",
    "string_type": "文字列で入力してください",
    "int_parsing": "整数で入力してください",
    "int_type": "整数で入力してください",
    "bool_parsing": "true/false で入力してください",
    "list_type": "一覧で入力してください",
    "too_short": "{min_length}件以上入力してください",
}


def _message(e: Any) -> str:
    template = _MESSAGES.get(e["type"])
    if template is None:
        return str(e["msg"])
    try:
        return template.format(**(e.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def build(model: type[C], data: Any) -> C:
    """``model.model_validate(data)``, errors as :class:`ValidationFailed` naming the Japanese field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [FieldError(_title(model, tuple(e["loc"])), _message(e)) for e in exc.errors()]
        raise ValidationFailed(errors) from None
