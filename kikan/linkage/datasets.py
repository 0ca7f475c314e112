"""Published datasets: definitions as data, and their JSON Schemas.

共通機能標準仕様書「庁内データ連携」: each business publishes its data; consumers pull it by API or by
file (データ要件・連携要件標準仕様書: PULL is the principle, file linkage the default). A dataset has
a name, a version, an item list (Japanese name, type, length) and a source. The resident
registry's items come from :mod:`kikan.juki.items` (one source of truth); 個人番号 is never
published in clear (items flagged ``secret`` are left out; a future ``juki.residents`` version may
carry it only to clients granted ``juki.residents.individual_number``, see ``docs/linkage.md``).

``semantics`` says what a change record is:

- ``history``: an immutable history row (宛名番号 + 履歴番号); apply in order, ignore older 履歴番号.
- ``event``: an immutable event (one 異動), identified by ``event_id``.
- ``state``: the current state of the key at the time of the pull (an upsert notification).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kikan.juki.events import EVENT_TYPES
from kikan.juki.items import ITEMS, Item

API_BASE = "/api/v1/linkage"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class FieldDef:
    """One item of a dataset: id (column name), Japanese name, type and maximum length."""

    name: str
    ja: str
    type: str = "string"  # string | date | datetime | boolean | integer | array | object
    length: int = 0
    nullable: bool = True
    description: str = ""
    items: tuple[FieldDef, ...] = ()  # for arrays of objects


@dataclass(frozen=True)
class Dataset:
    name: str
    version: int
    title: str
    description: str
    owner: str  # the publishing business
    source: str  # where the records come from (documentation)
    key: tuple[str, ...]
    semantics: str  # history | event | state
    fields: tuple[FieldDef, ...]
    csv_fields: tuple[FieldDef, ...]
    event_types: frozenset[str] = field(default_factory=frozenset)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def schema_url(self) -> str:
        return f"{API_BASE}/datasets/{self.name}/schema"


_KIND = {"str": "string", "date": "date", "bool": "boolean", "int": "integer"}


def _from_item(item: Item) -> FieldDef:
    return FieldDef(item.name, item.ja, _KIND[item.kind], item.length)


RESIDENT_KEY = (
    FieldDef("addressee_no", "宛名番号", "string", 15, nullable=False),
    FieldDef("history_no", "履歴番号", "integer", nullable=False),
    FieldDef("event_code", "異動事由コード", "string", 40),
)
RESIDENT_FIELDS: tuple[FieldDef, ...] = RESIDENT_KEY + tuple(_from_item(i) for i in ITEMS if not i.secret)

MOVE_PERSON_FIELDS = RESIDENT_FIELDS + (
    FieldDef(
        "individual_number_changed", "個人番号の変更有無", "boolean", description="番号そのものは含まない"
    ),
)
MOVE_HEAD = (
    FieldDef("event_id", "イベントID", "string", 36, nullable=False),
    FieldDef("event_type", "イベント種別", "string", 80, nullable=False),
    FieldDef("event_code", "異動事由コード", "string", 40, nullable=False),
    FieldDef("event_name", "異動事由", "string", 60),
    FieldDef("group", "異動事由の区分", "string", 10, description="記載 / 消除 / 修正"),
    FieldDef("category", "標準仕様書の異動事由", "string", 40),
    FieldDef("event_on", "異動日", "date"),
    FieldDef("reported_on", "届出日", "date"),
    FieldDef("processed_on", "処理日", "date"),
    FieldDef("household_no", "世帯番号", "string", 15),
    FieldDef("move_id", "異動ID", "string", 36),
)
MOVE_FIELDS = MOVE_HEAD + (
    FieldDef(
        "details",
        "異動の付随情報",
        "object",
        description="異動事由ごとの追加項目（転入の種別、変更項目など）",
    ),
    FieldDef("persons", "異動者", "array", items=MOVE_PERSON_FIELDS, nullable=False),
)
MOVE_CSV = MOVE_HEAD + (
    FieldDef("addressee_no", "宛名番号", "string", 15),
    FieldDef("history_no", "履歴番号", "integer"),
    FieldDef("individual_number_changed", "個人番号の変更有無", "boolean"),
)

HOUSEHOLD_FIELDS = (
    FieldDef("household_no", "世帯番号", "string", 15, nullable=False),
    FieldDef("head_addressee_no", "世帯主の宛名番号", "string", 15),
    FieldDef("address", "住所", "string", 200),
    FieldDef("katagaki", "方書", "string", 200),
    FieldDef("address_code", "住所コード", "string", 20),
    FieldDef("town_code", "町字コード", "string", 20),
    FieldDef("postal_code", "郵便番号", "string", 7),
    FieldDef("status", "世帯の状態", "string", 10, description="active 現存 / dissolved 消滅"),
    FieldDef("version", "版", "integer", nullable=False, description="世帯の更新のたびに増える"),
    FieldDef(
        "member_addressee_nos", "世帯員の宛名番号", "array", nullable=False,
        description="現に住民である世帯員、並び順。CSVでは半角空白区切り",
    ),
)  # fmt: skip

JUKI = frozenset(EVENT_TYPES)

REGISTRY: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            name="juki.residents", version=1, title="住民（住民票・除票）",
            description="住民記録の標準項目（除票を含む）。宛名番号ごとの最新の履歴。変更分は異動ごとの履歴行。",
            owner="juki", source="juki_history（現在の履歴）／住民記録の異動イベント（outbox）",
            key=("addressee_no",), semantics="history", fields=RESIDENT_FIELDS, csv_fields=RESIDENT_FIELDS,
            event_types=JUKI,
        ),
        Dataset(
            name="juki.households", version=1, title="世帯",
            description="世帯の現在の状態。変更分は異動で影響を受けた世帯の、取得時点の状態。",
            owner="juki", source="juki_household／住民記録の異動イベント（outbox）",
            key=("household_no",), semantics="state", fields=HOUSEHOLD_FIELDS, csv_fields=HOUSEHOLD_FIELDS,
            event_types=JUKI,
        ),
        Dataset(
            name="juki.moves", version=1, title="異動",
            description="住民記録の異動（1異動＝1イベント）。確定した順（コミット順）。",
            owner="juki", source="住民記録の異動イベント（outbox）",
            key=("event_id",), semantics="event", fields=MOVE_FIELDS, csv_fields=MOVE_CSV,
            event_types=JUKI,
        ),
    )
}  # fmt: skip


def get(name: str) -> Dataset | None:
    return REGISTRY.get(name)


def _field_schema(f: FieldDef) -> dict[str, Any]:
    s: dict[str, Any] = {"title": f.ja}
    if f.description:
        s["description"] = f.description
    if f.type == "date":
        s.update(type="string", format="date")
    elif f.type == "datetime":
        s.update(type="string", format="date-time")
    elif f.type == "array":
        s["type"] = "array"
        s["items"] = _object_schema(f.items) if f.items else {"type": "string"}
    elif f.type == "object":
        s["type"] = "object"
    else:
        s["type"] = f.type
        if f.type == "string" and f.length:
            s["maxLength"] = f.length
    if f.nullable:
        s["type"] = [s["type"], "null"]
    return s


def _object_schema(fields: tuple[FieldDef, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f.name: _field_schema(f) for f in fields},
        "required": [f.name for f in fields],
        "additionalProperties": False,
    }


def json_schema(ds: Dataset) -> dict[str, Any]:
    """The JSON Schema (2020-12) of one record (``data``) of the dataset."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": ds.schema_url,
        "title": f"{ds.title}（{ds.name} 第{ds.version}版）",
        "description": ds.description,
        **_object_schema(ds.fields),
        "x-kikan-dataset": ds.name,
        "x-kikan-version": ds.version,
        "x-kikan-key": list(ds.key),
        "x-kikan-semantics": ds.semantics,
    }


def describe(ds: Dataset) -> dict[str, Any]:
    """The catalogue entry: everything but the schema body."""
    return {
        "name": ds.name, "version": ds.version, "title": ds.title, "description": ds.description,
        "owner": ds.owner, "source": ds.source, "key": list(ds.key), "semantics": ds.semantics,
        "schema_url": ds.schema_url,
        "items": [{"name": f.name, "ja": f.ja, "type": f.type, "length": f.length or None} for f in ds.fields],
        "csv_columns": [f.name for f in ds.csv_fields],
    }  # fmt: skip
