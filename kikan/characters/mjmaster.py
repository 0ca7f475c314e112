"""The character master: MJ文字 (文字情報基盤 MJ文字情報一覧表) with their codes and the MJ縮退マップ.

Basis: デジタル庁「地方公共団体情報システムの文字要件」— standardised systems use 行政事務標準文字 (MJ文字
with Moji_Joho IVS plus the MJ+ additions); IPA/CITPC MJ文字情報一覧表 Ver.006.02 and MJ縮退マップ
Ver.1.2.0 (CC BY-SA 2.1 JP; see ``data/LICENSE-DATA.md``).  The derived tables in ``data/`` are
built by ``scripts/build_character_master.py``.

Loading is lazy and cached (:func:`master`): the first call parses the gzip'd TSV files (well under a
second), later calls return the same object.  Extra rows — the 行政事務標準文字 additions beyond MJ
once an official machine-readable list is available, or tenant-independent corrections — are read
from ``data/extra/*.tsv`` (same header as ``mj_master.tsv.gz``; see ``data/extra/README.md``) or
passed to :func:`load_master`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from kikan.characters.records import SHRINK_RULES, MjChar, Shrink

DATA = Path(__file__).resolve().parent / "data"
__all__ = ["COLUMNS", "DATA", "SHRINK_RULES", "Master", "MjChar", "Shrink", "load_master", "master"]

COLUMNS: tuple[str, ...] = tuple(f for f in MjChar.__dataclass_fields__ if f != "source")
"""The columns of ``mj_master.tsv.gz`` (and of extension tables), in file order."""
_C = {name: i for i, name in enumerate(COLUMNS)}
_SEQUENCE_COLUMNS = (_C["ivs"], _C["svs"], _C["compat"], _C["impl_ucs"])


def normalise_juki_code(code: str) -> str:
    """``"bd4b"``, ``"J+BD4B"``, ``"j+bd4b"`` → ``"J+BD4B"`` (住基ネット統一文字コード)."""
    c = code.strip().upper().removeprefix("J+").removeprefix("0X")
    return f"J+{c}" if c else ""


_EAGER = _C["dup_ivs"] + 1
"""The loader splits only the first columns of each line (mj … compat, dup_ivs: what it indexes);
the rest of a row is split when the row is first asked for."""


def _make(fields: list[str], source: str) -> MjChar:
    d: dict[str, Any] = dict(zip(COLUMNS, fields, strict=True))
    d["strokes"] = int(d["strokes"]) if d["strokes"] else None
    d["dup_ivs"] = tuple(d["dup_ivs"].split())
    return MjChar(**d, source=source)


def _lines(path: Path, maxsplit: int = -1) -> tuple[list[str], list[list[str]]]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    lines = raw.decode("utf-8").split("\n")
    header = lines[0].rstrip("\r").split("\t")
    return header, [line.rstrip("\r").split("\t", maxsplit) for line in lines[1:] if line.strip()]


def _conform(header: list[str], rows: list[list[str]], path: Path) -> list[list[str]]:
    """Rows of an extension table reordered to :data:`COLUMNS` (missing columns empty)."""
    unknown = set(header) - set(COLUMNS)
    if unknown or "mj" not in header:
        raise ValueError(f"{path}: unknown columns {sorted(unknown)} or no mj column")
    out = []
    for n, r in enumerate(rows, start=2):
        d = dict(zip(header, r, strict=False))
        if not d.get("mj") or not (d.get("ucs") or d.get("impl_ucs") or d.get("ivs")):
            raise ValueError(f"{path}:{n}: mj and one of ucs/impl_ucs/ivs are required")
        if d.get("juki"):
            d["juki"] = normalise_juki_code(d["juki"])
        out.append([d.get(c, "").strip() for c in COLUMNS])
    return out


class Master:
    """The loaded master with its lookup indexes.  Build with :func:`load_master`; use :func:`master`.

    Rows stay as split TSV fields until asked for (an :class:`MjChar` is made on lookup), and the
    MJ縮退マップ is parsed on first use, so a membership check loads only what it needs."""

    def __init__(
        self, fields: list[list[str]], sources: list[str], shrink_path: Path, manifest: dict[str, object]
    ):
        self._fields = fields
        self._sources = sources
        self._shrink_path = shrink_path
        self.manifest = manifest
        self._rows: dict[int, MjChar] = {}
        self._by_mj: dict[str, int] = {}
        self._exact: dict[str, list[int]] = {}
        self._by_ucs: dict[str, list[int]] = {}
        exact, by_ucs, by_mj = self._exact, self._by_ucs, self._by_mj
        ucs_col, dup_col = _C["ucs"], _C["dup_ivs"]
        for i, f in enumerate(fields):
            by_mj[f[0]] = i
            for col in _SEQUENCE_COLUMNS:
                if f[col]:
                    exact.setdefault(f[col], []).append(i)
            if f[dup_col]:
                for s in f[dup_col].split():
                    exact.setdefault(s, []).append(i)
            if f[ucs_col]:
                by_ucs.setdefault(f[ucs_col], []).append(i)
        for key, ids in exact.items():  # impl_ucs and compat may both name one row
            if len(ids) > 1:
                exact[key] = list(dict.fromkeys(ids))

    def __len__(self) -> int:
        return len(self._fields)

    def _full(self, i: int) -> list[str]:
        f = self._fields[i]
        if len(f) == _EAGER + 1:  # split lazily: the tail is still one string
            f = self._fields[i] = f[:_EAGER] + f[_EAGER].split("\t")
        return f

    def row(self, i: int) -> MjChar:
        r = self._rows.get(i)
        if r is None:
            r = self._rows[i] = _make(self._full(i), self._sources[i])
        return r

    def __iter__(self) -> Iterator[MjChar]:
        return (self.row(i) for i in range(len(self._fields)))

    def get(self, mj: str) -> MjChar | None:
        """The row of one MJ文字図形名 (or extension id)."""
        i = self._by_mj.get(mj.strip().upper())
        return None if i is None else self.row(i)

    def lookup(self, sequence: str) -> list[MjChar]:
        """MJ rows written as ``sequence`` (one character, or a base with its variation selector).

        A plain code point gives the glyph implemented at it; a code point that only has IVS glyphs
        (no default glyph) gives all of them (the plain code point is then ambiguous between them)."""
        ids = self._exact.get(sequence) or (self._by_ucs.get(sequence, []) if len(sequence) == 1 else [])
        return [self.row(i) for i in ids]

    def __contains__(self, sequence: object) -> bool:
        return isinstance(sequence, str) and (
            sequence in self._exact or (len(sequence) == 1 and sequence in self._by_ucs)
        )

    def by_juki(self, code: str) -> list[MjChar]:
        """Rows with a 住基ネット統一文字コード (``J+XXXX``; prefix and case are optional)."""
        return [self.row(i) for i in self._by_code[0].get(normalise_juki_code(code), [])]

    def by_koseki(self, number: str) -> list[MjChar]:
        """Rows with a 戸籍統一文字番号 (6 digits)."""
        return [self.row(i) for i in self._by_code[1].get(number.strip(), [])]

    def variants_on(self, base: str) -> list[MjChar]:
        """All MJ glyphs on the code point ``base`` (its default glyph and its IVS variants)."""
        return [self.row(i) for i in self._by_base.get(base, [])]

    def shrink(self, mj: str) -> list[Shrink]:
        """縮退 candidates of one MJ character, in :data:`SHRINK_RULES` order then by rank."""
        return [_shrink(r) for r in self._shrinks.get(mj, [])]

    def shrunk_from(self, target: str) -> list[Shrink]:
        """The reverse MJ縮退マップ: every MJ character that degrades to ``target`` (its variant family)."""
        return [_shrink(r) for r in self._reverse.get(target, [])]

    @cached_property
    def _by_code(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        juki: dict[str, list[int]] = {}
        koseki: dict[str, list[int]] = {}
        jc, kc = _C["juki"], _C["koseki"]
        for i in range(len(self._fields)):
            f = self._full(i)
            if f[jc]:
                juki.setdefault(f[jc], []).append(i)
            if f[kc]:
                koseki.setdefault(f[kc], []).append(i)
        return juki, koseki

    @cached_property
    def _by_base(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for seq, ids in self._exact.items():
            for i in ids:
                out.setdefault(seq[0], []).append(i)
        for ucs, ids in self._by_ucs.items():
            out.setdefault(ucs, []).extend(ids)
        return {b: sorted(set(ids)) for b, ids in out.items()}

    @cached_property
    def _shrinks(self) -> dict[str, list[list[str]]]:
        """Raw MJ縮退マップ rows by MJ文字図形名 (the build script wrote them in preference order)."""
        out: dict[str, list[list[str]]] = {}
        for r in _lines(self._shrink_path)[1]:
            out.setdefault(r[0], []).append(r)
        return out

    @cached_property
    def _reverse(self) -> dict[str, list[list[str]]]:
        out: dict[str, list[list[str]]] = {}
        for rows in self._shrinks.values():
            for r in rows:
                out.setdefault(r[1], []).append(r)
        return out


def _shrink(r: list[str]) -> Shrink:
    mj, target, x0213, rule, rank = r
    return Shrink(mj, target, x0213, rule, int(rank) if rank else None)


def extra_tables(directory: Path = DATA / "extra") -> list[Path]:
    """The extension tables shipped or installed next to the master (``*.tsv`` / ``*.tsv.gz``)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.endswith((".tsv", ".tsv.gz")))


def load_master(data: Path = DATA, extra: Iterable[Path] | None = None) -> Master:
    """Parse the master from ``data`` plus extension tables (default: :func:`extra_tables`).

    An extension row whose ``mj`` equals an MJ row replaces it; new ids are added (``source`` is the
    extension file's name)."""
    header, fields = _lines(data / "mj_master.tsv.gz", _EAGER)
    if tuple(header) != COLUMNS:
        raise ValueError(f"mj_master.tsv.gz: unexpected header {header}")
    sources = ["MJ"] * len(fields)
    paths = extra_tables(data / "extra") if extra is None else list(extra)
    if paths:
        position = {f[0]: i for i, f in enumerate(fields)}
        for path in paths:
            h, rows = _lines(path)
            for f in _conform(h, rows, path):
                if f[0] in position:
                    fields[position[f[0]]], sources[position[f[0]]] = f, path.name
                else:
                    position[f[0]] = len(fields)
                    fields.append(f)
                    sources.append(path.name)
    manifest_path = data / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    return Master(fields, sources, data / "mj_shrink.tsv.gz", manifest)


@lru_cache(maxsize=1)
def master() -> Master:
    """The process-wide master (loaded on first use, then cached)."""
    return load_master()
