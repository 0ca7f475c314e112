"""Parameter-, file-, model- and section-level loader errors, each with its location."""

from __future__ import annotations

from pathlib import Path

import pytest

from kikan.core.rules import ParameterError, load_parameter_dir

from .conftest import GOOD_ENTRY, MODELS, WriteYaml, one_parameter


@pytest.mark.parametrize(
    ("parameter", "fragment"),
    [
        ("{unit: yen, values: [{fiscal_year: FY2024, value: 1, basis: b, source: s}]}", "missing label"),
        (
            "{label: K, unit: money, values: [{fiscal_year: FY2024, value: 1, basis: b, source: s}]}",
            "unit must be",
        ),
        ("{label: K, unit: yen, values: []}", "values must be a non-empty list"),
        ("{label: K, unit: yen}", "values must be a non-empty list"),
        (
            "{label: K, unit: yen, overridable: 1, values: [" + GOOD_ENTRY + "]}",
            "overridable must be true or false",
        ),
        (
            "{label: K, unit: count, values: [{fiscal_year: FY2024, value: -1, basis: b, source: s}]}",
            "non-negative integer",
        ),
        (
            "{label: K, unit: rate, values: [{fiscal_year: FY2024, value: six, basis: b, source: s}]}",
            "needs a number",
        ),
        (
            "{label: K, unit: bool, values: [{fiscal_year: FY2024, value: 1, basis: b, source: s}]}",
            "true or false",
        ),
        (
            "{label: K, unit: text, values: [{fiscal_year: FY2024, value: '', basis: b, source: s}]}",
            "non-empty",
        ),
        (
            "{label: K, unit: table, values: [{fiscal_year: FY2024, value: 3, basis: b, source: s}]}",
            "list or mapping",
        ),
        (
            "{label: K, unit: table, values: [{fiscal_year: FY2024, value: [{d: 2024-01-01}], "
            "basis: b, source: s}]}",
            "not JSON-like",
        ),
    ],
)
def test_parameter_level_errors(write_yaml: WriteYaml, parameter: str, fragment: str) -> None:
    directory = write_yaml("p.yaml", f"namespace: ns\nparameters:\n  k: {parameter}\n")
    with pytest.raises(ParameterError) as info:
        load_parameter_dir(directory)
    assert [p.key for p in info.value.problems] == ["ns.k"]
    assert fragment in info.value.problems[0].message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("namespace: ns\nparameters:\n  k: {label: A}\n  k: {label: B}\n", "duplicate key 'k'"),
        ("namespace: [ns\n", "cannot read YAML"),
        ("- just\n- a list\n", "top level must be a mapping"),
        ("namespace: Bad Name\nparameters: {}\n", "namespace must be"),
        ("namespace: ns\n", "missing parameters"),
    ],
)
def test_file_level_errors(write_yaml: WriteYaml, text: str, fragment: str) -> None:
    directory = write_yaml("p.yaml", text)
    with pytest.raises(ParameterError) as info:
        load_parameter_dir(directory)
    assert any(fragment in p.message for p in info.value.problems), info.value.problems


def test_key_declared_in_two_files_is_an_error(write_yaml: WriteYaml) -> None:
    body = one_parameter("ns", "k", "{label: K, unit: yen, values: [" + GOOD_ENTRY + "]}")
    write_yaml("a.yaml", body)
    directory = write_yaml("b.yaml", body)
    with pytest.raises(ParameterError) as info:
        load_parameter_dir(directory)
    (problem,) = info.value.problems
    assert problem.file.endswith("b.yaml") and "also declared in" in problem.message


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="does not exist"):
        load_parameter_dir(tmp_path / "nope")


def test_table_model_errors_are_reported_with_location(write_yaml: WriteYaml) -> None:
    directory = write_yaml(
        "p.yaml",
        """
        namespace: tax.individual_resident
        parameters:
          brackets:
            label: brackets
            unit: table
            values:
              - fiscal_year: FY2024
                value: [{upper: 100, rate: 0.1}]
                basis: b
                source: s
    """,
    )
    with pytest.raises(ParameterError) as info:
        load_parameter_dir(directory, models=MODELS)
    (problem,) = info.value.problems
    assert (problem.key, problem.index) == ("tax.individual_resident.brackets", 0)
    assert "does not match Brackets" in problem.message and "0.deduction" in problem.message


def test_model_registered_for_unknown_or_non_table_key_is_an_error(write_yaml: WriteYaml) -> None:
    directory = write_yaml(
        "p.yaml",
        one_parameter("ns", "k", "{label: K, unit: yen, values: [" + GOOD_ENTRY + "]}"),
    )
    models = {
        "ns.k": MODELS["tax.individual_resident.brackets"],
        "ns.typo": MODELS["tax.individual_resident.brackets"],
    }
    with pytest.raises(ParameterError) as info:
        load_parameter_dir(directory, models=models)
    assert sorted(p.key or "" for p in info.value.problems) == ["ns.k", "ns.typo"]


def test_tenant_only_section_errors(write_yaml: WriteYaml) -> None:
    directory = write_yaml(
        "p.yaml",
        """
        namespace: ns
        parameters:
          local.x: {label: X, unit: yen, values: [{fiscal_year: FY2024, value: 1, basis: b, source: s}]}
        tenant_only:
          local: {label: L, unit: yen}
          other: {label: O, unit: money}
          third: {unit: yen, extra: 1}
    """,
    )
    with pytest.raises(ParameterError) as info:
        load_parameter_dir(directory)
    messages = {(p.key, p.message) for p in info.value.problems}
    assert ("ns.local.x", "lies inside tenant_only section 'ns.local'") in messages
    assert any(k == "ns.other" and "unit must be" in m for k, m in messages)
    assert ("ns.third", "unknown key 'extra'") in messages and ("ns.third", "missing label") in messages
