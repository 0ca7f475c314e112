"""Turn a :class:`ChildAllowanceCase` into the inputs of the vector rules: the recipient
(児童手当法第4条), the first and last month (第8条), the child columns (第9条: 額改定) and the
所得制限 inputs of each month (第5条, until 2024-09), and run one parameter regime."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.rules import ParameterLookup, Trace
from kikan.welfare import MONTH_MAX, MONTH_MIN, month_index, month_label, month_start

from .model import ChildAllowanceCase, Guardian
from .params import MonthParams, resolve_month, transition
from .rules import Children, Households, compute
from .timing import choose_recipient, end_month, start_month


def _arr(*values: int) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _ord(day: date | None) -> int:
    return day.toordinal() if day is not None else -1


def _mon(day: date | None) -> int:
    return month_index(day) if day is not None else -1


def recipient(case: ChildAllowanceCase) -> tuple[int, int]:
    g = case.guardians
    b = g[1] if len(g) > 1 else g[0]
    if case.separated and len(g) > 1 and not (g[0].lives_with_children or b.lives_with_children):
        raise ValidationFailed([FieldError("guardians", "別居している父母のいずれも児童と同居していません")])
    main = -1 if case.main_guardian is None else [x.id for x in g].index(case.main_guardian)
    chosen, reason = choose_recipient(
        _arr(g[0].income),
        _arr(b.income),
        np.asarray([len(g) > 1]),
        np.asarray([case.separated]),
        np.asarray([g[0].lives_with_children]),
        np.asarray([b.lives_with_children]),
        _arr(main),
    )
    return int(chosen[0]), int(reason[0])


def timing(case: ChildAllowanceCase, lookup: ParameterLookup, trace: Trace) -> tuple[int, int]:
    claim_p = resolve_month(lookup, month_start(month_index(case.claim_on)), field_name="claim_on")
    args = (_arr(_ord(case.claim_on)), _arr(month_index(case.claim_on)))
    first = int(
        start_month(*args, _arr(_ord(case.event_on)), _arr(_mon(case.event_on)), claim_p.grace_days)[0]
    )
    used = claim_p.keys("claim.grace_days")
    found = transition(lookup, case.claim_on) if case.newly_eligible_by_reform else None
    if found is not None and case.claim_on <= found[0].claim_deadline:
        first = min(first, month_index(found[0].retroactive_from))
        used.append(found[1])
    trace.add("start_month", month_label(first), parameters=used, note="児童手当法第8条第2項・第3項")
    last = int(end_month(_arr(_mon(case.ended_on)))[0])
    trace.add("end_month", month_label(last) if last != MONTH_MAX else None, note="児童手当法第8条第2項")
    return first, last


def child_columns(case: ChildAllowanceCase, grace: int) -> dict[str, np.ndarray]:
    cols: dict[str, list[int]] = defaultdict(list)
    for c in case.children:
        cols["year"].append(c.birth_date.year)
        cols["month"].append(c.birth_date.month)
        cols["day"].append(c.birth_date.day)
        if c.added_on is None:
            added = MONTH_MIN if c.birth_date <= case.claim_on else MONTH_MAX
        else:
            event = c.added_event_on or c.birth_date
            added = int(
                start_month(
                    *(_arr(_ord(c.added_on)), _arr(month_index(c.added_on))),
                    _arr(_ord(event)),
                    _arr(month_index(event)),
                    grace,
                )[0]
            )
        cols["from_month"].append(added)
        cols["until_month"].append(_mon(c.left_on) if c.left_on is not None else MONTH_MAX)
    out = {k: np.asarray(v, dtype=np.int64) for k, v in cols.items()}
    out["supported"] = np.asarray([c.supported for c in case.children], dtype=bool)
    out["in_facility"] = np.asarray([c.in_facility for c in case.children], dtype=bool)
    return out


def limit_row(guardian: Guardian, index: int, m: int, p: MonthParams) -> tuple[int, int, int, int]:
    if not p.limit_in_force:
        return 0, 0, 0, 0
    year, month = divmod(m, 12)
    income_year = year - 1 if month + 1 >= p.income_year_start_month else year - 2
    for li in guardian.limit_incomes:
        if li.income_year == income_year:
            return li.income, li.deductions, li.dependants, li.elderly_dependants
    raise ValidationFailed(
        [
            FieldError(
                f"guardians.{index}.limit_incomes",
                f"{month_label(m)} 分の所得制限の判定に {income_year} 年の所得が必要です",
            )
        ]
    )


def run_group(
    rows: list[int],
    case: ChildAllowanceCase,
    child: dict[str, np.ndarray],
    hh: dict[str, list[int]],
    p: MonthParams,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    k, nc = len(rows), len(case.children)
    owner = np.repeat(np.arange(k, dtype=np.intp), nc)
    rep = np.tile(np.arange(nc), k)
    ch = Children(
        owner=owner,
        **{
            name: child[name][rep]
            for name in ("year", "month", "day", "supported", "in_facility", "from_month", "until_month")
        },
    )
    h = Households(
        month=np.asarray([hh["month"][i] for i in rows], dtype=np.int64),
        active=np.asarray([hh["active"][i] for i in rows], dtype=bool),
        income=np.asarray([hh["income"][i] for i in rows], dtype=np.int64),
        deductions=np.asarray([hh["deductions"][i] for i in rows], dtype=np.int64),
        dependants=np.asarray([hh["dependants"][i] for i in rows], dtype=np.int64),
        elderly_dependants=np.asarray([hh["elderly"][i] for i in rows], dtype=np.int64),
        public_servant=np.asarray([hh["public_servant"][i] for i in rows], dtype=bool),
    )
    return compute(h, ch, p)
