"""所得情報の登録・訂正: one 課税資料 (給与支払報告書・公的年金等支払報告書・確定申告書・住民税申告書 …)
entered or corrected on a form (permission ``tax.write``).

The form is turned into the API's record body and validated by the same
:func:`~kikan.tax.individual_resident.income_records.parse_record`; it is stored by the same
:mod:`kikan.adapters.db.tax_income_store` (a correction is the next version, never an overwrite;
optimistic concurrency on the version; the store writes the access log). A refused form is shown
again with each Japanese message next to its input and nothing is written.

The items are those the store keeps per record (``RECORD_INPUTS`` and the relatives' columns): an
edit form is filled from the stored columns, so records imported from CSV can be corrected too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import jaconv
import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kikan.adapters.db import tax_income_store
from kikan.adapters.db.tables.tax import tax_income_record, tax_income_relative
from kikan.adapters.web.tax import queries
from kikan.adapters.web.tax.calculator import DEFAULTS, YEARS  # the fiscal years with parameters
from kikan.adapters.web.tax.common import Writer, error_page, open_uow, page
from kikan.core.errors import DomainError, FieldError, NotFound, ValidationFailed
from kikan.tax.individual_resident.income_records import SOURCE_KINDS, parse_record

DISABILITY = (("none", "該当しない"), ("general", "障害者"), ("special", "特別障害者"))
SINGLE_PARENT = (("none", "該当しない"), ("mother", "ひとり親（母）"), ("father", "ひとり親（父）"))
DEPENDANT_ROWS = 4
MAX_DEPENDANTS = 30


@dataclass(frozen=True)
class Item:
    """One input: its form name, label, kind, where it goes in the record and which column fills it."""

    name: str
    label: str
    kind: str = "yen"  # yen | count | check | select | text | date
    path: tuple[str, ...] = ()  # under the record's ``case`` (empty: a record-level field of the same name)
    column: str = ""  # tax_income_record / tax_income_relative column used to fill an edit form
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    size: str = "s"
    maxlength: int = 0

    @property
    def id(self) -> str:
        return f"i-{self.name}"

    @property
    def error_key(self) -> str:
        """The field name the service gives in its errors (``payer_id``, ``case.incomes.salary_revenue``)."""
        return "case." + ".".join(self.path) if self.path else self.name


def _y(name: str, label: str, group: str, column: str = "", hint: str = "") -> Item:
    return Item(name, label, "yen", (group, name), column or name, hint)


def _c(name: str, label: str, path: tuple[str, ...], column: str = "") -> Item:
    return Item(name, label, "check", path, column or name)


DOCUMENT = (
    Item("fiscal_year", "課税年度", "select", choices=YEARS),
    Item("source_kind", "資料の種類", "select", choices=tuple(SOURCE_KINDS.items()), size="m"),
    Item("payer_id", "支払者の番号", "text", hint="給与: 特別徴収義務者指定番号、年金: 年金保険者コード（給与・年金の支払報告書では必須）",
         size="m", maxlength=20),
    Item("payer_name", "支払者の名称", "text", size="m", maxlength=100),
    Item("special_collection", "特別徴収（給与: 特別徴収を求める、年金: 年金からの特別徴収の対象）", "check"),
    Item("document_received_on", "資料の受付日", "date"),
    Item("reason", "登録・訂正の理由", "text", hint="任意（200文字以内）", size="l", maxlength=200),
)  # fmt: skip
INCOMES = (
    _y("salary_revenue", "給与等の収入金額", "incomes", hint="源泉徴収票の「支払金額」"),
    _y("pension_revenue", "公的年金等の収入金額", "incomes"),
    _y("business_income", "事業所得", "incomes", hint="損失は負の数"),
    _y("real_estate_income", "不動産所得", "incomes", hint="損失は負の数"),
    _y("interest_income", "利子所得（総合課税分）", "incomes"),
    _y("dividend_income", "配当所得（利益の配当等）", "incomes"),
    _y("dividend_trust_income", "配当所得（証券投資信託の収益の分配）", "incomes"),
    _y("misc_income", "雑所得（公的年金等以外）", "incomes"),
    _y("transfer_short_gain", "総合課税の短期譲渡の差益", "incomes", hint="特別控除前"),
    _y("transfer_long_gain", "総合課税の長期譲渡の差益", "incomes", hint="特別控除前"),
    _y("occasional_gain", "一時所得の差益（収入 − 支出）", "incomes", hint="特別控除前"),
)
TAXPAYER = (
    Item("disability", "本人の障害者の区分", "select", ("taxpayer", "disability"), "disability", choices=DISABILITY),
    _c("widow", "寡婦に該当する", ("taxpayer", "widow")),
    Item("single_parent", "ひとり親の区分", "select", ("taxpayer", "single_parent"), "single_parent",
         choices=SINGLE_PARENT),
    _c("working_student", "勤労学生に該当する", ("taxpayer", "working_student")),
    _c("public_assistance", "1月1日現在、生活扶助を受けている", ("taxpayer", "public_assistance")),
)  # fmt: skip
DEDUCTIONS = (
    _y("social_insurance", "社会保険料の支払額", "deductions"),
    _y("small_enterprise_mutual_aid", "小規模企業共済等掛金の支払額", "deductions", hint="iDeCo 等"),
    Item("life_new_general", "一般生命保険料（新契約）", "yen", ("deductions", "life_insurance", "new_general")),
    Item("life_old_general", "一般生命保険料（旧契約）", "yen", ("deductions", "life_insurance", "old_general")),
    Item("life_care_medical", "介護医療保険料", "yen", ("deductions", "life_insurance", "care_medical")),
    Item("life_new_annuity", "個人年金保険料（新契約）", "yen", ("deductions", "life_insurance", "new_annuity")),
    Item("life_old_annuity", "個人年金保険料（旧契約）", "yen", ("deductions", "life_insurance", "old_annuity")),
    _y("earthquake_premium", "地震保険料の支払額", "deductions"),
    _y("old_long_term_premium", "旧長期損害保険料の支払額", "deductions"),
    _y("medical_expenses", "医療費の支払額", "deductions", hint="保険金等で補填される金額を差し引いた額"),
    _y("self_medication_expenses", "特定一般用医薬品等購入費", "deductions"),
    _c("use_self_medication", "セルフメディケーション税制を選択する", ("deductions", "use_self_medication")),
    _y("casualty_loss", "雑損失の金額（損失額 − 補填額）", "deductions"),
    _y("casualty_disaster_expenses", "うち災害関連支出の金額", "deductions"),
)  # fmt: skip
SPOUSE = (
    Item("has_spouse", "配偶者がいる（生計を一にする）", "check"),
    Item("spouse_age", "配偶者の年齢", "count", ("spouse", "age"), "age", "前年12月31日現在"),
    Item("spouse_total_income", "配偶者の合計所得金額", "yen", ("spouse", "total_income"), "total_income"),
    Item("spouse_disability", "配偶者の障害者の区分", "select", ("spouse", "disability"), "disability",
         choices=DISABILITY),
    Item("spouse_cohabiting", "配偶者と同居", "check", ("spouse", "cohabiting"), "cohabiting"),
)  # fmt: skip
HOUSING = (
    _y("unabsorbed_amount", "住宅借入金等特別控除のうち所得税から控除しきれなかった額", "housing_loan",
       "housing_loan_unabsorbed"),
    _y("income_tax_taxable_income", "所得税の課税総所得金額等", "housing_loan", hint="控除限度額の計算に用いる"),
    Item("housing_loan_specified", "特定取得等に該当（控除限度 7%・136,500円）", "check",
         ("housing_loan", "specified"), "housing_loan_specified"),
)  # fmt: skip
DONATIONS = (
    _y("hometown", "ふるさと納税（都道府県・市区町村への寄附金）", "donations", "donation_hometown"),
    _y("community_chest", "共同募金会・日本赤十字社支部への寄附金", "donations", "donation_community_chest"),
    _y("designated_both", "都道府県・市区町村の双方が条例で指定した寄附金", "donations", "donation_designated_both"),
    _y("designated_prefectural", "都道府県のみが条例で指定した寄附金", "donations", "donation_designated_prefectural"),
    _y("designated_municipal", "市区町村のみが条例で指定した寄附金", "donations", "donation_designated_municipal"),
    Item("one_stop", "ワンストップ特例（申告特例控除）を適用する", "check", ("donations", "one_stop"), "one_stop"),
)  # fmt: skip
FOREIGN = (
    _y("municipal", "外国税額控除（市町村民税分）", "foreign_tax_credit", "foreign_tax_credit_municipal",
       "住民税の控除限度額内で算出済みの額"),
    _y("prefectural", "外国税額控除（道府県民税分）", "foreign_tax_credit", "foreign_tax_credit_prefectural"),
)  # fmt: skip
GIVEN = (
    Item("given_total_income", "合計所得金額（直接指定）", "yen", ("intermediates", "total_income"), "given_total_income"),
    Item("given_aggregate_income", "総所得金額等（直接指定）", "yen", ("intermediates", "aggregate_income"),
         "given_aggregate_income"),
    Item("given_income_deductions", "所得控除の合計（直接指定）", "yen", ("intermediates", "income_deductions"),
         "given_income_deductions"),
)  # fmt: skip
GROUPS: tuple[tuple[str, tuple[Item, ...]], ...] = (
    ("資料", DOCUMENT),
    ("前年の収入・所得", INCOMES),
    ("本人の状態", TAXPAYER),
    ("所得控除の基礎（支払額等）", DEDUCTIONS),
    ("配偶者", SPOUSE),
    ("住宅借入金等特別税額控除", HOUSING),
    ("寄附金", DONATIONS),
    ("外国税額控除", FOREIGN),
    ("中間値の直接指定（空欄なら所得・控除から計算）", GIVEN),
)
NEW_DEFAULTS = {"fiscal_year": DEFAULTS["fiscal_year"], "source_kind": "salary_report", "spouse_cohabiting": "1"}


def dependant_items(n: int) -> tuple[Item, ...]:
    """The inputs of the ``n``-th (1-based) 扶養親族等 row (a row is used when its age is given)."""
    i, who = str(n - 1), f"扶養親族{n}"
    return (
        Item(f"dep{n}_age", f"{who}の年齢", "count", ("dependants", i, "age"), "age", "前年12月31日現在"),
        Item(f"dep{n}_total_income", f"{who}の合計所得金額", "yen", ("dependants", i, "total_income"), "total_income"),
        Item(f"dep{n}_disability", f"{who}の障害者の区分", "select", ("dependants", i, "disability"), "disability",
             choices=DISABILITY),
        Item(f"dep{n}_cohabiting", f"{who}と同居", "check", ("dependants", i, "cohabiting"), "cohabiting"),
        Item(f"dep{n}_lineal_ascendant", f"{who}は直系尊属（同居老親等の判定）", "check",
             ("dependants", i, "lineal_ascendant"), "cohabiting_ascendant"),
    )  # fmt: skip


def all_items(rows: int) -> list[Item]:
    out = [i for _, items in GROUPS for i in items]
    for n in range(1, rows + 1):
        out += dependant_items(n)
    return out


def _number(raw: str) -> int | None:
    text = (
        jaconv.z2h(raw.strip(), digit=True, ascii=True).replace(",", "").replace("−", "-").removesuffix("円")
    )
    return int(text) if text else None


def _put(body: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for k in path[:-1]:
        body = body.setdefault(k, {})
    body[path[-1]] = value


def dependant_rows(values: dict[str, str]) -> int:
    try:
        n = int(values.get("dep_rows") or DEPENDANT_ROWS)
    except ValueError:
        n = DEPENDANT_ROWS
    return max(1, min(n, MAX_DEPENDANTS))


def record_from_form(
    values: dict[str, str], addressee_no: str
) -> tuple[dict[str, Any], list[FieldError], dict[str, Item]]:
    """The API's record body from the form, the inputs the form itself refuses (not numbers, bad
    dates), and the items by the field name the service uses in its errors."""
    rows = dependant_rows(values)
    errors: list[FieldError] = []
    by_key: dict[str, Item] = {}
    body: dict[str, Any] = {"addressee_no": addressee_no, "case": {}}
    case: dict[str, Any] = body["case"]
    has_spouse = values.get("has_spouse") == "1"
    dependants: dict[int, dict[str, Any]] = {}
    for item in all_items(rows):
        if item.path[:1] != ("dependants",):
            by_key[item.error_key] = item
        raw = values.get(item.name, "").strip()
        if item.name == "has_spouse" or (item.path[:1] == ("spouse",) and not has_spouse):
            continue
        if item.path[:1] == ("dependants",):
            n = int(item.path[1])
            if not values.get(f"dep{n + 1}_age", "").strip():
                continue  # an empty row
            target = dependants.setdefault(n, {})
            path: tuple[str, ...] = item.path[2:]
        else:
            target, path = case, item.path
        value: Any
        if item.kind == "check":
            value = raw == "1"
        elif item.kind in ("yen", "count"):
            try:
                value = _number(raw)
            except ValueError:
                errors.append(FieldError(item.label, "半角の数字で入力してください（例: 3,000,000）"))
                continue
            if value is None:
                continue
        elif item.kind == "date":
            if not raw:
                value = None
            else:
                try:
                    value = date.fromisoformat(raw).isoformat()
                except ValueError:
                    errors.append(FieldError(item.label, "日付を 2026-03-15 の形で入力してください"))
                    continue
        elif item.name == "fiscal_year":
            try:
                value = int(raw)
            except ValueError:
                errors.append(FieldError(item.label, "課税年度を選んでください"))
                continue
        elif item.kind == "select" and item.path and not raw:
            continue  # not chosen: the model's default (該当しない)
        else:
            value = raw if raw or item.kind == "select" or item.name == "reason" else None
        if not item.path:
            body[item.name] = value
        else:
            _put(target, path, value)
    if has_spouse:
        case.setdefault("spouse", {})
    if dependants:
        case["dependants"] = [dependants[k] for k in sorted(dependants)]
        for pos, n in enumerate(sorted(dependants)):  # the service numbers the rows given, from 0
            for item in dependant_items(n + 1):
                by_key[f"case.dependants.{pos}.{item.path[2]}"] = item
    return body, errors, by_key


def _japanese(message: str) -> str:
    """The few pydantic messages the record model can still give in English, in Japanese."""
    if message.startswith("String should have at most"):
        return (
            message.replace("String should have at most", "").replace("characters", "").strip()
            + "文字以内で入力してください"
        )
    if message.startswith("Input should be '"):
        return "選択肢から選んでください"
    if message.startswith("Input should be"):
        return "入力の形式が正しくありません"
    return message


def service_errors(exc: DomainError, by_key: dict[str, Item]) -> list[FieldError]:
    """The service's errors (``case.incomes.salary_revenue`` …) named by the form's labels."""
    out = []
    for e in exc.errors or [FieldError("", exc.message)]:
        item = by_key.get(e.field)
        if item is None and e.field.startswith("case.spouse"):
            item = by_key.get("case.spouse.age")
        if item is None and e.field.startswith("case.dependants."):
            item = by_key.get(".".join(e.field.split(".")[:3]) + ".age")
        out.append(FieldError(item.label if item else e.field, _japanese(e.message)))
    return out


def values_from_stored(row: dict[str, Any], relatives: list[dict[str, Any]]) -> dict[str, str]:
    """The form's values of a stored version (its columns and relatives), for a correction."""
    v: dict[str, str] = {
        "fiscal_year": str(row["fiscal_year"]), "source_kind": row["source_kind"], "payer_id": row["payer_id"] or "",
        "payer_name": row["payer_name"] or "", "special_collection": "1" if row["special_collection"] else "",
        "document_received_on": row["document_received_on"].isoformat() if row["document_received_on"] else "",
    }  # fmt: skip

    def put(item: Item, source: dict[str, Any]) -> None:
        x = source.get(item.column)
        if x is None:
            return
        if item.kind == "check":
            v[item.name] = "1" if x else ""
        elif item.kind == "select":
            v[item.name] = item.choices[int(x)][0] if 0 <= int(x) < len(item.choices) else ""
        elif item.column.startswith("given_"):
            v[item.name] = str(x) if int(x) >= 0 else ""
        else:
            v[item.name] = str(x) if x else ""

    for _, items in GROUPS:
        for item in items:
            if item.path and item.path[0] != "spouse" and item.column:
                put(item, row)
    spouse = next((r for r in relatives if r["is_spouse"]), None)
    if spouse is not None:
        v["has_spouse"] = "1"
        for item in SPOUSE[1:]:
            put(item, spouse)
        v["spouse_age"] = str(spouse["age"])
    others = [r for r in relatives if not r["is_spouse"]]
    for n, rel in enumerate(others, start=1):
        for item in dependant_items(n):
            put(item, rel)
        v[f"dep{n}_age"] = str(rel["age"])
    rows = max(DEPENDANT_ROWS, len(others) + 1)
    for n in range(len(others) + 1, rows + 1):
        v[f"dep{n}_cohabiting"] = "1"
    v.setdefault("spouse_cohabiting", "1")
    v["dep_rows"] = str(rows)
    return v


