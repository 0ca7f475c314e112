"""庁内データ連携 (pull linkage) under ``/api/v1/linkage`` — 共通機能標準仕様書「庁内データ連携」.

- ``POST /token``: OAuth 2.0 client credentials with ``client_secret_jwt`` (system clients).
- ``GET /datasets``, ``GET /datasets/{name}/schema``: the catalogue and each record's JSON Schema.
- ``GET /{dataset}/changes?after=&limit=``: records after an opaque cursor, in commit order.
- ``GET /{dataset}/snapshot?cursor=&limit=``: the whole dataset, keyset-paged.
- ``GET /{dataset}/export?mode=&after=&encoding=&header=``: CSV file (whole or differential), streamed.
- ``/clients…`` (``operator``): register, grant, rotate, disable system clients.
- ``/exchanges…`` (``audit.read``): the hash-chained exchange log and its verification.

kikan's own businesses consume these routes exactly like another vendor's system would
(:mod:`kikan.linkage.client`). See ``docs/linkage.md``.
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kikan.adapters.api.routes import linkage_admin, linkage_auth, linkage_feed

    return [linkage_auth.router, linkage_feed.router(), linkage_admin.router()]
