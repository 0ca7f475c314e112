"""What the welfare business does when the registry publishes a 異動 (dataset ``juki.moves``).

:func:`decide` is pure: from one feed item (the 異動 with its persons' standard items) and a view
of the cases it returns the actions — tasks for staff, automatic 消滅 where the law needs no
claim, and household moves to record. The adapter (``kikan/adapters/db/welfare_feed.py``) applies
them in the same transaction as the processed item id and the cursor.

| 異動 | 受給者 | 児童 | action |
| --- | --- | --- | --- |
| 出生 (ResidentBorn) | — | born into a 受給世帯 | task 出生: 額改定の請求が必要 (児童手当法第9条, 児童扶養手当法第8条) |
| 出生 | — | no case in the household | task 出生: 認定請求の案内 (第7条, 15日特例 第8条第3項) |
| 転入 (ResidentMovedIn) | — | a 児童 into a household without a case | task 転入: 認定請求の案内 |
| 転入 | — | a 児童 into a 受給世帯 | task 転入: 額改定の請求の案内 |
| 転出 (ResidentMovedOut) / 死亡 (ResidentDied) | the recipient | — | **automatic 消滅** (支給はその月分まで: 児童手当法第8条第2項, 児童扶養手当法第7条第1項) + task to send the notice; a claim not yet decided: task |
| 転出 / 死亡 | — | a child of a case | task 額改定（減額）又は消滅の確認 |
| 世帯分離・合併・変更・転居 | a case's person | | the household is recorded; task 監護・同居の確認 when recipient and children no longer share it |
| 異動の取消し | a case's person | | task to review |

The 転出's 異動日 is the 転出予定日 (住民基本台帳法第24条), which is the 消滅日 for the allowance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from kikan.core.calendar import first_march31_after_reaching
from kikan.welfare.cases import tasks
from kikan.welfare.cases.ports import CaseRecord, NewTask

LEAVING = {"ResidentMovedOut": "moved_out", "ResidentDied": "death"}
HOUSEHOLD = frozenset({"HouseholdSplit", "HouseholdMerged", "HouseholdChanged", "HouseholdHeadChanged",
                       "ResidentMovedWithin"})  # fmt: skip
CHILD_AGE = 18


class CaseView(Protocol):
    def cases_of_recipient(self, recipient: str) -> list[CaseRecord]: ...
    def cases_in_household(self, household_no: str) -> list[CaseRecord]: ...
    def cases_with_child(self, child_id: str) -> list[CaseRecord]: ...
    def household_of(self, addressee_no: str) -> str | None: ...


@dataclass
class Actions:
    tasks: list[NewTask] = field(default_factory=list)
    extinguish: list[tuple[str, date, str]] = field(default_factory=list)  # (case_id, ended_on, end_reason)
    households: list[tuple[str, str | None]] = field(default_factory=list)  # (recipient, household_no)


def _date(v: Any) -> date | None:
    return date.fromisoformat(str(v)[:10]) if v else None


def is_child(birth: date | None, on: date) -> bool:
    """児童: until the first 31 March after reaching 18 (児童手当法第3条第1項, 児童扶養手当法第3条第1項)."""
    return birth is not None and birth <= on <= first_march31_after_reaching(birth, CHILD_AGE)


def decide(item: dict[str, Any], view: CaseView) -> Actions:
    """The actions for one ``juki.moves`` item (``item["data"]`` is the 異動 record)."""
    d = item["data"]
    etype, eid = str(d["event_type"]), str(d["event_id"])
    on = _date(d.get("event_on")) or _date(item.get("occurred_on")) or date.min
    hh = d.get("household_no")
    persons = d.get("persons") or []
    src = f"registry:{eid}"
    out = Actions()
    if etype in ("ResidentBorn", "ResidentMovedIn"):
        kids = [p for p in persons if is_child(_date(p.get("birth_date")), on)]
        cases = [c for c in view.cases_in_household(hh) if c.state.status == "certified"] if hh else []
        born = etype == "ResidentBorn"
        for kid in kids:
            no = str(kid["addressee_no"])
            for c in cases:
                kind = "birth_revision" if born else "move_in_revision"
                out.tasks.append(tasks.task(kind, key=f"{eid}:{c.case_id}:{no}", source=src, case_id=c.case_id,
                                            addressee_no=no, event_on=on,
                                            detail=f"{c.state.label} 受給者番号 {c.case_id}、児童 {no}（{on}）"))  # fmt: skip
        if kids and not cases:
            kind = "birth_claim" if born else "move_in_claim"
            kid_nos = "・".join(str(k["addressee_no"]) for k in kids)
            out.tasks.append(tasks.task(kind, key=eid, source=src, addressee_no=str(kids[0]["addressee_no"]),
                                        event_on=on, detail=f"世帯 {hh}、児童 {kid_nos}（{on}）"))  # fmt: skip
        return out
    leaving = LEAVING.get(etype)
    nos = [str(p["addressee_no"]) for p in persons]
    ended: set[str] = set()
    if leaving:
        for no in nos:
            for c in view.cases_of_recipient(no):
                ended.add(c.case_id)
                if c.state.status == "certified":
                    out.extinguish.append((c.case_id, on, leaving))
                    continue
                out.tasks.append(tasks.task(f"{'move_out' if leaving == 'moved_out' else 'death'}_extinguish",
                                            key=c.case_id, source=src, case_id=c.case_id, addressee_no=no, event_on=on,
                                            detail=f"{c.state.label} 受給者番号 {c.case_id}: 認定請求中の請求者の{d.get('event_name') or etype}（{on}）"))  # fmt: skip
        for no in nos:
            for c in view.cases_with_child(no):
                if c.case_id not in ended:
                    out.tasks.append(tasks.task("child_left", key=f"{eid}:{c.case_id}:{no}", source=src,
                                                case_id=c.case_id, addressee_no=no, event_on=on,
                                                detail=f"{c.state.label} 受給者番号 {c.case_id}: 児童 {no} の{d.get('event_name') or etype}（{on}）"))  # fmt: skip
        return out
    if etype in HOUSEHOLD:
        for p in persons:
            out.households.append((str(p["addressee_no"]), p.get("household_no")))
        _household_checks(out, nos, persons, view, eid, src, on)
        return out
    if etype == "MoveCancelled":
        touched = {
            c.case_id: c for no in nos for c in (*view.cases_of_recipient(no), *view.cases_with_child(no))
        }
        for c in touched.values():
            out.tasks.append(tasks.task("cancelled_move", key=f"{eid}:{c.case_id}", source=src, case_id=c.case_id,
                                        addressee_no=c.state.recipient, event_on=on,
                                        detail=f"{c.state.label} 受給者番号 {c.case_id}: {d.get('event_name') or ''}"))  # fmt: skip
    return out


def _household_checks(
    out: Actions, nos: list[str], persons: list[dict[str, Any]], view: CaseView, eid: str, src: str, on: date
) -> None:
    new = {str(p["addressee_no"]): p.get("household_no") for p in persons}

    def where(no: str) -> str | None:
        return new[no] if no in new else view.household_of(no)

    touched = {c.case_id: c for no in nos for c in (*view.cases_of_recipient(no), *view.cases_with_child(no))}
    for c in touched.values():
        home = where(c.state.recipient)
        away = [
            k.child_id
            for k in c.state.children
            if k.left_on is None and where(k.child_id) not in (None, home)
        ]
        if away:
            out.tasks.append(tasks.task("household_check", key=f"{eid}:{c.case_id}", source=src, case_id=c.case_id,
                                        addressee_no=c.state.recipient, event_on=on,
                                        detail=f"{c.state.label} 受給者番号 {c.case_id}: 児童 {'・'.join(away)} が受給者と別の世帯になりました"))  # fmt: skip
