"""The annual assessment (当初課税) of one chunk of taxpayers — pure, vectorised, no I/O.

:func:`assess` takes what storage read for a range of 宛名番号 (the registry copy, 家屋敷 holders,
the latest 課税資料 and their relatives, last year's 年金特徴) and returns one result row per
taxpayer: every output of :func:`~.batch.calculate_batch`, the collection split and the installments.
The same function computes a million rows in the batch and one row for a correction.

家屋敷課税 (地方税法第294条第1項第2号, 第310条): 均等割 only, at the standard (or ordinance) amounts;
no 所得割 and no 森林環境税 (森林環境税法第4条・第5条: levied where the person has a 住所). Always
普通徴収.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from kikan.core.rules import ParameterLookup, ResolvedValue

from .batch import calculate_batch, resolve_params
from .columns import OUTPUTS, TAXPAYER_INPUTS
from .combine import RECORD_SCHEMA, combine
from .income_records import RECORD_INPUTS, RELATIVE_FIELDS
from .params import YearParams
from .schedule import CollectionParams, allocate, collection_params, installments
from .taxpayers import (
    POPULATION_SCHEMA,
    REGISTRY_SCHEMA,
    age_at_year_end,
    age_on_april1,
    base_date,
    population,
)

HOLDER_SCHEMA: dict[str, pl.DataType] = {"addressee_no": pl.String(), "birth_date": pl.Date()}
RELATIVE_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.String(),
    "version": pl.Int64(),
    "seq": pl.Int64(),
    **{k: pl.Int64() for k in RELATIVE_FIELDS},
}
PREVIOUS_SCHEMA: dict[str, pl.DataType] = {
    "addressee_no": pl.String(),
    "previous_total": pl.Int64(),
    "previous_february": pl.Int64(),
}
RESULT_HEAD = ("addressee_no", "taxpayer_kind", "household_no", "birth_date", "declared", "taxation",
               "salary_revenue", "pension_revenue", "salary_payer_id", "ordinary_amount", "salary_amount",
               "pension_amount", "installments")  # fmt: skip
RESULT_COLUMNS = RESULT_HEAD + tuple(OUTPUTS)


@dataclass(frozen=True)
class Setting:
    """Everything a run fixes at its start: the year, the tenant's attributes and parameters."""

    fiscal_year: int
    lookup: ParameterLookup
    designated_city: bool
    collection: CollectionParams
    year: YearParams

    @property
    def grade(self) -> int:
        return self.collection.grade


def setting(lookup: ParameterLookup, fiscal_year: int, *, designated_city: bool) -> Setting:
    """Resolve the parameters of the year (raises ``ValidationFailed`` for an unsupported year)."""
    cp = collection_params(lookup, fiscal_year)
    year = resolve_params(lookup, fiscal_year, designated_city=designated_city, grade=cp.grade)
    return Setting(fiscal_year, lookup, designated_city, cp, year)


def _digest(rv: ResolvedValue) -> dict[str, Any]:
    body = json.dumps(
        {"value": rv.value, "effective": str(rv.effective)},
        sort_keys=True,
        ensure_ascii=False,
        default=_plain,
    )
    return {"origin": rv.origin, "revision": rv.revision, "effective": str(rv.effective),
            "verified": rv.verified, "sha256": hashlib.sha256(body.encode()).hexdigest()}  # fmt: skip


def _plain(v: Any) -> Any:
    if hasattr(v, "model_dump"):
        return v.model_dump(mode="json")
    if isinstance(v, tuple):
        return list(v)
    if hasattr(v, "items"):
        return dict(v.items())
    return str(v)


def manifest(s: Setting) -> tuple[dict[str, Any], str]:
    """Parameters used (qualified key → origin, overlay revision, period, sha256) and a fingerprint."""
    resolved = {**s.year.resolved, **s.collection.resolved}
    used = {rv.key: _digest(rv) for rv in resolved.values()}
    used["tenant.designated_city"] = {"value": s.designated_city}
    text = json.dumps(used, sort_keys=True, ensure_ascii=False)
    return used, hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class ChunkInput:
    registry: pl.DataFrame  # REGISTRY_SCHEMA
    holders: pl.DataFrame  # HOLDER_SCHEMA
    records: pl.DataFrame  # RECORD_SCHEMA (latest versions)
    relatives: pl.DataFrame  # RELATIVE_SCHEMA
    previous: pl.DataFrame  # PREVIOUS_SCHEMA


