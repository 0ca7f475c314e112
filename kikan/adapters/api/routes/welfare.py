"""Welfare API: one-case calculations of 児童手当 and 児童扶養手当 (same code as the payment batch)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from kikan.adapters.api.deps import Principal, Requires
from kikan.welfare import child_allowance as ca
from kikan.welfare import child_rearing_allowance as cra

router = APIRouter(prefix="/api/v1/welfare", tags=["welfare"])
Reader = Annotated[Principal, Depends(Requires("welfare.read"))]


@router.post("/child-allowance/calculate", response_model=ca.ChildAllowanceResult)
def child_allowance(
    p: Reader, case: Annotated[dict[str, Any], Body(description="ChildAllowanceCase（スキーマは GET …/schema）")]
) -> ca.ChildAllowanceResult:
    """児童手当（児童手当法）: 受給者、月額、支払月と計算過程。"""
    return ca.calculate(ca.parse_case(case))


@router.get("/child-allowance/schema")
def child_allowance_schema(p: Reader) -> dict:
    return ca.ChildAllowanceCase.model_json_schema()


@router.post("/child-rearing-allowance/calculate", response_model=cra.ChildRearingResult)
def child_rearing_allowance(
    p: Reader, case: Annotated[dict[str, Any], Body(description="ChildRearingCase（スキーマは GET …/schema）")]
) -> cra.ChildRearingResult:
    """児童扶養手当（児童扶養手当法）: 全部支給・一部支給の月額、支払月と計算過程。"""
    return cra.calculate(cra.parse_case(case))


@router.get("/child-rearing-allowance/schema")
def child_rearing_allowance_schema(p: Reader) -> dict:
    return cra.ChildRearingCase.model_json_schema()


def routers() -> list[APIRouter]:
    return [router]
