"""申請管理 (online applications): form definitions as data, validation, mapping to a business command.

Pure code (no I/O, no clock: ``today`` is a parameter). Storage, the public forms, the staff
queue and the hand-off to the businesses live in the adapters (``kikan/adapters/db/applications_*``,
``kikan/adapters/web/applications``, ``kikan/adapters/api/routes/applications.py``). See README.md.
"""

from kikan.applications.corrections import Change, diff
from kikan.applications.definition import FieldDef, FormDefinition, Section, Source, Target
from kikan.applications.display import counts, display_from_data, format_value, readable, to_raw
from kikan.applications.loader import FormCatalog, FormDefinitionError, catalog, load_forms, parse_form
from kikan.applications.mapping import Context, MappedCommand, staff_todo, to_command
from kikan.applications.receipt import (
    format_receipt_no,
    format_secret,
    is_valid_receipt_no,
    make_receipt_no,
    parse_receipt_no,
    parse_secret,
    secret_from_bytes,
)
from kikan.applications.status import LABELS as STATUS_LABELS
from kikan.applications.status import Status, check_transition
from kikan.applications.validation import FormError, Submission, validate_submission

__all__ = [
    "STATUS_LABELS", "Change", "Context", "FieldDef", "FormCatalog", "FormDefinition", "FormDefinitionError",
    "FormError", "MappedCommand", "Section", "Source", "Status", "Submission", "Target", "catalog",
    "check_transition", "counts", "diff", "display_from_data", "format_receipt_no", "format_secret",
    "format_value", "is_valid_receipt_no", "load_forms", "make_receipt_no", "parse_form", "parse_receipt_no",
    "parse_secret", "readable", "secret_from_bytes", "staff_todo", "to_command", "to_raw", "validate_submission",
]  # fmt: skip
