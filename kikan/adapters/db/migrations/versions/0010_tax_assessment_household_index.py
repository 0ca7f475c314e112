"""index tax_assessment by household (the tax.household_status dataset)

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_tax_assessment_household", "tax_assessment", ["tenant_id", "fiscal_year", "household_no"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_tax_assessment_household", table_name="tax_assessment")
