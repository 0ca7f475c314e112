"""通知書 of the 児童手当・児童扶養手当: 認定通知書, 額改定通知書, 支給停止（解除）通知書, 消滅通知書,
却下通知書 and 支払通知書, built from a case version (or a payment line) as plain documents. Pure: no
I/O, no clock; the PDF is rendered by ``kikan.adapters.pdf.welfare``.

Every notice names the articles the decision rests on (児童手当法 / 児童扶養手当法, from the version's
reason: :data:`kikan.welfare.cases.model.REASONS`) and carries the 教示 that 行政不服審査法第82条
requires of a written 処分: 審査請求 within 3 months of the day after the recipient learned of the
処分 (同法第18条第1項), 1 year at the latest (同条第2項), and 取消訴訟 within 6 months
(行政事件訴訟法第14条第1項; 第46条 requires this 教示 too). The authority the 審査請求 goes to is
the municipality's head by default and can be set per allowance (``appeal_to``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kikan.core.calendar import WarekiError, format_wareki, to_wareki
from kikan.welfare import MONTH_MAX, month_index, month_start

from .cases.commands import month_of
from .cases.model import ALLOWANCE_CODES, ALLOWANCES, END_REASONS, REASONS, CaseState

#: Which notice a version's reason issues (``claim`` issues none: it is the resident's request).
KIND_OF_REASON: dict[str, str] = {
    "certify": "certify",
    "reject": "reject",
    "increase": "revision",
    "decrease": "revision",
    "aging_decrease": "revision",
    "income_revision": "revision",
    "status_report": "revision",
    "suspend": "suspend",
    "resume": "resume",
    "extinguish": "extinguish",
}
TITLES: dict[str, str] = {
    "certify": "認定通知書",
    "reject": "認定請求却下通知書",
    "revision": "額改定通知書",
    "suspend": "支給停止通知書",
    "resume": "支給停止解除通知書",
    "extinguish": "受給資格消滅通知書",
    "payment": "支払通知書",
}
#: The articles on the amount and the payment months, per allowance (added to the reason's basis).
AMOUNT_BASIS = {"child_allowance": "児童手当法第6条（手当の額）", "child_rearing_allowance": "児童扶養手当法第5条・第5条の2（手当の額）"}
PAYMENT_BASIS = {
    "child_allowance": "児童手当法第8条第4項（支払期月）",
    "child_rearing_allowance": "児童扶養手当法第7条第3項（支払期月）",
}
PAYMENT_MONTHS = {
    "child_allowance": "2月・4月・6月・8月・10月・12月（それぞれの前月までの2か月分）",
    "child_rearing_allowance": "1月・3月・5月・7月・9月・11月（それぞれの前月までの2か月分）",
}
REPORT_DUTY = {
    "child_allowance": "氏名・住所の変更、児童を監護しなくなったとき等は、速やかに届け出てください（児童手当法第26条）。",
    "child_rearing_allowance": "毎年8月に現況届を提出してください。氏名・住所の変更、婚姻（事実婚を含む）等のときは、速やかに届け出てください（児童扶養手当法第28条、同法施行規則第4条）。",
}
APPEAL = (
    "この処分に不服がある場合は、この処分があったことを知った日の翌日から起算して3か月以内に、{appeal_to}に対して"
    "審査請求をすることができます（行政不服審査法第2条・第4条・第18条第1項）。",
    "この処分の取消しの訴えは、この処分があったことを知った日の翌日から起算して6か月以内に、{municipality}を被告として"
    "（訴訟において{municipality}を代表する者は{head}となります。）提起することができます（行政事件訴訟法第11条第1項・"
    "第14条第1項）。ただし、審査請求をした場合には、処分の取消しの訴えは、その審査請求に対する裁決があったことを知った日の"
    "翌日から起算して6か月以内に提起することができます（同法第14条第3項）。",
    "なお、処分（審査請求をした場合は裁決）があった日の翌日から起算して1年を経過したときは、正当な理由がある場合を除き、"
    "審査請求をすることも処分の取消しの訴えを提起することもできなくなります（行政不服審査法第18条第2項、行政事件訴訟法"
    "第14条第2項）。",
)
PAYMENT_APPEAL_LEAD = "この通知は支払の内容のお知らせです。手当の額の決定（認定・額改定）に不服がある場合は、その決定の通知書に記載の方法によります。"


@dataclass(frozen=True)
class Issuer:
    """The municipality (名称), its head (長名) and the authority 審査請求 goes to, per allowance."""

    tenant_id: str
    name: str
    head: str
    appeal_to: Mapping[str, str] = field(default_factory=dict)

    def appeal_authority(self, allowance: str) -> str:
        return self.appeal_to.get(allowance) or self.head


def issuer_of(tenant_id: str, name: str, head: str | None = None, appeal_to: Mapping[str, str] | None = None,
              prefecture_name: str = "") -> Issuer:
    """``千代田区`` → head 「千代田区長」 unless given.

    With the prefecture's name, a 審査請求 against a 児童扶養手当 decision goes to its 知事: the business
    is a 第1号法定受託事務 (地方自治法第2条第9項第1号 and its 別表第一, 児童扶養手当法の項),
    and a 審査請求 against a 市町村長's decision in such a business lies with the 都道府県知事
    (地方自治法第255条の2第1項第2号). 児童手当 is the municipality's own business (自治事務): its head
    decides the 審査請求 (行政不服審査法第4条第1号).
    """
    appeal = dict(appeal_to or {})
    if prefecture_name:
        appeal.setdefault("child_rearing_allowance", f"{prefecture_name}知事")
    return Issuer(tenant_id, name, head or f"{name}長", appeal)  # fmt: skip


@dataclass(frozen=True)
class Recipient:
    addressee_no: str
    name: str  # as registered (printed in IPAmj明朝)
    kana: str = ""


@dataclass(frozen=True)
class ChildLine:
    name: str
    addressee_no: str
    birth_date_text: str
    note: str = ""


@dataclass(frozen=True)
class WelfareNotice:
    kind: str
    title: str  # 「児童手当認定通知書」
    allowance: str
    allowance_label: str
    notice_no: str
    case_id: str
    version: int | None
    issued_on_text: str
    issuer: Issuer
    recipient: Recipient
    lead: str
    items: tuple[tuple[str, str], ...]
    children: tuple[ChildLine, ...]
    basis: tuple[str, ...]
    instruction: tuple[str, ...]
    notes: tuple[str, ...] = ()


def wareki(day: date | None) -> str:
    if day is None:
        return ""
    try:
        return format_wareki(day)
    except WarekiError:
        return day.isoformat()


def month_text(index: int | None) -> str:
    """Month index → 「令和7年4月分」 (None / open end → empty)."""
    if index is None or index >= MONTH_MAX:
        return ""
    w = to_wareki(month_start(index))
    return f"{w.era.name}{'元' if w.year == 1 else w.year}年{w.month}月分"


def yen(value: int) -> str:
    return f"{value:,}円"


def _basis(allowance: str, reason_code: str) -> list[str]:
    """The allowance's part of the reason's basis (``"児童手当法… / 児童扶養手当法…"``)."""
    text = REASONS.get(reason_code, ("", ""))[1]
    law = "児童手当法" if allowance == "child_allowance" else "児童扶養手当法"
    parts = [p.strip() for p in text.split(" / ")]
    own = [p for p in parts if p.startswith(law)]
    return own or [p for p in parts if p]


def reason_basis(allowance: str, reason_code: str) -> str:
    """The legal basis of a version's reason for one allowance (screens and notices alike)."""
    return "、".join(_basis(allowance, reason_code))


