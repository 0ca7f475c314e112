"""``seed_businesses``: the businesses of a synthetic municipality, for demonstrations (``kikan demo``).

On top of a registry loaded by :func:`kikan.synthetic.seed_tenant`, everything goes through the
businesses' own services and batches — validation, rules, versions, audit rows and outbox events
are those of a clerk's or a batch's work, nothing is inserted behind them:

* 個人住民税: 課税資料 for the taxpayers of the current fiscal year (給与支払報告書・公的年金等支払報告書
  imported as a CSV file, a few 確定申告書・住民税申告書 entered one by one), then the annual
  assessment (当初課税) through the real batch (:func:`kikan.adapters.db.tax_runs.run_assessment`).
* 児童手当: families with children move in through the registry's 転入 service, the welfare business
  takes the 異動 from the published feed, clerks file and certify the claims from the tasks, register
  bank accounts; a birth and a recent 転入 leave tasks open; one regular payment run with its 全銀 file.
* 申請管理: a 転出届, a 住民票の写しの郵送請求 and a 児童手当 認定請求 submitted online, waiting in the queue.
* 庁内データ連携: one system client with grants on the demo municipality's datasets.

Deterministic per ``seed`` and processing date. Each step first looks whether it was already done
(as the registry load refuses a tenant that has residents), so running it again writes nothing —
except the linkage client's secret, which is replaced (like the demo passwords) so it can be shown.
Never for production tenants.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import applications_intake, linkage_clients, welfare_feed
from kikan.adapters.db import tax_income_store as income_store
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.applications import application
from kikan.adapters.db.tables.tax import tax_assessment_run, tax_income_record
from kikan.adapters.db.tables.welfare import welfare_case, welfare_payment_run, welfare_task
from kikan.adapters.db.tax_registry_source import DbRegistryReader, sync_registry
from kikan.adapters.db.tax_runs import run_assessment
from kikan.adapters.db.welfare_accounts import SqlSupportStore
from kikan.adapters.db.welfare_payment_runs import run_payment
from kikan.adapters.db.welfare_store import SqlCaseStore
from kikan.applications import catalog, validate_submission
from kikan.core.errors import DomainError, NotFound
from kikan.core.identity import individual_number, resident_record_code
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki import services as juki
from kikan.synthetic.addresses import elsewhere, place, towns_for
from kikan.synthetic.data import cohort_of, given_names, surnames
from kikan.synthetic.dice import Dice
from kikan.tax.individual_resident import national_parameters
from kikan.tax.individual_resident.income_csv import parse_csv
from kikan.tax.individual_resident.income_records import parse_record
from kikan.tax.individual_resident.params import year_params
from kikan.tax.individual_resident.taxpayers import base_date
from kikan.welfare import cases as wc
from kikan.welfare import month_index, month_label
from kikan.welfare.cases.commands import parse as parse_welfare
from kikan.welfare.child_allowance import national_parameters as child_allowance_parameters
from kikan.welfare.payments.schedule import regular_months, transfer_date

#: The clerks of the demo municipality, as one actor (the audit rows say who did the demo's work).
DEMO_ACTOR = Actor(
    "system:demo",
    kind="batch",
    terminal="DEMO",
    permissions=frozenset(
        {"juki.read", "juki.write", "tax.read", "tax.write", "welfare.read", "welfare.write", "applications.review"}
    ),
)
LINKAGE_DATASETS = ("juki.residents", "juki.households", "juki.moves", "tax.assessment_status",
                    "tax.household_status", "applications.submitted")  # fmt: skip
EMPLOYERS = (("0001000001", "八王子精密工業株式会社"), ("0001000002", "株式会社多摩ロジスティクス"),
             ("0001000003", "高尾観光開発株式会社"), ("0001000004", "市役所（職員給与）"),
             ("0001000005", "医療法人浅川会"), ("0001000006", "株式会社みなみ野フーズ"))  # fmt: skip
PENSION_PAYER = ("P000000001", "日本年金機構")
SUPPORT = {wc.record_income, wc.register_account, wc.set_payer, wc.complete_task}
Progress = Callable[[str], None]


@dataclass
class BusinessReport:
    tenant_id: str
    fiscal_year: int | None = None
    income_records: int = 0
    taxpayers: int = 0
    tax_run: str | None = None
    families: int = 0
    welfare_cases: int = 0
    certified: int = 0
    open_tasks: int = 0
    payment_run: str | None = None
    transfers: int = 0
    applications: list[str] = field(default_factory=list)
    client_id: str = ""
    client_secret: str = ""
    skipped: list[str] = field(default_factory=list)  # steps found already done
    seconds: float = 0.0


def demo_context(tenant_id: str) -> TenantContext:
    return TenantContext(tenant_id, DEMO_ACTOR)


def seed_businesses(
    db: Database, tenant_id: str, seed: int = 0, *, server_secret: str, progress: Progress | None = None,
) -> BusinessReport:  # fmt: skip
    """Populate the businesses of ``tenant_id`` (its registry must be seeded). Idempotent.

    ``server_secret`` is the deployment's secret the 確認コード of online applications derive from
    (:meth:`kikan.config.Settings.effective_secret`).
    """
    started = time.perf_counter()
    say = progress or (lambda _: None)
    ctx = demo_context(tenant_id)
    today = db.clock.today()
    report = BusinessReport(tenant_id)
    say("個人住民税: 課税資料と当初課税")
    _tax(db, ctx, today, seed, report)
    say("児童手当: 転入・認定請求・認定・支払処理")
    families = _welfare(db, ctx, today, seed, report)
    say("申請管理: オンライン申請")
    _applications(db, ctx, today, families, server_secret, report)
    say("庁内データ連携: 連携クライアント")
    _linkage(db, tenant_id, report)
    _totals(db, ctx, report)
    report.seconds = time.perf_counter() - started
    return report


# --- 個人住民税 ---------------------------------------------------------------------------------


def current_fiscal_year(today: date) -> int | None:
    """The fiscal year of ``today`` (April–March), or the latest earlier one the tax parameters cover."""
    fy = today.year if today.month >= 4 else today.year - 1
    lookup = national_parameters()
    for year in range(fy, fy - 3, -1):
        try:
            year_params(lookup, year, designated=False, grade=1)
        except LookupError:
            continue
        return year
    return None


def _count(uow: Any, table: sa.Table, *where: Any) -> int:
    q = sa.select(sa.func.count()).select_from(table).where(table.c.tenant_id == uow.tenant_id, *where)
    return int(uow.conn.execute(q).scalar_one())


def _tax(db: Database, ctx: TenantContext, today: date, seed: int, report: BusinessReport) -> None:
    fy = report.fiscal_year = current_fiscal_year(today)
    if fy is None:
        report.skipped.append("tax: no supported fiscal year")
        return
    run_id = f"annual-{fy}"
    with db.uow(ctx) as uow:
        done = _count(uow, tax_assessment_run, tax_assessment_run.c.run_id == run_id,
                      tax_assessment_run.c.status == "completed")  # fmt: skip
        have_income = _count(uow, tax_income_record, tax_income_record.c.fiscal_year == fy)
    if done:
        report.skipped.append("tax")
        report.tax_run = run_id
        return
    if not have_income:
        sync_registry(db, ctx)  # the registry's published data (the seed has no events: the snapshot)
        with db.uow(ctx) as uow:
            people = DbRegistryReader(uow).residents_on(base_date(fy), known_at=uow.now)
            csv_text, returns = income_documents(fy, [(p.addressee_no, p.household_no, p.birth_date) for p in people],
                                                 seed)  # fmt: skip
            records, relatives = parse_csv(csv_text.encode())
            income_store.import_frames(uow, records, relatives)  # 給与・年金の支払報告書 (bulk, as from eLTAX)
            for rec in returns:  # 申告書: entered one by one at the counter
                income_store.add_record(uow, parse_record(rec))
            uow.commit()
    run_assessment(db, ctx, fy)  # the annual batch (当初課税), published to the linkage feed
    report.tax_run = run_id


def income_documents(
    fiscal_year: int, people: list[tuple[str, str | None, date | None]], seed: int
) -> tuple[str, list[dict[str, Any]]]:
    """課税資料 of the previous year: (CSV of 支払報告書, 申告書 records). Deterministic per seed.

    Per household, the first earner claims a spouse without income and the children under 23
    (扶養親族, ages at 31 December of the income year); people over 65 mostly draw a pension.
    """
    rng = random.Random(f"kikan-demo-tax-{seed}")
    year = fiscal_year - 1
    end = date(year, 12, 31)

    def age_of(born: date | None) -> int:
        return 40 if born is None else end.year - born.year - ((end.month, end.day) < (born.month, born.day))

    households: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for no, hh, born in sorted(people, key=lambda p: p[0]):
        households[hh or no].append((no, age_of(born)))
    lines: list[dict[str, Any]] = []
    returns: list[dict[str, Any]] = []
    for hh in sorted(households):
        members = households[hh]
        earners: list[tuple[str, dict[str, Any]]] = []
        for no, age in members:
            roll = rng.random()
            if age < 16 or (age < 23 and roll < 0.85):
                continue
            if age >= 65:
                if roll < 0.8:
                    earners.append((no, _pension(rng, fiscal_year, no)))
                elif roll < 0.9:
                    earners.append((no, _salary(rng, fiscal_year, no, age, part_time=True)))
            elif roll < 0.06 and age >= 25 and len(returns) < 12:
                returns.append(_business_return(rng, fiscal_year, no, len(returns)))
            elif roll < 0.16:
                continue  # no income (専業主婦・主夫, 求職中 …)
            else:
                earners.append((no, _salary(rng, fiscal_year, no, age, part_time=roll < 0.32)))
        if not earners:
            continue
        earning = {no for no, _ in earners} | {r["addressee_no"] for r in returns}
        main = earners[0][1]
        others = [(no, age) for no, age in members if no not in earning]
        spouse = next((a for no, a in others if a >= 20 and abs(a - age_of_line(main, members)) <= 15), None)
        if spouse is not None:
            main.update(spouse_age=spouse, spouse_total_income=0)
        kids = sorted((a for _, a in others if a < 23), reverse=True)[:10]
        for k, a in enumerate(kids, start=1):
            main.update({f"dependant{k}_age": a, f"dependant{k}_total_income": 0})
        lines += [line for _, line in earners]
    cols = sorted({k for line in lines for k in line})
    text = ",".join(cols) + "\n" + "".join(",".join(str(line.get(c, "")) for c in cols) + "\n" for line in lines)
    return text, returns


def age_of_line(line: dict[str, Any], members: list[tuple[str, int]]) -> int:
    return next(a for no, a in members if no == line["addressee_no"])


def _salary(rng: random.Random, fy: int, no: str, age: int, *, part_time: bool) -> dict[str, Any]:
    payer_id, payer_name = EMPLOYERS[rng.randrange(len(EMPLOYERS))]
    if part_time:
        revenue = rng.randrange(600_000, 1_400_000, 1000)
    else:
        base = 2_600_000 + min(max(age - 22, 0), 30) * 120_000
        revenue = int(base * rng.lognormvariate(0, 0.3)) // 1000 * 1000
    return {"fiscal_year": fy, "addressee_no": no, "source_kind": "salary_report", "payer_id": payer_id,
            "payer_name": payer_name, "special_collection": int(not part_time or rng.random() < 0.5),
            "salary_revenue": revenue, "social_insurance": revenue * 145 // 1000,
            "life_new_general": rng.choice([0, 0, 24_000, 48_000, 80_000]),
            "earthquake_premium": rng.choice([0, 0, 0, 15_000])}  # fmt: skip


def _pension(rng: random.Random, fy: int, no: str) -> dict[str, Any]:
    revenue = rng.randrange(700_000, 3_600_000, 1000)
    return {"fiscal_year": fy, "addressee_no": no, "source_kind": "pension_report", "payer_id": PENSION_PAYER[0],
            "payer_name": PENSION_PAYER[1], "special_collection": int(rng.random() < 0.8),
            "pension_revenue": revenue, "social_insurance": revenue * 9 // 100}  # fmt: skip


def _business_return(rng: random.Random, fy: int, no: str, i: int) -> dict[str, Any]:
    """A 確定申告書 (事業所得) or, every third, a 住民税申告書 with small 雑所得."""
    if i % 3 == 2:
        return {"fiscal_year": fy, "addressee_no": no, "source_kind": "resident_return", "reason": "窓口での申告",
                "case": {"incomes": {"misc_income": rng.randrange(100_000, 500_000, 1000)},
                         "deductions": {"social_insurance": rng.randrange(100_000, 300_000, 1000)}}}  # fmt: skip
    income = rng.randrange(1_500_000, 7_000_000, 1000)
    return {"fiscal_year": fy, "addressee_no": no, "source_kind": "final_return", "reason": "確定申告書（税務署から）",
            "case": {"incomes": {"business_income": income},
                     "deductions": {"social_insurance": income * 12 // 100,
                                    "medical_expenses": rng.choice([0, 0, 150_000, 320_000])},
                     "donations": {"hometown": rng.choice([0, 30_000, 60_000])}}}  # fmt: skip


# --- 児童手当 -----------------------------------------------------------------------------------


@dataclass
class Member:
    family: str
    given: str
    family_kana: str
    given_kana: str
    born: date
    sex: str
    relationship: str
    addressee_no: str = ""


@dataclass
class Family:
    members: list[Member]
    address: str
    postal_code: str
    moved_in: date
    household_no: str = ""

    @property
    def head(self) -> Member:
        return self.members[0]

    @property
    def children(self) -> list[Member]:
        return [m for m in self.members if m.relationship == "子"]


#: Families moving in (days before today): claimed and certified; the fifth without an account
#: (its line is held in the payment run); the sixth claimed, not yet decided; the last moved in
#: a few days ago (a task, and its 認定請求 arrives online).
MOVED_DAYS = (250, 220, 190, 160, 130, 100, 4)
CERTIFIED, CLAIMED_ONLY, NEWCOMER = range(5), 5, 6


def demo_families(tenant_id: str, seed: int, today: date) -> list[Family]:
    dice = Dice([seed, 8_180])
    towns = towns_for(tenant_id)
    out = []
    for i, days in enumerate(MOVED_DAYS):
        name = surnames().pick(dice.u())  # the base spelling: online forms take standard characters
        moved = today - timedelta(days=days)
        head_sex = "2" if i in (2, 6) else "1"
        head_born = date(today.year - dice.int(29, 44), dice.int(1, 12), dice.int(1, 28))
        members = [_member(dice, name, head_born, head_sex, "世帯主")]
        if i not in (2,):  # one single parent
            born = head_born + timedelta(days=dice.int(-900, 900))
            members.append(_member(dice, name, born, "1" if head_sex == "2" else "2", "妻" if head_sex == "1" else "夫"))
        for _ in range(dice.int(1, 3)):
            born = moved - timedelta(days=dice.int(200, 15 * 365))
            members.append(_member(dice, name, born, dice.pick(("1", "2")), "子"))
        p = place(dice.pick(towns), dice)
        out.append(Family(members, p.address, p.town.postal_code, moved))
    return out


def _member(dice: Dice, name: Any, born: date, sex: str, relationship: str) -> Member:
    g = given_names(sex)[cohort_of(born.year)].pick(dice.u())
    return Member(name.text, g.text, name.kana, g.kana, born, sex, relationship)


def _numbers(rng: random.Random) -> dict[str, str]:
    base = f"{rng.randrange(10**11):011d}"
    code = f"{rng.randrange(10**10):010d}"
    return {"individual_number": base + individual_number.compute_check_digit(base),
            "juminhyo_code": code + resident_record_code.compute_check_digit(code)}  # fmt: skip


def _person(m: Member, rng: random.Random) -> dict[str, Any]:
    return {"family_name": m.family, "given_name": m.given, "family_name_kana": m.family_kana,
            "given_name_kana": m.given_kana, "birth_date": m.born.isoformat(), "sex": m.sex,
            "relationship": m.relationship, **_numbers(rng)}  # fmt: skip


def _juki(db: Database, ctx: TenantContext, fn: Any, cls: Any, data: dict[str, Any], today: date) -> Any:
    with db.uow(ctx) as uow:
        out = fn(juki.build(cls, data), uow, today=today)
        uow.commit()
    return out


def _svc(db: Database, ctx: TenantContext, fn: Any, cls: Any, data: dict[str, Any], today: date) -> Any:
    with db.uow(ctx) as uow:
        store = SqlSupportStore(uow) if fn in SUPPORT else SqlCaseStore(uow)
        out = fn(parse_welfare(cls, data), uow, today=today, store=store)
        uow.commit()
    return out


def _open_tasks(db: Database, ctx: TenantContext) -> list[Any]:
    t = welfare_task.c
    with db.uow(ctx) as uow:
        q = sa.select(welfare_task).where(t.tenant_id == uow.tenant_id, t.status == "open").order_by(t.task_id)
        return list(uow.conn.execute(q).all())


def _welfare(db: Database, ctx: TenantContext, today: date, seed: int, report: BusinessReport) -> list[Family]:
    families = demo_families(ctx.tenant_id, seed, today)
    with db.uow(ctx) as uow:
        seeded = _count(uow, welfare_case)
    if not seeded:
        _families_and_cases(db, ctx, today, seed, families)
    else:
        report.skipped.append("welfare")
    report.families = len(families)
    with db.uow(ctx) as uow:
        runs = _count(uow, welfare_payment_run)
    if runs:
        report.skipped.append("welfare payment run")
        return families
    pay = next_payment_month(today)
    run = run_payment(db, ctx, allowance="child_allowance", payment_month=pay, today=today)
    report.payment_run = run.run_id
    return families


def next_payment_month(today: date, pay_day: int = 10) -> int:
    """The first 支払期月 of 児童手当 whose 振込指定日 is not before ``today``."""
    lookup = child_allowance_parameters()
    for m in range(month_index(today), month_index(today) + 6):
        try:
            regular_months("child_allowance", lookup, m)
        except DomainError:
            continue
        if transfer_date(m, pay_day) >= today:
            return m
    raise LookupError(f"no payment month after {month_label(month_index(today))}")


def _families_and_cases(db: Database, ctx: TenantContext, today: date, seed: int, families: list[Family]) -> None:
    rng = random.Random(f"kikan-demo-welfare-{seed}")
    city = today - timedelta(days=400)
    for payment in ("child_allowance", "child_rearing_allowance"):  # the municipality's 振込依頼人
        _svc(db, ctx, wc.set_payer, wc.SetPayer, {"allowance": payment, "requester_code": f"{ctx.tenant_id}0001",
             "requester_name": "ｶｲｹｲｶﾝﾘｼﾔ", "bank_code": "0138", "bank_name": "ﾖｺﾊﾏ", "branch_code": "601",
             "branch_name": "ｼﾔｸｼﾖ", "account_no": "1234567", "pay_day": 10}, city)  # fmt: skip
    for i, f in enumerate(families):  # 転入 at the counter (the registry's own service)
        reported = f.moved_in + timedelta(days=3 if i != NEWCOMER else 2)
        d = Dice([seed, 8_181, i])
        data = {"event_on": f.moved_in.isoformat(), "reported_on": reported.isoformat(), "input_place": "市民課窓口",
                "previous_address": elsewhere(d).address, "persons": [_person(m, rng) for m in f.members],
                "address": {"address": f.address, "postal_code": f.postal_code}}  # fmt: skip
        res = _juki(db, ctx, juki.move_in, juki.RecordMoveIn, data, max(reported, today))
        f.household_no = res.household_no
        for m, no in zip(f.members, res.addressee_nos, strict=True):
            m.addressee_no = no
    welfare_feed.poll(db, ctx.tenant_id)  # the welfare business takes the 異動 from the published feed
    by_person = {m.addressee_no: i for i, f in enumerate(families) for m in f.members}
    for task in _open_tasks(db, ctx):  # clerks work the tasks the 転入 opened
        found = by_person.get(task.addressee_no)
        if task.kind != "move_in_claim" or found is None or found == NEWCOMER:
            continue
        i, f = found, families[found]
        claim_on = f.moved_in + timedelta(days=7)
        if not _has_case(db, ctx, f.head.addressee_no):
            case = _svc(db, ctx, wc.file_claim, wc.FileClaim, {
                "allowance": "child_allowance", "recipient": f.head.addressee_no, "claim_on": claim_on.isoformat(),
                "recipient_kana": f"{f.head.family_kana}　{f.head.given_kana}",
                "children": [{"child_id": c.addressee_no, "birth_date": c.born.isoformat()} for c in f.children],
            }, today)  # fmt: skip
            if i in CERTIFIED:
                decided = claim_on + timedelta(days=10)
                _svc(db, ctx, wc.certify, wc.Certify, {"case_id": case.case_id, "decided_on": decided.isoformat()}, today)
            if i in CERTIFIED and i != 4:
                _svc(db, ctx, wc.register_account, wc.RegisterAccount, {
                    "addressee_no": f.head.addressee_no, "bank_code": ("0005", "0009", "0138", "2010")[i % 4],
                    "branch_code": f"{100 + 37 * i:03d}", "account_no": f"{rng.randrange(10**7):07d}",
                    "holder_kana": f"{f.head.family_kana}　{f.head.given_kana}"}, today)  # fmt: skip
        _svc(db, ctx, wc.complete_task, wc.CompleteTask, {"task_id": task.task_id,
             "note": "認定請求を受け付けました"}, today)  # fmt: skip
    # a birth in a family receiving the allowance: the feed opens the 額改定 task
    f = families[0]
    born = today - timedelta(days=6)
    baby = Member(f.head.family, "陽菜" if rng.random() < 0.5 else "陽翔", f.head.family_kana,
                  "ヒナ" if rng.random() < 0.5 else "ハルト", born, "2", "子")  # fmt: skip
    data = {"event_on": born.isoformat(), "reported_on": (born + timedelta(days=4)).isoformat(),
            "household_no": f.household_no, "child": _person(baby, rng)}  # fmt: skip
    _juki(db, ctx, juki.record_birth, juki.RecordBirth, data, today)
    welfare_feed.poll(db, ctx.tenant_id)


def _has_case(db: Database, ctx: TenantContext, recipient: str) -> bool:
    with db.uow(ctx) as uow:
        return bool(SqlCaseStore(uow).open_cases_of("child_allowance", recipient))


# --- 申請管理 -----------------------------------------------------------------------------------


def _date_parts(prefix: str, d: date) -> dict[str, str]:
    return {f"{prefix}.era": "西暦", f"{prefix}.year": str(d.year), f"{prefix}.month": str(d.month),
            f"{prefix}.day": str(d.day)}  # fmt: skip


def demo_applications(families: list[Family], today: date) -> list[tuple[str, dict[str, str]]]:
    """(form id, raw form fields) of the online applications, as a resident fills them in."""
    out: list[tuple[str, dict[str, str]]] = []
    f = families[CLAIMED_ONLY]
    h = f.head
    raw = {"applicant.family_name": h.family, "applicant.given_name": h.given, "applicant.family_name_kana": h.family_kana,
           "applicant.given_name_kana": h.given_kana, **_date_parts("applicant.birth_date", h.born),
           "applicant.address": f.address, "applicant.phone": "042-626-3111", "move.kind": "domestic",
           **_date_parts("move.planned_on", today + timedelta(days=14)), "destination.postal_code": "5300001",
           "destination.address": "大阪府大阪市北区梅田一丁目１番１号", "destination.katagaki": "梅田ハイツ２０１",
           "consent.confirmed": "on", "_count.persons": str(len(f.members))}  # fmt: skip
    for k, m in enumerate(f.members):
        raw |= {f"persons.{k}.family_name": m.family, f"persons.{k}.given_name": m.given,
                f"persons.{k}.family_name_kana": m.family_kana, f"persons.{k}.given_name_kana": m.given_kana,
                **_date_parts(f"persons.{k}.birth_date", m.born), f"persons.{k}.relationship": m.relationship}  # fmt: skip
    out.append(("move-out", raw))
    f = families[3]
    h = f.head
    out.append(("resident-copy-by-post", {
        "requester.family_name": h.family, "requester.given_name": h.given, "requester.family_name_kana": h.family_kana,
        "requester.given_name_kana": h.given_kana, **_date_parts("requester.birth_date", h.born),
        "requester.postal_code": f.postal_code, "requester.address": f.address, "requester.phone": "090-1234-5678",
        "target.scope": "self", "target.copies": "1", "options.head": "on", "purpose.kind": "pension",
        "delivery.to": "requester", "consent.confirmed": "on"}))  # fmt: skip
    f = families[NEWCOMER]
    h = f.head
    raw = {"claimant.family_name": h.family, "claimant.given_name": h.given, "claimant.family_name_kana": h.family_kana,
           "claimant.given_name_kana": h.given_kana, **_date_parts("claimant.birth_date", h.born),
           "claimant.address": f.address, "claimant.phone": "042-626-3111", "claimant.employment": "other",
           "consent.confirmed": "on", "_count.children": str(len(f.children))}  # fmt: skip
    spouse = next((m for m in f.members if m.relationship in ("妻", "夫")), None)
    if spouse:
        raw |= {"spouse.family_name": spouse.family, "spouse.given_name": spouse.given,
                "spouse.family_name_kana": spouse.family_kana, "spouse.given_name_kana": spouse.given_kana,
                **_date_parts("spouse.birth_date", spouse.born)}  # fmt: skip
    for k, c in enumerate(f.children):
        raw |= {f"children.{k}.family_name": c.family, f"children.{k}.given_name": c.given,
                f"children.{k}.family_name_kana": c.family_kana, f"children.{k}.given_name_kana": c.given_kana,
                **_date_parts(f"children.{k}.birth_date", c.born), f"children.{k}.relationship": "子",
                f"children.{k}.living": "together"}  # fmt: skip
    out.append(("child-allowance-claim", raw))
    return out


def _applications(db: Database, ctx: TenantContext, today: date, families: list[Family], server_secret: str,
                  report: BusinessReport) -> None:  # fmt: skip
    forms = catalog()
    with db.uow(ctx) as uow:
        a = application.c
        keys = {r[0] for r in uow.conn.execute(sa.select(a.idempotency_key).where(a.tenant_id == uow.tenant_id))}
    for form_id, raw in demo_applications(families, today):
        key = f"kikan-demo-{ctx.tenant_id}-{form_id}"
        if key in keys:
            report.skipped.append(f"application {form_id}")
            continue
        form = forms.get(form_id)
        assert form is not None, form_id
        sub = validate_submission(form, raw, today=today)
        if not sub.ok:
            raise ValueError(f"demo application {form_id}: {sub.errors}")
        receipt = applications_intake.submit(db, ctx.tenant_id, form, sub.data, idempotency_key=key,
                                             client_addr="192.0.2.10", request_id="demo", server_secret=server_secret)  # fmt: skip
        report.applications.append(receipt.receipt_no)


# --- 庁内データ連携 -------------------------------------------------------------------------------


def _linkage(db: Database, tenant_id: str, report: BusinessReport) -> None:
    cid = f"demo-{tenant_id}"
    try:  # the secret is never shown again: a new one on every start, as the demo passwords are
        secret = linkage_clients.rotate(db, cid)
        report.skipped.append("linkage client")
    except NotFound:
        cid, secret = linkage_clients.register(db, "デモ 連携先システム", client_id=cid, by=DEMO_ACTOR.actor_id)
    for dataset in LINKAGE_DATASETS:  # idempotent: a grant held already is kept as it is
        linkage_clients.grant(db, cid, tenant_id, dataset, by=DEMO_ACTOR.actor_id)
    report.client_id, report.client_secret = cid, secret


def _totals(db: Database, ctx: TenantContext, report: BusinessReport) -> None:
    with db.uow(ctx) as uow:
        if report.fiscal_year is not None:
            report.income_records = _count(uow, tax_income_record, tax_income_record.c.fiscal_year == report.fiscal_year)
            row = uow.conn.execute(sa.select(tax_assessment_run.c.taxpayers).where(
                tax_assessment_run.c.tenant_id == uow.tenant_id, tax_assessment_run.c.run_id == report.tax_run)).first()  # fmt: skip
            report.taxpayers = int(row[0]) if row and row[0] is not None else 0
        report.welfare_cases = _count(uow, welfare_case)
        report.certified = _count(uow, welfare_case, welfare_case.c.status == "certified")
        report.open_tasks = _count(uow, welfare_task, welfare_task.c.status == "open")
        r = welfare_payment_run.c
        run = uow.conn.execute(sa.select(r.run_id, r.summary).where(r.tenant_id == uow.tenant_id)
                               .order_by(r.payment_month.desc()).limit(1)).first()  # fmt: skip
        if run is not None:
            report.payment_run = run.run_id
            report.transfers = int(((run.summary or {}).get("transfer") or {}).get("count", 0))
        a = application.c
        report.applications = [x for (x,) in uow.conn.execute(
            sa.select(a.receipt_no).where(a.tenant_id == uow.tenant_id, a.idempotency_key.like("kikan-demo-%"))
            .order_by(a.receipt_no))]  # fmt: skip
