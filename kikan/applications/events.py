"""Events of 申請管理, published through the outbox (the source of dataset ``applications.submitted``).

Businesses pull applications (共通機能標準仕様書 申請管理; データ連携 WT#1: PULL が原則): each
``ApplicationSubmitted`` carries everything a business needs to process the application — the
受付番号, the form id and version, the procedure, the target command and the submitted items —
and never the 確認コード, tokens or the client address. ``ApplicationStatusChanged`` lets the
business (and the linkage layer) follow the outcome. See ``docs/applications.md``.
"""

from __future__ import annotations

from typing import Any

from kikan.applications.definition import FormDefinition
from kikan.core.events import DomainEvent

AGGREGATE = "application"
SUBMITTED = "ApplicationSubmitted"
STATUS_CHANGED = "ApplicationStatusChanged"
DATASET = "applications.submitted"


def submitted(
    form: FormDefinition, receipt_no: str, data: dict[str, Any], *, submitted_at: str, submitted_on: str
) -> DomainEvent:
    payload = {
        "receipt_no": receipt_no,
        "form_id": form.id,
        "form_version": form.version,
        "procedure": form.procedure.code,
        "procedure_name": form.procedure.name,
        "business": form.target.business,
        "command": form.target.command,
        "submitted_at": submitted_at,
        "data": data,
    }
    return DomainEvent(SUBMITTED, AGGREGATE, receipt_no, payload, occurred_on=submitted_on)


def status_changed(
    form_id: str, procedure: str, receipt_no: str, status: str, *, on: str, result_ref: str | None = None
) -> DomainEvent:
    payload = {"receipt_no": receipt_no, "form_id": form_id, "procedure": procedure, "status": status,
               "result_ref": result_ref}  # fmt: skip
    return DomainEvent(STATUS_CHANGED, AGGREGATE, receipt_no, payload, occurred_on=on)