def _instruction(issuer: Issuer, allowance: str) -> tuple[str, ...]:
    return tuple(
        x.format(appeal_to=issuer.appeal_authority(allowance), municipality=issuer.name, head=issuer.head)
        for x in APPEAL
    )


def _children(state: CaseState, names: Mapping[str, str]) -> tuple[ChildLine, ...]:
    out = []
    for c in state.children:
        note = []
        if c.left_on is not None:
            note.append(f"{wareki(c.left_on)} 監護等をしなくなった")
        if c.in_facility:
            note.append("施設入所等")
        if c.disabled and state.allowance == "child_rearing_allowance":
            note.append("障害")
        out.append(ChildLine(c.name or names.get(c.child_id) or "（氏名未登録）", c.child_id, wareki(c.birth_date), "・".join(note)))
    return tuple(out)


def decision_notice(
    *,
    case_id: str,
    version: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    state: CaseState,
    recipient: Recipient,
    issuer: Issuer,
    issued_on: date,
    child_names: Mapping[str, str] | None = None,
) -> WelfareNotice:
    """The notice of one case version. ``version``/``previous``: the stored version rows
    (``version``, ``reason_code``, ``reason``, ``valid_from`` (date), ``monthly_amount``,
    ``start_month``/``end_month`` (month indices or None)); ``child_names``: names of the children the
    case does not carry (from the registry's published persons). Raises ``LookupError`` for a version
    that issues no notice (認定請求)."""
    code = str(version["reason_code"])
    kind = KIND_OF_REASON.get(code)
    if kind is None:
        raise LookupError(code)
    allowance, label = state.allowance, ALLOWANCES[state.allowance]
    amount = int(version["monthly_amount"])
    valid_from: date = version["valid_from"]
    items: list[tuple[str, str]] = [("受給者番号", case_id)]
    basis = _basis(allowance, code)
    notes: list[str] = []
    if kind == "certify":
        lead = f"あなたの{label}の認定請求について、次のとおり受給資格を認定し、手当の額を決定しましたので通知します。"
        items += [("認定年月日", wareki(state.decided_on)), ("認定請求年月日", wareki(state.claim_on)),
                  ("支給開始月", month_text(version.get("start_month"))), ("手当月額", yen(amount)),
                  ("支払期月", PAYMENT_MONTHS[allowance])]  # fmt: skip
        basis += [AMOUNT_BASIS[allowance], PAYMENT_BASIS[allowance]]
        notes.append(REPORT_DUTY[allowance])
    elif kind == "reject":
        lead = f"あなたの{label}の認定請求については、次の理由により認定しないこととしましたので通知します（行政手続法第8条）。"
        items += [("認定請求年月日", wareki(state.claim_on)), ("決定年月日", wareki(state.decided_on)),
                  ("却下の理由", str(version["reason"]))]  # fmt: skip
    elif kind == "revision":
        before = int(previous["monthly_amount"]) if previous is not None else 0
        lead = f"あなたの{label}の額を、次のとおり改定しましたので通知します。"
        items += [("改定年月", month_text(month_index(valid_from))),
                  ("改定前の手当月額", yen(before)), ("改定後の手当月額", yen(amount)),
                  ("改定の理由", str(version["reason"]))]  # fmt: skip
        basis.append(AMOUNT_BASIS[allowance])
    elif kind == "suspend":
        s = state.suspensions[-1] if state.suspensions else None
        lead = f"あなたの{label}について、次のとおり支給を停止しますので通知します。"
        items += [("支給停止の期間", _span(s.from_month, s.until_month) if s else month_text(month_index(valid_from)) + "から"),
                  ("支給停止の理由", (s.reason if s and s.reason else str(version["reason"])))]  # fmt: skip
    elif kind == "resume":
        lead = f"あなたの{label}の支給停止を、次のとおり解除しますので通知します。"
        items += [("支給を再開する月", month_text(month_index(valid_from))), ("手当月額", yen(amount))]
    else:  # extinguish
        lead = f"あなたの{label}の受給資格が、次のとおり消滅しましたので通知します。"
        reason = END_REASONS.get(state.end_reason or "", "") or str(version["reason"])
        last = month_index(state.ended_on) if state.ended_on else version.get("end_month")
        items += [("消滅年月日", wareki(state.ended_on)), ("消滅の事由", reason),
                  ("支給の最終月", month_text(last))]  # fmt: skip
        notes.append("消滅した月分までの手当は、次の支払期月にお支払いします。")
    return WelfareNotice(
        kind=kind, title=f"{label}{TITLES[kind]}", allowance=allowance, allowance_label=label,
        notice_no=f"{ALLOWANCE_CODES[allowance]}-{case_id}-{int(version['version']):02d}", case_id=case_id,
        version=int(version["version"]), issued_on_text=wareki(issued_on), issuer=issuer, recipient=recipient,
        lead=lead, items=tuple(items), children=_children(state, child_names or {}), basis=tuple(dict.fromkeys(basis)),
        instruction=_instruction(issuer, allowance), notes=tuple(notes),
    )  # fmt: skip


