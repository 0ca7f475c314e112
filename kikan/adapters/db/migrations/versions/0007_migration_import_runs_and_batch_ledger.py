"""migration: import runs and batch ledger

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import kikan.adapters.db.types
from kikan.adapters.db import rls

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RLS_TABLES: list[str] = ["migration_batch", "migration_run"]
APPEND_ONLY: list[str] = ["migration_batch"]
PLAIN_TABLES: list[str] = []


def upgrade() -> None:
    op.create_table(
        "migration_batch",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column(
            "digest",
            sa.String(length=64),
            nullable=False,
            comment="取込みの識別（レイアウトと全ファイルのSHA-256）",
        ),
        sa.Column("batch_no", sa.Integer(), autoincrement=False, nullable=False, comment="バッチ番号"),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("gaiji_as_of_seq", sa.Integer(), nullable=True),
        sa.Column("committed_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "digest", "batch_no", name=op.f("pk_migration_batch")),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "migration_run",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column(
            "kind",
            sa.String(length=20),
            nullable=False,
            comment="dry_run | import | export | disaster_export",
        ),
        sa.Column("layout", sa.String(length=100), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False, comment="レイアウトと全ファイルのSHA-256"),
        sa.Column(
            "files",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
            comment="ファイル名・バイト数・SHA-256",
        ),
        sa.Column(
            "status", sa.String(length=20), nullable=False, comment="running | completed | refused | failed"
        ),
        sa.Column("gaiji_as_of_seq", sa.Integer(), nullable=True, comment="使用した外字同定の決定番号"),
        sa.Column(
            "summary",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
            comment="件数・エラー件数等",
        ),
        sa.Column("started_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "run_id", name=op.f("pk_migration_run")),
        info={"rls": True},
    )
    with op.batch_alter_table("migration_run", schema=None) as batch_op:
        batch_op.create_index("ix_migration_run_digest", ["tenant_id", "digest"], unique=False)
    rls.apply(op.get_bind(), RLS_TABLES, APPEND_ONLY, PLAIN_TABLES)


def downgrade() -> None:
    with op.batch_alter_table("migration_run", schema=None) as batch_op:
        batch_op.drop_index("ix_migration_run_digest")

    op.drop_table("migration_run")
    op.drop_table("migration_batch")
