"""Lookup by fiscal year and by date, carry-forward, until, boundaries, not-in-force."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import pytest

from kikan.core.rules import (
    AmbiguousPeriod,
    DateSpan,
    FiscalYearSpan,
    ParameterNotInForce,
    ParameterSet,
    UnknownParameter,
    fiscal_year_of,
    load_parameter_dir,
)

from .conftest import Bracket, Brackets, WriteYaml, one_parameter

KEY = "tax.individual_resident.per_capita_levy.municipal"


def test_fiscal_year_of() -> None:
    assert fiscal_year_of(date(2026, 4, 1)) == 2026
    assert fiscal_year_of(date(2026, 3, 31)) == 2025
    assert fiscal_year_of(date(2026, 12, 31)) == 2026
    assert fiscal_year_of(date(2027, 1, 1)) == 2026


def test_lookup_by_fiscal_year_returns_value_with_provenance(national: ParameterSet) -> None:
    resolved = national.value("per_capita_levy.municipal", fiscal_year=2024)
    assert resolved.value == 3000
    assert resolved.as_int() == 3000
    assert resolved.key == KEY
    assert resolved.basis == "地方税法第310条"
    assert resolved.source.startswith("https://")
    assert resolved.effective == FiscalYearSpan(2024, None)
    assert str(resolved.effective) == "FY2024.."
    assert (resolved.origin, resolved.revision, resolved.verified) == ("national", None, True)
    assert resolved.unit == "yen" and resolved.label == "均等割（市町村民税）"


def test_qualified_key_and_fy_string_are_accepted(national: ParameterSet) -> None:
    assert national.value(KEY, fiscal_year="FY2024").value == 3000


def test_value_carries_forward_until_the_next_entry(national: ParameterSet) -> None:
    assert national.value(KEY, fiscal_year=2030).value == 3000
    assert national.value(KEY, fiscal_year=2023).value == 3500


def test_until_ends_an_entry(write_yaml: WriteYaml) -> None:
    directory = write_yaml(
        "p.yaml",
        """
        namespace: ns
        parameters:
          k:
            label: K
            unit: yen
            values:
              - {fiscal_year: FY2020, until: FY2021, value: 1, basis: b, source: s}
              - {fiscal_year: FY2024, until: FY2025, value: 2, basis: b, source: s}
    """,
    )
    params = load_parameter_dir(directory)
    assert params.value("k", fiscal_year=2021).value == 1
    assert params.value("k", fiscal_year=2021).effective == FiscalYearSpan(2020, 2021)
    with pytest.raises(ParameterNotInForce) as info:
        params.value("k", fiscal_year=2022)
    assert info.value.key == "ns.k" and info.value.period == "FY2022"
    assert params.value("k", fiscal_year=2025).value == 2
    with pytest.raises(ParameterNotInForce, match="FY2026"):
        params.value("k", fiscal_year=2026)


def test_not_in_force_before_the_first_entry(national: ParameterSet) -> None:
    with pytest.raises(ParameterNotInForce) as info:
        national.value(KEY, fiscal_year=2013)
    assert KEY in str(info.value) and "FY2013" in str(info.value)


def test_fiscal_year_keyed_parameter_asked_by_date_maps_april_to_march(national: ParameterSet) -> None:
    assert national.value(KEY, on=date(2024, 3, 31)).value == 3500  # FY2023
    assert national.value(KEY, on=date(2024, 4, 1)).value == 3000  # FY2024


def test_date_keyed_boundaries_are_inclusive(national: ParameterSet) -> None:
    key = "benefit.monthly"
    with pytest.raises(ParameterNotInForce) as info:
        national.value(key, on=date(2024, 9, 30))
    assert info.value.period == "2024-09-30 (FY2024)"
    assert national.value(key, on=date(2024, 10, 1)).value == 10000
    first = national.value(key, on=date(2025, 9, 30))
    assert first.value == 10000
    assert first.effective == DateSpan(date(2024, 10, 1), date(2025, 9, 30))
    assert national.value(key, on=date(2025, 10, 1)).value == 12000
    assert national.value(key, on=date(2099, 1, 1)).effective == DateSpan(date(2025, 10, 1), None)


def test_date_keyed_parameter_by_fiscal_year_needs_a_single_value(national: ParameterSet) -> None:
    with pytest.raises(AmbiguousPeriod):
        national.value("benefit.monthly", fiscal_year=2025)  # changes on 2025-10-01
    with pytest.raises(AmbiguousPeriod):
        national.value("benefit.monthly", fiscal_year=2024)  # only from 2024-10-01
    assert national.value("benefit.monthly", fiscal_year=2026).value == 12000
    with pytest.raises(ParameterNotInForce):
        national.value("benefit.monthly", fiscal_year=2023)


def test_unknown_key_and_bad_arguments(national: ParameterSet) -> None:
    with pytest.raises(UnknownParameter):
        national.value("no.such.key", fiscal_year=2024)
    with pytest.raises(TypeError):
        national.value(KEY)
    with pytest.raises(TypeError):
        national.value(KEY, fiscal_year=2024, on=date(2024, 4, 1))
    with pytest.raises(TypeError):
        national.value(KEY, on=datetime(2024, 4, 1, 9, 0))


def test_rates_are_decimals(national: ParameterSet) -> None:
    rate = national.value("income_levy.municipal_rate", fiscal_year=2026)
    assert rate.as_rate() == Decimal("0.06")
    with pytest.raises(TypeError):
        rate.as_int()


def test_tables_are_validated_by_the_registered_model(national: ParameterSet) -> None:
    table = national.value("brackets", fiscal_year=2026).as_(Brackets)
    assert table.root[1] == Bracket(upper=None, rate=0.05, deduction=50000)


def test_tables_without_model_are_frozen(write_yaml: WriteYaml) -> None:
    directory = write_yaml(
        "p.yaml",
        """
        namespace: ns
        parameters:
          t:
            label: T
            unit: table
            values:
              - fiscal_year: FY2024
                value: {grades: [{grade: 1, amount: 100}], note: x}
                basis: b
                source: s
    """,
    )
    value = load_parameter_dir(directory).value("t", fiscal_year=2024).value
    assert isinstance(value, MappingProxyType)
    assert value["grades"][0]["amount"] == 100
    assert isinstance(value["grades"], tuple)


def test_unverified_values_are_exposed(national: ParameterSet) -> None:
    (unverified,) = national.unverified()
    assert unverified.key == "tax.individual_resident.brackets" and unverified.verified is False


def test_empty_directory_gives_empty_set(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    params = load_parameter_dir(empty)
    assert len(params) == 0 and params.keys() == []


def test_relative_keys_need_a_single_namespace(write_yaml: WriteYaml) -> None:
    write_yaml(
        "a.yaml",
        one_parameter(
            "a", "x", "{label: X, unit: yen, values: [{fiscal_year: FY2024, value: 1, basis: b, source: s}]}"
        ),
    )
    directory = write_yaml(
        "b.yaml",
        one_parameter(
            "b", "x", "{label: X, unit: yen, values: [{fiscal_year: FY2024, value: 2, basis: b, source: s}]}"
        ),
    )
    params = load_parameter_dir(directory)
    assert params.value("a.x", fiscal_year=2024).value == 1
    assert params.value("b.x", fiscal_year=2024).value == 2
    with pytest.raises(UnknownParameter):
        params.value("x", fiscal_year=2024)
