"""Every loader error is reported eagerly, with file, key and entry index, all at once."""

from __future__ import annotations

import pytest

from kikan.core.rules import ParameterError, Problem, load_parameter_dir

from .conftest import WriteYaml, one_parameter

BROKEN = """
namespace: tax.sample
colour: blue
parameters:
  no_basis:
    label: A
    unit: yen
    values:
      - fiscal_year: FY2024
        value: 1
        source: https://example.test
  no_source:
    label: B
    unit: yen
    values:
      - fiscal_year: FY2024
        value: 1
        basis: 地方税法第1条
  overlapping:
    label: C
    unit: yen
    values:
      - effective_from: 2024-04-01
        effective_to: 2024-12-31
        value: 1
        basis: 地方税法第1条
        source: s
      - effective_from: 2024-12-31
        value: 2
        basis: 地方税法第1条
        source: s
  duplicate_fy:
    label: D
    unit: yen
    values:
      - {fiscal_year: FY2024, value: 1, basis: b, source: s}
      - {fiscal_year: FY2025, value: 2, basis: b, source: s}
      - {fiscal_year: FY2024, value: 3, basis: b, source: s}
  fy_as_date:
    label: E
    unit: yen
    values:
      - {fiscal_year: 2026-04-01, value: 1, basis: b, source: s}
  fy_as_int:
    label: F
    unit: yen
    values:
      - {fiscal_year: 2026, value: 1, basis: b, source: s}
  unknown_entry_key:
    label: G
    unit: yen
    values:
      - {fiscal_year: FY2024, value: 1, basis: b, source: s, remark: x}
  mixed:
    label: H
    unit: yen
    values:
      - {fiscal_year: FY2024, value: 1, basis: b, source: s}
      - {effective_from: 2025-04-01, value: 2, basis: b, source: s}
  unknown_param_key:
    label: I
    unit: yen
    colour: red
    values:
      - {fiscal_year: FY2024, value: 1, basis: b, source: s}
"""


def problems_of(exc: ParameterError, key: str | None) -> list[Problem]:
    qualified = None if key is None else f"tax.sample.{key}"
    return [p for p in exc.problems if p.key == qualified]


def test_all_problems_are_reported_at_once_with_their_location(write_yaml: WriteYaml) -> None:
    directory = write_yaml("sample.yaml", BROKEN)
    with pytest.raises(ParameterError) as info:
        load_parameter_dir(directory)
    exc = info.value
    assert all(p.file.endswith("sample.yaml") for p in exc.problems)

    expected = {
        None: (None, "unknown key 'colour'"),
        "no_basis": (0, "missing basis"),
        "no_source": (0, "missing source"),
        "overlapping": (1, "overlaps values[0]"),
        "duplicate_fy": (2, "duplicate fiscal year FY2024 (also values[0])"),
        "fy_as_date": (0, "fiscal year written as a date (2026-04-01); write FY2026"),
        "fy_as_int": (0, "fiscal year written as a bare number (2026); write FY2026"),
        "unknown_entry_key": (0, "unknown key 'remark'"),
        "mixed": (1, "mixes fiscal_year and effective_from keying"),
        "unknown_param_key": (None, "unknown key 'colour'"),
    }
    for key, (index, fragment) in expected.items():
        found = problems_of(exc, key)
        assert len(found) == 1, (key, found)
        assert found[0].index == index, key
        assert fragment in found[0].message, (key, found[0].message)
    assert len(exc.problems) == len(expected)
    # The message lists every problem with its location.
    text = str(exc)
    assert "sample.yaml: tax.sample.duplicate_fy values[2]: duplicate fiscal year" in text
    assert f"{len(expected)} parameter problem(s)" in text


