"""Pydantic models of the ``table`` parameters of 児童扶養手当 (validated when the YAML is loaded)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

NS = "welfare.child_rearing_allowance"


class _Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Amounts(_Table):
    """本体（第1子）・第2子加算・第3子以降加算（1人につき）の月額。"""

    first: int = Field(ge=0)
    second: int = Field(ge=0)
    third_plus: int = Field(ge=0)


class ClaimantLimit(_Table):
    full_base: int = Field(ge=0)
    partial_base: int = Field(ge=0)
    per_dependant: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> ClaimantLimit:
        if self.partial_base < self.full_base:
            raise ValueError("partial_base は full_base 以上にしてください")
        return self


class ClaimantAdditions(_Table):
    elderly: int = Field(ge=0)
    specified: int = Field(ge=0)


class ObligorLimit(_Table):
    base: int = Field(ge=0)
    per_dependant: int = Field(ge=0)
    elderly: int = Field(ge=0)


class Deductions(_Table):
    disability: int = Field(ge=0)
    special_disability: int = Field(ge=0)
    working_student: int = Field(ge=0)
    widow: int = Field(ge=0)
    single_parent: int = Field(ge=0)


class PaymentMonths(_Table):
    months: tuple[int, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _calendar_months(self) -> PaymentMonths:
        if any(not 1 <= m <= 12 for m in self.months) or len(set(self.months)) != len(self.months):
            raise ValueError("months は 1〜12 の重複しない月で指定してください")
        return self


MODELS: dict[str, type[BaseModel]] = {
    f"{NS}.amount.full": Amounts,
    f"{NS}.amount.partial_max": Amounts,
    f"{NS}.amount.partial_min": Amounts,
    f"{NS}.income_limit.claimant": ClaimantLimit,
    f"{NS}.income_limit.claimant_additions": ClaimantAdditions,
    f"{NS}.income_limit.obligor": ObligorLimit,
    f"{NS}.deduction.table": Deductions,
    f"{NS}.payment.months": PaymentMonths,
}
