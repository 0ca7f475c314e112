"""API response shapes of 団体内統合宛名 / 住登外者宛名番号管理 (OpenAPI, Japanese descriptions)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from kikan.addressee.services import InquiryResult, NumberingResult
from kikan.addressee.views import AddresseeView, CandidateView


class LinkOut(BaseModel):
    business: str = Field(description="業務（juki: 住民記録, non_resident: 住登外者宛名番号, 他は各業務）")
    business_no: str = Field(description="業務の宛名番号")


class VersionOut(BaseModel):
    version: int = Field(description="版")
    status: str = Field(description="状態")
    changed_on: date | None = Field(description="異動日・変更日")
    reason: str = Field(description="変更事由")
    origin: str = Field(description="registry: 住民記録から / staff: 職員の付番・変更")
    registry_history_no: int | None = Field(description="住民記録の履歴番号")
    distinct_from: list[dict[str, Any]] | None = Field(description="別人と確認した宛名と理由")
    recorded_at: datetime | None = Field(description="記録日時")
    recorded_by: str | None = Field(description="記録者")
    attributes: dict[str, Any] = Field(description="この版の項目")


class AddresseeOut(BaseModel):
    integrated_no: str = Field(description="団体内統合宛名番号")
    kind: str = Field(description="person 個人 / corporation 法人")
    source: str = Field(
        description="resident 住民 / former_resident 元住民（除票） / non_resident 住登外者 / corporation 法人"
    )
    source_label: str = Field(description="区分（日本語）")
    addressee_no: str | None = Field(
        description="宛名番号（住民・元住民は住民記録の宛名番号、住登外者は住登外者宛名番号）"
    )
    registry_addressee_no: str | None = Field(description="住民記録の宛名番号")
    non_resident_no: str | None = Field(description="住登外者宛名番号")
    version: int = Field(description="現在の版（変更時の expected_version）")
    attributes: dict[str, Any] = Field(
        description="氏名・フリガナ・生年月日・性別・住所（法人は名称・法人番号・所在地）"
    )
    links: list[LinkOut] = Field(description="各業務の宛名番号")
    history: list[VersionOut] | None = Field(default=None, description="全版（history=true のとき）")


class CandidateOut(BaseModel):
    addressee: AddresseeOut
    exact: bool = Field(description="完全一致（付番すると既存の番号が回答される）")
    matched: list[str] = Field(description="一致した項目")
    matched_version: int = Field(description="一致した版（過去の氏名・住所で一致した場合は過去の版）")


class InquiryOut(BaseModel):
    candidates: list[CandidateOut] = Field(description="候補（完全一致を先頭に）")
    truncated: bool = Field(description="候補が多すぎるため一部のみ表示。条件を追加してください")


class NumberingOut(BaseModel):
    status: str = Field(description="assigned: 新たに付番 / existing: 既存の番号を回答（重複付番の防止）")
    addressee: AddresseeOut
    exact_matches: list[str] = Field(description="完全一致した団体内統合宛名番号")


def addressee_out(v: AddresseeView) -> AddresseeOut:
    return AddresseeOut(
        integrated_no=v.integrated_no, kind=v.kind, source=v.source, source_label=v.source_label,
        addressee_no=v.addressee_no, registry_addressee_no=v.registry_addressee_no, non_resident_no=v.non_resident_no,
        version=v.version, attributes=v.attributes, links=[LinkOut(business=b, business_no=n) for b, n in v.links],
        history=[VersionOut(**h) for h in v.history] if v.history is not None else None,
    )  # fmt: skip


def candidate_out(c: CandidateView) -> CandidateOut:
    return CandidateOut(addressee=addressee_out(c.addressee), exact=c.exact, matched=c.matched,
                        matched_version=c.matched_version)  # fmt: skip


def inquiry_out(r: InquiryResult) -> InquiryOut:
    return InquiryOut(candidates=[candidate_out(c) for c in r.candidates], truncated=r.truncated)


def numbering_out(r: NumberingResult) -> NumberingOut:
    return NumberingOut(status=r.status, addressee=addressee_out(r.addressee), exact_matches=r.exact_matches)
