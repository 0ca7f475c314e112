"""Showing submitted data: the confirm page (入力内容の確認), the staff detail, the form re-filled.

Dates print in 和暦 with the 西暦 in brackets (a resident may have typed either), choices by their
label, checkboxes as はい／いいえ, postal codes as ``100-0001``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kikan.applications.definition import FieldDef, FormDefinition, Section
from kikan.applications.values import date_parts
from kikan.core.calendar import WarekiError, format_wareki


@dataclass(frozen=True)
class Row:
    path: str
    label: str
    text: str
    field: FieldDef


@dataclass(frozen=True)
class ItemView:
    heading: str  # section title, with 「1人目」 for a repeating section
    rows: list[Row]


def format_value(f: FieldDef, value: Any) -> str:
    if value is None or value == "":
        return ""
    if f.type == "checkbox":
        return "はい" if value else "いいえ"
    if f.type in ("select", "radio"):
        return next((c.label for c in f.choices if c.value == value), str(value))
    if f.type == "date":
        d = date.fromisoformat(str(value))
        try:
            return f"{format_wareki(d)}（{d.year}年）" if f.era != "western" else f"{d.year}年{d.month}月{d.day}日"
        except WarekiError:
            return d.isoformat()
    if f.type == "postal_code" and len(str(value)) == 7:
        return f"{str(value)[:3]}-{str(value)[3:]}"
    return str(value)


def _items(section: Section, data: Mapping[str, Any]) -> list[tuple[int | None, Mapping[str, Any]]]:
    value = data.get(section.id)
    if section.repeat is None:
        return [(None, value if isinstance(value, Mapping) else {})]
    return [(i, v) for i, v in enumerate(value or []) if isinstance(v, Mapping)]


def readable(form: FormDefinition, data: Mapping[str, Any], *, staff: bool = False) -> list[ItemView]:
    """Sections and items with their rows, in form order (staff-only fields only for staff)."""
    out: list[ItemView] = []
    for sec in form.sections:
        for index, item in _items(sec, data):
            heading = sec.title
            if index is not None and sec.repeat is not None:
                heading += f"（{sec.repeat.item_label.format(n=index + 1)}）"
            prefix = f"{sec.id}." if index is None else f"{sec.id}.{index}."
            rows = [
                Row(prefix + f.id, f.label, format_value(f, item.get(f.id)), f)
                for f in sec.fields
                if staff or not f.staff_only
            ]
            if rows:
                out.append(ItemView(heading, rows))
    return out


def display_from_data(form: FormDefinition, data: Mapping[str, Any]) -> dict[str, Any]:
    """What each input shows when the form is opened again from stored data (path → value)."""
    shown: dict[str, Any] = {}
    for sec in form.sections:
        for index, item in _items(sec, data):
            prefix = f"{sec.id}." if index is None else f"{sec.id}.{index}."
            for f in sec.fields:
                v = item.get(f.id)
                if f.type == "date":
                    shown[prefix + f.id] = date_parts(v, f)
                elif f.type == "checkbox":
                    shown[prefix + f.id] = bool(v)
                else:
                    shown[prefix + f.id] = "" if v is None else str(v)
    return shown


def to_raw(form: FormDefinition, data: Mapping[str, Any]) -> dict[str, str]:
    """Stored data back into the names an HTML form posts (dates as 元号/年/月/日 parts, repeating
    sections with ``_count.<section>``), so a change can be re-validated like a posted form."""
    out: dict[str, str] = {}
    for path, v in display_from_data(form, data).items():
        if isinstance(v, dict):
            out.update({f"{path}.{part}": str(x) for part, x in v.items()})
        elif isinstance(v, bool):
            if v:
                out[path] = "on"
        elif v != "":
            out[path] = v
    out.update({f"_count.{k}": str(n) for k, n in counts(form, data).items()})
    return out


def counts(form: FormDefinition, data: Mapping[str, Any]) -> dict[str, int]:
    """Items per repeating section in ``data`` (at least the section's ``initial``)."""
    out: dict[str, int] = {}
    for sec in form.sections:
        if sec.repeat is not None:
            out[sec.id] = max(len(data.get(sec.id) or []), sec.repeat.initial)
    return out
