"""支給停止通知書 of the 児童手当 (both backends), from the staff screen and the API: a 支給停止 of the
certified case gives a version whose notice names the recipient, the period and the reason of the
停止, cites 児童手当法第11条 and carries the 教示 (審査請求 3か月, 取消訴訟 6か月); every issue is audited;
a tax clerk is refused. The 支給停止の解除 gives the 解除通知書 with the month payment starts again."""

from __future__ import annotations

from datetime import date

import pytest

from kikan.welfare import cases as wc
from tests.conftest import login_client, make_staff
from tests.integration.welfare.welfare_support import svc
from tests.integration.welfare_ui.test_welfare_ui_notices import audits, flat, fonts_of, text
from tests.integration.welfare_ui.welfare_ui_seed import Town

REASON = "所在不明のため（児童手当法第11条）"


@pytest.fixture(scope="module")
def stopped(db, town: Town) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Versions of the 支給停止 (2025-08〜2025-12) and of its 解除 (from 2025-10) of the paid case."""
    stop = svc(db, town.ctx, wc.suspend, wc.Suspend, {"case_id": town.paid, "from_month": "2025-08",
               "until_month": "2025-12", "reason": REASON}, date(2025, 8, 1))  # fmt: skip
    again = svc(db, town.ctx, wc.resume, wc.Resume, {"case_id": town.paid, "from_month": "2025-10"},
                date(2025, 9, 20))  # fmt: skip
    return stop.version, again.version


def test_stop_notice_from_the_case_page(clerk, town, stopped, owner_engine):
    version, _ = stopped
    before = len(audits(owner_engine, town.tenant_id))
    r = clerk.get(f"/welfare/cases/{town.paid}/versions/{version}/notice.pdf")
    assert (
        r.status_code == 200
        and r.headers["content-type"] == "application/pdf"
        and r.content.startswith(b"%PDF")
    )
    t = flat(text(r.content))
    for s in ("児童手当支給停止通知書", "渡邉花子様", f"受給者番号{town.paid}", "支給を停止しますので通知します",
              "支給停止の期間令和7年8月分から令和7年12月分まで", f"支給停止の理由{flat(REASON)}", "児童手当法第11条"):  # fmt: skip
        assert s in t, s
    head = f"福祉市{town.tenant_id}長"
    assert f"3か月以内に、{head}に対して審査請求" in t and "行政不服審査法" in t
    assert "6か月以内" in t and "行政事件訴訟法" in t
    assert "認定通知書" not in t and "額改定通知書" not in t
    assert fonts_of(r.content, "渡邉花") == {"IPAmjMincho"}
    rows = audits(owner_engine, town.tenant_id)
    assert len(rows) == before + 1
    last = rows[-1]
    assert (last.action, last.target_type, last.target_id) == ("print", "welfare_case", town.paid)
    assert f"児童手当支給停止通知書 第{version}版" in last.detail


def test_stop_notice_api_resume_notice_and_refusal(app, db, clerk, town, stopped):
    version, resumed = stopped
    api = clerk.get(f"/api/v1/welfare/cases/{town.paid}/versions/{version}/notice.pdf")
    assert api.status_code == 200 and "児童手当支給停止通知書" in flat(text(api.content))
    back = flat(text(clerk.get(f"/api/v1/welfare/cases/{town.paid}/versions/{resumed}/notice.pdf").content))
    assert (
        "児童手当支給停止解除通知書" in back
        and "支給を再開する月令和7年10月分" in back
        and "20,000円" in back
    )
    tax = login_client(app, make_staff(db, town.tenant_id, ["tax_clerk"]))
    assert tax.get(f"/api/v1/welfare/cases/{town.paid}/versions/{version}/notice.pdf").status_code == 403
