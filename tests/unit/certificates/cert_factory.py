"""Snapshot factories for certificate tests (rows shaped like ``juki_history``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kikan.juki.certificates import Issuer, PersonRecord

TODAY = date(2026, 4, 1)
WATANABE = "渡邉\U000e0116"  # 邉 + Moji_Joho IVS (an MJ variant)
KATSUSHIKA = "東京都葛\U000e0102飾区立石五丁目13番1号"
ISSUER = Issuer("葛飾区長", "青木　克德")


def jp(no: str, **kw: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "addressee_no": no, "history_no": 1, "household_no": "H1", "status": "resident",
        "resident_kind": "japanese", "family_name": WATANABE, "given_name": "太郎",
        "family_name_kana": "ワタナベ", "given_name_kana": "タロウ", "kana_confirmed": True,
        "birth_date": date(1980, 5, 1), "sex": "1", "relationship": "世帯主", "household_order": 1,
        "head_name": f"{WATANABE}　太郎", "honseki": "東京都千代田区千代田一丁目1番",
        "hitto_name": f"{WATANABE}　太郎", "became_resident_on": date(2020, 4, 1),
        "address_set_on": date(2022, 4, 1), "notified_on": date(2022, 4, 3), "address": KATSUSHIKA,
        "katagaki": "葛飾マンション101", "previous_address": "神奈川県横浜市中区港町一丁目1番地",
        "prior_address": None, "juminhyo_code": "12345678901", "event_code": "101",
        "event_on": date(2020, 4, 1), "reported_on": date(2020, 4, 3),
    }
    rec.update(kw)
    return rec


def foreign(no: str, **kw: Any) -> dict[str, Any]:
    rec = jp(
        no, resident_kind="foreign", family_name="李", given_name="明", alpha_name="LI MING",
        family_name_kana=None, given_name_kana=None, kana_confirmed=False, honseki=None, hitto_name=None,
        birth_date=date(1990, 1, 2), foreign_resident_on=date(2021, 6, 1), nationality="中国",
        art30_45_category="中長期在留者", residence_status="技術・人文知識・国際業務", period_of_stay="5年",
        stay_expires_on=date(2030, 6, 1), residence_card_no="AB12345678CD", tsusho="李田明",
        tsusho_kana="リタアキラ", tsusho_recorded_on=date(2021, 7, 1),
    )
    rec.update(kw)
    return rec


def household(n: int, **kw: Any) -> list[PersonRecord]:
    """A head and n-1 children, in 並び順."""
    out = [PersonRecord(jp("A01", **kw))]
    for i in range(2, n + 1):
        out.append(PersonRecord(jp(
            f"A{i:02d}", relationship="子", given_name=f"子{i}", given_name_kana=f"コ{i}",
            household_order=i, birth_date=date(2000 + i, 1, 1), **kw,
        )))
    return out
