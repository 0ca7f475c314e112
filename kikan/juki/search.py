"""住民検索 (住民記録システム標準仕様書 第3章 2.1 検索, j330/j340): conditions → a search plan.

Pure: the query is validated and turned into conditions on the stored search keys (folded with
:mod:`kikan.core.characters`, as :mod:`kikan.juki.keys` folds them on every history row); the
adapter (:mod:`kikan.adapters.db.juki_search`) turns the plan into SQL.

- 氏名 (漢字 or alphabet) and カナ match the person's name and, through the ``alt_*`` keys, 旧氏
  and 通称 (2.1.3); ``exact`` / ``prefix`` (default) / ``partial``; ``given_name_only`` matches
  the end of the name (名のみ検索). Kana folding: 2.1.2 (サトウ = サトオ = サトー, ヂ = ジ, ッ = ツ …),
  異体字 folding: 髙 = 高, 邉󠄏 = 辺 (2.1.2 異体字検索).
- 生年月日 in 和暦 or 西暦 (2.1.2: 西暦・和暦のどちらでも), a whole year or month allowed.
- Every history row is searched unless ``include_history`` is off (2.1.3: 過去の氏名・住所も検索
  対象); the result shows the current state. 除票 (removed persons) only with ``include_removed``.
"""

from __future__ import annotations

import calendar as _calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from kikan.core.calendar import WarekiError, era_by_abbreviation, era_by_name, parse_wareki
from kikan.core.calendar.kanji_numerals import from_kanji, to_kanji
from kikan.core.characters import kana_search_key, name_search_key
from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.identity import IdentifierError, validate_individual_number

Match = Literal["exact", "prefix", "partial"]
_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fd\u30fe\u309d\u309e\u30fb\u3099-\u309c\s\-‐－―ｰ]+")
_ALPHA = re.compile(r"[A-Za-z][A-Za-z\s.,'\-]*")
_ERA_YEAR = re.compile(r"(?P<era>[^\d元]+?)(?P<year>元|\d{1,2})年?(?:[./-]?(?P<month>\d{1,2})月?)?")
_YEAR = re.compile(r"(?P<year>\d{4})年?(?:[./-]?(?P<month>\d{1,2})月?)?")
_CHOME = re.compile(r"([0-9一二三四五六七八九十]+)丁目")


