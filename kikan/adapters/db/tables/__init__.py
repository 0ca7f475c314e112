"""All tables. ``metadata`` is what Alembic compares against.

Tables with ``info={"rls": True}`` hold tenant data: on PostgreSQL they get FORCE ROW LEVEL
SECURITY with a policy on ``current_setting('app.tenant_id')``. Control-plane tables
(tenants, staff accounts, sessions, system clients) are shared by design; see docs/adr/0002.
"""

from kikan.adapters.db.tables import addressee as addressee  # noqa: F401
from kikan.adapters.db.tables import applications as applications  # noqa: F401
from kikan.adapters.db.tables import characters as characters  # noqa: F401
from kikan.adapters.db.tables import core as core  # noqa: F401  (registers tables)
from kikan.adapters.db.tables import juki as juki  # noqa: F401
from kikan.adapters.db.tables import linkage as linkage  # noqa: F401
from kikan.adapters.db.tables import migration as migration  # noqa: F401
from kikan.adapters.db.tables import tax as tax  # noqa: F401
from kikan.adapters.db.tables import welfare as welfare  # noqa: F401
from kikan.adapters.db.tables.base import metadata

__all__ = ["metadata", "rls_tables", "append_only_tables"]


def rls_tables() -> list[str]:
    return sorted(t.name for t in metadata.sorted_tables if t.info.get("rls"))


def append_only_tables() -> list[str]:
    return sorted(t.name for t in metadata.sorted_tables if t.info.get("append_only"))
