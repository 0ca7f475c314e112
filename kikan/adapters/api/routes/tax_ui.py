"""個人住民税 staff screens under ``/tax`` (web routers only; the JSON API is in ``routes/tax.py``).

Every route declares ``Requires("tax.read")``, or ``Requires("tax.write")`` for 所得情報の登録・訂正 and
税額の更正 (preview and apply). Legal basis and the calculation: see
``kikan/tax/individual_resident/README.md``; the notices: ``kikan.tax.individual_resident.notices``.
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kikan.adapters.web import tax as web

    return web.routers()
