"""What the services answer: an addressee (current version + numbers + links), a candidate (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kikan.addressee.matching import Candidate
from kikan.addressee.model import ATTRIBUTES, SOURCE_LABELS, source_of


@dataclass
class AddresseeView:
    """One 団体内統合宛名: numbers, source (住民 / 元住民 / 住登外者 / 法人), current items, links."""

    integrated_no: str
    kind: str
    status: str
    source: str
    source_label: str
    addressee_no: str | None  # the 宛名番号 businesses use: the registry's, else the 住登外者宛名番号
    registry_addressee_no: str | None
    non_resident_no: str | None
    version: int
    attributes: dict[str, Any]
    links: list[tuple[str, str]] = field(default_factory=list)
    updated_at: datetime | None = None
    history: list[dict[str, Any]] | None = None


def view_of(cur: Mapping[str, Any], links: Sequence[tuple[str, str]] = (),
            history: list[dict[str, Any]] | None = None) -> AddresseeView:  # fmt: skip
    status = str(cur.get("record_status") or cur["status"])
    source = source_of(status)
    return AddresseeView(
        integrated_no=cur["integrated_no"], kind=cur["kind"], status=status, source=source,
        source_label=SOURCE_LABELS.get(source, source),
        addressee_no=cur.get("registry_addressee_no") or cur.get("non_resident_no"),
        registry_addressee_no=cur.get("registry_addressee_no"), non_resident_no=cur.get("non_resident_no"),
        version=int(cur["version"]), attributes={k: cur.get(k) for k in ATTRIBUTES}, links=list(links),
        updated_at=cur.get("updated_at"), history=history,
    )  # fmt: skip


def history_entry(row: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("version", "status", "changed_on", "reason", "origin", "registry_history_no", "distinct_from",
            "recorded_at", "recorded_by")  # fmt: skip
    return {**{k: row.get(k) for k in keep}, "attributes": {k: row.get(k) for k in ATTRIBUTES}}


@dataclass
class CandidateView:
    """A candidate of an inquiry: the addressee now, whether it is an exact match, what agreed."""

    addressee: AddresseeView
    exact: bool
    matched: list[str]
    matched_version: int


def candidate_view(c: Candidate, cur: Mapping[str, Any]) -> CandidateView:
    return CandidateView(view_of(cur), c.exact, c.matched, c.matched_version)
