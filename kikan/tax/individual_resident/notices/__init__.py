"""Notices of the 個人住民税 as documents (pure: no I/O, no clock — ``issued_on`` is a parameter).

* :class:`TaxNotice` — 税額決定・納税通知書 (普通徴収): 地方税法第1条第1項第6号 (what a 納税通知書
  states: 賦課の根拠, 住所・氏名, 課税標準額, 税率, 税額, 納期, 各納期の納付額, 延滞金, 救済), 第13条
  (納付の告知), 第319条の2 (第1項: the notice states the tax less the 特別徴収税額 and the basis of
  the calculation; 第3項: delivered at the latest 10 days before the 納期限), 第320条 (納期).
  With one :class:`PaymentSlip` (納付書) per installment of 普通徴収.
* :class:`EmployerNotice` / :class:`EmployeeNotice` — 特別徴収税額通知書 (特別徴収義務者用 /
  納税義務者用): 地方税法第321条の4 (通知は5月31日まで、納税義務者には特別徴収義務者を経由),
  第321条の5第1項 (月割額, 翌月10日までに納入).

* :class:`ChangeNotice` — 税額変更通知書 of a 更正 (変更前・変更後の所得割・均等割・森林環境税・年税額, 差額,
  変更後の各期の納付額と納期限, 理由, 教示): 地方税法第13条・第319条の2 (普通徴収), 第321条の6 (給与特徴の
  変更の通知). Built from a ``tax_correction_notice`` record and the two result versions.

Built from what the assessment stored (a result row: every ``columns.OUTPUTS`` amount, the
collection split and the installments), its schedule lines (``schedule.as_lines``), the taxpayer's
identity as registered (names/addresses verbatim, IVS kept) and the tenant (名称, 長名).
"""

from .build import (
    breakdown,
    change_lines,
    change_notice,
    change_rows,
    collection,
    employee_notice,
    employer_notice,
    installments,
    tax_notice,
)
from .documents import (
    Addressee,
    Breakdown,
    ChangeLine,
    ChangeNotice,
    ChangeRow,
    EmployeeNotice,
    EmployeeRow,
    Employer,
    EmployerNotice,
    Installment,
    Issuer,
    LevyRow,
    Line,
    Notice,
    PaymentSlip,
    TaxNotice,
    document_digest,
    issuer_of,
)
from .texts import fiscal_year_text, month_text, payment_number

__all__ = [
    "Addressee", "Breakdown", "ChangeLine", "ChangeNotice", "ChangeRow", "EmployeeNotice", "EmployeeRow", "Employer", "EmployerNotice", "Installment",
    "Issuer", "LevyRow", "Line", "Notice", "PaymentSlip", "TaxNotice", "breakdown", "change_lines", "change_notice", "change_rows", "collection", "document_digest",
    "employee_notice", "employer_notice", "fiscal_year_text", "installments", "issuer_of", "month_text",
    "payment_number", "tax_notice",
]  # fmt: skip
