"""Build the notice documents from stored assessment results (pure; ``issued_on`` is a parameter)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from kikan.core.calendar import format_wareki

from ..rules.levy import REASONS
from ..schedule import METHOD_LABELS
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
    PaymentSlip,
    TaxNotice,
)
from .texts import (
    LEGAL_CORRECTION,
    LEGAL_ORDINARY,
    LEGAL_SPECIAL,
    SLIP_NOTE,
    fiscal_year_text,
    month_text,
    payment_number,
)


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _sum(a: Mapping[str, Any], *keys: str) -> int:
    return sum(int(a.get(k) or 0) for k in keys)


_INCOME_DEDUCTIONS = (
    ("社会保険料控除", "social_insurance_deduction"), ("小規模企業共済等掛金控除", "small_enterprise_deduction"),
    ("生命保険料控除", "life_insurance_deduction"), ("地震保険料控除", "earthquake_insurance_deduction"),
    ("医療費控除", "medical_deduction"), ("雑損控除", "casualty_deduction"), ("障害者控除", "disability_deduction"),
    ("寡婦控除", "widow_deduction"), ("ひとり親控除", "single_parent_deduction"),
    ("勤労学生控除", "working_student_deduction"), ("配偶者控除", "spouse_deduction"),
    ("配偶者特別控除", "spouse_special_deduction"), ("扶養控除", "dependant_deduction"),
    ("特定親族特別控除", "specific_relative_deduction"), ("基礎控除", "basic_deduction"),
)  # fmt: skip
_CREDITS = (
    ("調整控除", ("adjustment_credit",)), ("配当控除", ("dividend_credit",)),
    ("住宅借入金等特別税額控除", ("housing_loan_credit",)),
    ("寄附金税額控除", ("donation_basic", "donation_special", "donation_filing")),
    ("外国税額控除", ("foreign_tax_credit",)), ("非課税限度額に係る調整額", ("exemption_adjustment",)),
)  # fmt: skip


def _percent(part: int, base: int) -> str:
    return f"{(Decimal(part) * 100 / Decimal(base)).normalize():f}%"


def rates(row: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """所得割の税率 (第1条第1項第6号「税率」), read back from the stored amounts.

    算出所得割額 = 課税総所得金額 × 税率 with the base in whole 1,000円 (第20条の4の2第1項), so the
    quotient is the exact rate (6%, 4%, or an ordinance's 超過課税 such as 6.1%). None without a base.
    """
    base = int(row.get("taxable_income") or 0)
    if base <= 0:
        return None
    m, p = _sum(row, "income_levy_gross_municipal"), _sum(row, "income_levy_gross_prefectural")
    return _percent(m, base), _percent(p, base), _percent(m + p, base)


def breakdown(row: Mapping[str, Any], issuer: Issuer) -> Breakdown:
    """所得の内訳・所得控除の内訳・課税標準・所得割（市・県）・税額控除・均等割・森林環境税・年税額."""
    salary_rev, pension_rev = int(row.get("salary_revenue") or 0), int(row.get("pension_revenue") or 0)
    salary, pension = int(row.get("salary_income") or 0), int(row.get("pension_income") or 0)
    incomes: list[Line] = []
    if salary_rev or salary:
        adj = int(row.get("income_adjustment_deduction") or 0)
        incomes.append(
            Line("給与所得", salary, salary_rev, f"所得金額調整控除 {adj:,}円を含む" if adj else "")
        )
    if pension_rev or pension:
        incomes.append(Line("公的年金等に係る雑所得", pension, pension_rev))
    others = int(row.get("ordinary_income") or 0) - salary - pension
    if others:
        incomes.append(Line("その他の所得（事業・不動産・利子・配当・雑）", others))
    for label, key in (("総合譲渡所得", "transfer_income"), ("一時所得", "occasional_income")):
        if int(row.get(key) or 0):
            incomes.append(Line(label, int(row[key])))
    incomes.append(Line("合計所得金額", int(row.get("total_income") or 0)))
    deductions = tuple(Line(label, int(row[k])) for label, k in _INCOME_DEDUCTIONS if int(row.get(k) or 0))
    rows = [
        LevyRow(
            "算出所得割額",
            _sum(row, "income_levy_gross_municipal"),
            _sum(row, "income_levy_gross_prefectural"),
        )
    ]
    for label, stems in _CREDITS:
        m = _sum(row, *(f"{s}_municipal" for s in stems))
        p = _sum(row, *(f"{s}_prefectural" for s in stems))
        if m or p:
            rows.append(LevyRow(f"税額控除: {label}", m, p))
    rows += [
        LevyRow(
            "所得割額（100円未満切捨て）",
            _sum(row, "income_levy_municipal"),
            _sum(row, "income_levy_prefectural"),
            True,
        ),
        LevyRow("均等割額", _sum(row, "per_capita_municipal"), _sum(row, "per_capita_prefectural"), True),
        LevyRow("税額", _sum(row, "municipal_tax"), _sum(row, "prefectural_tax"), True),
    ]
    code = int(row.get("exemption_reason") or 0)
    exempt = REASONS.get(code, "") if code else ""
    if row.get("taxpayer_kind") == "house":
        exempt = "市町村内に家屋敷等を有する住所を有しない者（地方税法第294条第1項第2号）: 均等割のみ課税"
    return Breakdown(
        issuer.municipal_tax_label, issuer.prefectural_tax_label, tuple(incomes), deductions,
        int(row.get("aggregate_income") or 0), int(row.get("income_deductions") or 0),
        int(row.get("taxable_income") or 0), tuple(rows), int(row.get("forest_environment_tax") or 0),
        int(row.get("total_tax") or 0), exempt, rates(row),
    )  # fmt: skip


def collection(row: Mapping[str, Any]) -> tuple[Line, ...]:
    """How the 年税額 is collected: 普通徴収 / 給与特徴 / 年金特徴 (parts with an amount)."""
    parts = [(METHOD_LABELS[m], int(row.get(f"{m}_amount") or 0)) for m in ("ordinary", "salary", "pension")]
    return tuple(Line(label, amount) for label, amount in parts if amount)


def installments(lines: Sequence[Mapping[str, Any]]) -> tuple[Installment, ...]:
    """Schedule lines (``schedule.as_lines``) with an amount, labelled 第N期 / N月分 / 随時, dates in 和暦."""
    out: list[Installment] = []
    for ln in lines:
        amount = int(ln["amount"])
        if amount <= 0:
            continue
        method, due = str(ln["method"]), _day(ln["due_on"])
        extra = ln.get("method_label") not in (None, METHOD_LABELS.get(method))
        month = str(ln["month"])
        label = "随時" if extra else (f"第{ln['no']}期" if method == "ordinary" else f"{int(month[5:7])}月分")
        out.append(Installment(method, str(ln.get("method_label") or METHOD_LABELS[method]), label, month_text(month),
                               due, format_wareki(due), amount))  # fmt: skip
    return tuple(out)


def tax_notice(
    row: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    taxpayer: Addressee,
    issuer: Issuer,
    *,
    issued_on: date,
) -> TaxNotice:
    """税額決定・納税通知書 of one stored result (its current version) with a 納付書 per 普通徴収 installment."""
    fy, version = int(row["fiscal_year"]), int(row.get("version") or 1)
    plan = installments(lines)
    slips = tuple(
        PaymentSlip(i.period_label, i.due_on, i.due_on_text, i.amount,
                    payment_number(issuer.tenant_id, fy, taxpayer.addressee_no, version, n))
        for n, i in enumerate((i for i in plan if i.method == "ordinary"), start=1)
    )  # fmt: skip
    notes: list[str] = []
    overpaid = int((row.get("installments") or {}).get("overpaid") or 0)
    if overpaid:
        notes.append(
            f"仮特別徴収税額が年金からの特別徴収税額を {overpaid:,}円 超えています。過納額は還付又は充当します（地方税法第17条・第17条の2）。"
        )
    if int(row.get("salary_amount") or 0):
        notes.append(
            "給与からの特別徴収の税額は、特別徴収義務者（給与支払者）が毎月の給与から差し引いて納入します。"
        )
    if slips:
        notes.append(SLIP_NOTE)
    legal = tuple(x.format(head=issuer.head, tax_ordinance=issuer.tax_ordinance) for x in LEGAL_ORDINARY)
    return TaxNotice(
        f"{fy}-{taxpayer.addressee_no}-{version}", fy, fiscal_year_text(fy), version, format_wareki(issued_on), issuer,
        taxpayer, breakdown(row, issuer), collection(row), plan, slips, legal, tuple(notes),
    )  # fmt: skip


def employer_notice(
    fiscal_year: int,
    employer: Employer,
    employees: Sequence[tuple[Addressee, Mapping[str, Any]]],
    months: Sequence[str],
    remittance_due: Sequence[date | str],
    issuer: Issuer,
    *,
    issued_on: date,
) -> EmployerNotice:
    """特別徴収税額通知書（特別徴収義務者用）: one row per employee with the 12 monthly amounts."""
    rows = tuple(
        EmployeeRow(who, int(r.get("salary_amount") or 0), int(r.get("municipal_tax") or 0),
                    int(r.get("prefectural_tax") or 0), int(r.get("forest_environment_tax") or 0),
                    _monthly(r, len(months)))
        for who, r in employees
    )  # fmt: skip
    totals = tuple(sum(e.monthly[i] for e in rows) for i in range(len(months)))
    legal = tuple(x.format(head=issuer.head) for x in LEGAL_SPECIAL)
    return EmployerNotice(
        f"{fiscal_year}-{employer.payer_id}", fiscal_year, fiscal_year_text(fiscal_year), format_wareki(issued_on),
        issuer, employer, tuple(month_text(m) for m in months), tuple(format_wareki(_day(d)) for d in remittance_due),
        rows, totals, sum(e.annual for e in rows), legal,
    )  # fmt: skip


def employee_notice(
    row: Mapping[str, Any],
    taxpayer: Addressee,
    employer: Employer,
    months: Sequence[str],
    issuer: Issuer,
    *,
    issued_on: date,
) -> EmployeeNotice:
    """特別徴収税額通知書（納税義務者用）: the breakdown and the 12 monthly amounts (June → May)."""
    fy, version = int(row["fiscal_year"]), int(row.get("version") or 1)
    return EmployeeNotice(
        f"{fy}-{taxpayer.addressee_no}-{version}-S", fy, fiscal_year_text(fy), version, format_wareki(issued_on),
        issuer, employer, taxpayer, breakdown(row, issuer), tuple(month_text(m) for m in months),
        _monthly(row, len(months)), int(row.get("salary_amount") or 0), collection(row),
        tuple(x.format(head=issuer.head) for x in LEGAL_SPECIAL),
    )  # fmt: skip


def _monthly(row: Mapping[str, Any], n: int) -> tuple[int, ...]:
    amounts = [int(x) for x in (row.get("installments") or {}).get("salary") or []]
    return tuple((amounts + [0] * n)[:n])


CHANGE_LABELS = {"correction": "税額の更正", "additional": "追加課税", "cancellation": "課税の取消し"}
DIRECTIONS = {"increase": "増額", "decrease": "減額"}


def change_rows(
    before: Mapping[str, Any] | None, after: Mapping[str, Any], issuer: Issuer
) -> tuple[ChangeRow, ...]:
    """所得割・均等割（市・県）、森林環境税、年税額: before (0 when there was no result) and after."""
    m, p = issuer.municipal_tax_label, issuer.prefectural_tax_label
    items = ((f"{m} 所得割額", "income_levy_municipal"), (f"{p} 所得割額", "income_levy_prefectural"),
             (f"{m} 均等割額", "per_capita_municipal"), (f"{p} 均等割額", "per_capita_prefectural"),
             ("森林環境税（国税）", "forest_environment_tax"), ("年税額", "total_tax"))  # fmt: skip
    return tuple(
        ChangeRow(label, _sum(before or {}, key), _sum(after, key), key == "total_tax")
        for label, key in items
    )


def change_lines(
    lines: Sequence[Mapping[str, Any]], months: Mapping[str, Sequence[str]], regular: Mapping[str, int]
) -> tuple[ChangeLine, ...]:
    """The stored per-period lines of a 更正 (``correction.correct``) labelled 第N期 / N月分 / 随時.

    ``months``: the year's months per 特別徴収 method; ``regular``: how many regular periods each
    method has (a 普通徴収 line beyond them is a 随時期)."""
    out: list[ChangeLine] = []
    for ln in lines:
        method, no = str(ln.get("method") or ""), int(ln.get("no") or 0)
        if method == "ordinary":
            label = f"第{no}期" if no <= int(regular.get("ordinary") or 0) else "随時"
        else:
            ms = list(months.get(method) or [])
            label = f"{int(ms[no - 1][5:7])}月分" if 0 < no <= len(ms) else f"{no}回目"
        due = format_wareki(_day(ln["due_on"])) if ln.get("due_on") else ""
        out.append(ChangeLine(method, str(ln.get("method_label") or METHOD_LABELS.get(method, method)), label, due,
                              int(ln.get("before") or 0), int(ln.get("after") or 0)))  # fmt: skip
    return tuple(out)


def change_notice(
    record: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    taxpayer: Addressee,
    issuer: Issuer,
    *,
    months: Mapping[str, Sequence[str]],
    regular: Mapping[str, int],
    issued_on: date,
) -> ChangeNotice:
    """税額変更通知書 of one 更正: ``record`` is the ``tax_correction_notice`` row, ``before`` / ``after``
    the result versions it changed (``before`` None for an 追加課税)."""
    fy, version = int(record["fiscal_year"]), int(record["version"])
    rows = change_rows(before, after, issuer)
    difference = rows[-1].difference
    overpaid = int(record.get("overpaid") or 0)
    notes: list[str] = []
    if overpaid:
        notes.append(
            f"この変更により {overpaid:,}円 の納め過ぎ（過誤納金）が生じました。還付又は充当の手続は別に通知します。"
        )
    if int(after.get("salary_amount") or 0) or (before and int(before.get("salary_amount") or 0)):
        notes.append("給与からの特別徴収の月割額の変更は、特別徴収義務者（給与支払者）にも通知します。")
    notes.append("変更の適用日より前に納期限が到来した期の税額は変更していません。")
    values = {"fiscal_year_text": fiscal_year_text(fy), "municipal": issuer.municipal_tax_label,
              "prefectural": issuer.prefectural_tax_label, "tax_ordinance": issuer.tax_ordinance,
              "head": issuer.head, "name": issuer.name}  # fmt: skip
    legal = tuple(x.format(**values) for x in LEGAL_CORRECTION)
    previous = record.get("previous_version")
    return ChangeNotice(
        f"{fy}-{taxpayer.addressee_no}-{version}-C", fy, fiscal_year_text(fy), version,
        int(previous) if previous is not None else None, format_wareki(issued_on), issuer, taxpayer,
        CHANGE_LABELS.get(str(after.get("kind") or ""), "税額の変更"), format_wareki(_day(record["valid_from"])),
        str(record.get("reason") or ""), rows, difference, DIRECTIONS.get(str(record.get("direction")), "変更なし"),
        overpaid, change_lines(record.get("lines") or [], months, regular), breakdown(after, issuer), legal,
        tuple(notes),
    )  # fmt: skip
