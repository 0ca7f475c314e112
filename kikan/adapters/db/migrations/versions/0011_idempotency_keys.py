"""idempotency keys of the write API (Idempotency-Key header)

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import kikan.adapters.db.types
from kikan.adapters.db import rls

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RLS_TABLES: list[str] = ["idempotency_key"]
APPEND_ONLY: list[str] = []
PLAIN_TABLES: list[str] = []


def upgrade() -> None:
    op.create_table(
        "idempotency_key",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False, comment="職員（キーは職員ごと）"),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False, comment="Idempotency-Key ヘッダの値"),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False, comment="sha256(method, path, sha256(body))"),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=False, comment="処理中の要求の識別子"),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column(
            "response_headers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "actor", "idempotency_key", name=op.f("pk_idempotency_key")),
        info={"rls": True},
    )
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.create_index("ix_idempotency_key_expires", ["tenant_id", "expires_at"], unique=False)
    rls.apply(op.get_bind(), RLS_TABLES, APPEND_ONLY, PLAIN_TABLES)


def downgrade() -> None:
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.drop_index("ix_idempotency_key_expires")

    op.drop_table("idempotency_key")
