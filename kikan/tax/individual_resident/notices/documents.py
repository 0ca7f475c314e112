"""The notice documents (frozen dataclasses): what a PDF shows, nothing about how it looks."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date

from .texts import SLIP_PARTS


@dataclass(frozen=True)
class Issuer:
    """The municipality that assesses (名称) and its head (長名) as printed on the notice."""

    tenant_id: str
    name: str  # 団体名「千代田区」
    head: str  # 長名「千代田区長」
    prefecture_name: str = ""

    @property
    def municipal_tax_label(self) -> str:
        """市民税 / 特別区民税 / 町民税 / 村民税 (the 市町村民税 under its local name)."""
        for suffix, label in (("区", "特別区民税"), ("市", "市民税"), ("町", "町民税"), ("村", "村民税")):
            if self.name.endswith(suffix):
                return label
        return "市町村民税"

    @property
    def prefectural_tax_label(self) -> str:
        for suffix in ("都", "道", "府", "県"):
            if self.prefecture_name.endswith(suffix):
                return f"{suffix}民税"
        return "道府県民税"

    @property
    def tax_ordinance(self) -> str:
        return f"{self.name}税条例"


def issuer_of(tenant_id: str, name: str, prefecture_name: str = "", head: str | None = None) -> Issuer:
    """An :class:`Issuer` whose 長名 defaults to ``<名称>長`` (as the registry certificates print it)."""
    return Issuer(tenant_id, name, head or f"{name}長", prefecture_name)


@dataclass(frozen=True)
class Addressee:
    """Whom a notice is addressed to, as registered (no normalisation: IVS and MJ characters kept)."""

    addressee_no: str
    name: str
    kana: str = ""
    address: str = ""
    katagaki: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class Line:
    label: str
    amount: int
    revenue: int | None = None  # 収入金額 (給与・公的年金等)
    note: str = ""


@dataclass(frozen=True)
class LevyRow:
    label: str
    municipal: int
    prefectural: int
    strong: bool = False

    @property
    def total(self) -> int:
        return self.municipal + self.prefectural


@dataclass(frozen=True)
class Breakdown:
    """The basis of the calculation (第319条の2第1項「これらの算定の基礎」)."""

    municipal_label: str
    prefectural_label: str
    incomes: tuple[Line, ...]
    deductions: tuple[Line, ...]
    aggregate_income: int
    income_deductions: int
    taxable_income: int
    levy_rows: tuple[LevyRow, ...]
    forest_environment_tax: int
    total_tax: int
    exemption: str = ""
    rates: tuple[str, str, str] | None = None  # 所得割の税率 市・県・計 (「6%」)


@dataclass(frozen=True)
class Installment:
    method: str
    method_label: str
    period_label: str  # 第1期 / 6月分 / 随時
    month_text: str  # 令和8年6月
    due_on: date
    due_on_text: str  # 納期限（和暦）
    amount: int


@dataclass(frozen=True)
class PaymentSlip:
    """納付書 of one installment (3 parts: 領収証書・納付済通知書・領収済通知書)."""

    period_label: str
    due_on: date
    due_on_text: str
    amount: int
    payment_no: str  # digits, also the (placeholder) barcode content
    parts: tuple[str, ...] = SLIP_PARTS


@dataclass(frozen=True)
class TaxNotice:
    notice_no: str
    fiscal_year: int
    fiscal_year_text: str
    version: int
    issued_on_text: str
    issuer: Issuer
    taxpayer: Addressee
    breakdown: Breakdown
    collection: tuple[Line, ...]
    installments: tuple[Installment, ...]
    slips: tuple[PaymentSlip, ...]
    legal: tuple[str, ...]
    notes: tuple[str, ...] = ()
    title: str = "個人住民税 税額決定・納税通知書"
    kind: str = "ordinary"


@dataclass(frozen=True)
class Employer:
    payer_id: str  # 特別徴収義務者指定番号
    name: str = ""


@dataclass(frozen=True)
class EmployeeRow:
    taxpayer: Addressee
    annual: int
    municipal: int
    prefectural: int
    forest_environment_tax: int
    monthly: tuple[int, ...]


@dataclass(frozen=True)
class EmployerNotice:
    notice_no: str
    fiscal_year: int
    fiscal_year_text: str
    issued_on_text: str
    issuer: Issuer
    employer: Employer
    months: tuple[str, ...]  # 令和8年6月 … 令和9年5月
    remittance_due: tuple[str, ...]  # 納入期限（和暦）
    employees: tuple[EmployeeRow, ...]
    monthly_totals: tuple[int, ...]
    total: int
    legal: tuple[str, ...]
    title: str = "給与所得等に係る市町村民税・道府県民税 特別徴収税額の決定通知書（特別徴収義務者用）"
    kind: str = "employer"


@dataclass(frozen=True)
class EmployeeNotice:
    notice_no: str
    fiscal_year: int
    fiscal_year_text: str
    version: int
    issued_on_text: str
    issuer: Issuer
    employer: Employer
    taxpayer: Addressee
    breakdown: Breakdown
    months: tuple[str, ...]
    monthly: tuple[int, ...]
    annual: int
    collection: tuple[Line, ...]
    legal: tuple[str, ...]
    title: str = "給与所得等に係る市町村民税・道府県民税 特別徴収税額の決定通知書（納税義務者用）"
    kind: str = "employee"


@dataclass(frozen=True)
class ChangeRow:
    """One amount of the 税額変更通知書: before and after the change (変更前・変更後)."""

    label: str
    before: int
    after: int
    strong: bool = False

    @property
    def difference(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class ChangeLine:
    """One installment after the change, with what it was before (0 for a new 随時期)."""

    method: str
    method_label: str
    period_label: str  # 第1期 / 6月分 / 随時
    due_on_text: str  # 納期限（特別徴収は納入期限）, 和暦
    before: int
    after: int

    @property
    def difference(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class ChangeNotice:
    """税額変更通知書 of one 更正 (a ``tax_correction_notice`` record and the two result versions)."""

    notice_no: str
    fiscal_year: int
    fiscal_year_text: str
    version: int
    previous_version: int | None
    issued_on_text: str
    issuer: Issuer
    taxpayer: Addressee
    change_label: str  # 税額の更正 / 追加課税 / 課税の取消し
    valid_from_text: str
    reason: str
    rows: tuple[ChangeRow, ...]  # 所得割・均等割（市・県）、森林環境税、年税額
    difference: int  # 年税額の差額 (after − before)
    direction_text: str  # 増額 / 減額 / 変更なし
    overpaid: int  # 過誤納額 (還付・充当)
    lines: tuple[ChangeLine, ...]
    breakdown: Breakdown  # the basis of the calculation after the change
    legal: tuple[str, ...]
    notes: tuple[str, ...] = ()
    title: str = "個人住民税 税額変更通知書"
    kind: str = "correction"


Notice = TaxNotice | EmployerNotice | EmployeeNotice | ChangeNotice


def document_digest(doc: Notice, *, salt: str = "") -> str:
    """sha256 of the document's content (what the PDF shows); ``salt`` = the renderer's version."""
    body = json.dumps(dataclasses.asdict(doc), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256((salt + "\n" + body).encode()).hexdigest()
