"""The life cycle of an application."""

from __future__ import annotations

import pytest

from kikan.applications import Status, check_transition
from kikan.core.errors import Conflict


@pytest.mark.parametrize(("cur", "new"), [
    ("received", Status.REVIEWING), ("received", Status.COMPLETED), ("received", Status.REJECTED),
    ("reviewing", Status.CORRECTION_REQUESTED), ("correction_requested", Status.REVIEWING),
    ("reviewing", Status.COMPLETED), ("correction_requested", Status.REJECTED),
])  # fmt: skip
def test_allowed(cur, new):
    check_transition(cur, new)


@pytest.mark.parametrize(("cur", "new", "message"), [
    ("completed", Status.REJECTED, "既に完了しています"), ("rejected", Status.REVIEWING, "既に却下しています"),
    ("completed", Status.COMPLETED, "既に完了"), ("correction_requested", Status.COMPLETED, "「補正依頼」の申請を「完了」"),
    ("reviewing", Status.RECEIVED, "「受付」にはできません"),
])  # fmt: skip
def test_refused(cur, new, message):
    with pytest.raises(Conflict, match=message):
        check_transition(cur, new)
