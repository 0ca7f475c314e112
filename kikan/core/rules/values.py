"""Units and value validation for parameters.

Every parameter declares a ``unit``; each value entry is checked against it when the parameter set
is loaded (and when tenant overlays are constructed), never at use.

========  ===============================================================================
unit      accepted value
========  ===============================================================================
yen       ``int`` (money is always integral yen; floats are refused)
rate      ``int``, ``float`` or numeric ``str``; resolved as :class:`decimal.Decimal`
          (a YAML ``0.06`` becomes ``Decimal("0.06")``, not a binary float)
count     ``int`` >= 0
bool      ``true`` / ``false``
text      non-empty ``str``
table     any JSON-like structure (mapping / list of str, int, float, bool, null); validated by
          the pydantic model registered for the key, if any (the value is then the model
          instance); otherwise deep-frozen (lists -> tuples, mappings -> read-only mappings)
========  ===============================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Literal, get_args

from pydantic import BaseModel, ValidationError

Unit = Literal["yen", "rate", "count", "table", "bool", "text"]
UNITS: frozenset[str] = frozenset(get_args(Unit))

TableModel = type[BaseModel]
"""A pydantic model class a business registers to validate one ``table`` parameter."""


_UNIT_BY_NAME: dict[str, Unit] = {
    "yen": "yen",
    "rate": "rate",
    "count": "count",
    "table": "table",
    "bool": "bool",
    "text": "text",
}


def parse_unit(raw: object) -> Unit:
    if isinstance(raw, str) and raw in _UNIT_BY_NAME:
        return _UNIT_BY_NAME[raw]
    raise ValueError(f"unit must be one of {', '.join(sorted(UNITS))}; got {raw!r}")


def check_value(unit: Unit, raw: object, model: TableModel | None = None) -> object:
    """Validate ``raw`` against ``unit`` (and ``model`` for tables); return the stored value.

    Raises ``ValueError`` with a message suitable for a :class:`~kikan.core.rules.errors.Problem`.
    """
    if raw is None:
        raise ValueError("value is missing (null)")
    if unit == "yen":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"unit yen needs an integer number of yen, got {raw!r}")
        return raw
    if unit == "count":
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise ValueError(f"unit count needs a non-negative integer, got {raw!r}")
        return raw
    if unit == "rate":
        return _parse_rate(raw)
    if unit == "bool":
        if not isinstance(raw, bool):
            raise ValueError(f"unit bool needs true or false, got {raw!r}")
        return raw
    if unit == "text":
        if not isinstance(raw, str) or not raw.strip():
            raise ValueError(f"unit text needs a non-empty string, got {raw!r}")
        return raw
    # table
    if model is not None and isinstance(raw, model):
        return raw
    if not isinstance(raw, (list, dict)):
        raise ValueError(f"unit table needs a list or mapping, got {type(raw).__name__}")
    _check_json_like(raw, "value")
    if model is not None:
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            details = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()
            )
            raise ValueError(f"table does not match {model.__name__}: {details}") from None
    return freeze(raw)


def _parse_rate(raw: object) -> Decimal:
    if isinstance(raw, Decimal):
        raw = str(raw)
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise ValueError(f"unit rate needs a number, got {raw!r}")
    try:
        # str() of a float is its shortest round-tripping decimal: 0.06 -> "0.06".
        rate = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"unit rate needs a number, got {raw!r}") from None
    if not rate.is_finite():
        raise ValueError(f"unit rate needs a finite number, got {raw!r}")
    return rate


def _check_json_like(raw: object, path: str) -> None:
    if raw is None or isinstance(raw, (str, int, float, bool)):
        return
    if isinstance(raw, list):
        for i, item in enumerate(raw):
            _check_json_like(item, f"{path}[{i}]")
        return
    if isinstance(raw, dict):
        for k, item in raw.items():
            if not isinstance(k, str):
                raise ValueError(f"{path}: mapping keys must be strings, got {k!r}")
            _check_json_like(item, f"{path}.{k}")
        return
    raise ValueError(f"{path}: {type(raw).__name__} is not JSON-like (dates must be quoted strings)")


def freeze(raw: object) -> object:
    """Deep-freeze a JSON-like value: lists become tuples, dicts read-only mappings."""
    if isinstance(raw, list):
        return tuple(freeze(item) for item in raw)
    if isinstance(raw, dict):
        return MappingProxyType({k: freeze(v) for k, v in raw.items()})
    return raw


def thaw(value: object) -> object:
    """Inverse of :func:`freeze` for serialisation (tuples -> lists, mappings -> dicts)."""
    if isinstance(value, (tuple, list)):
        return [thaw(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): thaw(v) for k, v in value.items()}
    return value
