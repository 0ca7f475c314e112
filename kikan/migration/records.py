"""Business records in a layout (課税資料, 受給者台帳): validation, batches, and the businesses' inputs.

The files are read, decoded and converted by the same code as the registry's (``reader``, ``parse``,
``values``: encodings, mojibake, layout fit, dates, codes, 外字); what differs is checked here, per
record and across records, with Japanese messages in the same :class:`Report`:

- the business's required items, closed values (資料区分, 手当区分, 受給状態, 支給要件 …), integer
  ranges (the tax business's own: ``income_csv`` — losses may be negative, ``given_*`` -1 = not given,
  flags 0/1, 障害 0–2), relatives and children (an age or a 生年月日 for each one present);
- duplicate keys (``business_targets.KEYS``; the first record is named), and for 受給者台帳 a second
  open case of the same 手当 and 受給者;
- what needs the database (宛名番号 not in the tenant, records already registered, and the services'
  own checks on each case) is added by the adapter (``kikan.adapters.db.migration_business``).

Batches are runs of records in key order (the same files always give the same batches, so a rerun skips
the committed ones).  :func:`tax_frames` gives the frames the tax business's bulk store takes;
:func:`welfare_inputs` the command of ``migrate_certified`` and of ``register_account``;
:func:`tax_row` / :func:`welfare_row` turn stored data back into ``{target: value}`` for the export.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kikan.characters import GaijiMapper
from kikan.migration.business_targets import (
    KEYS,
    MAX_CHILDREN,
    MAX_DEPENDANTS,
    PERSON_ITEMS,
    REQUIRED,
    SIGNED,
    TAX_INCOME,
    WELFARE_CASES,
)
from kikan.migration.layout import Layout
from kikan.migration.parse import KEY_ROLES, Row, RowParser
from kikan.migration.reader import records
from kikan.migration.report import FILE_LEVEL, IssueKind, Report
from kikan.migration.validate import Progress, digest_of
from kikan.tax.individual_resident.income_csv import RANGES
from kikan.tax.individual_resident.income_records import (
    FLAG_INPUTS,
    GIVEN_INPUTS,
    RECORD_INPUTS,
    SOURCE_KINDS,
)
from kikan.welfare.cases.model import ALLOWANCES, CLAIMANT_KINDS, PENSION_KINDS

CRA_REASONS = frozenset({"divorce", "death", "parent_disability", "unknown_whereabouts", "abandonment",
                         "dv_protection_order", "detention", "unmarried", "unknown_parents"})  # fmt: skip
ACCOUNT_ITEMS = (
    "bank_code",
    "bank_name",
    "branch_code",
    "branch_name",
    "account_type",
    "account_no",
    "holder_kana",
)
MIGRATED_REASON = "データ移行（旧システムの課税資料）"
_SPLIT = re.compile(r"[\s、,]+")
_PEOPLE = [("spouse", True)] + [(f"dependant{i}", False) for i in range(1, MAX_DEPENDANTS + 1)]


@dataclass
class RecordSet:
    """The validated records of a business layout, by key (a dry run's or an import's dataset)."""

    layout: Layout
    report: Report
    digest: str
    gaiji_as_of_seq: int | None = None
    rows: dict[tuple[str, ...], Row] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {t: i for i, t in enumerate(self.layout.columns)}
        self.labels = {t: f.name for f in self.layout.fields for t in f.targets}

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def business(self) -> str:
        return self.layout.business

    def get(self, row: Row, target: str) -> Any:
        i = self.index.get(target)
        return None if i is None else row.values[i]

    def values(self, row: Row) -> dict[str, Any]:
        return {t: row.values[i] for t, i in self.index.items()}

    def label(self, target: str) -> str:
        return self.labels.get(target) or self.layout.catalog[target].ja

    def error(self, row: Row, target: str, kind: IssueKind, message: str, value: Any = "", *,
              warning: bool = False) -> None:  # fmt: skip
        first, second = KEY_ROLES[self.business]
        add = self.report.warning if warning else self.report.error
        add(kind, row.file, row.row, self.label(target), message, value="" if value is None else str(value),
            addressee_no=str(self.get(row, first) or ""), history_no=str(self.get(row, second) or ""))  # fmt: skip

    def persons(self, row: Row) -> list[tuple[str, str]]:
        """(target, 宛名番号) of the persons a record names (checked against the tenant's residents)."""
        out = []
        for t in PERSON_ITEMS[self.business]:
            v = self.get(row, t)
            if v:
                out.append((t, v))
        for o in _obligors(self.get(row, "obligors")):
            out.append(("obligors", o))
        return out


def key_of(layout: Layout, values: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple("" if values.get(t) is None else str(values.get(t)) for t in KEYS[layout.business])


def _obligors(text: str | None) -> list[str]:
    return [x for x in _SPLIT.split(text or "") if x]


def validate_records(
    files: list[tuple[str, bytes]], layout: Layout, mapper: GaijiMapper, *, today: dt.date,
    progress: Progress | None = None, digest: str | None = None,
) -> RecordSet:  # fmt: skip
    """Parse and check the files of a business layout; see the module docstring."""
    rs = RecordSet(layout, Report(), digest or digest_of(layout, files), mapper.as_of_seq)
    parser = RowParser(layout, mapper, rs.report)
    check = _tax_rules if layout.business == TAX_INCOME else _welfare_rules
    first_seen: dict[tuple[str, ...], tuple[str, int]] = {}
    open_cases: dict[tuple[str, str], tuple[str, int]] = {}
    pending = 0
    for name, data in files:
        for row_no, record in records(data, layout, name, rs.report):
            row = parser.parse(name, row_no, record)
            rs.report.rows += 1
            pending += 1
            if progress is not None and pending >= 5000:
                progress(pending)
                pending = 0
            ok = _required(rs, row) and check(rs, row, today) and not row.bad
            key = key_of(layout, rs.values(row))
            seen = first_seen.get(key)
            if seen is not None:
                shown = "・".join(
                    f"{rs.label(t)} {v}" for t, v in zip(KEYS[layout.business], key, strict=True) if v
                )
                rs.error(row, KEYS[layout.business][-1], IssueKind.DUPLICATE,
                         f"{shown} が重複しています（{seen[0]} {seen[1]}行目と同じキー）")  # fmt: skip
                continue
            first_seen[key] = (name, row_no)
            if layout.business == WELFARE_CASES and rs.get(row, "recipient") and rs.get(row, "allowance"):
                who = (str(rs.get(row, "allowance")), str(rs.get(row, "recipient")))
                other = open_cases.get(who)
                if other is not None:
                    rs.error(row, "recipient", IssueKind.DUPLICATE,
                             f"同じ受給者の{ALLOWANCES.get(who[0], who[0])}の台帳が重複しています（{other[0]} {other[1]}行目）",
                             who[1])  # fmt: skip
                    continue
                open_cases[who] = (name, row_no)
            if ok:
                rs.rows[key] = row
    if progress is not None and pending:
        progress(pending)
    rs.rows = dict(sorted(rs.rows.items()))
    rs.report.persons = len({p for r in rs.rows.values() for _, p in rs.persons(r)[:1]})
    if not rs.report.rows and not rs.report.refused_files:
        rs.report.error(IssueKind.REQUIRED, layout.name, FILE_LEVEL, "ファイル", "レコードがありません")
    return rs


def _required(rs: RecordSet, row: Row) -> bool:
    ok = True
    req = set(REQUIRED[rs.business]) | {t for f in rs.layout.fields if f.required for t in f.targets}
    for t in rs.layout.columns:
        if t in req and rs.get(row, t) is None and t not in row.failed:
            rs.error(row, t, IssueKind.REQUIRED, f"{rs.label(t)}がありません")
            ok = False
    return ok


def _range(rs: RecordSet, row: Row, t: str, lo: int | None, hi: int | None) -> bool:
    v = rs.get(row, t)
    if v is None or ((lo is None or v >= lo) and (hi is None or v <= hi)):
        return True
    if lo is not None and hi is not None:
        msg = f"{lo}から{hi}までの整数です"
    elif lo is not None:
        msg = f"{lo}以上の整数です" + (
            "（-1 は「与えない」）" if lo == -1 else "（負の金額は指定できません）"
        )
    else:
        msg = f"{hi}以下の整数です"
    rs.error(row, t, IssueKind.NUMBER, msg, v)
    return False


def _tax_rules(rs: RecordSet, row: Row, today: dt.date) -> bool:
    ok = True
    kind = rs.get(row, "source_kind")
    if kind is not None and kind not in SOURCE_KINDS:
        rs.error(
            row,
            "source_kind",
            IssueKind.CODE,
            f"資料区分の値が登録できる値（{'、'.join(SOURCE_KINDS)}）ではありません",
            kind,
        )
        ok = False
    if (
        kind in ("salary_report", "pension_report")
        and not rs.get(row, "payer_id")
        and "payer_id" not in row.failed
    ):
        rs.error(row, "payer_id", IssueKind.REQUIRED, "給与・年金の支払報告書には支払者の番号が必要です")
        ok = False
    ok = _range(rs, row, "fiscal_year", 2000, today.year + 1) and ok
    for k in RECORD_INPUTS:
        if k not in rs.index:
            continue
        lo = -1 if k in GIVEN_INPUTS else (None if k in SIGNED else 0)
        hi = RANGES.get(k, 1) if k in FLAG_INPUTS else None
        ok = _range(rs, row, k, lo, hi) and ok
    for prefix, spouse in _PEOPLE:
        items = [f"{prefix}_{s}" for s in ("total_income", "disability", "cohabiting")]
        items += [] if spouse else [f"{prefix}_lineal_ascendant"]
        if rs.get(row, f"{prefix}_age") is None:
            if any(rs.get(row, t) is not None for t in items) and f"{prefix}_age" not in row.failed:
                rs.error(
                    row,
                    f"{prefix}_age",
                    IssueKind.REQUIRED,
                    "年齢がありません（この親族の他の項目があります）",
                )
                ok = False
            continue
        ok = _range(rs, row, f"{prefix}_age", 0, 150) and ok
        ok = _range(rs, row, f"{prefix}_total_income", 0, None) and ok
        ok = _range(rs, row, f"{prefix}_disability", 0, 2) and ok
    return ok


def _welfare_rules(rs: RecordSet, row: Row, today: dt.date) -> bool:
    ok = True

    def err(t: str, kind: IssueKind, msg: str, value: Any = "") -> None:
        nonlocal ok
        ok = False
        rs.error(row, t, kind, msg, value)

    closed = {"allowance": set(ALLOWANCES), "status": {"certified"}, "claimant_kind": set(CLAIMANT_KINDS),
              "pension_kind": set(PENSION_KINDS), "cra_reason": CRA_REASONS, "account_type": {1, 2, 4, 9}}  # fmt: skip
    for t, allowed in closed.items():
        v = rs.get(row, t)
        if v is not None and v not in allowed:
            msg = ("移行できるのは受給中（認定済み）の台帳だけです" if t == "status"
                   else f"{rs.layout.catalog[t].ja}の値が登録できる値ではありません")  # fmt: skip
            err(t, IssueKind.CODE, msg, v)
    claim, decided = rs.get(row, "claim_on"), rs.get(row, "decided_on")
    if claim is not None and claim > today:
        err(
            "claim_on",
            IssueKind.DATE,
            f"認定請求日が基準日（{today.isoformat()}）より後です",
            claim.isoformat(),
        )
    if claim is not None and decided is not None and not claim <= decided <= today:
        err("decided_on", IssueKind.DATE, "認定日は認定請求日から基準日までの日付です", decided.isoformat())
    cra = rs.get(row, "allowance") == "child_rearing_allowance"
    if cra and rs.get(row, "cra_reason") is None and "cra_reason" not in row.failed:
        err("cra_reason", IssueKind.REQUIRED, "児童扶養手当の支給要件がありません")
    ok = _range(rs, row, "pension_annual", 0, None) and ok
    ok = _range(rs, row, "monthly_amount", 0, None) and ok
    seen: dict[str, int] = {}
    for i in range(1, MAX_CHILDREN + 1):
        cid, born = rs.get(row, f"child{i}_id"), rs.get(row, f"child{i}_birth_date")
        if cid is None and born is None:
            continue
        if cid is None and f"child{i}_id" not in row.failed:
            err(f"child{i}_id", IssueKind.REQUIRED, f"児童{i}の宛名番号がありません")
        if born is None and f"child{i}_birth_date" not in row.failed:
            err(f"child{i}_birth_date", IssueKind.REQUIRED, f"児童{i}の生年月日がありません")
        if born is not None and born > today:
            err(
                f"child{i}_birth_date",
                IssueKind.DATE,
                f"生年月日が基準日（{today.isoformat()}）より後です",
                born.isoformat(),
            )
        if cid is not None:
            if cid in seen:
                err(f"child{i}_id", IssueKind.DUPLICATE, f"児童{seen[cid]}と同じ宛名番号です", cid)
            seen.setdefault(cid, i)
    for o in _obligors(rs.get(row, "obligors")):
        if not (o.isascii() and o.isdigit() and len(o) <= 15):
            err("obligors", IssueKind.NUMBER, "扶養義務者の宛名番号は15桁以内の半角数字を区切って並べます", o)
    given = [t for t in ACCOUNT_ITEMS if rs.get(row, t) is not None]
    if given:
        for t in ("bank_code", "branch_code", "account_no", "holder_kana"):
            if rs.get(row, t) is None and t not in row.failed:
                err(t, IssueKind.REQUIRED, f"振込口座の{rs.layout.catalog[t].ja}がありません")
    return ok


@dataclass(frozen=True)
class RecordBatch:
    no: int  # from 1
    keys: tuple[tuple[str, ...], ...]


def plan_record_batches(rs: RecordSet, size: int) -> list[RecordBatch]:
    """Records in key order, ``size`` per batch: the same files always give the same batches."""
    keys = list(rs.rows)
    size = max(1, size)
    return [
        RecordBatch(n, tuple(keys[s : s + size])) for n, s in enumerate(range(0, len(keys), size), start=1)
    ]


# --- 課税資料 → the tax business's frames ------------------------------------------------------
def tax_frames(rs: RecordSet, rows: Sequence[Row]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records, relatives) as ``kikan.tax.individual_resident.income_csv.parse_csv`` gives them."""
    recs: dict[str, list[Any]] = {c: [] for c in ("line", "record_id", "fiscal_year", "addressee_no", "source_kind",
                                                  "payer_id", "payer_name", "special_collection",
                                                  "document_received_on", "reason", *RECORD_INPUTS)}  # fmt: skip
    rel: dict[str, list[int]] = {c: [] for c in ("line", "seq", "is_spouse", "age", "total_income",
                                                 "cohabiting_ascendant", "disability", "cohabiting")}  # fmt: skip
    defaults = _record_defaults()
    for line, row in enumerate(rows, start=1):
        v = rs.values(row)
        recs["line"].append(line)
        recs["record_id"].append(None)
        for c in (
            "fiscal_year",
            "addressee_no",
            "source_kind",
            "payer_id",
            "payer_name",
            "document_received_on",
        ):
            recs[c].append(v.get(c))
        recs["special_collection"].append(1 if v.get("special_collection") else 0)
        recs["reason"].append(MIGRATED_REASON)
        for k in RECORD_INPUTS:
            recs[k].append(defaults[k] if v.get(k) is None else int(v[k]))
        seq = 0
        for prefix, spouse in _PEOPLE:
            age = v.get(f"{prefix}_age")
            if age is None:
                continue
            cohabiting = 1 if v.get(f"{prefix}_cohabiting") in (None, True) else 0
            ascendant = 0 if spouse else int(bool(v.get(f"{prefix}_lineal_ascendant")))
            for c, x in (("line", line), ("seq", seq), ("is_spouse", int(spouse)), ("age", int(age)),
                         ("total_income", int(v.get(f"{prefix}_total_income") or 0)),
                         ("cohabiting_ascendant", ascendant * cohabiting),
                         ("disability", int(v.get(f"{prefix}_disability") or 0)), ("cohabiting", cohabiting)):  # fmt: skip
                rel[c].append(x)
            seq += 1
    schema: dict[str, Any] = {"line": pl.Int64, "record_id": pl.String, "fiscal_year": pl.Int64,
                              "addressee_no": pl.String, "source_kind": pl.String, "payer_id": pl.String,
                              "payer_name": pl.String, "special_collection": pl.Int64,
                              "document_received_on": pl.Date, "reason": pl.String,
                              **{k: pl.Int64 for k in RECORD_INPUTS}}  # fmt: skip
    return pl.DataFrame(recs, schema=schema), pl.DataFrame(rel, schema={c: pl.Int64 for c in rel})


def _record_defaults() -> dict[str, int]:
    from kikan.tax.individual_resident.columns import TAXPAYER_INPUTS

    return {k: TAXPAYER_INPUTS[k][0] for k in RECORD_INPUTS}


def tax_row(record: Mapping[str, Any], relatives: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A stored 課税資料 (latest version) and its relatives as ``{target: value}`` for the export."""
    out: dict[str, Any] = {k: record.get(k) for k in ("fiscal_year", "addressee_no", "source_kind", "payer_id",
                                                       "payer_name", "document_received_on")}  # fmt: skip
    out["special_collection"] = bool(record.get("special_collection"))
    for k in RECORD_INPUTS:
        out[k] = int(record[k])
    dependant = 0
    for r in sorted(relatives, key=lambda r: int(r["seq"])):
        if r["is_spouse"]:
            prefix = "spouse"
        else:
            dependant += 1
            prefix = f"dependant{dependant}"
            out[f"{prefix}_lineal_ascendant"] = bool(r["cohabiting_ascendant"])
        out[f"{prefix}_age"] = int(r["age"])
        out[f"{prefix}_total_income"] = int(r["total_income"])
        out[f"{prefix}_disability"] = int(r["disability"])
        out[f"{prefix}_cohabiting"] = bool(r["cohabiting"])
    return out


# --- 受給者台帳 → the welfare services' commands ------------------------------------------------
def welfare_inputs(
    rs: RecordSet, row: Row, household_no: str | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(``MigrateCertifiedCase`` data, ``RegisterAccount`` data or None) of one record."""
    v = rs.values(row)
    children = []
    for i in range(1, MAX_CHILDREN + 1):
        if v.get(f"child{i}_id") is None:
            continue
        child: dict[str, Any] = {"child_id": v[f"child{i}_id"], "birth_date": v[f"child{i}_birth_date"]}
        for name in ("name", "supported", "in_facility", "disabled"):
            if v.get(f"child{i}_{name}") is not None:
                child[name] = v[f"child{i}_{name}"]
        children.append(child)
    case: dict[str, Any] = {"children": children, "household_no": household_no,
                            "obligors": _obligors(v.get("obligors"))}  # fmt: skip
    for t in ("case_id", "allowance", "recipient", "recipient_kana", "spouse", "claim_on", "decided_on", "event_on",
              "designated_main", "separated", "public_servant", "claimant_kind", "cra_reason", "pension_kind",
              "pension_annual"):  # fmt: skip
        if v.get(t) is not None:
            case[t] = v[t]
    account = None
    if v.get("bank_code") is not None:
        account = {"addressee_no": v["recipient"], **{t: v[t] for t in ACCOUNT_ITEMS if v.get(t) is not None}}
    return case, account


def welfare_row(case_id: str, state: Mapping[str, Any], monthly_amount: int,
                account: Mapping[str, Any] | None) -> dict[str, Any]:  # fmt: skip
    """A stored case (its current ``CaseState`` as JSON) and the recipient's account, for the export."""
    out: dict[str, Any] = {"case_id": case_id, "monthly_amount": int(monthly_amount),
                           "obligors": " ".join(state.get("obligors") or []) or None}  # fmt: skip
    for t in ("allowance", "status", "recipient", "spouse", "designated_main", "separated", "public_servant",
              "claimant_kind", "cra_reason", "pension_kind", "pension_annual"):  # fmt: skip
        out[t] = state.get(t)
    out["recipient_kana"] = state.get("recipient_kana") or None
    for t in ("claim_on", "decided_on", "event_on"):
        out[t] = dt.date.fromisoformat(state[t]) if state.get(t) else None
    kids = [c for c in state.get("children") or [] if not c.get("left_on")]
    for i, c in enumerate(kids[:MAX_CHILDREN], start=1):
        out[f"child{i}_id"] = c["child_id"]
        out[f"child{i}_name"] = c.get("name") or None
        out[f"child{i}_birth_date"] = dt.date.fromisoformat(c["birth_date"])
        for name in ("supported", "in_facility", "disabled"):
            out[f"child{i}_{name}"] = bool(c.get(name))
    if account is not None and not account.get("closed"):
        for t in ACCOUNT_ITEMS:
            out[t] = account.get(t) or None
        out["account_type"] = int(account["account_type"])
        out["account_no"] = str(account["account_no"])
    return out
