"""Domain event envelope and the outbox port.

A service's change, its audit rows and one outbox row per domain event commit in one
transaction; the outbox carries a per-tenant sequence that consumers pull after a cursor.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class DomainEvent:
    """An immutable fact, named in the past tense (``ResidentMovedIn``)."""

    event_type: str
    aggregate_type: str
    aggregate_id: str
    payload: dict[str, Any]
    occurred_on: str | None = None  # the legal date of the fact (異動日), ISO
    schema_version: int = 1
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class StoredEvent:
    tenant_id: str
    seq: int
    event_id: str
    event_type: str
    aggregate_type: str
    aggregate_id: str
    payload: dict[str, Any]
    occurred_on: str | None
    recorded_at: datetime
    schema_version: int


class EventReader(Protocol):
    def read_after(self, tenant_id: str, after_seq: int, limit: int) -> list[StoredEvent]: ...
