"""Validating a whole submission against its form definition (pure: ``today`` is a parameter).

Input is the flat name → value mapping an HTML form posts:

- ``section.field`` for a field of a plain section;
- ``section.N.field`` for item N (0-based) of a repeating section; the form also posts
  ``_count.section`` (how many items it showed) — blank items beyond ``repeat.min`` are dropped;
- ``….era`` / ``….year`` / ``….month`` / ``….day`` for the parts of a date.

Output is the nested data (``{"applicant": {...}, "persons": [{...}, ...]}``; dates ISO,
checkboxes bool, empty values ``None``) and the errors in document order, each naming the
field in Japanese and carrying its path so that the error summary can link to the input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kikan.applications.definition import FieldDef, FormDefinition, Section
from kikan.applications.values import READERS, WESTERN, era_options, read_checkbox, read_date
from kikan.core.errors import FieldError, ValidationFailed

MAX_VALUE_LENGTH = 4000  # any single posted value; guards before the per-field max_length


@dataclass(frozen=True)
class FormError:
    path: str  # section.field or section.N.field
    label: str  # 「異動する方（1人目）の氏」
    message: str

    @property
    def anchor(self) -> str:
        return "f-" + self.path.replace(".", "-")


@dataclass
class Submission:
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[FormError] = field(default_factory=list)
    #: what to show again in each input (the text as typed, date parts), keyed by path
    display: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ValidationFailed([FieldError(e.label, e.message) for e in self.errors])


def field_label(section: Section, f: FieldDef, index: int | None = None) -> str:
    if index is None:
        # 「郵送先の郵便番号」 in section 郵送先 is not 「郵送先の郵送先の郵便番号」
        return f.label if f.label.startswith(section.title) else f"{section.title}の{f.label}"
    item = section.repeat.item_label.format(n=index + 1) if section.repeat else str(index + 1)
    return f"{section.title}（{item}）の{f.label}"


def item_count(form_section: Section, raw: Mapping[str, str]) -> int:
    """How many items of a repeating section the posted form showed (bounded by repeat.max)."""
    rep = form_section.repeat
    assert rep is not None
    try:
        shown = int(raw.get(f"_count.{form_section.id}", "") or rep.initial)
    except ValueError:
        shown = rep.initial
    return max(rep.min, min(shown, rep.max), 1 if rep.min else 0)


def _is_blank(section: Section, raw: Mapping[str, str], prefix: str, staff: bool) -> bool:
    for f in section.fields:
        if f.staff_only and not staff:
            continue
        keys = [f"{prefix}{f.id}.{p}" for p in ("year", "month", "day")] if f.type == "date" else [prefix + f.id]
        if any((raw.get(k) or "").strip() for k in keys):
            return False
    return True


def _echo(f: FieldDef, raw: Mapping[str, str], key: str) -> Any:
    if f.type == "checkbox":
        return read_checkbox(raw.get(key))
    if f.type == "date":
        return {p: (raw.get(f"{key}.{p}") or "")[:20] for p in ("era", "year", "month", "day")}
    return (raw.get(key) or "")[:MAX_VALUE_LENGTH]


def _read(f: FieldDef, raw: Mapping[str, str], key: str, today: date) -> tuple[Any, str | None]:
    if f.type == "checkbox":
        return read_checkbox(raw.get(key)), None
    if f.type == "date":
        parts = [(raw.get(f"{key}.{p}") or "") for p in ("year", "month", "day")]
        if not any(p.strip() for p in parts):
            return None, None
        era = raw.get(f"{key}.era") or (WESTERN if era_options(f) == [WESTERN] else "")
        return read_date(f, era, *parts, today=today)
    text = raw.get(key) or ""
    if len(text) > MAX_VALUE_LENGTH:
        return None, "入力が長すぎます"
    if not text.strip():
        return None, None
    return READERS[f.type](f, text)


def _condition_holds(f: FieldDef, own: Mapping[str, Any], data: Mapping[str, Any], section: Section) -> bool:
    cond = f.required_if
    if cond is None:
        return False
    sec_id, _, fid = cond.field.partition(".")
    scope = own if sec_id == section.id else data.get(sec_id) or {}
    value = scope.get(fid) if isinstance(scope, Mapping) else None
    return bool(value == cond.equals)


def _missing_message(f: FieldDef) -> str:
    if f.type == "checkbox":
        return "内容を確認のうえ、チェックを入れてください"
    if f.type in ("select", "radio"):
        return "選んでください"
    return "入力してください"


def _section_item(
    section: Section, raw: Mapping[str, str], prefix: str, index: int | None, today: date, staff: bool,
    sub: Submission, errors: list[FormError],
) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for f in section.fields:
        path = prefix + f.id
        if f.staff_only and not staff:
            item[f.id] = None
            continue
        sub.display[path] = _echo(f, raw, path)
        value, message = _read(f, raw, path, today)
        item[f.id] = value
        if message:
            errors.append(FormError(path, field_label(section, f, index), message))
    return item


def validate_submission(
    form: FormDefinition, raw: Mapping[str, str], *, today: date, staff: bool = False
) -> Submission:
    """Read and check every field of ``form`` from the posted ``raw`` values.

    ``staff``: also read the fields only the clerk fills (宛名番号 …); for a resident they are
    ignored whatever is posted.
    """
    sub = Submission()
    per_field: list[FormError] = []
    items: list[tuple[Section, int | None, str, dict[str, Any]]] = []
    for sec in form.sections:
        if sec.repeat is None:
            values = _section_item(sec, raw, f"{sec.id}.", None, today, staff, sub, per_field)
            sub.data[sec.id] = values
            items.append((sec, None, f"{sec.id}.", values))
            continue
        kept: list[dict[str, Any]] = []
        for i in range(item_count(sec, raw)):
            prefix = f"{sec.id}.{i}."
            if i >= sec.repeat.min and _is_blank(sec, raw, prefix, staff):
                continue
            # items are renumbered when a blank one in the middle is dropped
            n = len(kept)
            renumbered = {k[len(prefix):]: v for k, v in raw.items() if k.startswith(prefix)}
            flat = {f"{sec.id}.{n}.{k}": v for k, v in renumbered.items()}
            values = _section_item(sec, flat, f"{sec.id}.{n}.", n, today, staff, sub, per_field)
            kept.append(values)
            items.append((sec, n, f"{sec.id}.{n}.", values))
        sub.data[sec.id] = kept
    failed = {e.path for e in per_field}
    for sec, index, prefix, values in items:
        for f in sec.fields:
            path = prefix + f.id
            if path in failed:
                sub.errors.extend(e for e in per_field if e.path == path)
                continue
            if f.staff_only and not staff:
                continue
            needed = f.required or _condition_holds(f, values, sub.data, sec)
            empty = values.get(f.id) in (None, False, "")
            if needed and empty:
                sub.errors.append(FormError(path, field_label(sec, f, index), _missing_message(f)))
    return sub
