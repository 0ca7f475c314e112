"""Declarative 異動 forms: what a screen shows, and turning the posted form into a command dict.

A form is a list of sections of inputs named by their dotted path in the command
(``address.address``, ``persons.0.family_name``, ``relationships.<宛名番号>``), plus optional
widgets: 異動者 (person entry), 世帯員 (choose members / give 続柄 / choose the new 世帯主) and
修正内容 (item → value). Labels come from the commands' Japanese titles unless given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from kikan.juki.items import ITEM_BY_NAME
from kikan.juki.services import PersonInput

LIST_KEYS = frozenset({"persons"})
UI_PREFIX = "ui_"
SKIP = frozenset({"csrf_token", "action", "person_count"})


@dataclass(frozen=True)
class Input:
    name: str
    label: str = ""
    kind: str = "text"  # text | date | select | textarea | number | kana
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    required: bool = False
    size: str = "m"  # s | m | l

    @property
    def id(self) -> str:
        return input_id(self.name)


@dataclass(frozen=True)
class Section:
    title: str
    inputs: tuple[Input, ...] = ()
    widget: str = ""  # persons | members | changes
    collapsed: bool = False
    hint: str = ""


@dataclass(frozen=True)
class Members:
    """世帯員 widget: whose members (``source``: the name of the input holding the 世帯番号), and
    what is asked of each: chosen (``select``: list field), new 続柄, or the new 世帯主 (``head``)."""

    source: str
    select: str = ""
    relationships: bool = False
    head: str = ""
    select_label: str = "異動者"


@dataclass(frozen=True)
class FormSpec:
    sections: tuple[Section, ...]
    members: Members | None = None
    persons: str = ""  # "persons" (a list) or "child" (one person)
    list_fields: tuple[str, ...] = field(default_factory=tuple)


def input_id(name: str) -> str:
    return "f-" + name.replace(".", "-")


def title_of(model: type[BaseModel], path: str) -> str:
    """The Japanese title of a dotted field path of ``model`` (``address.address`` → 住所)."""
    current: Any = model
    title = path
    for part in path.split("."):
        info = (
            current.model_fields.get(part)
            if isinstance(current, type) and issubclass(current, BaseModel)
            else None
        )
        if info is None:
            continue
        title = info.title or part
        ann = info.annotation
        current = next((a for a in (ann, *getattr(ann, "__args__", ())) if isinstance(a, type)
                        and issubclass(a, BaseModel)), None)  # fmt: skip
    return title


def labelled(model: type[BaseModel], inputs: Iterable[Input]) -> tuple[Input, ...]:
    return tuple(i if i.label else Input(**{**i.__dict__, "label": title_of(model, i.name)}) for i in inputs)


# --- posted form → command dict ----------------------------------------------------------------


def _put(target: dict[str, Any], path: list[str], value: Any) -> None:
    key = path[0]
    if len(path) == 1:
        target[key] = value
        return
    if key in LIST_KEYS and len(path) > 2:  # persons.<slot>.<field>: slots become a list later
        slots = target.setdefault(key, {})
        _put(slots.setdefault(path[1], {}), path[2:], value)
        return
    _put(target.setdefault(key, {}), path[1:], value)


def _lists(d: dict[str, Any]) -> dict[str, Any]:
    for key in LIST_KEYS & d.keys():
        slots = d[key]
        d[key] = [slots[k] for k in sorted(slots, key=int) if _filled(slots[k])]
    return d


def _filled(person: Mapping[str, Any]) -> bool:
    return any(v for k, v in person.items() if k not in ("resident_kind",))


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    """Drop nested objects left without any value (an unused 方書 block, 転出証明書情報 …)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict) and k != "relationships":
            v = _clean(v)
            if not v:
                continue
        out[k] = v
    return out


def command_data(form: Mapping[str, Any], spec: FormSpec, lists: Mapping[str, list[str]]) -> dict[str, Any]:
    """The posted form as the command's input dict (empty inputs are left out)."""
    data: dict[str, Any] = {}
    for name, raw in form.items():
        if (
            name in SKIP
            or name.startswith(UI_PREFIX)
            or name.startswith("changes_")
            or name in spec.list_fields
        ):
            continue
        value = raw.strip() if isinstance(raw, str) else raw
        if value in ("", None):
            continue
        if name == "expected_household_version":
            value = int(value) if str(value).isdigit() else value
        _put(data, name.split("."), value)
    for name in spec.list_fields:
        chosen = [x for v in lists.get(name, []) for x in re.split(r"[,、\s]+", v) if x]
        if chosen:
            data[name] = chosen
    data = _clean(_lists(data))
    m = spec.members
    rels = data.get("relationships")
    if m and isinstance(rels, dict):
        keep = set(lists.get(m.select, [])) if m.select else set(rels)
        if m.head:
            keep.discard(str(form.get(m.head, "")))
        data["relationships"] = {k: v for k, v in rels.items() if k in keep}
    changes = correction_changes(form)
    if changes:
        data["changes"] = changes
    return data


def correction_changes(form: Mapping[str, Any], rows: int = 5) -> dict[str, Any]:
    """修正内容 rows (item, value) → {item: value}; an empty value clears the item."""
    out: dict[str, Any] = {}
    for i in range(rows):
        name = str(form.get(f"changes_item.{i}", "")).strip()
        if not name:
            continue
        raw = str(form.get(f"changes_value.{i}", "")).strip()
        item = ITEM_BY_NAME.get(name)
        value: Any = raw or None
        if item is not None and value is not None:
            if item.kind == "bool":
                value = {"true": True, "false": False}.get(raw, raw)
            elif item.kind == "int" and raw.lstrip("-").isdigit():
                value = int(raw)
        out[name] = value
    return out


# --- Japanese field names of errors → the input they are about ---------------------------------


def error_targets(spec: FormSpec, model: type[BaseModel], person_slots: int) -> dict[str, str]:
    """Map the field names the services and :func:`build` use in errors to input ids."""
    out: dict[str, str] = {}
    for section in spec.sections:
        for i in section.inputs:
            out.setdefault(i.label, i.id)
            out.setdefault(title_of(model, i.name), i.id)
            parts = i.name.split(".")
            if len(parts) == 2:
                out.setdefault(f"{title_of(model, parts[0])}の{i.label}", i.id)
    if spec.persons:
        for n in range(person_slots):
            for name, info in PersonInput.model_fields.items():
                label = info.title or name
                key = f"persons.{n}.{name}" if spec.persons == "persons" else f"child.{name}"
                pid = input_id(key)
                out.setdefault(f"{n + 1}人目の{label}", pid)
                out.setdefault(f"異動者の{n + 1}人目の{label}", pid)
                if n == 0:
                    out.setdefault(label, pid)
                    out.setdefault(f"出生者の{label}", pid)
    return out
