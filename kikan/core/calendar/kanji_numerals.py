"""漢数字と整数の相互変換（日付表記に必要な 0〜9999 の範囲）。

証明書等の公文書では日付を「令和八年十一月二十六日」のように漢数字で記載することが
ある（縦書きの公用文）。Formatting uses the 十/百/千 positional-word style; parsing
accepts that style and the digit-by-digit style with 〇 (e.g. ``二〇二六``).
"""

from __future__ import annotations

_DIGITS = "〇一二三四五六七八九"
_DIGIT_VALUES = {ch: i for i, ch in enumerate(_DIGITS)}
_DIGIT_VALUES["零"] = 0
_UNITS = {"十": 10, "百": 100, "千": 1000}
KANJI_NUMERAL_CHARS = "".join(_DIGIT_VALUES) + "".join(_UNITS)
"""漢数字として解釈する文字の一覧（正規表現の文字クラス用）。"""


def to_kanji(value: int) -> str:
    """整数を十・百・千を用いた漢数字にする（例: 26 → ``二十六``、10 → ``十``）。"""
    if not 0 <= value <= 9999:
        raise ValueError(f"漢数字に変換できる範囲は0〜9999です: {value}")
    if value == 0:
        return "〇"
    parts: list[str] = []
    for unit_char, unit in (("千", 1000), ("百", 100), ("十", 10)):
        count, value = divmod(value, unit)
        if count:
            parts.append(("" if count == 1 else _DIGITS[count]) + unit_char)
    if value:
        parts.append(_DIGITS[value])
    return "".join(parts)


def from_kanji(text: str) -> int:
    """漢数字を整数にする。``二十六``・``十``・``二〇二六`` などを受け付ける。

    Raises ``ValueError`` for malformed numerals such as ``十十`` or ``二二十``.
    """
    if not text or any(ch not in _DIGIT_VALUES and ch not in _UNITS for ch in text):
        raise ValueError(f"漢数字として解釈できません: {text!r}")
    if not any(ch in _UNITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + _DIGIT_VALUES[ch]
        return value
    total = 0
    pending: int | None = None
    last_unit = 10_000
    for ch in text:
        if ch in _DIGIT_VALUES:
            if pending is not None or _DIGIT_VALUES[ch] == 0:
                raise ValueError(f"漢数字として解釈できません: {text!r}")
            pending = _DIGIT_VALUES[ch]
            continue
        unit = _UNITS[ch]
        if unit >= last_unit or pending == 1:
            raise ValueError(f"漢数字として解釈できません: {text!r}")
        total += (1 if pending is None else pending) * unit
        pending = None
        last_unit = unit
    if pending is not None:
        total += pending
    return total
