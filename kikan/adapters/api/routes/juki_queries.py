"""Reads behind the resident page and the resident API (標準仕様書 2 照会), each audited once.

- 照会抑止 (3.1): :func:`juki_blocks.enforce` with process ``inquiry`` — an error-level block
  refuses (``Blocked``, audited by ``enforce``), an alert is shown.
- 支援措置 (3.4): the person is marked; for staff without ``juki.block.release`` the
  address items of a protected person are masked on 照会 (see :data:`PROTECTED_ITEMS`).
- 個人番号: masked unless the caller holds ``mynumber.view`` and asks for it; the audit row
  says whether it was shown (番号法第12条, 標準仕様書 10.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kikan.adapters.db import juki_blocks
from kikan.adapters.db import juki_repo as repo
from kikan.adapters.security.crypto import MASK, get_cipher
from kikan.core.errors import NotFound
from kikan.juki.blocks import BlockHit

MYNUMBER = "mynumber.view"
RELEASE = "juki.block.release"
SECRET = ("individual_number_enc", "individual_number_hash")
#: Items that would reveal where a 支援措置 person lives (住所, 方書, 異動前後の住所, 転出先).
PROTECTED_ITEMS = ("address", "katagaki", "address_code", "postal_code", "town_code", "prior_address",
                   "moved_out_to_planned", "moved_out_to")  # fmt: skip
PROTECTED_TEXT = "（支援措置対象者のため非表示）"


@dataclass
class ResidentView:
    record: dict[str, Any]
    individual_number: str | None
    mynumber_shown: bool
    household: dict[str, Any] | None
    members: list[dict[str, Any]]
    flags: dict[str, list[str]]
    alerts: list[str] = field(default_factory=list)
    masked: bool = False

    @property
    def protected(self) -> bool:
        return "support" in self.flags.get(self.record["addressee_no"], [])


def public(rec: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without the encrypted 個人番号 and its hash (never leaves the server)."""
    return {k: v for k, v in rec.items() if k not in SECRET and k != "tenant_id"}


def mask_protected(rec: dict[str, Any]) -> dict[str, Any]:
    return {**rec, **{k: (PROTECTED_TEXT if rec.get(k) else rec.get(k)) for k in PROTECTED_ITEMS}}


def _number(rec: dict[str, Any], show: bool) -> tuple[str | None, bool]:
    token = rec.get("individual_number_enc")
    if not token:
        return None, False
    if show:
        return get_cipher().decrypt(token), True
    return MASK, False


def current_or_404(uow: Any, addressee_no: str) -> dict[str, Any]:
    snap = repo.current(uow, addressee_no)
    if snap is None:
        raise NotFound(f"宛名番号 {addressee_no} の住民が見つかりません", field="宛名番号")
    return snap


def resident_view(uow: Any, addressee_no: str, *, today: date, show_number: bool = False) -> ResidentView:
    """The current record with its household (members in 世帯員の並び順), blocks marks, audit rows."""
    snap = current_or_404(uow, addressee_no)
    hits: list[BlockHit] = juki_blocks.enforce(uow, "inquiry", addressee_nos=[addressee_no], today=today)
    show = show_number and uow.actor.can(MYNUMBER)
    number, shown = _number(snap, show)
    hh = repo.household(uow, snap["household_no"]) if snap.get("household_no") else None
    members = repo.household_members(uow, snap["household_no"]) if hh else []
    nos = [addressee_no, *(m["addressee_no"] for m in members)]
    flags = juki_blocks.flags_for(uow.conn, uow.tenant_id, nos, today)
    view = ResidentView(public(snap), number, shown, hh, [public(m) for m in members], flags,
                        alerts=[h.message for h in hits])  # fmt: skip
    if view.protected and not uow.actor.can(RELEASE):
        view.record = mask_protected(view.record)
        view.members = [mask_protected(m) for m in view.members]
        if view.household:
            view.household = mask_protected(view.household)
        view.masked = True
    uow.audit("juki.resident", "read", target_type="resident", target_id=addressee_no, mynumber_shown=shown,
              detail="照会" + (" 個人番号表示" if shown else ""))  # fmt: skip
    if hh:
        uow.audit("juki.household", "read", target_type="household", target_id=hh["household_no"],
                  detail=f"世帯員 {len(members)}人")  # fmt: skip
    return view


def resident_history(uow: Any, addressee_no: str, *, today: date) -> list[dict[str, Any]]:
    """All history rows (履歴番号 ascending, cancelled rows flagged), audited as one read."""
    current_or_404(uow, addressee_no)
    juki_blocks.enforce(uow, "inquiry", addressee_nos=[addressee_no], today=today)
    rows = [public(r) for r in repo.history(uow, addressee_no)]
    if juki_blocks.support_protected(uow, [addressee_no], today) and not uow.actor.can(RELEASE):
        rows = [mask_protected(r) for r in rows]
    uow.audit("juki.resident.history", "read", target_type="resident", target_id=addressee_no,
              detail=f"{len(rows)}件")  # fmt: skip
    return rows


def household_view(
    uow: Any, household_no: str, *, today: date
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The household and its present members in 世帯員の並び順 (標準仕様書 5.2)."""
    hh = repo.household(uow, household_no)
    if hh is None:
        raise NotFound(f"世帯番号 {household_no} の世帯が見つかりません", field="世帯番号")
    members = repo.household_members(uow, household_no)
    juki_blocks.enforce(uow, "inquiry", household_nos=[household_no], today=today)
    protected = juki_blocks.support_protected(uow, [m["addressee_no"] for m in members], today)
    out = [public(m) for m in members]
    if protected and not uow.actor.can(RELEASE):
        hh, out = mask_protected(hh), [mask_protected(m) for m in out]
    uow.audit("juki.household", "read", target_type="household", target_id=household_no,
              detail=f"世帯員 {len(members)}人")  # fmt: skip
    return hh, out


def remade_originals(uow: Any, addressee_no: str, *, today: date, reproduced: bool = False) -> list[repo.ClosedRecord]:
    """The person's 改製原住民票 (and, with ``reproduced``, 再製前の住民票), oldest first, each with
    its own 異動履歴; audited as one read, 照会抑止 and 支援措置 masking as for the history."""
    current_or_404(uow, addressee_no)
    juki_blocks.enforce(uow, "inquiry", addressee_nos=[addressee_no], today=today)
    found = repo.closed_records(uow, addressee_no, ("241", "251") if reproduced else ("241",))
    masked = juki_blocks.support_protected(uow, [addressee_no], today) and not uow.actor.can(RELEASE)

    def clean(rec: dict[str, Any]) -> dict[str, Any]:
        out = public(rec)
        return mask_protected(out) if masked else out

    out = [
        repo.ClosedRecord(c.addressee_no, c.code, c.history_no, c.closed_on, clean(c.record), [clean(x) for x in c.rows])
        for c in found
    ]
    uow.audit("juki.resident.remade", "read", target_type="resident", target_id=addressee_no,
              detail=f"改製原住民票等 {len(out)}件")  # fmt: skip
    return out
