"""更正 (correction) of an assessed tax: the new installments and the difference, pure.

When a 課税資料 arrives or changes after the annual assessment (or the registry corrects who lived
here on 1 January), the taxpayer is recomputed with the same vector code and a new result version
is stored (地方税法第17条の4 ff.: 更正・決定; 第321条の6: 特別徴収税額の変更の通知). The installments
follow municipal practice, documented here because the statute leaves them to 条例・運用:

1. Installments whose due date is before the correction's effective date (``on``) stay as they
   were — they fell due (collected, or in arrears); they are never rewritten.
2. For each method the new part (as the regular schedule splits the new tax) minus what already
   fell due is what remains to collect in that method. A method that collected more than its new
   part (e.g. the employer's report was withdrawn) gives its surplus to the others (普通徴収 first,
   then 給与特徴, then 年金特徴); what no method can absorb is an overpayment (過誤納金: 還付・充当).
3. What remains is spread again over the method's periods not yet due, fractions to the first of
   them (第20条の4の2第6項 / 第321条の5第1項). If a method has no period left (e.g. 特別徴収 after May),
   the amount becomes an extra 普通徴収 installment (随時期) due at the end of the next month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .schedule import METHOD_LABELS, METHODS, respread

ORDER = ("ordinary", "salary", "pension")  # who absorbs a surplus first


@dataclass(frozen=True)
class Corrected:
    installments: dict[str, Any]  # the new installments document
    lines: list[dict[str, Any]]  # per period: before, after, difference
    difference: int  # new total − old total
    overpaid: int  # 過誤納 created by this correction
    direction: str  # increase | decrease | none


def _periods(doc: dict[str, Any], dates: dict[str, list[str]]) -> dict[str, list[tuple[date, int]]]:
    out: dict[str, list[tuple[date, int]]] = {}
    for m in METHODS:
        amounts = list(doc.get(m) or [0] * len(dates[m]))
        out[m] = [(date.fromisoformat(d), int(a)) for d, a in zip(dates[m], amounts, strict=True)]
    out["ordinary"] += [(date.fromisoformat(x["due_on"]), int(x["amount"])) for x in doc.get("extra") or []]
    return out


def settled_on(schedule: dict[str, dict[str, list[str]]], method: str) -> list[date]:
    """When each regular installment of ``method`` is settled (no longer changed by a 更正)."""
    if method == "ordinary":
        return [date.fromisoformat(d) for d in schedule["dates"][method]]
    out = []
    for ym in schedule["months"][method]:
        y, m = int(ym[:4]), int(ym[5:7])
        out.append(date(y, m, calendar.monthrange(y, m)[1]))
    return out


def extra_due_on(on: date) -> date:
    """随時期の納期限: the end of the month after ``on`` (shifted by the caller's calendar)."""
    first_next = (on.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_next.replace(day=calendar.monthrange(first_next.year, first_next.month)[1])


def correct(
    before: dict[str, Any],
    regular: dict[str, Any],
    schedule: dict[str, dict[str, list[str]]],
    on: date,
    units: dict[str, int],
    *,
    shift: Any = None,
) -> Corrected:
    """New installments from the previous ones (``before``) and the new regular schedule (``regular``).

    ``schedule``: the year's ``{"dates": …, "months": …}`` per method (the run's schedule document);
    ``units``: rounding unit per method; ``shift``: the tenant's ``BusinessCalendar.shift_due_date``
    for a new 随時期. A 普通徴収 installment is settled once its 納期限 has passed; a 特別徴収 one once
    its month is over (the employer or pension payer has deducted it, though it remits on the 10th).
    """
    dates = schedule["dates"]
    old, new = _periods(before, dates), _periods(regular, dates)
    cut = {m: settled_on(schedule, m) + [d for d, _ in old[m]][len(dates[m]) :] for m in METHODS}
    fixed = {m: sum(a for c, (_, a) in zip(cut[m], old[m], strict=True) if c < on) for m in METHODS}
    need = {m: sum(a for _, a in new[m]) - fixed[m] for m in METHODS}
    surplus = sum(-v for v in need.values() if v < 0)
    need = {m: max(v, 0) for m, v in need.items()}
    for m in ORDER:
        take = min(surplus, need[m])
        need[m], surplus = need[m] - take, surplus - take
    after: dict[str, list[int]] = {}
    due_on: dict[str, list[date]] = {}
    extra_amount = 0
    for m in METHODS:
        due_on[m] = [d for d, _ in old[m]]
        amounts, rest = respread([a for _, a in old[m]], cut[m], on, fixed[m] + need[m], units[m])
        after[m] = amounts
        extra_amount += max(rest, 0)
    if extra_amount:
        due = extra_due_on(on)
        due_on["ordinary"].append(shift(due) if shift else due)
        after["ordinary"].append(extra_amount)
    n = {m: len(dates[m]) for m in METHODS}
    doc: dict[str, Any] = {m: after[m][: n[m]] for m in METHODS if any(after[m][: n[m]])}
    extras = [{"due_on": d.isoformat(), "amount": a}
              for d, a in zip(due_on["ordinary"][n["ordinary"]:], after["ordinary"][n["ordinary"]:], strict=True)]  # fmt: skip
    if extras:
        doc["extra"] = extras
    prev_overpaid = int(before.get("overpaid") or 0)
    if surplus + prev_overpaid:
        doc["overpaid"] = surplus + prev_overpaid
    lines = [
        {"method": m, "method_label": METHOD_LABELS[m], "no": i + 1, "due_on": d.isoformat(),
         "before": b, "after": a, "difference": a - b}
        for m in METHODS
        for i, (d, b, a) in enumerate(zip(due_on[m], [x for _, x in old[m]] + [0], after[m], strict=False))
        if a or b
    ]  # fmt: skip
    old_total = sum(a for m in METHODS for _, a in old[m]) - prev_overpaid
    new_total = sum(a for m in METHODS for _, a in new[m]) - int(regular.get("overpaid") or 0)
    diff = new_total - old_total
    return Corrected(
        doc, lines, diff, surplus, "increase" if diff > 0 else "decrease" if diff < 0 else "none"
    )
