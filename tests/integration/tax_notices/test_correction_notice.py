"""税額変更通知書 (更正) on both backends: a correction → a PDF whose text (pypdfium2) carries the amounts
before and after, the difference, the new installments and the 教示; the bulk run issues each pending
notice once (a rerun writes nothing, a later correction only its own file); the staff screen and the
API serve one notice to a tax clerk (audited) and refuse a welfare clerk."""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa

from kikan.adapters.db import tax_corrections
from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tax_notices import correction_key, generate_notices, relative_path
from kikan.adapters.db.tax_results import versions
from kikan.adapters.pdf.tax.batch import MANIFEST
from tests.conftest import login_client, make_staff
from tests.integration.tax import tax_support as ts
from tests.integration.tax_notices.notice_seed import FY, Town, seed_town

ISSUED = date(2026, 9, 15)
SEPT = date(2026, 9, 1)


@pytest.fixture(scope="module")
def town(db) -> Town:  # type: ignore[no-untyped-def]
    town = seed_town(db)
    # a later 確定申告 raises the 給与 of the 普通徴収 taxpayer: 更正 (増額) from September
    ts.add_income(db, town.ctx, town.nos["ordinary"], "final_return", salary_revenue=2_500_000)
    with db.uow(town.ctx) as uow:
        (res,) = tax_corrections.recompute(uow, FY, [town.nos["ordinary"]], reason="確定申告書の提出",
                                           valid_from=SEPT)  # fmt: skip
        uow.commit()
    assert res.changed and res.version == 2 and res.direction == "increase"
    return town


def text_of(pdf: bytes | str) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "".join("".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc)))


def results(db, town: Town, no: str) -> list[dict]:  # type: ignore[no-untyped-def]
    with db.uow(town.ctx) as uow:
        return versions(uow.conn, town.tenant_id, FY, no)


def test_correction_notice_shows_before_after_and_difference(db, town, tmp_path):
    no = town.nos["ordinary"]
    before, after = results(db, town, no)[:2]
    assert after["total_tax"] > before["total_tax"]
    rep = generate_notices(db, town.ctx, FY, "correction", tmp_path, workers=0, issued_on=ISSUED)
    assert (rep.targets, rep.written, rep.skipped) == (1, 1, 0)
    t = text_of(str(rep.directory / relative_path(correction_key(no, 2), "correction")))
    assert "税額変更通知書" in t and "税田花子様" in t and "令和8年9月15日" in t and "確定申告書の提出" in t
    for key in ("income_levy_municipal", "income_levy_prefectural", "total_tax"):
        assert f"{before[key]:,}円" in t and f"{after[key]:,}円" in t, key
    assert f"{after['per_capita_municipal']:,}円" in t and f"{after['forest_environment_tax']:,}円" in t
    diff = after["total_tax"] - before["total_tax"]
    assert f"+{diff:,}円（増額）" in t
    levy_diff = after["income_levy_municipal"] - before["income_levy_municipal"]
    assert f"{before['income_levy_municipal']:,}円{after['income_levy_municipal']:,}円+{levy_diff:,}円" in t
    # the installments after the change: the 1st and 2nd 期 (due before September) keep their amount
    plan = after["installments"]["ordinary"]
    assert plan[0] == before["installments"]["ordinary"][0] and f"{plan[-1]:,}円" in t
    assert "第4期" in t and "令和9年2月1日" in t  # 1月末 (日曜) → the next business day
    # legal basis and 教示
    for s in ("地方税法第13条", "第319条の2", "第321条の6", "3か月以内に、千代田区長に対して審査請求", "行政不服審査法",
              "6か月以内に、千代田区を被告として", "行政事件訴訟法", "地方税法第19条の12"):  # fmt: skip
        assert s in t, s


def test_generating_again_does_not_duplicate_and_a_new_correction_is_pending(db, town, tmp_path):
    first = generate_notices(db, town.ctx, FY, "correction", tmp_path, workers=0, issued_on=ISSUED)
    files = sorted(first.directory.rglob("*.pdf"))
    again = generate_notices(
        db, town.ctx, FY, "correction", tmp_path, workers=0
    )  # another day: still skipped
    assert (first.written, again.written, again.skipped) == (1, 0, 1)
    assert sorted(first.directory.rglob("*.pdf")) == files and len(files) == 1
    no = town.nos["salaried_c"]
    ts.add_income(db, town.ctx, no, "final_return", salary_revenue=3_200_000)
    with db.uow(town.ctx) as uow:
        (res,) = tax_corrections.recompute(uow, FY, [no], reason="給与の減額", valid_from=SEPT)
        uow.commit()
    assert res.changed and res.direction == "decrease"
    third = generate_notices(db, town.ctx, FY, "correction", tmp_path, workers=0, issued_on=date(2026, 9, 20))
    assert (third.targets, third.written, third.skipped) == (2, 1, 1)
    keys = [line for line in (first.directory / MANIFEST).read_text(encoding="utf-8").splitlines() if line]
    assert len(keys) == 2 and len(list(first.directory.rglob("*.pdf"))) == 2
    t = text_of(str(first.directory / relative_path(correction_key(no, 2), "correction")))
    assert "（減額）" in t and "給与からの特別徴収" in t and "令和8年9月20日" in t


def test_download_from_the_screen_and_the_api(app, db, town):
    no = town.nos["ordinary"]
    tax = login_client(app, make_staff(db, town.tenant_id, ["tax_clerk"]))
    a = audit_log.c

    def prints() -> int:
        with db.uow(town.ctx) as uow:
            q = sa.select(sa.func.count()).select_from(audit_log).where(
                a.tenant_id == town.tenant_id, a.function == "tax.notice.print", a.target_id == no)  # fmt: skip
            return int(uow.conn.execute(q).scalar_one())

    n = prints()
    api = tax.get(f"/api/v1/tax/assessments/{FY}/{no}/corrections/2/notice.pdf")
    assert api.status_code == 200 and api.headers["content-type"] == "application/pdf"
    assert "税額変更通知書" in text_of(api.content)
    ui = tax.get(f"/tax/taxpayers/{no}/correction-notice.pdf", params={"fiscal_year": FY, "version": 2})
    assert ui.status_code == 200 and ui.content.startswith(b"%PDF")
    assert prints() == n + 2
    page = tax.get(f"/tax/taxpayers/{no}", params={"fiscal_year": FY})
    assert f"/tax/taxpayers/{no}/correction-notice.pdf?fiscal_year={FY}&amp;version=2" in page.text
    assert tax.get(f"/api/v1/tax/assessments/{FY}/{no}/corrections/1/notice.pdf").status_code == 404
    welfare = login_client(app, make_staff(db, town.tenant_id, ["welfare_clerk"]))
    assert welfare.get(f"/api/v1/tax/assessments/{FY}/{no}/corrections/2/notice.pdf").status_code == 403
    assert (
        welfare.get(f"/tax/taxpayers/{no}/correction-notice.pdf?fiscal_year={FY}&version=2").status_code
        == 403
    )
    assert prints() == n + 2
