"""Tables of the migration area (legacy data in and out; see ``kikan/migration`` and docs/migration.md).

- ``migration_run``: one row per dry run, import, export or disaster export — who, when, which layout
  and files (names, sizes, SHA-256), the 外字 decisions used (``gaiji_as_of_seq``, replayable) and the
  outcome with its counts.
- ``migration_batch``: the import ledger, append-only.  One row per committed batch, keyed by the
  import's digest (layout + content of every file) and the batch number, written in the same
  transaction as the batch's rows: a batch is either fully in the registry with its ledger row or not
  at all, so a rerun (after a crash or a kill) skips exactly the committed batches and never
  duplicates a row.
"""

import sqlalchemy as sa

from kikan.adapters.db.tables.base import metadata
from kikan.adapters.db.types import JSONDoc, UTCDateTime, tenant_col

migration_run = sa.Table(
    "migration_run",
    metadata,
    tenant_col(),
    sa.Column("run_id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False, comment="dry_run | import | export | disaster_export"),
    sa.Column("layout", sa.String(100), nullable=False, default=""),
    sa.Column("digest", sa.String(64), nullable=False, default="", comment="レイアウトと全ファイルのSHA-256"),
    sa.Column("files", JSONDoc, nullable=False, comment="ファイル名・バイト数・SHA-256"),
    sa.Column("status", sa.String(20), nullable=False, comment="running | completed | refused | failed"),
    sa.Column("gaiji_as_of_seq", sa.Integer, nullable=True, comment="使用した外字同定の決定番号"),
    sa.Column("summary", JSONDoc, nullable=True, comment="件数・エラー件数等"),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Index("ix_migration_run_digest", "tenant_id", "digest"),
    info={"rls": True},
)

migration_batch = sa.Table(
    "migration_batch",
    metadata,
    tenant_col(),
    sa.Column(
        "digest", sa.String(64), primary_key=True, comment="取込みの識別（レイアウトと全ファイルのSHA-256）"
    ),
    sa.Column("batch_no", sa.Integer, primary_key=True, autoincrement=False, comment="バッチ番号"),
    sa.Column("run_id", sa.String(36), nullable=False),
    sa.Column("households", sa.Integer, nullable=False),
    sa.Column("persons", sa.Integer, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("gaiji_as_of_seq", sa.Integer, nullable=True),
    sa.Column("committed_at", UTCDateTime, nullable=False),
    info={"rls": True, "append_only": True},
)
