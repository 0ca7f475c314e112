"""元号（和暦の時代区分）の定義と検証。

The era table lives in ``eras.yaml`` next to this module so that a new era (改元,
元号法 昭和54年法律第43号・政令による) can be added by editing data only. The table is
loaded and validated when this module is imported; an invalid table raises
:class:`EraDefinitionError` and the import fails.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from .errors import EraDefinitionError, WarekiError

_ONE_DAY = dt.timedelta(days=1)
_ABBREVIATION_RE = re.compile(r"^[A-Z]$")


@dataclass(frozen=True, slots=True)
class Era:
    """一つの元号。``end`` が ``None`` の元号は現在の元号（最後の元号）。"""

    name: str
    abbreviation: str
    code: int
    start: dt.date
    end: dt.date | None

    def contains(self, day: dt.date) -> bool:
        """``day`` がこの元号の期間内にあるか。"""
        return self.start <= day and (self.end is None or day <= self.end)

    def gregorian_year(self, era_year: int) -> int:
        """元号年（1始まり）から西暦年を求める。元年は ``start.year``。"""
        return self.start.year + era_year - 1


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise EraDefinitionError(f"{where}: 日付には時刻を含めないでください: {value!r}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise EraDefinitionError(f"{where}: 日付は YYYY-MM-DD 形式で指定してください: {value!r}")


def _parse_entry(index: int, raw: Any, is_last: bool) -> Era:
    where = f"eras[{index}]"
    if not isinstance(raw, Mapping):
        raise EraDefinitionError(f"{where}: 元号はマッピングで記述してください")
    allowed = {"name", "abbreviation", "code", "start", "end"}
    unknown = set(raw) - allowed
    if unknown:
        raise EraDefinitionError(f"{where}: 未知の項目があります: {sorted(map(str, unknown))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip() or any(c.isascii() for c in name):
        raise EraDefinitionError(f"{where}: name は漢字の元号名が必要です: {name!r}")
    abbreviation = raw.get("abbreviation")
    if not isinstance(abbreviation, str) or not _ABBREVIATION_RE.match(abbreviation):
        raise EraDefinitionError(f"{where}: abbreviation は英大文字1文字です: {abbreviation!r}")
    code = raw.get("code")
    if isinstance(code, bool) or not isinstance(code, int) or not 1 <= code <= 9:
        raise EraDefinitionError(f"{where}: code は1〜9の整数です: {code!r}")
    if "start" not in raw:
        raise EraDefinitionError(f"{where}: start（開始日）がありません")
    start = _as_date(raw["start"], f"{where}.start")
    end_raw = raw.get("end")
    if end_raw is None:
        if not is_last:
            raise EraDefinitionError(f"{where}: 最後の元号以外は end（終了日）が必要です")
        end = None
    else:
        if is_last:
            raise EraDefinitionError(f"{where}: 最後の元号（現元号）に end は指定できません")
        end = _as_date(end_raw, f"{where}.end")
        if end < start:
            raise EraDefinitionError(f"{where}: end が start より前です")
    return Era(name=name, abbreviation=abbreviation, code=code, start=start, end=end)


def validate_eras(data: Any) -> tuple[Era, ...]:
    """YAML から読み込んだデータを検証し、元号の組を返す。

    Checks: non-empty list under ``eras``; well-typed fields; unique name, abbreviation
    and code; ordered by start; each era ends the day before the next one starts (no
    overlap, no gap); only the last era is open-ended.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("eras"), Sequence):
        raise EraDefinitionError("元号定義には eras のリストが必要です")
    raw_eras = data["eras"]
    if isinstance(raw_eras, str) or not raw_eras:
        raise EraDefinitionError("元号定義が空です")
    eras = tuple(_parse_entry(i, raw, i == len(raw_eras) - 1) for i, raw in enumerate(raw_eras))
    for attribute in ("name", "abbreviation", "code"):
        values = [getattr(era, attribute) for era in eras]
        if len(set(values)) != len(values):
            raise EraDefinitionError(f"元号の {attribute} が重複しています: {values}")
    for previous, current in zip(eras, eras[1:], strict=False):
        if current.start <= previous.start:
            raise EraDefinitionError(f"元号が開始日順に並んでいません: {previous.name} → {current.name}")
        assert previous.end is not None  # guaranteed by _parse_entry
        if previous.end >= current.start:
            raise EraDefinitionError(f"元号の期間が重なっています: {previous.name} と {current.name}")
        if previous.end + _ONE_DAY != current.start:
            raise EraDefinitionError(f"元号の期間に空白があります: {previous.name} と {current.name}")
    return eras


def load_eras(text: str) -> tuple[Era, ...]:
    """YAML テキストから元号表を読み込んで検証する。"""
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for e.g. 2019-13-01
        raise EraDefinitionError(f"元号定義の YAML を読み込めません: {exc}") from exc
    return validate_eras(data)


ERAS: tuple[Era, ...] = load_eras(
    resources.files(__package__ or "kikan.core.calendar").joinpath("eras.yaml").read_text(encoding="utf-8")
)
"""パッケージ同梱の元号表（開始日順）。"""

_BY_NAME = {era.name: era for era in ERAS}
_BY_ABBREVIATION = {era.abbreviation: era for era in ERAS}
_BY_CODE = {era.code: era for era in ERAS}


def era_of(day: dt.date) -> Era:
    """``day`` が属する元号を返す。最初の元号より前の日付は :class:`WarekiError`。"""
    if day < ERAS[0].start:
        first = ERAS[0]
        raise WarekiError(
            f"{day.isoformat()} は和暦の対象期間外です（{first.name}は"
            f"{first.start.year}年{first.start.month}月{first.start.day}日から）"
        )
    for era in reversed(ERAS):
        if era.start <= day:
            return era
    raise AssertionError("unreachable")  # pragma: no cover


def era_by_name(name: str) -> Era:
    """漢字の元号名から元号を引く（例: ``"令和"``）。"""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise WarekiError(f"未知の元号です: {name}") from None


def era_by_abbreviation(abbreviation: str) -> Era:
    """一文字の略号から元号を引く（例: ``"R"``、小文字も可）。"""
    try:
        return _BY_ABBREVIATION[abbreviation.upper()]
    except KeyError:
        raise WarekiError(f"未知の元号略号です: {abbreviation}") from None


def era_by_code(code: int) -> Era:
    """住民記録の元号コードから元号を引く（例: ``5`` → 令和）。"""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise WarekiError(f"未知の元号コードです: {code}") from None