def payment_notice(
    *,
    allowance: str,
    case_id: str,
    payment_month: int,
    transfer_on: date,
    line: Mapping[str, Any],
    state: CaseState,
    recipient: Recipient,
    issuer: Issuer,
    issued_on: date,
    child_names: Mapping[str, str] | None = None,
) -> WelfareNotice:
    """支払通知書 of one payment line (``amount``, ``regular``, ``arrears``, ``overpaid``, ``months``
    ("YYYY-MM,…"), ``status``, ``bank_name``/``branch_name``/``account_no``)."""
    label = ALLOWANCES[allowance]
    months = [m for m in str(line.get("months") or "").split(",") if m]
    month_list = "・".join(month_text(month_of(m, "months")) for m in months)
    status = str(line.get("status", ""))
    items: list[tuple[str, str]] = [
        ("受給者番号", case_id), ("支払期月", month_text(payment_month).removesuffix("分")),
        ("支払額", yen(int(line.get("amount") or 0))), ("うち定時払", yen(int(line.get("regular") or 0))),
        ("うち追給", yen(int(line.get("arrears") or 0))), ("支払の対象月", month_list or "なし"),
    ]  # fmt: skip
    if status == "transfer":
        acct = str(line.get("account_no") or "")
        masked = "＊" * max(len(acct) - 3, 0) + acct[-3:]
        items += [("振込予定日", wareki(transfer_on)),
                  ("振込先", f"{line.get('bank_name') or ''} {line.get('branch_name') or ''} 口座番号 {masked}".strip())]  # fmt: skip
    notes = []
    if status == "held_account":
        notes.append("振込口座が登録されていないため、お支払いを保留しています。担当窓口で口座を届け出てください。")
    if status == "held_income":
        notes.append("所得の確認ができないため、お支払いを保留しています。担当窓口にお問い合わせください。")
    if int(line.get("overpaid") or 0):
        notes.append(f"過払いとなっている額 {yen(int(line['overpaid']))} があります。返納の方法は別にお知らせします。")
    return WelfareNotice(
        kind="payment", title=f"{label}{TITLES['payment']}", allowance=allowance, allowance_label=label,
        notice_no=f"{ALLOWANCE_CODES[allowance]}-{case_id}-P{month_start(payment_month):%Y%m}", case_id=case_id,
        version=None, issued_on_text=wareki(issued_on), issuer=issuer, recipient=recipient,
        lead=f"{label}を次のとおりお支払いしますので通知します。", items=tuple(items), children=_children(state, child_names or {}),
        basis=(PAYMENT_BASIS[allowance], AMOUNT_BASIS[allowance]),
        instruction=(PAYMENT_APPEAL_LEAD, *_instruction(issuer, allowance)), notes=tuple(notes),
    )  # fmt: skip


def _span(first: int, last: int | None) -> str:
    return f"{month_text(first)}から" + (f"{month_text(last)}まで" if last is not None else "（解除まで）")


__all__ = [
    "KIND_OF_REASON",
    "TITLES",
    "ChildLine",
    "Issuer",
    "Recipient",
    "WelfareNotice",
    "decision_notice",
    "issuer_of",
    "month_text",
    "payment_notice",
]
