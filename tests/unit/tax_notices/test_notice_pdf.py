"""Rendered notices: key figures in the PDF text, IPAmj明朝 embedded for the name, 納付書 pages, ITF."""

from __future__ import annotations

import ctypes
from datetime import date

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from kikan.adapters.pdf.tax import render_notice, render_notices
from kikan.adapters.pdf.tax.barcode import itf_modules, itf_svg
from kikan.tax.individual_resident import notices as nt
from tests.unit.tax_notices.notice_factory import FY, ISSUER, TAXPAYER, lines, row, schedule

ISSUED = date(2026, 6, 10)


def pages_text(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    return [doc[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(doc))]


def fonts_of_text(pdf: bytes, needle: str) -> set[str]:
    """Base font names (subset prefix removed) of the characters of ``needle`` on any page."""
    doc = pdfium.PdfDocument(pdf)
    names: set[str] = set()
    buf, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        text = tp.get_text_range()
        start = text.find(needle)
        while start >= 0:
            for k in range(start, start + len(needle)):
                pdfium_c.FPDFText_GetFontInfo(tp.raw, k, buf, 256, ctypes.byref(flags))
                names.add(buf.value.decode().split("+", 1)[-1])
            start = text.find(needle, start + 1)
    return names


@pytest.fixture(scope="module")
def ordinary():  # type: ignore[no-untyped-def]
    r = row(salary=1_500_000)
    doc = nt.tax_notice(r, lines(r), TAXPAYER, ISSUER, issued_on=ISSUED)
    return doc, render_notice(doc)


def test_the_notice_shows_the_key_figures(ordinary):
    doc, rendered = ordinary
    first = pages_text(rendered.pdf)[0]
    for figure in ("44,500円", "850,000円", "430,000円", "420,000円", "25,200円", "16,800円", "1,000円"):
        assert figure in first, figure
    for text in ("令和8年度", "税額決定・納税通知書", "特別区民税", "都民税", "森林環境税", "令和8年6月30日",
                 "令和9年2月1日", "第319条の2", "千代田区長", "000000000000019", "所得割の税率"):  # fmt: skip
        assert text in first, text


def test_one_slip_per_installment_three_per_page(ordinary):
    doc, rendered = ordinary
    texts = pages_text(rendered.pdf)
    assert rendered.pages == 1 + 2  # 4 納付書, 3 per page
    slips = "".join(texts[1:])
    for s in doc.slips:
        assert slips.count(s.payment_no) == 3  # 領収証書・納付済通知書・領収済通知書
        assert s.due_on_text in slips
    assert slips.count("11,500") == 3 and slips.count("11,000") == 9
    assert "地方税統一QRコード" in slips  # the placeholder says what it is not


def test_names_are_set_in_ipamj_with_the_registered_variant(ordinary):
    _, rendered = ordinary
    assert "IPAmjMincho" in fonts_of_text(rendered.pdf, "太郎")
    assert "IPAexMincho" in fonts_of_text(rendered.pdf, "通知書番号") or "IPAexGothic" in fonts_of_text(
        rendered.pdf, "通知書番号"
    )


def test_special_collection_notices():
    r = row(salary=5_000_000, special=True)
    other = {**row(salary=3_000_000, special=True), "addressee_no": "000000000000027"}
    dates, months = schedule()
    emp = nt.Employer("E0001", "株式会社テスト")
    hanako = nt.Addressee("000000000000027", "税田\u3000花子")
    er = nt.employer_notice(FY, emp, [(TAXPAYER, r), (hanako, other)], months["salary"], dates["salary"], ISSUER,
                            issued_on=date(2026, 5, 15))  # fmt: skip
    ee = nt.employee_notice(r, TAXPAYER, emp, months["salary"], ISSUER, issued_on=date(2026, 5, 15))
    both = render_notices([er, ee])
    texts = pages_text(both.pdf)
    assert both.pages == 2
    assert "特別徴収義務者用" in texts[0] and "株式会社テスト" in texts[0] and "税田" in texts[0]
    flat = texts[0].replace("\n", "")
    assert (
        f"{er.total:,}" in flat and f"{er.monthly_totals[0]:,}" in flat and "納入期限令和8年7月10日" in flat
    )
    assert (
        "納税義務者用" in texts[1]
        and "315,500" in texts[1]
        and "27,300円" in texts[1]
        and "26,200円" in texts[1]
    )
    assert "令和8年6月" in texts[1] and "第321条の4" in texts[1]


def test_itf_barcode_encodes_pairs_with_start_and_stop():
    mods = itf_modules("12")
    assert len(mods) == 4 + 10 + 3
    assert [w for bar, w in mods[4:14] if bar] == [3, 1, 1, 1, 3]  # 1 = WNNNW in the bars
    assert [w for bar, w in mods[4:14] if not bar] == [1, 3, 1, 1, 3]  # 2 = NWNNW in the spaces
    assert "<path" in itf_svg("1234") and 'aria-label="1234"' in itf_svg("1234")
    with pytest.raises(ValueError):
        itf_modules("123")
