"""``kikan demo``'s businesses: a fresh database, the demo municipality with 300 residents, its tax,
welfare, applications and linkage data seeded through the real services — then seeded again, which
must change nothing — and the demo logins reaching the business screens."""

from __future__ import annotations

import base64
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from kikan.adapters.db import linkage_keys
from kikan.adapters.db.database import Database
from kikan.adapters.db.engine import make_engine
from kikan.adapters.db.migrate import upgrade
from kikan.adapters.db.tables.applications import application
from kikan.adapters.db.tables.base import metadata
from kikan.adapters.db.tables.linkage import linkage_client, linkage_grant
from kikan.adapters.db.tables.tax import tax_assessment, tax_assessment_run, tax_income_record
from kikan.adapters.db.tables.welfare import (
    welfare_case,
    welfare_payment_file,
    welfare_payment_run,
    welfare_task,
)
from kikan.adapters.security import crypto
from kikan.synthetic.businesses import LINKAGE_DATASETS, income_documents, next_payment_month
from kikan.welfare import zengin
from tests.conftest import BACKENDS, PG_URL, _pg_admin, login_client

RESIDENTS = 300
KEY = "dm:" + base64.b64encode(bytes(range(3, 35))).decode()
LINKAGE_KEY = "dl:" + base64.b64encode(bytes(range(40, 72))).decode()
SECRET = "demo-test-secret"


@dataclass
class Demo:
    url: str
    db: Database
    owner: sa.Engine
    first: Any  # DemoSetup of the first run
    second: Any  # DemoSetup of the second run
    counts_first: dict[str, int]
    counts_second: dict[str, int]


