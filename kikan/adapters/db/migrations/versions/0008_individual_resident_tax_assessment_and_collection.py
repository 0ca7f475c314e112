"""individual resident tax: assessment and collection

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import kikan.adapters.db.types
from kikan.adapters.db import rls

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RLS_TABLES: list[str] = [
    "tax_assessment",
    "tax_assessment_chunk",
    "tax_assessment_run",
    "tax_assessment_trial",
    "tax_correction_notice",
    "tax_income_record",
    "tax_income_relative",
    "tax_non_resident_holder",
    "tax_registry_row",
    "tax_sync_cursor",
]
APPEND_ONLY: list[str] = [
    "tax_assessment",
    "tax_correction_notice",
    "tax_income_record",
    "tax_income_relative",
    "tax_non_resident_holder",
    "tax_registry_row",
]
PLAIN_TABLES: list[str] = []


def upgrade() -> None:
    op.create_table(
        "tax_assessment",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("chunk_no", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("known_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("taxpayer_kind", sa.String(length=10), nullable=False),
        sa.Column("household_no", sa.String(length=15), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("declared", sa.Integer(), nullable=False),
        sa.Column("taxation", sa.String(length=16), nullable=False),
        sa.Column("salary_revenue", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("pension_revenue", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("salary_payer_id", sa.String(length=20), nullable=True),
        sa.Column("ordinary_amount", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("salary_amount", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("pension_amount", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "installments",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "salary_income_before_adjustment", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "income_adjustment_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("salary_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("pension_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("ordinary_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("transfer_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("occasional_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("total_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("aggregate_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("household_members", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("basic_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("spouse_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("spouse_special_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("dependant_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "specific_relative_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("disability_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("widow_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("single_parent_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("working_student_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("social_insurance_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("small_enterprise_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("life_insurance_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "earthquake_insurance_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("medical_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("casualty_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("income_deductions", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("taxable_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("per_capita_limit", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("income_levy_limit", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("per_capita_exempt", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("income_levy_exempt", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("exemption_reason", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("personal_difference", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "income_levy_gross_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "income_levy_gross_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "adjustment_credit_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "adjustment_credit_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("dividend_credit_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "dividend_credit_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "housing_loan_credit_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "housing_loan_credit_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("donation_basic_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("donation_basic_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("donation_special_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "donation_special_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("donation_filing_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "donation_filing_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "foreign_tax_credit_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "foreign_tax_credit_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "exemption_adjustment_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "exemption_adjustment_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "income_levy_before_rounding_municipal",
            sa.BigInteger(),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column(
            "income_levy_before_rounding_prefectural",
            sa.BigInteger(),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column("income_levy_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("income_levy_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("per_capita_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("per_capita_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("forest_environment_tax", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("municipal_tax", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("prefectural_tax", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("total_tax", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "fiscal_year", "addressee_no", "version", name=op.f("pk_tax_assessment")
        ),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "tax_assessment_chunk",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("chunk_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("first_key", sa.String(length=15), nullable=False),
        sa.Column("last_key", sa.String(length=15), nullable=False),
        sa.Column("taxpayers", sa.Integer(), nullable=True),
        sa.Column("completed_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "run_id", "chunk_no", name=op.f("pk_tax_assessment_chunk")),
        info={"rls": True},
    )
    op.create_table(
        "tax_assessment_run",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("known_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_by", sa.String(length=100), nullable=False),
        sa.Column("chunk_size", sa.Integer(), nullable=False),
        sa.Column("chunks_total", sa.Integer(), nullable=False),
        sa.Column("chunks_done", sa.Integer(), nullable=False),
        sa.Column("taxpayers", sa.Integer(), nullable=False),
        sa.Column("designated_city", sa.Boolean(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column(
            "parameters",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("parameter_fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "due_dates",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=200), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "run_id", name=op.f("pk_tax_assessment_run")),
        info={"rls": True},
    )
    with op.batch_alter_table("tax_assessment_run", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tax_assessment_run_year", ["tenant_id", "fiscal_year", "kind"], unique=False
        )

    op.create_table(
        "tax_assessment_trial",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("chunk_no", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("known_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("taxpayer_kind", sa.String(length=10), nullable=False),
        sa.Column("household_no", sa.String(length=15), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("declared", sa.Integer(), nullable=False),
        sa.Column("taxation", sa.String(length=16), nullable=False),
        sa.Column("salary_revenue", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("pension_revenue", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("salary_payer_id", sa.String(length=20), nullable=True),
        sa.Column("ordinary_amount", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("salary_amount", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("pension_amount", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "installments",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "salary_income_before_adjustment", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "income_adjustment_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("salary_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("pension_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("ordinary_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("transfer_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("occasional_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("total_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("aggregate_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("household_members", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("basic_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("spouse_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("spouse_special_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("dependant_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "specific_relative_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("disability_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("widow_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("single_parent_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("working_student_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("social_insurance_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("small_enterprise_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("life_insurance_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "earthquake_insurance_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("medical_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("casualty_deduction", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("income_deductions", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("taxable_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("per_capita_limit", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("income_levy_limit", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("per_capita_exempt", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("income_levy_exempt", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("exemption_reason", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("personal_difference", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "income_levy_gross_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "income_levy_gross_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "adjustment_credit_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "adjustment_credit_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("dividend_credit_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "dividend_credit_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "housing_loan_credit_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "housing_loan_credit_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("donation_basic_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("donation_basic_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("donation_special_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "donation_special_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("donation_filing_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "donation_filing_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "foreign_tax_credit_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "foreign_tax_credit_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "exemption_adjustment_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "exemption_adjustment_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "income_levy_before_rounding_municipal",
            sa.BigInteger(),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column(
            "income_levy_before_rounding_prefectural",
            sa.BigInteger(),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column("income_levy_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("income_levy_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("per_capita_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("per_capita_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("forest_environment_tax", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("municipal_tax", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("prefectural_tax", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("total_tax", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "run_id", "addressee_no", name=op.f("pk_tax_assessment_trial")),
        info={"rls": True},
    )
    op.create_table(
        "tax_correction_notice",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("previous_version", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("difference", sa.BigInteger(), nullable=False),
        sa.Column("overpaid", sa.BigInteger(), nullable=False),
        sa.Column("salary_payer_id", sa.String(length=20), nullable=True),
        sa.Column(
            "lines",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "fiscal_year", "addressee_no", "version", name=op.f("pk_tax_correction_notice")
        ),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "tax_income_record",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("payer_id", sa.String(length=20), nullable=True),
        sa.Column("payer_name", sa.String(length=100), nullable=True),
        sa.Column("special_collection", sa.Boolean(), nullable=False),
        sa.Column("document_received_on", sa.Date(), nullable=True),
        sa.Column("received_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("retracted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("salary_revenue", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("pension_revenue", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("business_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("real_estate_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("interest_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("dividend_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("dividend_trust_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("misc_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("transfer_short_gain", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("transfer_long_gain", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("occasional_gain", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("given_total_income", sa.BigInteger(), server_default=sa.text("(-1)"), nullable=False),
        sa.Column("given_aggregate_income", sa.BigInteger(), server_default=sa.text("(-1)"), nullable=False),
        sa.Column("given_income_deductions", sa.BigInteger(), server_default=sa.text("(-1)"), nullable=False),
        sa.Column("social_insurance", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "small_enterprise_mutual_aid", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("life_new_general", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("life_old_general", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("life_care_medical", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("life_new_annuity", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("life_old_annuity", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("earthquake_premium", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("old_long_term_premium", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("medical_expenses", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("self_medication_expenses", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("use_self_medication", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("casualty_loss", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("casualty_disaster_expenses", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("disability", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("widow", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("single_parent", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("working_student", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("public_assistance", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("housing_loan_unabsorbed", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("income_tax_taxable_income", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("housing_loan_specified", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("donation_hometown", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("donation_community_chest", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("donation_designated_both", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "donation_designated_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "donation_designated_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("one_stop", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "foreign_tax_credit_municipal", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "foreign_tax_credit_prefectural", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.PrimaryKeyConstraint("tenant_id", "record_id", "version", name=op.f("pk_tax_income_record")),
        info={"rls": True, "append_only": True},
    )
    with op.batch_alter_table("tax_income_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tax_income_record_payer", ["tenant_id", "fiscal_year", "payer_id"], unique=False
        )
        batch_op.create_index(
            "ix_tax_income_record_person", ["tenant_id", "fiscal_year", "addressee_no"], unique=False
        )

    op.create_table(
        "tax_income_relative",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("is_spouse", sa.Integer(), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("total_income", sa.BigInteger(), nullable=False),
        sa.Column("cohabiting_ascendant", sa.Integer(), nullable=False),
        sa.Column("disability", sa.Integer(), nullable=False),
        sa.Column("cohabiting", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "record_id", "version", "seq", name=op.f("pk_tax_income_relative")
        ),
        info={"rls": True, "append_only": True},
    )
    with op.batch_alter_table("tax_income_relative", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tax_income_relative_person", ["tenant_id", "fiscal_year", "addressee_no"], unique=False
        )

    op.create_table(
        "tax_non_resident_holder",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_kana", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("property_address", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("retracted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("received_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "fiscal_year", "addressee_no", "version", name=op.f("pk_tax_non_resident_holder")
        ),
        info={"rls": True, "append_only": True},
    )
    op.create_table(
        "tax_registry_row",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("addressee_no", sa.String(length=15), nullable=False),
        sa.Column("history_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event_code", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=True),
        sa.Column("household_no", sa.String(length=15), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("became_resident_on", sa.Date(), nullable=True),
        sa.Column("removal_on", sa.Date(), nullable=True),
        sa.Column("removal_reason", sa.String(length=20), nullable=True),
        sa.Column("family_name", sa.String(length=100), nullable=True),
        sa.Column("given_name", sa.String(length=100), nullable=True),
        sa.Column("family_name_kana", sa.String(length=100), nullable=True),
        sa.Column("given_name_kana", sa.String(length=100), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("katagaki", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=7), nullable=True),
        sa.Column("event_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "addressee_no", "history_no", name=op.f("pk_tax_registry_row")),
        info={"rls": True, "append_only": True},
    )
    with op.batch_alter_table("tax_registry_row", schema=None) as batch_op:
        batch_op.create_index("ix_tax_registry_row_household", ["tenant_id", "household_no"], unique=False)

    op.create_table(
        "tax_sync_cursor",
        sa.Column("tenant_id", sa.String(length=6), nullable=False),
        sa.Column("dataset", sa.String(length=60), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=False),
        sa.Column("phase", sa.String(length=10), nullable=False),
        sa.Column("updated_at", kikan.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "dataset", name=op.f("pk_tax_sync_cursor")),
        info={"rls": True},
    )
    rls.apply(op.get_bind(), RLS_TABLES, APPEND_ONLY, PLAIN_TABLES)


def downgrade() -> None:
    op.drop_table("tax_sync_cursor")
    with op.batch_alter_table("tax_registry_row", schema=None) as batch_op:
        batch_op.drop_index("ix_tax_registry_row_household")

    op.drop_table("tax_registry_row")
    op.drop_table("tax_non_resident_holder")
    with op.batch_alter_table("tax_income_relative", schema=None) as batch_op:
        batch_op.drop_index("ix_tax_income_relative_person")

    op.drop_table("tax_income_relative")
    with op.batch_alter_table("tax_income_record", schema=None) as batch_op:
        batch_op.drop_index("ix_tax_income_record_person")
        batch_op.drop_index("ix_tax_income_record_payer")

    op.drop_table("tax_income_record")
    op.drop_table("tax_correction_notice")
    op.drop_table("tax_assessment_trial")
    with op.batch_alter_table("tax_assessment_run", schema=None) as batch_op:
        batch_op.drop_index("ix_tax_assessment_run_year")

    op.drop_table("tax_assessment_run")
    op.drop_table("tax_assessment_chunk")
    op.drop_table("tax_assessment")
