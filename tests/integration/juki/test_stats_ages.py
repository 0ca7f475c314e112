"""The SQL 満年齢 equals the legal age at 午前0時 of the base date, on both backends."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from kikan.adapters.db import juki_stats
from kikan.adapters.db.tables.juki import juki_history
from kikan.juki import statistics as st

SPECIAL = [date(2000, 2, 29), date(2004, 2, 29), date(1999, 3, 1), date(1999, 2, 28), date(2001, 1, 1),
           date(2000, 12, 31), date(1925, 3, 1)]


@pytest.mark.parametrize("on", [date(2021, 3, 1), date(2021, 2, 28), date(2024, 2, 29), date(2026, 1, 1)])
def test_sql_age_matches_legal_age(db, ctx, on):
    rng = random.Random(on.toordinal())
    births = SPECIAL + [date(1920, 1, 1) + timedelta(days=rng.randrange(0, 36500)) for _ in range(150)]
    births = [b for b in births if b < on]
    rows = [{
        "tenant_id": ctx.tenant_id, "addressee_no": f"X{i}", "history_no": 1, "resident_kind": "japanese", "sex": "1",
        "birth_date": b, "town_code": "T", "household_no": f"H{i}", "event_code": "111", "event_on": b,
        "status": "resident", "cancelled": False, "recorded_at": datetime(2026, 1, 1, tzinfo=UTC), "recorded_by": "t",
    } for i, b in enumerate(births)]
    with db.uow(ctx) as uow:
        uow.conn.execute(sa.insert(juki_history), rows)
        pop = juki_stats.population_as_of(uow, on)
    got = Counter({r.age: r.count for r in pop.rows})
    assert got == Counter(st.age_at_start_of(b, on) for b in births)
