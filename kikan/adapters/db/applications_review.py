"""The clerk's side of 申請管理: the queue, reading an application, corrections, status, apply.

- Reads are audited (``applications.search`` / ``applications.read``).
- A correction keeps every changed item with before/after, who and when; the submitted data
  itself is never changed (``submitted_data``).
- :func:`apply` runs the business's normal service through the hand-off in ONE unit of work with
  the application's status change: either the 異動/交付 and 完了 commit together, or nothing does.
  A refusal (抑止, validation, a person not found …) leaves the application open; its message
  is kept on the application (``last_error``) and raised to the caller.
- Every write checks the version the clerk saw (optimistic concurrency) and the form's
  permission (``target.permission``: ``juki.write`` for 転出届, ``juki.certificate`` for 郵送請求).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kikan.adapters.db import applications_store as store
from kikan.adapters.db.applications_handoff import Outcome, handler_for
from kikan.adapters.db.database import Database
from kikan.applications import events
from kikan.applications.corrections import Change, diff
from kikan.applications.definition import FormDefinition
from kikan.applications.loader import FormCatalog
from kikan.applications.mapping import Context, MappedCommand, to_command
from kikan.applications.status import Status, check_transition
from kikan.core.errors import DomainError, FieldError, Forbidden, NotFound, ValidationFailed
from kikan.core.temporal import JST
from kikan.core.tenancy import TenantContext

FN_SEARCH, FN_READ, FN_CORRECT, FN_STATUS, FN_APPLY = (
    "applications.search", "applications.read", "applications.correct", "applications.status", "applications.apply",
)  # fmt: skip
NOTE_MAX = 1000


@dataclass(frozen=True)
class Loaded:
    row: dict[str, Any]
    form: FormDefinition
    statuses: list[dict[str, Any]]
    corrections: list[dict[str, Any]]


def visible_forms(forms: FormCatalog, ctx: TenantContext) -> list[FormDefinition]:
    """The forms whose applications this clerk may review (the form's ``target.permission``)."""
    return [f for f in forms if ctx.actor.can(f.target.permission)]


def _form_of(forms: FormCatalog, ctx: TenantContext, row: Mapping[str, Any]) -> FormDefinition:
    form = forms.get(row["form_id"])
    if form is None:
        raise NotFound(f"申請様式 {row['form_id']} の定義がありません", field="申請様式")
    if not ctx.actor.can(form.target.permission):
        raise Forbidden(f"「{form.title}」の申請を扱う権限がありません")
    return form


def queue(uow: Any, forms: FormCatalog, filters: store.Filters, *, limit: int = 100, offset: int = 0
          ) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
    """申請一覧 of the forms the clerk may see (audited as a search; the caller commits)."""
    allowed = {f.id for f in visible_forms(forms, uow.ctx)}
    wanted = [f for f in (filters.form_ids or allowed) if f in allowed]
    f = store.Filters(filters.status, wanted, filters.since, filters.until, filters.receipt_no)
    rows, total = store.search(uow, f, limit=limit, offset=offset)
    detail = {"status": f.status, "forms": wanted, "since": str(f.since or ""), "until": str(f.until or ""),
              "total": total, "shown": [r["receipt_no"] for r in rows]}  # fmt: skip
    uow.audit(FN_SEARCH, "read", target_type="application", detail=json.dumps(detail, ensure_ascii=False))
    return rows, total


def load(uow: Any, forms: FormCatalog, receipt_no: str, *, audit: bool = True) -> Loaded:
    """One application with its history (audited as a read; the caller commits)."""
    row = store.get(uow, receipt_no)
    if row is None:
        raise NotFound(f"受付番号 {receipt_no} の申請が見つかりません", field="受付番号")
    form = _form_of(forms, uow.ctx, row)
    if audit:
        uow.audit(FN_READ, "read", target_type="application", target_id=receipt_no)
    return Loaded(row, form, store.statuses(uow, receipt_no), store.corrections(uow, receipt_no))


def mapped(form: FormDefinition, row: Mapping[str, Any]) -> MappedCommand:
    ctx = Context(row["receipt_no"], row["submitted_on"].isoformat(), row["submitted_at"].isoformat(), form.id,
                  row["form_version"])  # fmt: skip
    return to_command(form, row["data"], ctx)


def _version(row: Mapping[str, Any], expected: int | None) -> None:
    if expected is not None and expected != row["version"]:
        raise store.Conflict(store.CONFLICT_MESSAGE, field="版")


def correct(
    db: Database, ctx: TenantContext, forms: FormCatalog, receipt_no: str, new_data: dict[str, Any], *,
    expected_version: int | None, reason: str | None,
) -> list[Change]:
    """Store the clerk's corrected data: one correction row per changed item (before/after). The
    first correction of a 受付 application moves it to 審査中."""
    if reason and len(reason) > NOTE_MAX:
        raise ValidationFailed([FieldError("補正の理由", f"{NOTE_MAX}文字以内で入力してください")])
    with db.uow(ctx) as uow:
        app = load(uow, forms, receipt_no, audit=False)
        _version(app.row, expected_version)
        if app.row["status"] not in (Status.RECEIVED, Status.REVIEWING, Status.CORRECTION_REQUESTED):
            check_transition(app.row["status"], Status.REVIEWING)  # raises: finished applications stay as they are
        changes = diff(app.form, app.row["data"], new_data)
        if not changes:
            return []
        who, now = uow.actor.actor_id, uow.now
        store.add_corrections(uow, receipt_no, changes, actor=who, at=now, reason=reason)
        values: dict[str, Any] = {"data": new_data, "updated_at": now, "updated_by": who}
        if app.row["status"] == Status.RECEIVED:
            values["status"] = Status.REVIEWING.value
            store.add_status(uow, receipt_no, Status.REVIEWING.value, actor=who, at=now)
        store.update(uow, receipt_no, app.row["version"], **values)
        uow.audit(FN_CORRECT, "update", target_type="application", target_id=receipt_no,
                  detail=json.dumps([c.path for c in changes], ensure_ascii=False))  # fmt: skip
        uow.commit()
    return changes


def change_status(
    db: Database, ctx: TenantContext, forms: FormCatalog, receipt_no: str, new: Status, *,
    expected_version: int | None, note: str | None,
) -> None:
    """審査開始, 補正依頼 (note to the applicant required), 却下 (reason required; 行政手続法第8条)."""
    if new == Status.COMPLETED:
        raise ValidationFailed([FieldError("状態", "完了にするには「適用」を実行してください")])
    note = (note or "").strip() or None
    if new in (Status.CORRECTION_REQUESTED, Status.REJECTED) and not note:
        what = "却下の理由" if new == Status.REJECTED else "補正を依頼する内容"
        raise ValidationFailed([FieldError(what, "入力してください")])
    if note and len(note) > NOTE_MAX:
        raise ValidationFailed([FieldError("理由", f"{NOTE_MAX}文字以内で入力してください")])
    with db.uow(ctx) as uow:
        app = load(uow, forms, receipt_no, audit=False)
        _version(app.row, expected_version)
        check_transition(app.row["status"], new)
        who, now = uow.actor.actor_id, uow.now
        public = note if new in (Status.CORRECTION_REQUESTED, Status.REJECTED) else app.row["public_note"]
        store.update(uow, receipt_no, app.row["version"], status=new.value, updated_at=now, updated_by=who,
                     public_note=public)  # fmt: skip
        store.add_status(uow, receipt_no, new.value, actor=who, at=now, note=note)
        uow.emit(events.status_changed(app.form.id, app.form.procedure.code, receipt_no, new.value,
                                       on=now.astimezone(JST).date().isoformat()))  # fmt: skip
        uow.audit(FN_STATUS, "update", target_type="application", target_id=receipt_no, detail=f"status={new.value}")
        uow.commit()


def apply(
    db: Database, ctx: TenantContext, forms: FormCatalog, receipt_no: str, *, expected_version: int | None,
    today: date,
) -> Outcome:
    """Run the business service for the application; on success the application is 完了 with the
    result (異動ID / 発行番号), in the same transaction. On a refusal nothing is applied, the
    message is kept on the application and the error is raised."""
    failure: DomainError
    with db.uow(ctx) as uow:
        app = load(uow, forms, receipt_no, audit=False)
        _version(app.row, expected_version)
        check_transition(app.row["status"], Status.COMPLETED)
        command = mapped(app.form, app.row)
        handler = handler_for(command.business, command.command)
        try:
            outcome = handler(uow, command.fields, today)
        except DomainError as exc:
            failure = exc
        else:
            who, now = uow.actor.actor_id, uow.now
            result = {**outcome.result, "links": [list(x) for x in outcome.links]}
            store.update(uow, receipt_no, app.row["version"], status=Status.COMPLETED.value, result=result,
                         result_ref=outcome.ref[:200], updated_at=now, updated_by=who, last_error=None,
                         last_error_at=None)  # fmt: skip
            store.add_status(uow, receipt_no, Status.COMPLETED.value, actor=who, at=now, note=outcome.ref)
            uow.emit(events.status_changed(app.form.id, app.form.procedure.code, receipt_no, Status.COMPLETED.value,
                                           on=today.isoformat(), result_ref=outcome.ref[:200]))  # fmt: skip
            uow.audit(FN_APPLY, "update", target_type="application", target_id=receipt_no, detail=outcome.ref)
            uow.commit()
            return outcome
    _record_failure(db, ctx, receipt_no, failure)
    raise failure


def error_text(exc: DomainError) -> str:
    from kikan.adapters.db.applications_handoff import FIELD_LABELS

    parts = [f"{FIELD_LABELS.get(e.field, e.field)}: {e.message}" if e.field else e.message for e in exc.errors]
    return "；".join(parts) or exc.message


def _record_failure(db: Database, ctx: TenantContext, receipt_no: str, exc: DomainError) -> None:
    """Keep the refusal on the application (the failed unit of work was rolled back)."""
    with db.uow(ctx) as uow:
        store.update(uow, receipt_no, None, bump=False, last_error=error_text(exc)[:2000], last_error_at=uow.now)
        uow.audit(FN_APPLY, "deny", target_type="application", target_id=receipt_no,
                  detail=f"{exc.code}: {error_text(exc)}"[:2000])  # fmt: skip
        uow.commit()
