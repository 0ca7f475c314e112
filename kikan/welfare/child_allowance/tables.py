"""Pydantic models of the ``table`` parameters of 児童手当 (validated when the YAML is loaded)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

NS = "welfare.child_allowance"


class _Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AmountPair(_Table):
    first_second: int = Field(ge=0)
    third_plus: int = Field(ge=0)


class AgeBand(AmountPair):
    age: int = Field(ge=3, le=30)
    label: str


class AmountBands(_Table):
    """Monthly amount per child: under 3 (through the month of the 3rd birthday), then bands
    "until the first 31 March after reaching ``age``" in increasing age (第6条)."""

    under_3: AmountPair
    bands: tuple[AgeBand, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _increasing(self) -> AmountBands:
        ages = [b.age for b in self.bands]
        if ages != sorted(set(ages)):
            raise ValueError("bands の age は昇順・重複なしで指定してください")
        return self

    @property
    def eligible_until_age(self) -> int:
        """The age of the last band: 児童 up to the first 31 March after reaching it (第3条第1項)."""
        return self.bands[-1].age


class IncomeLimit(_Table):
    base: int = Field(ge=0)
    per_dependant: int = Field(ge=0)


class PaymentMonths(_Table):
    months: tuple[int, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _calendar_months(self) -> PaymentMonths:
        if any(not 1 <= m <= 12 for m in self.months) or len(set(self.months)) != len(self.months):
            raise ValueError("months は 1〜12 の重複しない月で指定してください")
        return self


class Transition(_Table):
    claim_deadline: date
    retroactive_from: date


MODELS: dict[str, type[BaseModel]] = {
    f"{NS}.amount.monthly": AmountBands,
    f"{NS}.amount.facility": AmountBands,
    f"{NS}.income_limit.table": IncomeLimit,
    f"{NS}.income_upper_limit.table": IncomeLimit,
    f"{NS}.payment.months": PaymentMonths,
    f"{NS}.transition.reform_2024": Transition,
}
