"""Kinds, options, fixed wording and the per-person items of 住民票の写し等 (pure; no I/O).

:mod:`kikan.juki.certificates` assembles these person blocks into sheets; this module decides
which items of one person are printed and how each value is written.

Sources:
- 住民記録システム標準仕様書 第3章 5.1 証明書記載事項 (認証文・電子公印・発行番号, 省略の指定) and
  4.1.3.0.3 転出証明書等 (再交付, 転出証明書に準ずる証明書); verbatim requirement text
  https://github.com/AkihiraYOSHIMOTO/jyuki-stnd/blob/master/doc/j1000.txt and j660.txt .
- The 認証文 wording itself is in 第4章 (様式), which I could not read. The sentences below are
  the wording municipalities print on standard-compliant copies (「この写しは、住民票の原本と
  相違ないことを証明する。」, 世帯全員: 「この写しは、世帯全員の住民票の原本と相違ないことを証明する。」);
  the 除票・記載事項証明書・転出証明書 sentences follow the same pattern and are NOT verified
  against 第4章 — change them here only.
- 氏名の振り仮名 (住民基本台帳法第7条, 令和5年法律第48号による改正, 令和7年5月26日施行): an unconfirmed reading is
  printed as ``********``; a missing part as 【氏空欄】/【名空欄】.
- Dates on Japanese documents are 和暦; 外国人住民 の生年月日 and 在留期間の満了の日 are held and
  printed in 西暦 (標準仕様書 1.1.2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kikan.core.calendar import format_wareki
from kikan.core.errors import FieldError, ValidationFailed
from kikan.juki.events import REASON_BY_CODE

UNCONFIRMED_READING = "********"
BLANK = "【空欄】"
SEAL_TEXT = "電子公印"
REISSUE_MARK = "再交付"

TITLES: dict[str, str] = {
    "resident_copy": "住民票",
    "removed_copy": "住民票（除票）",
    "entry_certificate": "住民票記載事項証明書",
    "move_out": "転出証明書",
    "remade_original_copy": "改製原住民票",
}
KIND_NAMES: dict[str, str] = {
    "resident_copy": "住民票の写し",
    "removed_copy": "住民票の除票の写し",
    "entry_certificate": "住民票記載事項証明書",
    "move_out": "転出証明書",
    "remade_original_copy": "改製原住民票の写し",
}
QUASI_MOVE_OUT_TITLE = "転出証明書に準ずる証明書"

CERTIFY_COPY = "この写しは、住民票の原本と相違ないことを証明する。"
CERTIFY_COPY_ALL = "この写しは、世帯全員の住民票の原本と相違ないことを証明する。"
CERTIFY_REMOVED = "この写しは、住民票の除票の原本と相違ないことを証明する。"
#: 改製原住民票 (改製前の住民票, a 除票 under 住民基本台帳法第15条の2): same pattern, NOT verified.
CERTIFY_REMADE_ORIGINAL = "この写しは、改製原住民票の原本と相違ないことを証明する。"
CERTIFY_ENTRY = "上記のとおり住民票に記載されていることを証明する。"
CERTIFY_MOVE_OUT = "上記の者は、転出の届出をしたことを証明する。"
CERTIFY_QUASI = "上記の者は、転出をしたことを証明する。"
QUASI_NOTE = "この証明書は、転出証明書に準ずる証明書として、転入届に添付すべき書類として発行したものです。"

SEX = {"1": "男", "2": "女"}



def as_date(value: Any) -> date | None:
    """A snapshot value as a date (rows give ``date``; JSON-restored snapshots give ISO text)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def jdate(value: Any, *, western: bool = False) -> str:
    """和暦 (``令和8年4月1日``), or 西暦 ``2026年4月1日`` for 外国人住民 birth/expiry dates."""
    d = as_date(value)
    if d is None:
        return ""
    if western:
        return f"{d.year}年{d.month}月{d.day}日"
    return format_wareki(d)


def full_name(family: Any, given: Any) -> str:
    """氏名 exactly as registered (IVS kept), 氏 and 名 separated by a full-width space."""
    parts = [str(p) for p in (family, given) if p]
    return "\u3000".join(parts)


def reading(family_kana: Any, given_kana: Any, confirmed: Any) -> str:
    """氏名の振り仮名: ``********`` unless confirmed (フリガナ確認フラグ), 【氏空欄】/【名空欄】 for a
    missing part of a confirmed reading."""
    if not confirmed or not (family_kana or given_kana):
        return UNCONFIRMED_READING
    return f"{family_kana or '【氏空欄】'}\u3000{given_kana or '【名空欄】'}"


