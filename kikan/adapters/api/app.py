"""The FastAPI application: API under /api/v1, staff UI, resident-facing forms."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DataError

from kikan import __version__
from kikan.adapters.api import errors
from kikan.adapters.api.logging import configure as configure_logging
from kikan.adapters.api.middleware import RequestContextMiddleware, unvalidated_input
from kikan.adapters.db.database import Database
from kikan.adapters.security import ratelimit
from kikan.config import Settings, get_settings

WEB = Path(__file__).resolve().parent.parent / "web"


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.effective_secret()
    configure_logging(json=settings.log_json)
    from kikan.rules_catalog import catalog

    parameters = catalog()  # a broken parameter file fails here, at start
    db = db or Database(settings.database_url, app_role=settings.db_app_role)
    app = FastAPI(
        title="kikan API",
        version=__version__,
        description="基幹業務システム kikan の API。住民記録ほか標準準拠の業務を提供します。",
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.parameters = parameters
    app.state.templates = Jinja2Templates(directory=str(WEB / "templates"))
    errors.install(app)
    ratelimit.install(app)
    for refused in (DataError, OverflowError):  # unvalidated input the database refuses: 400, not 5xx
        app.add_exception_handler(refused, unvalidated_input)
    app.state.login_limits = ratelimit.LoginLimits.create(
        settings.login_rate_per_login, settings.login_rate_per_address
    )

    from kikan.adapters.api.routes import platform
    from kikan.adapters.web import views as web_views

    app.include_router(platform.router)
    for router in _business_routers():
        app.include_router(router)
    app.include_router(web_views.router)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    app.add_middleware(RequestContextMiddleware, hsts=settings.secure_cookies)
    return app


def _business_routers() -> list:
    """Routers of the businesses, wired here (the one place adapters meet businesses)."""
    import importlib

    routers: list = []
    for name in (
        "juki", "linkage", "addressee", "applications", "characters", "migration", "tax", "tax_assessment",
        "tax_ui", "welfare", "welfare_cases", "welfare_ui",
    ):
        try:
            module = importlib.import_module(f"kikan.adapters.api.routes.{name}")
        except ModuleNotFoundError as e:  # business not part of this build
            if e.name != f"kikan.adapters.api.routes.{name}":
                raise
            continue
        routers.extend(module.routers())
    return routers
