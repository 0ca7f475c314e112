"""Persons entering the registry: 転入 (国内・特例・国外, 法第30条の46/47), 出生, 職権記載.

Legal basis: 住民基本台帳法第22条 (転入届, 14日以内), 第24条の2 (特例転入: 転出証明書情報は
住基ネットで送られる), 第30条の46 (中長期在留者等の国外からの転入), 第30条の47 (住所を有する者が
中長期在留者等となった場合), 施行令第7条・第12条 (職権記載); 標準仕様書 4.1.1 転入, 4.1.1.2 再転入者
(個人番号・住民票コード・在留カード番号が除票と一致 → 従前の宛名番号を引き継ぐ), 4.2.1 職権記載,
4.2.1.2 出生, 4.0.2 異動先世帯 (全部: 新しい世帯 / 一部: 既存の世帯).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from pydantic import Field

from kikan.adapters.db import juki_repo as repo
from kikan.juki.model import HEAD, check_deadline, check_event_on, check_reported_on, normalize_relationship
from kikan.juki.services import records as rc
from kikan.juki.services.commands import AddressInput, Command, IsoDate, PersonInput, _Model
from kikan.juki.services.move import Move, MoveResult

KIND_CODES = {"domestic": "101", "special": "102", "overseas": "104", "art30_46": "105", "art30_47": "106"}
ARTICLES = {"domestic": "第22条", "special": "第22条", "overseas": "第22条", "art30_46": "第30条の46",
            "art30_47": "第30条の47"}  # fmt: skip


class TransferCertificate(_Model):
    """転出証明書情報 (法第24条の2 特例転入では住基ネット経由で受信; 施行令第24条)."""

    issuer_code: str = Field(title="転出地市区町村コード", pattern=r"^\d{6}$", examples=["131016"])
    previous_address: str = Field(title="転出元住所", max_length=200, examples=["東京都千代田区竹町２番地"])
    planned_on: IsoDate = Field(title="転出予定年月日", examples=["2024-03-31"])
    destination: str | None = Field(default=None, title="転出先住所", max_length=200)
    issued_on: IsoDate | None = Field(default=None, title="転出証明書の交付年月日")


class _Entering(Command):
    persons: list[PersonInput] = Field(title="異動者", min_length=1, max_length=50)
    household_no: str | None = Field(
        default=None, title="異動先世帯番号", description="既存の世帯に入る場合（一部）"
    )
    address: AddressInput | None = Field(
        default=None, title="住所", description="新しい世帯を設ける場合（全部）"
    )
    previous_address: str | None = Field(default=None, title="転入前住所", max_length=200)
    previous_address_code: str | None = Field(default=None, title="転入前住所の住所コード", max_length=20)
    previous_postal_code: str | None = Field(default=None, title="転入前住所の郵便番号", pattern=r"^\d{7}$")


class RecordMoveIn(_Entering):
    """転入 (届出): 国内転入, 特例転入, 国外からの転入, 法第30条の46転入, 法第30条の47届出."""

    kind: Literal["domestic", "special", "overseas", "art30_46", "art30_47"] = Field(
        default="domestic",
        title="転入の種別",
        description="domestic 転入 / special 特例転入 / overseas 国外からの転入 / "
        "art30_46 法第30条の46転入 / art30_47 法第30条の47届出",
    )
    transfer_certificate: TransferCertificate | None = Field(default=None, title="転出証明書情報")


class RecordByAuthority(_Entering):
    """職権記載 (施行令第12条第1項): e.g. 住所設定, 未届転入 after a 実態調査."""

    notice_on: IsoDate | None = Field(default=None, title="通知日")
    reason_text: str = Field(
        title="職権記載の理由", min_length=1, max_length=200, examples=["実態調査による住所設定"]
    )


class RecordBirth(Command):
    """出生 (戸籍の届出に基づく職権記載, 施行令第12条第2項第1号): 異動日 = 出生日."""

    child: PersonInput = Field(title="出生者")
    household_no: str = Field(title="世帯番号")
    notice_on: IsoDate | None = Field(default=None, title="通知日")


def move_in(cmd: RecordMoveIn, uow: Any, *, today: date) -> MoveResult:
    """転入 (住民基本台帳法第22条, 第24条の2, 第30条の46, 第30条の47; 標準仕様書 4.1.1, 4.5.1, 4.5.2)."""
    move = Move(uow, cmd, today=today, function="move_in", code=KIND_CODES[cmd.kind])
    check_event_on(move.problems, cmd.event_on, today)
    check_reported_on(move.problems, cmd.reported_on, cmd.event_on, today)
    check_deadline(move.problems, cmd.event_on, cmd.reported_on, ARTICLES[cmd.kind])
    if cmd.reported_on is None:
        move.error("届出日", "届出日を入力してください")
    cert = cmd.transfer_certificate
    if cmd.kind == "special" and cert is None:
        move.error("転出証明書情報", "特例転入では住基ネットから受信した転出証明書情報を入力してください")
    if cmd.kind in ("art30_46", "art30_47"):
        for i, p in enumerate(cmd.persons):
            if p.resident_kind != "foreign":
                move.error(_prefix(cmd.persons, i) + "住民種別", "法第30条の46・47の届出は外国人住民のみです")
    previous = cmd.previous_address or (cert.previous_address if cert else None)
    if previous is None and cmd.kind in ("domestic", "special"):
        move.error("転入前住所", "転入前住所を入力してください")
    if cert:
        move.details = {"transfer_certificate": cert.model_dump(mode="json")}
    return _enter(move, cmd, today=today, previous=previous)


def record_by_authority(cmd: RecordByAuthority, uow: Any, *, today: date) -> MoveResult:
    """職権記載 (住民基本台帳法第8条, 施行令第12条; 標準仕様書 4.2.1.1)."""
    move = Move(uow, cmd, today=today, function="record_by_authority", code="131", notice_on=cmd.notice_on)
    check_event_on(move.problems, cmd.event_on, today)
    check_reported_on(move.problems, cmd.reported_on, cmd.event_on, today)
    move.details = {"reason": cmd.reason_text}
    return _enter(move, cmd, today=today, previous=cmd.previous_address)


def record_birth(cmd: RecordBirth, uow: Any, *, today: date) -> MoveResult:
    """出生 (施行令第12条第2項第1号: 戸籍に関する届書の受理による職権記載; 標準仕様書 4.2.1.2)."""
    move = Move(uow, cmd, today=today, function="record_birth", code="111", notice_on=cmd.notice_on)
    check_event_on(move.problems, cmd.event_on, today)
    check_reported_on(move.problems, cmd.reported_on, cmd.event_on, today)
    if cmd.child.birth_date != cmd.event_on:
        move.error("異動日", "出生の異動日は生年月日（出生日）と同じ日付です")
    entering = _Entering(event_on=cmd.event_on, reported_on=cmd.reported_on, persons=[cmd.child],
                         household_no=cmd.household_no, expected_household_version=cmd.expected_household_version)  # fmt: skip
    return _enter(move, entering, today=today, previous=None)


def _prefix(persons: Sequence[PersonInput], i: int) -> str:
    return f"{i + 1}人目の" if len(persons) > 1 else ""


def _existing(move: Move, person: PersonInput, prefix: str) -> dict[str, Any] | None:
    """A 再転入者's 除票 (4.1.1.2), or an error when the person is already a resident."""
    hashes = rc.number_hashes(person.individual_number)
    found = repo.find_residents(
        move.uow, juminhyo_code=person.juminhyo_code, number_hashes=[h for h in hashes if h]
    )
    nos = {f["addressee_no"] for f in found}
    if person.residence_card_no:
        nos |= set(repo.find_by_residence_card(move.uow, person.residence_card_no))
    if not nos:
        return None
    snaps = [repo.current(move.uow, n) for n in sorted(nos)]
    field = prefix + ("住民票コード" if person.juminhyo_code and any(
        s and s.get("juminhyo_code") == person.juminhyo_code for s in snaps) else "個人番号")  # fmt: skip
    for s in snaps:
        if s and s["status"] == "resident":
            move.error(
                field, f"既に住民として記録されています（宛名番号 {s['addressee_no']}）。転入はできません"
            )
            return None
    if len(snaps) > 1:
        move.error(field, "個人番号・住民票コード等が別々の除票と一致します。確認してください")
        return None
    base = snaps[0]
    assert base is not None
    move.alert(prefix + "宛名番号", f"再転入者です。従前の宛名番号 {base['addressee_no']} を引き継ぎます")
    move.block_persons.append(base["addressee_no"])
    return base


