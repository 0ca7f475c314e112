"""統計 (標準仕様書 6.1): pure aggregation over grouped counts from the database.

Legal basis and spec:
- 住民記録システム標準仕様書 6.1 統計: figures for MIC's 住民基本台帳関係年報 (総務省通知
  平成26年12月25日付け総行住第136号); 「統計基準日時点で転出予定年月日を経過していない転出予定者に
  ついては、現存者として扱うこと」.
- 住民基本台帳法 第37条 (資料の提供), the 年報's 調査期日 1月1日現在 and 調査期間 前年1月1日〜12月31日.

**"D現在" (as of D) means the start of day D (午前0時)**: the state after every 異動 whose 異動日 is
before D. Hence a 転出予定者 whose 転出予定年月日 is D or later is still present (not 経過), a
child born on D is not yet counted, and population(D2) − population(D1) = 記載 − 消除 of the
異動日 in [D1, D2 − 1]. Ages are 満年齢 at that instant, which equals
``kikan.core.calendar.age_on(birth, D − 1 day)`` (年齢計算ニ関スル法律: the age increases at the end
of the day before the birthday).

The adapter (``kikan.adapters.db.juki_stats``) returns rows already grouped by SQL
(town × kind × sex × age; households by town; 異動事由 × kind × sex); nothing here loops per person.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kikan.core.calendar import age_on
from kikan.juki.events import REASONS, RECORD, REMOVE

KIND_JA = {"japanese": "日本人住民", "foreign": "外国人住民", "total": "総計"}
SEX_JA = {"1": "男", "2": "女", "": "不詳"}
UNKNOWN_AGE = "不詳"


@dataclass(frozen=True)
class PopulationRow:
    """One SQL group: persons present on the date with these attributes."""

    town_code: str
    resident_kind: str
    sex: str  # "1" | "2" | "" (unknown)
    age: int | None
    count: int


@dataclass(frozen=True)
class HouseholdRow:
    """Households present on the date in one 町字, by composition (世帯員の住民種別)."""

    town_code: str
    japanese_only: int
    foreign_only: int
    mixed: int  # 複数国籍世帯 (日本人住民と外国人住民が属する世帯)

    @property
    def total(self) -> int:
        return self.japanese_only + self.foreign_only + self.mixed


def age_at_start_of(birth: date, on: date) -> int:
    """満年齢 at 午前0時 of ``on`` (see the module docstring); the SQL computes the same."""
    return age_on(birth, on - timedelta(days=1))


def band5(age: int | None) -> str:
    """5歳階級 (0～4歳 … 95～99歳, 100歳以上), as in the 年報's 年齢階級別人口."""
    if age is None:
        return UNKNOWN_AGE
    if age >= 100:
        return "100歳以上"
    lo = age // 5 * 5
    return f"{lo}～{lo + 4}歳"


BANDS5: tuple[str, ...] = tuple(band5(a) for a in range(0, 101, 5)) + (UNKNOWN_AGE,)


def band3(age: int | None) -> str:
    """年齢3区分: 年少人口 0～14歳, 生産年齢人口 15～64歳, 老年人口 65歳以上."""
    if age is None:
        return UNKNOWN_AGE
    return "0～14歳" if age < 15 else "15～64歳" if age < 65 else "65歳以上"


BANDS3: tuple[str, ...] = ("0～14歳", "15～64歳", "65歳以上", UNKNOWN_AGE)


def _sex(s: str | None) -> str:
    return s if s in ("1", "2") else ""


