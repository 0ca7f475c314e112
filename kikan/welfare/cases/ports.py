"""Ports of the case services: storage of cases and tasks, and the income the amounts depend on.

``IncomeSource`` is where 所得 comes from: the tax business's published 課税状況 (dataset
``tax.assessment_status``), stored by the welfare business's subscriber in its own table next to
incomes entered by staff — the services do not know the difference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from .model import CaseState


@dataclass(frozen=True)
class IncomeFacts:
    """One person's income of one year: 合計所得金額 and the 児童扶養手当 所得の内訳."""

    total_income: int
    items: dict[str, int] = field(default_factory=dict)


class IncomeSource(Protocol):
    def income(self, addressee_no: str, year: int) -> IncomeFacts | None: ...


@dataclass(frozen=True)
class CaseRecord:
    """A case as stored: its id, current version and state, the monthly amount of that version."""

    case_id: str
    version: int
    state: CaseState
    valid_from: date
    monthly_amount: int


@dataclass(frozen=True)
class NewVersion:
    """What a service writes: the new state, the month it applies from, the reason, the amount."""

    state: CaseState
    valid_from: date
    reason_code: str
    reason: str
    monthly_amount: int
    start_month: int | None
    end_month: int | None
    children: tuple[tuple[int, int], ...]  # (from_month, until_month) per child of ``state``
    trace: dict[str, object]


@dataclass(frozen=True)
class NewTask:
    kind: str
    title: str
    dedupe_key: str
    source: str
    detail: str = ""
    case_id: str | None = None
    addressee_no: str | None = None
    due_on: date | None = None


@dataclass(frozen=True)
class LifeEvent:
    """A registry event the welfare business recorded for a person (15日特例の異動日)."""

    event_id: str
    event_type: str
    event_on: date | None


class CaseStore(Protocol):
    @property
    def incomes(self) -> IncomeSource: ...

    def new_case_id(self) -> str: ...
    def get(self, case_id: str) -> CaseRecord | None: ...
    def add(self, case_id: str, version: NewVersion) -> int: ...
    def append(self, record: CaseRecord, version: NewVersion) -> int: ...
    def open_cases_of(self, allowance: str, recipient: str) -> list[CaseRecord]: ...
    def open_task(self, task: NewTask) -> str | None: ...
    def life_events(self, addressee_nos: Iterable[str], since: date) -> list[LifeEvent]: ...
    def household_of(self, addressee_no: str) -> str | None: ...
