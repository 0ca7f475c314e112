"""Who receives 児童手当 and from which month to which month (vectorised).

* :func:`choose_recipient` — 児童手当法第4条: when both parents 監護 the children and share a
  livelihood, the one who maintains it to the higher degree (生計を維持する程度の高い者, usually
  the higher income, 第4条第3項) is the recipient; when they live apart without sharing a
  livelihood (離婚協議中等), the parent living with the children (第4条第4項; こども家庭庁
  児童手当Q&A「配偶者と別居されている場合の取扱い」). An explicit designation (``main``) wins,
  for ties or a 生計維持 judged otherwise than by income.
* :func:`start_month` — 第8条第2項: payment starts the month after the 認定請求; 第8条第3項: if
  the request is made within 15 days from the day after the 異動日 (出生日, 前住所地の転出予定日,
  やむを得ない理由がやんだ日), from the month after that day's month. 第9条第1項・第2項: the
  same for a 額改定請求 (増額) after a birth.
* :func:`end_month` — 第8条第2項: payment ends with the month in which the entitlement ends
  (転出, death, no longer 監護); 第9条第3項: a decrease applies from the month after the event.

Dates are passed as proleptic ordinals (``date.toordinal()``) and month indices
(:func:`kikan.welfare.month_index`); ``-1`` means "no date".
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kikan.welfare import MONTH_MAX, IntArray

Mask = npt.NDArray[np.bool_]

#: Reasons of :func:`choose_recipient` (code → (label, basis)).
RECIPIENT_REASONS: dict[int, tuple[str, str]] = {
    0: ("児童を監護し生計を同じくする父母等が一人", "児童手当法第4条第1項第1号"),
    1: ("父母が別居し生計を同じくしない: 児童と同居する者", "児童手当法第4条第4項"),
    2: ("生計を維持する程度の高い者（所得の高い者）", "児童手当法第4条第3項"),
    3: ("生計を維持する程度の高い者として指定", "児童手当法第4条第3項"),
}


def choose_recipient(
    income_a: IntArray,
    income_b: IntArray,
    has_b: Mask,
    separated: Mask,
    a_lives_with: Mask,
    b_lives_with: Mask,
    main: IntArray,
) -> tuple[IntArray, IntArray]:
    """(recipient 0 = guardian A / 1 = guardian B, reason code of :data:`RECIPIENT_REASONS`).

    ``main`` is ``-1`` (no designation), 0 or 1. Separated parents where exactly one lives with the
    children: that one. Otherwise the designated one, else the higher income (A on a tie).
    """
    by_income = np.where(income_b > income_a, 1, 0)
    chosen = np.where(main >= 0, main, by_income)
    reason = np.where(main >= 0, 3, 2)
    one_home = separated & (a_lives_with != b_lives_with)
    chosen = np.where(one_home, np.where(b_lives_with, 1, 0), chosen)
    reason = np.where(one_home, 1, reason)
    chosen = np.where(has_b, chosen, 0)
    reason = np.where(has_b, reason, 0)
    return chosen.astype(np.int64), reason.astype(np.int64)


def start_month(
    request_day: IntArray, request_month: IntArray, event_day: IntArray, event_month: IntArray, grace: int
) -> IntArray:
    """First month paid for a request made on ``request_day`` (第8条第2項・第3項).

    The 15-day rule: a request within ``grace`` days counted from the day after ``event_day`` (day
    ``event + grace`` is still in time) starts from the month after the event's month.
    """
    in_time = (event_day >= 0) & (request_day >= event_day) & (request_day <= event_day + grace)
    return np.where(in_time, event_month + 1, request_month + 1).astype(np.int64)


def end_month(ended_month: IntArray) -> IntArray:
    """Last month paid: the month of the 消滅 event (``-1`` = open-ended)."""
    return np.where(ended_month >= 0, ended_month, MONTH_MAX).astype(np.int64)
