"""Tables of the welfare area: 児童手当・児童扶養手当の受給者台帳、支払、住民記録からの異動の取込み.

* ``welfare_case`` — current pointer of each case (受給者ごと・手当ごと); ``welfare_case_version`` —
  every change (認定請求, 認定, 額改定, 支給停止, 消滅, 現況届 …) as an immutable version with its
  valid-from month, reason, actor, the full state, the computed monthly amount and its trace;
  ``welfare_case_child`` — the children of each version with the month indices the batch needs.
* ``change_seq`` (tenant counter ``welfare.change``): commit-ordered and gap-free, so a payment run
  that fixed ``known_seq`` at its start reads exactly the same data when it is resumed.
* ``welfare_bank_account`` — recipients' accounts entered by staff (versioned);
  ``welfare_payer`` — the municipality's account (振込依頼人) per allowance.
* ``welfare_income`` — income facts per person and year, versioned: ``source`` ``tax`` rows come from
  the tax business's published 課税状況 (``tax.assessment_status``, kikan/adapters/db/welfare_tax_feed.py),
  ``staff`` rows from staff (the items the dataset does not publish, e.g. 養育費, 寡婦・ひとり親, or a
  所得証明 of a person taxed elsewhere); the latest version is in force.
* ``welfare_task`` — work for staff opened by life events and batches.
* ``welfare_person`` / ``welfare_life_event`` — what the welfare business learned from the registry's
  published ``juki.moves`` feed and, for residents loaded without events, its ``juki.residents``
  snapshot (kikan/adapters/db/welfare_feed_snapshot.py); ``welfare_feed_cursor`` /
  ``welfare_processed_item`` — where the subscribers stand and which items they applied (idempotency).
* ``welfare_payment_run`` / ``welfare_payment_chunk`` / ``welfare_payment_line`` /
  ``welfare_settled_month`` / ``welfare_payment_file`` — the run ledger of the regular payments.
"""

from __future__ import annotations

import sqlalchemy as sa

from kikan.adapters.db.tables.base import metadata
from kikan.adapters.db.types import JSONDoc, UTCDateTime, tenant_col
from kikan.welfare.child_rearing_allowance.income import IncomeInputs

#: 児童扶養手当の所得の内訳 (one column each, so the payment batch reads them set-based).
INCOME_ITEMS: tuple[str, ...] = tuple(IncomeInputs.__dataclass_fields__)

RLS = {"rls": True}
APPEND_ONLY = {"rls": True, "append_only": True}


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, UTCDateTime, nullable=nullable)


