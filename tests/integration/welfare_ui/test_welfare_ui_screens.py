"""児童手当・児童扶養手当 staff screens through the real app (both backends): the case list and its
filters, a case page with its history and notices, 認定 of a claim from the screen, the tasks opened by
the registry's events, the payment runs with their totals and files; permissions and HTML hygiene."""

from __future__ import annotations

import re

import sqlalchemy as sa
from fastapi.testclient import TestClient

from kikan.adapters.db import welfare_feed
from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tables.welfare import welfare_task
from tests.conftest import login_client, make_staff
from tests.e2e.tax_ui.html_checks import problems
from tests.integration.welfare.welfare_support import claim, move_in, person


def test_case_list_filters_by_allowance_and_status(clerk, town):
    r = clerk.get("/welfare/cases")
    assert r.status_code == 200 and not problems(r.text), problems(r.text)
    assert town.paid in r.text and town.ended in r.text
    assert "渡邉　花子" in r.text and "20,000円" in r.text
    certified = clerk.get("/welfare/cases?allowance=child_allowance&status=certified").text
    assert town.paid in certified and town.ended not in certified
    ended = clerk.get("/welfare/cases?status=extinguished").text
    assert town.ended in ended and town.paid not in ended
    none = clerk.get("/welfare/cases?allowance=child_rearing_allowance").text
    assert town.paid not in none and "条件に一致する台帳はありません" in none
    bad = clerk.get("/welfare/cases?status=unknown")
    assert bad.status_code == 422 and "状態: 一覧から選んでください" in bad.text


def test_case_page_shows_history_children_and_notice_links(clerk, town):
    r = clerk.get(f"/welfare/cases/{town.ended}")
    assert r.status_code == 200 and not problems(r.text), problems(r.text)
    hist = r.text[r.text.index('id="h-history"'):]
    assert re.findall(r"<td>第(\d)版</td>", hist) == ["4", "3", "2", "1"]
    for word in ("認定請求", "認定", "額改定（減額）", "消滅", "鈴木　楓", "令和7年7月20日"):
        assert word in r.text, word
    for v, title in ((2, "児童手当認定通知書"), (3, "児童手当額改定通知書"), (4, "児童手当受給資格消滅通知書")):
        assert f'href="/welfare/cases/{town.ended}/versions/{v}/notice.pdf">{title}（PDF）' in r.text
    assert f"/welfare/cases/{town.ended}/versions/1/notice.pdf" not in r.text  # 認定請求 has no notice
    table = hist[: hist.index("</table>")]
    assert "児童手当法第7条・第8条" in table and "児童扶養手当法" not in table  # the case's own law only
    assert clerk.get("/welfare/cases/0000009999").status_code == 404