def empty_input() -> ChunkInput:
    return ChunkInput(*(pl.DataFrame(schema=x) for x in (REGISTRY_SCHEMA, HOLDER_SCHEMA, RECORD_SCHEMA,
                                                           RELATIVE_SCHEMA, PREVIOUS_SCHEMA)))  # fmt: skip


def taxpayers(inp: ChunkInput, fiscal_year: int, only: list[str] | None = None) -> pl.DataFrame:
    """Residents on 1 January, then 家屋敷 holders who are not residents; ``only``: also the others."""
    pop = population(inp.registry, base_date(fiscal_year)).with_columns(taxpayer_kind=pl.lit("resident"))
    houses = (
        inp.holders.cast(HOLDER_SCHEMA)  # type: ignore[arg-type]
        .join(pop.select("addressee_no"), on="addressee_no", how="anti")
        .select("addressee_no", pl.lit(None, dtype=pl.String).alias("household_no"), "birth_date")
        .with_columns(taxpayer_kind=pl.lit("house"))
    )
    frames = [pop, houses]
    if only:
        none = pl.DataFrame({"addressee_no": only}, schema={"addressee_no": pl.String()})
        none = none.join(pl.concat([pop.select("addressee_no"), houses.select("addressee_no")]), on="addressee_no",
                         how="anti")  # fmt: skip
        frames.append(none.select("addressee_no", pl.lit(None, dtype=pl.String).alias("household_no"),
                                  pl.lit(None, dtype=pl.Date).alias("birth_date"), pl.lit("none").alias("taxpayer_kind")))  # fmt: skip
    out = pl.concat(frames, how="vertical").sort("addressee_no")
    if only is not None:
        out = out.filter(pl.col("addressee_no").is_in(only))
    return out.select(*POPULATION_SCHEMA, "taxpayer_kind")


def inputs(inp: ChunkInput, tp: pl.DataFrame, fiscal_year: int) -> tuple[pl.DataFrame, dict[str, np.ndarray]]:
    """Combined inputs per taxpayer (row order of ``tp``) and the batch columns incl. relatives."""
    comb = combine(inp.records)
    rows = tp.join(comb, on="addressee_no", how="left").sort("addressee_no")
    resident = (rows["taxpayer_kind"] == "resident").to_numpy()
    defaults = [TAXPAYER_INPUTS[k][0] for k in RECORD_INPUTS]
    matrix = rows.select(
        [pl.when(pl.col("taxpayer_kind") == "resident").then(pl.col(k).fill_null(d)).otherwise(d).alias(k)
         for k, d in zip(RECORD_INPUTS, defaults, strict=True)]
    ).to_numpy()  # fmt: skip
    cols: dict[str, np.ndarray] = {
        k: np.ascontiguousarray(matrix[:, i], dtype=np.int64) for i, k in enumerate(RECORD_INPUTS)
    }
    cols["age"] = age_at_year_end(rows["birth_date"], fiscal_year - 1)
    owners = (
        rows.select("primary_record_id", "primary_version")
        .with_row_index("owner")
        .filter(pl.Series(resident))
    )
    rel = (
        inp.relatives.cast(RELATIVE_SCHEMA)  # type: ignore[arg-type]
        .join(owners, left_on=["record_id", "version"], right_on=["primary_record_id", "primary_version"])
        .sort("owner", "seq")
    )
    cols["relative.owner"] = rel["owner"].cast(pl.Int64).to_numpy()
    for k in RELATIVE_FIELDS:
        cols[f"relative.{k}"] = rel[k].to_numpy().astype(np.int64)
    return rows, cols


def _json_parts(inst: dict[str, np.ndarray]) -> pl.Series:
    frame: dict[str, Any] = {"overpaid": inst["overpaid"]}
    exprs = []
    for method in ("ordinary", "salary", "pension"):
        m = inst[method]
        names = [f"{method}{i}" for i in range(m.shape[1])]
        frame.update({n: m[:, i] for i, n in enumerate(names)})
        body = pl.concat_str([pl.col(n).cast(pl.String) for n in names], separator=",")
        total = pl.sum_horizontal([pl.col(n) for n in names])
        exprs.append(pl.when(total > 0).then(pl.concat_str([pl.lit(f'"{method}":['), body, pl.lit("]")])))
    exprs.append(
        pl.when(pl.col("overpaid") > 0).then(
            pl.concat_str([pl.lit('"overpaid":'), pl.col("overpaid").cast(pl.String)])
        )
    )
    joined = pl.concat_str(exprs, separator=",", ignore_nulls=True)
    return pl.DataFrame(frame).select(
        pl.concat_str([pl.lit("{"), joined, pl.lit("}")]).alias("installments")
    )["installments"]


