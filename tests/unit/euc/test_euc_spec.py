"""EUC definitions: whitelisted items and operators, typed values, Japanese errors (kikan.euc.spec)."""

from datetime import date

import pytest

from kikan.core.errors import ValidationFailed
from kikan.euc.fields import FIELDS
from kikan.euc.spec import Condition, parse_spec, spec_to_json


def errors_of(raw: dict) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as e:
        parse_spec(raw)
    return {x.field: x.message for x in e.value.errors}


def test_a_valid_definition_is_typed() -> None:
    spec = parse_spec({
        "source": "history",
        "conditions": [
            {"field": "birth_date", "op": "between", "value": "昭和45年1月1日", "value2": "1979-12-31"},
            {"field": "household_order", "op": "gt", "value": "1"},
            {"field": "kana_confirmed", "op": "eq", "value": "はい"},
            {"field": "address", "op": "contains", "value": "梅町"},
            {"field": "katagaki", "op": "is_empty", "value": "ignored"},
        ],
        "columns": ["addressee_no", "history_no", "family_name", "event_code"],
        "sort": [{"field": "birth_date", "descending": True}],
    })  # fmt: skip
    assert spec.conditions[0] == Condition("birth_date", "between", date(1970, 1, 1), date(1979, 12, 31))
    assert spec.conditions[1].value == 1 and spec.conditions[2].value is True
    assert spec.conditions[4] == Condition("katagaki", "is_empty")
    assert parse_spec(spec_to_json(spec)) == spec


def test_unknown_items_and_operators_are_refused_naming_the_place() -> None:
    errs = errors_of({
        "conditions": [{"field": "family_name; DROP TABLE juki_history", "op": "eq", "value": "x"},
                       {"field": "family_name", "op": "LIKE", "value": "x"},
                       {"field": "family_name", "op": "eq) OR (1=1", "value": "x"}],
        "columns": ["addressee_no", "password"],
        "sort": [{"field": "1; --"}],
    })  # fmt: skip
    assert set(errs) == {"条件1の項目", "条件2の演算子", "条件3の演算子", "出力項目2", "並び順1の項目"}
    assert "未定義" in errs["条件1の項目"]


def test_the_individual_number_is_not_an_item() -> None:
    assert "individual_number_enc" not in FIELDS and "individual_number_hash" not in FIELDS
    assert set(errors_of({"columns": ["individual_number_hash"]})) == {"出力項目1"}


def test_operators_must_suit_the_type_and_values_must_convert() -> None:
    errs = errors_of({
        "conditions": [{"field": "birth_date", "op": "contains", "value": "1970"},
                       {"field": "birth_date", "op": "eq", "value": "2023-02-29"},
                       {"field": "household_order", "op": "eq", "value": "一"},
                       {"field": "family_name", "op": "eq", "value": ""},
                       {"field": "birth_date", "op": "between", "value": "2000-01-01", "value2": "1999-01-01"},
                       {"field": "postal_code", "op": "eq", "value": "12345678"}],
        "columns": ["addressee_no"],
    })  # fmt: skip
    assert set(errs) == {"条件1の演算子", "条件2の値", "条件3の値", "条件4の値", "条件5の値（まで）", "条件6の値"}
    assert "存在しない" in errs["条件2の値"]


def test_columns_are_required_and_unique_and_the_source_known() -> None:
    assert set(errors_of({"source": "juki_history", "columns": []})) == {"データ", "出力項目"}
    assert set(errors_of({"columns": ["family_name", "family_name"]})) == {"出力項目"}
    assert set(errors_of({"columns": ["family_name"], "conditions": [{}] * 21})) == {"抽出条件"}