def test_problems_from_several_files_are_collected(write_yaml: WriteYaml) -> None:
    write_yaml(
        "a.yaml",
        one_parameter("a", "x", "{label: X, unit: yen, values: [{fiscal_year: FY2024, value: 1, basis: b}]}"),
    )
    directory = write_yaml(
        "b.yaml",
        one_parameter(
            "b", "y", "{label: Y, unit: yen, values: [{fiscal_year: FY2024, value: 1, source: s}]}"
        ),
    )
    with pytest.raises(ParameterError) as info:
        load_parameter_dir(directory)
    assert {(p.file.rsplit("/", 1)[-1], p.key) for p in info.value.problems} == {
        ("a.yaml", "a.x"),
        ("b.yaml", "b.y"),
    }


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        ("{fiscal_year: '2026-04-01', value: 1, basis: b, source: s}", "fiscal year written as a date"),
        ("{fiscal_year: FY26, value: 1, basis: b, source: s}", "must match FY<yyyy>"),
        ("{fiscal_year: FY2024, value: 1, basis: '', source: s}", "missing basis"),
        ("{fiscal_year: FY2024, value: 1, basis: '  ', source: s}", "missing basis"),
        (
            "{fiscal_year: FY2024, value: 1, basis: b, source: s, verified: maybe}",
            "verified must be true or false",
        ),
        ("{fiscal_year: FY2024, basis: b, source: s}", "missing value"),
        ("{fiscal_year: FY2024, value: 1.5, basis: b, source: s}", "unit yen needs an integer"),
        ("{fiscal_year: FY2024, value: true, basis: b, source: s}", "unit yen needs an integer"),
        ("{value: 1, basis: b, source: s}", "missing fiscal_year (FY<yyyy>) or effective_from"),
        ("{fiscal_year: FY2024, effective_from: 2024-04-01, value: 1, basis: b, source: s}", "not both"),
        ("{fiscal_year: FY2024, until: FY2023, value: 1, basis: b, source: s}", "until FY2023 is before"),
        (
            "{fiscal_year: FY2024, until: 2025, value: 1, basis: b, source: s}",
            "until: fiscal year written as a bare",
        ),
        ("{fiscal_year: FY2024, effective_to: 2025-03-31, value: 1, basis: b, source: s}", "use until"),
        ("{effective_from: 2024-04-01, until: FY2025, value: 1, basis: b, source: s}", "use effective_to"),
        (
            "{effective_from: 2025-04-01, effective_to: 2025-03-31, value: 1, basis: b, source: s}",
            "is before",
        ),
        ("{effective_from: FY2024, value: 1, basis: b, source: s}", "effective_from: expected a date"),
        ("{effective_from: 2024-04-01T00:00:00, value: 1, basis: b, source: s}", "date-time"),
        ("not-a-mapping", "value entry must be a mapping"),
    ],
)
def test_single_entry_errors(write_yaml: WriteYaml, entry: str, fragment: str) -> None:
    directory = write_yaml(
        "p.yaml",
        f"namespace: ns\nparameters:\n  k:\n    label: K\n    unit: yen\n    values:\n      - {entry}\n",
    )
    with pytest.raises(ParameterError) as info:
        load_parameter_dir(directory)
    (problem,) = info.value.problems
    assert (problem.key, problem.index) == ("ns.k", 0)
    assert fragment in problem.message


def test_until_overlapping_the_next_entry_is_an_error(write_yaml: WriteYaml) -> None:
    directory = write_yaml(
        "p.yaml",
        """
        namespace: ns
        parameters:
          k:
            label: K
            unit: yen
            values:
              - {fiscal_year: FY2024, until: FY2025, value: 1, basis: b, source: s}
              - {fiscal_year: FY2025, value: 2, basis: b, source: s}
    """,
    )
    with pytest.raises(ParameterError) as info:
        load_parameter_dir(directory)
    (problem,) = info.value.problems
    assert problem.index == 0 and "overlaps values[1]" in problem.message


def test_open_ended_date_range_followed_by_another_overlaps(write_yaml: WriteYaml) -> None:
    directory = write_yaml(
        "p.yaml",
        """
        namespace: ns
        parameters:
          k:
            label: K
            unit: yen
            values:
              - {effective_from: 2025-10-01, value: 2, basis: b, source: s}
              - {effective_from: 2024-10-01, value: 1, basis: b, source: s}
    """,
    )
    with pytest.raises(ParameterError) as info:
        load_parameter_dir(directory)
    (problem,) = info.value.problems
    assert problem.index == 0 and "overlaps values[1]" in problem.message