def _enter(move: Move, cmd: _Entering, *, today: date, previous: str | None) -> MoveResult:
    persons = cmd.persons
    seen: dict[str, int] = {}
    for i, p in enumerate(persons):
        pre = _prefix(persons, i)
        rc.check_person(move, p, pre, today=today, event_on=cmd.event_on)
        for label, value in (("個人番号", p.individual_number), ("住民票コード", p.juminhyo_code)):
            if value and seen.setdefault(f"{label}:{value}", i) != i:
                move.error(pre + label, f"同じ{label}が異動者の中で重複しています")
    rc.check_address(move, cmd.address)
    rels = {str(i): p.relationship for i, p in enumerate(persons)}
    if cmd.household_no:
        if cmd.address is not None:
            move.error(
                "住所", "既存の世帯に入る場合、住所は異動先世帯の住所になります（入力しないでください）"
            )
        hh = move.household(cmd.household_no, primary=True)
        address = rc.address_items(hh)
        head = repo.current(move.uow, hh["head_addressee_no"]) if hh["head_addressee_no"] else None
        head_key = None
        if head is not None and any(normalize_relationship(r) == HEAD for r in rels.values()):
            move.error(
                "続柄", f"世帯番号 {cmd.household_no} には既に世帯主がいます（2人目の世帯主は記載できません）"
            )
        elif head is None:
            head_key = rc.require_one_head(move, rels)
        hno, order = cmd.household_no, rc.next_order(move.members(cmd.household_no))
    else:
        if cmd.address is None:
            move.error("住所", "新しい世帯を設ける場合は住所を入力してください")
        address = rc.address_items(cmd.address) if cmd.address else {}
        head, head_key = None, rc.require_one_head(move, rels)
        hno, order = "", 1
    records = []
    for i, p in enumerate(persons):
        base = _existing(move, p, _prefix(persons, i))
        rec = rc.person_record(p, base)
        rec["addressee_no"] = base["addressee_no"] if base else move.new_addressee_no()
        if base:
            rec["version"] = base["version"]
        rec.update(became_resident_on=cmd.event_on, address_set_on=cmd.event_on, notified_on=cmd.reported_on,
                   previous_address=previous, previous_address_code=cmd.previous_address_code,
                   previous_postal_code=cmd.previous_postal_code, prior_address=previous)  # fmt: skip
        if p.resident_kind == "foreign":
            rec["foreign_resident_on"] = (
                p.foreign_resident_on or (base or {}).get("foreign_resident_on") or cmd.event_on
            )
        records.append(rec)
    move.problems.raise_if_errors()
    if head_key is not None:
        head = records[int(head_key)]
    head_name = rc.full_name(head) if head else None
    if not cmd.household_no:
        hno = move.new_household(
            {**address, "status": "active", "head_addressee_no": head and head["addressee_no"]}
        )
        rc.assign_order(records)
    else:
        for k, rec in enumerate(records):
            rec["household_order"] = order + k
        if head_key is not None and head is not None:
            move.update_household(hno, head_addressee_no=head["addressee_no"])
    for rec in records:
        rc.set_household(rec, hno, address, head_name)
        move.stage(rec)
    return move.finish(household_no=hno, extra={"kind": getattr(cmd, "kind", None)})
