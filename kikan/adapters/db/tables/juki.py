"""Resident registry tables (住民記録).

``juki_history`` is the standard's mandated storage model (標準仕様書 1.2 異動履歴): one row per
change per person, every item copied, key (宛名番号, 履歴番号). ``juki_resident`` and
``juki_household`` point at the current state and carry a version for optimistic locking.
Search keys (folded kana, folded kanji) are stored on every history row, so past names and
addresses are searchable.
"""

import sqlalchemy as sa

from kikan.adapters.db.tables.base import metadata
from kikan.adapters.db.types import JSONDoc, UTCDateTime, tenant_col
from kikan.juki.items import HISTORY_ITEMS, ITEMS, Item

RLS = {"rls": True}


def _column(item: Item) -> sa.Column:
    t: sa.types.TypeEngine
    if item.kind == "date":
        t = sa.Date()
    elif item.kind == "bool":
        t = sa.Boolean()
    elif item.kind == "int":
        t = sa.Integer()
    else:
        t = sa.String(item.length or 200)
    return sa.Column(item.name, t, nullable=True, comment=item.ja)


juki_history = sa.Table(
    "juki_history",
    metadata,
    tenant_col(),
    sa.Column("addressee_no", sa.String(15), primary_key=True, comment="宛名番号"),
    sa.Column("history_no", sa.Integer, primary_key=True, autoincrement=False, comment="履歴番号"),
    *[_column(i) for i in ITEMS],
    *[_column(i) for i in HISTORY_ITEMS],
    sa.Column("kana_key", sa.String(200), nullable=False, default=""),
    sa.Column("name_key", sa.String(200), nullable=False, default=""),
    sa.Column("alt_kana_key", sa.String(200), nullable=False, default=""),  # 旧氏・通称 readings
    sa.Column("alt_name_key", sa.String(400), nullable=False, default=""),  # 旧氏・通称・alphabet
    sa.Column("address_key", sa.String(400), nullable=False, default=""),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False, default=""),
    sa.Column("migrated", sa.Boolean, nullable=False, default=False, comment="移行データ"),
    sa.Column("cancelled", sa.Boolean, nullable=False, default=False, comment="異動の取消し済"),
    # one 異動 (one service call) writes rows for several persons: they share move_id (異動の取消し)
    sa.Column("move_id", sa.String(36), nullable=True, comment="異動ID（同一異動の行に共通）"),
    sa.Column("notice_on", sa.Date, nullable=True, comment="通知日（戸籍届出・通知日）"),
    sa.Column("applied_on", sa.Date, nullable=True, comment="申出日"),
    sa.Column("requested_on", sa.Date, nullable=True, comment="請求日（旧氏）"),
    sa.Column("move_details", JSONDoc, nullable=True, comment="異動の付随情報（転出証明書情報等）"),
    # Search (標準仕様書 2 検索): prefix search on the folded keys is a byte-order range
    # (~>=~ / ~<~, leakproof, so usable under row-level security, unlike LIKE): text_pattern_ops.
    sa.Index("ix_juki_history_kana", "tenant_id", "kana_key", postgresql_ops={"kana_key": "text_pattern_ops"}),
    sa.Index("ix_juki_history_alt_kana", "tenant_id", "alt_kana_key", postgresql_ops={"alt_kana_key": "text_pattern_ops"}),
    sa.Index("ix_juki_history_name", "tenant_id", "name_key", postgresql_ops={"name_key": "text_pattern_ops"}),
    sa.Index("ix_juki_history_alt_name", "tenant_id", "alt_name_key", postgresql_ops={"alt_name_key": "text_pattern_ops"}),
    sa.Index("ix_juki_history_birth", "tenant_id", "birth_date"),
    sa.Index("ix_juki_history_household", "tenant_id", "household_no"),
    sa.Index("ix_juki_history_address", "tenant_id", "address_key", postgresql_ops={"address_key": "text_pattern_ops"}),
    sa.Index(
        "ix_juki_history_alpha", "tenant_id", "alpha_name", postgresql_ops={"alpha_name": "text_pattern_ops"},
        postgresql_where=sa.text("alpha_name IS NOT NULL"), sqlite_where=sa.text("alpha_name IS NOT NULL"),
    ),  # fmt: skip
    sa.Index(
        "ix_juki_history_card", "tenant_id", "residence_card_no",
        postgresql_where=sa.text("residence_card_no IS NOT NULL"), sqlite_where=sa.text("residence_card_no IS NOT NULL"),
    ),  # fmt: skip
    sa.Index("ix_juki_history_move", "tenant_id", "move_id"),
    info=RLS,
)

