"""Character encodings of legacy files: 外字 areas, and detecting a file in the wrong encoding.

- CP932's user-defined area F040–F9FC decodes to PUA U+E000–E757 (Python's ``cp932``).  Plain
  ``shift_jis`` refuses those bytes and ``euc_jp`` refuses its user-defined rows 85–94 (F5A1–FEFE);
  the ``kikan-gaiji`` error handler maps them to the PUA the same way (F040 → U+E000; F5A1 → U+E000),
  so vendor 外字 reach the 外字 mapping (``kikan.characters.GaijiMapper``) whatever the codec.
- Mojibake is refused, never guessed at: a "CP932" file that reads as UTF-8, a "UTF-8" file that does
  not, too many undecodable bytes, replacement characters (U+FFFD), UTF-8 read as CP932 (縺ゅ…).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

SAMPLE = 4 * 1024 * 1024
GAIJI_ERRORS = "kikan-gaiji"  # strict, except that user-defined areas become PUA
GAIJI_REPLACE = "kikan-gaiji-replace"  # the same, other bad bytes become U+FFFD
REPLACEMENT = "\ufffd"
NAMES = {"cp932": "CP932（Shift_JIS）", "shift_jis": "Shift_JIS", "euc_jp": "EUC-JP", "utf-8": "UTF-8"}


def _user_defined(exc: UnicodeDecodeError) -> str | None:
    data, i = exc.object, exc.start
    if i + 1 >= len(data):
        return None
    b0, b1 = data[i], data[i + 1]
    enc = exc.encoding.replace("-", "_").lower()
    if enc in ("shift_jis", "sjis", "cp932") and 0xF0 <= b0 <= 0xF9 and (0x40 <= b1 <= 0xFC and b1 != 0x7F):
        return chr(0xE000 + (b0 - 0xF0) * 188 + (b1 - 0x40 - (1 if b1 >= 0x80 else 0)))
    if enc in ("euc_jp", "eucjp") and 0xF5 <= b0 <= 0xFE and 0xA1 <= b1 <= 0xFE:
        return chr(0xE000 + (b0 - 0xF5) * 94 + (b1 - 0xA1))
    return None


def _gaiji(exc: UnicodeError) -> tuple[str, int]:
    if isinstance(exc, UnicodeDecodeError):
        ch = _user_defined(exc)
        if ch is not None:
            return ch, exc.start + 2
    raise exc


def _gaiji_replace(exc: UnicodeError) -> tuple[str, int]:
    if isinstance(exc, UnicodeDecodeError):
        ch = _user_defined(exc)
        return (ch, exc.start + 2) if ch is not None else (REPLACEMENT, exc.end)
    raise exc


codecs.register_error(GAIJI_ERRORS, _gaiji)
codecs.register_error(GAIJI_REPLACE, _gaiji_replace)


@dataclass(frozen=True)
class Sniff:
    """What the bytes of a file say about its encoding; ``refuse`` is the reason to reject it."""

    refuse: str = ""
    undecodable: int = 0


def _japanese_utf8(text: str) -> bool:
    """Decoded UTF-8 that is Japanese text: 3-byte characters (kana, kanji, full-width forms) and
    hardly any 2-byte ones (U+0080–07FF, Latin to Arabic) — half-width kana bytes of CP932 pair up
    into exactly those (ｼｹﾞ → "ظ"), Japanese in UTF-8 does not."""
    japanese = sum(1 for c in text if 0x3000 <= ord(c) <= 0x9FFF or 0xFF00 <= ord(c) <= 0xFFEF)
    two_byte = sum(1 for c in text if 0x80 <= ord(c) <= 0x7FF)
    return japanese > 0 and two_byte * 10 <= japanese


def _looks_utf8(sample: bytes) -> bool:
    if sample.isascii():
        return False
    text = sample.decode("utf-8", errors="replace")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return text.count(REPLACEMENT) <= max(2, non_ascii // 100) and _japanese_utf8(text[:65536])


def _looks_cp932(sample: bytes) -> bool:
    text = sample.decode("cp932", errors="replace")
    return not sample.isascii() and text.count(REPLACEMENT) <= 2


def _undecodable(data: bytes, encoding: str, chunk: int = 8 * 1024 * 1024) -> int:
    """Bad byte sequences in ``data`` (U+FFFD after decoding), decoded in chunks to spare memory."""
    decoder = codecs.getincrementaldecoder(encoding)(
        errors=GAIJI_REPLACE if encoding != "utf-8" else "replace"
    )
    view = memoryview(data)
    bad = 0
    for start in range(0, len(data), chunk):
        bad += decoder.decode(view[start : start + chunk], final=start + chunk >= len(data)).count(
            REPLACEMENT
        )
    return bad


def sniff(data: bytes, encoding: str, records: int) -> Sniff:
    """Decide whether ``data`` can be read as ``encoding`` at all (checks the whole file for bad bytes)."""
    if data.isascii():
        return Sniff()
    sample = data[:SAMPLE]
    want = NAMES.get(encoding, encoding)
    if encoding != "utf-8" and _looks_utf8(sample):
        return Sniff(
            f"UTF-8 で書かれたファイルです（レイアウトの文字コードは {want}）。文字化けのため読み込みません"
        )
    body = data[3:] if encoding == "utf-8" and data.startswith(codecs.BOM_UTF8) else data
    bad = _undecodable(body, encoding) - (body.count(b"\xef\xbf\xbd") if encoding == "utf-8" else 0)
    if encoding == "utf-8" and bad and _looks_cp932(sample) and not _looks_utf8(sample):
        return Sniff(
            "CP932（Shift_JIS）で書かれたファイルです（レイアウトの文字コードは UTF-8）。文字化けのため読み込みません",
            bad,
        )
    limit = max(10, records // 100)
    if bad > limit:
        return Sniff(
            f"{want} として変換できないバイト列が {bad:,} 箇所あります（許容 {limit:,} 箇所）。"
            "文字コードが違うか、ファイルが壊れています",
            bad,
        )
    replaced = body.count(b"\xef\xbf\xbd") if encoding == "utf-8" else 0
    if replaced > limit:
        return Sniff(
            f"置換文字（U+FFFD）が {replaced:,} 箇所あります。文字化けした後のデータのため読み込みません", bad
        )
    return Sniff("", bad)


def decode_strict(raw: bytes, codec: str) -> str:
    """Decode one field: strict, except 外字 areas (→ PUA).  Raises UnicodeDecodeError."""
    if codec == "utf-8" or codec == "cp932":
        return raw.decode(codec)
    return raw.decode(codec, errors=GAIJI_ERRORS)


_SUSPECT = re.compile("[\uff61-\uff9f縺繧繝]")  # half-width katakana, or CP932 of UTF-8 kana lead bytes


def suspect(decoded: str) -> bool:
    """Whether a legacy field's text shows traces of UTF-8 read in a legacy encoding (see below)."""
    return _SUSPECT.search(decoded) is not None


def utf8_in_legacy(raw: bytes, decoded: str | None) -> bool:
    """A field of a CP932/EUC-JP file whose bytes are UTF-8 Japanese (a converted record).

    ``decoded``: the field read in the file's encoding (None if that failed).  Short genuine CP932
    names can happen to be valid UTF-8 (从q); UTF-8 Japanese read as CP932 almost always leaves
    half-width katakana (continuation bytes A1–DF) or 縺/繧/繝 (UTF-8 kana start E3 81–83), so a clean
    decode without them is trusted."""
    if raw.isascii():
        return False
    if decoded is not None and not _SUSPECT.search(decoded):
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _japanese_utf8(text) and all(c in " \u3000" or ord(c) >= 0x3000 for c in text)


def utf8_read_as_cp932(text: str) -> bool:
    """Text of a UTF-8 file that is UTF-8 once decoded as CP932 and saved again (縺ゅ… mojibake)."""
    if len(text) < 2 or text.isascii():
        return False
    try:
        again = text.encode("cp932").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
    return again != text and not again.isascii()
