"""characters

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import kikan.adapters.db.types
from kikan.adapters.db import rls

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RLS_TABLES: list[str] = ["characters_gaiji_code", "characters_gaiji_decision", "characters_gaiji_usage"]
APPEND_ONLY: list[str] = ["characters_gaiji_decision"]
PLAIN_TABLES: list[str] = []


def upgrade() -> None:
    op.create_table(
        "characters_gaiji_code",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("code_system", sa.String(length=40), nullable=False, comment="外字体系（cp932 等）"),
        sa.Column("code", sa.String(length=40), nullable=False, comment="外字コード"),
        sa.Column("pua", sa.String(length=4), nullable=True, comment="私用領域の文字"),
        sa.Column("description", sa.String(length=400), nullable=False, comment="字形の説明"),
        sa.Column("juki_code", sa.String(length=10), nullable=False, comment="住基ネット統一文字コード"),
        sa.Column("mj_name", sa.String(length=12), nullable=False, comment="MJ文字図形名"),
        sa.Column("source", sa.String(length=200), nullable=False, comment="外字表のファイル名等"),
        sa.Column("updated_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "code_system", "code", name=op.f("pk_characters_gaiji_code")),
        info={"rls": True},
    )
    op.create_table(
        "characters_gaiji_decision",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False, comment="決定番号（団体内連番）"),
        sa.Column("code_system", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column(
            "text", sa.String(length=40), nullable=False, comment="同定した行政事務標準文字（空: 取消し）"
        ),
        sa.Column("mj_name", sa.String(length=12), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False, comment="根拠"),
        sa.Column("note", sa.String(length=400), nullable=False),
        sa.Column("decided_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "seq", name=op.f("pk_characters_gaiji_decision")),
        info={"rls": True, "append_only": True},
    )
    with op.batch_alter_table("characters_gaiji_decision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_characters_gaiji_decision_code", ["tenant_id", "code_system", "code", "seq"], unique=False
        )

    op.create_table(
        "characters_gaiji_usage",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("code_system", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("source_file", sa.String(length=300), nullable=False, comment="移行元ファイル"),
        sa.Column("source_row", sa.Integer(), autoincrement=False, nullable=False, comment="行番号"),
        sa.Column("field", sa.String(length=100), nullable=False, comment="項目"),
        sa.Column(
            "record_key", sa.String(length=100), nullable=False, comment="レコードのキー（宛名番号等）"
        ),
        sa.Column("context", sa.String(length=400), nullable=False, comment="項目の値"),
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("collected_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id",
            "code_system",
            "code",
            "source_file",
            "source_row",
            "field",
            name=op.f("pk_characters_gaiji_usage"),
        ),
        info={"rls": True},
    )
    rls.apply(op.get_bind(), RLS_TABLES, APPEND_ONLY, PLAIN_TABLES)


def downgrade() -> None:
    op.drop_table("characters_gaiji_usage")
    with op.batch_alter_table("characters_gaiji_decision", schema=None) as batch_op:
        batch_op.drop_index("ix_characters_gaiji_decision_code")

    op.drop_table("characters_gaiji_decision")
    op.drop_table("characters_gaiji_code")