def address_text(address: Any, katagaki: Any) -> str:
    return "\u3000".join(str(p) for p in (address, katagaki) if p)


def event_label(code: Any) -> str:
    """異動事由 as printed: the name of a kikan 異動事由コード (:mod:`kikan.juki.events`, 1.2.2);
    anything else (a standard category such as 消除事由 「国内転出」, a migrated code) as stored."""
    if not code:
        return ""
    r = REASON_BY_CODE.get(str(code))
    return r.name if r else str(code)


def certification_text(kind: str, *, all_members: bool, quasi: bool) -> str:
    """The 認証文 for a kind (標準仕様書 5.1: 認証文は第4章に記載のもの)."""
    if kind == "resident_copy":
        return CERTIFY_COPY_ALL if all_members else CERTIFY_COPY
    if kind == "removed_copy":
        return CERTIFY_REMOVED
    if kind == "remade_original_copy":
        return CERTIFY_REMADE_ORIGINAL
    if kind == "entry_certificate":
        return CERTIFY_ENTRY
    return CERTIFY_QUASI if quasi else CERTIFY_MOVE_OUT


# --- kinds and options ---------------------------------------------------------------------


class CertificateKind(StrEnum):
    RESIDENT_COPY = "resident_copy"  # 住民票の写し
    REMOVED_COPY = "removed_copy"  # 住民票の除票の写し
    ENTRY_CERTIFICATE = "entry_certificate"  # 住民票記載事項証明書
    MOVE_OUT = "move_out"  # 転出証明書 (転出証明書に準ずる証明書)
    REMADE_ORIGINAL_COPY = "remade_original_copy"  # 改製原住民票の写し (改製前の住民票)


class Layout(StrEnum):
    HOUSEHOLD = "household"  # 世帯連記式
    INDIVIDUAL = "individual"  # 個人票


