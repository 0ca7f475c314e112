"""One 異動 in progress: validate everything, then write rows, audit and emit ONE event.

Every service builds a :class:`Move`, loads what it needs (persons, households: a stale
``expected_household_version`` is a :class:`Conflict` at once), stages the new snapshot rows
and calls :meth:`Move.finish`. ``finish`` raises all collected errors before anything is
written (標準仕様書 11.1: エラーは本登録を抑止), checks 抑止 for 異動入力 (3.1), then allocates new
宛名番号/世帯番号, bumps every touched household's version (sorted, one lock order), writes
one history row per person, queues the audit rows and the event. Nothing is committed: the
caller commits the unit of work.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kikan.adapters.db import juki_blocks
from kikan.adapters.db import juki_repo as repo
from kikan.core.errors import Conflict, FieldError, Forbidden, NotFound
from kikan.juki.events import MODIFY, RECORD, make_event, reason
from kikan.juki.model import Problems
from kikan.juki.services.commands import Command

WRITE_PERMISSION = "juki.write"
#: Batch and system actors (一括入力, migration) act under the operator who started them.
SYSTEM_KINDS = frozenset({"batch", "system"})
_ACTIONS = {RECORD: "create", MODIFY: "update"}


@dataclass(frozen=True)
class MoveResult:
    """What a 異動 wrote: 宛名番号s with their new 履歴番号s, the 世帯番号, and alerts (アラート)."""

    move_id: str
    event_code: str
    event_id: str
    household_no: str
    addressee_nos: list[str]
    history_nos: list[int]
    household_nos: list[str] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)


class Move:
    def __init__(
        self, uow: Any, cmd: Command, *, today: date, function: str, code: str, **dates: date | None
    ) -> None:
        if uow.actor.kind not in SYSTEM_KINDS and not uow.actor.can(WRITE_PERMISSION):
            raise Forbidden("住民記録の異動を入力する権限がありません")
        self.uow, self.cmd, self.today, self.function, self.code = uow, cmd, today, function, code
        self.move_id = str(uuid.uuid4())
        self.problems = Problems()
        self.dates = {"notice_on": None, "applied_on": None, "requested_on": None, **dates}
        self.details: dict[str, Any] | None = None
        self.households: dict[str, dict[str, Any]] = {}
        self._updates: dict[str, dict[str, Any]] = {}
        self._creates: dict[str, dict[str, Any]] = {}
        self._rows: list[tuple[dict[str, Any], str]] = []
        self._members: dict[str, list[dict[str, Any]]] = {}
        self._new = 0
        self.block_persons: list[str] = []
        self.cancel_rows: list[tuple[str, int]] = []  # rows of the 異動 being cancelled (異動の取消し)

    # -- loading ---------------------------------------------------------------------------
    def error(self, field_name: str, message: str) -> None:
        self.problems.error(field_name, message)

    def alert(self, field_name: str, message: str) -> None:
        self.problems.alert(field_name, message)

    def person(
        self, addressee_no: str, *, resident: bool = True, field_name: str = "宛名番号"
    ) -> dict[str, Any]:
        snap = repo.current(self.uow, addressee_no)
        if snap is None:
            raise NotFound(f"宛名番号 {addressee_no} の住民が見つかりません", field=field_name)
        if resident and snap["status"] != "resident":
            why = snap.get("removal_reason") or "消除"
            self.error(field_name, f"宛名番号 {addressee_no} は既に消除されています（{why}）")
        self.block_persons.append(addressee_no)
        return snap

    def household(self, household_no: str, *, primary: bool = False, active: bool = True) -> dict[str, Any]:
        """Load a household; for the primary one a stale ``expected_household_version`` → Conflict."""
        if household_no in self.households:
            return self.households[household_no]
        hh = repo.household(self.uow, household_no)
        if hh is None:
            raise NotFound(f"世帯番号 {household_no} の世帯が見つかりません", field="世帯番号")
        expected = self.cmd.expected_household_version
        if primary and expected is not None and expected != hh["version"]:
            raise Conflict(repo.CONFLICT_MESSAGE)
        if active and hh["status"] != "active":
            self.error("世帯番号", f"世帯番号 {household_no} の世帯は既に消滅しています")
        self.households[household_no] = hh
        self._updates.setdefault(household_no, {})
        return hh

    def members(self, household_no: str) -> list[dict[str, Any]]:
        if household_no not in self._members:
            self._members[household_no] = repo.household_members(self.uow, household_no)
        return self._members[household_no]

    # -- staging ---------------------------------------------------------------------------
    def new_addressee_no(self) -> str:
        self._new += 1
        return f"<person-{self._new}>"

    def new_household(self, fields: Mapping[str, Any]) -> str:
        token = f"<household-{len(self._creates) + 1}>"
        self._creates[token] = dict(fields)
        return token

    def update_household(self, household_no: str, **fields: Any) -> None:
        if household_no in self._creates:
            self._creates[household_no].update(fields)
        else:
            self._updates[household_no].update(fields)

    def stage(self, record: dict[str, Any], code: str | None = None) -> None:
        self._rows.append((record, code or self.code))

    # -- writing ---------------------------------------------------------------------------
    def finish(self, *, household_no: str, extra: Mapping[str, Any] | None = None) -> MoveResult:
        self.problems.raise_if_errors()
        hits = juki_blocks.enforce(
            self.uow,
            "move",
            addressee_nos=list(dict.fromkeys(self.block_persons)),
            household_nos=sorted(self.households),
            today=self.today,
        )
        alerts = list(dict.fromkeys([*self.problems.alerts, *(FieldError("抑止", h.message) for h in hits)]))
        names = self._allocate()

        def real(value: Any) -> Any:
            return names.get(value, value) if isinstance(value, str) else value

        for no in sorted(self._updates):
            fields = {k: real(v) for k, v in self._updates[no].items()}
            repo.update_household(self.uow, no, self.households[no]["version"], fields)
        for token, fields in self._creates.items():
            repo.create_household(self.uow, names[token], {k: real(v) for k, v in fields.items()})
        repo.mark_cancelled(self.uow, self.cancel_rows)
        written: list[dict[str, Any]] = []
        previous: dict[tuple[str, int], dict[str, Any]] = {}
        versions: dict[str, int] = {}
        for staged, code in self._rows:
            record = {
                **staged,
                "addressee_no": real(staged["addressee_no"]),
                "household_no": real(staged["household_no"]),
            }
            no = record["addressee_no"]
            before = repo.current(self.uow, no)
            if no in versions:  # a second row for the same person in this 異動 (帰化, 国籍喪失)
                record["version"] = versions[no]
            row = repo.write_snapshot(self.uow, record, self._info(code))
            versions[no] = row["version"]
            previous[(no, row["history_no"])] = before or {}
            written.append(row)
            self.uow.audit(
                f"juki.{self.function}",
                _ACTIONS.get(reason(code).group, "delete"),
                target_type="resident",
                target_id=no,
                detail=f"異動事由={code} 履歴番号={row['history_no']}",
            )
        hno = names.get(household_no, household_no)
        event = make_event(
            written,
            code=self.code,
            event_on=self.cmd.event_on,
            reported_on=self.cmd.reported_on,
            processed_on=self.today,
            household_no=hno,
            previous=previous,
            extra={"move_id": self.move_id, **dict(extra or {})},
        )
        self.uow.emit(event)
        touched = sorted({names.get(n, n) for n in (*self._updates, *self._creates)})
        return MoveResult(
            move_id=self.move_id,
            event_code=self.code,
            event_id=event.event_id,
            household_no=hno,
            addressee_nos=[w["addressee_no"] for w in written],
            history_nos=[w["history_no"] for w in written],
            household_nos=touched,
            warnings=alerts,
        )

    def _allocate(self) -> dict[str, str]:
        names: dict[str, str] = {}
        if self._new:
            for i, no in enumerate(repo.new_addressee_nos(self.uow, self._new), start=1):
                names[f"<person-{i}>"] = no
        for token in self._creates:
            names[token] = repo.new_household_no(self.uow)
        return names

    def _info(self, code: str) -> repo.RowInfo:
        return repo.RowInfo(
            event_code=code,
            event_on=self.cmd.event_on,
            processed_on=self.today,
            move_id=self.move_id,
            reported_on=self.cmd.reported_on,
            note=self.cmd.note,
            input_place=self.cmd.input_place,
            input_terminal=self.uow.actor.terminal or None,
            move_details=self.details,
            **self.dates,
        )
