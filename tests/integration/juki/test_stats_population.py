"""統計 on a small hand-built population with known counts (標準仕様書 6.1)."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from kikan.adapters.db import juki_stats
from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tables.juki import juki_history
from kikan.adapters.security import accounts
from kikan.core.errors import Forbidden, ValidationFailed
from kikan.core.identity import compute_local_government_check_digit
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki import statistics as st

D = date(2026, 1, 1)
T1, T2 = "T001", "T002"
JP, FO = "japanese", "foreign"


def row(no, hn, *, kind=JP, sex="1", born, town, address, household, code, on, status="resident",
        cancelled=False, planned=None, removal_on=None, processed=None):
    return {
        "addressee_no": no, "history_no": hn, "resident_kind": kind, "sex": sex, "birth_date": born,
        "town_code": town, "address": address, "household_no": household, "event_code": code, "event_on": on,
        "processed_on": processed or on, "status": status, "cancelled": cancelled,
        "move_out_planned_on": planned, "removal_on": removal_on,
        "recorded_at": datetime(2026, 1, 10, tzinfo=UTC), "recorded_by": "test",
    }


N1, N2, S3 = "本市北町1-1", "本市北町2-5", "本市南町3-3"
POPULATION = [
    row("A", 1, born=date(1950, 6, 1), town=T1, address=N1, household="H1", code="101", on=date(2000, 1, 1)),
    row("B", 1, sex="2", born=date(1952, 1, 1), town=T1, address=N1, household="H1", code="101", on=date(2000, 1, 1)),
    row("C", 1, born=date(2025, 12, 31), town=T1, address=N1, household="H1", code="111", on=date(2025, 12, 31)),
    # born on D: not yet counted at 午前0時 of D
    row("D", 1, sex="2", born=date(2026, 1, 1), town=T1, address=N1, household="H1", code="111", on=date(2026, 1, 1)),
    row("E", 1, kind=FO, sex="2", born=date(1990, 3, 10), town=T2, address=S3, household="H2", code="104",
        on=date(2025, 4, 1)),
    row("F", 1, born=date(1985, 7, 7), town=T2, address="本市南町1-1", household="H2", code="101", on=date(2010, 1, 1)),
    row("F", 2, born=date(1985, 7, 7), town=T2, address=S3, household="H2", code="301", on=date(2025, 6, 1)),
    # 転出予定者, 異動日 = 転出予定年月日 (the 転出 row is not valid before it)
    row("G", 1, sex="2", born=date(1970, 1, 2), town=T2, address="本市南町4-1", household="H3", code="101",
        on=date(2000, 1, 1)),
    row("G", 2, sex="2", born=date(1970, 1, 2), town=T2, address="本市南町4-1", household="H3", code="201",
        on=date(2026, 1, 5), status="removed", planned=date(2026, 1, 5), removal_on=date(2026, 1, 5),
        processed=date(2025, 12, 20)),
    # 転出予定者, 異動日 = 届出日: counted present until the 転出予定年月日 passes
    row("G2", 1, born=date(1999, 9, 9), town=T2, address="本市南町5-1", household="H8", code="101", on=date(2018, 4, 1)),
    row("G2", 2, born=date(1999, 9, 9), town=T2, address="本市南町5-1", household="H8", code="201",
        on=date(2025, 12, 20), status="removed", planned=date(2026, 1, 5), removal_on=date(2026, 1, 5)),
    # a cancelled 死亡 and its 異動の取消し: present, and neither counts as a movement
    row("H", 1, born=date(1980, 5, 5), town=T1, address=N2, household="H4", code="101", on=date(2000, 1, 1)),
    row("H", 2, born=date(1980, 5, 5), town=T1, address=N2, household="H4", code="211", on=date(2025, 11, 1),
        status="removed", cancelled=True),
    row("H", 3, born=date(1980, 5, 5), town=T1, address=N2, household="H4", code="191", on=date(2025, 11, 15)),
    row("I", 1, kind=FO, born=date(2000, 2, 29), town=T2, address=S3, household="H5", code="104", on=date(2024, 6, 1)),
    row("I", 2, kind=FO, born=date(2000, 2, 29), town=T2, address=S3, household="H5", code="211", on=date(2025, 8, 1),
        status="removed"),
    row("J", 1, sex="2", born=date(1960, 2, 2), town=T2, address="本市南町6-1", household="H6", code="101",
        on=date(2025, 3, 1)),
    row("K", 1, born=date(1995, 1, 1), town=T1, address=N2, household="H7", code="101", on=date(2020, 1, 1)),
    row("K", 2, born=date(1995, 1, 1), town=T1, address=N2, household="H7", code="203", on=date(2025, 10, 10),
        status="removed"),
]
AGES = {"A": 75, "B": 74, "C": 0, "E": 35, "F": 40, "G": 55, "G2": 26, "H": 45, "J": 65}


@pytest.fixture
def town(db, ctx):
    with db.uow(ctx) as uow:
        uow.conn.execute(sa.insert(juki_history), [{**r, "tenant_id": ctx.tenant_id} for r in POPULATION])
        uow.commit()
    # another municipality with the same 宛名番号: must never be counted
    other = TenantContext(_new_tenant(db), ctx.actor)
    with db.uow(other) as uow:
        uow.conn.execute(sa.insert(juki_history), [{**r, "tenant_id": other.tenant_id} for r in POPULATION[:3]])
        uow.commit()
    return ctx


def _new_tenant(db):
    for _ in range(20):
        base = f"{random.randint(1, 47):02d}{random.randint(100, 999):03d}"
        code = base + str(compute_local_government_check_digit(base))
        try:
            accounts.add_tenant(db, code, "他市")
            return code
        except accounts.AccessError:
            continue
    raise RuntimeError("no tenant")


def population(db, ctx, on=D):
    with db.uow(ctx) as uow:
        pop = juki_stats.population_as_of(uow, on)
        uow.commit()
    return pop


def test_present_persons_with_ages_and_attributes(db, town):
    pop = population(db, town)
    got = Counter({(r.town_code, r.resident_kind, r.sex, r.age): r.count for r in pop.rows})
    by_no = {r["addressee_no"]: r for r in POPULATION if r["history_no"] == 1}
    want = Counter((by_no[n]["town_code"], by_no[n]["resident_kind"], by_no[n]["sex"], a) for n, a in AGES.items())
    assert got == want
    for no, age in AGES.items():  # the SQL age is the legal 満年齢 at 午前0時
        assert st.age_at_start_of(by_no[no]["birth_date"], D) == age


def test_totals_by_kind_and_sex(db, town):
    t = st.totals(population(db, town).rows)
    assert (t["japanese:1"], t["japanese:2"], t["japanese:total"]) == (5, 3, 8)
    assert (t["foreign:1"], t["foreign:2"], t["foreign:total"]) == (0, 1, 1)
    assert t["total:total"] == 9


def test_by_town_with_names(db, town):
    pop = population(db, town)
    towns = st.by_town(pop.rows)
    assert {k: v["total:total"] for k, v in towns.items()} == {T1: 4, T2: 5}
    assert towns[T2]["foreign:2"] == 1
    assert pop.towns[T1] == "本市北町" and pop.towns[T2] == "本市南町"


def test_age_bands(db, town):
    pop = population(db, town)
    b5 = {k: v["total:total"] for k, v in st.by_band5(pop.rows).items()}
    assert b5 == {"75～79歳": 1, "70～74歳": 1, "0～4歳": 1, "35～39歳": 1, "40～44歳": 1, "45～49歳": 1,
                  "55～59歳": 1, "25～29歳": 1, "65～69歳": 1}
    b3 = {k: v["total:total"] for k, v in st.by_band3(pop.rows).items()}
    assert b3 == {"0～14歳": 1, "15～64歳": 5, "65歳以上": 3}


def test_households(db, town):
    pop = population(db, town)
    assert st.household_totals(pop.households) == {"total": 6, "japanese": 6, "foreign": 1, "mixed": 1}
    assert {r.town_code: r.total for r in pop.households} == {T1: 2, T2: 4}


def test_move_out_pending_counts_until_the_planned_date(db, town):
    def present(on):
        pop = population(db, town, on)
        return st.totals(pop.rows)["total:total"], {r.town_code: r.total for r in pop.households}

    assert present(date(2026, 1, 5)) == (10, {T1: 2, T2: 4})  # planned date itself: not yet 経過; D born 1/1 counted
    assert present(date(2026, 1, 6)) == (8, {T1: 2, T2: 2})  # G and G2 gone


def test_movements_and_reconciliation(db, town):
    with db.uow(town) as uow:
        table = juki_stats.movements(uow, date(2025, 1, 1), date(2025, 12, 31))
        uow.commit()
    jp, fo = table["japanese"], table["foreign"]
    assert (jp["転入（国内）"], jp["出生"], jp["転出（国外）"], jp["死亡"], jp["転出（国内）"]) == (1, 1, 1, 0, 0)
    assert (fo["転入（国外）"], fo["死亡"]) == (1, 1)
    assert (jp["増減数"], jp["自然増減数"], jp["社会増減数"]) == (1, 1, 0)
    assert (fo["増減数"], fo["自然増減数"], fo["社会増減数"]) == (0, -1, 1)
    before = st.totals(population(db, town, date(2025, 1, 1)).rows)["total:total"]
    after = st.totals(population(db, town, date(2026, 1, 1)).rows)["total:total"]
    assert (before, after) == (8, 9)
    assert after - before == table["total"]["増減数"]


def test_annual_report_and_csv(db, town):
    with db.uow(town) as uow:
        rep = juki_stats.annual_report(uow, 2026)
        uow.commit()
    assert rep.period == (date(2025, 1, 1), date(2025, 12, 31)) and rep.population.on == D
    assert rep.household_totals["total"] == 6 and rep.movements["total"]["記載数計"] == 3
    data = juki_stats.population_csv(rep.population, "town")
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0][:3] == ["基準日", "町字コード", "町字"] and "総計 計" in lines[0]
    assert lines[1][:3] == ["2026-01-01", T1, "本市北町"] and lines[1][-1] == "4"
    mv = list(csv.reader(io.StringIO(juki_stats.movements_csv(rep.movements, *rep.period).decode("utf-8-sig"))))
    assert mv[0][:3] == ["期間開始", "期間終了", "住民種別"] and [r[2] for r in mv[1:]] == ["日本人住民", "外国人住民", "総計"]
    with pytest.raises(ValidationFailed):
        juki_stats.population_csv(rep.population, "blood_type")


def test_permission_and_audit(db, town):
    nobody = TenantContext(town.tenant_id, Actor("x", permissions=frozenset({"juki.read"})))
    with db.uow(nobody) as uow, pytest.raises(Forbidden):
        juki_stats.population_as_of(uow, D)
    population(db, town)
    with db.uow(town) as uow:
        fns = uow.conn.execute(sa.select(audit_log.c.function).where(audit_log.c.tenant_id == town.tenant_id)).scalars()
        assert "juki.stats.population" in list(fns)
    with db.uow(town) as uow, pytest.raises(ValidationFailed):
        juki_stats.movements(uow, date(2025, 2, 1), date(2025, 1, 1))


@pytest.mark.parametrize("on", [date(2025, 1, 1), D, date(2026, 1, 5), date(2026, 1, 6)])
def test_both_query_plans_agree(db, town, on):
    with db.uow(town) as uow:
        a, b = (set(uow.conn.execute(juki_stats.present_on(town.tenant_id, on, window=w)).all()) for w in (False, True))
    assert a == b and len(a) >= 8
