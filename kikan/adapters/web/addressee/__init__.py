"""Staff screens of the common functions: 団体内統合宛名・住登外者 (``/addressee``) and EUC (``/euc``)."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kikan.adapters.web.addressee import euc_screens, screens

    return [screens.router(), euc_screens.router()]