def _counts(owner: sa.Engine) -> dict[str, int]:
    with owner.connect() as c:
        return {t.name: int(c.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                for t in metadata.sorted_tables}  # fmt: skip


def _fresh_url(backend: str, tmp: Any) -> tuple[str, str]:
    """A database of its own: the demo municipality and its logins are fixed names."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'demo.db'}", ""
    base = sa.engine.make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"kikan_demo_{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}_{os.getpid()}"
    admin = _pg_admin()
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), name


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    from kikan.adapters.cli.demo import prepare_demo

    url, pg_name = _fresh_url(request.param, tmp_path_factory.mktemp("demo"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(crypto.ENV_KEY, KEY)
        mp.setenv(linkage_keys.ENV_KEY, LINKAGE_KEY)
        mp.delenv("KIKAN_LINKAGE_AUDIENCE", raising=False)
        crypto.reset_cipher()
        linkage_keys.reset()
        upgrade(url)
        db, owner = Database(url), make_engine(url)
        first = prepare_demo(db, RESIDENTS, quiet=True, server_secret=SECRET)
        counts_first = _counts(owner)
        second = prepare_demo(db, RESIDENTS, quiet=True, server_secret=SECRET)
        counts_second = _counts(owner)
        yield Demo(url, db, owner, first, second, counts_first, counts_second)
        db.dispose()
        owner.dispose()
    if pg_name:
        admin = _pg_admin()
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        admin.dispose()


def _rows(demo: Demo, table: sa.Table, *where: Any) -> list[Any]:
    with demo.owner.connect() as c:
        return list(c.execute(sa.select(table).where(table.c.tenant_id == demo.first.tenant_id, *where)).all())


def test_the_demo_municipality_has_every_business(demo: Demo) -> None:
    rep = demo.first.businesses
    assert rep is not None and rep.fiscal_year is not None and not rep.skipped
    # 個人住民税: records from the store, the annual run through the batch, results per taxpayer
    runs = _rows(demo, tax_assessment_run)
    assert [(r.run_id, r.kind, r.status) for r in runs] == [(f"annual-{rep.fiscal_year}", "annual", "completed")]
    results = _rows(demo, tax_assessment, tax_assessment.c.fiscal_year == rep.fiscal_year)
    assert len(results) == runs[0].taxpayers > RESIDENTS // 2
    records = _rows(demo, tax_income_record)
    kinds = {r.source_kind for r in records}
    assert {"salary_report", "pension_report"} <= kinds and kinds & {"final_return", "resident_return"}
    assert sum(r.total_tax > 0 for r in results) > len(records) // 2
    # 児童手当: certified cases, a claim waiting, open life-event tasks, a payment run with its 全銀 file
    cases = _rows(demo, welfare_case)
    assert sum(c.status == "certified" for c in cases) >= 1 and any(c.status == "claimed" for c in cases)
    tasks = {t.kind for t in _rows(demo, welfare_task, welfare_task.c.status == "open")}
    assert {"birth_revision", "move_in_claim"} <= tasks
    pay_runs = _rows(demo, welfare_payment_run)
    assert len(pay_runs) == 1 and pay_runs[0].status == "completed"
    assert pay_runs[0].payment_month == next_payment_month(date.fromisoformat(str(pay_runs[0].started_at)[:10]))
    files = {f.kind: bytes(f.content) for f in _rows(demo, welfare_payment_file)}
    transfers = [r for r in zengin.parse(files["zengin"]) if r[0] == "2"]
    assert len(transfers) == pay_runs[0].summary["transfer"]["count"] == rep.transfers >= 1
    # 申請管理: three online applications in the staff queue
    apps = _rows(demo, application)
    assert sorted(a.form_id for a in apps) == ["child-allowance-claim", "move-out", "resident-copy-by-post"]
    assert {a.status for a in apps} == {"received"} and sorted(rep.applications) == sorted(a.receipt_no for a in apps)
    # 庁内データ連携: one client with grants, its secret shown
    with demo.owner.connect() as c:
        client = c.execute(sa.select(linkage_client).where(linkage_client.c.client_id == rep.client_id)).one()
        grants = {g.dataset for g in c.execute(sa.select(linkage_grant).where(linkage_grant.c.client_id == rep.client_id))}
    assert client.status == "active" and rep.client_secret and grants == set(LINKAGE_DATASETS)


def test_seeding_again_changes_nothing(demo: Demo) -> None:
    rep = demo.second.businesses
    assert rep is not None
    assert {"tax", "welfare", "welfare payment run", "linkage client"} <= set(rep.skipped)
    changed = {t: (n, demo.counts_second[t]) for t, n in demo.counts_first.items() if demo.counts_second[t] != n}
    assert changed == {}
    assert demo.counts_first["juki_resident"] > RESIDENTS and demo.counts_first["tax_assessment"] > 0
    # the secret is replaced (shown again), the client and grants stay
    assert rep.client_id == demo.first.businesses.client_id and rep.client_secret != demo.first.businesses.client_secret


def test_income_documents_are_deterministic_per_seed() -> None:
    people = [(f"{i:015d}", f"H{i // 3:05d}", date(1950 + i % 60, 1 + i % 12, 1 + i % 28)) for i in range(1, 400)]
    a, b, c = (income_documents(2026, people, s) for s in (1, 1, 2))
    assert a == b and a != c
    assert a[0].count("\n") > 200 and a[1]


def _app(demo: Demo) -> Any:
    from kikan.adapters.api.app import create_app
    from kikan.config import Settings

    return create_app(Settings(database_url=demo.url, secret_key=SECRET, log_json=True), demo.db)


def test_the_printed_linkage_client_pulls_the_tax_status(demo: Demo) -> None:
    """The client id and secret the demo prints work as docs/linkage.md shows (client_secret_jwt)."""
    from fastapi.testclient import TestClient

    from kikan.linkage.assertion import CLIENT_ASSERTION_TYPE
    from kikan.linkage.jws import sign_hs256

    rep = demo.second.businesses
    now = int(time.time())
    claims = {"iss": rep.client_id, "sub": rep.client_id, "aud": "http://testserver/api/v1/linkage/token",
              "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}  # fmt: skip
    http = TestClient(_app(demo))
    r = http.post("/api/v1/linkage/token", data={"grant_type": "client_credentials",
                  "client_assertion_type": CLIENT_ASSERTION_TYPE,
                  "client_assertion": sign_hs256(claims, rep.client_secret.encode())})  # fmt: skip
    assert r.status_code == 200, r.text
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    page = http.get("/api/v1/linkage/tax.assessment_status/changes?limit=5", headers=auth)
    assert page.status_code == 200 and len(page.json()["items"]) == 5
    old = demo.first.businesses.client_secret  # replaced by the second start
    claims["jti"] = uuid.uuid4().hex
    r = http.post("/api/v1/linkage/token", data={"grant_type": "client_credentials",
                  "client_assertion_type": CLIENT_ASSERTION_TYPE, "client_assertion": sign_hs256(claims, old.encode())})  # fmt: skip
    assert r.status_code in (400, 401)


def test_demo_logins_reach_the_business_screens(demo: Demo) -> None:
    app = _app(demo)
    logins = dict(demo.second.logins)
    rep = demo.second.businesses
    month = rep.payment_run.split(":")[1]
    staff = login_client(app, "demo", logins["demo"])
    pages = {
        "/tax": None, "/tax/runs": None, "/welfare/cases": None, "/welfare/tasks": None, "/welfare/payment-runs": None,
        f"/welfare/payment-runs/child_allowance/{month}": None, "/applications": None,
    }  # fmt: skip
    for path in pages:
        r = staff.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        pages[path] = r.text
    assert all(no in pages["/applications"] for no in rep.applications)
    assert re.search(r"受給中|認定", pages["/welfare/cases"])
    first_case = _rows(demo, welfare_case, welfare_case.c.status == "certified")[0].case_id
    assert staff.get(f"/welfare/cases/{first_case}").status_code == 200
    taxpayer = _rows(demo, tax_assessment)[0].addressee_no
    assert staff.get(f"/tax/taxpayers/{taxpayer}").status_code == 200
    filer = _rows(demo, tax_income_record, tax_income_record.c.source_kind == "final_return")[0].addressee_no  # 普通徴収
    notice = staff.get(f"/tax/taxpayers/{filer}/notice.pdf?fiscal_year={rep.fiscal_year}")
    assert notice.status_code == 200 and notice.content.startswith(b"%PDF")
    # the counter clerk reaches the applications queue (registry procedures only)
    clerk = login_client(app, "clerk", logins["clerk"])
    queue = clerk.get("/applications")
    assert queue.status_code == 200 and rep.applications[0] in queue.text