juki_resident = sa.Table(
    "juki_resident",
    metadata,
    tenant_col(),
    sa.Column("addressee_no", sa.String(15), primary_key=True),
    sa.Column("history_no", sa.Integer, nullable=False, comment="現在の履歴番号"),
    sa.Column("household_no", sa.String(15), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("resident_kind", sa.String(10), nullable=False),
    sa.Column("birth_date", sa.Date, nullable=True),
    sa.Column("sex", sa.String(1), nullable=True),
    sa.Column("town_code", sa.String(20), nullable=True),
    sa.Column("juminhyo_code", sa.String(11), nullable=True),
    sa.Column("individual_number_hash", sa.String(64), nullable=True),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.UniqueConstraint("tenant_id", "juminhyo_code", name="uq_juki_resident_juminhyo_code"),
    sa.UniqueConstraint("tenant_id", "individual_number_hash", name="uq_juki_resident_individual_number"),
    sa.Index("ix_juki_resident_household", "tenant_id", "household_no"),
    sa.Index("ix_juki_resident_status_town", "tenant_id", "status", "town_code"),
    # 除票 are a few percent: search excludes them through this small index (標準仕様書 2.1)
    sa.Index(
        "ix_juki_resident_removed", "tenant_id", "addressee_no",
        postgresql_where=sa.text("status = 'removed'"), sqlite_where=sa.text("status = 'removed'"),
    ),  # fmt: skip
    info=RLS,
)

juki_household = sa.Table(
    "juki_household",
    metadata,
    tenant_col(),
    sa.Column("household_no", sa.String(15), primary_key=True, comment="世帯番号"),
    sa.Column("head_addressee_no", sa.String(15), nullable=True, comment="世帯主の宛名番号"),
    sa.Column("address", sa.String(200), nullable=False),
    sa.Column("katagaki", sa.String(200), nullable=True),
    sa.Column("address_code", sa.String(20), nullable=True),
    sa.Column("town_code", sa.String(20), nullable=True),
    sa.Column("postal_code", sa.String(7), nullable=True),
    sa.Column("status", sa.String(10), nullable=False),  # active | dissolved
    sa.Column("version", sa.Integer, nullable=False, default=1),
    info=RLS,
)

juki_block = sa.Table(
    "juki_block",
    metadata,
    tenant_col(),
    sa.Column("block_id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),  # block (抑止) | support (支援措置)
    sa.Column("addressee_no", sa.String(15), nullable=True),
    sa.Column("household_no", sa.String(15), nullable=True),
    sa.Column("processes", sa.String(60), nullable=False),  # comma list: move|certificate|inquiry
    sa.Column("level", sa.String(10), nullable=False),  # error | alert
    sa.Column("start_on", sa.Date, nullable=False),
    sa.Column("end_on", sa.Date, nullable=True),
    sa.Column("released_on", sa.Date, nullable=True, comment="解除日（終了日では自動解除しない）"),
    sa.Column("released_by", sa.String(100), nullable=True),
    sa.Column("temporary_release_until", UTCDateTime, nullable=True, comment="一時解除の期限"),
    sa.Column("support_stage", sa.String(20), nullable=True),  # provisional | approved | continued
    sa.Column("parent_block_id", sa.String(36), nullable=True, comment="延長元"),
    sa.Column("reason", sa.String(500), nullable=False, default=""),
    sa.Column("details", JSONDoc, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Index("ix_juki_block_person", "tenant_id", "addressee_no"),
    sa.Index("ix_juki_block_household", "tenant_id", "household_no"),
    info=RLS,
)

juki_certificate_issue = sa.Table(
    "juki_certificate_issue",
    metadata,
    tenant_col(),
    sa.Column("issue_no", sa.String(20), primary_key=True, comment="発行番号"),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("household_no", sa.String(15), nullable=True),
    sa.Column("addressee_nos", sa.String(400), nullable=False),
    sa.Column("options", JSONDoc, nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),  # counter | api | batch | online | post
    sa.Column("requester", sa.String(200), nullable=False, default=""),
    sa.Column("purpose", sa.String(200), nullable=False, default=""),
    sa.Column("pages", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("issued_at", UTCDateTime, nullable=False),
    sa.Column("issued_by", sa.String(100), nullable=False),
    sa.Column("released_by", sa.String(100), nullable=True, comment="支援措置を解除した責任者"),
    info={**RLS, "append_only": True},
)