def pivot(rows: Iterable[PopulationRow], key: Callable[[PopulationRow], str]) -> dict[str, Counter[str]]:
    """key → counts per column ``{kind}:{sex}`` plus ``{kind}:total``, ``total:{sex}``, ``total:total``."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        c = out[key(r)]
        sex = _sex(r.sex)
        for kind in (r.resident_kind, "total"):
            c[f"{kind}:{sex}"] += r.count
            c[f"{kind}:total"] += r.count
    return dict(out)


def by_town(rows: Iterable[PopulationRow]) -> dict[str, Counter[str]]:
    return pivot(rows, lambda r: r.town_code)


def by_band5(rows: Iterable[PopulationRow]) -> dict[str, Counter[str]]:
    return pivot(rows, lambda r: band5(r.age))


def by_band3(rows: Iterable[PopulationRow]) -> dict[str, Counter[str]]:
    return pivot(rows, lambda r: band3(r.age))


def totals(rows: Iterable[PopulationRow]) -> Counter[str]:
    return pivot(rows, lambda r: "all").get("all", Counter())


def household_totals(rows: Iterable[HouseholdRow]) -> dict[str, int]:
    """世帯数: 総計, and those with a Japanese / a foreign member (複数国籍世帯 in both)."""
    rows = list(rows)
    jp = sum(r.japanese_only for r in rows)
    fo = sum(r.foreign_only for r in rows)
    mixed = sum(r.mixed for r in rows)
    return {"total": jp + fo + mixed, "japanese": jp + mixed, "foreign": fo + mixed, "mixed": mixed}


_TRAILING_LOT = re.compile(r"[0-9０-９\-－‐ー−の番地号丁目\s　]+$")


def town_name(lowest: str | None, highest: str | None) -> str:
    """A label for a 町字 from the smallest and largest address in it (their common prefix, without
    the trailing 番地). No 町字 master exists yet; this is a display aid, not an official name."""
    a, b = lowest or "", highest or ""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return _TRAILING_LOT.sub("", a[:n]).strip()


# --- 人口動態 (住民票記載数・消除数) ----------------------------------------------------------------

#: Report column → 異動事由 categories (標準仕様書 1.2.2). 改製・再製 change no one's residence and
#: 異動の取消し is netted out by excluding the cancelled row, so they are not counted.
INCREASE: dict[str, tuple[str, ...]] = {
    "転入（国内）": ("国内転入",),
    "転入（国外）": ("国外転入等",),
    "出生": ("出生",),
    "その他（職権記載等）": ("職権記載（帰化等）", "職権記載（国籍喪失）", "職権記載"),
}
DECREASE: dict[str, tuple[str, ...]] = {
    "転出（国内）": ("国内転出",),
    "転出（国外）": ("国外転出",),
    "死亡": ("死亡",),
    "その他（職権消除等）": ("職権消除（帰化等）", "職権消除（国籍喪失）", "職権消除"),
}


def _column_of_code() -> dict[str, str]:
    out: dict[str, str] = {}
    for group, table in ((RECORD, INCREASE), (REMOVE, DECREASE)):
        for column, cats in table.items():
            for r in REASONS:
                if r.group == group and r.category in cats:
                    out[r.code] = column
    return out


COLUMN_OF_CODE: dict[str, str] = _column_of_code()
MOVEMENT_CODES: tuple[str, ...] = tuple(sorted(COLUMN_OF_CODE))
MOVE_OUT_CODES: tuple[str, ...] = tuple(c for c, col in sorted(COLUMN_OF_CODE.items()) if col.startswith("転出"))


@dataclass(frozen=True)
class MovementRow:
    event_code: str
    resident_kind: str
    sex: str
    count: int


def movement_table(rows: Iterable[MovementRow]) -> dict[str, dict[str, int]]:
    """kind (japanese/foreign/total) → the 年報's 人口動態 columns and derived figures:
    記載数計, 消除数計, 増減数, 自然増減数 (出生 − 死亡), 社会増減数 (転入 + その他記載 − 転出 − その他消除)."""
    out: dict[str, dict[str, int]] = {k: dict.fromkeys([*INCREASE, *DECREASE], 0) for k in KIND_JA}
    for r in rows:
        col = COLUMN_OF_CODE.get(r.event_code)
        if col is None:
            continue
        for kind in (r.resident_kind, "total"):
            if kind in out:
                out[kind][col] += r.count
    for t in out.values():
        inc, dec = sum(t[c] for c in INCREASE), sum(t[c] for c in DECREASE)
        t["記載数計"], t["消除数計"], t["増減数"] = inc, dec, inc - dec
        t["自然増減数"] = t["出生"] - t["死亡"]
        t["社会増減数"] = t["増減数"] - t["自然増減数"]
    return out


# --- tables and CSV ---------------------------------------------------------------------------


def population_table(groups: Mapping[str, Counter[str]], first: str, order: Sequence[str] | None = None,
                     labels: Mapping[str, str] | None = None) -> tuple[list[str], list[list[object]]]:
    """A 年報-style table: one row per group, columns 日本人住民 男/女/計, 外国人住民 男/女/計, 総計 男/女/計."""
    header = [first] + [f"{KIND_JA[k]} {s}" for k in ("japanese", "foreign", "total") for s in ("男", "女", "計")]
    keys = [k for k in (order or sorted(groups)) if k in groups]
    body: list[list[object]] = []
    for key in keys:
        c = groups[key]
        cells: list[object] = [labels.get(key, key) if labels else key]
        for kind in ("japanese", "foreign", "total"):
            cells += [c[f"{kind}:1"], c[f"{kind}:2"], c[f"{kind}:total"]]
        body.append(cells)
    return header, body


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(v: object) -> object:
    """Text cells that a spreadsheet would read as a formula get a leading ' (CSV injection)."""
    return "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV for Excel: UTF-8 with BOM, CRLF, Japanese header."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows([_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
