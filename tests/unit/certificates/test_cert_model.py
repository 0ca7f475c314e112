"""The certificate document model (標準仕様書 5.1, 4.1.3.0.3; 住民基本台帳法第12条)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from cert_factory import ISSUER, TODAY, WATANABE, foreign, household, jp

from kikan.core.errors import ValidationFailed
from kikan.juki import certificate_text as t
from kikan.juki.certificates import (
    CertificateKind,
    CertificateOptions,
    Layout,
    PersonRecord,
    Reissue,
    build_certificate,
    is_late_move_out,
)

IND = Layout.INDIVIDUAL


def build(records, options=None, kind="resident_copy", **kw):
    kw.setdefault("today", TODAY)
    kw.setdefault("issue_no", "R8-000001")
    kw.setdefault("issuer", ISSUER)
    return build_certificate(kind, records, options or CertificateOptions(), **kw)


def person(doc, no):
    return next(p for s in doc.sheets for p in s.persons if p.addressee_no == no and not p.continued)


def header(doc, key, sheet=0):
    return next((f.value for f in doc.sheets[sheet].header if f.key == key), None)


# --- include / omit flags (5.1; 法第12条第5項) ------------------------------------------------


def test_defaults_print_head_and_honseki_but_omit_codes():
    doc = build(household(2))
    p = person(doc, "A01")
    assert header(doc, "head_name") == f"{WATANABE}　太郎"
    assert p.value("relationship") == "世帯主"
    assert p.value("honseki") == "東京都千代田区千代田一丁目1番" and p.has("hitto_name")
    assert not p.has("juminhyo_code") and not p.has("individual_number")
    assert doc.mynumber_shown is False


def test_omit_head_and_relationship():
    doc = build(household(2), CertificateOptions(show_head=False))
    assert header(doc, "head_name") is None
    assert not any(p.has("relationship") for p in doc.sheets[0].persons)
    ind = build(household(1), CertificateOptions(layout=IND, show_head=False), selected=["A01"])
    assert not person(ind, "A01").has("head_name")


def test_omit_honseki_and_hitto():
    p = person(build(household(1), CertificateOptions(show_honseki=False)), "A01")
    assert not p.has("honseki") and not p.has("hitto_name")


def test_juminhyo_code_on_request():
    p = person(build(household(1), CertificateOptions(show_juminhyo_code=True)), "A01")
    assert p.value("juminhyo_code") == "12345678901"


def test_mynumber_on_request_only():
    nums = {"A01": "123456789018"}
    shown = build(household(1), CertificateOptions(show_mynumber=True), mynumbers=nums)
    assert person(shown, "A01").value("individual_number") == "123456789018" and shown.mynumber_shown
    hidden = build(household(1), mynumbers=nums)  # even when handed over, not printed unless requested
    assert not person(hidden, "A01").has("individual_number") and not hidden.mynumber_shown


@pytest.mark.parametrize(
    ("flag", "key", "value"),
    [
        ("show_nationality", "nationality", "中国"),
        ("show_art30_45", "art30_45_category", "中長期在留者"),
        ("show_residence_status", "residence_status", "技術・人文知識・国際業務"),
        ("show_period_of_stay", "period_of_stay", "5年"),
        ("show_stay_expiry", "stay_expires_on", "2030年6月1日"),
        ("show_residence_card_no", "residence_card_no", "AB12345678CD"),
        ("show_tsusho_history", "tsusho_history", "令和3年7月1日 記載「李田明」"),
    ],
)
def test_foreign_items_each_omittable(flag, key, value):
    recs = [PersonRecord(foreign("F1"))]
    assert person(build(recs), "F1").value(key) == value
    omitted = person(build(recs, CertificateOptions(**{flag: False})), "F1")
    assert not omitted.has(key)
    assert omitted.has("name") and omitted.value("tsusho") == "李田明"  # the rest stays


def test_foreign_person_has_no_honseki_and_alphabet_name_first():
    p = person(build([PersonRecord(foreign("F1"))]), "F1")
    assert p.value("name") == "LI MING" and p.value("kanji_name") == "李　明"
    assert not p.has("honseki") and p.has("foreign_resident_on") and not p.has("became_resident_on")


def test_tsusho_history_lists_entry_and_deletion():
    old = foreign("F1", history_no=1, tsusho="李田明", event_on=date(2021, 7, 1))
    cur = foreign("F1", history_no=2, tsusho=None, tsusho_kana=None, event_code="393", event_on=date(2024, 2, 1))
    p = person(build([PersonRecord(cur, [old])]), "F1")
    assert p.value("tsusho_history") == "令和3年7月1日 記載「李田明」\n令和6年2月1日 削除「李田明」"


# --- dates and readings -------------------------------------------------------------------------


def test_japanese_dates_in_wareki_foreign_birth_in_western():
    recs = [PersonRecord(jp("A01", birth_date=date(2019, 5, 1))), PersonRecord(foreign("F1", household_order=2))]
    doc = build(recs)
    assert person(doc, "A01").value("birth_date") == "令和元年5月1日"
    assert person(doc, "A01").value("became_resident_on") == "令和2年4月1日"
    assert person(doc, "F1").value("birth_date") == "1990年1月2日"
    assert person(doc, "F1").value("foreign_resident_on") == "令和3年6月1日"
    assert doc.sheets[-1].certification.dated == "令和8年4月1日"


def test_unconfirmed_reading_prints_asterisks():
    recs = [PersonRecord(jp("A01", kana_confirmed=False)), PersonRecord(jp("A02", household_order=2, given_name_kana=None))]
    doc = build(recs)
    assert person(doc, "A01").value("reading") == "********"
    assert person(doc, "A02").value("reading") == "ワタナベ　【名空欄】"


def test_former_name_reading_unconfirmed():
    rec = jp("A01", former_family_name="齋藤", former_family_name_kana="サイトウ", former_kana_confirmed=False)
    p = person(build([PersonRecord(rec)]), "A01")
    assert p.value("former_name") == "齋藤" and p.value("former_reading") == "********"


def test_previous_address_blank_marker_and_prior_address():
    recs = [PersonRecord(jp("A01", previous_address=None, prior_address="東京都葛飾区青戸一丁目2番3号"))]
    p = person(build(recs), "A01")
    assert p.value("previous_address") == "【空欄】"
    assert p.value("prior_address") == "東京都葛飾区青戸一丁目2番3号"


# --- members, paging, 認証文 ------------------------------------------------------------------------


def test_selected_members_only_in_household_order():
    doc = build(household(4), selected=["A03", "A01"])
    assert doc.addressee_nos == ("A01", "A03")
    assert doc.sheets[-1].certification.text == t.CERTIFY_COPY  # not 「世帯全員」


def test_all_members_wording():
    assert build(household(2)).sheets[-1].certification.text == t.CERTIFY_COPY_ALL


@pytest.mark.parametrize(("members", "sheets", "last"), [(1, 1, 1), (4, 1, 4), (5, 2, 1), (8, 2, 4), (9, 3, 1)])
def test_household_layout_holds_four_members_per_sheet(members, sheets, last):
    doc = build(household(members))
    assert doc.pages == sheets
    assert all(len(s.persons) == 4 for s in doc.sheets[:-1]) and len(doc.sheets[-1].persons) == last
    assert all(header(doc, "address", i).startswith("東京都葛") for i in range(sheets))  # 住所 on every sheet
    assert [s.page_label for s in doc.sheets] == [f"{i} / {sheets}" for i in range(1, sheets + 1)]


def test_certification_on_last_sheet_only():
    doc = build(household(9))
    assert [s.certification is not None for s in doc.sheets] == [False, False, True]
    c = doc.sheets[-1].certification
    assert c.issuer == "葛飾区長　青木　克德" and c.seal == "電子公印"


def test_individual_layout_one_person_per_sheet():
    doc = build(household(3), CertificateOptions(layout=IND))
    assert doc.pages == 3 and [s.persons[0].addressee_no for s in doc.sheets] == ["A01", "A02", "A03"]
    assert all(s.header == () for s in doc.sheets) and person(doc, "A02").has("address")
    assert [s.certification is not None for s in doc.sheets] == [False, False, True]


def test_household_layout_refuses_two_households():
    recs = [PersonRecord(jp("A01")), PersonRecord(jp("B01", household_no="H2"))]
    with pytest.raises(ValidationFailed, match="同じ世帯"):
        build(recs, selected=["A01", "B01"])
    assert build(recs, CertificateOptions(layout=IND), selected=["A01", "B01"]).pages == 2


# --- history ----------------------------------------------------------------------------------------


def _moved_person():
    first = jp("A01", history_no=1, address="東京都葛飾区青戸一丁目2番3号", katagaki=None, event_code="101",
               event_on=date(2020, 4, 1), reported_on=date(2020, 4, 3))
    second = jp("A01", history_no=2, event_code="301", event_on=date(2022, 4, 1), reported_on=date(2022, 4, 3),
                prior_address="東京都葛飾区青戸一丁目2番3号")
    return PersonRecord(second, [first])


def test_with_history_lists_reason_date_and_prior_address():
    doc = build([_moved_person()], CertificateOptions(layout=IND, with_history=True))
    lines = person(doc, "A01").history
    assert [(h.event, h.event_on, h.prior_address) for h in lines] == [
        ("転入", "令和2年4月1日", "神奈川県横浜市中区港町一丁目1番地"),
        (t.event_label("301"), "令和4年4月1日", "東京都葛飾区青戸一丁目2番3号"),
    ]
    assert lines[1].reported_on == "令和4年4月3日"


def test_without_history_no_lines():
    assert person(build([_moved_person()], CertificateOptions(layout=IND)), "A01").history == ()


def test_history_requires_individual_layout():
    with pytest.raises(ValidationFailed, match="個人票"):
        build([_moved_person()], CertificateOptions(with_history=True))


def test_long_history_continues_on_next_sheet_with_certification_last():
    rows = [jp("A01", history_no=i, event_code="399", event_on=date(2000, 1, 1) + timedelta(days=i)) for i in range(1, 30)]
    doc = build([PersonRecord(jp("A01", history_no=30), rows)], CertificateOptions(layout=IND, with_history=True))
    assert doc.pages == 2 and doc.sheets[1].persons[0].continued
    assert sum(len(p.history) for s in doc.sheets for p in s.persons) == 30
    assert doc.sheets[0].certification is None and doc.sheets[1].certification is not None


# --- 除票 (5.1 実装しない機能: 除票者と現存者を同じ世帯連記式に記載しない) ---------------------------


def _with_removed():
    return [*household(2), PersonRecord(jp("A09", status="removed", removal_reason="死亡", removal_on=date(2025, 1, 5), household_order=3))]


def test_all_members_excludes_removed_persons():
    doc = build(_with_removed())
    assert doc.addressee_nos == ("A01", "A02")


def test_removed_person_cannot_join_a_resident_copy():
    with pytest.raises(ValidationFailed, match="除票"):
        build(_with_removed(), selected=["A01", "A09"])


def test_removed_copy_is_individual_only():
    with pytest.raises(ValidationFailed, match="個人票"):
        build(_with_removed(), CertificateOptions(layout=Layout.HOUSEHOLD), kind="removed_copy", selected=["A09"])


def test_removed_copy_prints_removal_items():
    doc = build(_with_removed(), CertificateOptions(layout=IND), kind="removed_copy", selected=["A09"])
    p = person(doc, "A09")
    assert doc.title == "住民票（除票）" and doc.sheets[-1].certification.text == t.CERTIFY_REMOVED
    assert p.value("removal_reason") == "死亡" and p.value("removal_on") == "令和7年1月5日"


def test_removed_copy_of_a_resident_is_refused():
    with pytest.raises(ValidationFailed, match="消除されていません"):
        build(household(1), CertificateOptions(layout=IND), kind="removed_copy", selected=["A01"])


# --- 転出予定 (5.1: 転出予定年月日前は転出届に基づく事項を省略) ----------------------------------------


def _moving(planned: date):
    before = jp("A02", history_no=1, relationship="子", household_order=2)
    after = jp("A02", history_no=2, relationship="子", household_order=2, status="removed", removal_reason="国内転出",
               removal_on=planned, move_out_planned_on=planned, moved_out_to_planned="大阪府大阪市北区梅田一丁目1番",
               event_code="201", event_on=planned, reported_on=TODAY, notified_on=TODAY)
    return [PersonRecord(jp("A01")), PersonRecord(after, [before])]


def test_before_planned_move_out_date_the_move_out_items_are_omitted():
    recs = _moving(TODAY + timedelta(days=10))
    doc = build(recs)
    assert doc.addressee_nos == ("A01", "A02")  # still a member before the date
    p = person(doc, "A02")
    assert not any(p.has(k) for k in ("removal_reason", "removal_on", "moved_out_to", "move_out_planned_on"))
    assert p.value("notified_on") == "令和4年4月3日"  # the 転出届's 届出日 is not printed either
    ind = build(recs, CertificateOptions(layout=IND, with_history=True), selected=["A02"])
    assert "転出" not in [h.event for h in person(ind, "A02").history]


def test_from_planned_date_the_person_is_on_the_removed_record():
    recs = _moving(TODAY)
    assert build(recs).addressee_nos == ("A01",)
    doc = build(recs, CertificateOptions(layout=IND), kind="removed_copy", selected=["A02"])
    assert person(doc, "A02").value("moved_out_to") == "大阪府大阪市北区梅田一丁目1番"


# --- 転出証明書 (4.1.3.0.3) ---------------------------------------------------------------------------


def test_move_out_certificate_prints_destination_and_date():
    recs = _moving(TODAY + timedelta(days=10))
    doc = build(recs, CertificateOptions.for_move_out(), kind=CertificateKind.MOVE_OUT, mynumbers={"A02": "123456789018"})
    p = person(doc, "A02")
    assert doc.addressee_nos == ("A02",) and doc.title == "転出証明書" and not doc.quasi_move_out
    assert p.value("moved_out_to") == "大阪府大阪市北区梅田一丁目1番" and p.value("move_out_planned_on") == "令和8年4月11日"
    assert p.value("individual_number") == "123456789018" and p.value("juminhyo_code") == "12345678901"
    assert doc.sheets[-1].certification.text == t.CERTIFY_MOVE_OUT


@pytest.mark.parametrize(("days_late", "quasi"), [(14, False), (15, True)])
def test_move_out_reported_after_14_days_is_a_quasi_certificate(days_late, quasi):
    moved = date(2026, 3, 1)
    rec = jp("A01", status="removed", move_out_planned_on=moved, moved_out_to_planned="大阪府",
             reported_on=moved + timedelta(days=days_late))
    assert is_late_move_out(rec) is quasi
    doc = build([PersonRecord(rec)], kind="move_out")
    assert doc.quasi_move_out is quasi
    assert (doc.title == "転出証明書に準ずる証明書") is quasi
    assert (doc.sheets[-1].certification.note == t.QUASI_NOTE) is quasi


def test_move_out_certificate_needs_a_recorded_move_out():
    with pytest.raises(ValidationFailed, match="転出届"):
        build(household(1), kind="move_out", selected=["A01"])


def test_reissue_is_marked():
    recs = _moving(TODAY + timedelta(days=3))
    doc = build(recs, kind="move_out", reissue=Reissue("R8-000007", date(2026, 3, 30)))
    assert doc.marks == ("再交付",)
    assert doc.notes == ("再交付（当初交付 令和8年3月30日 発行番号 R8-000007）",)


# --- misc -----------------------------------------------------------------------------------------------


def test_entry_certificate_has_no_address_history_fields():
    doc = build(household(1), kind="entry_certificate")
    p = person(doc, "A01")
    assert doc.title == "住民票記載事項証明書" and not p.has("previous_address") and not p.has("prior_address")
    assert doc.sheets[-1].certification.text == t.CERTIFY_ENTRY


def test_issue_number_and_snapshots_recorded():
    doc = build(household(2), issue_no="R8-000123")
    assert doc.issue_no == "R8-000123" and doc.snapshots == {"A01": 1, "A02": 1}


def test_options_round_trip_and_unknown_keys():
    o = CertificateOptions(layout=IND, show_mynumber=True, show_art30_45=False)
    assert CertificateOptions.from_dict(o.to_dict()) == o
    with pytest.raises(ValidationFailed, match="不明な指定"):
        CertificateOptions.from_dict({"show_everything": True})
    with pytest.raises(ValidationFailed, match="様式"):
        CertificateOptions.from_dict({"layout": "landscape"})
    with pytest.raises(ValidationFailed, match="true か false"):
        CertificateOptions.from_dict({"show_mynumber": "yes"})


def test_no_members_left_is_refused():
    only_removed = [PersonRecord(jp("A09", status="removed", removal_reason="死亡"))]
    with pytest.raises(ValidationFailed, match="対象者がいません"):
        build(only_removed)


def test_members_with_many_items_take_fewer_per_sheet():
    """Four a sheet at most, fewer when the items would not fit on an A4 sheet (foreign residents
    with every item), and the 認証文 never goes to a page without a member."""
    recs = [PersonRecord(foreign(f"F{i}", household_order=i, remarks="備考")) for i in range(1, 5)]
    doc = build(recs)
    assert [len(s.persons) for s in doc.sheets] == [2, 2]
    assert all(s.header for s in doc.sheets)