def test_clerk_certifies_a_claim_from_the_case_page(app, db, clerk, town):
    ctx = town.ctx
    r = move_in(db, ctx, [person("高橋", "舞", "1990-09-09", "世帯主", "2"), person("高橋", "蓮", "2022-01-15", "子")],
                "2025-07-01")  # fmt: skip
    welfare_feed.poll(db, town.tenant_id)
    mom, kid = r.addressee_nos
    case = claim(db, ctx, mom, [(kid, "2022-01-15")], "2025-07-05")
    page = clerk.get(f"/welfare/cases/{case.case_id}")
    assert "認定請求中" in page.text and "認定する" in page.text
    bad = clerk.post(f"/welfare/cases/{case.case_id}/certify", data={"expected_version": "1", "decided_on": "2025-06-01"})
    assert bad.status_code == 422 and "決定日は認定請求日から処理日までの日付にしてください" in bad.text
    stale = clerk.post(f"/welfare/cases/{case.case_id}/certify", data={"expected_version": "7"})
    assert stale.status_code == 409 and "他の処理で更新されています" in stale.text
    ok = clerk.post(f"/welfare/cases/{case.case_id}/certify", data={"expected_version": "1"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == f"/welfare/cases/{case.case_id}?done=2"
    done = clerk.get(ok.headers["location"]).text
    assert "第2版を記録しました" in done and "認定（受給中）" in done and "10,000円（令和7年8月分）" in done
    assert "令和7年8月分から" in done  # 転入 2025-07-01, claimed within 15 days: from the next month
    nocsrf = login_client(app, make_staff(db, town.tenant_id, ["welfare_clerk"]))
    nocsrf.headers.pop("X-CSRF-Token")
    assert nocsrf.post(f"/welfare/cases/{case.case_id}/reject", data={"expected_version": "2", "reason": "x"}).status_code == 403


def test_tasks_from_registry_events_and_closing_one(db, clerk, town):
    r = clerk.get("/welfare/tasks")
    assert r.status_code == 200 and not problems(r.text), problems(r.text)
    assert "出生: 受給世帯で額改定の請求が必要" in r.text  # 渡邉 空, born into the recipient's household
    t = welfare_task.c
    with db.uow(town.ctx) as uow:
        task_id = uow.conn.execute(sa.select(t.task_id).where(t.tenant_id == town.tenant_id, t.kind == "birth_revision")).scalar_one()
    page = clerk.get("/welfare/tasks?kind=birth_revision").text
    assert task_id in page
    done = clerk.post(f"/welfare/tasks/{task_id}/done", data={"note": "額改定請求書を送付", "back": "/welfare/tasks"},
                      follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/welfare/tasks"
    assert task_id not in clerk.get("/welfare/tasks?kind=birth_revision").text
    closed = clerk.get("/welfare/tasks?status=done").text
    assert task_id in closed and "額改定請求書を送付" in closed


def test_payment_runs_list_totals_and_files(clerk, town):
    r = clerk.get("/welfare/payment-runs")
    assert r.status_code == 200 and not problems(r.text), problems(r.text)
    assert 'href="/welfare/payment-runs/child_allowance/2025-04"' in r.text and "1件 40,000円" in r.text  # 2025-02 (転入 + 15日特例) and 2025-03
    run = clerk.get("/welfare/payment-runs/child_allowance/2025-04")
    assert run.status_code == 200 and not problems(run.text), problems(run.text)
    totals = run.text[run.text.index('id="total-transfer"'):]
    assert "1件" in totals[:200] and "40,000円" in totals[:200]
    assert town.paid in run.text and "渡邉　花子" in run.text and "2025-02,2025-03" in run.text
    for kind in ("zengin", "list", "summary"):
        href = f"/api/v1/welfare/cases/payment-runs/child_allowance/2025-04/{kind}"
        assert href in run.text
        f = clerk.get(href)
        assert f.status_code == 200 and f.content
    assert f"/welfare/payment-runs/child_allowance/2025-04/notices/{town.paid}.pdf" in run.text
    assert clerk.get("/welfare/payment-runs/child_allowance/2025-06").status_code == 404


def test_every_screen_needs_welfare_permission(app, db, town, owner_engine):
    tax = login_client(app, make_staff(db, town.tenant_id, ["tax_clerk"]))
    for path in ("/welfare/cases", f"/welfare/cases/{town.paid}", "/welfare/tasks", "/welfare/payment-runs",
                 "/welfare/payment-runs/child_allowance/2025-04", f"/welfare/cases/{town.paid}/versions/2/notice.pdf"):  # fmt: skip
        assert tax.get(path).status_code == 403, path
    assert tax.post(f"/welfare/cases/{town.paid}/certify", data={"expected_version": "2"}).status_code == 403
    r = TestClient(app).get("/welfare/cases", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    clerk = login_client(app, make_staff(db, town.tenant_id, ["welfare_clerk"]))
    assert clerk.get(f"/welfare/cases/{town.paid}").status_code == 200  # a permitted read is audited
    with owner_engine.connect() as c:
        a = audit_log.c
        fns = {(x.function, x.action) for x in c.execute(sa.select(audit_log.c.function, audit_log.c.action)
                                                         .where(a.tenant_id == town.tenant_id))}  # fmt: skip
    assert ("welfare.case", "read") in fns
