"""Requests of 住登外者宛名番号管理 and 団体内統合宛名 (pydantic, Japanese titles).

The shapes follow the spirit of the 付番API仕様 (共通機能標準仕様書 別紙): an inquiry (照会) with the
person's or corporation's known items, a numbering request (付番) with the same items, updates that
keep history, and errors answered by HTTP status with the Japanese item name. :func:`build` maps
pydantic's errors to :class:`ValidationFailed` naming the field in Japanese.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from kikan.addressee import corporate_number
from kikan.core.calendar import WarekiError, parse_wareki
from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.identity import IdentifierError


def _to_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        raise PydanticCustomError("date_type", "日付（YYYY-MM-DD または 和暦）を入力してください")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return parse_wareki(value)
        except WarekiError as exc:
            raise PydanticCustomError("date_invalid", str(exc)) from None
    raise PydanticCustomError("date_type", "日付（YYYY-MM-DD または 和暦）を入力してください")


def _corporate_no(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        corporate_number.validate(value)
    except IdentifierError as exc:
        raise PydanticCustomError("corporate_no", exc.message) from None
    return value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


#: ISO or 和暦 (令和6年4月1日, R6.4.1); 2024-02-30 is refused with 「2024-02-30 は存在しない日付です」.
DateIn = Annotated[
    date | None, BeforeValidator(_to_date), WithJsonSchema({"type": "string", "format": "date"})
]
CorporateNo = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_corporate_no)]
_KATAKANA = r"^[\u30A0-\u30FF\u3000 ]+$"  # 全角カタカナ (標準仕様書: フリガナはカタカナで保持)
_SEARCH_KANA = r"^[\u3041-\u309F\u30A0-\u30FF\uFF66-\uFF9F\u3000 \-－―‐]+$"  # 照会はひらがな・半角も可


_Blank = BeforeValidator(_blank_to_none)  # blank → None; the constraints apply to the text only
Kana = Annotated[Annotated[str, Field(max_length=100, pattern=_KATAKANA)] | None, _Blank]
SearchKana = Annotated[Annotated[str, Field(max_length=100, pattern=_SEARCH_KANA)] | None, _Blank]
Text100 = Annotated[Annotated[str, Field(max_length=100)] | None, _Blank]
Text200 = Annotated[Annotated[str, Field(max_length=200)] | None, _Blank]
Postal = Annotated[Annotated[str, Field(pattern=r"^\d{7}$")] | None, _Blank]
Sex = Annotated[Literal["1", "2"] | None, BeforeValidator(_blank_to_none)]
Kind = Literal["person", "corporation"]
IntegratedNo = Annotated[str, Field(pattern=r"^\d{15}$", title="団体内統合宛名番号")]
Business = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$", title="業務")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Attributes(_Model):
    """The items a business knows of a person (基本4情報) or a corporation."""

    kind: Kind = Field(default="person", title="種別", description="person 個人 / corporation 法人")
    family_name: Text100 = Field(default=None, title="氏", examples=["山田"])
    given_name: Text100 = Field(default=None, title="名", examples=["太郎"])
    family_name_kana: Kana = Field(default=None, title="氏フリガナ", examples=["ヤマダ"])
    given_name_kana: Kana = Field(default=None, title="名フリガナ", examples=["タロウ"])
    birth_date: DateIn = Field(default=None, title="生年月日", examples=["1970-04-01"])
    sex: Sex = Field(default=None, title="性別", description="1: 男, 2: 女")
    corporate_no: CorporateNo = Field(default=None, title="法人番号", examples=["7000012050002"])
    corporate_name: Text200 = Field(default=None, title="法人名称", examples=["国税庁"])
    corporate_name_kana: Text200 = Field(default=None, title="法人名称フリガナ")
    address: Text200 = Field(default=None, title="住所", examples=["大阪府大阪市北区梅町３番地"])
    katagaki: Text200 = Field(default=None, title="方書")
    postal_code: Postal = Field(default=None, title="郵便番号", examples=["5300001"])


class Inquiry(Attributes):
    """照会: find the 団体内統合宛名 already numbered (residents, former residents, 住登外者, 法人).
    Readings may be typed in hiragana or half-width katakana here (the search keys fold them)."""

    family_name_kana: SearchKana = Field(default=None, title="氏フリガナ", examples=["やまだ"])
    given_name_kana: SearchKana = Field(default=None, title="名フリガナ", examples=["ﾀﾛｳ"])


class NumberRequest(Attributes):
    """付番: a 住登外者宛名番号 and 団体内統合宛名番号 for a person or corporation without a 住民票 here."""

    remarks: Annotated[str | None, Field(max_length=1000)] = Field(default=None, title="備考")
    business: Business | None = Field(default=None, title="業務", examples=["fixed_asset"],
                                      description="依頼した業務（その業務の宛名番号を紐付ける場合）")  # fmt: skip
    business_no: Annotated[str | None, Field(pattern=r"^[0-9A-Za-z\-]{1,20}$")] = Field(
        default=None, title="業務の宛名番号"
    )
    use_existing: Annotated[str | None, Field(pattern=r"^\d{15}$")] = Field(
        default=None,
        title="既存の団体内統合宛名番号",
        description="照会で見つかった宛名を使う（元住民の番号を引き継ぐ等）",
    )
    distinct_from: list[IntegratedNo] = Field(
        default_factory=list, max_length=50, title="別人と確認した宛名",
        description="照会で一致した宛名が別人であると確認した団体内統合宛名番号",
    )  # fmt: skip
    distinct_reason: Text200 = Field(
        default=None, title="別人である理由", examples=["登記簿の住所・生年月日が異なることを確認"]
    )


class UpdateRequest(_Model):
    """Change of a 住登外者's (or corporation's, or former resident's) items: a new version."""

    expected_version: int = Field(
        title="版", ge=1, description="照会時の版。他の職員が先に更新していれば競合"
    )
    reason: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        title="変更事由", examples=["住所変更"]
    )
    changed_on: DateIn = Field(default=None, title="変更日")
    attributes: dict[str, Any] = Field(
        title="変更する項目", description="変更する項目だけを指定（空文字で削除）"
    )


