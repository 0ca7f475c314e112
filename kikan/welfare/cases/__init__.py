"""児童手当・児童扶養手当の受給者台帳（ケース）: 認定請求, 認定, 額改定, 支給停止, 消滅, 現況届.

Public API (services are ``fn(cmd, uow, *, today, store)``; see ``README.md``)::

    file_claim, certify, reject, migrate_certified               # services.py
    add_child, child_left, suspend, resume, extinguish, record_status_report   # changes.py
    record_income, register_account, set_payer, complete_task    # support.py
    compute(state, month, incomes, params=None) -> Computation   # amounts.py (the calculation cores)
    FileClaim, Certify, … , parse(cls, data)                     # commands.py
    CaseState, CaseChild, Suspension                             # model.py
"""

from .amounts import Computation, compute
from .changes import add_child, child_left, extinguish, record_status_report, resume, suspend
from .commands import (
    AddChild,
    Certify,
    ChildInput,
    ChildLeft,
    CompleteTask,
    Extinguish,
    FileClaim,
    MigrateCertifiedCase,
    RecordIncome,
    RecordStatusReport,
    RegisterAccount,
    Reject,
    Resume,
    SetPayer,
    Suspend,
    parse,
)
from .model import ALLOWANCES, CaseChild, CaseState, Suspension
from .ports import CaseRecord, CaseStore, IncomeFacts, IncomeSource
from .services import READ, WRITE, certify, file_claim, migrate_certified, reject
from .support import complete_task, record_income, register_account, set_payer

__all__ = [
    "ALLOWANCES",
    "READ",
    "WRITE",
    "AddChild",
    "CaseChild",
    "CaseRecord",
    "CaseState",
    "CaseStore",
    "Certify",
    "ChildInput",
    "ChildLeft",
    "CompleteTask",
    "Computation",
    "Extinguish",
    "FileClaim",
    "MigrateCertifiedCase",
    "IncomeFacts",
    "IncomeSource",
    "RecordIncome",
    "RecordStatusReport",
    "RegisterAccount",
    "Reject",
    "Resume",
    "SetPayer",
    "Suspend",
    "Suspension",
    "add_child",
    "certify",
    "child_left",
    "complete_task",
    "compute",
    "extinguish",
    "file_claim",
    "migrate_certified",
    "parse",
    "record_income",
    "record_status_report",
    "register_account",
    "reject",
    "resume",
    "set_payer",
    "suspend",
]
