"""The managed items of a resident record (住民記録システム標準仕様書 第3章 1.1 管理項目).

One catalogue drives the full-snapshot history table (1.2 異動履歴: one column per item, one
row per change, key 宛名番号 + 履歴番号), the domain event payload, the linkage datasets and
the migration layouts. ``ja`` is the item name as the standard (and the 中間標準レイアウト)
calls it.

kinds: str, date, bool, int. ``group``: common | jp (日本人住民) | foreign (外国人住民) | removal (除票).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    name: str
    ja: str
    kind: str = "str"
    length: int = 0
    group: str = "common"
    personal: bool = True  # personal data (audited on read)
    secret: bool = False  # never in events/datasets in clear (個人番号)


ITEMS: tuple[Item, ...] = (
    # identity of the record
    Item("household_no", "世帯番号", length=15),
    Item("status", "住民状態", length=10),  # resident | removed
    Item("resident_kind", "住民種別", length=10),  # japanese | foreign
    # 氏名
    Item("family_name", "氏", length=100),
    Item("given_name", "名", length=100),
    Item("family_name_kana", "氏フリガナ", length=100),
    Item("given_name_kana", "名フリガナ", length=100),
    Item("kana_confirmed", "フリガナ確認フラグ", "bool"),
    Item("former_family_name", "旧氏", length=100, group="jp"),
    Item("former_family_name_kana", "旧氏フリガナ", length=100, group="jp"),
    Item("former_kana_confirmed", "旧氏フリガナ確認フラグ", "bool", group="jp"),
    Item("birth_date", "生年月日", "date"),
    Item("sex", "性別", length=1),  # 1 男 2 女
    # 世帯
    Item("relationship", "続柄", length=40),
    Item("household_order", "世帯員の並び順", "int"),
    Item("head_name", "世帯主の氏名", length=200),
    # 戸籍の表示
    Item("honseki", "本籍", length=200, group="jp"),
    Item("hitto_name", "筆頭者", length=100, group="jp"),
    # dates
    Item("became_resident_on", "住民となった年月日", "date"),
    Item("address_set_on", "住所を定めた年月日", "date"),
    Item("notified_on", "届出の年月日", "date"),
    # 住所
    Item("address", "住所", length=200),
    Item("katagaki", "方書", length=200),
    Item("address_code", "住所コード", length=20),
    Item("postal_code", "郵便番号", length=7),
    Item("town_code", "町字コード", length=20),
    Item("previous_address", "転入前住所", length=200),
    Item("previous_address_code", "転入前住所の住所コード", length=20),
    Item("previous_postal_code", "転入前住所の郵便番号", length=7),
    Item("prior_address", "異動前住所", length=200),
    # numbers
    Item("individual_number_enc", "個人番号（暗号化）", length=200, secret=True),
    Item("individual_number_hash", "個人番号（照合用ハッシュ）", length=64, secret=True),
    Item("juminhyo_code", "住民票コード", length=11),
    # other businesses' entries on the 住民票 (法第7条)
    Item("elector_registered", "選挙人名簿登録の有無", "bool", group="jp"),
    Item("nhi_insured", "国民健康保険の被保険者", "bool"),
    Item("nhi_acquired_on", "国民健康保険 資格取得年月日", "date"),
    Item("nhi_lost_on", "国民健康保険 資格喪失年月日", "date"),
    Item("elderly_medical_insured", "後期高齢者医療の被保険者", "bool"),
    Item("elderly_medical_acquired_on", "後期高齢者医療 資格取得年月日", "date"),
    Item("elderly_medical_lost_on", "後期高齢者医療 資格喪失年月日", "date"),
    Item("ltc_insured", "介護保険の被保険者", "bool"),
    Item("ltc_acquired_on", "介護保険 資格取得年月日", "date"),
    Item("ltc_lost_on", "介護保険 資格喪失年月日", "date"),
    Item("pension_insured", "国民年金の被保険者", "bool"),
    Item("basic_pension_no", "基礎年金番号", length=10),
    Item("pension_kind", "国民年金 種別", length=2),
    Item("pension_kind_changed_on", "国民年金 種別変更年月日", "date"),
    Item("pension_acquired_on", "国民年金 資格取得年月日", "date"),
    Item("pension_lost_on", "国民年金 資格喪失年月日", "date"),
    Item("child_allowance_from", "児童手当 受給開始年月", length=7),
    Item("child_allowance_to", "児童手当 受給終了年月", length=7),
    # 除票
    Item("removal_reason", "消除事由", length=20, group="removal"),
    Item("removal_on", "事由の生じた年月日", "date", group="removal"),
    Item("moved_out_to_planned", "転出先住所（予定）", length=200, group="removal"),
    Item("moved_out_to", "転出先住所（確定）", length=200, group="removal"),
    Item("move_out_planned_on", "転出予定年月日", "date", group="removal"),
    Item("move_in_notice_on", "転入通知年月日", "date", group="removal"),
    # 外国人住民 (1.1.2)
    Item("alpha_name", "氏名（アルファベット）", length=200, group="foreign"),
    Item("tsusho", "通称", length=100, group="foreign"),
    Item("tsusho_kana", "通称フリガナ", length=100, group="foreign"),
    Item("tsusho_recorded_on", "通称の記載年月日", "date", group="foreign"),
    Item("nationality", "国籍・地域", length=60, group="foreign"),
    Item("foreign_resident_on", "外国人住民となった年月日", "date", group="foreign"),
    Item("art30_45_category", "法第30条の45に規定する区分", length=40, group="foreign"),
    Item("residence_status", "在留資格", length=60, group="foreign"),
    Item("period_of_stay", "在留期間", length=40, group="foreign"),
    Item("stay_expires_on", "在留期間の満了の日", "date", group="foreign"),
    Item("residence_card_no", "在留カード等の番号", length=12, group="foreign"),
    Item("name_priority", "氏名優先区分", length=10, group="foreign"),
    # 備考
    Item("remarks", "備考", length=1000),
)

ITEM_BY_NAME: dict[str, Item] = {i.name: i for i in ITEMS}

# Information about the change itself (1.2 異動履歴 の管理項目)
HISTORY_ITEMS: tuple[Item, ...] = (
    Item("event_code", "異動事由", length=40, personal=False),
    Item("event_on", "異動日", "date", personal=False),
    Item("reported_on", "届出日", "date", personal=False),
    Item("processed_on", "処理日", "date", personal=False),
    Item("input_place", "入力場所", length=100, personal=False),
    Item("input_terminal", "入力端末", length=100, personal=False),
    Item("note", "留意事項", length=1000, personal=False),
)
