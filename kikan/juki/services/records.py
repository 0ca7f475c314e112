"""Building snapshot rows: checks on a person's items, new records, household data, leaving a household."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from kikan.adapters.security.crypto import get_cipher
from kikan.core.identity import IdentifierError, validate_individual_number, validate_resident_record_code
from kikan.juki.items import ITEMS
from kikan.juki.model import (
    HEAD,
    check_birth_on,
    check_text,
    normalize_relationship,
    relationship_error,
    sort_members,
)
from kikan.juki.services.commands import AddressInput, PersonInput
from kikan.juki.services.move import Move

ADDRESS_ITEMS = ("address", "katagaki", "address_code", "postal_code", "town_code")
REMOVAL_ITEMS = ("removal_reason", "removal_on", "moved_out_to_planned", "moved_out_to",
                 "move_out_planned_on", "move_in_notice_on")  # fmt: skip
FOREIGN_ITEMS = tuple(i.name for i in ITEMS if i.group == "foreign")
JAPANESE_ITEMS = tuple(i.name for i in ITEMS if i.group == "jp")
_KANA = re.compile(r"^[\u30A0-\u30FF\u3000 ]*$")


def full_name(rec: Mapping[str, Any]) -> str:
    """氏名 as printed: 氏 and 名 separated by a full-width space (名 may be empty)."""
    return "\u3000".join(x for x in (rec.get("family_name"), rec.get("given_name")) if x)


def check_identifier(move: Move, label: str, value: str | None, kind: str) -> None:
    """Check digits of 個人番号 (番号法施行令第8条) and 住民票コード (施行規則第1条) → error naming the field."""
    if not value:
        return
    try:
        (validate_individual_number if kind == "number" else validate_resident_record_code)(value)
    except IdentifierError as exc:
        move.error(label, exc.message)


def check_relationship(move: Move, label: str, rel: str) -> str:
    problem = relationship_error(rel)
    if problem:
        move.error(label, problem)
    return normalize_relationship(rel)


def check_kana(move: Move, label: str, value: str | None) -> None:
    """フリガナ is held in katakana (標準仕様書 1.1.18)."""
    if value and not _KANA.match(value):
        move.error(label, f"{label}はカタカナで入力してください")


def check_person(move: Move, person: PersonInput, prefix: str, *, today: date, event_on: date) -> None:
    """Everything that can be judged about one entering person without the database."""
    p = move.problems
    for name, label in (("family_name", "氏"), ("given_name", "名"), ("honseki", "本籍"), ("hitto_name", "筆頭者"),
                        ("former_family_name", "旧氏"), ("tsusho", "通称"), ("remarks", "備考")):  # fmt: skip
        check_text(p, prefix + label, getattr(person, name))
    for name, label in (("family_name_kana", "氏フリガナ"), ("given_name_kana", "名フリガナ"),
                        ("former_family_name_kana", "旧氏フリガナ"), ("tsusho_kana", "通称フリガナ")):  # fmt: skip
        check_kana(move, prefix + label, getattr(person, name))
    check_birth_on(p, person.birth_date, today, prefix + "生年月日")
    if person.birth_date <= today and person.birth_date > event_on:
        move.error(prefix + "生年月日", "生年月日が異動日より後です")
    check_relationship(move, prefix + "続柄", person.relationship)
    check_identifier(move, prefix + "個人番号", person.individual_number, "number")
    check_identifier(move, prefix + "住民票コード", person.juminhyo_code, "code")
    if person.resident_kind == "foreign":
        if not person.nationality:
            move.error(prefix + "国籍・地域", "外国人住民は国籍・地域を入力してください")
        if not person.art30_45_category:
            move.error(
                prefix + "法第30条の45に規定する区分",
                "外国人住民は法第30条の45に規定する区分を入力してください",
            )
        if person.former_family_name:
            move.error(prefix + "旧氏", "旧氏は日本人住民のみ記載できます")
    else:
        for name, label in (("nationality", "国籍・地域"), ("tsusho", "通称"), ("residence_card_no", "在留カード等の番号"),
                            ("art30_45_category", "法第30条の45に規定する区分")):  # fmt: skip
            if getattr(person, name):
                move.error(prefix + label, f"{label}は外国人住民のみ記載できます")


def number_items(number: str | None) -> dict[str, Any]:
    """個人番号 at rest: AES-GCM token + lookup hash (never the clear number)."""
    if not number:
        return {"individual_number_enc": None, "individual_number_hash": None}
    cipher = get_cipher()
    return {
        "individual_number_enc": cipher.encrypt(number),
        "individual_number_hash": cipher.lookup_hash(number),
    }


def number_hash(number: str | None) -> str | None:
    return get_cipher().lookup_hash(number) if number else None


def number_hashes(number: str | None) -> list[str]:
    """Lookup hashes under every key of the ring, so duplicates are caught during a key rotation."""
    return get_cipher().lookup_hash_candidates(number) if number else []


def address_items(addr: AddressInput | Mapping[str, Any]) -> dict[str, Any]:
    src = addr.model_dump() if isinstance(addr, AddressInput) else addr
    return {k: src.get(k) for k in ADDRESS_ITEMS}


def check_address(move: Move, addr: AddressInput | None) -> None:
    if addr is not None:
        check_text(move.problems, "住所", addr.address)
        check_text(move.problems, "方書", addr.katagaki)


def person_record(person: PersonInput, base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A full snapshot (every item) for an entering person; ``base`` is a 再転入者's 除票 to start from."""
    rec: dict[str, Any] = {i.name: None for i in ITEMS}
    if base:
        rec.update({i.name: base.get(i.name) for i in ITEMS})
        rec.update({k: None for k in REMOVAL_ITEMS})
    data = person.model_dump(exclude={"individual_number"})
    rec.update({k: v for k, v in data.items() if k in rec and (v is not None or not base)})
    rec["relationship"] = normalize_relationship(person.relationship)
    rec["status"] = "resident"
    if person.individual_number or not base:
        rec.update(number_items(person.individual_number))
    if person.resident_kind == "japanese":
        rec.update({k: None for k in FOREIGN_ITEMS})
    else:
        rec.update({k: None for k in JAPANESE_ITEMS})
    return rec


