"""Staff screens of 行政事務標準文字 under ``/chars`` (Japanese): 外字の同定 and 文字の確認.

Server-rendered like the registry screens (no inline script or style); glyph previews are PNGs
drawn in IPAmj明朝 (:mod:`.glyph`).
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kikan.adapters.web.characters import views

    return [views.router()]
