"""EUC use cases: save/list/delete definitions, preview (first 100 rows), export CSV.

Basis: 住民記録システム標準仕様書 10.1 EUC (conditions, output items, CSV output, no impact on online
processing) and 10.2 (アクセスログ: an EUC extract is logged with who, when, what). Every run is
audited with its row count and a summary of its conditions; 個人番号 is never extractable.

Runs read in their own read-only, time-limited transaction (:mod:`kikan.adapters.db.euc_reader`)
and are bounded in rows: a preview shows the first :data:`PREVIEW_ROWS`, an export over
``max_rows`` is refused (:class:`TooLarge`, 413) rather than cut.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kikan.adapters.db import euc_query, euc_reader, euc_store
from kikan.adapters.db.database import Database
from kikan.core.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed
from kikan.core.tenancy import TenantContext
from kikan.euc.csv_out import ENCODINGS, CsvOut, Substitution, to_csv
from kikan.euc.fields import FIELDS
from kikan.euc.spec import Spec, describe, parse_spec, spec_to_json

PREVIEW_ROWS = 100
EXPORT_MAX_ROWS = 100_000
PREVIEW_TIMEOUT_MS = 10_000
EXPORT_TIMEOUT_MS = 60_000
FUNCTION = "euc"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


@dataclass(frozen=True)
class Definition:
    definition_id: int
    version: int
    name: str
    description: str
    spec: Spec
    deleted: bool = False
    recorded_by: str = ""
    recorded_at: Any = None


@dataclass
class Extraction:
    header: list[str]
    columns: list[str]
    rows: list[tuple[Any, ...]]
    more: bool  # more rows exist than were returned (preview)
    summary: str


@dataclass
class Export:
    csv: CsvOut
    filename: str
    substitutions: tuple[Substitution, ...] = field(default_factory=tuple)


def _definition(row: Mapping[str, Any]) -> Definition:
    return Definition(row["definition_id"], row["version"], row["name"], row["description"], parse_spec(row["spec"]),
                      row["deleted"], row["recorded_by"], row["recorded_at"])  # fmt: skip


def _meta(name: Any, description: Any) -> tuple[str, str]:
    errors = []
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        errors.append(FieldError("名称", "100文字以内で入力してください"))
    if description is not None and (not isinstance(description, str) or len(description) > 500):
        errors.append(FieldError("説明", "500文字以内で入力してください"))
    if errors:
        raise ValidationFailed(errors)
    return str(name).strip(), str(description or "")


def save(uow: Any, *, name: Any, description: Any, spec: Mapping[str, Any], definition_id: int | None = None,
         expected_version: int | None = None) -> Definition:  # fmt: skip
    """Save a new definition, or a new version of ``definition_id`` if it is still ``expected_version``."""
    name_, desc = _meta(name, description)
    parsed = parse_spec(spec)
    if definition_id is None:
        definition_id, version = euc_store.new_id(uow), 1
    else:
        cur = euc_store.current(uow, definition_id)
        if cur is None or cur["deleted"]:
            raise NotFound("抽出定義が見つかりません", field="定義番号")
        if expected_version != cur["version"]:
            raise Conflict(euc_store.CONFLICT_MESSAGE)
        version = cur["version"] + 1
    row = euc_store.insert(
        uow, definition_id, version, name=name_, description=desc, spec=spec_to_json(parsed)
    )
    uow.audit(f"{FUNCTION}.define", "create" if version == 1 else "update", target_type="euc_definition",
              target_id=str(definition_id), detail=f"版={version} {name_} {describe(parsed)}"[:1000])  # fmt: skip
    return _definition(row)


def delete(uow: Any, definition_id: int, expected_version: int) -> Definition:
    cur = euc_store.current(uow, definition_id)
    if cur is None or cur["deleted"]:
        raise NotFound("抽出定義が見つかりません", field="定義番号")
    if expected_version != cur["version"]:
        raise Conflict(euc_store.CONFLICT_MESSAGE)
    row = euc_store.insert(uow, definition_id, cur["version"] + 1, name=cur["name"], description=cur["description"],
                           spec=cur["spec"], deleted=True)  # fmt: skip
    uow.audit(f"{FUNCTION}.define", "delete", target_type="euc_definition", target_id=str(definition_id))
    return _definition(row)


def get(uow: Any, definition_id: int) -> Definition:
    cur = euc_store.current(uow, definition_id)
    if cur is None or cur["deleted"]:
        raise NotFound("抽出定義が見つかりません", field="定義番号")
    return _definition(cur)


def list_all(uow: Any) -> list[Definition]:
    return [_definition(r) for r in euc_store.list_current(uow)]


def _run(db: Database, ctx: TenantContext, spec: Spec, limit: int, timeout_ms: int) -> list[tuple[Any, ...]]:
    with euc_reader.read_only(db, ctx.tenant_id, timeout_ms=timeout_ms) as conn:
        return euc_query.fetch(conn, spec, ctx.tenant_id, limit)


def _audit(db: Database, ctx: TenantContext, action: str, target: str, detail: str) -> None:
    with db.uow(ctx) as uow:
        uow.audit(
            f"{FUNCTION}.run", action, target_type="euc_definition", target_id=target, detail=detail[:2000]
        )
        uow.commit()


def preview(db: Database, ctx: TenantContext, spec: Spec, *, target: str = "adhoc") -> Extraction:
    """The first :data:`PREVIEW_ROWS` rows, on screen (audited: 件数 and conditions)."""
    rows = _run(db, ctx, spec, PREVIEW_ROWS + 1, PREVIEW_TIMEOUT_MS)
    shown, more = rows[:PREVIEW_ROWS], len(rows) > PREVIEW_ROWS
    summary = describe(spec)
    _audit(
        db, ctx, "read", target, f"プレビュー 表示{len(shown)}件{'（以降あり）' if more else ''} {summary}"
    )
    return Extraction([FIELDS[c].ja for c in spec.columns], list(spec.columns), shown, more, summary)


def export(db: Database, ctx: TenantContext, spec: Spec, *, encoding: str = "utf-8", strict: bool = False,
           max_rows: int = EXPORT_MAX_ROWS, target: str = "adhoc", filename: str = "euc") -> Export:  # fmt: skip
    """All rows as CSV; more than ``max_rows`` → :class:`TooLarge`; characters CP932 cannot carry
    are substituted and reported (``strict`` → refused, naming the cells)."""
    if encoding not in ENCODINGS:
        raise ValidationFailed([FieldError("文字コード", "utf-8 または cp932 を指定してください")])
    if not 1 <= max_rows <= EXPORT_MAX_ROWS:
        raise ValidationFailed([FieldError("最大件数", f"1〜{EXPORT_MAX_ROWS:,}件で指定してください")])
    rows = _run(db, ctx, spec, max_rows + 1, EXPORT_TIMEOUT_MS)
    if len(rows) > max_rows:
        raise TooLarge(
            f"抽出件数が上限（{max_rows:,}件）を超えています。条件を絞り込んでください", field="抽出条件"
        )
    out = to_csv([FIELDS[c].ja for c in spec.columns], rows, encoding)
    if strict and out.substitutions:
        raise ValidationFailed([
            FieldError(f"{s.row}行目の{s.column}", f"「{s.char}」（{s.code_point}）は{ENCODINGS[encoding]}で出力できません")
            for s in out.substitutions[:20]
        ])  # fmt: skip
    _audit(db, ctx, "export", target,
           f"CSV出力 {len(rows)}件 {ENCODINGS[encoding]} 代替文字{len(out.substitutions)}件 {describe(spec)}")  # fmt: skip
    return Export(out, f"{filename}.csv", out.substitutions)
