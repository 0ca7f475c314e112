"""支援措置 flag on the tax and welfare businesses' copies of registry persons

Revision ID: 0012
Revises: 0011

``tax_registry_row`` is append-only for the application role (SELECT, INSERT): every registry item
it holds stays as received. ``protected`` is the one exception — the registry publishes it as the
person's state at the time of the pull and republishes the same history row when a 支援措置 starts,
is extended or ends — so the role may UPDATE that column alone (a column-level grant; the other
columns stay immutable). ``welfare_person`` is an ordinary tenant table (already updatable).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kikan.adapters.db.rls import APP_ROLE

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "tax_registry_row", sa.Column("protected", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column(
        "welfare_person", sa.Column("protected", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(f'GRANT UPDATE ("protected") ON "tax_registry_row" TO "{APP_ROLE}"')


def downgrade() -> None:
    # dropping the column drops its column-level grant too
    with op.batch_alter_table("welfare_person", schema=None) as batch_op:
        batch_op.drop_column("protected")
    with op.batch_alter_table("tax_registry_row", schema=None) as batch_op:
        batch_op.drop_column("protected")
