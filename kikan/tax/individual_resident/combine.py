"""Combining a person's 課税資料 into one set of calculation inputs — set-based (polars).

Rules (one row per taxpayer, the same for one person and a million):

1. Only the latest version of each record known at ``known_at`` counts; a retracted version removes
   the record (the storage query does this).
2. A tax return (確定申告書 or 住民税申告書) declares ALL of the previous year's incomes and
   deductions (地方税法第317条の2・第317条の3), so when a person has one, the latest return received
   is used alone for every amount, flag and relative; payment reports are then only evidence.
3. Without a return, the reports (給与支払報告書, 公的年金等支払報告書, other materials) are added up:
   amounts are summed (salaries from several employers, pensions from several payers, premiums
   each employer deducted in its 年末調整), status flags (障害者, 寡婦, ひとり親 …) take the highest
   value, and the directly given intermediates (合計所得金額 …) are not used.
4. Spouse and relatives come from ONE record, the *primary* one: the return, otherwise the report
   with the largest 給与収入 + 公的年金等収入 (ties: the one received last) — the 扶養控除等申告書 is
   filed with one employer only, so adding relatives up would count them twice.
5. 特別徴収義務者 (給与からの特別徴収, 第321条の3・第321条の4): the employer of the largest salary
   among reports that ask for 特別徴収 (ties: received last). 年金からの特別徴収: any pension report
   flagged as its target (eligibility by age and amount is decided in :mod:`.schedule`).

Input frame columns: ``record_id, version, addressee_no, source_kind, payer_id,
special_collection, seq`` (``seq`` = receive order) plus :data:`RECORD_INPUTS`.
"""

from __future__ import annotations

import polars as pl

from .columns import TAXPAYER_INPUTS
from .income_records import FLAG_INPUTS, GIVEN_INPUTS, RECORD_INPUTS, RETURN_KINDS

MONEY = tuple(k for k in RECORD_INPUTS if k not in FLAG_INPUTS and k not in GIVEN_INPUTS)
META: dict[str, pl.DataType] = {
    "record_id": pl.String(),
    "version": pl.Int64(),
    "addressee_no": pl.String(),
    "source_kind": pl.String(),
    "payer_id": pl.String(),
    "special_collection": pl.Int64(),
    "seq": pl.Int64(),
}
RECORD_SCHEMA: dict[str, pl.DataType] = {**META, **{k: pl.Int64() for k in RECORD_INPUTS}}
COMBINED_SCHEMA: dict[str, pl.DataType] = {
    "addressee_no": pl.String(),
    **{k: pl.Int64() for k in RECORD_INPUTS},
    "primary_record_id": pl.String(),
    "primary_version": pl.Int64(),
    "salary_payer_id": pl.String(),
    "pension_special": pl.Int64(),
}


def _singles(df: pl.DataFrame) -> pl.DataFrame:
    """People with exactly one record (most of them): the record is the combination."""
    is_return = pl.col("source_kind").is_in(list(RETURN_KINDS))
    special = pl.col("special_collection") > 0
    return df.select(
        "addressee_no",
        *[pl.when(is_return).then(pl.col(k)).otherwise(pl.lit(TAXPAYER_INPUTS[k][0])).alias(k) if k in GIVEN_INPUTS
          else pl.col(k) for k in RECORD_INPUTS],
        pl.col("record_id").alias("primary_record_id"),
        pl.col("version").alias("primary_version"),
        pl.when((pl.col("source_kind") == "salary_report") & special).then(pl.col("payer_id")).alias("salary_payer_id"),
        ((pl.col("source_kind") == "pension_report") & special).cast(pl.Int64).alias("pension_special"),
    )  # fmt: skip


def combine(records: pl.DataFrame) -> pl.DataFrame:
    """One row per 宛名番号 (:data:`COMBINED_SCHEMA`), sorted by 宛名番号."""
    if records.is_empty():
        return pl.DataFrame(schema=COMBINED_SCHEMA)
    df = records.select(list(RECORD_SCHEMA)).cast(RECORD_SCHEMA).sort("addressee_no", "seq")  # type: ignore[arg-type]
    no = pl.col("addressee_no")
    single = ((no != no.shift(1)) & (no != no.shift(-1))).fill_null(True)
    df = df.with_columns(single=single)
    one = _singles(df.filter(pl.col("single")))
    many = df.filter(~pl.col("single"))
    if many.is_empty():
        return one.cast(COMBINED_SCHEMA)  # type: ignore[arg-type]
    return pl.concat([one, _several(many)], how="vertical").cast(COMBINED_SCHEMA).sort("addressee_no")  # type: ignore[arg-type]


def _several(df: pl.DataFrame) -> pl.DataFrame:
    """People with several records: the rules of the module docstring, by group."""
    df = df.with_columns(
        is_return=pl.col("source_kind").is_in(list(RETURN_KINDS)),
        weight=pl.col("salary_revenue") + pl.col("pension_revenue"),
    )
    with_return = df.group_by("addressee_no").agg(pl.col("is_return").any().alias("has_return"))
    df = df.join(with_return, on="addressee_no")
    returns = (
        df.filter(pl.col("is_return"))
        .sort("seq")
        .group_by("addressee_no")
        .agg(
            *[pl.col(k).last() for k in RECORD_INPUTS],
            pl.col("record_id").last().alias("primary_record_id"),
            pl.col("version").last().alias("primary_version"),
        )
    )
    reports = df.filter(~pl.col("has_return"))
    summed = reports.group_by("addressee_no").agg(
        *[pl.col(k).sum() for k in MONEY],
        *[pl.col(k).max() for k in FLAG_INPUTS],
        *[pl.lit(TAXPAYER_INPUTS[k][0], dtype=pl.Int64).alias(k) for k in GIVEN_INPUTS],
    )
    primary = (
        reports.sort("weight", "seq")
        .group_by("addressee_no")
        .agg(
            pl.col("record_id").last().alias("primary_record_id"),
            pl.col("version").last().alias("primary_version"),
        )
    )
    combined = pl.concat(
        [
            returns.select(list(COMBINED_SCHEMA)[:-2]),
            summed.join(primary, on="addressee_no").select(list(COMBINED_SCHEMA)[:-2]),
        ],
        how="vertical",
    )
    payer = (
        df.filter((pl.col("source_kind") == "salary_report") & (pl.col("special_collection") > 0))
        .sort("salary_revenue", "seq")
        .group_by("addressee_no")
        .agg(pl.col("payer_id").last().alias("salary_payer_id"))
    )
    pension = (
        df.filter((pl.col("source_kind") == "pension_report") & (pl.col("special_collection") > 0))
        .group_by("addressee_no")
        .agg(pl.lit(1, dtype=pl.Int64).alias("pension_special"))
    )
    out = (
        combined.join(payer, on="addressee_no", how="left")
        .join(pension, on="addressee_no", how="left")
        .with_columns(pl.col("pension_special").fill_null(0))
    )
    return out.select(list(COMBINED_SCHEMA))
