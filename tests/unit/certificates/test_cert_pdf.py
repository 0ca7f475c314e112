"""Rendered certificates: text per page, fonts embedded, IVS glyphs (WeasyPrint + IPAmj明朝)."""

from __future__ import annotations

import ctypes
from datetime import date

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from cert_factory import ISSUER, TODAY, foreign, household, jp

from kikan.adapters.pdf import fonts
from kikan.adapters.pdf.certificates import render_certificate, render_certificate_pdf
from kikan.juki import certificate_text as t
from kikan.juki.certificates import CertificateOptions, Layout, PersonRecord, build_certificate

CERT_CORE = "住民票の原本と相違ないことを証明する"


def doc_for(records, options=None, kind="resident_copy", **kw):
    return build_certificate(
        kind, records, options or CertificateOptions(), today=TODAY, issue_no="R8-000042", issuer=ISSUER, **kw
    )


def pages_text(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def font_names(pdf: bytes) -> set[str]:
    doc = pdfium.PdfDocument(pdf)
    names: set[str] = set()
    buf, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        for k in range(tp.count_chars()):
            pdfium_c.FPDFText_GetFontInfo(tp.raw, k, buf, 256, ctypes.byref(flags))
            names.add(buf.value.decode())
    return {n.split("+", 1)[-1] for n in names}


@pytest.fixture(scope="module")
def five_members() -> tuple[bytes, int]:
    r = render_certificate_pdf(doc_for(household(5)))
    return r.pdf, r.pages


def test_five_members_make_two_pages(five_members):
    pdf, pages = five_members
    assert pdf.startswith(b"%PDF") and pages == 2 and len(pages_text(pdf)) == 2


def test_certification_once_on_the_last_page(five_members):
    texts = pages_text(five_members[0])
    assert [tx.count(CERT_CORE) for tx in texts] == [0, 1]
    assert t.CERTIFY_COPY_ALL in texts[-1].replace("\r\n", "")
    assert "葛飾区長" in texts[-1] and "電子公印" in texts[-1] and "電子公印" not in texts[0]


def test_issue_number_and_page_label_on_every_page(five_members):
    texts = pages_text(five_members[0])
    assert all("発行番号 R8-000042" in tx for tx in texts)
    assert "1 / 2" in texts[0] and "2 / 2" in texts[1]


def test_mynumber_absent_by_default_and_printed_on_request():
    recs = household(1)
    default = "".join(pages_text(render_certificate(doc_for(recs))))
    assert "個人番号" not in default and "123456789018" not in default
    shown = "".join(pages_text(render_certificate(
        doc_for(recs, CertificateOptions(show_mynumber=True), mynumbers={"A01": "123456789018"})
    )))
    assert "個人番号" in shown and "123456789018" in shown


def test_ipamj_font_is_embedded_for_names(five_members):
    names = font_names(five_members[0])
    assert "IPAmjMincho" in names
    assert "IPAexMincho" in names or "IPAexGothic" in names


def test_registered_name_keeps_its_variation_selector(five_members):
    text = pages_text(five_members[0])[0]
    assert "渡邉\U000e0116" in text  # the IVS survives into the PDF text layer


def _name_pixels(family_name: str):
    rec = jp("A01", family_name=family_name, head_name="世帯主")
    pdf = render_certificate(doc_for([PersonRecord(rec)], CertificateOptions(layout=Layout.INDIVIDUAL)))
    page = pdfium.PdfDocument(pdf)[0]
    return page.render(scale=2).to_numpy()


def test_ivs_selects_a_different_glyph():
    """邉 and 邉+U+E0116 (an MJ variant) must not render identically: the IVS reached the font."""
    base, variant, again = _name_pixels("渡邉"), _name_pixels("渡邉\U000e0116"), _name_pixels("渡邉")
    assert (base == again).all()
    assert not (base == variant).all()


def test_removed_copy_and_move_out_render():
    removed = PersonRecord(jp("A09", status="removed", removal_reason="死亡", removal_on=date(2025, 1, 5)))
    txt = "".join(pages_text(render_certificate(
        doc_for([removed], CertificateOptions(layout=Layout.INDIVIDUAL), kind="removed_copy", selected=["A09"])
    )))
    assert "住民票の除票の原本と相違ないことを証明する" in txt and "死亡" in txt
    mover = PersonRecord(jp("A01", status="removed", move_out_planned_on=date(2026, 4, 10),
                            moved_out_to_planned="大阪府大阪市北区梅田一丁目1番", reported_on=TODAY))
    txt = "".join(pages_text(render_certificate(doc_for([mover], kind="move_out"))))
    assert t.CERTIFY_MOVE_OUT in txt and "大阪府大阪市北区梅田一丁目1番" in txt and "転出予定年月日" in txt


def test_missing_font_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("KIKAN_FONT_IPAMJ", "/nonexistent/ipamjm.ttf")
    fonts.font_path.cache_clear()
    try:
        with pytest.raises(fonts.FontMissing, match="KIKAN_FONT_IPAMJ"):
            fonts.font_path("mj")
    finally:
        monkeypatch.delenv("KIKAN_FONT_IPAMJ")
        fonts.font_path.cache_clear()
    assert fonts.font_path("mj").name == "ipamjm.ttf"


def _full_jp(i: int) -> PersonRecord:
    return PersonRecord(jp(
        f"A{i:02d}", household_order=i, former_family_name="齋藤", former_family_name_kana="サイトウ",
        former_kana_confirmed=True, prior_address="東京都葛飾区青戸一丁目2番3号", remarks="備考",
    ))


@pytest.mark.parametrize(
    ("records", "sheets"),
    [
        (household(4), 1),  # the usual four-member household: one page with the 認証文
        ([_full_jp(i) for i in range(1, 6)], 2),
        ([PersonRecord(foreign(f"F{i}", household_order=i, remarks="備考")) for i in range(1, 5)], 2),
    ],
)
def test_model_sheets_are_the_printed_pages(records, sheets):
    """The model's paging (4 a sheet, fewer when the items do not fit) matches what is printed,
    so 住所・世帯主 head every page and the 認証文 shares the last page with a member."""
    doc = doc_for(records, CertificateOptions(show_juminhyo_code=True, show_mynumber=True), mynumbers={})
    rendered = render_certificate_pdf(doc)
    assert doc.pages == rendered.pages == sheets
    texts = pages_text(rendered.pdf)
    assert all("世帯主" in tx for tx in texts) and CERT_CORE in texts[-1]
