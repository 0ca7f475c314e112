"""Tax API: one-case calculation of 個人住民税 (same code path as the annual batch)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.db.rules_store import tenant_view
from kikan.tax.individual_resident import TaxpayerCase, TaxResult, calculate, national_parameters, parse_case

router = APIRouter(prefix="/api/v1/tax", tags=["tax"])


@router.post("/individual-resident/calculate", response_model=TaxResult)
def calculate_individual_resident_tax(
    request: Request,
    p: Annotated[Principal, Depends(Requires("tax.read"))],
    case: Annotated[dict[str, Any], Body(description="TaxpayerCase（スキーマは GET …/schema）")],
) -> TaxResult:
    """個人住民税を1件計算する。団体の条例（超過課税等）は自動で適用される。"""
    parsed = parse_case(case)
    with app_db(request).uow(p.ctx) as uow:
        view = tenant_view(uow, national_parameters())
    return calculate(parsed, view)


@router.get("/individual-resident/schema")
def individual_resident_schema(p: Annotated[Principal, Depends(Requires("tax.read"))]) -> dict:
    """TaxpayerCase の JSON Schema。"""
    return TaxpayerCase.model_json_schema()


def routers() -> list[APIRouter]:
    return [router]
