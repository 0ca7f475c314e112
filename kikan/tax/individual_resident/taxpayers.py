"""Who is taxed: residents on the 賦課期日 (1 January) and 家屋敷課税 holders.

Legal basis:

* 地方税法第39条・第318条: 個人の住民税の賦課期日は当該年度の初日の属する年の1月1日.
* 地方税法第294条第1項: 市町村内に住所を有する個人（第1号: 均等割・所得割）、市町村内に事務所、
  事業所又は家屋敷を有する個人で当該市町村内に住所を有しない者（第2号: 均等割のみ）.
* 同条第2項: 住所を有する者 = 住民基本台帳に記録されている者.

The tax business learns about residents ONLY from the registry's published ``juki.residents``
records (linkage layer: snapshot + change feed), kept in its own copy (``tax_registry_row``). Each
record is a full snapshot after one 異動 (宛名番号 + 履歴番号). :func:`population` decides, for a
set of such records, who was a resident on a day — set-based (polars), the same code for one
person (API, corrections) and a million (annual batch):

1. A record immediately followed by an 異動の取消し (codes 191/291/391) belongs to the cancelled
   異動 and is ignored; the cancellation record itself restores the earlier items. An
   異動の取消し（減） of a person who had no earlier record (消除事由「異動の取消し（減）」) means the
   person never was a resident: ignored too.
2. Records are grouped into residence episodes by 住民となった年月日 (a person who leaves and comes
   back under the same 宛名番号 starts a new episode). The latest record of an episode tells how it
   ended: still ``resident``, or ``removed`` on 事由の生じた年月日 (転出予定日, 死亡日 …).
3. A person is a resident on ``day`` if an episode began on or before ``day`` and had not ended by
   then (``removal_on > day``): moving in on 1/2 → not taxed here; moving out on 1/2 → taxed here;
   moving out (or dying) on 1/1 → not taxed here.
4. The person's attributes on ``day`` (世帯番号 …) come from the latest record of that episode whose
   異動日 is on or before ``day``; records without an 異動日 (snapshots) count as known state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

import numpy as np
import polars as pl

CANCEL_CODES = ("191", "291", "391")
CANCEL_DECREASE_CODE = "291"
CANCEL_DECREASE_REASON = "異動の取消し（減）"
BEGINNING = date(1, 1, 1)
REGISTRY_SCHEMA: dict[str, pl.DataType] = {
    "addressee_no": pl.String(),
    "history_no": pl.Int64(),
    "event_code": pl.String(),
    "status": pl.String(),
    "household_no": pl.String(),
    "birth_date": pl.Date(),
    "became_resident_on": pl.Date(),
    "removal_on": pl.Date(),
    "removal_reason": pl.String(),
    "event_on": pl.Date(),
}
POPULATION_SCHEMA: dict[str, pl.DataType] = {
    "addressee_no": pl.String(),
    "household_no": pl.String(),
    "birth_date": pl.Date(),
}


def base_date(fiscal_year: int) -> date:
    """賦課期日: 1 January of the fiscal year (地方税法第39条・第318条)."""
    return date(fiscal_year, 1, 1)


@dataclass(frozen=True)
class RegistryPerson:
    """A resident on the 賦課期日 as the tax business knows them."""

    addressee_no: str
    household_no: str | None
    birth_date: date | None


class RegistryReader(Protocol):
    """Port: residents on a day as known at a time (implemented over the published datasets)."""

    def residents_on(
        self, day: date, *, known_at: datetime, addressee_nos: list[str] | None = None
    ) -> list[RegistryPerson]: ...


def population(rows: pl.DataFrame, day: date) -> pl.DataFrame:
    """Residents on ``day`` among registry records (:data:`REGISTRY_SCHEMA`), one row per person.

    Returns :data:`POPULATION_SCHEMA` sorted by 宛名番号. See the module docstring for the rule.
    Column operations over the records sorted by (宛名番号, 履歴番号); a residence episode is a run
    of consecutive records with the same 住民となった年月日.
    """
    if rows.is_empty():
        return pl.DataFrame(schema=POPULATION_SCHEMA)
    r = rows.select(list(REGISTRY_SCHEMA)).sort("addressee_no", "history_no")
    no, code = pl.col("addressee_no"), pl.col("event_code")
    void = ((no == no.shift(-1)) & code.shift(-1).is_in(CANCEL_CODES)).fill_null(False) | (
        (code == CANCEL_DECREASE_CODE) & (pl.col("removal_reason") == CANCEL_DECREASE_REASON)
    ).fill_null(False)
    r = r.filter(~void).with_columns(episode=pl.col("became_resident_on").fill_null(BEGINNING))
    ep = pl.col("episode")
    start = ((no != no.shift(1)) | (ep != ep.shift(1))).fill_null(True)
    r = r.with_columns(
        run=start.cum_sum(), valid=(pl.col("event_on").is_null() | (pl.col("event_on") <= day))
    )
    end = (pl.col("run") != pl.col("run").shift(-1)).fill_null(True)
    covers = (ep <= day) & ((pl.col("status") == "resident") | (pl.col("removal_on") > day).fill_null(False))
    runs = (
        r.filter(end & covers)
        .select("addressee_no", "run")
        .unique("addressee_no", keep="last", maintain_order=True)
    )
    rows_in = r.join(runs.select("run"), on="run", how="semi")
    first = rows_in.unique("run", keep="first", maintain_order=True).select(
        "run", "addressee_no", "household_no", "birth_date"
    )
    last_valid = rows_in.filter(pl.col("valid")).unique("run", keep="last", maintain_order=True)
    dated = last_valid.select("run", pl.col("household_no").alias("h"), pl.col("birth_date").alias("b"),
                              pl.lit(True).alias("dated"))  # fmt: skip
    picked = first.join(dated, on="run", how="left")
    use = pl.col("dated").fill_null(False)
    out = picked.select(
        "addressee_no",
        pl.when(use).then(pl.col("h")).otherwise(pl.col("household_no")).alias("household_no"),
        pl.when(use).then(pl.col("b")).otherwise(pl.col("birth_date")).alias("birth_date"),
    )
    return out.sort("addressee_no").cast(POPULATION_SCHEMA)  # type: ignore[arg-type]


def age_at_year_end(birth: pl.Series, year: int, default: int = 40) -> np.ndarray:
    """Age on 31 December of ``year`` (the income year; 所得税法第85条・地方税法第314条の2第7項の例).

    One attains an age on the day before the birthday (年齢計算ニ関スル法律), so a person born on
    1 January has their birthday's age already on 31 December. Unknown → ``default``.
    """
    y = birth.dt.year().to_numpy().astype(np.float64)
    jan1 = (birth.dt.month() == 1) & (birth.dt.day() == 1)
    age = year - y + jan1.fill_null(False).to_numpy().astype(np.float64)
    return np.where(np.isnan(age), default, age).astype(np.int64)


def age_on_april1(birth: pl.Series, fiscal_year: int) -> np.ndarray:
    """Age on 1 April of the fiscal year (公的年金からの特別徴収の対象: 地方税法第321条の7の2第1項).

    Unknown birth date → 0 (never eligible).
    """
    y = birth.dt.year().to_numpy().astype(np.float64)
    m = birth.dt.month().to_numpy().astype(np.float64)
    d = birth.dt.day().to_numpy().astype(np.float64)
    # the age is reached on the day before the birthday, so a birthday on 2 April counts on 1 April
    reached = (m < 4) | ((m == 4) & (d <= 2))
    age = fiscal_year - y - np.where(reached, 0, 1)
    return np.where(np.isnan(age), 0, age).astype(np.int64)
