"""Tables of the characters area: per-tenant 外字 mapping (see ``kikan/characters`` and docs/characters.md).

- ``characters_gaiji_code``: what is known of each legacy code (vendor table row or first sighting):
  its PUA character, glyph description, 住基ネット統一文字コード and MJ文字図形名 from the table.
- ``characters_gaiji_usage``: every place an unmapped character was met (file, row, field, record key),
  collected by the importer so staff see which records wait for a decision.
- ``characters_gaiji_decision``: the staff decisions, append-only and numbered per tenant (``seq``), so
  a mapping "as of decision N" can be replayed exactly; the latest row per code wins (empty ``text``
  = withdrawn).

The MJ character master itself is reference data shipped in the package (``kikan/characters/data``),
not a table.
"""

import sqlalchemy as sa

from kikan.adapters.db.tables.base import metadata
from kikan.adapters.db.types import UTCDateTime, tenant_col

RLS = {"rls": True}

characters_gaiji_code = sa.Table(
    "characters_gaiji_code",
    metadata,
    tenant_col(),
    sa.Column("code_system", sa.String(40), primary_key=True, comment="外字体系（cp932 等）"),
    sa.Column("code", sa.String(40), primary_key=True, comment="外字コード"),
    sa.Column("pua", sa.String(4), nullable=True, comment="私用領域の文字"),
    sa.Column("description", sa.String(400), nullable=False, default="", comment="字形の説明"),
    sa.Column("juki_code", sa.String(10), nullable=False, default="", comment="住基ネット統一文字コード"),
    sa.Column("mj_name", sa.String(12), nullable=False, default="", comment="MJ文字図形名"),
    sa.Column("source", sa.String(200), nullable=False, default="", comment="外字表のファイル名等"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
    info=RLS,
)

characters_gaiji_usage = sa.Table(
    "characters_gaiji_usage",
    metadata,
    tenant_col(),
    sa.Column("code_system", sa.String(40), primary_key=True),
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("source_file", sa.String(300), primary_key=True, comment="移行元ファイル"),
    sa.Column("source_row", sa.Integer, primary_key=True, autoincrement=False, comment="行番号"),
    sa.Column("field", sa.String(100), primary_key=True, comment="項目"),
    sa.Column(
        "record_key", sa.String(100), nullable=False, default="", comment="レコードのキー（宛名番号等）"
    ),
    sa.Column("context", sa.String(400), nullable=False, default="", comment="項目の値"),
    sa.Column("batch_id", sa.String(64), nullable=False, default=""),
    sa.Column("collected_at", UTCDateTime, nullable=False),
    info=RLS,
)

characters_gaiji_decision = sa.Table(
    "characters_gaiji_decision",
    metadata,
    tenant_col(),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False, comment="決定番号（団体内連番）"),
    sa.Column("code_system", sa.String(40), nullable=False),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("text", sa.String(40), nullable=False, comment="同定した行政事務標準文字（空: 取消し）"),
    sa.Column("mj_name", sa.String(12), nullable=False, default=""),
    sa.Column("basis", sa.String(200), nullable=False, default="", comment="根拠"),
    sa.Column("note", sa.String(400), nullable=False, default=""),
    sa.Column("decided_at", UTCDateTime, nullable=False),
    sa.Column("decided_by", sa.String(100), nullable=False),
    sa.Index("ix_characters_gaiji_decision_code", "tenant_id", "code_system", "code", "seq"),
    info={"rls": True, "append_only": True},
)
