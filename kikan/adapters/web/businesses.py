"""The twenty standardised businesses (地方公共団体情報システムの標準化に関する法律 第6条) as shown
on the home page, with the permission that opens each one and its status in this release."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Business:
    key: str
    name: str
    permission: str
    href: str | None  # None: not yet available in this release


BUSINESSES: list[Business] = [
    Business("juki", "住民基本台帳（住民記録）", "juki.read", "/juki"),
    Business("election", "選挙人名簿管理", "juki.read", None),
    Business("fixed_asset", "固定資産税", "tax.read", None),
    Business("individual_resident_tax", "個人住民税", "tax.read", "/tax"),
    Business("corporate_resident_tax", "法人住民税", "tax.read", None),
    Business("light_vehicle_tax", "軽自動車税", "tax.read", None),
    Business("national_health", "国民健康保険", "welfare.read", None),
    Business("national_pension", "国民年金", "welfare.read", None),
    Business("disability", "障害者福祉", "welfare.read", None),
    Business("elderly_medical", "後期高齢者医療", "welfare.read", None),
    Business("long_term_care", "介護保険", "welfare.read", None),
    Business("child_allowance", "児童手当", "welfare.read", "/welfare/cases"),
    Business("health", "健康管理", "welfare.read", None),
    Business("school", "就学", "juki.read", None),
    Business("child_rearing_allowance", "児童扶養手当", "welfare.read", "/welfare/cases"),
    Business("public_assistance", "生活保護", "welfare.read", None),
    Business("childcare", "子ども・子育て支援", "welfare.read", None),
    Business("seal", "印鑑登録", "juki.read", None),
    Business("koseki", "戸籍", "juki.read", None),
    Business("koseki_fuhyo", "戸籍の附票", "juki.read", None),
    # common functions (共通機能標準仕様書)
    Business("applications", "申請管理（オンライン申請の審査）", "applications.review", "/applications"),
    Business("addressee", "統合宛名・住登外者宛名番号", "addressee.read", "/addressee"),
    Business("euc", "EUC（データ抽出）", "euc.run", "/euc"),
    Business("gaiji", "外字の同定", "chars.gaiji", "/chars/gaiji"),
]
