"""Data migration in and out of the resident registry and its businesses (データ移行): legacy layouts, validation, export.

Pure code (no database, no clock): the adapters read the files and the tenant's 外字 decisions, write the
batches (``kikan.adapters.db.migration_import``), stream the export (``migration_export``) and read the
disaster list (``migration_disaster``); the CLI is ``kikan migrate``.  See docs/migration.md.

- :mod:`~kikan.migration.layout` — layouts in YAML (CSV / fixed width by bytes; CP932, Shift_JIS,
  EUC-JP, UTF-8), built-in ones in ``layouts/``;
- :mod:`~kikan.migration.validate` — the dry run: :func:`validate_files` → :class:`Dataset` with its
  :class:`~kikan.migration.report.Report` (Japanese, per row and field);
- :mod:`~kikan.migration.plan` — batches of whole households and the registry rows;
- :mod:`~kikan.migration.business_targets`, :mod:`~kikan.migration.records` — layouts of the businesses
  that read the registry (課税資料 ``tax_income``, 受給者台帳 ``welfare_cases``): their items, checks,
  batches, and the inputs of the businesses' own entry points (written by
  ``kikan.adapters.db.migration_business``);
- :mod:`~kikan.migration.export` — rows back into a layout, with the degradation report;
- :mod:`~kikan.migration.disaster` — the residents list for a disaster (CSV, printable HTML).
"""

from kikan.migration.export import Exporter, ExportReport
from kikan.migration.layout import FieldSpec, Layout, available_layouts, load_layout, parse_layout
from kikan.migration.plan import Batch, RowBuilder, counter_floor, plan_batches
from kikan.migration.report import Issue, IssueKind, Report, Severity
from kikan.migration.validate import Dataset, digest_of, validate_files

__all__ = [
    "Batch", "Dataset", "ExportReport", "Exporter", "FieldSpec", "Issue", "IssueKind", "Layout", "Report",
    "RowBuilder", "Severity", "available_layouts", "counter_floor", "digest_of", "load_layout", "parse_layout",
    "plan_batches", "validate_files",
]  # fmt: skip