class LinkRequest(_Model):
    """A business registers its own 宛名番号 against a 団体内統合宛名番号."""

    business: Business
    business_no: Annotated[str, Field(pattern=r"^[0-9A-Za-z\-]{1,20}$", title="業務の宛名番号")]
    integrated_no: IntegratedNo


M = TypeVar("M", bound=BaseModel)
_MESSAGES = {
    "missing": "入力してください", "extra_forbidden": "この項目は受け付けていません",
    "string_pattern_mismatch": "形式が正しくありません", "string_too_short": "入力してください",
    "string_too_long": "{max_length}文字以内で入力してください", "literal_error": "選択肢（{expected}）から選んでください",
    "string_type": "文字列で入力してください", "int_parsing": "整数で入力してください", "int_type": "整数で入力してください",
    "greater_than_equal": "{ge}以上で入力してください", "too_long": "{max_length}件以内で入力してください",
    "list_type": "一覧で入力してください", "dict_type": "項目と値の組で入力してください",
}  # fmt: skip


def _title(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    if not loc:
        return "入力"
    info = model.model_fields.get(str(loc[0]))
    base = info.title if info and info.title else str(loc[0])
    return base + "".join(f"の{x + 1}件目" if isinstance(x, int) else f"の{x}" for x in loc[1:])


def _message(e: Any) -> str:
    template = _MESSAGES.get(e["type"])
    if template is None:
        return str(e["msg"]).removeprefix("Value error, ")
    try:
        return template.format(**(e.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def build(model: type[M], data: Any) -> M:
    """``model.model_validate(data)``, errors as :class:`ValidationFailed` naming the Japanese field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            [FieldError(_title(model, tuple(e["loc"])), _message(e)) for e in exc.errors()]
        ) from None
