"""通知書 PDF of the 児童手当 (both backends): 認定・額改定・消滅 of a case version and the 支払通知書 of a
payment line, from the staff screen and the API. The text (pypdfium2) carries the name, the amounts,
the articles of 児童手当法 and the 教示 (審査請求 3か月, 取消訴訟 6か月); the name is set in IPAmj明朝; every
issue is audited; a version without a notice (認定請求) and other staff are refused."""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import sqlalchemy as sa

from kikan.adapters.db.tables.core import audit_log
from tests.conftest import login_client, make_staff


def text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def fonts_of(pdf: bytes, chars: str) -> set[str]:
    """The embedded fonts (subset prefix removed) the characters ``chars`` are set in."""
    doc = pdfium.PdfDocument(pdf)
    out: set[str] = set()
    buf, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        for k in range(tp.count_chars()):
            if chr(pdfium_c.FPDFText_GetUnicode(tp.raw, k)) in chars:
                pdfium_c.FPDFText_GetFontInfo(tp.raw, k, buf, 256, ctypes.byref(flags))
                out.add(buf.value.decode().split("+", 1)[-1])
    return out


def flat(s: str) -> str:
    return "".join(s.split())


def audits(owner_engine, tenant_id: str) -> list:  # type: ignore[no-untyped-def]
    a = audit_log.c
    with owner_engine.connect() as c:
        return list(c.execute(sa.select(audit_log).where(a.tenant_id == tenant_id, a.function == "welfare.notice")
                              .order_by(a.seq)))  # fmt: skip


def test_certification_notice_from_the_case_page(clerk, town, owner_engine):
    before = len(audits(owner_engine, town.tenant_id))
    r = clerk.get(f"/welfare/cases/{town.paid}/versions/2/notice.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    t = flat(text(r.content))
    for s in ("児童手当認定通知書", "渡邉花子様", "20,000円", "令和7年2月分", f"受給者番号{town.paid}",
              "児童手当法第7条", "児童手当法第6条", "渡邉陽", "渡邉海", "2月・4月・6月・8月・10月・12月"):  # fmt: skip
        assert s in t, s
    # 教示: 審査請求 (3 months, to the head of the municipality) and 取消訴訟 (6 months)
    head = f"福祉市{town.tenant_id}長"
    assert f"3か月以内に、{head}に対して審査請求" in t and "行政不服審査法" in t
    assert "6か月以内" in t and "行政事件訴訟法" in t and f"福祉市{town.tenant_id}を被告として" in t
    assert fonts_of(r.content, "渡邉花") == {"IPAmjMincho"}
    assert "IPAexMincho" in fonts_of(r.content, "認定通知書") or "IPAexGothic" in fonts_of(r.content, "認定通知書")
    rows = audits(owner_engine, town.tenant_id)
    assert len(rows) == before + 1
    last = rows[-1]
    assert (last.action, last.target_type, last.target_id) == ("print", "welfare_case", town.paid)
    assert "児童手当認定通知書 第2版" in last.detail and last.actor.startswith("u")


def test_revision_and_extinguishment_notices(clerk, town):
    rev = flat(text(clerk.get(f"/welfare/cases/{town.ended}/versions/3/notice.pdf").content))
    assert "児童手当額改定通知書" in rev and "鈴木一郎様" in rev
    assert "改定前の手当月額20,000円" in rev and "改定後の手当月額10,000円" in rev and "令和7年6月分" in rev
    assert "児童手当法第9条第3項" in rev and "審査請求" in rev
    ext = flat(text(clerk.get(f"/welfare/cases/{town.ended}/versions/4/notice.pdf").content))
    assert "児童手当受給資格消滅通知書" in ext and "令和7年7月20日" in ext and "転出" in ext
    assert "支給の最終月令和7年7月分" in ext and "児童手当法第8条第2項" in ext and "6か月以内" in ext


def test_notice_api_and_payment_notice(app, db, clerk, town, owner_engine):
    api = clerk.get(f"/api/v1/welfare/cases/{town.paid}/versions/2/notice.pdf")
    assert api.status_code == 200 and "児童手当認定通知書" in text(api.content)
    none = clerk.get(f"/api/v1/welfare/cases/{town.paid}/versions/1/notice.pdf")
    assert none.status_code == 422 and none.json()["error"]["errors"][0]["field"] == "版"
    assert clerk.get(f"/api/v1/welfare/cases/{town.paid}/versions/9/notice.pdf").status_code == 404
    ui_none = clerk.get(f"/welfare/cases/{town.paid}/versions/1/notice.pdf")
    assert ui_none.status_code == 422 and "には通知書がありません" in ui_none.text

    pay = clerk.get(f"/api/v1/welfare/cases/payment-runs/child_allowance/2025-04/notices/{town.paid}.pdf")
    assert pay.status_code == 200
    t = flat(text(pay.content))
    for s in ("児童手当支払通知書", "渡邉花子様", "支払額40,000円", "令和7年2月分・令和7年3月分", "令和7年4月10日",
              "児童手当法第8条第4項", "審査請求"):  # fmt: skip
        assert s in t, s
    assert "7654321" not in t and "＊＊＊＊321" in t  # the account number is masked
    ui = clerk.get(f"/welfare/payment-runs/child_allowance/2025-04/notices/{town.paid}.pdf")
    assert ui.status_code == 200 and ui.content.startswith(b"%PDF")
    missing = clerk.get(f"/api/v1/welfare/cases/payment-runs/child_allowance/2025-04/notices/{town.ended}.pdf")
    assert missing.status_code == 404
    details = [r.detail for r in audits(owner_engine, town.tenant_id)]
    assert sum("児童手当支払通知書 child_allowance:2025-04" in d for d in details) == 2

    tax = login_client(app, make_staff(db, town.tenant_id, ["tax_clerk"]))
    assert tax.get(f"/api/v1/welfare/cases/{town.paid}/versions/2/notice.pdf").status_code == 403
