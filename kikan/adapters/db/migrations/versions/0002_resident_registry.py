"""resident registry

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import kikan.adapters.db.types
from kikan.adapters.db import rls

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RLS_TABLES: list[str] = [
    "juki_block",
    "juki_certificate_issue",
    "juki_history",
    "juki_household",
    "juki_resident",
]
APPEND_ONLY: list[str] = ["juki_certificate_issue"]
PLAIN_TABLES: list[str] = []


def upgrade() -> None:
    op.create_table(
        "juki_block",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("block_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=True),
        sa.Column("household_no", sa.String(length=15), nullable=True),
        sa.Column("processes", sa.String(length=60), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("released_on", sa.Date(), nullable=True, comment="解除日（終了日では自動解除しない）"),
        sa.Column("released_by", sa.String(length=100), nullable=True),
        sa.Column(
            "temporary_release_until",
            kikan.adapters.db.types.UTCDateTime(timezone=True),
            nullable=True,
            comment="一時解除の期限",
        ),
        sa.Column("support_stage", sa.String(length=20), nullable=True),
        sa.Column("parent_block_id", sa.String(length=36), nullable=True, comment="延長元"),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "block_id", name=op.f("pk_juki_block")),
        info={"rls": True},
    )
    with op.batch_alter_table("juki_block", schema=None) as batch_op:
        batch_op.create_index("ix_juki_block_household", ["tenant_id", "household_no"], unique=False)
        batch_op.create_index("ix_juki_block_person", ["tenant_id", "addressee_no"], unique=False)

    op.create_table(
        "juki_certificate_issue",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("issue_no", sa.String(length=20), nullable=False, comment="発行番号"),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("household_no", sa.String(length=15), nullable=True),
        sa.Column("addressee_nos", sa.String(length=400), nullable=False),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("released_by", sa.String(length=100), nullable=True, comment="支援措置を解除した責任者"),
        sa.PrimaryKeyConstraint("tenant_id", "issue_no", name=op.f("pk_juki_certificate_issue")),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "juki_history",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False, comment="宛名番号"),
        sa.Column("history_no", sa.Integer(), autoincrement=False, nullable=False, comment="履歴番号"),
        sa.Column("household_no", sa.String(length=15), nullable=True, comment="世帯番号"),
        sa.Column("status", sa.String(length=10), nullable=True, comment="住民状態"),
        sa.Column("resident_kind", sa.String(length=10), nullable=True, comment="住民種別"),
        sa.Column("family_name", sa.String(length=100), nullable=True, comment="氏"),
        sa.Column("given_name", sa.String(length=100), nullable=True, comment="名"),
        sa.Column("family_name_kana", sa.String(length=100), nullable=True, comment="氏フリガナ"),
        sa.Column("given_name_kana", sa.String(length=100), nullable=True, comment="名フリガナ"),
        sa.Column("kana_confirmed", sa.Boolean(), nullable=True, comment="フリガナ確認フラグ"),
        sa.Column("former_family_name", sa.String(length=100), nullable=True, comment="旧氏"),
        sa.Column("former_family_name_kana", sa.String(length=100), nullable=True, comment="旧氏フリガナ"),
        sa.Column("former_kana_confirmed", sa.Boolean(), nullable=True, comment="旧氏フリガナ確認フラグ"),
        sa.Column("birth_date", sa.Date(), nullable=True, comment="生年月日"),
        sa.Column("sex", sa.String(length=1), nullable=True, comment="性別"),
        sa.Column("relationship", sa.String(length=40), nullable=True, comment="続柄"),
        sa.Column("household_order", sa.Integer(), nullable=True, comment="世帯員の並び順"),
        sa.Column("head_name", sa.String(length=200), nullable=True, comment="世帯主の氏名"),
        sa.Column("honseki", sa.String(length=200), nullable=True, comment="本籍"),
        sa.Column("hitto_name", sa.String(length=100), nullable=True, comment="筆頭者"),
        sa.Column("became_resident_on", sa.Date(), nullable=True, comment="住民となった年月日"),
        sa.Column("address_set_on", sa.Date(), nullable=True, comment="住所を定めた年月日"),
        sa.Column("notified_on", sa.Date(), nullable=True, comment="届出の年月日"),
        sa.Column("address", sa.String(length=200), nullable=True, comment="住所"),
        sa.Column("katagaki", sa.String(length=200), nullable=True, comment="方書"),
        sa.Column("address_code", sa.String(length=20), nullable=True, comment="住所コード"),
        sa.Column("postal_code", sa.String(length=7), nullable=True, comment="郵便番号"),
        sa.Column("town_code", sa.String(length=20), nullable=True, comment="町字コード"),
        sa.Column("previous_address", sa.String(length=200), nullable=True, comment="転入前住所"),
        sa.Column(
            "previous_address_code", sa.String(length=20), nullable=True, comment="転入前住所の住所コード"
        ),
        sa.Column("previous_postal_code", sa.String(length=7), nullable=True, comment="転入前住所の郵便番号"),
        sa.Column("prior_address", sa.String(length=200), nullable=True, comment="異動前住所"),
        sa.Column(
            "individual_number_enc", sa.String(length=200), nullable=True, comment="個人番号（暗号化）"
        ),
        sa.Column(
            "individual_number_hash",
            sa.String(length=64),
            nullable=True,
            comment="個人番号（照合用ハッシュ）",
        ),
        sa.Column("juminhyo_code", sa.String(length=11), nullable=True, comment="住民票コード"),
        sa.Column("elector_registered", sa.Boolean(), nullable=True, comment="選挙人名簿登録の有無"),
        sa.Column("nhi_insured", sa.Boolean(), nullable=True, comment="国民健康保険の被保険者"),
        sa.Column("nhi_acquired_on", sa.Date(), nullable=True, comment="国民健康保険 資格取得年月日"),
        sa.Column("nhi_lost_on", sa.Date(), nullable=True, comment="国民健康保険 資格喪失年月日"),
        sa.Column("elderly_medical_insured", sa.Boolean(), nullable=True, comment="後期高齢者医療の被保険者"),
        sa.Column(
            "elderly_medical_acquired_on", sa.Date(), nullable=True, comment="後期高齢者医療 資格取得年月日"
        ),
        sa.Column(
            "elderly_medical_lost_on", sa.Date(), nullable=True, comment="後期高齢者医療 資格喪失年月日"
        ),
        sa.Column("ltc_insured", sa.Boolean(), nullable=True, comment="介護保険の被保険者"),
        sa.Column("ltc_acquired_on", sa.Date(), nullable=True, comment="介護保険 資格取得年月日"),
        sa.Column("ltc_lost_on", sa.Date(), nullable=True, comment="介護保険 資格喪失年月日"),
        sa.Column("pension_insured", sa.Boolean(), nullable=True, comment="国民年金の被保険者"),
        sa.Column("basic_pension_no", sa.String(length=10), nullable=True, comment="基礎年金番号"),
        sa.Column("pension_kind", sa.String(length=2), nullable=True, comment="国民年金 種別"),
        sa.Column("pension_kind_changed_on", sa.Date(), nullable=True, comment="国民年金 種別変更年月日"),
        sa.Column("pension_acquired_on", sa.Date(), nullable=True, comment="国民年金 資格取得年月日"),
        sa.Column("pension_lost_on", sa.Date(), nullable=True, comment="国民年金 資格喪失年月日"),
        sa.Column(
            "child_allowance_from", sa.String(length=7), nullable=True, comment="児童手当 受給開始年月"
        ),
        sa.Column("child_allowance_to", sa.String(length=7), nullable=True, comment="児童手当 受給終了年月"),
        sa.Column("removal_reason", sa.String(length=20), nullable=True, comment="消除事由"),
        sa.Column("removal_on", sa.Date(), nullable=True, comment="事由の生じた年月日"),
        sa.Column("moved_out_to_planned", sa.String(length=200), nullable=True, comment="転出先住所（予定）"),
        sa.Column("moved_out_to", sa.String(length=200), nullable=True, comment="転出先住所（確定）"),
        sa.Column("move_out_planned_on", sa.Date(), nullable=True, comment="転出予定年月日"),
        sa.Column("move_in_notice_on", sa.Date(), nullable=True, comment="転入通知年月日"),
        sa.Column("alpha_name", sa.String(length=200), nullable=True, comment="氏名（アルファベット）"),
        sa.Column("tsusho", sa.String(length=100), nullable=True, comment="通称"),
        sa.Column("tsusho_kana", sa.String(length=100), nullable=True, comment="通称フリガナ"),
        sa.Column("tsusho_recorded_on", sa.Date(), nullable=True, comment="通称の記載年月日"),
        sa.Column("nationality", sa.String(length=60), nullable=True, comment="国籍・地域"),
        sa.Column("foreign_resident_on", sa.Date(), nullable=True, comment="外国人住民となった年月日"),
        sa.Column(
            "art30_45_category", sa.String(length=40), nullable=True, comment="法第30条の45に規定する区分"
        ),
        sa.Column("residence_status", sa.String(length=60), nullable=True, comment="在留資格"),
        sa.Column("period_of_stay", sa.String(length=40), nullable=True, comment="在留期間"),
        sa.Column("stay_expires_on", sa.Date(), nullable=True, comment="在留期間の満了の日"),
        sa.Column("residence_card_no", sa.String(length=12), nullable=True, comment="在留カード等の番号"),
        sa.Column("name_priority", sa.String(length=10), nullable=True, comment="氏名優先区分"),
        sa.Column("remarks", sa.String(length=1000), nullable=True, comment="備考"),
        sa.Column("event_code", sa.String(length=40), nullable=True, comment="異動事由"),
        sa.Column("event_on", sa.Date(), nullable=True, comment="異動日"),
        sa.Column("reported_on", sa.Date(), nullable=True, comment="届出日"),
        sa.Column("processed_on", sa.Date(), nullable=True, comment="処理日"),
        sa.Column("input_place", sa.String(length=100), nullable=True, comment="入力場所"),
        sa.Column("input_terminal", sa.String(length=100), nullable=True, comment="入力端末"),
        sa.Column("note", sa.String(length=1000), nullable=True, comment="留意事項"),
        sa.Column("kana_key", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("alt_kana_key", sa.String(length=200), nullable=False),
        sa.Column("alt_name_key", sa.String(length=400), nullable=False),
        sa.Column("address_key", sa.String(length=400), nullable=False),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("migrated", sa.Boolean(), nullable=False, comment="移行データ"),
        sa.Column("cancelled", sa.Boolean(), nullable=False, comment="異動の取消し済"),
        sa.Column("move_id", sa.String(length=36), nullable=True, comment="異動ID（同一異動の行に共通）"),
        sa.Column("notice_on", sa.Date(), nullable=True, comment="通知日（戸籍届出・通知日）"),
        sa.Column("applied_on", sa.Date(), nullable=True, comment="申出日"),
        sa.Column("requested_on", sa.Date(), nullable=True, comment="請求日（旧氏）"),
        sa.Column(
            "move_details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
            comment="異動の付随情報（転出証明書情報等）",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "addressee_no", "history_no", name=op.f("pk_juki_history")),
        info={"rls": True},
    )
    with op.batch_alter_table("juki_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_juki_history_address",
            ["tenant_id", "address_key"],
            unique=False,
            postgresql_ops={"address_key": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_juki_history_alpha",
            ["tenant_id", "alpha_name"],
            unique=False,
            postgresql_ops={"alpha_name": "text_pattern_ops"},
            postgresql_where=sa.text("alpha_name IS NOT NULL"),
            sqlite_where=sa.text("alpha_name IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_juki_history_alt_kana",
            ["tenant_id", "alt_kana_key"],
            unique=False,
            postgresql_ops={"alt_kana_key": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_juki_history_alt_name",
            ["tenant_id", "alt_name_key"],
            unique=False,
            postgresql_ops={"alt_name_key": "text_pattern_ops"},
        )
        batch_op.create_index("ix_juki_history_birth", ["tenant_id", "birth_date"], unique=False)
        batch_op.create_index(
            "ix_juki_history_card",
            ["tenant_id", "residence_card_no"],
            unique=False,
            postgresql_where=sa.text("residence_card_no IS NOT NULL"),
            sqlite_where=sa.text("residence_card_no IS NOT NULL"),
        )
        batch_op.create_index("ix_juki_history_household", ["tenant_id", "household_no"], unique=False)
        batch_op.create_index(
            "ix_juki_history_kana",
            ["tenant_id", "kana_key"],
            unique=False,
            postgresql_ops={"kana_key": "text_pattern_ops"},
        )
        batch_op.create_index("ix_juki_history_move", ["tenant_id", "move_id"], unique=False)
        batch_op.create_index(
            "ix_juki_history_name",
            ["tenant_id", "name_key"],
            unique=False,
            postgresql_ops={"name_key": "text_pattern_ops"},
        )

    op.create_table(
        "juki_household",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("household_no", sa.String(length=15), nullable=False, comment="世帯番号"),
        sa.Column("head_addressee_no", sa.String(length=15), nullable=True, comment="世帯主の宛名番号"),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("katagaki", sa.String(length=200), nullable=True),
        sa.Column("address_code", sa.String(length=20), nullable=True),
        sa.Column("town_code", sa.String(length=20), nullable=True),
        sa.Column("postal_code", sa.String(length=7), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "household_no", name=op.f("pk_juki_household")),
        info={"rls": True},
    )
    op.create_table(
        "juki_resident",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("history_no", sa.Integer(), nullable=False, comment="現在の履歴番号"),
        sa.Column("household_no", sa.String(length=15), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("resident_kind", sa.String(length=10), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("town_code", sa.String(length=20), nullable=True),
        sa.Column("juminhyo_code", sa.String(length=11), nullable=True),
        sa.Column("individual_number_hash", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "addressee_no", name=op.f("pk_juki_resident")),
        sa.UniqueConstraint("tenant_id", "individual_number_hash", name="uq_juki_resident_individual_number"),
        sa.UniqueConstraint("tenant_id", "juminhyo_code", name="uq_juki_resident_juminhyo_code"),
        info={"rls": True},
    )
    with op.batch_alter_table("juki_resident", schema=None) as batch_op:
        batch_op.create_index("ix_juki_resident_household", ["tenant_id", "household_no"], unique=False)
        batch_op.create_index(
            "ix_juki_resident_removed",
            ["tenant_id", "addressee_no"],
            unique=False,
            postgresql_where=sa.text("status = 'removed'"),
            sqlite_where=sa.text("status = 'removed'"),
        )
        batch_op.create_index(
            "ix_juki_resident_status_town", ["tenant_id", "status", "town_code"], unique=False
        )
    rls.apply(op.get_bind(), RLS_TABLES, APPEND_ONLY, PLAIN_TABLES)


def downgrade() -> None:
    with op.batch_alter_table("juki_resident", schema=None) as batch_op:
        batch_op.drop_index("ix_juki_resident_status_town")
        batch_op.drop_index(
            "ix_juki_resident_removed",
            postgresql_where=sa.text("status = 'removed'"),
            sqlite_where=sa.text("status = 'removed'"),
        )
        batch_op.drop_index("ix_juki_resident_household")

    op.drop_table("juki_resident")
    op.drop_table("juki_household")
    with op.batch_alter_table("juki_history", schema=None) as batch_op:
        batch_op.drop_index("ix_juki_history_name", postgresql_ops={"name_key": "text_pattern_ops"})
        batch_op.drop_index("ix_juki_history_move")
        batch_op.drop_index("ix_juki_history_kana", postgresql_ops={"kana_key": "text_pattern_ops"})
        batch_op.drop_index("ix_juki_history_household")
        batch_op.drop_index(
            "ix_juki_history_card",
            postgresql_where=sa.text("residence_card_no IS NOT NULL"),
            sqlite_where=sa.text("residence_card_no IS NOT NULL"),
        )
        batch_op.drop_index("ix_juki_history_birth")
        batch_op.drop_index("ix_juki_history_alt_name", postgresql_ops={"alt_name_key": "text_pattern_ops"})
        batch_op.drop_index("ix_juki_history_alt_kana", postgresql_ops={"alt_kana_key": "text_pattern_ops"})
        batch_op.drop_index(
            "ix_juki_history_alpha",
            postgresql_ops={"alpha_name": "text_pattern_ops"},
            postgresql_where=sa.text("alpha_name IS NOT NULL"),
            sqlite_where=sa.text("alpha_name IS NOT NULL"),
        )
        batch_op.drop_index("ix_juki_history_address", postgresql_ops={"address_key": "text_pattern_ops"})

    op.drop_table("juki_history")
    op.drop_table("juki_certificate_issue")
    with op.batch_alter_table("juki_block", schema=None) as batch_op:
        batch_op.drop_index("ix_juki_block_person")
        batch_op.drop_index("ix_juki_block_household")

    op.drop_table("juki_block")
