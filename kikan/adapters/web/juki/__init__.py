"""Staff screens of the resident registry (住民記録), Japanese, under ``/juki``.

Server-rendered (Jinja2 + htmx, no inline script or style: CSP ``script-src 'self'``). Every
input has a ``<label for>``; a refused operation re-renders its form with an error summary
(``role="alert"``) linking each Japanese message to its input, and keeps the input.
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kikan.adapters.web.juki import blocks, certificates, moves, remake, resident, search, stats

    return [
        search.router(),
        resident.router(),
        remake.router(),
        moves.router(),
        blocks.router(),
        certificates.router(),
        stats.router(),
    ]
