"""所得情報の登録・訂正 and 税額の更正 on the staff screens, through the real login on both backends:
a salary record entered on the form is stored (by the income store, audited); a bad amount re-renders
the form with the error next to the field and writes nothing; a correction is version 2; the preview
shows the changed 所得割 before/after; applying needs a reason, then stores the next assessment
version and a 税額変更通知書 record; a stale preview gets 409; welfare staff get 403 everywhere;
a POST without the CSRF token gets 403; the pages have labels and no inline script or style."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tables.tax import tax_assessment, tax_correction_notice, tax_income_record
from tests.e2e.tax_ui.html_checks import problems
from tests.integration.tax_notices.notice_seed import FY, Town

SALARY = {"fiscal_year": str(FY), "source_kind": "salary_report", "payer_id": "E0100", "payer_name": "第二商事",
          "special_collection": "1", "salary_revenue": "1,200,000", "social_insurance": "180000", "dep_rows": "4"}  # fmt: skip


def records(owner_engine: Any, town: Town, no: str) -> list[Any]:
    c = tax_income_record.c
    with owner_engine.connect() as conn:
        return conn.execute(sa.select(c.record_id, c.version, c.payer_id, c.salary_revenue, c.social_insurance,
                                      c.recorded_by).where(c.tenant_id == town.tenant_id, c.addressee_no == no)
                            .order_by(c.received_at, c.version)).all()  # fmt: skip


def audits(owner_engine: Any, town: Town, function: str, target: str) -> list[Any]:
    a = audit_log.c
    with owner_engine.connect() as conn:
        return conn.execute(sa.select(a.action, a.detail).where(
            a.tenant_id == town.tenant_id, a.function == function, a.target_id == target)).all()  # fmt: skip


def assessment_versions(owner_engine: Any, town: Town, no: str) -> list[Any]:
    a = tax_assessment.c
    with owner_engine.connect() as conn:
        return conn.execute(sa.select(a.version, a.kind, a.reason, a.income_levy_municipal, a.total_tax).where(
            a.tenant_id == town.tenant_id, a.fiscal_year == FY, a.addressee_no == no).order_by(a.version)).all()  # fmt: skip


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)  # type: ignore[union-attr]


def test_enter_a_salary_record_on_the_form(clerk, town, owner_engine):
    no = town.nos["none"]  # 無収入: no record yet
    page = clerk.get(f"/tax/taxpayers/{no}")
    assert (
        f'href="/tax/taxpayers/{no}/income-records/new?fiscal_year={FY}"' in page.text
        and "所得情報の登録" in page.text
    )
    form = clerk.get(f"/tax/taxpayers/{no}/income-records/new", params={"fiscal_year": FY})
    assert form.status_code == 200 and problems(form.text) == []
    assert (
        'name="csrf_token"' in form.text
        and '<label for="i-salary_revenue">給与等の収入金額</label>' in form.text
    )
    assert '<option value="pension_report">公的年金等支払報告書</option>' in form.text
    r = clerk.post(f"/tax/taxpayers/{no}/income-records", data={**SALARY, "dep1_age": "12", "dep1_cohabiting": "1"},
                   follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"].startswith(
        f"/tax/taxpayers/{no}?fiscal_year={FY}&done=recorded"
    )
    (row,) = records(owner_engine, town, no)
    assert (row.version, row.payer_id, row.salary_revenue, row.social_insurance) == (
        1,
        "E0100",
        1_200_000,
        180_000,
    )
    assert row.record_id and row.recorded_by.startswith("u")
    assert [a.action for a in audits(owner_engine, town, "tax.income_record", row.record_id)] == ["create"]
    shown = clerk.get(r.headers["location"]).text
    assert "課税資料を登録しました" in shown and "第二商事" in shown and "1,200,000円" in shown


def test_bad_amount_shows_the_field_error_and_writes_nothing(clerk, town, owner_engine):
    no = town.nos["salaried_b"]
    before = records(owner_engine, town, no)
    r = clerk.post(f"/tax/taxpayers/{no}/income-records", data={**SALARY, "salary_revenue": "百万円"})
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert (
        '<a href="#i-salary_revenue">給与等の収入金額: 半角の数字で入力してください（例: 3,000,000）</a>'
        in r.text
    )
    field = re.search(
        r'<div class="field size-s invalid">\s*<label for="i-salary_revenue">.*?</div>', r.text, re.S
    )
    assert (
        field and "半角の数字で入力してください" in field.group(0) and 'aria-invalid="true"' in field.group(0)
    )
    assert 'value="百万円"' in r.text and 'value="第二商事"' in r.text  # the input is kept
    # the same validation as the API: a negative amount, a missing 支払者, an unknown choice
    neg = clerk.post(f"/tax/taxpayers/{no}/income-records", data={**SALARY, "salary_revenue": "-1"})
    assert (
        neg.status_code == 422
        and '<a href="#i-salary_revenue">給与等の収入金額: 0 以上で指定してください</a>' in neg.text
    )
    nopayer = clerk.post(f"/tax/taxpayers/{no}/income-records", data={**SALARY, "payer_id": ""})
    assert nopayer.status_code == 422 and "給与・年金の支払報告書には支払者の番号が必要です" in nopayer.text
    assert 'href="#i-payer_id"' in nopayer.text
    spouse = clerk.post(f"/tax/taxpayers/{no}/income-records", data={**SALARY, "has_spouse": "1"})
    assert spouse.status_code == 422 and 'href="#i-spouse_age"' in spouse.text
    assert records(owner_engine, town, no) == before
    assert problems(r.text) == []


def test_correct_a_record_is_version_2_and_keeps_version_1(clerk, town, owner_engine):
    no = town.nos["pensioner"]
    r = clerk.post(
        f"/tax/taxpayers/{no}/income-records", data={**SALARY, "payer_id": "E0200"}, follow_redirects=False
    )
    assert r.status_code == 303
    rid = next(x.record_id for x in records(owner_engine, town, no) if x.payer_id == "E0200")
    page = clerk.get(f"/tax/taxpayers/{no}", params={"fiscal_year": FY}).text
    assert f'href="/tax/taxpayers/{no}/income-records/{rid}"' in page
    form = clerk.get(f"/tax/taxpayers/{no}/income-records/{rid}")
    assert form.status_code == 200 and problems(form.text) == []
    assert (
        'name="version" value="1"' in form.text
        and 'value="1200000"' in form.text
        and 'value="E0200"' in form.text
    )
    assert "訂正を登録する（第2版）" in form.text
    values = {k: v for k, v in re.findall(r'<input id="i-[^"]+" name="([^"]+)" value="([^"]*)"', form.text)}
    values.update(version="1", dep_rows="4", salary_revenue="1,500,000", reason="支払報告書の訂正（再提出）",
                  fiscal_year=str(FY), source_kind="salary_report")  # fmt: skip
    done = clerk.post(f"/tax/taxpayers/{no}/income-records/{rid}", data=values, follow_redirects=False)
    assert done.status_code == 303 and "done=revised" in done.headers["location"]
    mine = [x for x in records(owner_engine, town, no) if x.record_id == rid]
    assert [(x.version, x.salary_revenue, x.payer_id, x.social_insurance) for x in mine] == [
        (1, 1_200_000, "E0200", 180_000), (2, 1_500_000, "E0200", 180_000)]  # fmt: skip
    assert sorted(a.action for a in audits(owner_engine, town, "tax.income_record", rid)) == [
        "create",
        "read",
        "update",
    ]
    again = clerk.get(f"/tax/taxpayers/{no}/income-records/{rid}").text
    assert (
        "全2版" in again and "第1版" in again and "第2版" in again and "支払報告書の訂正（再提出）" in again
    )
    # a correction based on version 1 after version 2 exists: 409, nothing written
    stale = clerk.post(f"/tax/taxpayers/{no}/income-records/{rid}", data=values)
    assert stale.status_code == 409 and "他の職員が更新しました" in stale.text
    assert len([x for x in records(owner_engine, town, no) if x.record_id == rid]) == 2


def test_preview_then_apply_the_correction_with_a_reason(clerk, town, owner_engine):
    no = town.nos["salaried_c"]
    (v1,) = assessment_versions(owner_engine, town, no)
    assert (
        clerk.post(f"/tax/taxpayers/{no}/income-records", data=SALARY, follow_redirects=False).status_code
        == 303
    )
    page = clerk.get(f"/tax/taxpayers/{no}", params={"fiscal_year": FY}).text
    assert f'action="/tax/taxpayers/{no}/correction"' in page and "税額の更正" in page
    pv = clerk.get(f"/tax/taxpayers/{no}/correction", params={"fiscal_year": FY})
    assert pv.status_code == 200 and problems(pv.text) == []
    html = re.search(r'<tr id="diff-income_levy_municipal"[^>]*>(.*?)</tr>', pv.text, re.S).group(1)  # type: ignore[union-attr]
    assert "所得割額（市町村民税、100円未満切捨て）" in html
    before, after_text, diff = re.findall(r'<td class="num">([^<]*)</td>', html)
    after = int(after_text.removesuffix("円").replace(",", ""))
    assert before == f"{v1.income_levy_municipal:,}円" and after > v1.income_levy_municipal
    assert diff == f"+{after - v1.income_levy_municipal:,}円"
    assert (
        'id="diff-salary_income"' in pv.text and 'id="diff-per_capita_municipal"' not in pv.text
    )  # unchanged: left out
    assert "地方税法第314条の3第1項" in pv.text  # the article of the changed item
    assert assessment_versions(owner_engine, town, no) == [v1]  # the preview wrote nothing
    assert [a.action for a in audits(owner_engine, town, "tax.assessment.preview", no)] == ["read"]
    token = token_of(pv.text)

    refused = clerk.post(
        f"/tax/taxpayers/{no}/correction", data={"fiscal_year": FY, "token": token, "reason": " "}
    )
    assert (
        refused.status_code == 422
        and '<a href="#k-reason">更正の理由: 更正の理由を入力してください</a>' in refused.text
    )
    assert 'aria-invalid="true"' in refused.text and assessment_versions(owner_engine, town, no) == [v1]

    ok = clerk.post(f"/tax/taxpayers/{no}/correction", data={"fiscal_year": FY, "token": token,
                                                            "reason": "給与支払報告書（2か所目）の提出"},
                    follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303 and f"done=corrected&version={v1.version + 1}" in ok.headers["location"]
    v = assessment_versions(owner_engine, town, no)
    assert (
        [x.version for x in v] == [1, 2] and v[1].kind == "correction" and v[1].income_levy_municipal == after
    )
    assert v[1].reason == "給与支払報告書（2か所目）の提出"
    n = tax_correction_notice.c
    with owner_engine.connect() as conn:
        notice = conn.execute(sa.select(n.version, n.previous_version, n.direction, n.difference).where(
            n.tenant_id == town.tenant_id, n.fiscal_year == FY, n.addressee_no == no)).all()  # fmt: skip
    assert [(x.version, x.previous_version, x.direction) for x in notice] == [(2, 1, "increase")]
    assert notice[0].difference == v[1].total_tax - v1.total_tax
    shown = clerk.get(ok.headers["location"]).text
    link = f"/tax/taxpayers/{no}/correction-notice.pdf?fiscal_year={FY}&amp;version=2"
    assert "税額を更正しました（第2版）" in shown and link in shown
    pdf = clerk.get(link.replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # the same preview again: the assessment moved on → 409, nothing written
    stale = clerk.post(
        f"/tax/taxpayers/{no}/correction", data={"fiscal_year": FY, "token": token, "reason": "二重"}
    )
    assert stale.status_code == 409 and "もう一度試算してから更正してください" in stale.text
    assert f'href="/tax/taxpayers/{no}/correction?fiscal_year={FY}"' in stale.text
    assert len(assessment_versions(owner_engine, town, no)) == 2
    # now nothing changes: the preview says so and offers no apply form
    same = clerk.get(f"/tax/taxpayers/{no}/correction", params={"fiscal_year": FY}).text
    assert "税額・課税区分は変わりません" in same and 'name="token"' not in same


def test_a_record_changed_after_the_preview_makes_it_stale(clerk, town, owner_engine):
    no = town.nos["salaried_a"]
    pv = clerk.get(f"/tax/taxpayers/{no}/correction", params={"fiscal_year": FY}).text
    assert "税額・課税区分は変わりません" in pv
    assert (
        clerk.post(f"/tax/taxpayers/{no}/income-records", data=SALARY, follow_redirects=False).status_code
        == 303
    )
    fresh = clerk.get(f"/tax/taxpayers/{no}/correction", params={"fiscal_year": FY}).text
    token = token_of(fresh)
    clerk.post(f"/tax/taxpayers/{no}/income-records", data={**SALARY, "salary_revenue": "100000"},
               follow_redirects=False)  # fmt: skip
    stale = clerk.post(
        f"/tax/taxpayers/{no}/correction", data={"fiscal_year": FY, "token": token, "reason": "x"}
    )
    assert stale.status_code == 409
    assert len(assessment_versions(owner_engine, town, no)) == 1


def _new_routes(town: Town) -> list[tuple[str, str, dict[str, Any]]]:
    no, rid = town.nos["ordinary"], "00000000-0000-0000-0000-000000000000"
    return [
        ("GET", f"/tax/taxpayers/{no}/income-records/new", {}),
        ("POST", f"/tax/taxpayers/{no}/income-records", SALARY),
        ("GET", f"/tax/taxpayers/{no}/income-records/{rid}", {}),
        ("POST", f"/tax/taxpayers/{no}/income-records/{rid}", {**SALARY, "version": "1"}),
        ("GET", f"/tax/taxpayers/{no}/correction?fiscal_year={FY}", {}),
        ("POST", f"/tax/taxpayers/{no}/correction", {"fiscal_year": str(FY), "token": "x", "reason": "r"}),
    ]


def test_welfare_clerk_is_refused_every_new_route(welfare, town, owner_engine):
    before = records(owner_engine, town, town.nos["ordinary"])
    for method, url, data in _new_routes(town):
        r = welfare.request(method, url, data=data or None)
        assert r.status_code == 403, (method, url, r.status_code)
    assert records(owner_engine, town, town.nos["ordinary"]) == before


def test_posts_without_the_csrf_token_are_refused(clerk, town, owner_engine):
    clerk.headers.pop("X-CSRF-Token")
    before = records(owner_engine, town, town.nos["ordinary"])
    for method, url, data in _new_routes(town):
        if method == "POST":
            assert clerk.post(url, data=data).status_code == 403, url
            assert clerk.post(url, data={**data, "csrf_token": "forged"}).status_code == 403, url
    assert records(owner_engine, town, town.nos["ordinary"]) == before
    assert len(assessment_versions(owner_engine, town, town.nos["ordinary"])) == 1


def test_the_form_posts_with_the_token_in_the_form_field(clerk, town, owner_engine):
    """A browser sends the token as the hidden form field, not as a header."""
    token = clerk.headers.pop("X-CSRF-Token")
    no = town.nos["ordinary"]
    form = clerk.get(f"/tax/taxpayers/{no}/income-records/new").text
    assert f'name="csrf_token" value="{token}"' in form
    r = clerk.post(
        f"/tax/taxpayers/{no}/income-records", data={**SALARY, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
