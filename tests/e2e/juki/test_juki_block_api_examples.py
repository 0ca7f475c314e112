"""Every write route of the 抑止・支援措置 API documents a request example in OpenAPI (the request
body's schema, or one of its properties, has ``examples``): the API reference shows a filled-in body."""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kikan.adapters.api.routes import juki_block_api

WRITES = {"POST", "PUT", "PATCH"}


def _schema(spec: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    s = op["requestBody"]["content"]["application/json"]["schema"]
    while "$ref" in s:
        s = spec["components"]["schemas"][s["$ref"].rsplit("/", 1)[-1]]
    return s


def _has_example(schema: dict[str, Any]) -> bool:
    if schema.get("examples") or schema.get("example") is not None:
        return True
    return any(
        p.get("examples") or p.get("example") is not None for p in schema.get("properties", {}).values()
    )


def test_every_block_write_route_has_a_request_example(app):
    spec = TestClient(app).get("/openapi.json").json()
    routes = [r for r in juki_block_api.router().routes if isinstance(r, APIRoute) and r.methods & WRITES]
    paths = {r.path for r in routes}
    # the three that lacked one are covered
    assert {p.rsplit("/", 1)[-1] for p in paths} >= {"temporary-release", "approve", "extend"}
    missing = []
    for r in routes:
        for method in r.methods & WRITES:
            op = spec["paths"][r.path][method.lower()]
            if "requestBody" in op and not _has_example(_schema(spec, op)):
                missing.append(f"{method} {r.path}")
    assert not missing, f"write routes without a request example: {missing}"
    approve = next(p for p in paths if p.endswith("/approve"))
    props = _schema(spec, spec["paths"][approve]["post"])["properties"]
    assert props["start_on"]["examples"] == ["2024-04-15"]
