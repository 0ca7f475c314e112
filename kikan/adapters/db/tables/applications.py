"""Tables of 申請管理 (see ``kikan/applications`` and ``docs/applications.md``).

- ``application``: one row per application (受付番号), its current data (after the clerk's
  corrections), the data exactly as submitted (never changed), the status and the outcome.
- ``application_status``: every status change with its time, actor and note (append-only).
- ``application_correction``: every correction by a clerk, item by item, before → after
  (append-only).
"""

import sqlalchemy as sa

from kikan.adapters.db.tables.base import metadata
from kikan.adapters.db.types import JSONDoc, UTCDateTime, tenant_col

RLS = {"rls": True}
APPEND_ONLY = {"rls": True, "append_only": True}

application = sa.Table(
    "application",
    metadata,
    tenant_col(),
    sa.Column("receipt_no", sa.String(10), primary_key=True, comment="受付番号"),
    sa.Column("form_id", sa.String(60), nullable=False),
    sa.Column("form_version", sa.Integer, nullable=False),
    sa.Column("procedure", sa.String(60), nullable=False),
    sa.Column("business", sa.String(40), nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("data", JSONDoc, nullable=False, comment="申請内容（職員の補正を反映）"),
    sa.Column("submitted_data", JSONDoc, nullable=False, comment="申請内容（受付時のまま）"),
    sa.Column("idempotency_key", sa.String(64), nullable=False, comment="二重送信の判定キー"),
    sa.Column("secret_hash", sa.String(200), nullable=False, comment="確認コードのハッシュ（Argon2id）"),
    sa.Column("client_addr", sa.String(64), nullable=False),
    sa.Column("submitted_at", UTCDateTime, nullable=False),
    sa.Column("submitted_on", sa.Date, nullable=False, comment="受付日（JST）"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("result", JSONDoc, nullable=True, comment="適用の結果（異動ID・発行番号など）"),
    sa.Column("result_ref", sa.String(200), nullable=True),
    sa.Column("public_note", sa.Text, nullable=True, comment="申請者に示す補正依頼の内容・却下の理由"),
    sa.Column("last_error", sa.Text, nullable=True, comment="直近の適用で業務が拒否した理由"),
    sa.Column("last_error_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("tenant_id", "idempotency_key", name="uq_application_idempotency"),
    sa.Index("ix_application_status", "tenant_id", "status", "submitted_at"),
    sa.Index("ix_application_form", "tenant_id", "form_id", "submitted_at"),
    info=RLS,
)

application_status = sa.Table(
    "application_status",
    metadata,
    tenant_col(),
    sa.Column("receipt_no", sa.String(10), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    info=APPEND_ONLY,
)

application_correction = sa.Table(
    "application_correction",
    metadata,
    tenant_col(),
    sa.Column("receipt_no", sa.String(10), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("path", sa.String(200), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("before", JSONDoc, nullable=True),
    sa.Column("after", JSONDoc, nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    info=APPEND_ONLY,
)
