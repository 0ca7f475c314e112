"""Every integer query/path parameter of the API declares its range: an enormous value is a 422 from
validation, never a 5xx or a query with it (SQLite ``OverflowError`` beyond 2⁶³, PostgreSQL 22003).

Every family, linkage and welfare included.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.sec_fixtures import bearer

#: Route families left out of the walk: none (linkage and welfare declare their bounds too).
EXEMPT: tuple[str, ...] = ()
HUGE = str(10**20)


def integer_parameters(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method path, parameter name, integer schema) of every integer query/path parameter."""
    found = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for prm in op.get("parameters", []):
                if prm["in"] not in ("query", "path"):
                    continue
                sch = prm.get("schema", {})
                for s in (sch, *sch.get("anyOf", [])):
                    if s.get("type") == "integer":
                        found.append((f"{method.upper()} {path}", prm["name"], s))
    return found


def test_every_integer_parameter_has_a_maximum(app):
    params = integer_parameters(app.openapi())
    assert len(params) > 20, params  # the walk sees the API (limit, offset, ids, years …)
    missing = [f"{op} {name}" for op, name, s in params
               if not op.split(" ", 1)[1].startswith(EXEMPT) and ("maximum" not in s or "minimum" not in s)]  # fmt: skip
    assert not missing, "integer parameters without ge=/le= bounds: " + ", ".join(missing)


def test_every_maximum_fits_a_database_integer(app):
    """A declared bound that a database column cannot hold would still reach the database."""
    too_wide = [f"{op} {name}" for op, name, s in integer_parameters(app.openapi())
                if s.get("maximum", 0) > 2**63 - 1 or s.get("minimum", 0) < -(2**63)]  # fmt: skip
    assert not too_wide, too_wide


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/v1/juki/search?kana=アオキ&limit={n}"),
        ("GET", "/api/v1/juki/search?kana=アオキ&offset={n}"),
        ("GET", "/api/v1/juki/stats/annual?year={n}"),
        ("GET", "/api/v1/audit?limit={n}"),
        ("GET", "/api/v1/events?after={n}"),
        ("GET", "/api/v1/events?limit={n}"),
        ("GET", "/api/v1/euc/definitions/{n}"),
        ("DELETE", "/api/v1/euc/definitions/1?expected_version={n}"),
        ("GET", "/api/v1/euc/definitions/1/export?max_rows={n}"),
        ("POST", "/api/v1/euc/definitions/{n}/preview"),
        ("GET", "/api/v1/applications?offset={n}"),
        ("GET", "/api/v1/chars/gaiji/decisions?as_of_seq={n}"),
        ("GET", "/api/v1/tax/taxpayers?fiscal_year={n}"),
        ("GET", "/api/v1/tax/assessments/{n}/000000000000001"),
        ("POST", "/api/v1/tax/assessments/{n}/000000000000001/recompute"),
    ],
)
@pytest.mark.parametrize("n", [HUGE, "-" + HUGE])
def test_enormous_integers_are_refused_by_validation(app, world, method, url, n):
    c = bearer(app, world.a_token)
    body = {"reason": "更正"} if url.endswith("/recompute") else None  # a valid body: only the path is wrong
    r = c.request(method, url.format(n=n), json=body)
    assert r.status_code == 422, (method, url, r.status_code, r.text[:300])


def test_enormous_integers_in_bodies_are_refused_by_validation(app, world):
    c = bearer(app, world.a_token)
    r = c.post("/api/v1/chars/gaiji/resolve", json={"text": "亜", "as_of_seq": 10**20})
    assert r.status_code == 422, r.text[:300]
