"""data linkage

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import kikan.adapters.db.types
from kikan.adapters.db import rls

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RLS_TABLES: list[str] = ["linkage_exchange", "linkage_substitution"]
APPEND_ONLY: list[str] = ["linkage_exchange", "linkage_substitution"]
PLAIN_TABLES: list[str] = ["linkage_client", "linkage_grant", "linkage_jti", "linkage_token"]


def upgrade() -> None:
    op.create_table(
        "linkage_client",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("secret_enc", sa.String(length=300), nullable=False),
        sa.Column("previous_secret_enc", sa.String(length=300), nullable=True),
        sa.Column(
            "previous_valid_until",
            kikan.adapters.db.types.UTCDateTime(timezone=True),
            nullable=True,
            comment="ローテーション猶予期限",
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("rotated_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_linkage_client")),
        info={"control_plane": True},
    )
    op.create_table(
        "linkage_exchange",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("exchange_id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=100), nullable=False),
        sa.Column("dataset", sa.String(length=80), nullable=False),
        sa.Column("operation", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cursor_from", sa.String(length=400), nullable=False),
        sa.Column("cursor_to", sa.String(length=400), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("keys_digest", sa.String(length=64), nullable=False),
        sa.Column("keys", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("client_addr", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "seq", name=op.f("pk_linkage_exchange")),
        info={"rls": True, "append_only": True},
    )
    with op.batch_alter_table("linkage_exchange", schema=None) as batch_op:
        batch_op.create_index("ix_linkage_exchange_client", ["tenant_id", "client_id", "at"], unique=False)
        batch_op.create_index("ix_linkage_exchange_id", ["tenant_id", "exchange_id"], unique=False)

    op.create_table(
        "linkage_jti",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("jti", sa.String(length=200), nullable=False),
        sa.Column("expires_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "jti", name=op.f("pk_linkage_jti")),
        info={"control_plane": True},
    )
    with op.batch_alter_table("linkage_jti", schema=None) as batch_op:
        batch_op.create_index("ix_linkage_jti_expires", ["expires_at"], unique=False)

    op.create_table(
        "linkage_substitution",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("exchange_id", sa.String(length=36), nullable=False),
        sa.Column("n", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("line", sa.Integer(), nullable=False, comment="ファイルの行番号（見出し行を含む）"),
        sa.Column("record_key", sa.String(length=100), nullable=False),
        sa.Column("column_name", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("original", sa.String(length=40), nullable=False),
        sa.Column("code_points", sa.String(length=100), nullable=False),
        sa.Column("replacement", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "exchange_id", "n", name=op.f("pk_linkage_substitution")),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "linkage_grant",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("dataset", sa.String(length=80), nullable=False),
        sa.Column("granted_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["linkage_client.client_id"],
            name=op.f("fk_linkage_grant_client_id_linkage_client"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.tenant_id"], name=op.f("fk_linkage_grant_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("client_id", "tenant_id", "dataset", name=op.f("pk_linkage_grant")),
        info={"control_plane": True},
    )
    op.create_table(
        "linkage_token",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("datasets", sa.String(length=1000), nullable=False),
        sa.Column("issued_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["linkage_client.client_id"],
            name=op.f("fk_linkage_token_client_id_linkage_client"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.tenant_id"], name=op.f("fk_linkage_token_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_linkage_token")),
        info={"control_plane": True},
    )
    with op.batch_alter_table("linkage_token", schema=None) as batch_op:
        batch_op.create_index("ix_linkage_token_client", ["client_id"], unique=False)
        batch_op.create_index("ix_linkage_token_expires", ["expires_at"], unique=False)
    rls.apply(op.get_bind(), RLS_TABLES, APPEND_ONLY, PLAIN_TABLES)


def downgrade() -> None:
    with op.batch_alter_table("linkage_token", schema=None) as batch_op:
        batch_op.drop_index("ix_linkage_token_expires")
        batch_op.drop_index("ix_linkage_token_client")

    op.drop_table("linkage_token")
    op.drop_table("linkage_grant")
    op.drop_table("linkage_substitution")
    with op.batch_alter_table("linkage_jti", schema=None) as batch_op:
        batch_op.drop_index("ix_linkage_jti_expires")

    op.drop_table("linkage_jti")
    with op.batch_alter_table("linkage_exchange", schema=None) as batch_op:
        batch_op.drop_index("ix_linkage_exchange_id")
        batch_op.drop_index("ix_linkage_exchange_client")

    op.drop_table("linkage_exchange")
    op.drop_table("linkage_client")
