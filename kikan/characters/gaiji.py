"""外字 (legacy vendor characters) → 行政事務標準文字: codes, vendor tables and applying decisions.

Basis: デジタル庁「地方公共団体情報システムの文字要件」— legacy 外字 must be 同定 (identified) with
行政事務標準文字 before or at migration; 外字 sit in the Private Use Area, where the same code means
different glyphs in different systems, so the mapping is per tenant (per legacy system).

A legacy character is identified by ``(code_system, code)``:

- ``cp932``: the CP932 user-defined area F040–F9FC; Python's ``cp932`` codec decodes it to U+E000–E757,
  so legacy text carries the 外字 as that PUA character and its code is the Shift_JIS hex (``"F040"``).
  PUA characters outside that range get ``"U+XXXX"``;
- any other name (a vendor's table, ``[a-z0-9_.-]``): the legacy decoder puts each 外字 at a PUA code
  point, whose ``"U+XXXX"`` is the code;
- ``ucs``: a non-PUA character that is still not standard (an unregistered IVS, a JIS X 0212 kanji …);
  it needs a decision like a 外字 (its code is the code points, ``"U+9089 U+E0100"``).

This module is pure (no I/O): :class:`GaijiMapper` applies a set of decisions to text and collects
what is left unmapped; the storage and the staff workflow are in ``kikan.adapters.db.characters_gaiji``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from kikan.characters.standard import STANDARD_CHARACTER_SET, StandardCharacterSet, validate
from kikan.characters.text import (
    code_points,
    cp932_gaiji_char,
    cp932_gaiji_code,
    graphemes,
    is_private_use,
)
from kikan.core.errors import FieldError, ValidationFailed

CP932 = "cp932"
UCS = "ucs"
CODE_SYSTEM_RE = re.compile(r"^[a-z0-9_.\-]{1,40}$")
MJ_NAME_RE = re.compile(r"^MJ\d{6}$")
JUKI_CODE_RE = re.compile(r"^J\+[0-9A-F]{4}$")
CODE_LIKE_RE = re.compile(r"^(0[xX]|[uU]\+)?[0-9A-Fa-f]{4,6}$")


def check_code_system(name: str) -> str:
    if not CODE_SYSTEM_RE.match(name or ""):
        raise ValidationFailed(
            [FieldError("外字体系", f"英小文字・数字・._- の40文字以内で指定してください（{name!r}）")]
        )
    return name


def normalise_code(code: str) -> str:
    """A code as typed (``f040``, `` u+e000 ``) → as stored (``F040``, ``U+E000``)."""
    return " ".join(code.strip().upper().removeprefix("0X").split())


def key_of(grapheme: str, code_system: str) -> tuple[str, str]:
    """The ``(code_system, code)`` of a grapheme that needs a decision."""
    base = grapheme[0]
    if not is_private_use(base):
        return UCS, code_points(grapheme)
    code = (cp932_gaiji_code(base) if code_system == CP932 else None) or code_points(base)
    return code_system, " ".join([code, code_points(grapheme[1:])]) if len(grapheme) > 1 else code


def canonical_code(raw: str, code_system: str) -> tuple[str, str | None]:
    """A code as written in a vendor table (``F040``, ``0xF040``, ``U+E000``) → ``(code, pua char)``.

    Raises ValueError (with a Japanese message) if it is neither."""
    text = raw.strip().upper()
    if text.startswith("U+"):
        try:
            ch = chr(int(text[2:], 16))
        except ValueError:
            raise ValueError(f"外字コード {raw!r} が正しくありません") from None
        if not is_private_use(ch):
            raise ValueError(f"外字コード {raw} は私用領域の符号位置ではありません")
        return key_of(ch, code_system)[1], ch
    if code_system == CP932:
        pua = cp932_gaiji_char(text.removeprefix("0X"))
        if pua is None:
            raise ValueError(f"外字コード {raw!r} はCP932の利用者定義領域（F040〜F9FC）ではありません")
        return text.removeprefix("0X"), pua
    raise ValueError(f"外字コード {raw!r} は U+XXXX（私用領域）で指定してください")


@dataclass(frozen=True)
class LegacyCode:
    """One entry of a vendor's 外字 table (or a code first seen in legacy data)."""

    code_system: str
    code: str
    pua: str | None = None
    description: str = ""
    juki_code: str = ""
    mj_name: str = ""


