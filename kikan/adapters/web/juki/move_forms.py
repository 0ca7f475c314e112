"""The screen of each 異動 category (標準仕様書 第3章 4): sections, inputs and widgets.

Labels default to the commands' Japanese titles (:func:`forms.title_of`); only where the screen
needs more precision (異動日 of a 転出 is the 転出予定年月日) a label is given here.
"""

from __future__ import annotations

from kikan.adapters.web.juki.forms import FormSpec, Input, Members, Section

SEX = (("", "（選択）"), ("1", "男"), ("2", "女"))
RESIDENT_KIND = (("japanese", "日本人住民"), ("foreign", "外国人住民"))
ART30_45 = (("", "（なし）"),) + tuple((v, v) for v in (
    "中長期在留者", "特別永住者", "一時庇護許可者", "仮滞在許可者", "出生による経過滞在者", "国籍喪失による経過滞在者"))  # fmt: skip
MOVE_IN_KINDS = (("domestic", "転入"), ("special", "特例転入"), ("overseas", "国外からの転入"),
                 ("art30_46", "法第30条の46転入"), ("art30_47", "法第30条の47届出"))  # fmt: skip
MOVE_OUT_KINDS = (("domestic", "転出"), ("special", "特例転出"), ("overseas", "国外転出"))
CORRECTION_KINDS = (("ex_officio", "職権修正"), ("clerical_error", "誤記修正"), ("minor", "軽微な修正"))

PERSON_MAIN = (
    Input("family_name", required=True), Input("given_name"),
    Input("family_name_kana", kind="kana", hint="カタカナ"), Input("given_name_kana", kind="kana", hint="カタカナ"),
    Input("birth_date", kind="date", required=True), Input("sex", kind="select", options=SEX, required=True, size="s"),
    Input("relationship", required=True, hint="世帯主・妻・子 など", size="s"),
    Input("resident_kind", kind="select", options=RESIDENT_KIND, size="s"),
    Input("honseki", size="l"), Input("hitto_name"),
    Input("individual_number", hint="12桁", size="s"), Input("juminhyo_code", hint="11桁", size="s"),
)  # fmt: skip
PERSON_MORE = (
    Input("former_family_name"), Input("former_family_name_kana", kind="kana"),
    Input("alpha_name", size="l"), Input("nationality"), Input("art30_45_category", kind="select", options=ART30_45),
    Input("residence_status"), Input("period_of_stay", size="s"), Input("stay_expires_on", kind="date"),
    Input("residence_card_no", hint="英数字12桁", size="s"), Input("tsusho"), Input("tsusho_kana", kind="kana"),
    Input("foreign_resident_on", kind="date"), Input("remarks", kind="textarea", size="l"),
)  # fmt: skip


def _dates(event_label: str = "", *, reported: bool = True, notice: bool = False) -> tuple[Input, ...]:
    out = [Input("event_on", label=event_label, kind="date", required=True)]
    if reported:
        out.append(Input("reported_on", kind="date"))
    if notice:
        out.append(Input("notice_on", kind="date"))
    return tuple(out)


def _address(prefix: str = "address") -> tuple[Input, ...]:
    return (
        Input(
            f"{prefix}.address",
            label="住所",
            size="l",
            hint="地番・住居表示まで（例: 東京都千代田区松町１番地）",
        ),
        Input(f"{prefix}.katagaki", label="方書", size="l"),
        Input(f"{prefix}.postal_code", label="郵便番号", hint="7桁（ハイフンなし）", size="s"),
        Input(f"{prefix}.town_code", label="町字コード", size="s"),
        Input(f"{prefix}.address_code", label="住所コード", size="s"),
    )


MEMO = Section(
    "入力場所・留意事項", (Input("input_place"), Input("note", kind="textarea", size="l")), collapsed=True
)
PERSONS = Section("異動者", widget="persons")
ADDRESSEE = Input("addressee_no", required=True, size="m")
TARGETS = Input("addressee_nos", required=True, hint="複数の場合は「,」で区切る", size="l")


