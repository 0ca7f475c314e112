"""API shapes of EUC (OpenAPI). The spec itself is validated by :func:`kikan.euc.spec.parse_spec`
(so its errors name the condition and item in Japanese); the models here only give it a shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kikan.euc.csv_out import text_of
from kikan.euc.services import Definition, Extraction
from kikan.euc.spec import spec_to_json


class ConditionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str = Field(description="項目名（GET /api/v1/euc/fields の name）", examples=["birth_date"])
    op: str = Field(
        description="eq, ne, lt, gt, between, prefix, contains, is_empty, not_empty", examples=["between"]
    )
    value: Any = Field(default=None, examples=["1950-01-01"])
    value2: Any = Field(default=None, description="between の終わり", examples=["1959-12-31"])


class SortIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str
    descending: bool = False


class SpecIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(default="current", description="current 現在の記録（除票を含む）/ history 異動履歴")
    conditions: list[ConditionIn] = Field(default_factory=list, description="抽出条件（すべて満たす行）")
    columns: list[str] = Field(
        description="出力項目", examples=[["addressee_no", "family_name", "birth_date"]]
    )
    sort: list[SortIn] = Field(default_factory=list, description="並び順")
    include_cancelled: bool = Field(default=False, description="異動の取消し済みの行も含める（history のみ）")


class DefinitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100, description="名称")
    description: str = Field(default="", max_length=500, description="説明")
    spec: SpecIn


class DefinitionUpdate(DefinitionIn):
    expected_version: int = Field(ge=1, description="表示時の版（他の職員が先に更新していれば 409）")


class ExportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    spec: SpecIn
    encoding: Literal["utf-8", "cp932"] = "utf-8"
    strict: bool = False


class DefinitionOut(BaseModel):
    definition_id: int = Field(description="定義番号")
    version: int = Field(description="版")
    name: str
    description: str
    spec: dict[str, Any]
    recorded_by: str
    recorded_at: datetime | None
    deleted: bool


class PreviewOut(BaseModel):
    header: list[str] = Field(description="列見出し（標準の項目名）")
    columns: list[str] = Field(description="項目名")
    rows: list[list[str]] = Field(description="先頭100行")
    more: bool = Field(description="101行目以降がある")
    summary: str = Field(description="条件の要約")


class FieldOut(BaseModel):
    name: str
    ja: str
    kind: str
    length: int
    group: str
    operators: list[str]


def definition_out(d: Definition) -> DefinitionOut:
    return DefinitionOut(definition_id=d.definition_id, version=d.version, name=d.name, description=d.description,
                         spec=spec_to_json(d.spec), recorded_by=d.recorded_by, recorded_at=d.recorded_at,
                         deleted=d.deleted)  # fmt: skip


def preview_out(e: Extraction) -> PreviewOut:
    return PreviewOut(header=e.header, columns=e.columns, rows=[[text_of(v) for v in r] for r in e.rows],
                      more=e.more, summary=e.summary)  # fmt: skip
