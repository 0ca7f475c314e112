"""Fixtures for the rules engine tests: small parameter directories written to tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, RootModel

from kikan.core.rules import ParameterSet, load_parameter_dir

NATIONAL_YAML = """
namespace: tax.individual_resident
parameters:
  per_capita_levy.municipal:
    label: 均等割（市町村民税）
    unit: yen
    overridable: true
    values:
      - fiscal_year: FY2014
        until: FY2023
        value: 3500
        basis: 地方税法第310条、復興財源確保法第2条
        source: https://laws.e-gov.go.jp/law/325AC0000000226
        note: includes the 500 yen special levy FY2014..FY2023
      - fiscal_year: FY2024
        value: 3000
        basis: 地方税法第310条
        source: https://laws.e-gov.go.jp/law/325AC0000000226
  income_levy.municipal_rate:
    label: 所得割の税率（市町村民税）
    unit: rate
    overridable: true
    values:
      - fiscal_year: FY2019
        value: 0.06
        basis: 地方税法第314条の3第1項
        source: https://laws.e-gov.go.jp/law/325AC0000000226
  tax_base.unit:
    label: 課税標準額の端数単位
    unit: yen
    values:
      - fiscal_year: FY2000
        value: 1000
        basis: 地方税法第20条の4の2第1項
        source: https://laws.e-gov.go.jp/law/325AC0000000226
  brackets:
    label: 調整控除の区分
    unit: table
    overridable: true
    values:
      - fiscal_year: FY2020
        value:
          - {upper: 2000000, rate: 0.05, deduction: 0}
          - {upper: null, rate: 0.05, deduction: 50000}
        basis: 地方税法第314条の6
        source: https://laws.e-gov.go.jp/law/325AC0000000226
        verified: false
  benefit.monthly:
    label: 給付月額
    unit: yen
    overridable: true
    values:
      - effective_from: 2024-10-01
        effective_to: 2025-09-30
        value: 10000
        basis: 何々法第1条
        source: 官報 令和6年某月某日
      - effective_from: 2025-10-01
        value: 12000
        basis: 何々法第1条
        source: 官報 令和7年某月某日
tenant_only:
  local:
    label: 市独自の上乗せ
    unit: yen
"""


class Bracket(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    upper: int | None
    rate: float
    deduction: int


class Brackets(RootModel[tuple[Bracket, ...]]):
    """Registered table model: the YAML list of brackets is validated into this."""

    model_config = ConfigDict(frozen=True)


MODELS = {"tax.individual_resident.brackets": Brackets}

WriteYaml = Callable[[str, str], Path]


@pytest.fixture
def write_yaml(tmp_path: Path) -> WriteYaml:
    directory = tmp_path / "parameters"
    directory.mkdir()

    def write(name: str, text: str) -> Path:
        path = directory / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return directory

    return write


@pytest.fixture
def national(write_yaml: WriteYaml) -> ParameterSet:
    return load_parameter_dir(write_yaml("individual_resident.yaml", NATIONAL_YAML), models=MODELS)


GOOD_ENTRY = "{fiscal_year: FY2024, value: 1, basis: b, source: s}"


def one_parameter(namespace: str, key: str, body: str) -> str:
    """YAML text of a file declaring one parameter with the given inline body."""
    return f"namespace: {namespace}\nparameters:\n  {key}: {body}\n"
