"""Mapping a submission to the target business's command (申請項目 → 基幹業務の管理項目).

共通機能標準仕様書 申請管理: the items of an online application are mapped to the managed items of
the core system that handles the procedure, which then pulls them. The mapping is data (the
``target`` of a form definition); this module only evaluates it. The result is a plain dict in
the target's field names — the business validates it with its own command model, so the
application area never imports a business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kikan.applications.definition import FormDefinition, Source
from kikan.applications.validation import field_label


@dataclass(frozen=True)
class MappedCommand:
    business: str
    command: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Context:
    """The special sources a mapping may read (``$receipt_no`` …)."""

    receipt_no: str
    submitted_on: str  # ISO date (JST) of the submission: the 届出日 of a 届出
    submitted_at: str  # ISO timestamp
    form_id: str
    form_version: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "receipt_no": self.receipt_no, "submitted_on": self.submitted_on, "submitted_at": self.submitted_at,
            "form_id": self.form_id, "form_version": self.form_version,
        }  # fmt: skip


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == []


def _resolve(form: FormDefinition, data: Mapping[str, Any], ctx: Mapping[str, Any], path: str, src: Source) -> Any:
    if path.startswith("$"):
        return ctx.get(path[1:])
    found = form.field(path)
    assert found is not None, path  # checked when the form was loaded
    sec, f = found
    fid = f.id

    def convert(v: Any) -> Any:
        if _empty(v):
            return None
        if src.label and f.choices:
            v = next((c.label for c in f.choices if c.value == v), v)
        if src.map is not None:
            v = src.map.get(str(v).lower() if isinstance(v, bool) else str(v), v)
        return v

    if sec.repeat is not None:
        items = data.get(sec.id) or []
        return [c for item in items if not _empty(c := convert(item.get(fid)))]
    return convert((data.get(sec.id) or {}).get(fid))


def evaluate(form: FormDefinition, data: Mapping[str, Any], ctx: Mapping[str, Any], src: Source) -> Any:
    if src.value is not None:
        return src.value
    if src.template is not None:
        return src.template.format(**ctx)
    values = [_resolve(form, data, ctx, p, src) for p in src.paths]
    value = values[0] if len(values) == 1 else src.join.join(str(v) for v in values if not _empty(v))
    if src.split is not None and isinstance(value, str):
        value = [part.strip() for part in value.split(src.split) if part.strip()]
    return None if _empty(value) else value


def _put(out: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node = out
    for p in parents:
        node = node.setdefault(p, {})
    node[last] = value


def to_command(form: FormDefinition, data: Mapping[str, Any], context: Context) -> MappedCommand:
    """The target command's fields from the (possibly corrected) application data.

    Empty results are left out so the target's defaults apply; the target validates the rest.
    """
    ctx = context.as_dict()
    out: dict[str, Any] = {}
    for name, src in form.target.fields.items():
        value = evaluate(form, data, ctx, src)
        if value is not None:
            _put(out, name, value)
    return MappedCommand(form.target.business, form.target.command, out)


def staff_todo(form: FormDefinition, data: Mapping[str, Any]) -> list[str]:
    """Japanese labels of the clerk-only fields still empty (宛名番号 to identify …)."""
    todo: list[str] = []
    for sec in form.sections:
        staff_fields = [f for f in sec.fields if f.staff_only]
        if not staff_fields:
            continue
        value = data.get(sec.id)
        items: list[tuple[int | None, Mapping[str, Any]]] = (
            list(enumerate(value or [])) if sec.repeat is not None else [(None, value or {})]
        )
        for index, item in items:
            todo += [field_label(sec, f, index) for f in staff_fields if _empty(item.get(f.id))]
    return todo
