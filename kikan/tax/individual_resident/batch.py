"""Batch calculation (一括賦課): the same vectorised rules over whole columns of taxpayers."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.rules import ParameterLookup, ParameterLookupError

from .columns import RELATIVE_INPUTS, TAXPAYER_INPUTS
from .params import YearParams, year_params
from .pipeline import compute
from .rules.relatives import Relatives
from .vec import Yen


def resolve_params(
    lookup: ParameterLookup, fiscal_year: int, *, designated_city: bool, grade: int
) -> YearParams:
    """:func:`~.params.year_params` with user errors turned into :class:`ValidationFailed`."""
    if grade not in (1, 2, 3):
        raise ValidationFailed([FieldError("tenant.grade", "級地は 1・2・3 のいずれかで指定してください")])
    try:
        return year_params(lookup, fiscal_year, designated=designated_city, grade=grade)
    except ParameterLookupError:
        raise ValidationFailed(
            [
                FieldError(
                    "fiscal_year",
                    f"{fiscal_year}年度の個人住民税の計算には対応していません（対応: 2025・2026年度）",
                )
            ]
        ) from None


def _column(name: str, raw: npt.ArrayLike, errors: list[FieldError]) -> Yen:
    array = np.asarray(raw)
    if array.dtype == np.bool_:
        return array.astype(np.int64)
    if not np.issubdtype(array.dtype, np.integer):
        errors.append(FieldError(name, f"整数（円）の列が必要です（dtype {array.dtype}）"))
        return np.zeros(array.shape, dtype=np.int64)
    if array.ndim != 1:
        errors.append(FieldError(name, "1次元の列が必要です"))
    return array.astype(np.int64, copy=False)


def _defaults(n: int) -> Callable[[int], Yen]:
    """Shared read-only constant columns (one array per default value, not one per column)."""
    cache: dict[int, Yen] = {}

    def get(value: int) -> Yen:
        if value not in cache:
            array = np.full(n, value, dtype=np.int64)
            array.setflags(write=False)
            cache[value] = array
        return cache[value]

    return get


def prepare(columns: Mapping[str, npt.ArrayLike]) -> tuple[dict[str, Yen], Relatives]:
    """Validate the columns, fill defaults and split taxpayer / relative tables."""
    errors: list[FieldError] = []
    unknown = sorted(set(columns) - set(TAXPAYER_INPUTS) - set(RELATIVE_INPUTS))
    errors += [FieldError(k, "不明な列です") for k in unknown]
    present = [k for k in TAXPAYER_INPUTS if k in columns]
    if not present:
        raise ValidationFailed([FieldError("columns", "納税義務者の列が1つもありません")])
    given = {k: _column(k, columns[k], errors) for k in present}
    n = len(next(iter(given.values())))
    c: dict[str, Yen] = {}
    defaults = _defaults(n)
    for key, (default, _) in TAXPAYER_INPUTS.items():
        col = given[key] if key in given else defaults(default)
        if len(col) != n:
            errors.append(FieldError(key, f"行数が {len(col)} です（{n} 行が必要）"))
        c[key] = col
    has_rel = [k for k in RELATIVE_INPUTS if k in columns]
    m = len(np.asarray(columns[has_rel[0]])) if has_rel else 0
    r: dict[str, Yen] = {}
    for key, (default, _) in RELATIVE_INPUTS.items():
        col = _column(key, columns[key], errors) if key in columns else np.full(m, default, dtype=np.int64)
        if len(col) != m:
            errors.append(FieldError(key, f"行数が {len(col)} です（{m} 行が必要）"))
        r[key] = col
    if has_rel and "relative.owner" not in columns:
        errors.append(FieldError("relative.owner", "親族の列には relative.owner が必要です"))
    owner = r["relative.owner"]
    if m and not errors and (owner.min() < 0 or owner.max() >= n):
        errors.append(FieldError("relative.owner", f"0〜{n - 1} の行番号で指定してください"))
    for key in ("salary_revenue", "pension_revenue", "social_insurance", "donation_hometown"):
        if not errors and c[key].size and c[key].min() < 0:
            errors.append(FieldError(key, "負の金額は指定できません"))
    if errors:
        raise ValidationFailed(errors)
    rel = Relatives(
        owner=owner.astype(np.intp),
        is_spouse=r["relative.is_spouse"] > 0,
        age=r["relative.age"],
        total_income=r["relative.total_income"],
        cohabiting_ascendant=r["relative.cohabiting_ascendant"] > 0,
        disability=r["relative.disability"],
        cohabiting=r["relative.cohabiting"] > 0,
    )
    return c, rel


def calculate_batch(
    columns: Mapping[str, npt.ArrayLike],
    params: ParameterLookup,
    fiscal_year: int,
    *,
    designated_city: bool = False,
    grade: int = 1,
    chunk: int = 65_536,
) -> dict[str, Yen]:
    """Compute the 個人住民税 of N taxpayers at once; returns one ``int64`` array per output.

    ``columns`` holds the taxpayer inputs of :data:`~.columns.TAXPAYER_INPUTS` (missing columns take
    their default) and optionally a relatives table (:data:`~.columns.RELATIVE_INPUTS`, one row per
    spouse or relative, ``relative.owner`` = taxpayer row). ``params`` is the national
    :class:`~kikan.core.rules.ParameterSet` or a tenant's ``TenantParameterView`` (超過課税).
    The outputs are those of :data:`~.columns.OUTPUTS`. Rows are computed in chunks of ``chunk``
    taxpayers (same results, better cache use).
    """
    p = resolve_params(params, fiscal_year, designated_city=designated_city, grade=grade)
    c, rel = prepare(columns)
    n = len(c["salary_revenue"])
    if n <= chunk:
        return compute(c, rel, p)
    # Chunks keep the working set in cache; relatives are sorted by owner and sliced per chunk.
    order = np.argsort(rel.owner, kind="stable")
    owners = rel.owner[order]
    parts: list[dict[str, Yen]] = []
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        lo, hi = np.searchsorted(owners, [start, stop])
        idx = order[lo:hi]
        sub = Relatives(
            owner=rel.owner[idx] - start,
            is_spouse=rel.is_spouse[idx],
            age=rel.age[idx],
            total_income=rel.total_income[idx],
            cohabiting_ascendant=rel.cohabiting_ascendant[idx],
            disability=rel.disability[idx],
            cohabiting=rel.cohabiting[idx],
        )
        parts.append(compute({k: v[start:stop] for k, v in c.items()}, sub, p))
    return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
