"""Platform tables: tenants, staff, sessions, counters, audit log, outbox, rule overlays."""

import sqlalchemy as sa

from kikan.adapters.db.tables.base import metadata
from kikan.adapters.db.types import JSONDoc, UTCDateTime, tenant_col

RLS = {"rls": True}

tenant = sa.Table(
    "tenant",
    metadata,
    sa.Column("tenant_id", sa.String(6), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("prefecture_code", sa.String(2), nullable=False),
    sa.Column("prefecture_name", sa.String(10), nullable=False),
    sa.Column("designated_city", sa.Boolean, nullable=False, default=False),
    sa.Column("status", sa.String(20), nullable=False, default="active"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    info={"control_plane": True},
)

staff_account = sa.Table(
    "staff_account",
    metadata,
    sa.Column("account_id", sa.String(36), primary_key=True),
    sa.Column("login", sa.String(100), nullable=False, unique=True),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("is_operator", sa.Boolean, nullable=False, default=False),
    sa.Column("failed_count", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", UTCDateTime, nullable=True),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    info={"control_plane": True},
)

role_grant = sa.Table(
    "role_grant",
    metadata,
    sa.Column("tenant_id", sa.String(6), sa.ForeignKey("tenant.tenant_id"), primary_key=True),
    sa.Column("account_id", sa.String(36), sa.ForeignKey("staff_account.account_id"), primary_key=True),
    sa.Column("role", sa.String(40), primary_key=True),
    sa.Column("granted_at", UTCDateTime, nullable=False),
    info={"control_plane": True},
)

staff_session = sa.Table(
    "staff_session",
    metadata,
    sa.Column("session_id", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.String(36), sa.ForeignKey("staff_account.account_id"), nullable=False),
    sa.Column("tenant_id", sa.String(6), nullable=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("client_addr", sa.String(64), nullable=False, default=""),
    sa.Column("revoked", sa.Boolean, nullable=False, default=False),
    info={"control_plane": True},
)

api_token = sa.Table(
    "api_token",
    metadata,
    sa.Column("token_id", sa.String(36), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("account_id", sa.String(36), sa.ForeignKey("staff_account.account_id"), nullable=False),
    sa.Column("tenant_id", sa.String(6), sa.ForeignKey("tenant.tenant_id"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
    info={"control_plane": True},
)

login_attempt = sa.Table(
    "login_attempt",
    metadata,
    sa.Column("attempt_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("login", sa.String(100), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("client_addr", sa.String(64), nullable=False),
    sa.Column("success", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(40), nullable=False),
    info={"control_plane": True, "append_only": True},
)

tenant_counter = sa.Table(
    "tenant_counter",
    metadata,
    tenant_col(),
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=True),
    info=RLS,
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    tenant_col(),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("function", sa.String(80), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("target_type", sa.String(40), nullable=False),
    sa.Column("target_id", sa.String(60), nullable=False),
    sa.Column("mynumber_shown", sa.Boolean, nullable=False),
    sa.Column("client_addr", sa.String(64), nullable=False),
    sa.Column("terminal", sa.String(100), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_audit_actor", "tenant_id", "actor", "at"),
    sa.Index("ix_audit_target", "tenant_id", "target_id"),
    sa.Index("ix_audit_at", "tenant_id", "at"),
    info={**RLS, "append_only": True},
)

outbox_event = sa.Table(
    "outbox_event",
    metadata,
    tenant_col(),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.String(36), nullable=False, unique=True),
    sa.Column("event_type", sa.String(80), nullable=False),
    sa.Column("aggregate_type", sa.String(40), nullable=False),
    sa.Column("aggregate_id", sa.String(60), nullable=False),
    sa.Column("occurred_on", sa.String(10), nullable=True),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("payload", JSONDoc, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    info={**RLS, "append_only": True},
)

rule_overlay = sa.Table(
    "rule_overlay",
    metadata,
    tenant_col(),
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("fiscal_year", sa.Integer, nullable=True),
    sa.Column("until", sa.Integer, nullable=True),
    sa.Column("effective_from", sa.Date, nullable=True),
    sa.Column("effective_to", sa.Date, nullable=True),
    sa.Column("value", JSONDoc, nullable=False),
    sa.Column("basis", sa.String(200), nullable=False),
    sa.Column("source", sa.String(500), nullable=False),
    sa.Column("note", sa.String(500), nullable=True),
    sa.Column("verified", sa.Boolean, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    info={**RLS, "append_only": True},
)

closure_day = sa.Table(
    "closure_day",
    metadata,
    tenant_col(),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    info=RLS,
)

idempotency_key = sa.Table(
    "idempotency_key",
    metadata,
    tenant_col(),
    sa.Column("actor", sa.String(100), primary_key=True, comment="職員（キーは職員ごと）"),
    sa.Column("idempotency_key", sa.String(255), primary_key=True, comment="Idempotency-Key ヘッダの値"),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("path", sa.String(200), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False, comment="sha256(method, path, sha256(body))"),
    sa.Column("state", sa.String(10), nullable=False),  # pending | done
    sa.Column("claim", sa.String(32), nullable=False, comment="処理中の要求の識別子"),
    sa.Column("status", sa.Integer, nullable=True),
    sa.Column("response_body", sa.Text, nullable=True),
    sa.Column("response_headers", JSONDoc, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("claimed_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Index("ix_idempotency_key_expires", "tenant_id", "expires_at"),
    info=RLS,
)
