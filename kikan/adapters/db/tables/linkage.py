"""Tables of 庁内データ連携 (see ``kikan/linkage`` and ``docs/linkage.md``).

Control plane (shared across tenants): registered system clients, their grants per (tenant,
dataset), the used assertion ``jti`` values (replay store) and issued access tokens (hashed).
Tenant data: the hash-chained exchange log and the CP932 degradation reports of file exports.
"""

import sqlalchemy as sa

from kikan.adapters.db.tables.base import metadata
from kikan.adapters.db.types import UTCDateTime, tenant_col

CONTROL = {"control_plane": True}

linkage_client = sa.Table(
    "linkage_client",
    metadata,
    sa.Column("client_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    # client_secret_jwt: the server must know the secret to check the HMAC, so it is stored
    # encrypted (AES-256-GCM, key KIKAN_LINKAGE_KEY, client_id as associated data), never hashed.
    sa.Column("secret_enc", sa.String(300), nullable=False),
    sa.Column("previous_secret_enc", sa.String(300), nullable=True),
    sa.Column("previous_valid_until", UTCDateTime, nullable=True, comment="ローテーション猶予期限"),
    sa.Column("status", sa.String(10), nullable=False),  # active | disabled
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("rotated_at", UTCDateTime, nullable=True),
    info=CONTROL,
)

linkage_grant = sa.Table(
    "linkage_grant",
    metadata,
    sa.Column("client_id", sa.String(64), sa.ForeignKey("linkage_client.client_id"), primary_key=True),
    sa.Column("tenant_id", sa.String(6), sa.ForeignKey("tenant.tenant_id"), primary_key=True),
    sa.Column("dataset", sa.String(80), primary_key=True),
    sa.Column("granted_at", UTCDateTime, nullable=False),
    sa.Column("granted_by", sa.String(100), nullable=False),
    info=CONTROL,
)

linkage_jti = sa.Table(
    "linkage_jti",
    metadata,
    sa.Column("client_id", sa.String(64), primary_key=True),
    sa.Column("jti", sa.String(200), primary_key=True),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Index("ix_linkage_jti_expires", "expires_at"),
    info=CONTROL,
)

linkage_token = sa.Table(
    "linkage_token",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("client_id", sa.String(64), sa.ForeignKey("linkage_client.client_id"), nullable=False),
    sa.Column("tenant_id", sa.String(6), sa.ForeignKey("tenant.tenant_id"), nullable=False),
    sa.Column("datasets", sa.String(1000), nullable=False),  # space-separated
    sa.Column("issued_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Index("ix_linkage_token_client", "client_id"),
    sa.Index("ix_linkage_token_expires", "expires_at"),
    info=CONTROL,
)

linkage_exchange = sa.Table(
    "linkage_exchange",
    metadata,
    tenant_col(),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("exchange_id", sa.String(36), nullable=False),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("dataset", sa.String(80), nullable=False),
    sa.Column("operation", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("cursor_from", sa.String(400), nullable=False),
    sa.Column("cursor_to", sa.String(400), nullable=False),
    sa.Column("record_count", sa.Integer, nullable=False),
    sa.Column("keys_digest", sa.String(64), nullable=False),
    sa.Column("keys", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("client_addr", sa.String(64), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_linkage_exchange_client", "tenant_id", "client_id", "at"),
    sa.Index("ix_linkage_exchange_id", "tenant_id", "exchange_id"),
    info={"rls": True, "append_only": True},
)

linkage_substitution = sa.Table(
    "linkage_substitution",
    metadata,
    tenant_col(),
    sa.Column("exchange_id", sa.String(36), primary_key=True),
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("line", sa.Integer, nullable=False, comment="ファイルの行番号（見出し行を含む）"),
    sa.Column("record_key", sa.String(100), nullable=False),
    sa.Column("column_name", sa.String(80), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("original", sa.String(40), nullable=False),
    sa.Column("code_points", sa.String(100), nullable=False),
    sa.Column("replacement", sa.String(40), nullable=False),
    sa.Column("method", sa.String(20), nullable=False),
    info={"rls": True, "append_only": True},
)