def set_household(
    rec: dict[str, Any], household_no: str, address: Mapping[str, Any], head_name: str | None
) -> None:
    """Household data copied into each person's row (1.2.1: 世帯ごとに共通のデータも個人ごとに保持)."""
    rec["household_no"] = household_no
    rec.update({k: address.get(k) for k in ADDRESS_ITEMS})
    rec["head_name"] = head_name


def assign_order(records: list[dict[str, Any]], start: int = 1) -> None:
    """世帯員の並び順 of a new household (標準仕様書 5.2)."""
    for i, rec in enumerate(sort_members(records), start=start):
        rec["household_order"] = i  # type: ignore[index]


def next_order(members: list[dict[str, Any]]) -> int:
    """Persons joining an existing household go to the end (5.2 なお書き)."""
    return max((m.get("household_order") or 0 for m in members), default=0) + 1


def require_one_head(move: Move, rels: Mapping[str, str], label: str = "続柄") -> str | None:
    """Exactly one 世帯主 among ``rels`` (key → 続柄); returns the head's key."""
    heads = [k for k, v in rels.items() if normalize_relationship(v) == HEAD]
    if not heads:
        move.error(label, "世帯主を1人指定してください")
    elif len(heads) > 1:
        move.error(label, "世帯主は1世帯に1人です（2人目の世帯主が指定されています）")
    return heads[0] if len(heads) == 1 else None


def leave(move: Move, household_no: str, leaving: set[str]) -> None:
    """Update the household ``leaving`` persons leave (標準仕様書 4.0.4 世帯主不在となる場合の処理).

    No one left → the household ends. The head leaves and one member remains → that member
    becomes 世帯主 by 職権 (a row with 世帯主変更), and 世帯主変更依頼通知書 is due (4.0.5).
    The head leaves and two or more remain → an alert: 世帯主変更 must follow.
    """
    hh = move.household(household_no)
    remaining = [m for m in move.members(household_no) if m["addressee_no"] not in leaving]
    if not remaining:
        move.update_household(household_no, status="dissolved", head_addressee_no=None)
        return
    if hh["head_addressee_no"] not in leaving:
        return
    if len(remaining) == 1:
        heir = dict(remaining[0])
        heir["relationship"] = HEAD
        heir["head_name"] = full_name(heir)
        heir["household_order"] = 1
        move.stage(heir, "344")
        move.update_household(household_no, head_addressee_no=heir["addressee_no"])
        move.alert(
            "世帯主",
            f"残る世帯員（宛名番号 {heir['addressee_no']}）を職権で世帯主としました（世帯主変更依頼通知書を出力してください）",
        )
    else:
        move.update_household(household_no, head_addressee_no=None)
        move.alert("世帯主", "世帯主が不在となります。続けて世帯主変更を行ってください（標準仕様書4.0.4）")


def propagate_head_name(move: Move, household_no: str, head_name: str, code: str, *, skip: set[str]) -> None:
    """世帯主の氏名 is on every member's row: when the head's name changes, each member gets a row."""
    for m in move.members(household_no):
        if m["addressee_no"] not in skip and m.get("head_name") != head_name:
            move.stage({**m, "head_name": head_name}, code)
