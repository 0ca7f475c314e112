"""foundation: tenants, staff, audit, outbox, overlays

Revision ID: 0001
Revises:
Create Date: 2026-11-26 07:16:23.061870
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kikan.adapters.db.types
from kikan.adapters.db import rls

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RLS_TABLES = ["audit_log", "closure_day", "outbox_event", "rule_overlay", "tenant_counter"]
APPEND_ONLY = ["audit_log", "login_attempt", "outbox_event", "rule_overlay"]
PLAIN_TABLES = ['api_token', 'login_attempt', 'role_grant', 'staff_account', 'staff_session', 'tenant']


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("function", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.String(length=60), nullable=False),
        sa.Column("mynumber_shown", sa.Boolean(), nullable=False),
        sa.Column("client_addr", sa.String(length=64), nullable=False),
        sa.Column("terminal", sa.String(length=100), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "seq", name=op.f("pk_audit_log")),
        info={"rls": True, "append_only": True},
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_actor", ["tenant_id", "actor", "at"], unique=False)
        batch_op.create_index("ix_audit_at", ["tenant_id", "at"], unique=False)
        batch_op.create_index("ix_audit_target", ["tenant_id", "target_id"], unique=False)

    op.create_table(
        "closure_day",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "day", name=op.f("pk_closure_day")),
        info={"rls": True},
    )
    op.create_table(
        "login_attempt",
        sa.Column("attempt_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client_addr", sa.String(length=64), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_login_attempt")),
        info={"control_plane": True, "append_only": True},
    )
    op.create_table(
        "outbox_event",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("aggregate_type", sa.String(length=40), nullable=False),
        sa.Column("aggregate_id", sa.String(length=60), nullable=False),
        sa.Column("occurred_on", sa.String(length=10), nullable=True),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "seq", name=op.f("pk_outbox_event")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_event_id")),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "rule_overlay",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("revision", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=True),
        sa.Column("until", sa.Integer(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "key", "revision", name=op.f("pk_rule_overlay")),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "staff_account",
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("is_operator", sa.Boolean(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_staff_account")),
        sa.UniqueConstraint("login", name=op.f("uq_staff_account_login")),
        info={"control_plane": True},
    )
    op.create_table(
        "tenant",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefecture_code", sa.String(length=2), nullable=False),
        sa.Column("prefecture_name", sa.String(length=10), nullable=False),
        sa.Column("designated_city", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_tenant")),
        info={"control_plane": True},
    )
    op.create_table(
        "tenant_counter",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "name", name=op.f("pk_tenant_counter")),
        info={"rls": True},
    )
    op.create_table(
        "api_token",
        sa.Column("token_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["staff_account.account_id"], name=op.f("fk_api_token_account_id_staff_account")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.tenant_id"], name=op.f("fk_api_token_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
        info={"control_plane": True},
    )
    op.create_table(
        "role_grant",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("granted_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["staff_account.account_id"], name=op.f("fk_role_grant_account_id_staff_account")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.tenant_id"], name=op.f("fk_role_grant_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "account_id", "role", name=op.f("pk_role_grant")),
        info={"control_plane": True},
    )
    op.create_table(
        "staff_session",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=6), nullable=True),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client_addr", sa.String(length=64), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["staff_account.account_id"],
            name=op.f("fk_staff_session_account_id_staff_account"),
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_staff_session")),
        info={"control_plane": True},
    )
    rls.apply(op.get_bind(), RLS_TABLES, APPEND_ONLY, PLAIN_TABLES)


def downgrade() -> None:
    op.drop_table("staff_session")
    op.drop_table("role_grant")
    op.drop_table("api_token")
    op.drop_table("tenant_counter")
    op.drop_table("tenant")
    op.drop_table("staff_account")
    op.drop_table("rule_overlay")
    op.drop_table("outbox_event")
    op.drop_table("login_attempt")
    op.drop_table("closure_day")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_target")
        batch_op.drop_index("ix_audit_at")
        batch_op.drop_index("ix_audit_actor")

    op.drop_table("audit_log")
