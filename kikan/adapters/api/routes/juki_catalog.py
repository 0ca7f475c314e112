"""The 異動 categories offered by the API and the staff screens, one entry per service.

標準仕様書 1.2.2 (異動事由) / 第3章 4 (異動). The URL slug, the Japanese name, the command, the
service, and a request example (shown in the OpenAPI document).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kikan.juki import services as s
from kikan.juki.services import Command

A1, A2, A3 = "000000000000019", "000000000000027", "000000000000035"
H1, H2 = "000000000000019", "000000000000027"


@dataclass(frozen=True)
class MoveKind:
    slug: str
    title: str
    model: type[Command]
    service: Callable[..., s.MoveResult]
    summary: str
    example: dict[str, Any] = field(default_factory=dict)
    group: str = "届出"


# fmt: off
_PERSON = {
    "family_name": "青木", "given_name": "太郎", "family_name_kana": "アオキ", "given_name_kana": "タロウ",
    "birth_date": "1985-06-15", "sex": "1", "relationship": "世帯主", "honseki": "東京都千代田区松町１番地",
    "hitto_name": "青木太郎",
}
_WIFE = {**_PERSON, "given_name": "花子", "given_name_kana": "ハナコ", "birth_date": "1987-02-03", "sex": "2",
         "relationship": "妻"}
_CHILD = {"family_name": "青木", "given_name": "一郎", "family_name_kana": "アオキ", "given_name_kana": "イチロウ",
          "birth_date": "2024-04-01", "sex": "1", "relationship": "子"}
_DATES = {"event_on": "2024-04-01", "reported_on": "2024-04-05"}
_ON = {"event_on": "2024-04-01"}
_ADDRESS = {"address": "東京都千代田区松町１番地", "katagaki": "松町ハイツ１０１号", "postal_code": "1000001"}

KINDS: tuple[MoveKind, ...] = (
    MoveKind("move-in", "転入", s.RecordMoveIn, s.move_in, "転入届（国内・特例・国外・法第30条の46/47）を記録します。",
             {**_DATES, "kind": "domestic", "previous_address": "東京都港区竹町２番地", "address": _ADDRESS,
              "persons": [_PERSON, _WIFE]}),
    MoveKind("move-within", "転居", s.RecordMoveWithin, s.move_within, "転居届を記録します（世帯全員または一部）。",
             {**_DATES, "addressee_nos": [A1, A2], "address": {"address": "東京都千代田区梅町３番地"}}),
    MoveKind("move-out", "転出", s.RecordMoveOut, s.move_out, "転出届を記録します（異動日は転出予定年月日）。",
             {**_DATES, "kind": "domestic", "addressee_nos": [A1], "destination": "大阪府大阪市北区梅町３番地"}),
    MoveKind("birth", "出生", s.RecordBirth, s.record_birth, "出生届に基づき職権で記載します（異動日＝出生日）。",
             {"event_on": "2024-04-01", "reported_on": "2024-04-03", "household_no": H1, "child": _CHILD}, "職権"),
    MoveKind("death", "死亡", s.RecordDeath, s.record_death, "死亡届に基づき職権で消除します（異動日＝死亡日）。",
             {"event_on": "2024-04-01", "reported_on": "2024-04-02", "addressee_no": A1}, "職権"),
    MoveKind("record-by-authority", "職権記載", s.RecordByAuthority, s.record_by_authority,
             "実態調査等に基づき職権で記載します。",
             {**_ON, "reason_text": "実態調査による住所設定", "address": {"address": "東京都千代田区松町１番地"},
              "persons": [_PERSON]}, "職権"),
    MoveKind("remove-by-authority", "職権消除", s.RemoveByAuthority, s.remove_by_authority,
             "居住の事実がない場合等に職権で消除します。",
             {**_ON, "addressee_nos": [A1], "reason_text": "実態調査により居住の事実なし"}, "職権"),
    MoveKind("household-split", "世帯分離", s.SplitHousehold, s.split_household,
             "世帯員の一部が同じ住所で新しい世帯を設けます。",
             {**_DATES, "household_no": H1, "addressee_nos": [A3], "relationships": {A3: "世帯主"}}),
    MoveKind("household-merge", "世帯合併", s.MergeHouseholds, s.merge_households,
             "同じ住所の世帯の全員が別の世帯に入ります。",
             {**_DATES, "household_no": H1, "merged_household_no": H2, "relationships": {A3: "子"}}),
    MoveKind("household-change", "世帯変更", s.ChangeHousehold, s.change_household,
             "世帯員の一部が同じ住所の別の世帯に入ります。",
             {**_DATES, "household_no": H2, "addressee_nos": [A3], "target_household_no": H1,
              "relationships": {A3: "子"}}),
    MoveKind("household-head", "世帯主変更", s.ChangeHouseholdHead, s.change_head,
             "世帯主を変更し、他の世帯員の続柄を新しい世帯主との続柄にします。",
             {**_DATES, "household_no": H1, "new_head_addressee_no": A2, "relationships": {A1: "夫", A3: "子"}}),
    MoveKind("correction", "職権修正・誤記修正・軽微な修正", s.CorrectRecord, s.correct_record,
             "記載事項を職権で修正します（誤記修正・軽微な修正を含む）。",
             {**_ON, "kind": "ex_officio", "addressee_nos": [A1], "changes": {"given_name": "太朗"}}, "職権"),
    MoveKind("immigration-notice", "法第30条の50通知による修正", s.ApplyImmigrationNotice, s.apply_immigration_notice,
             "出入国在留管理庁長官の通知に基づき外国人住民の記載を修正します。",
             {**_ON, "notice_on": "2024-04-01", "addressee_no": A1, "residence_status": "永住者",
              "period_of_stay": "無期限"}, "職権"),
    MoveKind("individual-number", "個人番号の変更", s.ChangeIndividualNumber, s.change_individual_number,
             "個人番号の変更請求・職権修正・職権記載を記録します。",
             {**_ON, "addressee_no": A1, "kind": "request", "individual_number": "123456789018"}, "番号"),
    MoveKind("resident-record-code", "住民票コードの変更", s.ChangeResidentRecordCode, s.change_resident_record_code,
             "住民票コードの変更請求・職権記載を記録します。",
             {**_ON, "addressee_no": A1, "kind": "request", "juminhyo_code": "12345678906"}, "番号"),
    MoveKind("former-surname", "旧氏の記載・変更・削除", s.RecordFormerSurname, s.record_former_surname,
             "請求に基づき旧氏を記載・変更・削除します（日本人住民）。",
             {**_ON, "addressee_no": A1, "action": "record", "former_family_name": "佐藤",
              "former_family_name_kana": "サトウ", "requested_on": "2024-04-01"}, "番号"),
    MoveKind("alias", "通称の記載・削除", s.RecordAlias, s.record_alias,
             "申出に基づき通称を記載・削除します（外国人住民）。",
             {**_ON, "addressee_no": A1, "action": "record", "tsusho": "山田花子", "tsusho_kana": "ヤマダハナコ",
              "applied_on": "2024-04-01"}, "番号"),
    MoveKind("naturalization", "帰化・国籍取得", s.RecordNaturalization, s.record_naturalization,
             "外国人住民の帰化・国籍取得により日本人住民として記載します（宛名番号は同じ）。",
             {**_ON, "addressee_no": A1, "kind": "naturalization", "family_name": "山田", "given_name": "花子",
              "honseki": "東京都千代田区松町１番地", "hitto_name": "山田花子"}, "職権"),
    MoveKind("nationality-loss", "国籍喪失", s.RecordNationalityLoss, s.record_nationality_loss,
             "日本人住民の国籍喪失により外国人住民として記載します（宛名番号は同じ）。",
             {**_ON, "addressee_no": A1, "nationality": "アメリカ合衆国"}, "職権"),
    MoveKind("cancel", "異動の取消し", s.CancelMove, s.cancel_move, "対象者の直近の異動を取り消します。",
             {**_ON, "addressee_nos": [A1]}, "職権"),
)
# fmt: on

KIND_BY_SLUG: dict[str, MoveKind] = {k.slug: k for k in KINDS}

#: 改製・再製: 異動 of the registry's own making, answered like every other 異動 (same route shape,
#: Idempotency-Key) but with their own staff forms (not in the 異動入力 menu of :data:`KINDS`).
REMAKE_KINDS: tuple[MoveKind, ...] = (
    MoveKind(
        "remake", "改製", s.RemakeRecord, s.remake_record,
        "住民票を改製します。現在の住民票は改製原住民票（除票）として保存され、新しい住民票は現在の記載事項のみを移記します（異動日＝改製日）。",
        group="職権",
    ),
    MoveKind(
        "reproduce", "再製", s.ReproduceRecord, s.reproduce_record,
        "滅失・き損した住民票を再製します（異動日＝再製日、再製の理由・資料を記録）。", group="職権",
    ),
)  # fmt: skip