def assess(inp: ChunkInput, s: Setting, *, only: list[str] | None = None) -> pl.DataFrame:
    """One result row per taxpayer of the chunk (columns :data:`RESULT_COLUMNS`), by 宛名番号."""
    tp = taxpayers(inp, s.fiscal_year, only)
    rows, cols = inputs(inp, tp, s.fiscal_year)
    out = calculate_batch(cols, s.lookup, s.fiscal_year, designated_city=s.designated_city, grade=s.grade)
    kind = rows["taxpayer_kind"].to_numpy()
    house, none = kind == "house", kind == "none"
    p = s.year
    for k in OUTPUTS:
        out[k] = np.where(house | none, 0, out[k])
    pcm = np.where(house, p.per_capita_municipal, 0)
    pcp = np.where(house, p.per_capita_prefectural, 0)
    out["per_capita_municipal"] += pcm
    out["per_capita_prefectural"] += pcp
    out["municipal_tax"] += pcm
    out["prefectural_tax"] += pcp
    out["total_tax"] += pcm + pcp
    out["income_levy_exempt"] = np.where(house, 1, out["income_levy_exempt"])
    prev = rows.select("addressee_no").join(inp.previous.cast(PREVIOUS_SCHEMA), on="addressee_no", how="left")  # type: ignore[arg-type]
    prev_total = prev["previous_total"].fill_null(0).to_numpy()
    payer = rows["salary_payer_id"]
    alloc = allocate(
        out,
        salary_special=(payer.is_not_null().to_numpy() & (kind == "resident")),
        pension_target=(rows["pension_special"].fill_null(0).to_numpy() > 0) & (kind == "resident"),
        age_april1=age_on_april1(rows["birth_date"], s.fiscal_year),
        pension_revenue=cols["pension_revenue"],
        previous_pension=prev_total,
        cp=s.collection,
    )
    inst = installments(alloc, prev_total, prev["previous_february"].fill_null(0).to_numpy(), s.collection)
    levy = out["income_levy_municipal"] + out["income_levy_prefectural"]
    taxation = np.select(
        [none, out["total_tax"] == 0, levy == 0], ["cancelled", "exempt", "per_capita_only"], "taxed"
    )
    head = pl.DataFrame(
        {
            "addressee_no": rows["addressee_no"],
            "taxpayer_kind": rows["taxpayer_kind"],
            "household_no": rows["household_no"],
            "birth_date": rows["birth_date"],
            "declared": rows["primary_record_id"].is_not_null().cast(pl.Int64),
            "taxation": taxation,
            "salary_revenue": cols["salary_revenue"],
            "pension_revenue": cols["pension_revenue"],
            "salary_payer_id": payer.zip_with(
                pl.Series(alloc.salary > 0), pl.Series([None] * len(payer), dtype=pl.String)
            ),
            "ordinary_amount": inst["ordinary"].sum(axis=1),
            "salary_amount": inst["salary"].sum(axis=1),
            "pension_amount": inst["pension"].sum(axis=1),
            "installments": _json_parts(inst),
        }
    )
    return head.hstack(pl.DataFrame({k: out[k].astype(np.int64) for k in OUTPUTS}))


def combined_case_columns(
    inp: ChunkInput, s: Setting, addressee_no: str
) -> tuple[dict[str, int], list[dict[str, int]], int] | None:
    """One taxpayer's combined inputs, relatives and age (for the one-case trace), or ``None``."""
    tp = taxpayers(inp, s.fiscal_year, [addressee_no])
    if tp.is_empty() or tp["taxpayer_kind"][0] != "resident":
        return None
    _, cols = inputs(inp, tp, s.fiscal_year)
    values = {k: int(cols[k][0]) for k in RECORD_INPUTS}
    rels = [
        {k: int(cols[f"relative.{k}"][i]) for k in RELATIVE_FIELDS}
        for i in range(len(cols["relative.owner"]))
    ]
    return values, rels, int(cols["age"][0])
