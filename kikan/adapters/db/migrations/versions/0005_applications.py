"""applications (申請管理)

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import kikan.adapters.db.types
from kikan.adapters.db import rls

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RLS_TABLES: list[str] = ["application", "application_correction", "application_status"]
APPEND_ONLY: list[str] = ["application_correction", "application_status"]
PLAIN_TABLES: list[str] = []


def upgrade() -> None:
    op.create_table(
        "application",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("receipt_no", sa.String(length=10), nullable=False, comment="受付番号"),
        sa.Column("form_id", sa.String(length=60), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("procedure", sa.String(length=60), nullable=False),
        sa.Column("business", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
            comment="申請内容（職員の補正を反映）",
        ),
        sa.Column(
            "submitted_data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
            comment="申請内容（受付時のまま）",
        ),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False, comment="二重送信の判定キー"),
        sa.Column(
            "secret_hash", sa.String(length=200), nullable=False, comment="確認コードのハッシュ（Argon2id）"
        ),
        sa.Column("client_addr", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False, comment="受付日（JST）"),
        sa.Column("updated_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
            comment="適用の結果（異動ID・発行番号など）",
        ),
        sa.Column("result_ref", sa.String(length=200), nullable=True),
        sa.Column("public_note", sa.Text(), nullable=True, comment="申請者に示す補正依頼の内容・却下の理由"),
        sa.Column("last_error", sa.Text(), nullable=True, comment="直近の適用で業務が拒否した理由"),
        sa.Column("last_error_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "receipt_no", name=op.f("pk_application")),
        sa.UniqueConstraint("tenant_id", "idempotency_key", name="uq_application_idempotency"),
        info={"rls": True},
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index("ix_application_form", ["tenant_id", "form_id", "submitted_at"], unique=False)
        batch_op.create_index("ix_application_status", ["tenant_id", "status", "submitted_at"], unique=False)

    op.create_table(
        "application_correction",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("receipt_no", sa.String(length=10), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "receipt_no", "seq", name=op.f("pk_application_correction")),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "application_status",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("receipt_no", sa.String(length=10), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "receipt_no", "seq", name=op.f("pk_application_status")),
        info={"rls": True, "append_only": True},
    )
    rls.apply(op.get_bind(), RLS_TABLES, APPEND_ONLY, PLAIN_TABLES)


def downgrade() -> None:
    op.drop_table("application_status")
    op.drop_table("application_correction")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_status")
        batch_op.drop_index("ix_application_form")

    op.drop_table("application")
