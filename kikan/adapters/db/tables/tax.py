"""Tables of the tax area: 個人住民税の課税・徴収 (kikan/tax/individual_resident).

* ``tax_registry_row`` — the tax business's copy of the registry's PUBLISHED ``juki.residents``
  records (snapshot + change feed through the linkage layer); never the registry's own tables.
* ``tax_sync_cursor`` — where the copy stands in the feed.
* ``tax_non_resident_holder`` — 家屋敷課税 (地方税法第294条第1項第2号) by 住登外者宛名番号, versioned.
* ``tax_income_record`` / ``tax_income_relative`` — 課税資料 (給与支払報告書 …), versioned; one column
  per batch input (``TAXPAYER_INPUTS``) so that combining them is set-based.
* ``tax_assessment_run`` / ``tax_assessment_chunk`` — the run ledger of the annual batch (resume).
* ``tax_assessment`` — results, one immutable row per taxpayer and version (当初課税 = 1, 更正 = 2…);
  ``tax_assessment_trial`` — results of simulation runs (試算, reproduction as of a past time).
* ``tax_correction_notice`` — the 変更（更正）通知 data of each correction.
"""

from __future__ import annotations

import sqlalchemy as sa

from kikan.adapters.db.tables.base import metadata
from kikan.adapters.db.types import JSONDoc, UTCDateTime, tenant_col
from kikan.tax.individual_resident.columns import OUTPUTS, TAXPAYER_INPUTS

RLS = {"rls": True}
APPEND_ONLY = {"rls": True, "append_only": True}
RECORD_INPUTS: tuple[str, ...] = tuple(k for k in TAXPAYER_INPUTS if k != "age")


def _money(name: str, default: int = 0) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default=sa.text(str(default)))