@dataclass(frozen=True)
class CertificateOptions:
    """Include (True) / omit (False) flags of 標準仕様書 5.1.

    住民票コード and 個人番号 are omitted unless specially requested (住民基本台帳法第12条第5項);
    the other defaults are the municipality's choice (5.1 「デフォルトは…選択ができること」):
    included here.
    """

    layout: Layout = Layout.HOUSEHOLD
    with_history: bool = False  # 異動履歴 (個人票 only)
    show_head: bool = True  # 世帯主・続柄
    show_honseki: bool = True  # 本籍・筆頭者
    show_juminhyo_code: bool = False
    show_mynumber: bool = False
    show_nationality: bool = True  # 国籍・地域
    show_art30_45: bool = True  # 法第30条の45に規定する区分
    show_residence_status: bool = True  # 在留資格
    show_period_of_stay: bool = True  # 在留期間等
    show_stay_expiry: bool = True  # 在留期間等の満了の日
    show_residence_card_no: bool = True  # 在留カード等の番号
    show_tsusho_history: bool = True  # 通称の記載及び削除に関する事項

    @classmethod
    def for_move_out(cls, **overrides: Any) -> CertificateOptions:
        """転出証明書 defaults: 住民票コード and 個人番号 printed (施行令第23条 as I read it; NOT verified
        against the text of the 政令 — check before production)."""
        return cls(**{"show_juminhyo_code": True, "show_mynumber": True, **overrides})

    def to_dict(self) -> dict[str, Any]:
        return {f.name: (str(v) if isinstance(v := getattr(self, f.name), Layout) else v) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CertificateOptions:
        """Options from JSON (API, 交付履歴); unknown keys and a bad layout are refused."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationFailed([FieldError("options", f"不明な指定です: {', '.join(unknown)}")])
        values = dict(data)
        if "layout" in values:
            try:
                values["layout"] = Layout(values["layout"])
            except ValueError:
                raise ValidationFailed(
                    [FieldError("options.layout", "様式は household（世帯連記式）か individual（個人票）です")]
                ) from None
        for k, v in values.items():
            if k != "layout" and not isinstance(v, bool):
                raise ValidationFailed([FieldError(f"options.{k}", "true か false を指定してください")])
        return cls(**values)


# --- what one person prints ------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One printed item. ``registered``: a name or address printed exactly as registered (IPAmj)."""

    key: str
    label: str
    value: str
    wide: bool = False
    registered: bool = False


@dataclass(frozen=True)
class HistoryLine:
    """異動履歴 line: 事由, 異動日, 届出日 and the address before the change (前住所)."""

    event: str
    event_on: str
    reported_on: str
    prior_address: str


@dataclass(frozen=True)
class PersonBlock:
    addressee_no: str
    fields: tuple[Field, ...]
    history: tuple[HistoryLine, ...] = ()
    continued: bool = False  # a continuation sheet of the same person (履歴の続き)

    def value(self, key: str) -> str | None:
        return next((f.value for f in self.fields if f.key == key), None)

    def has(self, key: str) -> bool:
        return any(f.key == key for f in self.fields)

    def rows(self) -> list[list[Field]]:
        """Table rows as printed: a wide item takes a row; narrow items go two to a row, in order."""
        rows: list[list[Field]] = []
        pending: list[Field] = []
        for f in self.fields:
            if f.wide or len(pending) == 2:
                if pending:
                    rows.append(pending)
                pending = []
            if f.wide:
                rows.append([f])
            else:
                pending.append(f)
        if pending:
            rows.append(pending)
        return rows

    def height(self) -> int:
        """Estimated printed height in text lines (wrapping included), for paging the sheets.

        Calibrated to ``kikan/adapters/pdf/templates/certificate.css`` (A4, 8.6pt): a label cell
        holds 10 characters per line, a narrow value 18, a wide value 44; +1 for the gap.
        """
        total = 1 + (len(self.history) + 1 if self.history else 0)
        for row in self.rows():
            total += max(max(_lines(f.label, 10), _lines(f.value, 44 if f.wide else 18)) for f in row)
        return total


def _lines(text: str, per_line: int) -> int:
    return sum(max(1, -(-len(part) // per_line)) for part in (text or "").split("\n"))


def is_foreign(rec: Mapping[str, Any]) -> bool:
    return rec.get("resident_kind") == "foreign"


def head_name(recs: Sequence[Mapping[str, Any]]) -> str:
    """世帯主の氏名: the copied item, else the member whose 続柄 is 世帯主."""
    for r in recs:
        if r.get("head_name"):
            return str(r["head_name"])
    for r in recs:
        if r.get("relationship") == "世帯主":
            return full_name(r.get("family_name"), r.get("given_name"))
    return ""


def person_block(
    rec: Mapping[str, Any],
    kind: str,
    opts: CertificateOptions,
    *,
    individual: bool,
    removed: bool,
    mynumber: str = "",
    history: tuple[HistoryLine, ...] = (),
    tsusho_history: str = "",
) -> PersonBlock:
    """The items of one person for ``kind`` (法第7条・第30条の45; 標準仕様書 5.1 省略の指定)."""
    foreign = is_foreign(rec)
    out: list[Field] = []

    def add(key: str, label: str, value: Any, *, wide: bool = False, registered: bool = False) -> None:
        out.append(Field(key, label, "" if value is None else str(value), wide, registered))

    if foreign and rec.get("alpha_name"):
        add("name", "氏名", rec["alpha_name"], wide=True, registered=True)
        kanji = full_name(rec.get("family_name"), rec.get("given_name"))
        if kanji:
            add("kanji_name", "氏名（漢字）", kanji, wide=True, registered=True)
    else:
        add("name", "氏名", full_name(rec.get("family_name"), rec.get("given_name")), wide=True, registered=True)
    add("reading", "氏名の振り仮名", reading(rec.get("family_name_kana"), rec.get("given_name_kana"), rec.get("kana_confirmed")), wide=True)
    if not foreign and rec.get("former_family_name"):
        add("former_name", "旧氏", rec["former_family_name"], registered=True)
        kana = rec.get("former_family_name_kana")
        add("former_reading", "旧氏の振り仮名", kana if kana and rec.get("former_kana_confirmed") else UNCONFIRMED_READING)
    if foreign and rec.get("tsusho"):
        add("tsusho", "通称", rec["tsusho"], registered=True)
        add("tsusho_reading", "通称の振り仮名", rec.get("tsusho_kana") or "")
    add("birth_date", "生年月日", jdate(rec.get("birth_date"), western=foreign))
    add("sex", "性別", SEX.get(str(rec.get("sex") or ""), ""))
    if opts.show_head:
        if individual:
            add("head_name", "世帯主", head_name([rec]), registered=True)
        add("relationship", "続柄", rec.get("relationship") or "")
    if kind != CertificateKind.MOVE_OUT:
        if foreign:
            add("foreign_resident_on", "外国人住民となった年月日", jdate(rec.get("foreign_resident_on")))
        else:
            add("became_resident_on", "住民となった年月日", jdate(rec.get("became_resident_on")))
        add("address_set_on", "住所を定めた年月日", jdate(rec.get("address_set_on")))
        add("notified_on", "届出日", jdate(rec.get("notified_on")))
    if individual:
        add("address", "住所", address_text(rec.get("address"), rec.get("katagaki")), wide=True, registered=True)
    if opts.show_honseki and not foreign:
        add("honseki", "本籍", rec.get("honseki") or "", wide=True, registered=True)
        add("hitto_name", "筆頭者", rec.get("hitto_name") or "", registered=True)
    if kind in (CertificateKind.RESIDENT_COPY, CertificateKind.REMOVED_COPY, CertificateKind.REMADE_ORIGINAL_COPY):
        add("previous_address", "転入前住所", rec.get("previous_address") or BLANK, wide=True, registered=True)
        add("prior_address", "異動前住所", rec.get("prior_address") or "", wide=True, registered=True)
    if opts.show_mynumber:
        add("individual_number", "個人番号", mynumber)
    if opts.show_juminhyo_code:
        add("juminhyo_code", "住民票コード", rec.get("juminhyo_code") or "")
    if foreign:
        _foreign_items(rec, opts, add, tsusho_history)
    if kind == CertificateKind.MOVE_OUT:
        _move_out_items(rec, add)
    elif removed:
        add("removal_reason", "消除事由", event_label(rec.get("removal_reason")))
        add("removal_on", "事由の生じた年月日", jdate(rec.get("removal_on") or rec.get("move_out_planned_on")))
        if rec.get("moved_out_to"):
            add("moved_out_to", "転出先住所", rec["moved_out_to"], wide=True, registered=True)
        elif rec.get("moved_out_to_planned"):
            add("moved_out_to", "転出先住所（予定）", rec["moved_out_to_planned"], wide=True, registered=True)
    if kind != CertificateKind.ENTRY_CERTIFICATE and rec.get("remarks"):
        add("remarks", "備考", rec["remarks"], wide=True, registered=True)
    return PersonBlock(str(rec["addressee_no"]), tuple(out), history)


def _foreign_items(rec: Mapping[str, Any], opts: CertificateOptions, add: Any, tsusho_history: str) -> None:
    """法第30条の45 items, each omitted on request (標準仕様書 5.1)."""
    if opts.show_nationality:
        add("nationality", "国籍・地域", rec.get("nationality") or "")
    if opts.show_art30_45:
        add("art30_45_category", "法第30条の45に規定する区分", rec.get("art30_45_category") or "", wide=True)
    if opts.show_residence_status:
        add("residence_status", "在留資格", rec.get("residence_status") or "")
    if opts.show_period_of_stay:
        add("period_of_stay", "在留期間等", rec.get("period_of_stay") or "")
    if opts.show_stay_expiry:
        add("stay_expires_on", "在留期間等の満了の日", jdate(rec.get("stay_expires_on"), western=True))
    if opts.show_residence_card_no:
        add("residence_card_no", "在留カード等の番号", rec.get("residence_card_no") or "")
    if opts.show_tsusho_history and tsusho_history:
        add("tsusho_history", "通称の記載及び削除に関する事項", tsusho_history, wide=True, registered=True)


def _move_out_items(rec: Mapping[str, Any], add: Any) -> None:
    """転出先・転出の予定年月日 and the insurance/pension entries the new municipality needs
    (施行令第23条: 法第7条第10号〜第11号の2)."""
    add("moved_out_to", "転出先", rec.get("moved_out_to_planned") or rec.get("moved_out_to") or "", wide=True, registered=True)
    add("move_out_planned_on", "転出予定年月日", jdate(rec.get("move_out_planned_on") or rec.get("removal_on")))
    for key, label in (("nhi", "国民健康保険"), ("elderly_medical", "後期高齢者医療"), ("ltc", "介護保険")):
        if rec.get(f"{key}_insured"):
            add(key, label, f"被保険者（資格取得 {jdate(rec.get(f'{key}_acquired_on'))}）")
    if rec.get("pension_insured"):
        add("pension", "国民年金", f"被保険者 種別{rec.get('pension_kind') or ''} 基礎年金番号 {rec.get('basic_pension_no') or ''}")
    if rec.get("child_allowance_from"):
        add("child_allowance", "児童手当", f"受給開始 {rec['child_allowance_from']}")
