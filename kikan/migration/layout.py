"""File layouts for legacy data (移行データのレイアウト): CSV or fixed width, described in YAML.

Basis: 中間標準レイアウト仕様 (J-LIS) — the data dictionary for moving data between municipal systems
(item names, types, lengths, code tables); standards.md §4.  A layout names, for each field of a
record, the registry item it holds (``kikan.migration.targets``), how its text is written (date form,
code table, half-width kana) and where it is: for fixed width by **byte** offset and length (Shift_JIS
files are laid out in bytes: slice the bytes, then decode), for CSV by column.

Built-in layouts live in ``kikan/migration/layouts/*.yaml``; ``load_layout`` also takes a path.  A
layout may ``extends:`` another and override its top-level keys (e.g. only ``encoding``).
Errors in a layout raise ``ValidationFailed`` naming the field, in Japanese.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kikan.core.errors import FieldError, ValidationFailed
from kikan.migration.business_targets import (
    BUSINESSES,
    JUKI,
    REQUIRED,
    TAX_INCOME,
    TAX_TARGETS,
    WELFARE_TARGETS,
)
from kikan.migration.targets import TARGETS, Target

LAYOUT_DIR = Path(__file__).parent / "layouts"
ENCODINGS = {"cp932": "cp932", "shift_jis": "shift_jis", "euc_jp": "euc_jp", "utf-8": "utf-8"}
DATE_FORMATS = frozenset({"yyyymmdd", "wareki_code", "iso", "auto"})
NEWLINES = {"crlf": b"\r\n", "lf": b"\n", "none": b""}
#: 外字 code system per encoding (kikan.characters: cp932 codes are the Shift_JIS hex of F040–F9FC).
GAIJI_SYSTEMS = {"cp932": "cp932", "shift_jis": "cp932", "euc_jp": "euc_jp", "utf-8": "utf8"}


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record.  ``targets`` has one item, or several joined by ``separator`` (氏名)."""

    name: str
    targets: tuple[str, ...]
    kind: str  # str | date | int | bool | code
    offset: int | None = None  # fixed width: byte offset
    length: int | None = None  # fixed width: bytes; csv: ignored
    date_format: str = "yyyymmdd"
    codes: Mapping[str, Any] = field(default_factory=dict)  # file text → stored value
    transform: str = ""  # "h2z": half-width kana in the file, full-width stored
    separator: str = "\u3000"
    required: bool = False

    @property
    def target(self) -> str:
        return self.targets[0]

    def export_codes(self) -> dict[Any, str]:
        """Stored value → file text (the first code listed for a value wins)."""
        out: dict[Any, str] = {}
        for code, value in self.codes.items():
            out.setdefault(value, code)
        return out


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    format: str  # fixed | csv
    encoding: str
    fields: tuple[FieldSpec, ...]
    record_length: int = 0
    newline: str = "crlf"
    header: bool = False
    delimiter: str = ","
    bom: bool = False
    gaiji: str = ""  # 外字 code system override (a vendor's name); default by encoding
    description: str = ""
    source: str = ""
    business: str = JUKI  # juki | tax_income | welfare_cases (kikan.migration.business_targets)

    @property
    def catalog(self) -> dict[str, Target]:
        return catalog(self.business)

    @property
    def codec(self) -> str:
        return ENCODINGS[self.encoding]

    @property
    def gaiji_system(self) -> str:
        return self.gaiji or GAIJI_SYSTEMS[self.encoding]

    @property
    def newline_bytes(self) -> bytes:
        return NEWLINES[self.newline]

    @property
    def columns(self) -> tuple[str, ...]:
        """Every target the layout fills, in field order (composite fields give several)."""
        return tuple(t for f in self.fields for t in f.targets)

    def field_of(self, target: str) -> FieldSpec | None:
        return next((f for f in self.fields if target in f.targets), None)


def catalog(business: str) -> dict[str, Target]:
    """The targets a layout of ``business`` may fill."""
    if business == TAX_INCOME:
        return TAX_TARGETS
    if business == JUKI:
        return TARGETS
    return WELFARE_TARGETS


def available_layouts() -> list[str]:
    return sorted(p.stem for p in LAYOUT_DIR.glob("*.yaml"))


def _read(name_or_path: str) -> tuple[dict[str, Any], str]:
    path = Path(name_or_path)
    if not path.suffix:
        path = LAYOUT_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        known = "、".join(available_layouts())
        raise ValidationFailed([FieldError("レイアウト", f"{name_or_path} がありません（組込み: {known}）")])
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise ValidationFailed([FieldError("レイアウト", f"{path.name} を読めません: {e}")]) from e
    if not isinstance(doc, dict):
        raise ValidationFailed([FieldError("レイアウト", f"{path.name} の形式が正しくありません")])
    if "extends" in doc:
        parent, _ = _read(str(doc.pop("extends")))
        doc = {**parent, **doc}
    return doc, str(path)


def load_layout(name_or_path: str) -> Layout:
    """A built-in layout by name (``chukan_juki``) or a YAML file by path."""
    doc, source = _read(name_or_path)
    return parse_layout(doc, source=source)


