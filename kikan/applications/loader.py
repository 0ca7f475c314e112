"""Loading the form definitions (``forms/*.yaml``) and checking them as a whole.

A broken file (bad YAML, an unknown key, a mapping that reads a field that does not exist)
raises :class:`FormDefinitionError` naming the file and the problem; the application loads the
forms at start (``routers()``), so a broken form stops the start instead of a resident's visit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from kikan.applications.definition import SPECIAL_SOURCES, FieldDef, FormDefinition, Identify, Section

FORMS_DIR = Path(__file__).resolve().parent / "forms"
_PLACEHOLDER = re.compile(r"{([a-z_]+)}")


class FormDefinitionError(ValueError):
    """A form definition file is broken (raised at load time, never while serving a form)."""


@dataclass(frozen=True)
class FormCatalog:
    forms: dict[str, FormDefinition]

    def get(self, form_id: str) -> FormDefinition | None:
        return self.forms.get(form_id)

    def __iter__(self) -> Iterator[FormDefinition]:
        return iter(sorted(self.forms.values(), key=lambda f: f.id))

    def __len__(self) -> int:
        return len(self.forms)


def _fail(path: Path, message: str) -> FormDefinitionError:
    return FormDefinitionError(f"{path.name}: {message}")


def parse_form(text: str, *, name: str = "<form>") -> FormDefinition:
    """One definition from YAML text, fully checked (schema and cross-references)."""
    path = Path(name)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail(path, f"YAML として読めません: {exc}") from None
    if not isinstance(raw, dict):
        raise _fail(path, "先頭はマッピング（id, version, …）である必要があります")
    try:
        form = FormDefinition.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise _fail(path, problems) from None
    for problem in check_references(form):
        raise _fail(path, problem)
    return form


def check_references(form: FormDefinition) -> list[str]:
    """Problems with references inside one form (conditions, mapping sources, templates)."""
    problems: list[str] = []
    for sec in form.sections:
        for f in sec.fields:
            problems += _check_condition(form, sec, f)
    for i, ident in enumerate(form.identify):
        problems += _check_identify(form, i, ident)
    for target_field, src in form.target.fields.items():
        where = f"target.fields.{target_field}"
        for p in src.paths:
            if p.startswith("$"):
                if p not in SPECIAL_SOURCES:
                    problems.append(f"{where}: 不明な特別項目 {p}")
                continue
            found = form.field(p)
            if found is None:
                problems.append(f"{where}: 項目 {p} がフォームにありません")
                continue
            sec, _f = found
            if (sec.repeat is not None) != ("[]" in p):
                problems.append(f"{where}: 繰り返し項目は section[].field、それ以外は section.field で指定します（{p}）")
        fields = [found[1] for p in src.paths if not p.startswith("$") and (found := form.field(p))]
        if src.label and not any(f.choices for f in fields):
            problems.append(f"{where}: label は選択肢のある項目（select, radio）を読むときだけ使えます")
        if src.template is not None:
            for name in _PLACEHOLDER.findall(src.template):
                if f"${name}" not in SPECIAL_SOURCES:
                    problems.append(f"{where}: テンプレートの {{{name}}} は使えません")
    return problems


def _check_condition(form: FormDefinition, sec: Section, f: FieldDef) -> list[str]:
    if f.required_if is None:
        return []
    found = form.field(f.required_if.field)
    if found is None:
        return [f"{sec.id}.{f.id}: required_if の項目 {f.required_if.field} がありません"]
    other_sec, _ = found
    if other_sec.repeat is not None and other_sec.id != sec.id:
        return [f"{sec.id}.{f.id}: required_if は別の繰り返しセクションの項目を参照できません"]
    return []


def _check_identify(form: FormDefinition, i: int, ident: Identify) -> list[str]:
    where = f"identify[{i}]"
    sec = form.section(ident.section)
    if sec is None:
        return [f"{where}: セクション {ident.section} がありません"]
    problems = [
        f"{where}: {ident.section}.{fid} がありません"
        for fid in (ident.family_name_kana, ident.given_name_kana, ident.birth_date)
        if form.field(f"{ident.section}.{fid}") is None
    ]
    target = form.field(ident.into)
    if target is None or not target[1].staff_only:
        problems.append(f"{where}: into には職員入力の項目（staff_only）を指定します（{ident.into}）")
    elif target[0].repeat is not None and (target[0].id != sec.id or "[]" not in ident.into):
        problems.append(f"{where}: 繰り返しセクションの into は同じセクションの section[].field です")
    return problems


def load_forms(directory: Path = FORMS_DIR) -> FormCatalog:
    """Every ``*.yaml`` in ``directory``; the file name must be ``<form id>.yaml``."""
    forms: dict[str, FormDefinition] = {}
    for path in sorted(directory.glob("*.yaml")):
        form = parse_form(path.read_text(encoding="utf-8"), name=path.name)
        if path.stem != form.id:
            raise _fail(path, f"ファイル名は {form.id}.yaml にしてください")
        forms[form.id] = form
    if not forms:
        raise FormDefinitionError(f"{directory}: フォーム定義がありません")
    return FormCatalog(forms)


@lru_cache(maxsize=1)
def catalog() -> FormCatalog:
    """The packaged forms, loaded once per process."""
    return load_forms()
