"""The one place that wires adapters into services."""

from __future__ import annotations

from kikan.adapters.db.database import Database
from kikan.adapters.db.migrate import upgrade
from kikan.config import Settings, get_settings


def database(settings: Settings | None = None, *, migrate: bool = False) -> Database:
    settings = settings or get_settings()
    if migrate:
        upgrade(settings.database_url)
    return Database(settings.database_url, app_role=settings.db_app_role)
