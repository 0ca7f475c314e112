"""CSV layout of 課税資料 for bulk import (``kikan batch import-income``), parsed set-based.

One line per record, a header row of column ids, UTF-8 (a BOM is allowed) or CP932, RFC 4180
quoting. Columns (any order; empty = default):

* required: ``fiscal_year`` (課税年度), ``addressee_no`` (宛名番号), ``source_kind`` (salary_report /
  pension_report / final_return / resident_return / other)
* optional: ``record_id`` (when given, the line is the next version of that record), ``payer_id``
  (required for salary_report / pension_report), ``payer_name``, ``special_collection`` (1/0),
  ``document_received_on`` (YYYY-MM-DD), ``reason``
* amounts and flags: any column of the batch inputs (``salary_revenue``, ``pension_revenue``,
  ``social_insurance``, ``life_new_general``, ``disability`` …; see ``columns.TAXPAYER_INPUTS``
  except ``age``); ``medical_expenses`` is net of reimbursements
* relatives: ``spouse_age``, ``spouse_total_income``, ``spouse_disability`` (0/1/2),
  ``spouse_cohabiting`` (1/0); ``dependant1_age`` … ``dependant10_age`` with the same suffixes plus
  ``_lineal_ascendant`` (1/0). Ages are at 31 December of the income year; an empty age means no
  such person.

Errors name the line (the header is line 1) and the column; nothing is imported when any exists.
"""

from __future__ import annotations

import io

import polars as pl

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.identity import IdentifierError, validate_addressee_number

from .columns import TAXPAYER_INPUTS
from .income_records import FLAG_INPUTS, GIVEN_INPUTS, RECORD_INPUTS, SOURCE_KINDS

MAX_DEPENDANTS = 10
MAX_ERRORS = 100
SIGNED = frozenset({"business_income", "real_estate_income", "misc_income"})
RANGES = {"disability": 2, "single_parent": 2}
META = ("record_id", "fiscal_year", "addressee_no", "source_kind", "payer_id", "payer_name", "special_collection",
        "document_received_on", "reason")  # fmt: skip
_PERSON = ("age", "total_income", "disability", "cohabiting")


def _people() -> list[tuple[str, bool]]:
    return [("spouse", True)] + [(f"dependant{i}", False) for i in range(1, MAX_DEPENDANTS + 1)]


def allowed_columns() -> set[str]:
    cols = set(META) | set(RECORD_INPUTS)
    for prefix, spouse in _people():
        cols |= {f"{prefix}_{s}" for s in _PERSON + (() if spouse else ("lineal_ascendant",))}
    return cols


class _Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, lines: pl.Series, column: str, message: str) -> None:
        for line in lines.head(MAX_ERRORS - len(self.items)).to_list():
            self.items.append(FieldError(f"{line}行目 {column}", message))


def _int(df: pl.DataFrame, col: str, errors: _Errors, lo: int, hi: int | None, default: int) -> pl.Series:
    raw = df[col].str.strip_chars() if col in df.columns else pl.Series([None] * df.height, dtype=pl.String)
    value = raw.cast(pl.Int64, strict=False)
    bad = raw.is_not_null() & (raw != "") & value.is_null()
    errors.add(df.filter(bad)["line"], col, "整数で入力してください")
    out = value.fill_null(default)
    rng = (out < lo) | ((out > hi) if hi is not None else pl.Series([False] * df.height))
    errors.add(
        df.filter(rng & ~bad)["line"], col, f"{lo}以上{'' if hi is None else f'{hi}以下'}で入力してください"
    )
    return out


