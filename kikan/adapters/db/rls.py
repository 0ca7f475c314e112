"""PostgreSQL row-level security: the backstop behind the application's tenant filter."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

APP_ROLE = "kikan_app"
POLICY = "tenant_isolation"


def apply(
    conn: sa.Connection,
    rls_tables: Iterable[str],
    append_only: Iterable[str],
    plain_tables: Iterable[str] = (),
    role: str = APP_ROLE,
) -> None:
    """Create the app role (no BYPASSRLS), grant it DML on the migration's tables, and FORCE
    RLS on the tenant tables among them.

    Grants are per table (never ON ALL TABLES), so a later migration cannot re-grant
    UPDATE/DELETE on an earlier append-only table (audit log, outbox, overlays).
    """
    rls_tables, append_only, plain_tables = list(rls_tables), set(append_only), list(plain_tables)
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        f"""DO $$ BEGIN
              CREATE ROLE "{role}" NOLOGIN NOBYPASSRLS;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$;"""
    )
    conn.exec_driver_sql(f'GRANT "{role}" TO CURRENT_USER')
    conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA public TO "{role}"')
    conn.exec_driver_sql(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
    for t in rls_tables + plain_tables:
        privileges = "SELECT, INSERT" if t in append_only else "SELECT, INSERT, UPDATE, DELETE"
        conn.exec_driver_sql(f'GRANT {privileges} ON "{t}" TO "{role}"')
    for t in rls_tables:
        conn.exec_driver_sql(f'ALTER TABLE "{t}" ENABLE ROW LEVEL SECURITY')
        conn.exec_driver_sql(f'ALTER TABLE "{t}" FORCE ROW LEVEL SECURITY')
        conn.exec_driver_sql(f'DROP POLICY IF EXISTS {POLICY} ON "{t}"')
        conn.exec_driver_sql(
            f"""CREATE POLICY {POLICY} ON "{t}"
                USING (tenant_id = current_setting('app.tenant_id', true))
                WITH CHECK (tenant_id = current_setting('app.tenant_id', true))"""
        )
