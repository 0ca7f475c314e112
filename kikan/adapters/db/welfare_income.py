"""Income for the welfare business: the :class:`~kikan.welfare.cases.ports.IncomeSource` adapter.

Source of truth: the tax business's published 課税状況 (linkage dataset ``tax.assessment_status``,
see docs/linkage.md). The welfare business keeps the income facts it decides on in its own table
``welfare_income`` — written by the subscriber of that dataset with ``source="tax"``
(:mod:`kikan.adapters.db.welfare_tax_feed`) and by staff (``record_income``, ``source="staff"``) —
versioned per person and year with ``change_seq`` like the cases. The latest version is the income
in force, whoever wrote it (precedence: docs/welfare.md, 所得の取込み).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
import sqlalchemy as sa

from kikan.adapters.db.tables.welfare import INCOME_ITEMS, welfare_income
from kikan.welfare.cases.ports import IncomeFacts

_BOOL_ITEMS = ("working_student", "widow", "single_parent")


def _latest(tenant_id: str, year: int, known_seq: int | None) -> sa.Select[Any]:
    i = welfare_income.c
    q = sa.select(i.addressee_no, sa.func.max(i.version).label("v")).where(
        i.tenant_id == tenant_id, i.income_year == year
    )
    if known_seq is not None:
        q = q.where(i.change_seq <= known_seq)
    return q.group_by(i.addressee_no)


class SqlIncomeSource:
    """Incomes as of ``known_seq`` (None = everything committed and this unit of work's own)."""

    def __init__(self, uow: Any, known_seq: int | None = None):
        self.uow, self.known_seq = uow, known_seq

    def income(self, addressee_no: str, year: int) -> IncomeFacts | None:
        got = _latest_version(self.uow, addressee_no, year, self.known_seq)
        return got[1] if got else None


def latest_income(uow: Any, addressee_no: str, year: int) -> tuple[str, IncomeFacts] | None:
    """The source and facts of the person's latest income version of ``year`` (None = none yet)."""
    return _latest_version(uow, addressee_no, year)


def _latest_version(
    uow: Any, addressee_no: str, year: int, known_seq: int | None = None
) -> tuple[str, IncomeFacts] | None:
    """(source, facts) of the latest version of ``year`` (as of ``known_seq`` when given)."""
    i = welfare_income.c
    q = sa.select(welfare_income).where(i.tenant_id == uow.tenant_id, i.addressee_no == addressee_no,
                                        i.income_year == year)  # fmt: skip
    if known_seq is not None:
        q = q.where(i.change_seq <= known_seq)
    row = uow.conn.execute(q.order_by(i.version.desc()).limit(1)).mappings().first()
    if row is None:
        return None
    return str(row["source"]), IncomeFacts(int(row["total_income"]), {k: int(row[k]) for k in INCOME_ITEMS})


def write_income(
    uow: Any, seq: int, *, addressee_no: str, year: int, total: int, items: dict[str, int], source: str
) -> int:
    i = welfare_income.c
    last = uow.conn.execute(
        sa.select(sa.func.max(i.version)).where(
            i.tenant_id == uow.tenant_id, i.addressee_no == addressee_no, i.income_year == year
        )  # fmt: skip
    ).scalar()
    version = int(last or 0) + 1
    row = {"tenant_id": uow.tenant_id, "addressee_no": addressee_no, "income_year": year, "version": version,
           "change_seq": seq, "source": source, "total_income": total, "recorded_at": uow.now,
           "recorded_by": uow.actor.actor_id, **{k: int(items.get(k, 0)) for k in INCOME_ITEMS}}  # fmt: skip
    uow.conn.execute(sa.insert(welfare_income), row)
    return version


def income_frame(
    conn: sa.Connection, tenant_id: str, year: int, known_seq: int, people: Sequence[str]
) -> pl.DataFrame:
    """Income items of ``people`` for ``year`` as of ``known_seq`` (one row per person who has one)."""
    from kikan.adapters.db.tax_frames import read_frame

    i = welfare_income.c
    latest = _latest(tenant_id, year, known_seq).subquery()
    q = sa.select(i.addressee_no, *[i[k] for k in INCOME_ITEMS]).join(
        latest, sa.and_(latest.c.addressee_no == i.addressee_no, latest.c.v == i.version)
    ).where(i.tenant_id == tenant_id, i.income_year == year)  # fmt: skip
    schema: dict[str, Any] = {"addressee_no": pl.Utf8, **dict.fromkeys(INCOME_ITEMS, pl.Int64)}
    frame = read_frame(conn, q, schema)
    return frame.filter(pl.col("addressee_no").is_in(list(set(people))))
