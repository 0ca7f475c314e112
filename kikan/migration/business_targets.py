"""What a layout field can be read into for the businesses that read the registry: 個人住民税の課税資料
(``tax_income``) and 児童手当・児童扶養手当の受給者台帳 (``welfare_cases``).

A layout names its business (``business:`` in the YAML; ``juki`` when absent, the registry's
:data:`kikan.migration.targets.TARGETS`).  Each business has its own catalogue of targets, the key
that identifies a record (duplicates are errors) and the items a layout must carry.

- 課税資料: the items the tax business stores (``kikan.tax.individual_resident.income_records``: one
  column per batch input, ``columns.TAXPAYER_INPUTS`` but the age, which comes from the registry) and
  its relatives (配偶者, 扶養親族1〜10, as the tax business's own CSV: ``income_csv``).  Key: 課税年度 +
  宛名番号 + 資料区分 + 支払者番号 (one report per payer, one 申告 per kind and year).
- 受給者台帳: the claim and 認定 of one case (``kikan.welfare.cases.commands.MigrateCertifiedCase``),
  up to 10 children, the recipient's 振込口座 (``RegisterAccount``) and the monthly amount the previous
  system paid (compared with the calculation core's).  Key: 受給者番号; one open case per 手当 and
  受給者 (the services refuse a second).
"""

from __future__ import annotations

from kikan.migration.targets import Target
from kikan.tax.individual_resident.columns import TAXPAYER_INPUTS
from kikan.tax.individual_resident.income_records import RECORD_INPUTS

JUKI, TAX_INCOME, WELFARE_CASES = "juki", "tax_income", "welfare_cases"
BUSINESSES = {
    JUKI: "住民記録",
    TAX_INCOME: "個人住民税（課税資料）",
    WELFARE_CASES: "児童手当・児童扶養手当（受給者台帳）",
}

MAX_DEPENDANTS = 10
MAX_CHILDREN = 10

#: Amount items that may be negative (losses) and the ``given_*`` items (-1 = not given).
SIGNED = frozenset({"business_income", "real_estate_income", "misc_income"})


def _tax() -> dict[str, Target]:
    out = {
        "fiscal_year": Target("fiscal_year", "課税年度", "int"),
        "addressee_no": Target("addressee_no", "宛名番号", "str", 15, digits=True),
        "source_kind": Target("source_kind", "資料区分"),
        "payer_id": Target("payer_id", "特別徴収義務者指定番号・年金保険者コード", "str", 20),
        "payer_name": Target("payer_name", "支払者の名称", "str", 100, text=True),
        "special_collection": Target("special_collection", "特別徴収", "bool"),
        "document_received_on": Target("document_received_on", "資料の受付日", "date"),
    }
    for k in RECORD_INPUTS:
        out[k] = Target(k, TAXPAYER_INPUTS[k][1], "amount")
    for prefix, ja in [("spouse", "配偶者")] + [
        (f"dependant{i}", f"扶養親族{i}") for i in range(1, MAX_DEPENDANTS + 1)
    ]:
        out[f"{prefix}_age"] = Target(f"{prefix}_age", f"{ja}の年齢", "amount")
        out[f"{prefix}_total_income"] = Target(f"{prefix}_total_income", f"{ja}の合計所得金額", "amount")
        out[f"{prefix}_disability"] = Target(f"{prefix}_disability", f"{ja}の障害", "amount")
        out[f"{prefix}_cohabiting"] = Target(f"{prefix}_cohabiting", f"{ja}の同居", "bool")
        if prefix != "spouse":
            out[f"{prefix}_lineal_ascendant"] = Target(
                f"{prefix}_lineal_ascendant", f"{ja}の直系尊属", "bool"
            )
    return out


def _welfare() -> dict[str, Target]:
    out = {
        "case_id": Target("case_id", "受給者番号", "str", 10, digits=True),
        "allowance": Target("allowance", "手当区分"),
        "status": Target("status", "受給状態"),
        "recipient": Target("recipient", "受給者の宛名番号", "str", 15, digits=True),
        "recipient_kana": Target("recipient_kana", "受給者の氏名（フリガナ）", "str", 100, text=True),
        "spouse": Target("spouse", "配偶者の宛名番号", "str", 15, digits=True),
        "claim_on": Target("claim_on", "認定請求日", "date"),
        "decided_on": Target("decided_on", "認定日", "date"),
        "event_on": Target("event_on", "異動日（15日特例）", "date"),
        "designated_main": Target("designated_main", "生計維持者の指定", "bool"),
        "separated": Target("separated", "父母の別居", "bool"),
        "public_servant": Target("public_servant", "公務員", "bool"),
        "claimant_kind": Target("claimant_kind", "受給資格者の区分"),
        "cra_reason": Target("cra_reason", "支給要件"),
        "obligors": Target("obligors", "扶養義務者の宛名番号", "str", 200),
        "pension_kind": Target("pension_kind", "公的年金の種類"),
        "pension_annual": Target("pension_annual", "公的年金の年額", "amount"),
        "monthly_amount": Target("monthly_amount", "支給月額", "amount"),
        "bank_code": Target("bank_code", "金融機関コード", "str", 4, digits=True),
        "bank_name": Target("bank_name", "金融機関名", "str", 30),
        "branch_code": Target("branch_code", "支店コード", "str", 3, digits=True),
        "branch_name": Target("branch_name", "支店名", "str", 30),
        "account_type": Target("account_type", "預金種目"),
        "account_no": Target("account_no", "口座番号", "str", 7, digits=True),
        "holder_kana": Target("holder_kana", "口座名義（カナ）", "str", 100),
    }
    for i in range(1, MAX_CHILDREN + 1):
        p, ja = f"child{i}", f"児童{i}"
        out[f"{p}_id"] = Target(f"{p}_id", f"{ja}の宛名番号", "str", 15, digits=True)
        out[f"{p}_name"] = Target(f"{p}_name", f"{ja}の氏名", "str", 100, text=True)
        out[f"{p}_birth_date"] = Target(f"{p}_birth_date", f"{ja}の生年月日", "date")
        out[f"{p}_supported"] = Target(f"{p}_supported", f"{ja}の監護", "bool")
        out[f"{p}_in_facility"] = Target(f"{p}_in_facility", f"{ja}の施設入所", "bool")
        out[f"{p}_disabled"] = Target(f"{p}_disabled", f"{ja}の障害", "bool")
    return out


TAX_TARGETS: dict[str, Target] = _tax()
WELFARE_TARGETS: dict[str, Target] = _welfare()

#: The key of a record per business (a second record with the same key is an error).
KEYS: dict[str, tuple[str, ...]] = {
    TAX_INCOME: ("fiscal_year", "addressee_no", "source_kind", "payer_id"),
    WELFARE_CASES: ("case_id",),
}
#: Items a layout of the business must carry, and must be filled in every record.
REQUIRED: dict[str, tuple[str, ...]] = {
    TAX_INCOME: ("fiscal_year", "addressee_no", "source_kind"),
    WELFARE_CASES: ("case_id", "allowance", "status", "recipient", "claim_on", "decided_on", "child1_id",
                    "child1_birth_date"),
}  # fmt: skip
#: The 宛名番号 items of each business (checked against the tenant's residents).
PERSON_ITEMS: dict[str, tuple[str, ...]] = {
    TAX_INCOME: ("addressee_no",),
    WELFARE_CASES: ("recipient", "spouse", *(f"child{i}_id" for i in range(1, MAX_CHILDREN + 1))),
}
