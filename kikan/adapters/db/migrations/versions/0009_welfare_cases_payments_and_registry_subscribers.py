"""welfare cases, payments and registry subscribers

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import kikan.adapters.db.types
from kikan.adapters.db import rls

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RLS_TABLES: list[str] = [
    "welfare_bank_account",
    "welfare_case",
    "welfare_case_child",
    "welfare_case_version",
    "welfare_feed_cursor",
    "welfare_income",
    "welfare_life_event",
    "welfare_payer",
    "welfare_payment_chunk",
    "welfare_payment_file",
    "welfare_payment_line",
    "welfare_payment_run",
    "welfare_person",
    "welfare_processed_item",
    "welfare_settled_month",
    "welfare_task",
]
APPEND_ONLY: list[str] = [
    "welfare_bank_account",
    "welfare_case_child",
    "welfare_case_version",
    "welfare_income",
    "welfare_life_event",
    "welfare_payment_chunk",
    "welfare_payment_file",
    "welfare_payment_line",
    "welfare_processed_item",
    "welfare_settled_month",
]
PLAIN_TABLES: list[str] = []


def upgrade() -> None:
    op.create_table(
        "welfare_bank_account",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("bank_code", sa.String(length=4), nullable=False),
        sa.Column("bank_name", sa.String(length=15), nullable=False),
        sa.Column("branch_code", sa.String(length=3), nullable=False),
        sa.Column("branch_name", sa.String(length=15), nullable=False),
        sa.Column("account_type", sa.Integer(), nullable=False),
        sa.Column("account_no", sa.String(length=7), nullable=False),
        sa.Column("holder_kana", sa.String(length=100), nullable=False),
        sa.Column("holder_zengin", sa.String(length=30), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "addressee_no", "version", name=op.f("pk_welfare_bank_account")),
        info={"rls": True, "append_only": True},
    )
    with op.batch_alter_table("welfare_bank_account", schema=None) as batch_op:
        batch_op.create_index("ix_welfare_bank_account_seq", ["tenant_id", "change_seq"], unique=False)

    op.create_table(
        "welfare_case",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("case_id", sa.String(length=10), nullable=False),
        sa.Column("allowance", sa.String(length=30), nullable=False),
        sa.Column("recipient", sa.String(length=15), nullable=False),
        sa.Column("household_no", sa.String(length=15), nullable=True),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "case_id", name=op.f("pk_welfare_case")),
        info={"rls": True},
    )
    with op.batch_alter_table("welfare_case", schema=None) as batch_op:
        batch_op.create_index("ix_welfare_case_allowance", ["tenant_id", "allowance", "status"], unique=False)
        batch_op.create_index("ix_welfare_case_household", ["tenant_id", "household_no"], unique=False)
        batch_op.create_index("ix_welfare_case_recipient", ["tenant_id", "recipient"], unique=False)

    op.create_table(
        "welfare_case_child",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("case_id", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("child_id", sa.String(length=15), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("supported", sa.Boolean(), nullable=False),
        sa.Column("in_facility", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("from_month", sa.Integer(), nullable=False),
        sa.Column("until_month", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "case_id", "version", "seq", name=op.f("pk_welfare_case_child")),
        info={"rls": True, "append_only": True},
    )
    with op.batch_alter_table("welfare_case_child", schema=None) as batch_op:
        batch_op.create_index("ix_welfare_case_child_child", ["tenant_id", "child_id"], unique=False)

    op.create_table(
        "welfare_case_version",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("case_id", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("allowance", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("reason_code", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("start_month", sa.Integer(), nullable=True),
        sa.Column("end_month", sa.Integer(), nullable=True),
        sa.Column("public_servant", sa.Boolean(), nullable=False),
        sa.Column("claimant_kind", sa.Integer(), nullable=False),
        sa.Column("pension_kind", sa.Integer(), nullable=False),
        sa.Column("pension_annual", sa.BigInteger(), nullable=False),
        sa.Column("has_suspension", sa.Boolean(), nullable=False),
        sa.Column(
            "suspensions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("obligors", sa.String(length=200), nullable=True),
        sa.Column("monthly_amount", sa.BigInteger(), nullable=False),
        sa.Column(
            "state",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "trace",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "case_id", "version", name=op.f("pk_welfare_case_version")),
        info={"rls": True, "append_only": True},
    )
    with op.batch_alter_table("welfare_case_version", schema=None) as batch_op:
        batch_op.create_index("ix_welfare_case_version_seq", ["tenant_id", "change_seq"], unique=False)

    op.create_table(
        "welfare_feed_cursor",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("dataset", sa.String(length=60), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=False),
        sa.Column("updated_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "dataset", name=op.f("pk_welfare_feed_cursor")),
        info={"rls": True},
    )
    op.create_table(
        "welfare_income",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("income_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("total_income", sa.BigInteger(), nullable=False),
        sa.Column("salary_pension_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("other_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("child_support", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("nontaxable_pension", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("deductions", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("disabled_persons", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("special_disabled_persons", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("working_student", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("widow", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("single_parent", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("dependants", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("elderly_dependants", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("specified_dependants", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "addressee_no", "income_year", "version", name=op.f("pk_welfare_income")
        ),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "welfare_life_event",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("event_code", sa.String(length=40), nullable=True),
        sa.Column("event_on", sa.Date(), nullable=True),
        sa.Column("household_no", sa.String(length=15), nullable=True),
        sa.Column("received_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "event_id", "addressee_no", name=op.f("pk_welfare_life_event")),
        info={"rls": True, "append_only": True},
    )
    with op.batch_alter_table("welfare_life_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_welfare_life_event_person", ["tenant_id", "addressee_no", "event_on"], unique=False
        )

    op.create_table(
        "welfare_payer",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("allowance", sa.String(length=30), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("pay_day", sa.Integer(), nullable=False),
        sa.Column("updated_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "allowance", name=op.f("pk_welfare_payer")),
        info={"rls": True},
    )
    op.create_table(
        "welfare_payment_chunk",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("run_id", sa.String(length=40), nullable=False),
        sa.Column("chunk_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("completed_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "run_id", "chunk_no", name=op.f("pk_welfare_payment_chunk")),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "welfare_payment_file",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("run_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("file_name", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "run_id", "kind", name=op.f("pk_welfare_payment_file")),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "welfare_payment_line",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("run_id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=10), nullable=False),
        sa.Column("chunk_no", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=15), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("regular", sa.BigInteger(), nullable=False),
        sa.Column("arrears", sa.BigInteger(), nullable=False),
        sa.Column("overpaid", sa.BigInteger(), nullable=False),
        sa.Column("months", sa.String(length=400), nullable=True),
        sa.Column("bank_code", sa.String(length=4), nullable=True),
        sa.Column("bank_name", sa.String(length=15), nullable=True),
        sa.Column("branch_code", sa.String(length=3), nullable=True),
        sa.Column("branch_name", sa.String(length=15), nullable=True),
        sa.Column("account_type", sa.Integer(), nullable=True),
        sa.Column("account_no", sa.String(length=7), nullable=True),
        sa.Column("holder", sa.String(length=30), nullable=True),
        sa.Column("new_code", sa.String(length=1), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "run_id", "case_id", name=op.f("pk_welfare_payment_line")),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "welfare_payment_run",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("run_id", sa.String(length=40), nullable=False),
        sa.Column("allowance", sa.String(length=30), nullable=False),
        sa.Column("payment_month", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("known_seq", sa.BigInteger(), nullable=False),
        sa.Column("known_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("previous_seq", sa.BigInteger(), nullable=True),
        sa.Column("ledger_from", sa.Integer(), nullable=False),
        sa.Column("transfer_on", sa.Date(), nullable=False),
        sa.Column(
            "payer",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("newline", sa.Boolean(), nullable=False),
        sa.Column("chunk_size", sa.Integer(), nullable=False),
        sa.Column("chunks_total", sa.Integer(), nullable=True),
        sa.Column("started_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=100), nullable=False),
        sa.Column("completed_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "summary",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "run_id", name=op.f("pk_welfare_payment_run")),
        info={"rls": True},
    )
    with op.batch_alter_table("welfare_payment_run", schema=None) as batch_op:
        batch_op.create_index(
            "ix_welfare_payment_run_allowance", ["tenant_id", "allowance", "payment_month"], unique=False
        )

    op.create_table(
        "welfare_person",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("history_no", sa.Integer(), nullable=False),
        sa.Column("household_no", sa.String(length=15), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("family_name", sa.String(length=100), nullable=True),
        sa.Column("given_name", sa.String(length=100), nullable=True),
        sa.Column("family_name_kana", sa.String(length=100), nullable=True),
        sa.Column("given_name_kana", sa.String(length=100), nullable=True),
        sa.Column("relationship", sa.String(length=40), nullable=True),
        sa.Column("received_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "addressee_no", name=op.f("pk_welfare_person")),
        info={"rls": True},
    )
    with op.batch_alter_table("welfare_person", schema=None) as batch_op:
        batch_op.create_index("ix_welfare_person_household", ["tenant_id", "household_no"], unique=False)

    op.create_table(
        "welfare_processed_item",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("dataset", sa.String(length=60), nullable=False),
        sa.Column("item_id", sa.String(length=80), nullable=False),
        sa.Column("processed_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "dataset", "item_id", name=op.f("pk_welfare_processed_item")),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "welfare_settled_month",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("allowance", sa.String(length=30), nullable=False),
        sa.Column("case_id", sa.String(length=10), nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("payment_month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id",
            "allowance",
            "case_id",
            "month",
            "payment_month",
            name=op.f("pk_welfare_settled_month"),
        ),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "welfare_task",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("task_id", sa.String(length=12), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.String(length=1000), nullable=False),
        sa.Column("case_id", sa.String(length=10), nullable=True),
        sa.Column("addressee_no", sa.String(length=15), nullable=True),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("done_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=100), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "task_id", name=op.f("pk_welfare_task")),
        sa.UniqueConstraint("tenant_id", "dedupe_key", name="uq_welfare_task_dedupe"),
        info={"rls": True},
    )
    with op.batch_alter_table("welfare_task", schema=None) as batch_op:
        batch_op.create_index("ix_welfare_task_status", ["tenant_id", "status", "kind"], unique=False)
    rls.apply(op.get_bind(), RLS_TABLES, APPEND_ONLY, PLAIN_TABLES)


def downgrade() -> None:
    with op.batch_alter_table("welfare_task", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_task_status")

    op.drop_table("welfare_task")
    op.drop_table("welfare_settled_month")
    op.drop_table("welfare_processed_item")
    with op.batch_alter_table("welfare_person", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_person_household")

    op.drop_table("welfare_person")
    with op.batch_alter_table("welfare_payment_run", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_payment_run_allowance")

    op.drop_table("welfare_payment_run")
    op.drop_table("welfare_payment_line")
    op.drop_table("welfare_payment_file")
    op.drop_table("welfare_payment_chunk")
    op.drop_table("welfare_payer")
    with op.batch_alter_table("welfare_life_event", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_life_event_person")

    op.drop_table("welfare_life_event")
    op.drop_table("welfare_income")
    op.drop_table("welfare_feed_cursor")
    with op.batch_alter_table("welfare_case_version", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_case_version_seq")

    op.drop_table("welfare_case_version")
    with op.batch_alter_table("welfare_case_child", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_case_child_child")

    op.drop_table("welfare_case_child")
    with op.batch_alter_table("welfare_case", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_case_recipient")
        batch_op.drop_index("ix_welfare_case_household")
        batch_op.drop_index("ix_welfare_case_allowance")

    op.drop_table("welfare_case")
    with op.batch_alter_table("welfare_bank_account", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_bank_account_seq")

    op.drop_table("welfare_bank_account")