SPECS: dict[str, FormSpec] = {
    "move-in": FormSpec((
        Section("転入の種別・日付", (Input("kind", kind="select", options=MOVE_IN_KINDS), *_dates())),
        Section("転入前住所", (Input("previous_address", size="l"), Input("previous_postal_code", size="s"),
                               Input("previous_address_code", size="s"))),
        Section("住所（新しい世帯を設ける場合）", _address()),
        Section("既存の世帯に入る場合", (Input("household_no", hint="世帯の一部として転入する場合のみ（住所は入力しない）"),)),
        PERSONS,
        Section("転出証明書情報（特例転入）", (
            Input("transfer_certificate.issuer_code", hint="6桁", size="s"),
            Input("transfer_certificate.previous_address", size="l"),
            Input("transfer_certificate.planned_on", kind="date"), Input("transfer_certificate.destination", size="l"),
            Input("transfer_certificate.issued_on", kind="date")), collapsed=True),
        MEMO,
    ), persons="persons"),
    "move-within": FormSpec((
        Section("日付", _dates()),
        Section("異動者", widget="members", hint="世帯の一部が異動する場合、又は続柄が変わる場合は異動後の続柄を入力"),
        Section("新しい住所", _address()),
        Section("転居先の既存の世帯に入る場合", (Input("target_household_no"),)),
        MEMO,
    ), members=Members("ui_household_no", select="addressee_nos", relationships=True), list_fields=("addressee_nos",)),
    "move-out": FormSpec((
        Section("転出の種別・日付", (Input("kind", kind="select", options=MOVE_OUT_KINDS),
                                    *_dates("異動日（転出予定年月日）"))),
        Section("転出先", (Input("destination", size="l", required=True),)),
        Section("異動者", widget="members"),
        MEMO,
    ), members=Members("ui_household_no", select="addressee_nos"), list_fields=("addressee_nos",)),
    "birth": FormSpec((
        Section("日付", _dates("異動日（出生日）", notice=True)),
        Section("世帯", (Input("household_no", required=True),)),
        Section("出生者", widget="persons"),
        MEMO,
    ), persons="child"),
    "death": FormSpec((
        Section("死亡者", (ADDRESSEE,)), Section("日付", _dates("異動日（死亡日）", notice=True)), MEMO)),
    "record-by-authority": FormSpec((
        Section("職権記載の理由・日付", (Input("reason_text", size="l", required=True), *_dates(notice=True))),
        Section("転入前住所", (Input("previous_address", size="l"),)),
        Section("住所（新しい世帯を設ける場合）", _address()),
        Section("既存の世帯に入る場合", (Input("household_no"),)),
        PERSONS, MEMO,
    ), persons="persons"),
    "remove-by-authority": FormSpec((
        Section("職権消除の理由・日付", (Input("reason_text", size="l", required=True), *_dates(notice=True))),
        Section("異動者", widget="members"), MEMO,
    ), members=Members("ui_household_no", select="addressee_nos"), list_fields=("addressee_nos",)),
    "household-split": FormSpec((
        Section("日付", _dates()), Section("世帯", (Input("household_no", required=True),)),
        Section("分離する世帯員と新しい世帯での続柄", widget="members", hint="新しい世帯の世帯主を1人「世帯主」としてください"),
        MEMO,
    ), members=Members("household_no", select="addressee_nos", relationships=True, select_label="分離する"),
        list_fields=("addressee_nos",)),
    "household-merge": FormSpec((
        Section("日付", _dates()),
        Section("世帯", (Input("household_no", required=True), Input("merged_household_no", required=True))),
        Section("合併される世帯の世帯員と合併先の世帯主との続柄", widget="members"), MEMO,
    ), members=Members("merged_household_no", relationships=True)),
    "household-change": FormSpec((
        Section("日付", _dates()),
        Section("世帯", (Input("household_no", required=True), Input("target_household_no", required=True))),
        Section("異動する世帯員と異動先の世帯主との続柄", widget="members"), MEMO,
    ), members=Members("household_no", select="addressee_nos", relationships=True), list_fields=("addressee_nos",)),
    "household-head": FormSpec((
        Section("日付", _dates()), Section("世帯", (Input("household_no", required=True),)),
        Section("新しい世帯主と、新しい世帯主との続柄", widget="members",
                hint="世帯主変更では、他の世帯員の続柄を新しい世帯主との続柄に設定し直します（標準仕様書4.1.4.2）"),
        MEMO,
    ), members=Members("household_no", head="new_head_addressee_no", relationships=True)),
    "correction": FormSpec((
        Section("修正の種別・日付", (Input("kind", kind="select", options=CORRECTION_KINDS), *_dates(reported=False, notice=True))),
        Section("対象者", (TARGETS,)),
        Section("修正内容", widget="changes", hint="値を空欄にするとその項目を削除します。日付は YYYY-MM-DD"),
        MEMO,
    ), list_fields=("addressee_nos",)),
    "immigration-notice": FormSpec((
        Section("対象者・日付", (ADDRESSEE, *_dates(reported=False), Input("notice_on", kind="date", required=True))),
        Section("通知の内容", (Input("residence_status"), Input("period_of_stay", size="s"),
                              Input("stay_expires_on", kind="date"), Input("residence_card_no", size="s"),
                              Input("art30_45_category", kind="select", options=ART30_45),
                              Input("nationality"), Input("alpha_name", size="l"))),
        MEMO,
    )),
    "individual-number": FormSpec((
        Section("対象者・種別", (ADDRESSEE, Input("kind", kind="select", options=(
            ("request", "変更請求"), ("ex_officio_correction", "職権修正"), ("ex_officio_record", "職権記載"))))),
        Section("個人番号", (Input("individual_number", required=True, hint="12桁", size="s"),)),
        Section("日付", _dates(reported=False, notice=True)), MEMO,
    )),
    "resident-record-code": FormSpec((
        Section("対象者・種別", (ADDRESSEE, Input("kind", kind="select", options=(("request", "変更請求"), ("ex_officio", "職権記載"))))),
        Section("住民票コード", (Input("juminhyo_code", required=True, hint="11桁", size="s"),)),
        Section("日付", _dates(reported=False)), MEMO,
    )),
    "former-surname": FormSpec((
        Section("対象者・処理", (ADDRESSEE, Input("action", kind="select", options=(
            ("record", "記載"), ("change", "変更"), ("delete", "削除"))))),
        Section("旧氏", (Input("former_family_name"), Input("former_family_name_kana", kind="kana"))),
        Section("日付", (*_dates(reported=False), Input("requested_on", kind="date", required=True))), MEMO,
    )),
    "alias": FormSpec((
        Section("対象者・処理", (ADDRESSEE, Input("action", kind="select", options=(("record", "記載"), ("delete", "削除"))))),
        Section("通称", (Input("tsusho"), Input("tsusho_kana", kind="kana"))),
        Section("日付", (*_dates(reported=False), Input("applied_on", kind="date", required=True))), MEMO,
    )),
    "naturalization": FormSpec((
        Section("対象者・種別", (ADDRESSEE, Input("kind", kind="select", options=(
            ("naturalization", "帰化"), ("acquisition", "国籍取得"))))),
        Section("日本人住民としての記載事項", (
            Input("family_name", required=True), Input("given_name"), Input("family_name_kana", kind="kana"),
            Input("given_name_kana", kind="kana"), Input("honseki", size="l", required=True),
            Input("hitto_name", required=True))),
        Section("日付", _dates(reported=False, notice=True)), MEMO,
    )),
    "nationality-loss": FormSpec((
        Section("対象者", (ADDRESSEE,)),
        Section("外国人住民としての記載事項", (
            Input("nationality", required=True), Input("alpha_name", size="l"),
            Input("art30_45_category", kind="select", options=ART30_45[1:]), Input("residence_status"),
            Input("period_of_stay", size="s"), Input("stay_expires_on", kind="date"), Input("residence_card_no", size="s"))),
        Section("日付", _dates(reported=False, notice=True)), MEMO,
    )),
    "cancel": FormSpec((
        Section("取消しの対象者", (Input("addressee_nos", required=True, hint="直近の異動が取り消されます。複数の場合は「,」で区切る", size="l"),)),
        Section("日付", (*_dates(), Input("applied_on", kind="date"))), MEMO,
    ), list_fields=("addressee_nos",)),
}  # fmt: skip
