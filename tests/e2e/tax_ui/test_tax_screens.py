"""The 個人住民税 staff screens through the real login: search, taxpayer page (課税資料・税額・納期・更正),
trace, notice PDF, runs, calculator; permissions, CSRF, labels and CSP on every page."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import sqlalchemy as sa

from kikan.adapters.db.tables.core import audit_log
from tests.conftest import login_client, make_staff
from tests.integration.tax_notices.notice_seed import FY

from .html_checks import problems


def rows_of(html: str, table_class: str) -> list[str]:
    m = re.search(rf'<table class="{table_class}">(.*?)</table>', html, re.S)
    assert m, table_class
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", m.group(1), re.S)[1:]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in rows]


def test_search_by_kana_name_and_number(clerk, town):
    r = clerk.get("/tax", params={"searched": "1", "kana": "ｾﾞｲﾀ"})  # half-width input, registered as ゼイタ
    assert r.status_code == 200 and "検索結果 2件" in r.text
    r = clerk.get("/tax", params={"searched": "1", "name": "渡邉"})
    hits = rows_of(r.text, "results")
    assert len(hits) == 1 and town.nos["salaried_b"] in hits[0] and "渡邉" in hits[0]
    assert f'href="/tax/taxpayers/{town.nos["salaried_b"]}"' in r.text
    r = clerk.get("/tax", params={"searched": "1", "addressee_no": town.nos["pensioner"]})
    assert len(rows_of(r.text, "results")) == 1 and "年金" in r.text
    none = clerk.get("/tax", params={"searched": "1", "name": "該当なし"})
    assert "一致する納税義務者はいません" in none.text
    empty = clerk.get("/tax", params={"searched": "1"})
    assert empty.status_code == 422 and 'role="alert"' in empty.text and 'href="#s-name"' in empty.text


def test_taxpayer_page_shows_records_result_schedule_and_buttons(clerk, town):
    no = town.nos["salaried_a"]
    r = clerk.get(f"/tax/taxpayers/{no}")
    assert r.status_code == 200
    t = r.text
    assert (
        "令和8年度の税額（第1版・当初課税）" in t
        and "315,500円" in t
        and "給与支払報告書" in t
        and "E0001" in t
    )
    schedule = rows_of(t, "narrow schedule")
    assert (
        len(schedule) == 12
        and "令和8年6月" in schedule[0]
        and "令和8年7月10日" in schedule[0]
        and "27,300円" in schedule[0]
    )
    assert "令和9年6月10日" in schedule[-1]
    assert f"/tax/taxpayers/{no}/trace?fiscal_year={FY}&amp;version=1" in t
    assert f"/tax/taxpayers/{no}/notice.pdf?fiscal_year={FY}&amp;kind=employee" in t
    assert "kind=ordinary" not in t  # no 普通徴収 part: no 納税通知書


def test_corrections_history_with_differences(clerk, town):
    r = clerk.get(f"/tax/taxpayers/{town.nos['ordinary']}", params={"fiscal_year": FY})
    t = r.text
    assert "（第2版・更正）" in t and "42,500円" in t
    versions = rows_of(t, "versions-table")
    assert versions[0].startswith("第2版 更正 扶養控除の申告による更正") and "令和8年7月15日" in versions[0]
    assert "年税額（市町村民税 + 道府県民税 + 森林環境税）: 44,500円 → 42,500円（-2,000円）" in versions[0]
    assert versions[1].startswith("第1版 当初課税")
    assert "第2版の変更（更正）通知: 扶養控除の申告による更正（減額 -2,000円）" in t
    schedule = rows_of(t, "narrow schedule")
    assert [s.split()[-1] for s in schedule] == ["11,500円", "11,000円", "10,000円", "10,000円"]


def test_trace_page_explains_parameters_articles_and_rounding(clerk, town):
    no = town.nos["salaried_a"]
    r = clerk.get(f"/tax/taxpayers/{no}/trace", params={"fiscal_year": FY, "version": 1})
    assert r.status_code == 200
    t = r.text
    assert "保存された年税額と一致します" in t
    taxable = re.search(r'<tr id="step-taxable_income">(.*?)</tr>', t, re.S).group(1)  # type: ignore[union-attr]
    assert (
        "3,130,000円" in taxable
        and "1,000円未満切捨て: 3,130,000円 → 3,130,000円（地方税法第20条の4の2第1項）" in taxable
    )
    salary = re.search(r'<tr id="step-salary_income_before_adjustment">(.*?)</tr>', t, re.S).group(1)  # type: ignore[union-attr]
    assert "salary_income.table" in salary and "地方税法第313条第2項" in salary and "国の法令" in salary
    levy = re.search(r'<tr id="step-income_levy_municipal">(.*?)</tr>', t, re.S).group(1)  # type: ignore[union-attr]
    assert "100円未満切捨て" in levy and "186,300円" in levy
    assert 'id="step-widow_deduction"' not in t  # 0 and no parameter of its own: left out by default
    full = clerk.get(f"/tax/taxpayers/{no}/trace", params={"fiscal_year": FY, "version": 1, "all": 1}).text
    assert 'id="step-widow_deduction"' in full


def test_notice_pdf_download(clerk, town):
    r = clerk.get(f"/tax/taxpayers/{town.nos['ordinary']}/notice.pdf", params={"fiscal_year": FY})
    assert (
        r.status_code == 200
        and r.headers["content-type"] == "application/pdf"
        and r.content.startswith(b"%PDF")
    )
    doc = pdfium.PdfDocument(r.content)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert (
        "42,500円" in text and "第2版" not in text and f"{FY}-{town.nos['ordinary']}-2" in text
    )  # the current version
    assert "令和8年6月10日" in text  # 通知日 = 処理日
    refused = clerk.get(f"/tax/taxpayers/{town.nos['salaried_a']}/notice.pdf", params={"fiscal_year": FY})
    assert (
        refused.status_code == 404 and "令和8年度の税額決定・納税通知書の対象ではありません" in refused.text
    )
    bad = clerk.get(
        f"/tax/taxpayers/{town.nos['salaried_a']}/notice.pdf", params={"fiscal_year": FY, "kind": "x"}
    )
    assert bad.status_code == 422


def test_runs_page_lists_the_annual_run_with_progress(clerk, town):
    r = clerk.get("/tax/runs")
    row = rows_of(r.text, "runs")[0]
    assert (
        "annual-2026" in row
        and "令和8年度" in row
        and "当初課税" in row
        and "完了" in row
        and "1 / 1 区分（100%）" in row
    )
    assert "<progress" in r.text and 'hx-trigger="every 5s"' not in r.text  # nothing running: no polling
    assert clerk.get("/tax/runs/table").text.lstrip().startswith('<div id="runs"')


def test_calculator_form_result_and_errors(clerk):
    page = clerk.get("/tax/calculator")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    ok = clerk.post("/tax/calculator", data={"csrf_token": token, "fiscal_year": "2026", "age": "45",
                                             "salary_revenue": "５,000,000"})  # fmt: skip
    assert ok.status_code == 200 and "315,500円" in ok.text and 'id="step-taxable_income"' in ok.text
    bad = clerk.post("/tax/calculator", data={"csrf_token": token, "fiscal_year": "2026", "age": "四十"})
    assert bad.status_code == 422 and '<a href="#c-age">年齢: 半角の数字で入力してください</a>' in bad.text
    assert 'aria-invalid="true"' in bad.text and 'value="四十"' in bad.text  # the input is kept
    js = clerk.post("/tax/calculator", data={"csrf_token": token, "case_json": '{"fiscal_year": 2026, "taxpayer": {"age": 45}, "incomes": {"salary_revenue": -1}}'})  # fmt: skip
    assert js.status_code == 422 and 'href="#c-case_json"' in js.text and "incomes.salary_revenue" in js.text
    clerk.headers.pop("X-CSRF-Token")
    assert clerk.post("/tax/calculator", data={"fiscal_year": "2026", "age": "45"}).status_code == 403


def test_every_page_has_labels_and_no_inline_script_or_style(clerk, town):
    no = town.nos["ordinary"]
    for url in ("/tax", "/tax?searched=1&kana=ゼイタ", f"/tax/taxpayers/{no}", f"/tax/taxpayers/{no}/trace?fiscal_year={FY}",
                "/tax/runs", "/tax/calculator", "/tax?searched=1"):  # fmt: skip
        r = clerk.get(url)
        assert problems(r.text) == [], url


def test_only_tax_staff_and_reads_are_audited(tax_app, db, town, owner_engine):
    other = login_client(tax_app, make_staff(db, town.tenant_id, ["registry_clerk"]))
    for url in ("/tax", "/tax/runs", "/tax/calculator", f"/tax/taxpayers/{town.nos['ordinary']}"):
        assert other.get(url).status_code == 403, url
    clerk = login_client(tax_app, make_staff(db, town.tenant_id, ["tax_clerk"]))
    clerk.get(f"/tax/taxpayers/{town.nos['pensioner']}")
    with owner_engine.connect() as c:
        found = c.execute(sa.select(audit_log.c.action).where(
            audit_log.c.tenant_id == town.tenant_id, audit_log.c.function == "tax.taxpayer",
            audit_log.c.target_id == town.nos["pensioner"])).all()  # fmt: skip
    assert found and {x.action for x in found} == {"read"}
