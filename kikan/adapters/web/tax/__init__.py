"""Staff screens of the 個人住民税 (Japanese, under ``/tax``; permission ``tax.read``, and ``tax.write``
for 所得情報の登録・訂正 and 税額の更正).

Server-rendered (Jinja2 + htmx, no inline script or style: CSP ``script-src 'self'``). Every input
has a ``<label for>``; a refused request re-renders its form with an error summary (``role="alert"``)
linking each Japanese message to its input. Taxpayers come from the tax business's own copy of the
registry's published data, never from the registry's tables.
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kikan.adapters.web.tax import calculator, correction, income_form, runs, taxpayers

    return [taxpayers.router(), income_form.router(), correction.router(), runs.router(), calculator.router()]
