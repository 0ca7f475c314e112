"""Corrections by the clerk (職員による補正): what changed, item by item, before → after.

The clerk edits the application in the same form the resident used (plus the clerk-only items
such as 宛名番号); :func:`diff` lists every changed item so each correction is kept with its
before and after values, who made it and when (the submitted data itself is never changed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kikan.applications.definition import FormDefinition
from kikan.applications.display import format_value, to_raw
from kikan.applications.validation import field_label
from kikan.applications.values import date_parts
from kikan.core.errors import FieldError, ValidationFailed


@dataclass(frozen=True)
class Change:
    path: str
    label: str
    before: Any
    after: Any
    before_text: str
    after_text: str


def diff(form: FormDefinition, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every item whose value differs between ``old`` and ``new``, in form order."""
    changes: list[Change] = []
    for sec in form.sections:
        if sec.repeat is None:
            a, b = old.get(sec.id) or {}, new.get(sec.id) or {}
            for f in sec.fields:
                if a.get(f.id) != b.get(f.id):
                    changes.append(Change(f"{sec.id}.{f.id}", field_label(sec, f), a.get(f.id), b.get(f.id),
                                          format_value(f, a.get(f.id)), format_value(f, b.get(f.id))))  # fmt: skip
            continue
        olds, news = list(old.get(sec.id) or []), list(new.get(sec.id) or [])
        for i in range(max(len(olds), len(news))):
            a = olds[i] if i < len(olds) else None
            b = news[i] if i < len(news) else None
            if a is None or b is None:
                item = sec.repeat.item_label.format(n=i + 1)
                what = "追加" if a is None else "削除"
                changes.append(Change(f"{sec.id}.{i}", f"{sec.title}（{item}）", a, b,
                                      "" if a is None else what, what if a is None else ""))  # fmt: skip
                continue
            for f in sec.fields:
                if a.get(f.id) != b.get(f.id):
                    changes.append(Change(f"{sec.id}.{i}.{f.id}", field_label(sec, f, i), a.get(f.id), b.get(f.id),
                                          format_value(f, a.get(f.id)), format_value(f, b.get(f.id))))  # fmt: skip
    return changes


def overlay(form: FormDefinition, data: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, str]:
    """The stored data as posted form values with ``values`` (path → new value) laid over it, ready
    for :func:`~kikan.applications.validation.validate_submission` (API corrections).

    Paths are ``section.field`` or ``section.N.field``; a date is given as ISO ``YYYY-MM-DD``, a
    checkbox as true/false, an empty value as null. Unknown paths are refused.
    """
    raw = to_raw(form, data)
    problems: list[FieldError] = []
    for path, value in values.items():
        found = form.field(path)
        if found is None or (found[0].repeat is not None) != (path.count(".") == 2):
            problems.append(FieldError(path, "この項目はありません"))
            continue
        f = found[1]
        for k in [k for k in raw if k == path or k.startswith(path + ".")]:
            del raw[k]
        if value is None or value == "" or value is False:
            continue
        if f.type == "date":
            try:
                raw.update({f"{path}.{p}": v for p, v in date_parts(str(value), f).items()})
            except ValueError:
                problems.append(FieldError(path, "日付は YYYY-MM-DD で指定してください"))
        elif f.type == "checkbox":
            raw[path] = "on"
        else:
            raw[path] = str(value)
        if found[0].repeat is not None:
            n = int(path.split(".")[1]) + 1
            key = f"_count.{found[0].id}"
            raw[key] = str(max(n, int(raw.get(key, "0") or 0)))
    if problems:
        raise ValidationFailed(problems)
    return raw
