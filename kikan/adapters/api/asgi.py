"""ASGI entry point for uvicorn/gunicorn: ``kikan.adapters.api.asgi:app``."""

from kikan.adapters.api.app import create_app

app = create_app()
