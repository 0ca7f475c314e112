"""The life of an application: 受付 → 審査中 (⇄ 補正依頼) → 完了 or 却下.

- 受付 (received): stored, the applicant holds the 受付番号.
- 審査中 (reviewing): a clerk has taken it up (opened the review, or corrected an item).
- 補正依頼 (correction_requested): the clerk asked the applicant for a correction or missing
  document (行政手続法第7条: 申請の補正を求め); the note is shown on the status page.
- 完了 (completed): the business processed it (異動 recorded, certificate issued).
- 却下 (rejected): refused, with the reason shown to the applicant (行政手続法第8条: 理由の提示).
"""

from __future__ import annotations

from enum import StrEnum

from kikan.core.errors import Conflict


class Status(StrEnum):
    RECEIVED = "received"
    REVIEWING = "reviewing"
    CORRECTION_REQUESTED = "correction_requested"
    COMPLETED = "completed"
    REJECTED = "rejected"


LABELS: dict[str, str] = {
    Status.RECEIVED: "受付",
    Status.REVIEWING: "審査中",
    Status.CORRECTION_REQUESTED: "補正依頼",
    Status.COMPLETED: "完了",
    Status.REJECTED: "却下",
}
OPEN = frozenset({Status.RECEIVED, Status.REVIEWING, Status.CORRECTION_REQUESTED})
FINAL = frozenset({Status.COMPLETED, Status.REJECTED})

_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.REVIEWING, Status.CORRECTION_REQUESTED, Status.COMPLETED, Status.REJECTED}),
    Status.REVIEWING: frozenset({Status.CORRECTION_REQUESTED, Status.COMPLETED, Status.REJECTED}),
    Status.CORRECTION_REQUESTED: frozenset({Status.REVIEWING, Status.REJECTED}),
    Status.COMPLETED: frozenset(),
    Status.REJECTED: frozenset(),
}


def label(status: str) -> str:
    return LABELS.get(status, status)


def check_transition(current: str, new: Status) -> None:
    """Refuse a change the life cycle does not allow (a finished application stays finished)."""
    cur = Status(current)
    if new not in _ALLOWED[cur]:
        if cur in FINAL:
            raise Conflict(f"この申請は既に{label(cur)}しています", field="状態")
        raise Conflict(f"「{label(cur)}」の申請を「{label(new)}」にはできません", field="状態")
