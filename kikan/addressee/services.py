"""Use cases of 住登外者宛名番号管理 and 団体内統合宛名: inquiry, numbering, update, lookup, link.

Each is ``fn(cmd, uow, *, today)``: it validates everything first (nothing is written on an
error), audits every read of personal data and every change, emits its event, and leaves the
commit to the caller. Basis: 共通機能標準仕様書 第2章 住登外者宛名番号管理 (照会 → 付番; duplicates
refused; a former resident keeps their number) and 団体内統合宛名 (one number per person or
corporation; each business's 宛名番号 mapped to it). See ``README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kikan.adapters.db import addressee_repo as repo
from kikan.addressee import events
from kikan.addressee.commands import Attributes, Inquiry, LinkRequest, NumberRequest, UpdateRequest, build
from kikan.addressee.matching import is_exact, probe_of, rank
from kikan.addressee.model import (
    ATTRIBUTES,
    CORPORATION,
    LABELS,
    NON_RESIDENT,
    NON_RESIDENT_BUSINESS,
    RESERVED_BUSINESSES,
    RESIDENT,
    changed_fields,
)
from kikan.addressee.rules import distinct_errors, inquiry_errors, numbering_errors
from kikan.addressee.views import AddresseeView, CandidateView, candidate_view, history_entry, view_of
from kikan.core.errors import Conflict, FieldError, NotFound, ValidationFailed

SEARCH_ROWS = 1000  # versions read per inquiry (past versions included)
FUNCTION = "addressee"


class Duplicate(Conflict):
    """Several existing addressees match exactly: the staff must choose one or confirm another person."""

    code = "duplicate"


@dataclass
class InquiryResult:
    candidates: list[CandidateView]
    truncated: bool  # more matched than shown: narrow the inquiry


@dataclass
class NumberingResult:
    status: str  # assigned (a new number) | existing (the person already has one)
    addressee: AddresseeView
    exact_matches: list[str] = field(default_factory=list)


def _attrs(cmd: Attributes) -> dict[str, Any]:
    return {"kind": cmd.kind, **{k: getattr(cmd, k, None) for k in ATTRIBUTES}}


def _view(uow: Any, integrated_no: str, *, history: bool = False) -> AddresseeView:
    cur = repo.current_versions(uow, [integrated_no]).get(integrated_no)
    if cur is None:
        raise NotFound("指定された団体内統合宛名番号は登録されていません", field="団体内統合宛名番号")
    hist = [history_entry(r) for r in repo.versions(uow, integrated_no)] if history else None
    return view_of(cur, repo.links_of(uow, [integrated_no])[integrated_no], hist)


def inquire(cmd: Inquiry, uow: Any, *, today: date, limit: int = 100) -> InquiryResult:
    """照会: candidates among residents, former residents, 住登外者 and corporations (exact first)."""
    attrs = _attrs(cmd)
    errors = inquiry_errors(attrs, today=today)
    if errors:
        raise ValidationFailed(errors)
    probe = probe_of(attrs)
    rows = repo.search(uow, probe, SEARCH_ROWS + 1)
    ranked = rank(probe, rows[:SEARCH_ROWS])
    shown = ranked[:limit]
    currents = repo.current_versions(uow, [c.integrated_no for c in shown])
    out = [candidate_view(c, currents[c.integrated_no]) for c in shown if c.integrated_no in currents]
    nos = ",".join(c.addressee.integrated_no for c in out[:20])
    uow.audit(f"{FUNCTION}.inquiry", "read", target_type="addressee", detail=f"{len(out)}件 {nos}"[:1000])
    return InquiryResult(out, truncated=len(rows) > SEARCH_ROWS or len(ranked) > limit)


def _check_link(
    uow: Any, business: str | None, business_no: str | None, integrated_no: str | None
) -> list[FieldError]:
    if (business is None) != (business_no is None):
        return [
            FieldError("業務の宛名番号" if business else "業務", "業務と業務の宛名番号は両方指定してください")
        ]
    if business in RESERVED_BUSINESSES:
        return [FieldError("業務", f"業務 {business} の宛名番号はこの機能からは紐付けできません")]
    if business and business_no:
        linked = repo.resolve(uow, business, business_no)
        if linked is not None and integrated_no is not None and linked != integrated_no:
            return [
                FieldError(
                    "業務の宛名番号", f"この業務の宛名番号は既に団体内統合宛名番号 {linked} に紐付いています"
                )
            ]
    return []


def _link(uow: Any, business: str | None, business_no: str | None, integrated_no: str, today: date) -> None:
    if not business or not business_no:
        return
    linked = repo.resolve(uow, business, business_no)
    if linked == integrated_no:
        return
    if linked is not None:
        raise Conflict(
            f"この業務の宛名番号は既に団体内統合宛名番号 {linked} に紐付いています", field="業務の宛名番号"
        )
    repo.insert_links(uow, [(business, business_no, integrated_no)])
    uow.emit(events.linked(integrated_no, business, business_no, on=today))
    uow.audit(f"{FUNCTION}.link", "create", target_type="addressee", target_id=integrated_no,
              detail=f"{business}:{business_no}")  # fmt: skip


def _existing(uow: Any, cmd: NumberRequest, no: str, today: date, exact: list[str]) -> NumberingResult:
    errors = _check_link(uow, cmd.business, cmd.business_no, no)
    if errors:
        raise ValidationFailed(errors)
    _link(uow, cmd.business, cmd.business_no, no, today)
    view = _view(uow, no)
    uow.audit(f"{FUNCTION}.number", "read", target_type="addressee", target_id=no, detail="既存の番号を回答")
    return NumberingResult("existing", view, exact)


def number(cmd: NumberRequest, uow: Any, *, today: date) -> NumberingResult:
    """付番: a 住登外者宛名番号 + 団体内統合宛名番号, unless the person already has one.

    An exact match (``matching`` docstring) that the staff have not confirmed to be another person
    (``distinct_from`` + ``distinct_reason``, both recorded on the new version) is answered with its
    existing numbers (``status="existing"``) — a former resident keeps the registry's 宛名番号;
    several such matches → :class:`Duplicate` (409) listing them. ``use_existing`` picks the
    candidate chosen after an inquiry.
    """
    attrs = _attrs(cmd)
    errors = numbering_errors(attrs, today=today) + distinct_errors(cmd.distinct_from, cmd.distinct_reason)
    errors += _check_link(uow, cmd.business, cmd.business_no, None)
    known = repo.records(uow, [*cmd.distinct_from, *([cmd.use_existing] if cmd.use_existing else [])])
    errors += [
        FieldError("別人と確認した宛名", f"{n} は登録されていません")
        for n in cmd.distinct_from
        if n not in known
    ]
    if cmd.use_existing:
        found = known.get(cmd.use_existing)
        if found is None:
            errors.append(FieldError("既存の団体内統合宛名番号", "登録されていません"))
        elif found["kind"] != cmd.kind:
            errors.append(FieldError("既存の団体内統合宛名番号", "個人・法人の種別が異なります"))
    if errors:
        raise ValidationFailed(errors)
    if cmd.use_existing:
        return _existing(uow, cmd, cmd.use_existing, today, [])
    repo.lock_numbering(uow)
    probe = probe_of(attrs)
    exact = list(dict.fromkeys(r["integrated_no"] for r in repo.exact_pool(uow, probe) if is_exact(probe, r)))
    remaining = [n for n in exact if n not in cmd.distinct_from]
    if len(remaining) == 1:
        return _existing(uow, cmd, remaining[0], today, exact)
    if remaining:
        raise Duplicate(
            "同一人と思われる宛名が複数あります。照会結果から選択するか、別人であることを確認してください",
            errors=[FieldError("既存の団体内統合宛名番号", n) for n in remaining],
        )
    errors = _check_link(uow, cmd.business, cmd.business_no, "")  # "": a new number, so any link is another's
    if errors:
        raise ValidationFailed(errors)
    return _assign(uow, cmd, attrs, today)


def _assign(uow: Any, cmd: NumberRequest, attrs: dict[str, Any], today: date) -> NumberingResult:
    integrated = repo.new_integrated_nos(uow, 1)[0]
    nr = repo.new_non_resident_no(uow)
    status = CORPORATION if cmd.kind == CORPORATION else NON_RESIDENT
    attrs = {**attrs, "status": status}
    distinct = [{"integrated_no": n, "reason": cmd.distinct_reason} for n in cmd.distinct_from] or None
    meta = {"reason": "法人の付番" if cmd.kind == CORPORATION else "住登外者の付番", "origin": "staff",
            "changed_on": today, "distinct_from": distinct}  # fmt: skip
    repo.insert_records(
        uow,
        [{"integrated_no": integrated, "kind": cmd.kind, "origin": "staff", "status": status,
          "non_resident_no": nr, "version": 1}],
        [repo.version_row(uow, integrated, 1, attrs, meta)],
    )  # fmt: skip
    repo.insert_links(uow, [(NON_RESIDENT_BUSINESS, nr, integrated)])
    uow.emit(events.numbered(integrated, nr, cmd.kind, attrs, on=today))
    detail = f"住登外者宛名番号={nr}" + (f" 別人確認={','.join(cmd.distinct_from)} 理由={cmd.distinct_reason}"
                                     if cmd.distinct_from else "")  # fmt: skip
    uow.audit(
        f"{FUNCTION}.number", "create", target_type="addressee", target_id=integrated, detail=detail[:1000]
    )
    _link(uow, cmd.business, cmd.business_no, integrated, today)
    return NumberingResult("assigned", _view(uow, integrated))


def update(integrated_no: str, cmd: UpdateRequest, uow: Any, *, today: date) -> AddresseeView:
    """A new version of a 住登外者 / corporation / former resident (history kept; 住民 refused:
    a resident's items change only through the registry's 異動)."""
    cur = repo.current_versions(uow, [integrated_no]).get(integrated_no)
    if cur is None:
        raise NotFound("指定された団体内統合宛名番号は登録されていません", field="団体内統合宛名番号")
    if cur["record_status"] == RESIDENT:
        raise ValidationFailed(
            [FieldError("団体内統合宛名番号", "住民の宛名は住民記録システムの異動で変更してください")]
        )
    if cmd.expected_version != cur["version"]:
        raise Conflict(repo.CONFLICT_MESSAGE)
    unknown = [k for k in cmd.attributes if k not in ATTRIBUTES]
    if unknown:
        raise ValidationFailed([FieldError(LABELS.get(k, k), "変更できない項目です") for k in unknown])
    remarks = cmd.attributes.get("remarks", cur.get("remarks"))
    if remarks is not None and (not isinstance(remarks, str) or len(remarks) > 1000):
        raise ValidationFailed([FieldError("備考", "1000文字以内の文字列で入力してください")])
    merged_in = {**{k: cur.get(k) for k in ATTRIBUTES if k != "remarks"}, "kind": cur["kind"]}
    merged_in.update({k: v for k, v in cmd.attributes.items() if k != "remarks"})
    checked = build(
        Attributes, {k: (v.isoformat() if isinstance(v, date) else v) for k, v in merged_in.items()}
    )
    merged = {**_attrs(checked), "remarks": remarks or None, "status": cur["record_status"]}
    errors = numbering_errors(merged, today=today)
    if errors:
        raise ValidationFailed(errors)
    fields = changed_fields(cur, merged)
    if not fields:
        raise ValidationFailed([FieldError("変更する項目", "変更された項目がありません")])
    version = repo.move_pointer(uow, integrated_no, cmd.expected_version)
    meta = {"reason": cmd.reason, "origin": "staff", "changed_on": cmd.changed_on or today}
    repo.insert_records(uow, [], [repo.version_row(uow, integrated_no, version, merged, meta)])
    uow.emit(events.changed(integrated_no, version, fields, merged, on=today))
    labels = ",".join(LABELS[f] for f in fields)
    uow.audit(f"{FUNCTION}.update", "update", target_type="addressee", target_id=integrated_no,
              detail=f"版={version} 変更={labels} 事由={cmd.reason}"[:1000])  # fmt: skip
    return _view(uow, integrated_no)


def get(uow: Any, integrated_no: str, *, history: bool = False) -> AddresseeView:
    """照会 by 団体内統合宛名番号 (audited)."""
    view = _view(uow, integrated_no, history=history)
    uow.audit(f"{FUNCTION}.record", "read", target_type="addressee", target_id=integrated_no)
    return view


def get_by_business(uow: Any, business: str, business_no: str, *, history: bool = False) -> AddresseeView:
    """照会 by a business's own 宛名番号 (``juki`` = the registry's, ``non_resident`` = 住登外者宛名番号)."""
    no = repo.resolve(uow, business, business_no)
    if no is None:
        raise NotFound("この業務の宛名番号は団体内統合宛名番号に紐付いていません", field="業務の宛名番号")
    return get(uow, no, history=history)


def link(cmd: LinkRequest, uow: Any, *, today: date) -> AddresseeView:
    """A business maps its own 宛名番号 to a 団体内統合宛名番号 (idempotent; another mapping → 409)."""
    errors = _check_link(uow, cmd.business, cmd.business_no, None)
    if errors:
        raise ValidationFailed(errors)
    if not repo.records(uow, [cmd.integrated_no]):
        raise NotFound("指定された団体内統合宛名番号は登録されていません", field="団体内統合宛名番号")
    _link(uow, cmd.business, cmd.business_no, cmd.integrated_no, today)
    return get(uow, cmd.integrated_no)
