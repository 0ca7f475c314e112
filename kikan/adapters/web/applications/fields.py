"""View models of a form for the templates: sections → items → fields, with values and errors.

Each field knows its input ``id`` (``f-section-0-field``), the ids its ``aria-describedby``
lists (hint, errors), its ``autocomplete`` token and, for a date, the ids of its parts. The
error summary links to :attr:`FieldView.anchor`, the first input of the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kikan.applications.definition import FieldDef, FormDefinition, Section
from kikan.applications.validation import FormError
from kikan.applications.values import WESTERN, era_options

#: autocomplete tokens by type when the definition gives none (WCAG 2.1 SC 1.3.5)
DEFAULT_AUTOCOMPLETE = {"email": "email", "phone": "tel", "postal_code": "postal-code"}
INPUTMODE = {"phone": "tel", "postal_code": "numeric", "number": "numeric", "addressee_no": "numeric",
             "email": "email"}  # fmt: skip
INPUT_TYPE = {"email": "email", "phone": "tel"}


@dataclass(frozen=True)
class FieldView:
    f: FieldDef
    path: str  # posted name
    id: str
    value: Any
    errors: list[str]
    required: bool
    conditional: bool

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def error_ids(self) -> list[str]:
        return [f"{self.id}-err{i}" for i in range(1, len(self.errors) + 1)]

    @property
    def describedby(self) -> str:
        ids = ([self.hint_id] if self.f.help else []) + self.error_ids
        return " ".join(ids)

    @property
    def eras(self) -> list[str]:
        return era_options(self.f)

    @property
    def anchor(self) -> str:
        if self.f.type == "date":
            return f"{self.id}-era" if len(self.eras) > 1 else f"{self.id}-year"
        if self.f.type == "radio":
            return f"{self.id}-0"
        return self.id

    @property
    def autocomplete(self) -> str:
        return self.f.autocomplete or DEFAULT_AUTOCOMPLETE.get(self.f.type, "off")

    def part_autocomplete(self, part: str) -> str:
        if self.f.autocomplete == "bday" and part in ("year", "month", "day"):
            return f"bday-{part}" if self.date_value.get("era") in ("", WESTERN) or part != "year" else "off"
        return "off"

    @property
    def input_type(self) -> str:
        return INPUT_TYPE.get(self.f.type, "text")

    @property
    def inputmode(self) -> str | None:
        return INPUTMODE.get(self.f.type)

    @property
    def date_value(self) -> dict[str, str]:
        return self.value if isinstance(self.value, dict) else {"era": "", "year": "", "month": "", "day": ""}

    @property
    def checked(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class ItemView:
    heading: str
    index: int | None
    fields: list[FieldView]
    removable: bool


@dataclass(frozen=True)
class SectionView:
    s: Section
    items: list[ItemView]
    count: int
    can_add: bool = field(default=False)


def _id(path: str) -> str:
    return "f-" + path.replace(".", "-")


def _default(f: FieldDef) -> Any:
    if f.type == "checkbox":
        return False
    if f.type == "date":
        era = WESTERN if era_options(f) == [WESTERN] else ""
        return {"era": era, "year": "", "month": "", "day": ""}
    return f.default or ""


def _item(sec: Section, prefix: str, index: int | None, shown: Mapping[str, Any], errs: Mapping[str, list[str]],
          staff: bool) -> list[FieldView]:  # fmt: skip
    views = []
    for f in sec.fields:
        if f.staff_only and not staff:
            continue
        path = prefix + f.id
        value = shown.get(path, _default(f))
        views.append(FieldView(f, path, _id(path), value, errs.get(path, []), f.required, f.required_if is not None))
    return views


def sections(
    form: FormDefinition, shown: Mapping[str, Any], errors: Sequence[FormError], counts: Mapping[str, int], *,
    staff: bool = False,
) -> list[SectionView]:
    errs: dict[str, list[str]] = {}
    for e in errors:
        errs.setdefault(e.path, []).append(e.message)
    out: list[SectionView] = []
    for sec in form.sections:
        if sec.repeat is None:
            fields = _item(sec, f"{sec.id}.", None, shown, errs, staff)
            if fields:
                out.append(SectionView(sec, [ItemView(sec.title, None, fields, False)], 1))
            continue
        n = max(1, min(counts.get(sec.id, sec.repeat.initial), sec.repeat.max))
        items = [
            ItemView(f"{sec.title}（{sec.repeat.item_label.format(n=i + 1)}）", i,
                     _item(sec, f"{sec.id}.{i}.", i, shown, errs, staff), i >= max(sec.repeat.min, 1))
            for i in range(n)
        ]  # fmt: skip
        out.append(SectionView(sec, items, n, n < sec.repeat.max))
    return out


def anchors(form_sections: Sequence[SectionView]) -> dict[str, str]:
    """path → the id the error summary links to."""
    return {fv.path: fv.anchor for s in form_sections for it in s.items for fv in it.fields}
