"""Published datasets: definitions as data, and their JSON Schemas.

共通機能標準仕様書「庁内データ連携」: each business publishes its data; consumers pull it by API or by
file (データ要件・連携要件標準仕様書: PULL is the principle, file linkage the default). A dataset has
a name, a version, an item list (Japanese name, type, length) and a source. The resident
registry's items come from :mod:`kikan.juki.items` (one source of truth), the 課税状況 items from
:mod:`kikan.tax.individual_resident.published` (only those other businesses use, see
:data:`TAX_STATUS_ITEMS`), the application items from :mod:`kikan.applications.events`. 個人番号 is
never published in clear (items flagged ``secret`` are left out; a future ``juki.residents`` version
may carry it only to clients granted ``juki.residents.individual_number``, see ``docs/linkage.md``).

Each dataset names its owning business (``owner``) and the staff ``permission`` that governs it:
staff browsing the dataset need it (besides ``linkage.read``), and so does the operator who grants
it to a system client.

``semantics`` says what a change record is:

- ``history``: an immutable history row (宛名番号 + 履歴番号); apply in order, ignore older 履歴番号.
- ``event``: an immutable event (one 異動), identified by ``event_id``.
- ``state``: the current state of the key at the time of the pull (an upsert notification).

``version`` is the version of a dataset's record layout (its JSON Schema): it goes up whenever the
schema changes, items are only ever added (at the end of the CSV layout), and the list of what
each version changed is in ``docs/linkage.md`` (Versions).

支援措置 (住民基本台帳事務処理要領 第5-10): ``juki.support_measures`` publishes, per 宛名番号, whether a
measure is in force, its period and the restrictions other businesses must honour — never the
reason, the 加害者 or free text; ``juki.residents`` and ``juki.households`` carry the flag
``protected`` computed at the time of the pull (version 2).

``tax.assessment_status`` version 2 added the four deduction amounts the 児童扶養手当 (and 特別児童扶養
手当等) 所得 subtracts (児童扶養手当法施行令第4条第2項第1号: 雑損控除・医療費控除・小規模企業共済等掛金控除・
配偶者特別控除, :data:`TAX_STATUS_DEDUCTIONS`). The counts and flags of the same paragraph (障害者・
特別障害者・勤労学生・寡婦・ひとり親) are not published: they reveal a person's status, so the receiving
business keeps them from what the person declares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kikan.applications import events as application_events
from kikan.juki.block_services import SUPPORT_EVENT_TYPES
from kikan.juki.events import EVENT_TYPES
from kikan.juki.items import ITEMS, Item
from kikan.tax.individual_resident import events as tax_events
from kikan.tax.individual_resident import published as tax_published

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
    permission: str = "linkage.read"  # staff browsing and granting need it (see the module docstring)

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
PROTECTED = FieldDef(
    "protected", "支援措置対象", "boolean", nullable=False,
    description="取得時点で支援措置（DV・ストーカー・児童虐待等）の対象者。第三者への交付・閲覧を制限し、"
    "通知等での住所の取扱いに注意する。詳細は juki.support_measures",
)  # fmt: skip
#: ``juki.residents`` (version 2): the history row's items, then ``protected`` (at the time of the pull).
RESIDENT_RECORD_FIELDS: tuple[FieldDef, ...] = RESIDENT_FIELDS + (PROTECTED,)

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
    FieldDef("protected", "支援措置対象者を含む", "boolean", nullable=False,
             description="取得時点で世帯員に支援措置の対象者がいる（世帯の住所も秘匿の対象）"),
    FieldDef(
        "protected_member_addressee_nos", "支援措置対象の世帯員の宛名番号", "array", nullable=False,
        description="世帯員のうち取得時点で支援措置の対象者である者、並び順。CSVでは半角空白区切り",
    ),
)  # fmt: skip

# --- 支援措置: per person, what other businesses must honour (住民基本台帳事務処理要領 第5-10) ----------

#: The published items of a person's 支援措置. Left out although the registry keeps them: the reason
#: (申出の理由・終了の理由), the 加害者 and every free text, the staff who set or ended it, block ids.
SUPPORT_MEASURE_FIELDS = (
    FieldDef("addressee_no", "宛名番号", "string", 15, nullable=False),
    FieldDef("protected", "支援措置の有無", "boolean", nullable=False,
             description="取得時点で支援措置が終了していない（開始日前の登録を含む）"),
    FieldDef("stage", "支援措置の段階", "string", 20,
             description="provisional 仮支援措置 / approved 支援措置 / continued 前住所地として継続"),
    FieldDef("start_on", "開始年月日", "date", description="当初の期間の開始年月日"),
    FieldDef("end_on", "終了年月日（当初の期間）", "date", description="仮支援措置では空"),
    FieldDef("extended_until", "延長後の終了年月日", "date", description="延長されたとき、最後の延長期間の終了年月日"),
    FieldDef("ended_on", "支援措置の終了日", "date", description="終了したとき（措置中は空）"),
    FieldDef("restrict_third_party_issuance", "第三者交付制限", "boolean", nullable=False,
             description="住民票の写し等・閲覧、各業務の証明書等を本人以外の請求により交付しない"),
    FieldDef("conceal_address", "住所秘匿", "boolean", nullable=False,
             description="照会・通知等で本人の住所・居所を第三者に明らかにしない"),
)  # fmt: skip

# --- 申請管理: applications as received, and their status changes ----------------------------------

APPLICATION_FIELDS = (
    FieldDef("event_id", "イベントID", "string", 36, nullable=False),
    FieldDef("event_type", "イベント種別", "string", 80, nullable=False,
             description="ApplicationSubmitted 受付 / ApplicationStatusChanged 状態の変更"),
    FieldDef("receipt_no", "受付番号", "string", 10, nullable=False),
    FieldDef("form_id", "申請様式", "string", 60),
    FieldDef("form_version", "様式の版", "integer", description="受付のレコードのみ"),
    FieldDef("procedure", "手続コード", "string", 60),
    FieldDef("procedure_name", "手続", "string", 60, description="受付のレコードのみ"),
    FieldDef("business", "業務", "string", 40, description="受付のレコードのみ"),
    FieldDef("command", "業務のコマンド", "string", 60, description="受付のレコードのみ"),
    FieldDef("status", "状態", "string", 30, nullable=False,
             description="received 受付 / reviewing 審査中 / correction_requested 補正依頼 / completed 完了 / rejected 却下"),
    FieldDef("status_ja", "状態（日本語）", "string", 10),
    FieldDef("status_on", "状態の日付", "date", description="受付日又は状態が変わった日（日本時間）"),
    FieldDef("submitted_at", "受付日時", "datetime", description="受付のレコードのみ"),
    FieldDef("result_ref", "処理結果の参照", "string", 200, description="完了のとき（異動ID・発行番号など）"),
    FieldDef("data", "申請内容", "object",
             description="受付のレコードのみ。申請されたとおりの {区分: {項目: 値}}。CSVでは1列のJSON"),
)  # fmt: skip

# --- 個人住民税: 課税状況 per person and year, 世帯の課税状況 -----------------------------------------

#: Version 2 of ``tax.assessment_status``: the 住民税 deduction amounts 児童扶養手当法施行令第4条第2項第1号
#: subtracts from the 所得 (amounts only; no status flag or count is published).
TAX_STATUS_DEDUCTIONS = (
    "casualty_deduction", "medical_deduction", "small_enterprise_deduction", "spouse_special_deduction",
)  # fmt: skip
#: The 課税状況 items other businesses use (国民健康保険・介護保険・後期高齢者医療の所得判定・軽減判定,
#: 保育料の市町村民税所得割額, 児童扶養手当等の所得・扶養親族数, 非課税世帯の判定). Left out of the
#: dataset although the tax business keeps them: 非課税の理由 (it reveals 障害者・寡婦・ひとり親・未成年),
#: 給与収入金額 (給与所得 suffices), 森林環境税 and 年税額 (what the person owes is not a status), and every
#: other deduction (障害者・寡婦・ひとり親・勤労学生控除 reveal a status; the rest no consumer uses).
TAX_STATUS_ITEMS = (
    "fiscal_year", "addressee_no", "version", "valid_from", "kind", "household_no", "taxpayer_kind",
    "taxation", "taxation_ja", "declared", "total_income", "aggregate_income", "taxable_income",
    "salary_income", "pension_revenue", "pension_income", "household_members", "income_levy",
    "income_levy_municipal", "income_levy_prefectural", "per_capita", "per_capita_municipal",
    "per_capita_prefectural", *TAX_STATUS_DEDUCTIONS,
)  # fmt: skip
#: 世帯の課税状況: everything but the sum of the members' incomes (the 非課税世帯 judgment needs the counts).
TAX_HOUSEHOLD_ITEMS = (
    "fiscal_year", "household_no", "members", "taxed_members", "per_capita_only_members", "exempt_members",
    "undeclared_members", "household_exempt", "member_addressee_nos",
)  # fmt: skip
_TAX_LENGTHS = {"addressee_no": 15, "household_no": 15, "kind": 20, "taxpayer_kind": 10, "taxation": 20,
                "taxation_ja": 10}  # fmt: skip


def _tax_fields(
    source: tuple[tuple[str, str, str], ...], names: tuple[str, ...], required: set[str]
) -> tuple[FieldDef, ...]:
    by_name = {n: (ja, kind) for n, ja, kind in source}
    return tuple(
        FieldDef(n, by_name[n][0], by_name[n][1], _TAX_LENGTHS.get(n, 0), nullable=n not in required)
        for n in names
    )


TAX_STATUS_FIELDS = _tax_fields(tax_published.STATUS_FIELDS, TAX_STATUS_ITEMS,
                                {"fiscal_year", "addressee_no", "version", "taxation", "declared"})  # fmt: skip
TAX_HOUSEHOLD_FIELDS = _tax_fields(
    tax_published.HOUSEHOLD_FIELDS, TAX_HOUSEHOLD_ITEMS,
    {"fiscal_year", "household_no", "members", "household_exempt", "member_addressee_nos"},
)  # fmt: skip

JUKI = frozenset(EVENT_TYPES)
SUPPORT = frozenset(SUPPORT_EVENT_TYPES)
APPLICATIONS = frozenset({application_events.SUBMITTED, application_events.STATUS_CHANGED})

REGISTRY: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            name="juki.residents", version=2, title="住民（住民票・除票）",
            description="住民記録の標準項目（除票を含む）と支援措置対象（取得時点）。宛名番号ごとの最新の履歴。変更分は異動ごとの履歴行と、支援措置の開始・延長・終了等のときのその者の最新の履歴行。",
            owner="juki", source="juki_history（現在の履歴）・juki_block（支援措置）／住民記録の異動・支援措置のイベント（outbox）",
            key=("addressee_no",), semantics="history", fields=RESIDENT_RECORD_FIELDS,
            csv_fields=RESIDENT_RECORD_FIELDS, event_types=JUKI | SUPPORT,
        ),
        Dataset(
            name="juki.households", version=2, title="世帯",
            description="世帯の現在の状態と支援措置対象の世帯員（取得時点）。変更分は異動又は世帯員の支援措置で影響を受けた世帯の、取得時点の状態。",
            owner="juki", source="juki_household・juki_block（支援措置）／住民記録の異動・支援措置のイベント（outbox）",
            key=("household_no",), semantics="state", fields=HOUSEHOLD_FIELDS, csv_fields=HOUSEHOLD_FIELDS,
            event_types=JUKI | SUPPORT,
        ),
        Dataset(
            name="juki.moves", version=1, title="異動",
            description="住民記録の異動（1異動＝1イベント）。確定した順（コミット順）。",
            owner="juki", source="住民記録の異動イベント（outbox）",
            key=("event_id",), semantics="event", fields=MOVE_FIELDS, csv_fields=MOVE_CSV,
            event_types=JUKI,
        ),
        Dataset(
            name="juki.support_measures", version=1, title="支援措置",
            description="DV・ストーカー・児童虐待等の被害者の支援措置（住民基本台帳事務処理要領 第5-10）。宛名番号ごとの取得時点の状態（措置の有無・期間・他業務が守る制限）。理由・加害者・自由記述は含まない。変更分は開始・承認・延長・終了・前住所地としての継続ごと。全件は措置中の者のみ。",
            owner="juki", source="juki_block（支援措置）／支援措置のイベント（outbox）",
            key=("addressee_no",), semantics="state", fields=SUPPORT_MEASURE_FIELDS,
            csv_fields=SUPPORT_MEASURE_FIELDS, event_types=SUPPORT, permission="juki.block.manage",
        ),
        Dataset(
            name=application_events.DATASET, version=1, title="オンライン申請（受付・状態）",
            description="申請管理で受け付けたオンライン申請（申請内容付き）と、その後の状態の変更（審査中・補正依頼・完了・却下）。1件＝1イベント、コミット順。",
            owner="applications", source="申請管理のイベント ApplicationSubmitted / ApplicationStatusChanged（outbox）",
            key=("event_id",), semantics="event", fields=APPLICATION_FIELDS, csv_fields=APPLICATION_FIELDS,
            event_types=APPLICATIONS, permission="applications.review",
        ),
        Dataset(
            name=tax_published.STATUS_DATASET, version=2, title="個人住民税の課税状況",
            description="課税年度・宛名番号ごとの課税状況（課税・均等割のみ・非課税、所得割額、均等割額、合計所得金額、児童扶養手当等の所得から差し引く雑損・医療費・小規模企業共済等掛金・配偶者特別控除の額など他業務が使う項目）。版ごとに不変。変更分は確定したチャンク・更正ごとの版。",
            owner="tax", source="tax_assessment（各人の最新の版）／TaxAssessmentPublished イベント（outbox）",
            key=("fiscal_year", "addressee_no"), semantics="history", fields=TAX_STATUS_FIELDS,
            csv_fields=TAX_STATUS_FIELDS, event_types=tax_events.EVENT_TYPES, permission="tax.read",
        ),
        Dataset(
            name=tax_published.HOUSEHOLD_DATASET, version=1, title="世帯の課税状況",
            description="課税年度・世帯（賦課期日の世帯）ごとの課税状況と住民税非課税世帯の判定。変更分は課税状況が確定・更正された世帯の、取得時点の状態。",
            owner="tax", source="tax_assessment（賦課期日の世帯員の最新の版）／TaxAssessmentPublished イベント（outbox）",
            key=("fiscal_year", "household_no"), semantics="state", fields=TAX_HOUSEHOLD_FIELDS,
            csv_fields=TAX_HOUSEHOLD_FIELDS, event_types=tax_events.EVENT_TYPES, permission="tax.read",
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
        "owner": ds.owner, "permission": ds.permission, "source": ds.source, "key": list(ds.key), "semantics": ds.semantics,
        "schema_url": ds.schema_url,
        "items": [{"name": f.name, "ja": f.ja, "type": f.type, "length": f.length or None} for f in ds.fields],
        "csv_columns": [f.name for f in ds.csv_fields],
    }  # fmt: skip
