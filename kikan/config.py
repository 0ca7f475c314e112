"""Settings from the environment, validated at start (prefix ``KIKAN_``)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path.cwd() / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KIKAN_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'kikan.db'}",
        description="SQLAlchemy URL. SQLite file (embedded default) or postgresql+psycopg://…",
    )
    db_app_role: str = Field(
        default="kikan_app",
        description="PostgreSQL role without BYPASSRLS that the application switches to (SET ROLE).",
    )
    secret_key: str = Field(default="", description="Signs session cookies; generated per process if empty.")
    session_idle_minutes: int = 30
    session_max_hours: int = 10
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    # login rate limits per minute (kikan.adapters.security.ratelimit.LoginLimits; docs/security.md)
    login_rate_per_login: int = Field(default=10, ge=1, description="Attempts per login name per minute.")
    login_rate_per_address: int = Field(default=20, ge=1, description="Failed logins per address per minute.")
    secure_cookies: bool = False
    log_json: bool = True

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, v: str) -> str:
        if not (v.startswith("sqlite") or v.startswith("postgresql")):
            raise ValueError("KIKAN_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL")
        if v.startswith("postgresql://"):
            v = "postgresql+psycopg://" + v[len("postgresql://"):]
        return v

    def effective_secret(self) -> str:
        if not self.secret_key:
            self.secret_key = secrets.token_urlsafe(32)
        return self.secret_key

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