def parse_code_table(text: str, code_system: str, *, known_mj: object = None) -> list[LegacyCode]:
    """Parse a vendor 外字 table: CSV rows ``外字コード, 字形の説明, 住基ネット統一文字コード?, MJ文字図形名?``.

    A first row whose first cell does not look like a code is a header and skipped.  All errors are collected and raised together as
    ValidationFailed naming the row (nothing is imported from a table with errors).  ``known_mj`` (e.g.
    the master) is used to reject MJ文字図形名/住基コード that do not exist."""
    check_code_system(code_system)
    errors: list[FieldError] = []
    out: dict[str, LegacyCode] = {}
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    for n, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row] + ["", "", "", ""]
        if not any(cells):
            continue
        where = f"{n}行目"
        if n == 1 and not CODE_LIKE_RE.match(cells[0]):
            continue  # a header row
        try:
            code, pua = canonical_code(cells[0], code_system)
        except ValueError as e:
            errors.append(FieldError(f"{where} 外字コード", str(e)))
            continue
        juki = cells[2].upper().replace("J+", "")
        juki = f"J+{juki}" if juki else ""
        mj = cells[3].upper()
        if juki and not JUKI_CODE_RE.match(juki):
            errors.append(
                FieldError(
                    f"{where} 住基ネット統一文字コード", f"{cells[2]!r} は J+XXXX（16進4桁）ではありません"
                )
            )
        elif juki and known_mj is not None and not known_mj.by_juki(juki):  # type: ignore[attr-defined]
            errors.append(
                FieldError(f"{where} 住基ネット統一文字コード", f"{juki} は文字情報基盤（MJ）にありません")
            )
        if mj and not MJ_NAME_RE.match(mj):
            errors.append(FieldError(f"{where} MJ文字図形名", f"{cells[3]!r} は MJ+6桁ではありません"))
        elif mj and known_mj is not None and known_mj.get(mj) is None:  # type: ignore[attr-defined]
            errors.append(FieldError(f"{where} MJ文字図形名", f"{mj} は文字情報基盤（MJ）にありません"))
        if code in out:
            errors.append(FieldError(f"{where} 外字コード", f"{code} が重複しています"))
        out[code] = LegacyCode(code_system, code, pua, cells[1][:400], juki, mj)
    if errors:
        raise ValidationFailed(errors[:50])
    if not out:
        raise ValidationFailed([FieldError("外字表", "外字コードの行がありません")])
    return list(out.values())


@dataclass(frozen=True)
class Occurrence:
    """Where a legacy value came from: file, row (1-based), field and the record's key (宛名番号 …)."""

    source_file: str
    source_row: int
    field: str
    record_key: str = ""


@dataclass(frozen=True)
class Unmapped:
    code_system: str
    code: str
    grapheme: str
    position: int
    where: Occurrence | None
    context: str  # the whole field value, for the staff who identify the character


class UnmappedCharacters(ValidationFailed):
    """Raised by :meth:`GaijiMapper.map_or_collect` with ``raise_on_unmapped``: the value cannot be
    imported until staff confirm a mapping (the characters were collected)."""

    def __init__(self, unmapped: list[Unmapped]):
        self.unmapped = unmapped
        errors = [
            FieldError(
                u.where.field if u.where else "文字",
                f"{u.position + 1}文字目（{u.code_system}:{u.code}）: 同定されていない外字です",
            )
            for u in unmapped
        ]
        super().__init__(errors)


@dataclass
class GaijiMapper:
    """Applies confirmed decisions ``{(code_system, code): standard text}`` to legacy text.

    Build one per import run (``kikan.adapters.db.characters_gaiji.load_mapper``), call
    :meth:`map_or_collect` for every field, then store :attr:`collected`."""

    code_system: str
    decisions: Mapping[tuple[str, str], str]
    charset: StandardCharacterSet = STANDARD_CHARACTER_SET
    as_of_seq: int | None = None
    collected: list[Unmapped] = field(default_factory=list)

    def resolve(self, text: str) -> tuple[str, list[Unmapped]]:
        """``(text with decisions applied, what is still unmapped)``; standard text is returned as is."""
        if not any(is_private_use(c) for c in text) and not validate(text, self.charset):
            return text, []
        bad = {i.position for i in validate(text, self.charset)}
        out: list[str] = []
        unmapped: list[Unmapped] = []
        for pos, g in graphemes(text):
            if not is_private_use(g[0]) and not any(i in bad for i in range(pos, pos + len(g))):
                out.append(g)
                continue
            system, code = key_of(g, self.code_system)
            replacement = self.decisions.get((system, code))
            if replacement:
                out.append(replacement)
            else:
                out.append(g)
                unmapped.append(Unmapped(system, code, g, pos, None, text))
        return "".join(out), unmapped

    def map_or_collect(
        self, text: str, where: Occurrence | None = None, *, raise_on_unmapped: bool = False
    ) -> str | None:
        """The mapped text, or None if any character is unmapped (then collected with ``where``, and
        raised as :class:`UnmappedCharacters` if ``raise_on_unmapped``).  Never returns text that still
        holds an unmapped 外字: nothing is imported with one silently."""
        mapped, unmapped = self.resolve(text)
        if not unmapped:
            return mapped
        found = [Unmapped(u.code_system, u.code, u.grapheme, u.position, where, text) for u in unmapped]
        self.collected.extend(found)
        if raise_on_unmapped:
            raise UnmappedCharacters(found)
        return None
