"""Tables of the common functions 団体内統合宛名, 住登外者宛名番号管理 and EUC (共通機能標準仕様書).

- ``addressee_record``: one row per 団体内統合宛名番号 (current pointer, optimistic ``version``).
- ``addressee_version``: every version of its 基本4情報 (or a corporation's 名称・所在地・法人番号);
  a change is a new row (address changes of a 住登外者 keep their history). Search keys are
  stored on every row, so past names and addresses are found by an inquiry.
- ``addressee_link``: each business's own 宛名番号 ↔ the 団体内統合宛名番号.
- ``addressee_cursor``: the event subscriber's position in the outbox (resumable, exactly once:
  it moves in the transaction that applies the events).
- ``euc_definition``: saved EUC extractions, per tenant, versioned (a change is a new version).
"""

import sqlalchemy as sa

from kikan.adapters.db.tables.base import metadata
from kikan.adapters.db.types import JSONDoc, UTCDateTime, tenant_col

RLS = {"rls": True}

addressee_record = sa.Table(
    "addressee_record",
    metadata,
    tenant_col(),
    sa.Column("integrated_no", sa.String(15), primary_key=True, comment="団体内統合宛名番号"),
    sa.Column("kind", sa.String(12), nullable=False, comment="person 個人 / corporation 法人"),
    sa.Column("origin", sa.String(12), nullable=False, comment="registry 住民記録 / staff 住登外者の付番"),
    sa.Column(
        "status", sa.String(16), nullable=False, comment="resident / removed / non_resident / corporation"
    ),
    sa.Column("registry_addressee_no", sa.String(15), nullable=True, comment="住民記録の宛名番号"),
    sa.Column("non_resident_no", sa.String(15), nullable=True, comment="住登外者宛名番号"),
    sa.Column("registry_history_no", sa.Integer, nullable=True, comment="反映済みの住民記録の履歴番号"),
    sa.Column("version", sa.Integer, nullable=False, comment="現在の版"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Index("ix_addressee_record_registry", "tenant_id", "registry_addressee_no", unique=True),
    sa.Index("ix_addressee_record_non_resident", "tenant_id", "non_resident_no", unique=True),
    info=RLS,
)

addressee_version = sa.Table(
    "addressee_version",
    metadata,
    tenant_col(),
    sa.Column("integrated_no", sa.String(15), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False, comment="版"),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("family_name", sa.String(100), nullable=True, comment="氏"),
    sa.Column("given_name", sa.String(100), nullable=True, comment="名"),
    sa.Column("family_name_kana", sa.String(100), nullable=True, comment="氏フリガナ"),
    sa.Column("given_name_kana", sa.String(100), nullable=True, comment="名フリガナ"),
    sa.Column("birth_date", sa.Date, nullable=True, comment="生年月日"),
    sa.Column("sex", sa.String(1), nullable=True, comment="性別"),
    sa.Column("corporate_no", sa.String(13), nullable=True, comment="法人番号"),
    sa.Column("corporate_name", sa.String(200), nullable=True, comment="法人名称"),
    sa.Column("corporate_name_kana", sa.String(200), nullable=True, comment="法人名称フリガナ"),
    sa.Column("address", sa.String(200), nullable=True, comment="住所・所在地"),
    sa.Column("katagaki", sa.String(200), nullable=True, comment="方書"),
    sa.Column("postal_code", sa.String(7), nullable=True, comment="郵便番号"),
    sa.Column("remarks", sa.String(1000), nullable=True, comment="備考"),
    sa.Column("changed_on", sa.Date, nullable=True, comment="異動日・変更日"),
    sa.Column("reason", sa.String(200), nullable=False, comment="変更事由"),
    sa.Column("origin", sa.String(12), nullable=False, comment="registry / staff"),
    sa.Column("registry_history_no", sa.Integer, nullable=True, comment="住民記録の履歴番号"),
    sa.Column("distinct_from", JSONDoc, nullable=True, comment="別人と確認した宛名と理由"),
    sa.Column("kana_key", sa.String(200), nullable=False, default=""),
    sa.Column("name_key", sa.String(200), nullable=False, default=""),
    sa.Column("address_key", sa.String(400), nullable=False, default=""),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False, default=""),
    sa.Index(
        "ix_addressee_version_kana", "tenant_id", "kana_key", postgresql_ops={"kana_key": "text_pattern_ops"}
    ),
    sa.Index(
        "ix_addressee_version_name", "tenant_id", "name_key", postgresql_ops={"name_key": "text_pattern_ops"}
    ),
    sa.Index("ix_addressee_version_birth", "tenant_id", "birth_date"),
    sa.Index("ix_addressee_version_corporate", "tenant_id", "corporate_no"),
    info={**RLS, "append_only": True},
)

addressee_link = sa.Table(
    "addressee_link",
    metadata,
    tenant_col(),
    sa.Column("business", sa.String(40), primary_key=True, comment="業務"),
    sa.Column("business_no", sa.String(20), primary_key=True, comment="業務の宛名番号"),
    sa.Column("integrated_no", sa.String(15), nullable=False, comment="団体内統合宛名番号"),
    sa.Column("linked_at", UTCDateTime, nullable=False),
    sa.Column("linked_by", sa.String(100), nullable=False),
    sa.Index("ix_addressee_link_integrated", "tenant_id", "integrated_no"),
    info=RLS,
)

addressee_cursor = sa.Table(
    "addressee_cursor",
    metadata,
    tenant_col(),
    sa.Column("subscriber", sa.String(60), primary_key=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    info=RLS,
)

euc_definition = sa.Table(
    "euc_definition",
    metadata,
    tenant_col(),
    sa.Column("definition_id", sa.Integer, primary_key=True, autoincrement=False, comment="定義番号"),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False, comment="版"),
    sa.Column("name", sa.String(100), nullable=False, comment="名称"),
    sa.Column("description", sa.String(500), nullable=False, default="", comment="説明"),
    sa.Column("spec", JSONDoc, nullable=False, comment="抽出条件・出力項目・並び順"),
    sa.Column("deleted", sa.Boolean, nullable=False, default=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    info={**RLS, "append_only": True},
)
