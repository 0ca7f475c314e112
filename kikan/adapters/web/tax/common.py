"""Shared parts of the 個人住民税 staff screens: permissions (``tax.read`` to view, ``tax.write`` to change), 和暦 and yen, the readable trace, errors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.db.database import UnitOfWork
from kikan.adapters.web.formatting import wareki, yen
from kikan.adapters.web.views import render
from kikan.core.errors import DomainError, FieldError
from kikan.core.temporal import SystemClock
from kikan.tax.individual_resident.columns import OUTPUTS
from kikan.tax.individual_resident.income_records import SOURCE_KINDS
from kikan.tax.individual_resident.notices import fiscal_year_text, month_text
from kikan.tax.individual_resident.schedule import METHOD_LABELS

Reader = Annotated[Principal, Depends(Requires("tax.read"))]
Writer = Annotated[Principal, Depends(Requires("tax.write"))]
TAXATION = {"taxed": "課税", "per_capita_only": "均等割のみ課税", "exempt": "非課税", "cancelled": "課税取消"}
RESULT_KIND = {
    "annual": "当初課税",
    "correction": "更正",
    "additional": "追加課税",
    "cancellation": "課税取消",
}
TAXPAYER_KIND = {"resident": "住民（1月1日現在）", "house": "家屋敷課税（住登外）", "none": "課税対象外"}
RUN_KIND = {"annual": "当初課税", "simulation": "試算", "correction": "更正"}
RUN_STATUS = {"running": "処理中", "completed": "完了"}
COUNT_STEPS = {"household_members": "人"}
FLAG_STEPS = frozenset({"per_capita_exempt", "income_levy_exempt"})
ROUNDING = {"floor": "未満切捨て", "ceil": "未満切上げ", "round": "未満四捨五入"}


def tax_today() -> date:
    """処理日 (JST); overridden in tests through ``dependency_overrides``."""
    return SystemClock().today()


Today = Annotated[date, Depends(tax_today)]


def open_uow(request: Request, p: Principal) -> UnitOfWork:
    return app_db(request).uow(p.ctx)


def rounding_text(r: Mapping[str, Any], after: Any) -> str:
    """「1,000円未満切捨て 3,130,500円 → 3,130,000円（地方税法第20条の4の2第1項）」."""
    method = str(r.get("method", ""))
    how = next((v for k, v in ROUNDING.items() if method.startswith(k)), method)
    basis = f"（{r['basis']}）" if r.get("basis") else ""
    return f"{int(r.get('unit') or 1):,}円{how}: {yen(r.get('before'))} → {yen(after)}{basis}"


def step_value(name: str, value: Any) -> str:
    if name in COUNT_STEPS:
        return f"{value}{COUNT_STEPS[name]}"
    if name in FLAG_STEPS:
        return "該当" if value else "非該当"
    if name == "exemption_reason":
        return f"理由コード {value}"
    return yen(value) if isinstance(value, int) else str(value)


def trace_rows(trace: Mapping[str, Any], *, show_all: bool = False) -> list[dict[str, Any]]:
    """The steps of a :class:`~kikan.core.rules.Trace` as table rows: what, value, rounding, parameters.

    By default a step whose value is 0 and that used no parameter of its own is left out (the
    table of a salaried person would otherwise list every deduction they do not have).
    """
    rows = []
    for s in trace.get("steps", []):
        name, value = s["name"], s.get("value")
        params = s.get("parameters") or []
        if (
            not show_all
            and not value
            and not s.get("rounding")
            and name not in ("total_tax", "taxable_income")
        ):
            continue
        rows.append({
            "name": name, "label": OUTPUTS.get(name, name), "note": s.get("note") or "",
            "value": step_value(name, value),
            "rounding": rounding_text(s["rounding"], value) if s.get("rounding") else "",
            "parameters": [
                {"key": str(x.get("key", "")).removeprefix("tax.individual_resident."), "basis": x.get("basis", ""),
                 "source": x.get("source", ""), "effective": x.get("effective", ""),
                 "origin": "条例（団体）" if x.get("origin") == "tenant" else "国の法令",
                 "revision": x.get("revision"), "verified": bool(x.get("verified"))}
                for x in params
            ],
        })  # fmt: skip
    return rows


HELPERS: dict[str, Any] = {
    "wareki": wareki, "yen": yen, "fiscal_year_text": fiscal_year_text, "month_text": month_text,
    "TAXATION": TAXATION, "RESULT_KIND": RESULT_KIND, "TAXPAYER_KIND": TAXPAYER_KIND, "RUN_KIND": RUN_KIND,
    "RUN_STATUS": RUN_STATUS, "SOURCE_KINDS": SOURCE_KINDS, "METHOD_LABELS": METHOD_LABELS,
}  # fmt: skip


def page(request: Request, name: str, ctx: dict[str, Any], p: Principal, status: int = 200) -> Response:
    """Render ``tax/<name>`` (templates extend ``tax/_layout.html``) with the helpers."""
    return render(request, f"tax/{name}", {**HELPERS, **ctx}, p, status=status)


def errors_of(exc: DomainError) -> list[FieldError]:
    return list(exc.errors) or [FieldError("", exc.message)]


def error_page(request: Request, p: Principal, exc: DomainError, title: str = "処理できません") -> Response:
    msgs = [f"{e.field}: {e.message}" if e.field else e.message for e in errors_of(exc)]
    return page(request, "error.html", {"title": title, "messages": msgs}, p, status=exc.status)
