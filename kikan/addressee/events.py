"""Domain events of 団体内統合宛名 / 住登外者宛名番号管理 (published for the other businesses).

- ``IntegratedAddresseesAssigned``: a batch of registry persons got their 団体内統合宛名番号.
- ``NonResidentNumbered``: a 住登外者 (person or corporation) got a 住登外者宛名番号 and a
  団体内統合宛名番号.
- ``AddresseeChanged``: a 住登外者's (or former resident's, or corporation's) items changed (new version).
- ``BusinessNumberLinked``: a business's own 宛名番号 was mapped to a 団体内統合宛名番号.

Payloads carry numbers, kind, source and the 基本4情報 of the new version; never a 個人番号.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kikan.addressee.model import ATTRIBUTES
from kikan.core.events import DomainEvent

AGGREGATE = "addressee"
EVENT_TYPES = frozenset({"IntegratedAddresseesAssigned", "NonResidentNumbered", "AddresseeChanged",
                         "BusinessNumberLinked"})  # fmt: skip


def _json(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def _attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _json(attrs.get(k)) for k in ATTRIBUTES}


def assigned(pairs: Sequence[tuple[str, str]], *, on: date) -> DomainEvent:
    """(団体内統合宛名番号, 住民記録の宛名番号) pairs created by one subscriber batch."""
    return DomainEvent(
        "IntegratedAddresseesAssigned", AGGREGATE, pairs[0][0],
        {"assigned": [{"integrated_no": i, "registry_addressee_no": r} for i, r in pairs]},
        occurred_on=on.isoformat(),
    )  # fmt: skip


def numbered(
    integrated_no: str, addressee_no: str, kind: str, attrs: Mapping[str, Any], *, on: date
) -> DomainEvent:
    return DomainEvent(
        "NonResidentNumbered", AGGREGATE, integrated_no,
        {"integrated_no": integrated_no, "addressee_no": addressee_no, "kind": kind, "version": 1, **_attrs(attrs)},
        occurred_on=on.isoformat(),
    )  # fmt: skip


def changed(
    integrated_no: str, version: int, fields: Sequence[str], attrs: Mapping[str, Any], *, on: date
) -> DomainEvent:
    return DomainEvent(
        "AddresseeChanged", AGGREGATE, integrated_no,
        {"integrated_no": integrated_no, "version": version, "changed": list(fields), **_attrs(attrs)},
        occurred_on=on.isoformat(),
    )  # fmt: skip


def linked(integrated_no: str, business: str, business_no: str, *, on: date) -> DomainEvent:
    return DomainEvent(
        "BusinessNumberLinked", AGGREGATE, integrated_no,
        {"integrated_no": integrated_no, "business": business, "business_no": business_no},
        occurred_on=on.isoformat(),
    )  # fmt: skip
