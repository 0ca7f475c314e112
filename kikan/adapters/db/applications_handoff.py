"""Hand-off of an application to its business: the mapped fields → the business's normal service.

This is the one place 申請管理 meets the businesses (like ``bootstrap``): each target command of
a form definition (``business`` + ``command``) has a handler that validates the mapped fields with
the business's own command and runs its ordinary service in the caller's unit of work, so blocks
(抑止・支援措置), validation, history and audit apply exactly as at the counter. A handler never
commits; it returns what to record as the application's outcome.

Adding a procedure for an existing command is YAML only; a new command needs one handler here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kikan.applications.loader import FormCatalog
from kikan.core.errors import FieldError, ValidationFailed


@dataclass(frozen=True)
class Outcome:
    result: dict[str, Any]  # stored with the application (JSON)
    ref: str  # 「異動ID …」「発行番号 R6-000012」: shown in the queue and the status
    links: list[tuple[str, str]]  # (label, staff URL) to continue in the business's screens


Handler = Callable[[Any, dict[str, Any], date], Outcome]


def _move_out(uow: Any, fields: dict[str, Any], today: date) -> Outcome:
    """転出届 → ``kikan.juki.services.move_out`` (住民基本台帳法第24条)."""
    from kikan.juki.events import REASON_BY_CODE
    from kikan.juki.services import RecordMoveOut, build, move_out

    cmd = build(RecordMoveOut, fields)
    r = move_out(cmd, uow, today=today)
    reason = REASON_BY_CODE.get(r.event_code)
    result = {
        "move_id": r.move_id, "event_code": r.event_code, "event_name": reason.name if reason else r.event_code,
        "event_id": r.event_id, "household_no": r.household_no, "addressee_nos": list(r.addressee_nos),
        "history_nos": list(r.history_nos), "warnings": [f"{w.field}: {w.message}" for w in r.warnings],
    }  # fmt: skip
    links = [(f"宛名番号 {no} の住民記録", f"/juki/residents/{no}") for no in dict.fromkeys(r.addressee_nos)]
    if cmd.kind == "domestic":
        nos = ",".join(dict.fromkeys(r.addressee_nos))
        links.append(("転出証明書を発行する（郵送用）", f"/juki/certificates?addressee_no={nos.split(',')[0]}"))
    return Outcome(result, f"{result['event_name']}（異動ID {r.move_id}）", links)


def _certificate(uow: Any, fields: dict[str, Any], today: date) -> Outcome:
    """郵送請求 → ``juki_certificates.issue(..., channel="post")`` once per copy (住民基本台帳法第12条)."""
    from kikan.adapters.db import juki_certificates as jc
    from kikan.juki.certificates import CertificateOptions

    data = dict(fields)
    try:
        copies = int(data.pop("copies", 1))
    except (TypeError, ValueError):
        raise ValidationFailed([FieldError("通数", "通数は1〜5の数で指定してください")]) from None
    if not 1 <= copies <= 5:
        raise ValidationFailed([FieldError("通数", "通数は1〜5の数で指定してください")])
    nos = tuple(data.get("addressee_nos") or ())
    if not nos and not data.get("household_no"):
        raise ValidationFailed([FieldError("対象者の宛名番号", "対象者の宛名番号または世帯番号を入力してください")])
    req = jc.CertificateRequest(
        kind=str(data.get("kind", "resident_copy")), addressee_nos=nos,
        household_no=None if nos else data.get("household_no"),
        options=CertificateOptions.from_dict(data.get("options") or {}), channel=str(data.get("channel", "post")),
        requester=str(data.get("requester", "")), purpose=str(data.get("purpose", "")),
    )  # fmt: skip
    issued = [jc.issue(uow, req, today=today, commit=False) for _ in range(copies)]
    issue_nos = [c.issue_no for c in issued]
    result = {"issue_nos": issue_nos, "pages": [c.pages for c in issued], "sha256": [c.sha256 for c in issued],
              "addressee_nos": list(issued[0].document.addressee_nos)}  # fmt: skip
    links = [(f"発行番号 {no} の証明書（印刷）", f"/juki/certificates/issued/{no}") for no in issue_nos]
    return Outcome(result, "発行番号 " + "、".join(issue_nos), links)


def _child_allowance_claim(uow: Any, fields: dict[str, Any], today: date) -> Outcome:
    """児童手当 認定請求 → ``kikan.welfare.cases.file_claim`` (児童手当法第7条); the clerk then decides
    (認定・却下) in the case screen."""
    from kikan.adapters.db.welfare_store import SqlCaseStore
    from kikan.welfare.cases import file_claim
    from kikan.welfare.online_claim import claim_from_application

    rec = file_claim(claim_from_application(fields), uow, today=today, store=SqlCaseStore(uow))
    result = {"case_id": rec.case_id, "version": rec.version, "allowance": rec.state.allowance,
              "recipient": rec.state.recipient, "children": [c.child_id for c in rec.state.children]}  # fmt: skip
    link = (f"受給者番号 {rec.case_id} の台帳（認定・却下の決定）", f"/welfare/cases/{rec.case_id}")
    return Outcome(result, f"児童手当 認定請求（受給者番号 {rec.case_id}）", [link])


HANDLERS: dict[tuple[str, str], Handler] = {
    ("juki", "RecordMoveOut"): _move_out,
    ("juki", "CertificateRequest"): _certificate,
    ("welfare", "FileClaim"): _child_allowance_claim,
}

#: Japanese names for the English field keys some services raise errors with.
FIELD_LABELS = {
    "addressee_no": "宛名番号", "addressee_nos": "対象者の宛名番号", "household_no": "世帯番号", "kind": "証明書の種類",
    "options": "記載する事項", "options.show_mynumber": "個人番号の記載", "requester": "請求者", "purpose": "使用目的",
    "recipient": "請求者（受給者）", "children": "対象児童", "spouse": "配偶者",
}  # fmt: skip


def handler_for(business: str, command: str) -> Handler:
    try:
        return HANDLERS[(business, command)]
    except KeyError:
        raise LookupError(f"no hand-off for {business}.{command}") from None


def check_targets(forms: FormCatalog) -> None:
    """Every form's target has a handler (checked at start, with the forms themselves)."""
    missing = sorted(f"{f.id}: {f.target.business}.{f.target.command}" for f in forms
                     if (f.target.business, f.target.command) not in HANDLERS)  # fmt: skip
    if missing:
        raise LookupError(f"forms without a hand-off: {', '.join(missing)}")