welfare_case = sa.Table(
    "welfare_case",
    metadata,
    tenant_col(),
    sa.Column("case_id", sa.String(10), primary_key=True),
    sa.Column("allowance", sa.String(30), nullable=False),
    sa.Column("recipient", sa.String(15), nullable=False),  # 宛名番号
    sa.Column("household_no", sa.String(15), nullable=True),  # the recipient's, as last learned
    sa.Column("status", sa.String(15), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("change_seq", sa.BigInteger, nullable=False),
    _at("updated_at"),
    sa.Index("ix_welfare_case_recipient", "tenant_id", "recipient"),
    sa.Index("ix_welfare_case_household", "tenant_id", "household_no"),
    sa.Index("ix_welfare_case_allowance", "tenant_id", "allowance", "status"),
    info=RLS,
)

welfare_case_version = sa.Table(
    "welfare_case_version",
    metadata,
    tenant_col(),
    sa.Column("case_id", sa.String(10), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("change_seq", sa.BigInteger, nullable=False),
    sa.Column("allowance", sa.String(30), nullable=False),
    sa.Column("status", sa.String(15), nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),  # first day of the month the change applies from
    sa.Column("reason_code", sa.String(30), nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("start_month", sa.Integer, nullable=True),  # month index (kikan.welfare.month_index)
    sa.Column("end_month", sa.Integer, nullable=True),
    sa.Column("public_servant", sa.Boolean, nullable=False),
    sa.Column("claimant_kind", sa.Integer, nullable=False),  # 児童扶養手当: 0 母 1 父 2 養育者
    sa.Column("pension_kind", sa.Integer, nullable=False),
    sa.Column("pension_annual", sa.BigInteger, nullable=False),
    sa.Column("has_suspension", sa.Boolean, nullable=False),
    sa.Column("suspensions", JSONDoc, nullable=False),  # [[from_month, until_month | null], …]
    sa.Column("obligors", sa.String(200), nullable=True),  # 扶養義務者の宛名番号, space-separated
    sa.Column("monthly_amount", sa.BigInteger, nullable=False),  # in the valid_from month
    sa.Column("state", JSONDoc, nullable=False),
    sa.Column("trace", JSONDoc, nullable=False),
    sa.Index("ix_welfare_case_version_seq", "tenant_id", "change_seq"),
    info=APPEND_ONLY,
)

welfare_case_child = sa.Table(
    "welfare_case_child",
    metadata,
    tenant_col(),
    sa.Column("case_id", sa.String(10), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("child_id", sa.String(15), nullable=False),
    sa.Column("birth_date", sa.Date, nullable=False),
    sa.Column("supported", sa.Boolean, nullable=False),
    sa.Column("in_facility", sa.Boolean, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("from_month", sa.Integer, nullable=False),
    sa.Column("until_month", sa.Integer, nullable=False),
    sa.Index("ix_welfare_case_child_child", "tenant_id", "child_id"),
    info=APPEND_ONLY,
)

welfare_bank_account = sa.Table(
    "welfare_bank_account",
    metadata,
    tenant_col(),
    sa.Column("addressee_no", sa.String(15), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("change_seq", sa.BigInteger, nullable=False),
    sa.Column("bank_code", sa.String(4), nullable=False),
    sa.Column("bank_name", sa.String(15), nullable=False),  # 全銀 half-width kana
    sa.Column("branch_code", sa.String(3), nullable=False),
    sa.Column("branch_name", sa.String(15), nullable=False),
    sa.Column("account_type", sa.Integer, nullable=False),  # 1 普通 2 当座 4 貯蓄 9 その他
    sa.Column("account_no", sa.String(7), nullable=False),
    sa.Column("holder_kana", sa.String(100), nullable=False),  # as entered
    sa.Column("holder_zengin", sa.String(30), nullable=False),  # 全銀 half-width kana
    sa.Column("closed", sa.Boolean, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Index("ix_welfare_bank_account_seq", "tenant_id", "change_seq"),
    info=APPEND_ONLY,
)

welfare_payer = sa.Table(
    "welfare_payer",
    metadata,
    tenant_col(),
    sa.Column("allowance", sa.String(30), primary_key=True),
    sa.Column("data", JSONDoc, nullable=False),  # kikan.welfare.zengin.Requester fields
    sa.Column("pay_day", sa.Integer, nullable=False),
    _at("updated_at"),
    sa.Column("updated_by", sa.String(100), nullable=False),
    info=RLS,
)

welfare_income = sa.Table(
    "welfare_income",
    metadata,
    tenant_col(),
    sa.Column("addressee_no", sa.String(15), primary_key=True),
    sa.Column("income_year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("change_seq", sa.BigInteger, nullable=False),
    sa.Column("source", sa.String(20), nullable=False),  # staff | tax
    sa.Column("total_income", sa.BigInteger, nullable=False),  # 合計所得金額 (生計維持の判定)
    *[sa.Column(k, sa.BigInteger, nullable=False, server_default=sa.text("0")) for k in INCOME_ITEMS],
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    info=APPEND_ONLY,
)

welfare_task = sa.Table(
    "welfare_task",
    metadata,
    tenant_col(),
    sa.Column("task_id", sa.String(12), primary_key=True),
    sa.Column("dedupe_key", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("detail", sa.String(1000), nullable=False),
    sa.Column("case_id", sa.String(10), nullable=True),
    sa.Column("addressee_no", sa.String(15), nullable=True),
    sa.Column("source", sa.String(80), nullable=False),  # event id / batch
    sa.Column("due_on", sa.Date, nullable=True),
    sa.Column("status", sa.String(10), nullable=False),  # open | done
    _at("created_at"),
    sa.Column("created_by", sa.String(100), nullable=False),
    _at("done_at", nullable=True),
    sa.Column("done_by", sa.String(100), nullable=True),
    sa.Column("note", sa.String(500), nullable=False),
    sa.UniqueConstraint("tenant_id", "dedupe_key", name="uq_welfare_task_dedupe"),
    sa.Index("ix_welfare_task_status", "tenant_id", "status", "kind"),
    info=RLS,
)

welfare_person = sa.Table(
    "welfare_person",
    metadata,
    tenant_col(),
    sa.Column("addressee_no", sa.String(15), primary_key=True),
    sa.Column("history_no", sa.Integer, nullable=False),
    sa.Column("household_no", sa.String(15), nullable=True),
    sa.Column("status", sa.String(10), nullable=True),
    sa.Column("birth_date", sa.Date, nullable=True),
    sa.Column("family_name", sa.String(100), nullable=True),
    sa.Column("given_name", sa.String(100), nullable=True),
    sa.Column("family_name_kana", sa.String(100), nullable=True),
    sa.Column("given_name_kana", sa.String(100), nullable=True),
    sa.Column("relationship", sa.String(40), nullable=True),
    _at("received_at"),
    # 支援措置 in force (from juki.support_measures / juki.residents v2)
    sa.Column("protected", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_welfare_person_household", "tenant_id", "household_no"),
    info=RLS,
)

welfare_life_event = sa.Table(
    "welfare_life_event",
    metadata,
    tenant_col(),
    sa.Column("event_id", sa.String(36), primary_key=True),
    sa.Column("addressee_no", sa.String(15), primary_key=True),
    sa.Column("event_type", sa.String(80), nullable=False),
    sa.Column("event_code", sa.String(40), nullable=True),
    sa.Column("event_on", sa.Date, nullable=True),
    sa.Column("household_no", sa.String(15), nullable=True),
    _at("received_at"),
    sa.Index("ix_welfare_life_event_person", "tenant_id", "addressee_no", "event_on"),
    info=APPEND_ONLY,
)

welfare_feed_cursor = sa.Table(
    "welfare_feed_cursor",
    metadata,
    tenant_col(),
    sa.Column("dataset", sa.String(60), primary_key=True),
    sa.Column("cursor", sa.Text, nullable=False),
    _at("updated_at"),
    info=RLS,
)

welfare_processed_item = sa.Table(
    "welfare_processed_item",
    metadata,
    tenant_col(),
    sa.Column("dataset", sa.String(60), primary_key=True),
    sa.Column("item_id", sa.String(80), primary_key=True),
    _at("processed_at"),
    info=APPEND_ONLY,
)

welfare_payment_run = sa.Table(
    "welfare_payment_run",
    metadata,
    tenant_col(),
    sa.Column("run_id", sa.String(40), primary_key=True),  # <allowance>:<YYYY-MM>
    sa.Column("allowance", sa.String(30), nullable=False),
    sa.Column("payment_month", sa.Integer, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # running | completed
    sa.Column("known_seq", sa.BigInteger, nullable=False),
    sa.Column("known_at", UTCDateTime, nullable=False),
    sa.Column("previous_seq", sa.BigInteger, nullable=True),  # known_seq of the previous completed run
    sa.Column("ledger_from", sa.Integer, nullable=False),  # first month the ledger covers
    sa.Column("transfer_on", sa.Date, nullable=False),
    sa.Column("payer", JSONDoc, nullable=False),
    sa.Column("newline", sa.Boolean, nullable=False),
    sa.Column("chunk_size", sa.Integer, nullable=False),
    sa.Column("chunks_total", sa.Integer, nullable=True),
    _at("started_at"),
    sa.Column("started_by", sa.String(100), nullable=False),
    _at("completed_at", nullable=True),
    sa.Column("summary", JSONDoc, nullable=True),
    sa.Index("ix_welfare_payment_run_allowance", "tenant_id", "allowance", "payment_month"),
    info=RLS,
)

welfare_payment_chunk = sa.Table(
    "welfare_payment_chunk",
    metadata,
    tenant_col(),
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("chunk_no", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("lines", sa.Integer, nullable=False),
    _at("completed_at"),
    info=APPEND_ONLY,
)

welfare_payment_line = sa.Table(
    "welfare_payment_line",
    metadata,
    tenant_col(),
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("case_id", sa.String(10), primary_key=True),
    sa.Column("chunk_no", sa.Integer, nullable=False),
    sa.Column("recipient", sa.String(15), nullable=False),
    sa.Column("status", sa.String(14), nullable=False),  # transfer | held_account | held_income | overpaid
    sa.Column("amount", sa.BigInteger, nullable=False),  # paid now (regular + arrears)
    sa.Column("regular", sa.BigInteger, nullable=False),
    sa.Column("arrears", sa.BigInteger, nullable=False),
    sa.Column("overpaid", sa.BigInteger, nullable=False),  # reported, not netted
    sa.Column("months", sa.String(400), nullable=True),  # the months paid, "YYYY-MM,YYYY-MM"
    sa.Column("bank_code", sa.String(4), nullable=True),
    sa.Column("bank_name", sa.String(15), nullable=True),
    sa.Column("branch_code", sa.String(3), nullable=True),
    sa.Column("branch_name", sa.String(15), nullable=True),
    sa.Column("account_type", sa.Integer, nullable=True),
    sa.Column("account_no", sa.String(7), nullable=True),
    sa.Column("holder", sa.String(30), nullable=True),
    sa.Column("new_code", sa.String(1), nullable=False),
    info=APPEND_ONLY,
)

welfare_settled_month = sa.Table(
    "welfare_settled_month",
    metadata,
    tenant_col(),
    sa.Column("allowance", sa.String(30), primary_key=True),
    sa.Column("case_id", sa.String(10), primary_key=True),
    sa.Column("month", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("payment_month", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("amount", sa.BigInteger, nullable=False),  # the entitlement as computed by that run
    info=APPEND_ONLY,
)

welfare_payment_file = sa.Table(
    "welfare_payment_file",
    metadata,
    tenant_col(),
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("kind", sa.String(12), primary_key=True),  # zengin | list | summary
    sa.Column("file_name", sa.String(100), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    info=APPEND_ONLY,
)
