"""Checks on one history row, after its fields were converted (the registry's closed lists and numbers).

- 続柄: only the values 標準仕様書 1.1.11 allows (``kikan.juki.model.relationship_error``); a legacy
  「孫」 must be migrated as 「子の子」 (its code table says so) — it is refused, not rewritten silently.
- 個人番号 検査用数字 (番号法施行令第8条) and 住民票コード 検査数字 (住民基本台帳法施行規則第1条) are
  validated; legacy 宛名番号/世帯番号 are NOT (標準仕様書 1.1.13: the M11W2-7 rule applies to numbers
  assigned by the new system; numbers assigned before migration are kept as they are).
- 異動事由: the stored code must be one of kikan's 異動事由コード (each mapped both ways to the
  standard's categories, 1.2.2); a legacy code reaches it through the layout's code table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kikan.core.identity import IdentifierError, validate_individual_number, validate_resident_record_code
from kikan.juki.events import REASON_BY_CODE
from kikan.juki.model import normalize_relationship, relationship_error
from kikan.migration.layout import Layout
from kikan.migration.parse import Row
from kikan.migration.report import IssueKind, Report
from kikan.migration.targets import (
    ADDRESSEE_NO,
    HISTORY_NO,
    INDIVIDUAL_NUMBER,
    KIND_VALUES,
    SEX_VALUES,
    STATUS_VALUES,
    TARGETS,
)

#: Items a layout must carry to import residents (the record's identity and what the registry needs).
REQUIRED_COLUMNS = (ADDRESSEE_NO, HISTORY_NO, "household_no", "status", "resident_kind", "family_name",
                    "birth_date", "sex", "relationship", "address")  # fmt: skip
_CLOSED = {"status": STATUS_VALUES, "resident_kind": KIND_VALUES, "sex": SEX_VALUES}
_ALWAYS = (ADDRESSEE_NO, HISTORY_NO, "household_no", "status", "resident_kind", "family_name", "birth_date")


def missing_columns(layout: Layout) -> list[str]:
    cols = set(layout.columns)
    return [c for c in REQUIRED_COLUMNS if c not in cols]


class RowRules:
    def __init__(self, layout: Layout, report: Report, *, today: dt.date):
        self.report, self.today = report, today
        self.index = {t: i for i, t in enumerate(layout.columns)}
        self.labels = {t: f.name for f in layout.fields for t in f.targets}
        self.required = [t for f in layout.fields if f.required for t in f.targets]
        self.required += [t for t in _ALWAYS if t in self.index and t not in self.required]

    def _get(self, values: tuple[Any, ...], target: str) -> Any:
        i = self.index.get(target)
        return None if i is None else values[i]

    def check(self, row: Row) -> Row:
        """Adds the row's errors to the report; returns the row with normalised 続柄."""
        v = row.values
        key = {
            "addressee_no": self._get(v, ADDRESSEE_NO) or "",
            "history_no": str(self._get(v, HISTORY_NO) or ""),
        }
        ok = True

        def err(kind: IssueKind, target: str, message: str, value: str = "") -> None:
            nonlocal ok
            ok = False
            self.report.error(kind, row.file, row.row, self.labels.get(target, TARGETS[target].ja), message,
                              value=value, **key)  # fmt: skip

        for t in self.required:  # a field that failed to convert is None; its error is reported already
            if self._get(v, t) is None and t not in row.failed:
                err(IssueKind.REQUIRED, t, f"{TARGETS[t].ja}がありません")
        for t, allowed in _CLOSED.items():
            value = self._get(v, t)
            if value is not None and value not in allowed:
                err(
                    IssueKind.CODE,
                    t,
                    f"{TARGETS[t].ja}の値が登録できる値（{'、'.join(sorted(allowed))}）ではありません",
                    str(value),
                )
        code = self._get(v, "event_code")
        if code is not None and code not in REASON_BY_CODE:
            err(
                IssueKind.CODE,
                "event_code",
                "kikan の異動事由コードにありません（レイアウトのコード表で対応づけてください）",
                str(code),
            )
        addressee = self._get(v, ADDRESSEE_NO)
        if addressee is not None and len(addressee) > 15:
            err(IssueKind.LENGTH, ADDRESSEE_NO, "宛名番号は15桁以内です", addressee)
        for t, check in (
            (INDIVIDUAL_NUMBER, validate_individual_number),
            ("juminhyo_code", validate_resident_record_code),
        ):
            value = self._get(v, t)
            if value is None:
                continue
            try:
                check(value)
            except IdentifierError as e:
                err(
                    IssueKind.CHECK_DIGIT, t, e.message, "*" * len(value) if t == INDIVIDUAL_NUMBER else value
                )
        birth = self._get(v, "birth_date")
        if birth is not None and birth > self.today:
            err(
                IssueKind.DATE,
                "birth_date",
                f"生年月日が基準日（{self.today.isoformat()}）より後です",
                birth.isoformat(),
            )
        values = v
        rel = self._get(v, "relationship")
        if rel is not None:
            problem = relationship_error(rel)
            if problem:
                err(IssueKind.RELATIONSHIP, "relationship", problem, rel)
            elif (norm := normalize_relationship(rel)) != rel:
                i = self.index["relationship"]
                values = (*v[:i], norm, *v[i + 1 :])
        if not ok or values is not v:
            return Row(values, row.file, row.row, row.bad or not ok, row.failed)
        return row
