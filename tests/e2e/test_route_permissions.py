"""Every route declares a permission (Requires) or is explicitly public (Public)."""

from fastapi.routing import APIRoute
from starlette.routing import Mount

from kikan.adapters.api.deps import Public, Requires

ALLOWED_PUBLIC = {"/login", "/api/v1/health"}
PUBLIC_PREFIXES = ("/apply",)  # resident-facing online application forms


def _markers(dependant):
    for d in dependant.dependencies:
        if isinstance(d.call, (Requires, Public)):
            yield d.call
        yield from _markers(d)


def all_routes(routes, prefix=""):
    """Flatten routes, including routers that FastAPI keeps as included-router branches."""
    for r in routes:
        ctx = getattr(r, "include_context", None)
        if ctx is not None:
            yield from all_routes(ctx.included_router.routes, prefix + ctx.prefix)
        else:
            yield prefix, r


def test_every_route_declares_its_permission(app):
    missing, unexpected_public = [], []
    routes = list(all_routes(app.routes))
    assert sum(isinstance(r, APIRoute) for _, r in routes) >= 10, "route discovery found too few routes"
    for _prefix, route in routes:
        if isinstance(route, Mount):
            assert route.path == "/static", f"unexpected mount {route.path}"
            continue
        if not isinstance(route, APIRoute):
            if route.path in ("/openapi.json", "/api/docs", "/docs/oauth2-redirect"):
                continue
            missing.append(route.path)
            continue
        marks = list(_markers(route.dependant))
        if not marks:
            missing.append(f"{sorted(route.methods)} {route.path}")
        elif all(isinstance(m, Public) for m in marks) and not (
            route.path in ALLOWED_PUBLIC or route.path.startswith(PUBLIC_PREFIXES)
        ):
            unexpected_public.append(route.path)
    assert not missing, f"routes without a permission: {missing}"
    assert not unexpected_public, f"routes public without being allowed: {unexpected_public}"


def test_unauthenticated_api_calls_get_401(app):
    from fastapi.testclient import TestClient

    c = TestClient(app)
    for _prefix, route in all_routes(app.routes):
        if isinstance(route, APIRoute) and route.path.startswith("/api/") and route.path not in ALLOWED_PUBLIC:
            path = route.path.replace("{", "").replace("}", "")
            for method in route.methods:
                r = c.request(method, path)
                assert r.status_code == 401, f"{method} {route.path} -> {r.status_code}"
