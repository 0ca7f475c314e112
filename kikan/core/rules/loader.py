"""Eager loading and validation of ``parameters/*.yaml`` (schema: ``README.md`` in this package).

A loader error fails at start, not at use: :func:`load_parameter_dir` parses and validates every
file, collects *all* problems (file, parameter key, entry index) and raises one
:class:`~kikan.core.rules.errors.ParameterError` listing them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .entries import build_entries
from .errors import ParameterError, Problem
from .parameters import Parameter, ParameterSet, TenantSection
from .values import TableModel, parse_unit

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
FILE_KEYS = frozenset({"namespace", "description", "parameters", "tenant_only"})
PARAMETER_KEYS = frozenset({"label", "unit", "overridable", "description", "values"})
SECTION_KEYS = frozenset({"label", "unit", "description"})


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_parameter_dir(path: str | Path, *, models: Mapping[str, TableModel] | None = None) -> ParameterSet:
    """Load every ``*.yaml`` / ``*.yml`` file in ``path`` (not recursive) into a :class:`ParameterSet`.

    ``models`` maps qualified keys (``namespace.key``, or a ``tenant_only`` section prefix) of
    ``table`` parameters to the pydantic model that validates them.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise ParameterError([Problem(str(directory), None, None, "parameter directory does not exist")])
    files = sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
    return load_parameter_files(files, models=models)


def load_parameter_files(
    files: list[Path], *, models: Mapping[str, TableModel] | None = None
) -> ParameterSet:
    """Load the given files into one :class:`ParameterSet`; see :func:`load_parameter_dir`."""
    problems: list[Problem] = []
    models = dict(models or {})
    parameters: dict[str, Parameter] = {}
    sections: dict[str, TenantSection] = {}
    declared: dict[str, object] = {}  # every key seen (valid or not) -> its raw unit
    for file in files:
        _load_file(file, models, parameters, sections, declared, problems)
    for key, param in parameters.items():
        section = next((s for s in sections.values() if s.covers(key)), None)
        if section is not None:
            problems.append(
                Problem(param.file, key, None, f"lies inside tenant_only section {section.prefix!r}")
            )
    for key, model in models.items():
        if declared.get(key) != "table":
            problems.append(
                Problem(
                    "<models>",
                    key,
                    None,
                    f"model {model.__name__} is registered for a key that is not a table",
                )
            )
    if problems:
        raise ParameterError(problems)
    return ParameterSet(parameters, sections)


def _load_file(
    file: Path,
    models: Mapping[str, TableModel],
    parameters: dict[str, Parameter],
    sections: dict[str, TenantSection],
    declared: dict[str, object],
    problems: list[Problem],
) -> None:
    name = str(file)
    try:
        with file.open(encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(Problem(name, None, None, f"cannot read YAML: {exc}"))
        return
    if not isinstance(doc, dict):
        problems.append(
            Problem(name, None, None, "top level must be a mapping with namespace and parameters")
        )
        return
    for unknown in sorted(set(map(str, doc)) - FILE_KEYS):
        problems.append(Problem(name, None, None, f"unknown key {unknown!r}"))
    namespace = doc.get("namespace")
    if not isinstance(namespace, str) or not KEY_PATTERN.match(namespace):
        problems.append(
            Problem(name, None, None, f"namespace must be a dotted lower-case name, got {namespace!r}")
        )
        namespace = "<invalid-namespace>"  # keep validating the parameters; the set is refused anyway
    params = doc.get("parameters", {})
    if not isinstance(params, dict):
        problems.append(Problem(name, None, None, "parameters must be a mapping of key -> parameter"))
        params = {}
    if "parameters" not in doc and "tenant_only" not in doc:
        problems.append(Problem(name, None, None, "missing parameters"))
    for key, body in params.items():
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            problems.append(Problem(name, str(key), None, "parameter key must be a dotted lower-case name"))
            continue
        qualified = f"{namespace}.{key}"
        declared[qualified] = body.get("unit") if isinstance(body, dict) else None
        param = _load_parameter(name, namespace, qualified, body, models.get(qualified), problems)
        if param is None:
            continue
        if qualified in parameters:
            problems.append(Problem(name, qualified, None, f"also declared in {parameters[qualified].file}"))
            continue
        parameters[qualified] = param
    raw_sections = doc.get("tenant_only", {})
    if not isinstance(raw_sections, dict):
        problems.append(
            Problem(name, None, None, "tenant_only must be a mapping of section -> {label, unit}")
        )
        raw_sections = {}
    for section_name, body in raw_sections.items():
        prefix = f"{namespace}.{section_name}"
        declared[prefix] = body.get("unit") if isinstance(body, dict) else None
        section = _load_section(name, namespace, prefix, section_name, body, models.get(prefix), problems)
        if section is None:
            continue
        if prefix in sections:
            problems.append(
                Problem(name, prefix, None, f"tenant_only section also declared in {sections[prefix].file}")
            )
            continue
        sections[prefix] = section


def _load_parameter(
    file: str, namespace: str, key: str, body: object, model: TableModel | None, problems: list[Problem]
) -> Parameter | None:
    if not isinstance(body, dict):
        problems.append(Problem(file, key, None, "parameter must be a mapping (label, unit, values)"))
        return None
    before = len(problems)
    for unknown in sorted(set(map(str, body)) - PARAMETER_KEYS):
        problems.append(Problem(file, key, None, f"unknown key {unknown!r}"))
    label = body.get("label")
    if not isinstance(label, str) or not label.strip():
        problems.append(Problem(file, key, None, "missing label"))
    overridable = body.get("overridable", False)
    if not isinstance(overridable, bool):
        problems.append(Problem(file, key, None, f"overridable must be true or false, got {overridable!r}"))
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        problems.append(Problem(file, key, None, "description must be text"))
    try:
        unit = parse_unit(body.get("unit"))
    except ValueError as exc:
        problems.append(Problem(file, key, None, str(exc)))
        return None
    built = build_entries(file, key, unit, body.get("values"), model, problems)
    if built is None or len(problems) > before:
        return None
    keying, entries = built
    return Parameter(
        key=key,
        namespace=namespace,
        label=str(label),
        unit=unit,
        keying=keying,
        overridable=bool(overridable),
        entries=entries,
        file=file,
        model=model,
        description=description,
    )


def _load_section(
    file: str,
    namespace: str,
    prefix: str,
    name: object,
    body: object,
    model: TableModel | None,
    problems: list[Problem],
) -> TenantSection | None:
    if not isinstance(name, str) or not KEY_PATTERN.match(name):
        problems.append(
            Problem(file, str(name), None, "tenant_only section must be a dotted lower-case name")
        )
        return None
    if not isinstance(body, dict):
        problems.append(Problem(file, prefix, None, "tenant_only section must be a mapping (label, unit)"))
        return None
    before = len(problems)
    for unknown in sorted(set(map(str, body)) - SECTION_KEYS):
        problems.append(Problem(file, prefix, None, f"unknown key {unknown!r}"))
    label = body.get("label")
    if not isinstance(label, str) or not label.strip():
        problems.append(Problem(file, prefix, None, "missing label"))
    try:
        unit = parse_unit(body.get("unit"))
    except ValueError as exc:
        problems.append(Problem(file, prefix, None, str(exc)))
        return None
    if len(problems) > before:
        return None
    return TenantSection(
        prefix=prefix, namespace=namespace, label=str(label), unit=unit, file=file, model=model
    )
