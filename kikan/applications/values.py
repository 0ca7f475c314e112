"""Reading one submitted value by its field type: normalise what is safe to normalise, refuse the rest.

Every function returns ``(value, message)``: the normalised value, or ``None`` and a Japanese
message for the resident. Normalisation is limited to input conveniences (full-width digits in a
postal code or phone number, hiragana or half-width katakana in a フリガナ field); names and
addresses are kept exactly as typed (names are stored as registered: no Unicode normalisation).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import jaconv

from kikan.applications.definition import FieldDef
from kikan.characters import validate as validate_characters
from kikan.core.calendar import WarekiError, era_by_name, to_wareki, wareki_to_date

Result = tuple[object, str | None]

_DIGITS = str.maketrans("０１２３４５６７８９－‐−―ー＋（）　", "0123456789-----+() ")
_KANA = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fb\u30fd\u30fe\u3000 ]+$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PHONE = re.compile(r"^\+?[0-9()-]+$")
WESTERN = "西暦"
#: 元号 offered in date fields (oldest last); 明治 is kept for very old birth dates.
ERA_NAMES = ("令和", "平成", "昭和", "大正", "明治")
TRUE_VALUES = frozenset({"on", "1", "true", "yes"})


def era_options(field: FieldDef) -> list[str]:
    if field.era == "western":
        return [WESTERN]
    if field.era == "wareki":
        return list(ERA_NAMES)
    return [WESTERN, *ERA_NAMES]


def _bad_characters(text: str, multiline: bool) -> str | None:
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "\r\n\t" and multiline:
            continue
        if cat in ("Cc", "Cs", "Co") or (cat == "Cf" and ch != "\u200d"):
            return "改行・制御文字や外字（私用領域の文字）は使用できません"
    return None


def read_text(f: FieldDef, raw: str) -> Result:
    text = raw.replace("\r\n", "\n").strip()
    multiline = f.type == "textarea"
    problem = _bad_characters(text, multiline)
    if problem:
        return None, problem
    if f.max_length is not None and len(text) > f.max_length:
        return None, f"{f.max_length}文字以内で入力してください（現在{len(text)}文字）"
    if f.min_length is not None and len(text) < f.min_length:
        return None, f"{f.min_length}文字以上で入力してください"
    if f.pattern is not None and not re.fullmatch(f.pattern, text):
        return None, f.pattern_message or "形式が正しくありません"
    if f.standard_characters:
        issues = validate_characters(text)
        if issues:
            chars = "、".join(dict.fromkeys(f"「{i.char}」" for i in issues[:3]))
            return None, (f"使用できない文字が含まれています（{chars}）。通常の字体で入力してください。"
                          "戸籍等の字体と異なる場合は、受付の後に担当窓口へお申し出ください")
    return text, None


def read_kana(f: FieldDef, raw: str) -> Result:
    """全角カタカナ (ひらがな・半角カナは全角カタカナに直して受け付ける)."""
    text = jaconv.hira2kata(jaconv.h2z(raw.strip(), kana=True, ascii=False, digit=False))
    if not _KANA.match(text):
        return None, "全角カタカナで入力してください"
    return read_text(f, text)


def read_choice(f: FieldDef, raw: str) -> Result:
    if raw not in {c.value for c in f.choices}:
        return None, "選択肢から選んでください"
    return raw, None


def read_postal_code(f: FieldDef, raw: str) -> Result:
    text = raw.translate(_DIGITS).replace("〒", "").replace("-", "").replace(" ", "")
    if not re.fullmatch(r"\d{7}", text):
        return None, "郵便番号は7桁の数字で入力してください（例: 100-0001）"
    return text, None


def read_phone(f: FieldDef, raw: str) -> Result:
    text = raw.translate(_DIGITS).replace(" ", "")
    digits = re.sub(r"\D", "", text)
    if not _PHONE.match(text) or not 10 <= len(digits) <= 11 + (2 if text.startswith("+") else 0):
        return None, "電話番号は数字とハイフンで入力してください（例: 03-1234-5678）"
    return text, None


def read_email(f: FieldDef, raw: str) -> Result:
    text = raw.strip()
    if len(text) > 254 or not _EMAIL.match(text):
        return None, "メールアドレスの形式が正しくありません（例: taro@example.jp）"
    return text, None


def read_number(f: FieldDef, raw: str) -> Result:
    text = raw.translate(_DIGITS).strip()
    if not re.fullmatch(r"-?\d{1,9}", text):
        return None, "数字で入力してください"
    n = int(text)
    if (f.minimum is not None and n < f.minimum) or (f.maximum is not None and n > f.maximum):
        return None, f"{f.minimum}から{f.maximum}までの数で入力してください"
    return n, None


def read_addressee_no(f: FieldDef, raw: str) -> Result:
    text = raw.translate(_DIGITS).replace("-", "").strip()
    if not re.fullmatch(r"\d{1,15}", text):
        return None, "宛名番号は15桁以内の数字で入力してください"
    return text, None


def read_checkbox(raw: str | None) -> bool:
    return (raw or "").strip().lower() in TRUE_VALUES


def read_date(f: FieldDef, era: str, year: str, month: str, day: str, *, today: date) -> Result:
    """A date typed as 元号 (or 西暦) + 年 + 月 + 日. 2月30日, 令和元年4月1日 (平成31年), a birth date
    in the future … are refused with the reason."""
    y, m, d = (p.translate(_DIGITS).strip() for p in (year, month, day))
    y = "1" if y == "元" else y
    if not (y and m and d):
        return None, "年・月・日をすべて入力してください"
    if not (y.isdigit() and m.isdigit() and d.isdigit()):
        return None, "年・月・日は数字で入力してください"
    if era not in era_options(f):
        return None, "元号を選んでください"
    yi, mi, di = int(y), int(m), int(d)
    try:
        if era == WESTERN:
            if not 1868 <= yi <= 9999:
                return None, "西暦の年は4桁で入力してください（例: 1990）"
            value = date(yi, mi, di)
        else:
            value = wareki_to_date(era_by_name(era), yi, mi, di)
    except WarekiError as exc:
        return None, str(exc)
    except ValueError:
        return None, f"{y}年{m}月{d}日は存在しない日付です"
    return _date_limits(f, value, today)


def _date_limits(f: FieldDef, value: date, today: date) -> Result:
    if f.not_future and value > today:
        return None, "未来の日付は入力できません"
    if f.max_past_days is not None and value < today - timedelta(days=f.max_past_days):
        return None, f"{f.max_past_days}日以上前の日付は入力できません"
    if f.max_future_days is not None and value > today + timedelta(days=f.max_future_days):
        return None, f"{f.max_future_days}日より先の日付は入力できません"
    return value.isoformat(), None


def date_parts(value: str | None, f: FieldDef) -> dict[str, str]:
    """An ISO date back into the form's parts (for re-display), in 和暦 when the field allows it."""
    if not value:
        return {"era": "", "year": "", "month": "", "day": ""}
    d = date.fromisoformat(value)
    if f.era == "western":
        return {"era": WESTERN, "year": str(d.year), "month": str(d.month), "day": str(d.day)}
    w = to_wareki(d)
    return {"era": w.era.name, "year": str(w.year), "month": str(d.month), "day": str(d.day)}


READERS = {
    "text": read_text, "textarea": read_text, "kana": read_kana, "select": read_choice, "radio": read_choice,
    "postal_code": read_postal_code, "phone": read_phone, "email": read_email, "number": read_number,
    "addressee_no": read_addressee_no,
}  # fmt: skip