tax_registry_row = sa.Table(
    "tax_registry_row",
    metadata,
    tenant_col(),
    sa.Column("addressee_no", sa.String(15), primary_key=True),
    sa.Column("history_no", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("event_code", sa.String(40), nullable=True),
    sa.Column("status", sa.String(10), nullable=True),
    sa.Column("household_no", sa.String(15), nullable=True),
    sa.Column("birth_date", sa.Date, nullable=True),
    sa.Column("became_resident_on", sa.Date, nullable=True),
    sa.Column("removal_on", sa.Date, nullable=True),
    sa.Column("removal_reason", sa.String(20), nullable=True),
    sa.Column("family_name", sa.String(100), nullable=True),
    sa.Column("given_name", sa.String(100), nullable=True),
    sa.Column("family_name_kana", sa.String(100), nullable=True),
    sa.Column("given_name_kana", sa.String(100), nullable=True),
    sa.Column("address", sa.String(200), nullable=True),
    sa.Column("katagaki", sa.String(200), nullable=True),
    sa.Column("postal_code", sa.String(7), nullable=True),
    sa.Column("event_on", sa.Date, nullable=True),  # the feed's occurred_on (異動日); null in snapshots
    sa.Column("recorded_at", UTCDateTime, nullable=True),  # when the registry committed it
    sa.Column("received_at", UTCDateTime, nullable=False),  # when the tax business stored it (known_at)
    sa.Column("source", sa.String(10), nullable=False),  # snapshot | changes
    # 支援措置: the person's flag as last delivered (kept current on every row of the person; the one
    # column the app may update, see migration 0012)
    sa.Column("protected", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_tax_registry_row_household", "tenant_id", "household_no"),
    info=APPEND_ONLY,
)

tax_sync_cursor = sa.Table(
    "tax_sync_cursor",
    metadata,
    tenant_col(),
    sa.Column("dataset", sa.String(60), primary_key=True),
    sa.Column("cursor", sa.Text, nullable=False),
    sa.Column("phase", sa.String(10), nullable=False),  # snapshot | changes
    sa.Column("updated_at", UTCDateTime, nullable=False),
    info=RLS,
)

tax_non_resident_holder = sa.Table(
    "tax_non_resident_holder",
    metadata,
    tenant_col(),
    sa.Column("fiscal_year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("addressee_no", sa.String(15), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(10), nullable=False),  # house 家屋敷 | office 事務所・事業所
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_kana", sa.String(200), nullable=True),
    sa.Column("address", sa.String(200), nullable=False),  # 住所（市外）
    sa.Column("property_address", sa.String(200), nullable=False),  # 家屋敷等の所在地
    sa.Column("birth_date", sa.Date, nullable=True),
    sa.Column("retracted", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    info=APPEND_ONLY,
)

tax_income_record = sa.Table(
    "tax_income_record",
    metadata,
    tenant_col(),
    sa.Column("record_id", sa.String(36), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("addressee_no", sa.String(15), nullable=False),
    sa.Column("source_kind", sa.String(20), nullable=False),
    sa.Column("payer_id", sa.String(20), nullable=True),  # 特別徴収義務者指定番号 / 年金保険者コード
    sa.Column("payer_name", sa.String(100), nullable=True),
    sa.Column("special_collection", sa.Boolean, nullable=False),
    sa.Column("document_received_on", sa.Date, nullable=True),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("retracted", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("data", JSONDoc, nullable=False),  # the record as submitted
    *[_money(k, TAXPAYER_INPUTS[k][0]) for k in RECORD_INPUTS],
    sa.Index("ix_tax_income_record_person", "tenant_id", "fiscal_year", "addressee_no"),
    sa.Index("ix_tax_income_record_payer", "tenant_id", "fiscal_year", "payer_id"),
    info=APPEND_ONLY,
)

tax_income_relative = sa.Table(
    "tax_income_relative",
    metadata,
    tenant_col(),
    sa.Column("record_id", sa.String(36), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),  # the record's (for set-based reads by person)
    sa.Column("addressee_no", sa.String(15), nullable=False),
    sa.Column("is_spouse", sa.Integer, nullable=False),
    sa.Column("age", sa.Integer, nullable=False),  # at 31 December of the income year
    sa.Column("total_income", sa.BigInteger, nullable=False),
    sa.Column("cohabiting_ascendant", sa.Integer, nullable=False),
    sa.Column("disability", sa.Integer, nullable=False),
    sa.Column("cohabiting", sa.Integer, nullable=False),
    sa.Index("ix_tax_income_relative_person", "tenant_id", "fiscal_year", "addressee_no"),
    info=APPEND_ONLY,
)

tax_assessment_run = sa.Table(
    "tax_assessment_run",
    metadata,
    tenant_col(),
    sa.Column("run_id", sa.String(36), primary_key=True),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),  # annual | simulation | correction
    sa.Column("status", sa.String(12), nullable=False),  # running | completed
    sa.Column("known_at", UTCDateTime, nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.Column("started_by", sa.String(100), nullable=False),
    sa.Column("chunk_size", sa.Integer, nullable=False),
    sa.Column("chunks_total", sa.Integer, nullable=False),
    sa.Column("chunks_done", sa.Integer, nullable=False),
    sa.Column("taxpayers", sa.Integer, nullable=False),
    sa.Column("designated_city", sa.Boolean, nullable=False),
    sa.Column("grade", sa.Integer, nullable=False),
    sa.Column("parameters", JSONDoc, nullable=False),  # key -> origin, revision, sha256 of the value
    sa.Column("parameter_fingerprint", sa.String(64), nullable=False),
    sa.Column("due_dates", JSONDoc, nullable=False),  # method -> installment due dates (shifted)
    sa.Column("note", sa.String(200), nullable=False, server_default=""),
    sa.Index("ix_tax_assessment_run_year", "tenant_id", "fiscal_year", "kind"),
    info=RLS,
)

tax_assessment_chunk = sa.Table(
    "tax_assessment_chunk",
    metadata,
    tenant_col(),
    sa.Column("run_id", sa.String(36), primary_key=True),
    sa.Column("chunk_no", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("first_key", sa.String(15), nullable=False),
    sa.Column("last_key", sa.String(15), nullable=False),
    sa.Column("taxpayers", sa.Integer, nullable=True),
    sa.Column("completed_at", UTCDateTime, nullable=True),
    info=RLS,
)


def _result_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("chunk_no", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),  # annual | correction | additional | cancellation
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("known_at", UTCDateTime, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("taxpayer_kind", sa.String(10), nullable=False),  # resident | house | none
        sa.Column("household_no", sa.String(15), nullable=True),
        sa.Column("birth_date", sa.Date, nullable=True),
        sa.Column("declared", sa.Integer, nullable=False),
        sa.Column("taxation", sa.String(16), nullable=False),  # taxed | per_capita_only | exempt | cancelled
        _money("salary_revenue"),
        _money("pension_revenue"),
        sa.Column("salary_payer_id", sa.String(20), nullable=True),
        _money("ordinary_amount"),
        _money("salary_amount"),
        _money("pension_amount"),
        sa.Column("installments", JSONDoc, nullable=False),
        *[_money(k) for k in OUTPUTS],
    ]


tax_assessment = sa.Table(
    "tax_assessment",
    metadata,
    tenant_col(),
    sa.Column("fiscal_year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("addressee_no", sa.String(15), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    *_result_columns(),
    # the household view of the 課税状況 (tax.household_status dataset, 非課税世帯 checks)
    sa.Index("ix_tax_assessment_household", "tenant_id", "fiscal_year", "household_no"),
    info=APPEND_ONLY,
)

tax_assessment_trial = sa.Table(
    "tax_assessment_trial",
    metadata,
    tenant_col(),
    sa.Column("run_id", sa.String(36), primary_key=True),
    sa.Column("addressee_no", sa.String(15), primary_key=True),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    *_result_columns()[1:],
    info=RLS,
)

tax_correction_notice = sa.Table(
    "tax_correction_notice",
    metadata,
    tenant_col(),
    sa.Column("fiscal_year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("addressee_no", sa.String(15), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("previous_version", sa.Integer, nullable=True),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("direction", sa.String(10), nullable=False),  # increase | decrease | none
    sa.Column("difference", sa.BigInteger, nullable=False),
    sa.Column("overpaid", sa.BigInteger, nullable=False),
    sa.Column("salary_payer_id", sa.String(20), nullable=True),
    sa.Column("lines", JSONDoc, nullable=False),  # per installment: before, after, difference
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    info=APPEND_ONLY,
)
