"""Tenants (municipalities, by 全国地方公共団体コード) and the context every operation runs in."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """Who acts and from where; written into every audit row."""

    actor_id: str
    kind: str = "staff"  # staff | system | batch | resident
    client_addr: str = ""
    terminal: str = ""
    request_id: str = ""
    permissions: frozenset[str] = field(default_factory=frozenset)

    def can(self, permission: str) -> bool:
        return permission in self.permissions


SYSTEM_BATCH = Actor(actor_id="system:batch", kind="batch")


@dataclass(frozen=True)
class TenantContext:
    """A request's tenant and actor. Repositories refuse to work without one."""

    tenant_id: str
    actor: Actor

    def __post_init__(self) -> None:
        if not (len(self.tenant_id) == 6 and self.tenant_id.isdigit()):
            raise ValueError(f"invalid tenant id {self.tenant_id!r}")