def parse_layout(doc: Mapping[str, Any], *, source: str = "") -> Layout:
    errors: list[FieldError] = []
    fmt = str(doc.get("format", ""))
    encoding = str(doc.get("encoding", ""))
    if fmt not in ("fixed", "csv"):
        errors.append(FieldError("format", "fixed（固定長）か csv を指定してください"))
    if encoding not in ENCODINGS:
        errors.append(FieldError("encoding", f"{'、'.join(ENCODINGS)} のいずれかを指定してください"))
    business = str(doc.get("business", JUKI))
    if business not in BUSINESSES:
        errors.append(FieldError("business", f"{'、'.join(BUSINESSES)} のいずれかを指定してください"))
        business = JUKI
    cat = catalog(business)
    tables = doc.get("code_tables") or {}
    specs = [_field(f, i, tables, fmt, errors, cat) for i, f in enumerate(doc.get("fields") or [], start=1)]
    fields = tuple(s for s in specs if s is not None)
    if not fields:
        errors.append(FieldError("fields", "項目がありません"))
    record_length = int(doc.get("record_length") or 0)
    newline = str(doc.get("newline", "crlf"))
    if newline not in NEWLINES:
        errors.append(FieldError("newline", "crlf、lf、none のいずれかを指定してください"))
    if fmt == "fixed":
        _check_fixed(fields, record_length, errors)
    targets = [t for f in fields for t in f.targets]
    dup = sorted({t for t in targets if targets.count(t) > 1})
    if dup:
        errors.append(FieldError("fields", f"同じ項目が複数の欄に割り当てられています: {', '.join(dup)}"))
    for key in ("addressee_no", "history_no") if business == JUKI else REQUIRED[business]:
        if key not in targets:
            errors.append(FieldError("fields", f"{cat[key].ja}（{key}）の欄が必要です"))
    if errors:
        raise ValidationFailed(errors)
    return Layout(
        name=str(doc.get("name") or Path(source).stem), title=str(doc.get("title", "")), format=fmt,
        encoding=encoding, fields=fields, record_length=record_length, newline=newline,
        header=bool(doc.get("header", fmt == "csv")), delimiter=str(doc.get("delimiter", ",")),
        bom=bool(doc.get("bom", False)), gaiji=str(doc.get("gaiji_system", "")), description=str(doc.get("description", "")), source=source,
        business=business,
    )  # fmt: skip


def _field(
    raw: Any, n: int, tables: Mapping[str, Any], fmt: str, errors: list[FieldError], cat: Mapping[str, Target]
) -> FieldSpec | None:
    where = f"fields {n}番目"
    if not isinstance(raw, dict) or "name" not in raw or "target" not in raw:
        errors.append(FieldError(where, "name と target が必要です"))
        return None
    name = str(raw["name"])
    where = f"{where}（{name}）"
    targets = tuple(raw["target"]) if isinstance(raw["target"], list) else (str(raw["target"]),)
    unknown = [t for t in targets if t not in cat]
    if unknown:
        errors.append(FieldError(where, f"登録項目 {', '.join(unknown)} はありません"))
        return None
    codes: Mapping[str, Any] = {}
    if "codes" in raw:
        table = raw["codes"]
        found = tables.get(table) if isinstance(table, str) else table
        if not isinstance(found, dict):
            errors.append(FieldError(where, f"コード表 {table} がありません"))
            return None
        codes = {str(k): v for k, v in found.items()}
    kind = _kind(raw, targets, codes, cat)
    if kind == "bool" and not codes:
        codes = {"1": True, "0": False}
    date_format = str(raw.get("date", "yyyymmdd"))
    if date_format not in DATE_FORMATS:
        errors.append(FieldError(where, f"date は {'、'.join(sorted(DATE_FORMATS))} のいずれかです"))
    if len(targets) > 1 and kind != "str":
        errors.append(FieldError(where, "複数の項目をつなぐ欄は文字列項目だけです"))
    offset, length = raw.get("offset"), raw.get("length")
    if fmt == "fixed" and (
        not isinstance(offset, int) or not isinstance(length, int) or length < 1 or offset < 0
    ):
        errors.append(FieldError(where, "固定長では offset と length（バイト）が必要です"))
    return FieldSpec(
        name=name, targets=targets, kind=kind, offset=offset, length=length, date_format=date_format,
        codes=codes, transform=str(raw.get("transform", "")), separator=str(raw.get("separator", "\u3000")),
        required=bool(raw.get("required", False)),
    )  # fmt: skip


def _kind(raw: Mapping[str, Any], targets: tuple[str, ...], codes: Mapping[str, Any],
          cat: Mapping[str, Target]) -> str:  # fmt: skip
    base = cat[targets[0]].kind
    if base == "bool":
        return "bool"
    if codes:
        return "code"
    return str(raw.get("type", base))


def _check_fixed(fields: tuple[FieldSpec, ...], record_length: int, errors: list[FieldError]) -> None:
    if record_length < 1:
        errors.append(FieldError("record_length", "固定長ではレコード長（バイト）が必要です"))
        return
    spans = sorted((f.offset or 0, (f.offset or 0) + (f.length or 0), f.name) for f in fields)
    for (a0, a1, an), (b0, _b1, bn) in zip(spans, spans[1:], strict=False):
        if b0 < a1:
            errors.append(
                FieldError("fields", f"{an}（{a0}〜{a1 - 1}バイト）と {bn}（{b0}バイト〜）が重なっています")
            )
    if spans and spans[-1][1] > record_length:
        errors.append(
            FieldError("record_length", f"{spans[-1][2]} がレコード長 {record_length} バイトを超えています")
        )
