"""Who is taxed on the 賦課期日 (地方税法第39条・第318条), from the registry's published records."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from kikan.core.calendar import age_on
from kikan.tax.individual_resident.taxpayers import (
    REGISTRY_SCHEMA,
    age_at_year_end,
    age_on_april1,
    population,
)

JAN1 = date(2026, 1, 1)
NO = ["000000000000019", "000000000000027", "000000000000035", "000000000000043", "000000000000051"]


def rec(no: str, hist: int, status: str, *, became: date | None = date(2010, 4, 1), removal: date | None = None,
        code: str = "101", household: str = "H1", event_on: date | None = None, reason: str | None = None,
        born: date = date(1980, 5, 5)) -> dict:  # fmt: skip
    return {"addressee_no": no, "history_no": hist, "event_code": code, "status": status, "household_no": household,
            "birth_date": born, "became_resident_on": became, "removal_on": removal, "removal_reason": reason,
            "event_on": event_on}  # fmt: skip


def pop(*rows: dict, day: date = JAN1) -> dict[str, dict]:
    out = population(pl.DataFrame(list(rows), schema=REGISTRY_SCHEMA), day)
    return {r["addressee_no"]: r for r in out.iter_rows(named=True)}


def test_moving_in_on_2_january_is_not_taxed_here_moving_out_on_2_january_is() -> None:
    got = pop(
        rec(NO[0], 1, "resident", became=date(2026, 1, 2), event_on=date(2026, 1, 2)),
        rec(NO[1], 1, "resident", event_on=date(2010, 4, 1)),
        rec(
            NO[1],
            2,
            "removed",
            code="201",
            removal=date(2026, 1, 2),
            event_on=date(2026, 1, 2),
            reason="転出",
        ),
    )
    assert list(got) == [NO[1]]


def test_moving_in_on_1_january_is_taxed_leaving_or_dying_on_1_january_is_not() -> None:
    got = pop(
        rec(NO[0], 1, "resident", became=JAN1, event_on=JAN1),
        rec(NO[1], 1, "resident"),
        rec(NO[1], 2, "removed", code="201", removal=JAN1, reason="転出"),
        rec(NO[2], 1, "resident"),
        rec(NO[2], 2, "removed", code="211", removal=JAN1, reason="死亡"),
        rec(NO[3], 1, "resident"),
        rec(NO[3], 2, "removed", code="211", removal=date(2026, 1, 10), reason="死亡"),
    )
    assert sorted(got) == [NO[0], NO[3]]


def test_a_cancelled_move_in_never_made_a_resident_and_a_cancelled_move_out_restores() -> None:
    got = pop(
        rec(NO[0], 1, "resident", became=date(2025, 12, 1)),
        rec(
            NO[0],
            2,
            "removed",
            code="291",
            became=date(2025, 12, 1),
            removal=date(2026, 2, 1),
            reason="異動の取消し（減）",
        ),  # fmt: skip
        rec(NO[1], 1, "resident"),
        rec(NO[1], 2, "removed", code="201", removal=date(2025, 12, 20), reason="転出"),
        rec(NO[1], 3, "resident", code="191"),
    )
    assert list(got) == [NO[1]]


def test_leaving_after_1_january_and_coming_back_is_one_taxpayer() -> None:
    got = pop(
        rec(NO[0], 1, "resident", became=date(2015, 4, 1), household="H1"),
        rec(
            NO[0],
            2,
            "removed",
            code="201",
            became=date(2015, 4, 1),
            removal=date(2026, 1, 20),
            household="H1",
        ),
        rec(NO[0], 3, "resident", became=date(2026, 3, 1), household="H9", event_on=date(2026, 3, 1)),
    )
    assert list(got) == [NO[0]] and got[NO[0]]["household_no"] == "H1"


def test_household_on_the_base_date_not_after_a_later_split() -> None:
    got = pop(
        rec(NO[0], 1, "resident", household="H1", event_on=date(2010, 4, 1)),
        rec(NO[0], 2, "resident", code="341", household="H2", event_on=date(2026, 2, 1)),
        rec(NO[1], 1, "resident", household="H7"),  # snapshot record: no 異動日, counts as known state
    )
    assert got[NO[0]]["household_no"] == "H1" and got[NO[1]]["household_no"] == "H7"


def test_empty_input() -> None:
    assert pop() == {}


@pytest.mark.parametrize("born", [date(1960, 1, 1), date(1960, 1, 2), date(1960, 12, 31), date(2025, 12, 31),
                                  date(1961, 4, 1), date(1961, 4, 2), date(1961, 4, 3), date(1956, 2, 29)])  # fmt: skip
def test_ages_agree_with_the_calendar_kernel(born: date) -> None:
    s = pl.Series([born, None], dtype=pl.Date)
    assert age_at_year_end(s, 2025)[0] == age_on(born, date(2025, 12, 31))
    assert age_on_april1(s, 2026)[0] == age_on(born, date(2026, 4, 1))
    assert age_at_year_end(s, 2025)[1] == 40 and age_on_april1(s, 2026)[1] == 0