class SearchQuery(BaseModel):
    """Search conditions (標準仕様書 2.1.1 検索条件); all given conditions must hold (AND)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = None
    name_match: Match = "prefix"
    given_name_only: bool = False
    kana: str | None = None
    kana_match: Match = "prefix"
    former_family_name: str | None = None
    tsusho: str | None = None
    birth_date: str | None = None
    birth_from: date | None = None
    birth_to: date | None = None
    sex: Literal["1", "2"] | None = None
    relationship: str | None = None
    address: str | None = None
    address_match: Literal["prefix", "partial"] = "partial"
    town_code: str | None = None
    address_code: str | None = None
    katagaki: str | None = None
    addressee_no: str | None = None
    household_no: str | None = None
    removal_reason: str | None = None
    individual_number: str | None = None
    juminhyo_code: str | None = None
    residence_card_no: str | None = None
    include_removed: bool = False
    include_history: bool = True

    def audit_detail(self) -> dict[str, Any]:
        """The conditions for the access log, the 個人番号 itself never included."""
        out = self.model_dump(exclude_none=True, exclude_defaults=True, mode="json")
        if "individual_number" in out:
            out["individual_number"] = "（指定あり）"
        return out


@dataclass(frozen=True)
class KeyMatch:
    """``values`` (alternatives) matched against any of ``columns`` with ``mode``.

    mode: exact | prefix | suffix | partial.
    """

    field: str
    columns: tuple[str, ...]
    values: tuple[str, ...]
    mode: str
    alpha: str | None = None  # also match the registered alphabet name (外国人住民, as on the card)

    def test(self, row: dict[str, Any]) -> bool:
        if self.alpha and _matches(row.get("alpha_name") or "", self.alpha, self.mode):
            return True
        return any(_matches(row.get(c) or "", v, self.mode) for c in self.columns for v in self.values)


def _matches(key: str, value: str, mode: str) -> bool:
    if mode == "exact":
        return key == value
    if mode == "prefix":
        return key.startswith(value)
    if mode == "suffix":
        return key.endswith(value)
    return value in key


@dataclass(frozen=True)
class SearchPlan:
    keys: tuple[KeyMatch, ...]
    equals: tuple[tuple[str, str], ...]  # (history column, value)
    birth: tuple[date, date] | None
    individual_number: str | None
    juminhyo_code: str | None
    include_removed: bool
    include_history: bool


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, message)])


def _name_match(field: str, text: str, match: str, given_only: bool, alt: bool = True) -> list[KeyMatch]:
    """氏名: the name keys (旧氏・通称 included); an alphabet query also matches ``alpha_name``."""
    key = name_search_key(text)
    if not key:
        raise _fail(field, f"{field}に検索できる文字がありません")
    mode = "suffix" if given_only else {"exact": "exact", "prefix": "prefix", "partial": "partial"}[match]
    cols = ("name_key", "alt_name_key") if alt and not given_only else ("name_key",)
    # a foreigner with a kanji 氏名 (and maybe a 通称) is also found by the alphabet name (1.1.2)
    alpha = None
    if _ALPHA.fullmatch(text) and mode in ("exact", "prefix") and alt:
        alpha = " ".join(unicodedata.normalize("NFKC", text).upper().split())
    return [KeyMatch(field, cols, (key,), mode, alpha)]


def _kana_key(field: str, text: str) -> str:
    if not _KANA.fullmatch(unicodedata.normalize("NFKC", text)):
        raise _fail(field, f"{field}はカタカナ又はひらがなで入力してください")
    key = kana_search_key(text)
    if not key:
        raise _fail(field, f"{field}に検索できる文字がありません")
    return key


def birth_range(text: str) -> tuple[date, date]:
    """生年月日 in 和暦 or 西暦: a day, a month (昭和50年1月, 1975-01) or a year (S50, 1975年)."""
    try:
        day = parse_wareki(text)
        return day, day
    except WarekiError:
        pass
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    m = _YEAR.fullmatch(t)
    start_end: tuple[date, date] | None = None
    try:
        if m:
            year, month = int(m["year"]), m["month"]
            start_end = (date(year, 1, 1), date(year, 12, 31))
        elif (m := _ERA_YEAR.fullmatch(t)) is not None:
            era = era_by_abbreviation(m["era"].upper()) if len(m["era"]) == 1 else era_by_name(m["era"])
            year, month = era.gregorian_year(1 if m["year"] == "元" else int(m["year"])), m["month"]
            lo, hi = max(date(year, 1, 1), era.start), min(date(year, 12, 31), era.end or date.max)
            start_end = (lo, hi) if lo <= hi else None
        if start_end and month:
            mm = int(month)
            last = _calendar.monthrange(year, mm)[1]
            start_end = (max(start_end[0], date(year, mm, 1)), min(start_end[1], date(year, mm, last)))
    except (ValueError, WarekiError, KeyError):
        start_end = None
    if not start_end or start_end[0] > start_end[1]:
        raise _fail("生年月日", f"生年月日「{text}」を和暦又は西暦の日付（年・年月も可）として解釈できません")
    return start_end


def _chome_variants(key: str) -> tuple[str, ...]:
    """二丁目 = 2丁目: both spellings are searched (the registry stores either)."""

    def convert(m: re.Match[str], digits: bool) -> str:
        try:
            n = int(m[1]) if m[1].isdigit() else from_kanji(m[1])
        except ValueError:
            return m[0]
        return (str(n) if digits else to_kanji(n)) + "丁目"

    spellings = (
        key,
        _CHOME.sub(lambda m: convert(m, False), key),
        _CHOME.sub(lambda m: convert(m, True), key),
    )
    return tuple(dict.fromkeys(spellings))


def plan(q: SearchQuery) -> SearchPlan:
    """Validate ``q`` and build its conditions; :class:`ValidationFailed` names the bad field."""
    keys: list[KeyMatch] = []
    equals: list[tuple[str, str]] = []
    if q.name:
        keys += _name_match("氏名", q.name, q.name_match, q.given_name_only)
    if q.kana:
        k = _kana_key("カナ", q.kana)
        mode = "suffix" if q.given_name_only else q.kana_match
        keys.append(
            KeyMatch("カナ", ("kana_key",) if q.given_name_only else ("kana_key", "alt_kana_key"), (k,), mode)
        )
    for field, text in (("旧氏", q.former_family_name), ("通称", q.tsusho)):
        if text:
            kana = _KANA.fullmatch(unicodedata.normalize("NFKC", text)) is not None
            alt = _kana_key(field, text) if kana else name_search_key(text)
            keys.append(KeyMatch(field, ("alt_kana_key",) if kana else ("alt_name_key",), (alt,), "prefix"))
    if q.address:
        place = name_search_key(q.address)
        if not place:
            raise _fail("住所", "住所に検索できる文字がありません")
        keys.append(KeyMatch("住所", ("address_key",), _chome_variants(place), q.address_match))
    if q.katagaki:
        keys.append(KeyMatch("方書", ("address_key",), (name_search_key(q.katagaki),), "partial"))
    for _label, column, given in (
        ("性別", "sex", q.sex), ("続柄", "relationship", q.relationship), ("町字", "town_code", q.town_code),
        ("住所コード", "address_code", q.address_code), ("宛名番号", "addressee_no", q.addressee_no),
        ("世帯番号", "household_no", q.household_no), ("消除事由", "removal_reason", q.removal_reason),
        ("在留カード等番号", "residence_card_no", q.residence_card_no.upper() if q.residence_card_no else None),
    ):  # fmt: skip
        if given:
            equals.append((column, given))
    birth = birth_range(q.birth_date) if q.birth_date else None
    if q.birth_from or q.birth_to:
        lo, hi = q.birth_from or date.min, q.birth_to or date.max
        birth = (max(lo, birth[0]), min(hi, birth[1])) if birth else (lo, hi)
    if q.individual_number:
        try:
            validate_individual_number(q.individual_number)
        except IdentifierError as e:
            raise _fail("個人番号", str(e)) from None
    if q.removal_reason and not q.include_removed:
        q = q.model_copy(update={"include_removed": True})  # searching by 消除事由 means 除票
    if not (keys or equals or birth or q.individual_number or q.juminhyo_code):
        raise _fail("検索条件", "検索条件を1つ以上入力してください")
    return SearchPlan(tuple(keys), tuple(equals), birth, q.individual_number, q.juminhyo_code,
                      q.include_removed, q.include_history)  # fmt: skip


# --- results ----------------------------------------------------------------------------------

#: How a person was found: on the current record, or only through an older history row.
MATCHED_ON_LABELS = {
    "current": "現在", "former surname": "旧氏", "alias": "通称", "past name": "過去の氏名",
    "past address": "過去の住所", "past record": "過去の履歴",
}  # fmt: skip


class SearchHit(BaseModel):
    """One person, shown in their CURRENT state (標準仕様書 2.1.4 検索結果一覧)."""

    addressee_no: str
    family_name: str | None
    given_name: str | None
    kana: str
    birth_date: date | None
    sex: str | None
    address: str | None
    katagaki: str | None
    household_no: str | None
    relationship: str | None
    status: str  # resident | removed
    resident_kind: str | None
    removal_reason: str | None
    matched_on: str
    marks: list[str] = []  # 抑止・支援措置: block:error | block:alert | block:past_end | support
    blocked: bool = False
    protected: bool = False  # 支援措置対象者 (DV等): handle with care, never disclose the address


class SearchPage(BaseModel):
    """A page of :class:`SearchHit` in reading order; ``total`` counts every match."""

    items: list[SearchHit]
    total: int
    limit: int
    offset: int


def matched_on(p: SearchPlan, current: dict[str, Any], matched: dict[str, Any]) -> str:
    """Why this person is in the result: the current row or (only) a past row, and through what."""
    fields = {k.field for k in p.keys}
    if matched["history_no"] == current["history_no"]:
        via = [k for k in p.keys if k.field in ("氏名", "カナ")]
        main = (
            KeyMatch(k.field, tuple(c for c in k.columns if not c.startswith("alt_")), k.values, k.mode)
            for k in via
        )
        if (via and not any(m.test(current) for m in main)) or fields & {"旧氏", "通称"}:
            return "alias" if current.get("tsusho") and "旧氏" not in fields else "former surname"
        return "current"
    names = ("name_key", "kana_key", "alt_name_key")
    if fields & {"氏名", "カナ", "旧氏", "通称"} and any(matched.get(c) != current.get(c) for c in names):
        return "past name"
    return "past address" if matched.get("address_key") != current.get("address_key") else "past record"
