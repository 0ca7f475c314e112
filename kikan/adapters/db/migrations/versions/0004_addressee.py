"""addressee

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import kikan.adapters.db.types
from kikan.adapters.db import rls

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RLS_TABLES: list[str] = [
    "addressee_cursor",
    "addressee_link",
    "addressee_record",
    "addressee_version",
    "euc_definition",
]
APPEND_ONLY: list[str] = ["addressee_version", "euc_definition"]
PLAIN_TABLES: list[str] = []


def upgrade() -> None:
    op.create_table(
        "addressee_cursor",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("subscriber", sa.String(length=60), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "subscriber", name=op.f("pk_addressee_cursor")),
        info={"rls": True},
    )
    op.create_table(
        "addressee_link",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("business", sa.String(length=40), nullable=False, comment="業務"),
        sa.Column("business_no", sa.String(length=20), nullable=False, comment="業務の宛名番号"),
        sa.Column("integrated_no", sa.String(length=15), nullable=False, comment="団体内統合宛名番号"),
        sa.Column("linked_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("linked_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "business", "business_no", name=op.f("pk_addressee_link")),
        info={"rls": True},
    )
    with op.batch_alter_table("addressee_link", schema=None) as batch_op:
        batch_op.create_index("ix_addressee_link_integrated", ["tenant_id", "integrated_no"], unique=False)

    op.create_table(
        "addressee_record",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("integrated_no", sa.String(length=15), nullable=False, comment="団体内統合宛名番号"),
        sa.Column("kind", sa.String(length=12), nullable=False, comment="person 個人 / corporation 法人"),
        sa.Column(
            "origin", sa.String(length=12), nullable=False, comment="registry 住民記録 / staff 住登外者の付番"
        ),
        sa.Column(
            "status",
            sa.String(length=16),
            nullable=False,
            comment="resident / removed / non_resident / corporation",
        ),
        sa.Column("registry_addressee_no", sa.String(length=15), nullable=True, comment="住民記録の宛名番号"),
        sa.Column("non_resident_no", sa.String(length=15), nullable=True, comment="住登外者宛名番号"),
        sa.Column("registry_history_no", sa.Integer(), nullable=True, comment="反映済みの住民記録の履歴番号"),
        sa.Column("version", sa.Integer(), nullable=False, comment="現在の版"),
        sa.Column("created_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "integrated_no", name=op.f("pk_addressee_record")),
        info={"rls": True},
    )
    with op.batch_alter_table("addressee_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_addressee_record_non_resident", ["tenant_id", "non_resident_no"], unique=True
        )
        batch_op.create_index(
            "ix_addressee_record_registry", ["tenant_id", "registry_addressee_no"], unique=True
        )

    op.create_table(
        "addressee_version",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("integrated_no", sa.String(length=15), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False, comment="版"),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=True, comment="氏"),
        sa.Column("given_name", sa.String(length=100), nullable=True, comment="名"),
        sa.Column("family_name_kana", sa.String(length=100), nullable=True, comment="氏フリガナ"),
        sa.Column("given_name_kana", sa.String(length=100), nullable=True, comment="名フリガナ"),
        sa.Column("birth_date", sa.Date(), nullable=True, comment="生年月日"),
        sa.Column("sex", sa.String(length=1), nullable=True, comment="性別"),
        sa.Column("corporate_no", sa.String(length=13), nullable=True, comment="法人番号"),
        sa.Column("corporate_name", sa.String(length=200), nullable=True, comment="法人名称"),
        sa.Column("corporate_name_kana", sa.String(length=200), nullable=True, comment="法人名称フリガナ"),
        sa.Column("address", sa.String(length=200), nullable=True, comment="住所・所在地"),
        sa.Column("katagaki", sa.String(length=200), nullable=True, comment="方書"),
        sa.Column("postal_code", sa.String(length=7), nullable=True, comment="郵便番号"),
        sa.Column("remarks", sa.String(length=1000), nullable=True, comment="備考"),
        sa.Column("changed_on", sa.Date(), nullable=True, comment="異動日・変更日"),
        sa.Column("reason", sa.String(length=200), nullable=False, comment="変更事由"),
        sa.Column("origin", sa.String(length=12), nullable=False, comment="registry / staff"),
        sa.Column("registry_history_no", sa.Integer(), nullable=True, comment="住民記録の履歴番号"),
        sa.Column(
            "distinct_from",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
            comment="別人と確認した宛名と理由",
        ),
        sa.Column("kana_key", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("address_key", sa.String(length=400), nullable=False),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "integrated_no", "version", name=op.f("pk_addressee_version")),
        info={"rls": True, "append_only": True},
    )
    with op.batch_alter_table("addressee_version", schema=None) as batch_op:
        batch_op.create_index("ix_addressee_version_birth", ["tenant_id", "birth_date"], unique=False)
        batch_op.create_index("ix_addressee_version_corporate", ["tenant_id", "corporate_no"], unique=False)
        batch_op.create_index(
            "ix_addressee_version_kana",
            ["tenant_id", "kana_key"],
            unique=False,
            postgresql_ops={"kana_key": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_addressee_version_name",
            ["tenant_id", "name_key"],
            unique=False,
            postgresql_ops={"name_key": "text_pattern_ops"},
        )

    op.create_table(
        "euc_definition",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("definition_id", sa.Integer(), autoincrement=False, nullable=False, comment="定義番号"),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False, comment="版"),
        sa.Column("name", sa.String(length=100), nullable=False, comment="名称"),
        sa.Column("description", sa.String(length=500), nullable=False, comment="説明"),
        sa.Column(
            "spec",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
            comment="抽出条件・出力項目・並び順",
        ),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "definition_id", "version", name=op.f("pk_euc_definition")),
        info={"rls": True, "append_only": True},
    )
    rls.apply(op.get_bind(), RLS_TABLES, APPEND_ONLY, PLAIN_TABLES)


def downgrade() -> None:
    op.drop_table("euc_definition")
    with op.batch_alter_table("addressee_version", schema=None) as batch_op:
        batch_op.drop_index("ix_addressee_version_name", postgresql_ops={"name_key": "text_pattern_ops"})
        batch_op.drop_index("ix_addressee_version_kana", postgresql_ops={"kana_key": "text_pattern_ops"})
        batch_op.drop_index("ix_addressee_version_corporate")
        batch_op.drop_index("ix_addressee_version_birth")

    op.drop_table("addressee_version")
    with op.batch_alter_table("addressee_record", schema=None) as batch_op:
        batch_op.drop_index("ix_addressee_record_registry")
        batch_op.drop_index("ix_addressee_record_non_resident")

    op.drop_table("addressee_record")
    with op.batch_alter_table("addressee_link", schema=None) as batch_op:
        batch_op.drop_index("ix_addressee_link_integrated")

    op.drop_table("addressee_link")
    op.drop_table("addressee_cursor")