def stored_version(
    uow: Any, record_id: str, addressee_no: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The latest version of a record of the person (row and relatives)."""
    c, r = tax_income_record.c, tax_income_relative.c
    row = uow.conn.execute(sa.select(tax_income_record).where(
        c.tenant_id == uow.tenant_id, c.record_id == record_id, c.addressee_no == addressee_no
    ).order_by(c.version.desc()).limit(1)).first()  # fmt: skip
    if row is None:
        raise NotFound(f"課税資料 {record_id} はこの納税義務者にありません", field="課税資料")
    latest = dict(row._mapping)
    rels = uow.conn.execute(sa.select(tax_income_relative).where(
        r.tenant_id == uow.tenant_id, r.record_id == record_id, r.version == latest["version"]
    ).order_by(r.seq)).all()  # fmt: skip
    return latest, [dict(x._mapping) for x in rels]


def _person(uow: Any, addressee_no: str) -> queries.Person:
    found = queries.people(uow.conn, uow.tenant_id, [addressee_no]).get(addressee_no)
    if found is None:
        raise NotFound(f"宛名番号 {addressee_no} の納税義務者は税務の宛名にありません", field="宛名番号")
    return found


def _ctx(
    person: queries.Person,
    values: dict[str, str],
    errors: list[FieldError],
    *,
    record: dict[str, Any] | None = None,
) -> dict[str, Any]:
    rows = dependant_rows(values)
    items = all_items(rows)
    targets = {i.label: i.id for i in items}
    field_errors: dict[str, list[str]] = {}
    for e in errors:
        field_errors.setdefault(targets.get(e.field, ""), []).append(e.message)
    correcting = record is not None
    title = "課税資料の訂正" if correcting else "所得情報の登録"
    return {"title": f"{title} {person.name or person.addressee_no}", "heading": title, "nav": "search",
            "person": person, "groups": GROUPS, "dependants": [dependant_items(n) for n in range(1, rows + 1)],
            "dep_rows": rows, "v": values, "errors": errors, "targets": targets, "field_errors": field_errors,
            "record": record, "action": (f"/tax/taxpayers/{person.addressee_no}/income-records"
                                         + (f"/{record['record_id']}" if record else ""))}  # fmt: skip


def _form_values(form: Any) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if k != "csrf_token"}


def _back(addressee_no: str, fiscal_year: Any, done: str) -> Response:
    return RedirectResponse(
        f"/tax/taxpayers/{addressee_no}?fiscal_year={fiscal_year}&done={done}#h-records", status_code=303
    )


def router() -> APIRouter:
    r = APIRouter(prefix="/tax", include_in_schema=False)

    @r.get("/taxpayers/{addressee_no}/income-records/new")
    def new_record_form(
        request: Request, p: Writer, addressee_no: str, fiscal_year: int | None = None
    ) -> Response:
        try:
            with open_uow(request, p) as uow:
                person = _person(uow, addressee_no)
        except DomainError as exc:
            return error_page(request, p, exc, "所得情報の登録")
        values = {**NEW_DEFAULTS, **{f"dep{n}_cohabiting": "1" for n in range(1, DEPENDANT_ROWS + 1)}}
        if fiscal_year is not None:
            values["fiscal_year"] = str(fiscal_year)
        return page(request, "income_form.html", _ctx(person, values, []), p)

    @r.post("/taxpayers/{addressee_no}/income-records")
    async def add_record(request: Request, p: Writer, addressee_no: str) -> Response:
        values = _form_values(await request.form())
        body, errors, by_key = record_from_form(values, addressee_no)
        try:
            with open_uow(request, p) as uow:
                person = _person(uow, addressee_no)
                if not errors:
                    try:
                        tax_income_store.add_record(uow, parse_record(body))
                        uow.commit()
                    except ValidationFailed as exc:
                        errors = service_errors(exc, by_key)
        except DomainError as exc:
            return error_page(request, p, exc, "所得情報の登録")
        if errors:
            return page(request, "income_form.html", _ctx(person, values, errors), p, status=422)
        return _back(addressee_no, body.get("fiscal_year"), "recorded")

    @r.get("/taxpayers/{addressee_no}/income-records/{record_id}")
    def revise_form(request: Request, p: Writer, addressee_no: str, record_id: str) -> Response:
        try:
            with open_uow(request, p) as uow:
                person = _person(uow, addressee_no)
                latest, relatives = stored_version(uow, record_id, addressee_no)
                record = _record(uow, latest)
                uow.audit("tax.income_record", "read", target_type="tax_income_record", target_id=record_id,
                          detail=f"addressee_no={addressee_no} version={latest['version']}")  # fmt: skip
                uow.commit()
        except DomainError as exc:
            return error_page(request, p, exc, "課税資料の訂正")
        values = values_from_stored(latest, relatives)
        return page(request, "income_form.html", _ctx(person, values, [], record=record), p)

    @r.post("/taxpayers/{addressee_no}/income-records/{record_id}")
    async def revise_record(request: Request, p: Writer, addressee_no: str, record_id: str) -> Response:
        values = _form_values(await request.form())
        body, errors, by_key = record_from_form(values, addressee_no)
        try:
            expected = int(values.get("version", ""))
        except ValueError:
            expected = 0
        try:
            with open_uow(request, p) as uow:
                person = _person(uow, addressee_no)
                latest, _ = stored_version(uow, record_id, addressee_no)
                record = _record(uow, latest)
                if not errors:
                    try:
                        tax_income_store.revise_record(uow, record_id, parse_record(body), expected)
                        uow.commit()
                    except ValidationFailed as exc:
                        errors = service_errors(exc, by_key)
        except DomainError as exc:  # a stale version (409), an unknown record (404)
            return error_page(request, p, exc, "課税資料の訂正")
        if errors:
            return page(
                request, "income_form.html", _ctx(person, values, errors, record=record), p, status=422
            )
        return _back(addressee_no, body.get("fiscal_year"), "revised")

    return r


def _record(uow: Any, latest: dict[str, Any]) -> dict[str, Any]:
    """The record being corrected with all its versions (as the taxpayer page shows them)."""
    found = queries.income_records(uow.conn, uow.tenant_id, latest["fiscal_year"], latest["addressee_no"])
    rec = next((x for x in found if x["record_id"] == latest["record_id"]), None)
    if rec is None:  # pragma: no cover - the row was just read
        raise NotFound("課税資料がありません", field="課税資料")
    return rec
