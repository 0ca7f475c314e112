"""住民票の写し等 as a document model: what to print, sheet by sheet (pure; no I/O, no clock).

Legal basis and spec:
- 住民基本台帳法 第12条 (写しの交付; 第5項: 世帯主・続柄, 本籍, 個人番号, 住民票コード 等は特別の請求が
  ない限り省略できる), 第15条の4 (除票の写し), 第30条の45 (外国人住民の記載事項);
  住民基本台帳法施行令 第23条・第24条 (転出証明書).
- 住民記録システム標準仕様書 第3章 5.1 証明書記載事項 (j1000): all or selected members; 世帯連記式 or
  個人票; with/without history; the omissions of :class:`CertificateOptions`; 認証文 on the LAST
  page only; 電子公印 and 発行番号; before the planned 転出 date the items recorded from the 転出届
  are omitted. 【実装しない機能】: a person on a 除票 and current members on one 世帯連記式 copy.
- 4.1.3.0.3 転出証明書等 (j660): 再交付 marked 「再交付」 showing the state at the original issue;
  a 転出届 made after 14 days from the move → 転出証明書に準ずる証明書.
- Municipal notices on the standard layouts: 世帯連記式 = 4 members per sheet; 個人票 A4 portrait;
  除票 copies are 個人票 only.

Inputs are snapshot dicts (rows of ``juki_history``; keys per :mod:`kikan.juki.items`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kikan.core.errors import FieldError, ValidationFailed
from kikan.juki import certificate_text as t
from kikan.juki.certificate_text import (
    CertificateKind,
    CertificateOptions,
    Field,
    HistoryLine,
    Layout,
    PersonBlock,
)
from kikan.juki.events import NEW_RECORD_CODES
from kikan.juki.items import ITEMS

MEMBERS_PER_SHEET = 4
#: Text lines one A4 sheet holds below its title and header, and the 認証文・公印 area
#: (calibrated to the template; ``tests/unit/certificates`` checks sheets == rendered pages).
SHEET_LINES = 56
CERTIFICATION_LINES = 8
HISTORY_LINES_FIRST_SHEET = 12
HISTORY_LINES_NEXT_SHEET = 40
LATE_MOVE_OUT_DAYS = 14
REMOVAL_ITEMS = frozenset(i.name for i in ITEMS if i.group == "removal")
#: 消除事由 of a 住民票 closed by 改製 (the 改製原住民票, 異動事由 241).
REMADE = "改製"
REMOVED_KINDS = frozenset({CertificateKind.REMOVED_COPY, CertificateKind.REMADE_ORIGINAL_COPY})

__all__ = [
    "CertificateDocument", "CertificateKind", "CertificateOptions", "Certification", "Field",
    "HistoryLine", "Issuer", "Layout", "PersonBlock", "PersonRecord", "Reissue", "Sheet",
    "build_certificate", "is_late_move_out", "pending_move_out", "removal_effective",
]


@dataclass(frozen=True)
class PersonRecord:
    """One person: the snapshot to print and the earlier snapshots (any order) for 履歴."""

    current: Mapping[str, Any]
    history: Sequence[Mapping[str, Any]] = ()

    @property
    def addressee_no(self) -> str:
        return str(self.current["addressee_no"])


@dataclass(frozen=True)
class Issuer:
    """市区町村長 (the certifier) as printed with the 認証文."""

    title: str  # 「○○市長」
    name: str = ""

    @property
    def display(self) -> str:
        return f"{self.title}\u3000{self.name}" if self.name else self.title


@dataclass(frozen=True)
class Reissue:
    """転出証明書の再交付: the original 発行番号 and date (4.1.3.0.3)."""

    original_issue_no: str
    original_issued_on: date


@dataclass(frozen=True)
class Certification:
    text: str  # 認証文
    dated: str  # 交付年月日 (和暦)
    issuer: str
    seal: str = t.SEAL_TEXT
    note: str = ""


@dataclass(frozen=True)
class Sheet:
    number: int
    total: int
    header: tuple[Field, ...]
    persons: tuple[PersonBlock, ...]
    certification: Certification | None = None

    @property
    def page_label(self) -> str:
        return f"{self.number} / {self.total}"


@dataclass(frozen=True)
class CertificateDocument:
    kind: CertificateKind
    title: str
    layout: Layout
    issue_no: str  # 発行番号, printed on every page
    issued_on: date
    sheets: tuple[Sheet, ...]
    addressee_nos: tuple[str, ...]
    mynumber_shown: bool
    quasi_move_out: bool = False
    marks: tuple[str, ...] = ()  # 「再交付」
    notes: tuple[str, ...] = ()
    snapshots: Mapping[str, int] = field(default_factory=dict)  # 宛名番号 → 履歴番号 printed

    @property
    def pages(self) -> int:
        return len(self.sheets)

    @property
    def kind_name(self) -> str:
        return t.QUASI_MOVE_OUT_TITLE if self.quasi_move_out else t.KIND_NAMES[self.kind]


# --- rules ------------------------------------------------------------------------------------


def pending_move_out(rec: Mapping[str, Any], today: date) -> bool:
    """A 転出届 is recorded but its planned date has not come: the person is still a resident and
    the items recorded from the 転出届 are not printed (標準仕様書 5.1)."""
    planned = t.as_date(rec.get("move_out_planned_on"))
    return planned is not None and today < planned


def removal_effective(rec: Mapping[str, Any], today: date) -> bool:
    """On a 除票 as of ``today`` (消除済み; a 転出 counts from its planned date)."""
    planned = t.as_date(rec.get("move_out_planned_on"))
    if planned is not None:
        return today >= planned
    return rec.get("status") == "removed"


def is_late_move_out(rec: Mapping[str, Any]) -> bool:
    """転出届 made after 14 days from the move (4.1.3.0.3: 「転出をした日から14日を経過して」):
    届出日 > 転出日 + 14 (初日不算入, 民法第140条)."""
    moved = t.as_date(rec.get("move_out_planned_on")) or t.as_date(rec.get("removal_on"))
    reported = t.as_date(rec.get("reported_on")) or t.as_date(rec.get("notified_on"))
    return moved is not None and reported is not None and reported > moved + timedelta(days=LATE_MOVE_OUT_DAYS)


def _visible(p: PersonRecord, today: date) -> Mapping[str, Any]:
    """The snapshot as printable on ``today``: before the planned 転出 date, without what the
    転出届 recorded (the 除票 items, and its 届出日 — the 届出日 of the earlier record is kept)."""
    rec = p.current
    if not pending_move_out(rec, today):
        return rec
    out = {k: (None if k in REMOVAL_ITEMS else v) for k, v in rec.items()} | {"status": "resident"}
    before = [r for r in p.history if not r.get("move_out_planned_on") and not r.get("cancelled")]
    if before:
        out["notified_on"] = max(before, key=lambda r: int(r.get("history_no") or 0)).get("notified_on")
    return out


def _rows(p: PersonRecord, today: date, *, this_record: bool = False) -> list[Mapping[str, Any]]:
    """The person's snapshots oldest first, without cancelled rows and future-dated changes.

    ``this_record``: only the rows of the 住民票 being printed, i.e. from its last 改製（記載）/
    再製（記載） on (a remade 住民票 carries the items over, not the 改製原住民票's 異動履歴).
    """
    rows = sorted([*p.history, p.current], key=lambda r: int(r.get("history_no") or 0))
    if this_record:
        starts = [i for i, r in enumerate(rows) if r.get("event_code") in NEW_RECORD_CODES and not r.get("cancelled")]
        rows = rows[starts[-1]:] if starts else rows
    out = []
    for r in rows:
        on = t.as_date(r.get("event_on"))
        if not r.get("cancelled") and (on is None or on <= today):
            out.append(r)
    return out


def history_lines(p: PersonRecord, today: date) -> tuple[HistoryLine, ...]:
    """異動履歴: one line per change (事由, 異動日, 届出日, 異動前の住所)."""
    lines: list[HistoryLine] = []
    prev: Mapping[str, Any] | None = None
    for r in _rows(p, today, this_record=True):
        here = t.address_text(r.get("address"), r.get("katagaki"))
        before = t.address_text(prev.get("address"), prev.get("katagaki")) if prev else ""
        if prev is None:  # the first record: where the person came from (転入前住所)
            prior = str(r.get("previous_address") or "")
        else:  # 異動前住所 only on the change that moved the address (the item is copied onwards)
            prior = (str(r.get("prior_address") or "") or before) if before != here else ""
        if r.get("event_code"):
            lines.append(
                HistoryLine(t.event_label(r["event_code"]), t.jdate(r.get("event_on")), t.jdate(r.get("reported_on")), prior)
            )
        prev = r
    return tuple(lines)


def tsusho_history(p: PersonRecord, today: date) -> str:
    """通称の記載及び削除に関する事項 (標準仕様書 1.1.2, 5.1), one line per entry or deletion."""
    lines: list[str] = []
    last = ""
    for r in _rows(p, today):
        name = str(r.get("tsusho") or "")
        if name != last:
            if last:
                lines.append(f"{t.jdate(r.get('event_on'))} 削除「{last}」")
            if name:
                on = r.get("tsusho_recorded_on") or r.get("event_on")
                lines.append(f"{t.jdate(on)} 記載「{name}」")
            last = name
    return "\n".join(lines)


# --- selection --------------------------------------------------------------------------------


def _refuse(fld: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(fld, message)])


def _check_options(kind: CertificateKind, o: CertificateOptions) -> None:
    if kind == CertificateKind.REMOVED_COPY and o.layout == Layout.HOUSEHOLD:
        raise _refuse("options.layout", "住民票の除票の写しは個人票でのみ発行できます")
    if kind == CertificateKind.REMADE_ORIGINAL_COPY and o.layout == Layout.HOUSEHOLD:
        raise _refuse("options.layout", "改製原住民票の写しは個人票でのみ発行できます")
    if o.with_history and (o.layout == Layout.HOUSEHOLD or kind in (CertificateKind.ENTRY_CERTIFICATE, CertificateKind.MOVE_OUT)):
        raise _refuse("options.with_history", "履歴の記載は住民票（除票）の写しの個人票でのみ指定できます")


def _order(p: PersonRecord) -> tuple[int, str]:
    return int(p.current.get("household_order") or 999), p.addressee_no


def _select(
    kind: CertificateKind, records: Sequence[PersonRecord], selected: Sequence[str] | None, layout: Layout, today: date
) -> list[PersonRecord]:
    by_no = {p.addressee_no: p for p in records}
    if selected is None:
        if kind in (CertificateKind.REMOVED_COPY, CertificateKind.REMADE_ORIGINAL_COPY):
            raise _refuse("addressee_nos", "除票・改製原住民票の写しは対象者を指定してください")
        if kind == CertificateKind.MOVE_OUT:
            chosen = [p for p in records if p.current.get("move_out_planned_on")]
        else:  # 世帯全員: current members only; 除票 persons never join them (5.1 実装しない機能)
            chosen = [p for p in records if not removal_effective(p.current, today)]
    else:
        missing = [n for n in selected if n not in by_no]
        if missing:
            raise _refuse("addressee_nos", f"宛名番号 {'、'.join(missing)} の住民票が見つかりません")
        chosen = [by_no[n] for n in dict.fromkeys(selected)]
    if not chosen:
        raise _refuse("addressee_nos", "証明書に記載する対象者がいません")
    for p in chosen:
        removed = removal_effective(p.current, today)
        if kind in (CertificateKind.RESIDENT_COPY, CertificateKind.ENTRY_CERTIFICATE) and removed:
            raise _refuse(
                "addressee_nos",
                f"宛名番号 {p.addressee_no} は除票に記載されているため住民票の写しには記載できません（除票の写しを請求してください）",
            )
        if kind == CertificateKind.REMOVED_COPY and not removed:
            raise _refuse("addressee_nos", f"宛名番号 {p.addressee_no} の住民票は消除されていません")
        if kind == CertificateKind.REMADE_ORIGINAL_COPY and p.current.get("removal_reason") != REMADE:
            raise _refuse("addressee_nos", f"宛名番号 {p.addressee_no} に改製原住民票はありません")
        if kind == CertificateKind.MOVE_OUT and not (
            p.current.get("move_out_planned_on") and (p.current.get("moved_out_to_planned") or p.current.get("moved_out_to"))
        ):
            raise _refuse("addressee_nos", f"宛名番号 {p.addressee_no} には転出届（転出先・転出予定年月日）が記録されていません")
    if layout == Layout.HOUSEHOLD and len({p.current.get("household_no") for p in chosen}) > 1:
        raise _refuse("addressee_nos", "世帯連記式には同じ世帯の者だけを記載できます")
    return sorted(chosen, key=_order)


# --- assembly ---------------------------------------------------------------------------------


def build_certificate(
    kind: CertificateKind | str,
    records: Sequence[PersonRecord],
    options: CertificateOptions,
    *,
    today: date,
    issue_no: str,
    issuer: Issuer,
    selected: Sequence[str] | None = None,
    mynumbers: Mapping[str, str] | None = None,
    reissue: Reissue | None = None,
) -> CertificateDocument:
    """What to print. ``selected`` None = 世帯全員 (current members of ``records``).

    ``mynumbers`` holds the decrypted 個人番号 of the printed persons, only when
    ``options.show_mynumber`` (the caller decrypts nothing otherwise). Raises ValidationFailed
    for a request the standard does not allow.
    """
    kind = CertificateKind(kind)
    _check_options(kind, options)
    individual = options.layout == Layout.INDIVIDUAL
    persons = _select(kind, records, selected, options.layout, today)
    quasi = kind == CertificateKind.MOVE_OUT and any(is_late_move_out(p.current) for p in persons)
    blocks: list[PersonBlock] = []
    for p in persons:
        rec = p.current if kind == CertificateKind.MOVE_OUT else _visible(p, today)
        blocks.append(
            t.person_block(
                rec, kind, options, individual=individual, removed=kind in REMOVED_KINDS,
                mynumber=(mynumbers or {}).get(p.addressee_no, "") if options.show_mynumber else "",
                history=history_lines(p, today) if options.with_history else (),
                tsusho_history=tsusho_history(p, today) if t.is_foreign(rec) and options.show_tsusho_history else "",
            )
        )
    pages = _household_pages(persons, blocks, options) if not individual else _individual_pages(blocks)
    cert = Certification(
        text=t.certification_text(kind, all_members=selected is None, quasi=quasi),
        dated=t.jdate(today), issuer=issuer.display, note=t.QUASI_NOTE if quasi else "",
    )
    total = len(pages)
    sheets = tuple(
        Sheet(i + 1, total, header, group, cert if i == total - 1 else None) for i, (header, group) in enumerate(pages)
    )
    notes: tuple[str, ...] = ()
    if reissue:
        notes = (f"{t.REISSUE_MARK}（当初交付 {t.jdate(reissue.original_issued_on)} 発行番号 {reissue.original_issue_no}）",)
    return CertificateDocument(
        kind=kind, title=t.QUASI_MOVE_OUT_TITLE if quasi else t.TITLES[kind], layout=options.layout,
        issue_no=issue_no, issued_on=today, sheets=sheets, addressee_nos=tuple(p.addressee_no for p in persons),
        mynumber_shown=options.show_mynumber, quasi_move_out=quasi, marks=(t.REISSUE_MARK,) if reissue else (),
        notes=notes,
        snapshots={p.addressee_no: int(p.current["history_no"]) for p in persons if p.current.get("history_no") is not None},
    )


Page = tuple[tuple[Field, ...], tuple[PersonBlock, ...]]


def _household_pages(persons: list[PersonRecord], blocks: list[PersonBlock], o: CertificateOptions) -> list[Page]:
    """世帯連記式: the household's 住所 and 世帯主 on every sheet, up to four members per sheet."""
    first = persons[0].current
    header = [Field("address", "住所", t.address_text(first.get("address"), first.get("katagaki")), True, True)]
    if o.show_head:
        header.append(Field("head_name", "世帯主", t.head_name([p.current for p in persons]), True, True))
    groups: list[list[PersonBlock]] = [[]]
    for b in blocks:  # four members a sheet, fewer when their items would not fit on it
        g = groups[-1]
        if g and (len(g) == MEMBERS_PER_SHEET or sum(x.height() for x in g) + b.height() > SHEET_LINES):
            groups.append([])
        groups[-1].append(b)
    last = groups[-1]
    if len(last) > 1 and sum(x.height() for x in last) + CERTIFICATION_LINES > SHEET_LINES:
        groups.append([last.pop()])  # the 認証文 must share the last page with a member
    return [(tuple(header), tuple(g)) for g in groups]


def _individual_pages(blocks: list[PersonBlock]) -> list[Page]:
    """個人票: one person per sheet; a long 異動履歴 continues on further sheets of that person."""
    pages: list[Page] = []
    for b in blocks:
        lines = list(b.history)
        pages.append(((), (PersonBlock(b.addressee_no, b.fields, tuple(lines[:HISTORY_LINES_FIRST_SHEET])),)))
        rest = lines[HISTORY_LINES_FIRST_SHEET:]
        name = tuple(f for f in b.fields if f.key == "name")
        while rest:
            chunk, rest = rest[:HISTORY_LINES_NEXT_SHEET], rest[HISTORY_LINES_NEXT_SHEET:]
            pages.append(((), (PersonBlock(b.addressee_no, name, tuple(chunk), continued=True),)))
    return pages
