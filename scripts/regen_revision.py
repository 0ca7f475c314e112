"""(Re)generate one Alembic revision holding exactly the tables of one tables module.

    .venv/bin/python scripts/regen_revision.py 0003 linkage "data linkage"

While a revision is unreleased its file may be regenerated; afterwards add new revisions.
Revisions are linear: 0001 foundation, 0002 juki, 0003 linkage, 0004 addressee,
0005 applications, 0006 characters, 0007 migration (legacy import/export), 0008 tax, 0009 welfare,
0010 tax index, 0011 idempotency keys, 0012 支援措置 flags (0010–0012 written by hand).
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext

from kikan.adapters.db.engine import make_engine
from kikan.adapters.db.migrate import MIGRATIONS, upgrade

ROOT = Path(__file__).resolve().parent.parent
CHAIN = ["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012"]

HEADER = '''"""{message}

Revision ID: {rev}
Revises: {prev}
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import kikan.adapters.db.types

revision: str = "{rev}"
down_revision: str | None = "{prev}"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
{up}


def downgrade() -> None:
{down}
'''


def main(rev: str, module: str, message: str) -> None:
    mod = importlib.import_module(f"kikan.adapters.db.tables.{module}")
    from kikan.adapters.db.tables import metadata

    tables = {v.name for v in vars(mod).values() if isinstance(v, sa.Table)}
    prev = CHAIN[CHAIN.index(rev) - 1]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/g.db"
        upgrade(url, prev)
        engine = make_engine(url)
        with engine.connect() as conn:
            mc = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_object": lambda obj, name, type_, r, c: (
                        (obj if type_ == "table" else getattr(obj, "table", obj)).name in tables
                    ),
                    "target_metadata": metadata,
                },
            )
            script = produce_migrations(mc, metadata)
            up = render_python_code(script.upgrade_ops, render_as_batch=True, migration_context=mc)
            down = render_python_code(script.downgrade_ops, render_as_batch=True, migration_context=mc)
        engine.dispose()
    versions = MIGRATIONS / "versions"
    for f in versions.glob(f"{rev}_*.py"):
        f.unlink()
    final = versions / f"{rev}_{re.sub(r'[^0-9a-z]+', '_', message.lower()).strip('_')}.py"
    final.write_text(HEADER.format(message=message, rev=rev, prev=prev, up=up or "    pass", down=down or "    pass"))
    rls = ",".join(sorted(t for t in tables if metadata.tables[t].info.get("rls")))
    ao = ",".join(sorted(t for t in tables if metadata.tables[t].info.get("append_only")))
    if tables:
        subprocess.run([sys.executable, str(ROOT / "scripts/fix_migration.py"), str(final), rls, ao], check=True)
    subprocess.run([str(ROOT / ".venv/bin/ruff"), "format", "-q", str(final)], check=True)
    print(f"regenerated {final.relative_to(ROOT)} with tables {sorted(tables)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
