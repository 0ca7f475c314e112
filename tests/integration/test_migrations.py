"""The Alembic migrations produce exactly the schema the code declares."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kikan.adapters.db.migrate import current_revision, head_revision
from kikan.adapters.db.tables import metadata


def test_database_is_at_head(db_url):
    assert current_revision(db_url) == head_revision(db_url)


def test_no_drift_between_tables_and_migrations(owner_engine):
    with owner_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, metadata)
    assert diff == [], f"tables and migrations differ: {diff}"


def test_every_tenant_table_leads_its_key_with_tenant_id():
    for t in metadata.sorted_tables:
        if t.info.get("control_plane"):
            continue
        assert t.info.get("rls"), f"{t.name}: tenant data without RLS"
        assert list(t.primary_key.columns)[0].name == "tenant_id", t.name
