"""税額の更正 from the taxpayer page: preview the recalculated assessment, then apply it (``tax.write``).

The preview runs the same reads and vector code as :func:`kikan.adapters.db.tax_corrections.recompute`
(``chunk_input`` as known now → ``assess``) without writing, and shows every item of the result
before (the current stored version) and after, with the trace of the new calculation. Applying calls
``recompute`` itself with the clerk's reason, so the stored version, the re-spread installments, the
notice record (税額変更通知書), the published event and the access log are the service's.

Optimistic concurrency: the preview carries a fingerprint of what it showed (the current result
version, the recalculated amounts and the versions of the person's 課税資料). Applying recomputes it
in the same transaction; when anything changed since the preview, nothing is written and the clerk
gets a 409 page asking to preview again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kikan.adapters.db import tax_corrections, tax_results
from kikan.adapters.db.tax_inputs import chunk_input
from kikan.adapters.db.tax_params import run_setting
from kikan.adapters.web.tax import queries
from kikan.adapters.web.tax.common import Writer, error_page, open_uow, page, step_value, trace_rows
from kikan.adapters.web.tax.trace import stored_trace
from kikan.core.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed
from kikan.tax.individual_resident.assessment import assess
from kikan.tax.individual_resident.columns import OUTPUTS

FLAGS = frozenset({"per_capita_exempt", "income_levy_exempt", "exemption_reason", "household_members"})
HEADLINE = ("income_levy_municipal", "income_levy_prefectural", "per_capita_municipal", "per_capita_prefectural",
            "forest_environment_tax", "total_tax")  # fmt: skip
REASON_ID, VALID_FROM_ID = "k-reason", "k-valid_from"
LABELS = {REASON_ID: "更正の理由", VALID_FROM_ID: "適用日"}
STALE = (
    "試算の後に課税資料又は税額が変わりました（他の職員の更新を含む）。もう一度試算してから更正してください"
)


class StalePreview(Conflict):
    """The preview no longer shows what applying would store."""


@dataclass
class Preview:
    fiscal_year: int
    addressee_no: str
    current: dict[str, Any] | None
    after: dict[str, Any] | None
    changed: bool
    kind: str  # correction | additional | cancellation | none
    token: str
    items: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)


def _token(
    current: dict[str, Any] | None, after: dict[str, Any] | None, records: list[dict[str, Any]]
) -> str:
    doc = {
        "version": current["version"] if current else 0,
        "after": {k: after.get(k) for k in tax_corrections.COMPARED} if after else None,
        "records": sorted((r["record_id"], r["latest"]["version"]) for r in records),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def preview(uow: Any, fiscal_year: int, addressee_no: str, *, show_all: bool = False) -> Preview:
    """What ``recompute`` would store for the person now (nothing is written)."""
    base = tax_results.annual_run(uow.conn, uow.tenant_id, fiscal_year)
    if base is None or base["status"] != "completed":
        raise Conflict(f"{fiscal_year}年度の当初課税が完了していないため更正できません", field="年度")
    known_at = uow.now
    setting = run_setting(uow, fiscal_year, known_at)
    res = assess(chunk_input(uow.conn, uow.tenant_id, fiscal_year, known_at, [addressee_no]), setting,
                 only=[addressee_no])  # fmt: skip
    after = res.row(0, named=True) if res.height else None
    versions = tax_results.versions(uow.conn, uow.tenant_id, fiscal_year, addressee_no)
    current = versions[-1] if versions else None
    records = queries.income_records(uow.conn, uow.tenant_id, fiscal_year, addressee_no)
    nothing = after is None or (current is None and after["taxpayer_kind"] == "none")
    same = (
        current is not None
        and after is not None
        and all(current.get(k) == after.get(k) for k in tax_corrections.COMPARED)
    )
    changed, kind = not (nothing or same), "none"
    if changed and after is not None:
        kind = (
            "additional"
            if current is None
            else ("cancellation" if after["taxpayer_kind"] == "none" else "correction")
        )
    pv = Preview(fiscal_year, addressee_no, current, after, changed, kind, _token(current, after, records))
    trace = None
    if after is not None and after["taxpayer_kind"] == "resident":
        found = stored_trace(uow, {"taxpayer_kind": "resident", "fiscal_year": fiscal_year,
                                   "addressee_no": addressee_no, "known_at": known_at})  # fmt: skip
        trace = found.trace if found else None
    basis: dict[str, list[str]] = {}
    if trace:
        pv.steps = trace_rows(trace)
        for s in trace_rows(trace, show_all=True):
            basis[s["name"]] = sorted({x["basis"] for x in s["parameters"] if x["basis"]})
    for k, label in OUTPUTS.items():
        before = current.get(k) if current else None
        now = after.get(k) if after else None
        if before == now and not show_all:
            continue
        diff = (now or 0) - (before or 0) if k not in FLAGS else None
        pv.items.append({"name": k, "label": label, "before": "—" if before is None else step_value(k, before),
                         "after": "—" if now is None else step_value(k, now), "diff": diff,
                         "headline": k in HEADLINE, "basis": basis.get(k, [])})  # fmt: skip
    return pv


def _ctx(person: queries.Person, pv: Preview, values: dict[str, str], errors: list[FieldError],
         show_all: bool) -> dict[str, Any]:  # fmt: skip
    targets = {label: i for i, label in LABELS.items()}
    field_errors: dict[str, list[str]] = {}
    for e in errors:
        field_errors.setdefault(targets.get(e.field, ""), []).append(e.message)
    return {"title": f"税額の更正 {person.name or person.addressee_no}", "nav": "search", "person": person,
            "pv": pv, "v": values, "errors": errors, "targets": targets, "field_errors": field_errors,
            "show_all": show_all, "reason_id": REASON_ID, "valid_from_id": VALID_FROM_ID}  # fmt: skip


def _person(uow: Any, addressee_no: str) -> queries.Person:
    found = queries.people(uow.conn, uow.tenant_id, [addressee_no]).get(addressee_no)
    if found is None:
        raise NotFound(f"宛名番号 {addressee_no} の納税義務者は税務の宛名にありません", field="宛名番号")
    return found


def _audit_preview(uow: Any, pv: Preview) -> None:
    uow.audit("tax.assessment.preview", "read", target_type="tax_assessment", target_id=pv.addressee_no,
              detail=f"fiscal_year={pv.fiscal_year} current={pv.current['version'] if pv.current else 0} "
                     f"changed={pv.changed}")  # fmt: skip


def router() -> APIRouter:
    r = APIRouter(prefix="/tax", include_in_schema=False)

    @r.get("/taxpayers/{addressee_no}/correction")
    def preview_page(
        request: Request, p: Writer, addressee_no: str, fiscal_year: int, all: int = 0
    ) -> Response:
        """The recalculated assessment next to the current one (before/after per item) and the form."""
        try:
            with open_uow(request, p) as uow:
                person = _person(uow, addressee_no)
                pv = preview(uow, fiscal_year, addressee_no, show_all=bool(all))
                _audit_preview(uow, pv)
                uow.commit()
        except DomainError as exc:
            return error_page(request, p, exc, "税額の更正")
        return page(request, "correction.html", _ctx(person, pv, {}, [], bool(all)), p)

    @r.post("/taxpayers/{addressee_no}/correction")
    async def apply(request: Request, p: Writer, addressee_no: str) -> Response:
        """Apply the previewed 更正 through the correction service (reason required)."""
        form = await request.form()
        values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        try:
            fiscal_year = int(values.get("fiscal_year", ""))
        except ValueError:
            return error_page(request, p, ValidationFailed([FieldError("年度", "年度が指定されていません")]),
                              "税額の更正")  # fmt: skip
        reason = values.get("reason", "").strip()
        errors: list[FieldError] = []
        valid_from: date | None = None
        if values.get("valid_from", "").strip():
            try:
                valid_from = date.fromisoformat(values["valid_from"].strip())
            except ValueError:
                errors.append(FieldError(LABELS[VALID_FROM_ID], "日付を 2026-09-01 の形で入力してください"))
        if len(reason) > 200:
            errors.append(FieldError(LABELS[REASON_ID], "200文字以内で入力してください"))
        try:
            with open_uow(request, p) as uow:
                person = _person(uow, addressee_no)
                pv = preview(uow, fiscal_year, addressee_no)
                if pv.token != values.get("token"):
                    raise StalePreview(STALE, field="試算")
                if pv.after is None:
                    raise NotFound("この年度の課税の対象ではありません", field="宛名番号")
                if not errors:
                    try:
                        (res,) = tax_corrections.recompute(uow, fiscal_year, [addressee_no], reason=reason,
                                                           valid_from=valid_from)  # fmt: skip
                        uow.commit()
                    except ValidationFailed as exc:  # the service's own checks (the reason)
                        errors = [FieldError(LABELS[REASON_ID] if e.field == "reason" else e.field, e.message)
                                  for e in exc.errors]  # fmt: skip
        except StalePreview as exc:
            return _stale_page(request, p, exc, addressee_no, fiscal_year)
        except DomainError as exc:
            return error_page(request, p, exc, "税額の更正")
        if errors:
            with open_uow(request, p) as uow:  # the refused form shows the preview again: a read
                _audit_preview(uow, pv)
                uow.commit()
            return page(request, "correction.html", _ctx(person, pv, values, errors, False), p, status=422)
        done = f"corrected&version={res.version}" if res.changed else "unchanged"
        return RedirectResponse(f"/tax/taxpayers/{addressee_no}?fiscal_year={fiscal_year}&done={done}#h-versions",
                                status_code=303)  # fmt: skip

    return r


def _stale_page(request: Request, p: Any, exc: DomainError, addressee_no: str, fiscal_year: int) -> Response:
    msgs = [exc.message]
    ctx = {"title": "税額の更正（試算が古くなりました）", "messages": msgs,
           "back_url": f"/tax/taxpayers/{addressee_no}/correction?fiscal_year={fiscal_year}",
           "back_label": "もう一度試算する"}  # fmt: skip
    return page(request, "error.html", ctx, p, status=exc.status)