def parse_csv(data: bytes, encoding: str = "utf-8") -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records, relatives) frames keyed by ``line``; :class:`ValidationFailed` lists line and column."""
    try:
        text = data.decode(
            "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        )
    except (UnicodeDecodeError, LookupError) as e:
        raise ValidationFailed(
            [FieldError("file", f"文字コード {encoding} として読めません（{e}）")]
        ) from None
    try:
        df = pl.read_csv(io.StringIO(text), infer_schema=False)
    except pl.exceptions.PolarsError as e:
        raise ValidationFailed([FieldError("file", f"CSV として読めません（{e}）")]) from None
    errors = _Errors()
    unknown = sorted(set(df.columns) - allowed_columns())
    missing = [c for c in ("fiscal_year", "addressee_no", "source_kind") if c not in df.columns]
    if unknown or missing:
        raise ValidationFailed(
            [FieldError(c, "不明な列です") for c in unknown]
            + [FieldError(c, "必須の列がありません") for c in missing]
        )
    df = df.with_row_index("line", offset=2).with_columns(pl.col("line").cast(pl.Int64))
    text_col = {
        c: (
            df[c].str.strip_chars().replace("", None)
            if c in df.columns
            else pl.Series([None] * df.height, dtype=pl.String)
        )
        for c in META
    }
    out: dict[str, pl.Series] = {"line": df["line"]}
    out["fiscal_year"] = _int(df, "fiscal_year", errors, 2000, 2100, 0)
    for c in ("record_id", "addressee_no", "source_kind", "payer_id", "payer_name", "reason"):
        out[c] = text_col[c]
    out["reason"] = out["reason"].fill_null("")
    errors.add(df.filter(out["addressee_no"].is_null())["line"], "addressee_no", "必須項目です")
    bad_no = {n for n in out["addressee_no"].drop_nulls().unique().to_list() if not _valid_no(n)}
    errors.add(
        df.filter(out["addressee_no"].is_in(list(bad_no)))["line"],
        "addressee_no",
        "宛名番号が正しくありません",
    )
    kind_ok = out["source_kind"].is_in(list(SOURCE_KINDS)).fill_null(False)
    errors.add(df.filter(~kind_ok)["line"], "source_kind", "指定できる値: " + "、".join(SOURCE_KINDS))
    needs_payer = (
        out["source_kind"].is_in(["salary_report", "pension_report"]).fill_null(False)
        & out["payer_id"].is_null()
    )
    errors.add(df.filter(needs_payer)["line"], "payer_id", "給与・年金の支払報告書には支払者の番号が必要です")
    out["special_collection"] = _int(df, "special_collection", errors, 0, 1, 0)
    received = text_col["document_received_on"]
    parsed = received.str.to_date("%Y-%m-%d", strict=False)
    errors.add(
        df.filter(received.is_not_null() & parsed.is_null())["line"],
        "document_received_on",
        "YYYY-MM-DD で入力してください",
    )
    out["document_received_on"] = parsed
    for k in RECORD_INPUTS:
        lo = -1 if k in GIVEN_INPUTS else (-(10**15) if k in SIGNED else 0)
        hi = RANGES.get(k, 1) if k in FLAG_INPUTS else None
        out[k] = _int(df, k, errors, lo, hi, TAXPAYER_INPUTS[k][0])
    relatives = _relatives(df, errors)
    if errors.items:
        raise ValidationFailed(errors.items)
    return pl.DataFrame(out), relatives


def _valid_no(no: str) -> bool:
    try:
        validate_addressee_number(no)
    except IdentifierError:
        return False
    return True


def _relatives(df: pl.DataFrame, errors: _Errors) -> pl.DataFrame:
    parts = []
    seq = pl.Series([0] * df.height, dtype=pl.Int64)
    for prefix, spouse in _people():
        cols = [f"{prefix}_{s}" for s in _PERSON + (() if spouse else ("lineal_ascendant",))]
        if not any(c in df.columns for c in cols):
            continue
        age_raw = (
            df[f"{prefix}_age"].str.strip_chars().replace("", None) if f"{prefix}_age" in df.columns else None
        )
        present = age_raw.is_not_null() if age_raw is not None else pl.Series([False] * df.height)
        others = [c for c in cols[1:] if c in df.columns]
        orphan = (
            ~present
            & pl.any_horizontal([df[c].str.strip_chars().replace("", None).is_not_null() for c in others])
            if others
            else None
        )
        if orphan is not None:
            errors.add(df.filter(orphan)["line"], f"{prefix}_age", "年齢を入力してください")
        age = _int(df, f"{prefix}_age", errors, 0, 150, 0)
        cohabiting = _int(df, f"{prefix}_cohabiting", errors, 0, 1, 1)
        ascendant = (
            _int(df, f"{prefix}_lineal_ascendant", errors, 0, 1, 0)
            if not spouse
            else pl.Series([0] * df.height)
        )
        frame = pl.DataFrame({
            "line": df["line"], "seq": seq, "is_spouse": [int(spouse)] * df.height, "age": age,
            "total_income": _int(df, f"{prefix}_total_income", errors, 0, None, 0),
            "cohabiting_ascendant": ascendant * cohabiting,
            "disability": _int(df, f"{prefix}_disability", errors, 0, 2, 0), "cohabiting": cohabiting,
        }).filter(present)  # fmt: skip
        parts.append(frame)
        seq = seq + present.cast(pl.Int64)
    schema = {"line": pl.Int64, "seq": pl.Int64, **{k: pl.Int64 for k in ("is_spouse", "age", "total_income",
              "cohabiting_ascendant", "disability", "cohabiting")}}  # fmt: skip
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts).cast(schema).sort("line", "seq")  # type: ignore[arg-type]
