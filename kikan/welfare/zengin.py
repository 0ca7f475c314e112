"""全銀協 総合振込 (種別コード 21) fixed-length file: 120-byte records, Shift_JIS (JIS X 0201 カナ).

Layout (全銀協制定ファイルフォーマット【総合振込】; positions are 1-based bytes)::

    ヘッダー (1)  1 データ区分 N1 "1" | 2-3 種別コード N2 "21" | 4 コード区分 N1 "0" (JIS)
                  5-14 振込依頼人コード N10 | 15-54 振込依頼人名 C40 | 55-58 取組日（振込指定日） N4 MMDD
                  59-62 仕向銀行番号 N4 | 63-77 仕向銀行名 C15 | 78-80 仕向支店番号 N3
                  81-95 仕向支店名 C15 | 96 預金種目（依頼人） N1 | 97-103 口座番号（依頼人） N7
                  104-120 ダミー C17
    データ (2)    1 "2" | 2-5 被仕向銀行番号 N4 | 6-20 被仕向銀行名 C15 | 21-23 被仕向支店番号 N3
                  24-38 被仕向支店名 C15 | 39-42 手形交換所番号 N4 (0000) | 43 預金種目 N1
                  44-50 口座番号 N7 | 51-80 受取人名 C30 | 81-90 振込金額 N10 | 91 新規コード N1
                  92-101 顧客コード1 N10 | 102-111 顧客コード2 N10 (EDI情報 C20 の代わり)
                  112 振込区分 N1 (7 電信 / 8 文書) | 113 識別表示 C1 (EDI のとき "Y"、他はスペース)
                  114-120 ダミー C7
    トレーラー (8) 1 "8" | 2-7 合計件数 N6 | 8-19 合計金額 N12 | 20-120 ダミー C101
    エンド (9)    1 "9" | 2-120 ダミー C119

N = digits, right-aligned, zero-filled; C = half-width characters, left-aligned, space-filled. Each
record is 120 bytes; with the CRLF option every record is followed by CR LF (122 bytes), without
it the records are concatenated (both accepted by banks' file upload).

Sources (checked 2026-11): 全銀協制定ファイルフォーマット【総合振込】 (bank manual, field list and
padding rules) https://expydoc.com/doc/11700435/ ; FBデータの仕様 (byte positions)
https://gulliver-webhelp.askids-cloud.jp/help/gyoumu/99sonota/case_sonota02 ; 宮崎銀行 (120 bytes,
CRLF or no newline) https://www.miyagin.co.jp/kfkdown-zengin-help ; usable characters
(全国銀行協会の取り決め: カナ大文字・英大文字・数字・スペース・ﾞﾟ-()./｢｣, small kana written large,
no ー or comma) https://jinjer-kyuyo.zendesk.com/hc/ja/articles/900002885563 ,
https://no-braking.com/%25E4%25BB%2595%25E4%25BA%258B/20200607meigierror .
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import jaconv
import polars as pl

from kikan.core.errors import FieldError, ValidationFailed

RECORD = 120
ENCODING = "shift_jis"
KANA = {chr(c) for c in range(0xFF71, 0xFF9E)} | {"ﾞ", "ﾟ"}  # ｱ..ﾝ and the (han)dakuten
ALLOWED = frozenset(set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ ()-./") | KANA | {"｢", "｣"})
_TEXT = "^[" + "".join(sorted(ALLOWED - set("()-./"))) + r"()\-./]*$"  # regex of a C field (polars)
_BEFORE = str.maketrans({
    "ァ": "ア", "ィ": "イ", "ゥ": "ウ", "ェ": "エ", "ォ": "オ", "ャ": "ヤ", "ュ": "ユ", "ョ": "ヨ", "ッ": "ツ",
    "ヮ": "ワ", "ヵ": "カ", "ヶ": "ケ", "ヰ": "イ", "ヱ": "エ", "ヲ": "オ", "ー": "-", "‐": "-", "−": "-",
    "―": "-", "—": "-", "－": "-", "・": " ", "　": " ", "，": ".", ",": ".", "、": ".", "。": ".",
})  # fmt: skip
_AFTER = str.maketrans({
    "ｧ": "ｱ", "ｨ": "ｲ", "ｩ": "ｳ", "ｪ": "ｴ", "ｫ": "ｵ", "ｬ": "ﾔ", "ｭ": "ﾕ", "ｮ": "ﾖ", "ｯ": "ﾂ", "ｦ": "ｵ",
    "ｰ": "-", "･": " ", "｡": ".", "､": ".",
})  # fmt: skip


def to_zengin_kana(text: str, *, field: str, width: int) -> str:
    """Registered 振り仮名 (or a name typed in any width) → the characters 全銀 allows.

    Hiragana → katakana, full → half width (jaconv), small kana → large (ｯ → ﾂ), ヲ → ｵ, ー → -,
    ・ → space, lower → upper case. Anything else is refused naming the field and the characters.
    """
    s = jaconv.z2h(jaconv.hira2kata(text).translate(_BEFORE), kana=True, ascii=True, digit=True)
    s = " ".join(s.upper().translate(_AFTER).split())
    bad = sorted({ch for ch in s if ch not in ALLOWED})
    if bad:
        raise ValidationFailed([FieldError(field, f"全銀協の振込で使えない文字があります: {''.join(bad)}")])
    if len(s) > width:
        raise ValidationFailed(
            [FieldError(field, f"半角カナで{width}文字以内にしてください（{len(s)}文字）")]
        )
    return s


def _n(value: int | str, width: int, field: str) -> str:
    s = str(value)
    if not s.isdigit() or len(s) > width:
        raise ValidationFailed([FieldError(field, f"{width}桁以内の数字にしてください")])
    return s.rjust(width, "0")


def _c(value: str, width: int, field: str) -> str:
    if len(value) > width or any(ch not in ALLOWED for ch in value):
        raise ValidationFailed([FieldError(field, f"全銀の半角文字{width}文字以内にしてください")])
    return value.ljust(width, " ")


@dataclass(frozen=True)
class Requester:
    """振込依頼人 (the municipality's account); names already in 全銀 characters."""

    code: str
    name: str
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: int
    account_no: str

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Requester:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


def header(req: Requester, transfer_on: date) -> str:
    rec = ("1" + "21" + "0" + _n(req.code, 10, "requester_code") + _c(req.name, 40, "requester_name")
           + transfer_on.strftime("%m%d") + _n(req.bank_code, 4, "bank_code") + _c(req.bank_name, 15, "bank_name")
           + _n(req.branch_code, 3, "branch_code") + _c(req.branch_name, 15, "branch_name")
           + _n(req.account_type, 1, "account_type") + _n(req.account_no, 7, "account_no") + " " * 17)  # fmt: skip
    assert len(rec) == RECORD
    return rec


def trailer(count: int, total: int) -> str:
    return "8" + _n(count, 6, "合計件数") + _n(total, 12, "合計金額") + " " * 101


def end() -> str:
    return "9" + " " * 119


#: Data-record columns of :func:`build`: name → (width, numeric).
DATA_FIELDS: tuple[tuple[str, int, bool], ...] = (
    ("bank_code", 4, True), ("bank_name", 15, False), ("branch_code", 3, True), ("branch_name", 15, False),
    ("clearing_house", 4, True), ("account_type", 1, True), ("account_no", 7, True), ("holder", 30, False),
    ("amount", 10, True), ("new_code", 1, True), ("customer1", 10, True), ("customer2", 10, True),
    ("transfer_kind", 1, True), ("edi_flag", 1, False), ("dummy", 7, False),
)  # fmt: skip
_DEFAULTS = {"clearing_house": "0", "new_code": "0", "customer1": "0", "customer2": "0", "transfer_kind": "7",
             "edi_flag": "", "dummy": "", "bank_name": "", "branch_name": ""}  # fmt: skip


def data_records(columns: Mapping[str, Sequence[Any]]) -> list[str]:
    """The data records of all transfers at once (polars string kernels, no Python loop per row)."""
    n = len(columns["amount"])
    if n == 0:
        return []
    df = pl.DataFrame({name: [str(v) for v in columns[name]] if name in columns else [_DEFAULTS[name]] * n
                       for name, _, _ in DATA_FIELDS})  # fmt: skip
    parts = [pl.lit("2")]
    for name, width, numeric in DATA_FIELDS:
        col = pl.col(name)
        ok = df.select(col.str.contains(r"^[0-9]+$" if numeric else _TEXT).all()).item()
        if not ok:
            raise ValidationFailed([FieldError(name, "全銀の数字・半角文字でない値があります")])
        parts.append(col.str.pad_start(width, "0") if numeric else col.str.pad_end(width, " "))
    lines = df.select(pl.concat_str(parts).alias("r"))["r"]
    bad = lines.str.len_chars() != RECORD
    if bool(bad.any()):
        first = int(bad.arg_max() or 0)
        raise ValidationFailed([FieldError(f"transfers.{first}", "振込データの項目が桁数を超えています")])
    return lines.to_list()


def build(
    req: Requester, transfer_on: date, columns: Mapping[str, Sequence[Any]], *, newline: bool = True
) -> bytes:
    """The whole file: ヘッダー, データ × n, トレーラー (合計件数・合計金額), エンド."""
    amounts = [int(a) for a in columns["amount"]]
    if any(a <= 0 for a in amounts):
        raise ValidationFailed([FieldError("amount", "振込金額は1円以上にしてください")])
    recs = [header(req, transfer_on), *data_records(columns), trailer(len(amounts), sum(amounts)), end()]
    sep = "\r\n" if newline else ""
    text = sep.join(recs) + sep
    data = text.encode(ENCODING)
    if len(data) != len(recs) * (RECORD + len(sep)):
        raise ValidationFailed([FieldError("file", "1バイトで表せない文字が含まれています")])
    return data


def parse(data: bytes, *, newline: bool = True) -> list[str]:
    """The records of a file (for checks and tests): each exactly 120 characters."""
    step = RECORD + (2 if newline else 0)
    if len(data) % step:
        raise ValueError("file length is not a multiple of the record length")
    return [data[i : i + RECORD].decode(ENCODING) for i in range(0, len(data), step)]
