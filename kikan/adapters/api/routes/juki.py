"""住民記録 (resident registry): the REST API under ``/api/v1/juki`` and the staff screens under ``/juki``.

``kikan.adapters.api.app`` calls :func:`routers`. Every route declares its permission
(``juki.read``, ``juki.write``, ``juki.certificate``, ``juki.block.manage``, ``juki.stats``;
``mynumber.view`` and ``juki.block.release`` are checked inside the reads and the certificate
issue). Legal basis and spec: 住民基本台帳法; 住民記録システム標準仕様書 (see ``kikan/juki/README.md``).
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kikan.adapters.api.routes import (
        juki_block_api,
        juki_certificate_api,
        juki_move_api,
        juki_read_api,
        juki_remake_api,
        juki_search_api,
        juki_stats_api,
    )
    from kikan.adapters.web import juki as web

    api = [
        juki_search_api.router(), juki_read_api.router(), juki_move_api.router(), juki_block_api.router(),
        juki_certificate_api.router(), juki_stats_api.router(), juki_remake_api.router(),
    ]  # fmt: skip
    return [*api, *web.routers()]
