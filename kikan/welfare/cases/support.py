"""Staff services around the cases: 所得の登録, 振込口座, 振込依頼人, 事務処理（タスク）の完了.

``fn(cmd, uow, *, today, store)`` with ``store`` a :class:`SupportStore`. Names that go to the bank
are converted to 全銀 characters when entered (:func:`kikan.welfare.zengin.to_zengin_kana`), so a bad
name is refused at the counter, not in the payment batch.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from kikan.core.errors import FieldError, NotFound, ValidationFailed
from kikan.welfare.child_rearing_allowance.income import IncomeInputs
from kikan.welfare.zengin import to_zengin_kana

from .commands import CompleteTask, RecordIncome, RegisterAccount, SetPayer
from .services import FUNCTION, WRITE, require

ITEMS = frozenset(IncomeInputs.__dataclass_fields__)


class SupportStore(Protocol):
    def add_income(
        self, addressee_no: str, year: int, total: int, items: dict[str, int], source: str
    ) -> int: ...
    def add_account(self, addressee_no: str, fields: dict[str, Any]) -> int: ...
    def set_payer(self, allowance: str, data: dict[str, Any], pay_day: int) -> None: ...
    def complete_task(self, task_id: str, note: str) -> bool: ...


def record_income(cmd: RecordIncome, uow: Any, *, today: date, store: SupportStore) -> int:
    """所得 of one person and year (児童扶養手当法第9条: 前年・前々年の所得; 児童手当法第4条第3項の生計維持)."""
    require(uow, WRITE)
    unknown = sorted(set(cmd.items) - ITEMS)
    negative = sorted(k for k, v in cmd.items.items() if v < 0 and k != "other_income")
    errors = [FieldError(f"items.{k}", "不明な所得の項目です") for k in unknown]
    errors += [FieldError(f"items.{k}", "負の値は指定できません") for k in negative]
    if cmd.income_year > today.year:
        errors.append(FieldError("income_year", "将来の年の所得は登録できません"))
    if errors:
        raise ValidationFailed(errors)
    version = store.add_income(
        cmd.addressee_no, cmd.income_year, cmd.total_income, dict(cmd.items), cmd.source
    )
    uow.audit(FUNCTION, "update", target_type="welfare_income", target_id=cmd.addressee_no,
              detail=f"{cmd.income_year}年 版{version} {cmd.source}")  # fmt: skip
    return version


def register_account(cmd: RegisterAccount, uow: Any, *, today: date, store: SupportStore) -> int:
    """受給者の振込口座 (児童手当法施行規則: 支払は口座振込): names checked for 全銀 characters."""
    require(uow, WRITE)
    fields = {
        "bank_code": cmd.bank_code, "branch_code": cmd.branch_code, "account_type": cmd.account_type,
        "account_no": cmd.account_no.rjust(7, "0"), "holder_kana": cmd.holder_kana, "closed": cmd.closed,
        "holder_zengin": to_zengin_kana(cmd.holder_kana, field="holder_kana", width=30),
        "bank_name": to_zengin_kana(cmd.bank_name, field="bank_name", width=15),
        "branch_name": to_zengin_kana(cmd.branch_name, field="branch_name", width=15),
    }  # fmt: skip
    version = store.add_account(cmd.addressee_no, fields)
    uow.audit(
        FUNCTION,
        "update",
        target_type="welfare_bank_account",
        target_id=cmd.addressee_no,
        detail=f"版{version}",
    )
    return version


def set_payer(cmd: SetPayer, uow: Any, *, today: date, store: SupportStore) -> dict[str, Any]:
    """振込依頼人（委託者）: the municipality's code and account at its bank, per allowance."""
    require(uow, WRITE)
    data = {
        "code": cmd.requester_code, "name": to_zengin_kana(cmd.requester_name, field="requester_name", width=40),
        "bank_code": cmd.bank_code, "bank_name": to_zengin_kana(cmd.bank_name, field="bank_name", width=15),
        "branch_code": cmd.branch_code, "branch_name": to_zengin_kana(cmd.branch_name, field="branch_name", width=15),
        "account_type": cmd.account_type, "account_no": cmd.account_no.rjust(7, "0"),
    }  # fmt: skip
    store.set_payer(cmd.allowance, data, cmd.pay_day)
    uow.audit(FUNCTION, "update", target_type="welfare_payer", target_id=cmd.allowance)
    return data


def complete_task(cmd: CompleteTask, uow: Any, *, today: date, store: SupportStore) -> None:
    require(uow, WRITE)
    if not store.complete_task(cmd.task_id, cmd.note):
        raise NotFound(f"未完了のタスク {cmd.task_id} はありません", field="task_id")
    uow.audit(FUNCTION, "update", target_type="welfare_task", target_id=cmd.task_id, detail="done")
