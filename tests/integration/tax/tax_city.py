"""A synthetic city for the tax integration tests: the registry seeded by ``kikan.synthetic`` (no events,
so the tax business receives it through the published snapshot), 課税資料 imported as CSV and entered
one by one, and an independent scalar combination of each person's records into a TaxpayerCase."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kikan.adapters.db import tax_income_store as store
from kikan.adapters.db.tax_registry_source import DbRegistryReader, sync_registry
from kikan.adapters.security.crypto import MyNumberCipher, generate_key
from kikan.synthetic import seed_tenant
from kikan.tax.individual_resident import TaxpayerCase, parse_case
from kikan.tax.individual_resident.income_csv import parse_csv
from kikan.tax.individual_resident.income_records import parse_record
from kikan.tax.individual_resident.taxpayers import base_date

CIPHER = MyNumberCipher.from_text(generate_key())
RETURNS = ("final_return", "resident_return")


@dataclass
class Rec:
    kind: str
    payer: str | None
    special: bool
    incomes: dict[str, int] = field(default_factory=dict)
    deductions: dict[str, int] = field(default_factory=dict)
    disability: int = 0
    spouse: tuple[int, int] | None = None  # age, total income
    dependants: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class City:
    taxpayers: dict[str, date | None]  # 宛名番号 → birth date (residents on 1 January)
    records: dict[str, list[Rec]]  # in the order received
    outsiders: list[str]  # records for people who are not taxpayers here


def _rec(rng: random.Random, age: int, i: int) -> Rec:
    roll = rng.random()
    if age >= 65 and roll < 0.7:
        r = Rec(
            "pension_report",
            "P01",
            rng.random() < 0.8,
            {"pension_revenue": rng.randrange(600_000, 4_000_000, 1000)},
        )
    elif roll < 0.12 and age >= 20:
        r = Rec(rng.choice(RETURNS), None, False, {"business_income": rng.randrange(-500_000, 6_000_000, 1000),
                "misc_income": rng.randrange(0, 300_000, 1000)}, {"medical_expenses": rng.randrange(0, 400_000)})  # fmt: skip
    else:
        r = Rec(
            "salary_report",
            f"E{rng.randrange(1, 6):03d}",
            rng.random() < 0.85,
            {"salary_revenue": rng.randrange(400_000, 12_000_000, 1000) + i},
        )  # distinct weights
    r.deductions["social_insurance"] = rng.randrange(0, 1_200_000)
    r.deductions["life_new_general"] = rng.choice([0, 0, 40_000, 120_000])
    r.deductions["donation_hometown"] = rng.choice([0, 0, 0, 50_000])
    r.disability = rng.choice([0] * 18 + [1, 2])
    if rng.random() < 0.4:
        r.spouse = (age + rng.randrange(-5, 5), rng.choice([0, 0, 500_000, 1_000_000]))
    r.dependants = [(rng.randrange(0, 24), 0) for _ in range(rng.choice([0, 0, 1, 2, 3]))]
    return r


def _csv_line(no: str, r: Rec) -> dict[str, Any]:
    row: dict[str, Any] = {"fiscal_year": 2026, "addressee_no": no, "source_kind": r.kind, "payer_id": r.payer or "",
                           "special_collection": int(r.special), "disability": r.disability, **r.incomes}  # fmt: skip
    row.update(r.deductions)
    if r.spouse:
        row.update(spouse_age=r.spouse[0], spouse_total_income=r.spouse[1])
    for k, (age, inc) in enumerate(r.dependants, start=1):
        row.update({f"dependant{k}_age": age, f"dependant{k}_total_income": inc})
    return row


def _case_part(r: Rec) -> dict[str, Any]:
    d = dict(r.deductions)
    life = d.pop("life_new_general", 0)
    dona = d.pop("donation_hometown", 0)
    part: dict[str, Any] = {"incomes": r.incomes, "deductions": {**d, "life_insurance": {"new_general": life}},
                            "donations": {"hometown": dona},
                            "taxpayer": {"disability": ("none", "general", "special")[r.disability]},
                            "dependants": [{"age": a, "total_income": t} for a, t in r.dependants]}  # fmt: skip
    if r.spouse:
        part["spouse"] = {"age": r.spouse[0], "total_income": r.spouse[1]}
    return part


def build(db: Any, ctx: Any, tenant_id: str, residents: int = 300, seed: int = 7) -> City:
    seed_tenant(db, tenant_id, residents, seed, as_of=date(2026, 4, 1),
                protect=lambda n: (CIPHER.encrypt(n), CIPHER.lookup_hash(n)))  # fmt: skip
    sync_registry(db, ctx)
    with db.uow(ctx) as uow:
        people = DbRegistryReader(uow).residents_on(base_date(2026), known_at=uow.now)
    rng = random.Random(seed)
    taxpayers = {p.addressee_no: p.birth_date for p in people}
    records: dict[str, list[Rec]] = {}
    for i, (no, born) in enumerate(sorted(taxpayers.items())):
        age = 2025 - born.year if born else 40
        if age < 16 or rng.random() < 0.1:
            continue
        records[no] = [_rec(rng, age, i)]
        if records[no][0].kind == "salary_report" and rng.random() < 0.15:
            records[no].append(
                Rec("salary_report", "E900", True, {"salary_revenue": rng.randrange(100_000, 900_000, 1000)})
            )
    lines = [_csv_line(no, r) for no, recs in records.items() for r in recs]
    cols = sorted({k for line in lines for k in line})
    text = (
        ",".join(cols)
        + "\n"
        + "\n".join(",".join(str(line.get(c, "")) for c in cols) for line in lines)
        + "\n"
    )
    recs, rels = parse_csv(text.encode())
    with db.uow(ctx) as uow:
        store.import_frames(uow, recs, rels)
        uow.commit()
    # a few more entered one by one: a return superseding reports, a second employer
    extra = sorted(records)[:6]
    for j, no in enumerate(extra):
        kind = "resident_return" if j % 2 == 0 else "salary_report"
        r = Rec(
            kind,
            None if j % 2 == 0 else "E777",
            j % 2 == 1,
            {"salary_revenue": 2_500_000 + j, "misc_income": 10_000},
        )
        with db.uow(ctx) as uow:
            store.add_record(uow, parse_record({"fiscal_year": 2026, "addressee_no": no, "source_kind": r.kind,
                                                "payer_id": r.payer, "special_collection": r.special,
                                                "case": _case_part(r)}))  # fmt: skip
            uow.commit()
        records[no].append(r)
    return City(taxpayers, records, [])


def expected_case(no: str, city: City, fiscal_year: int = 2026) -> TaxpayerCase:
    """An independent, scalar combination of the person's records (the rules of combine.py)."""
    recs = city.records.get(no, [])
    returns = [r for r in recs if r.kind in RETURNS]
    chosen = [returns[-1]] if returns else recs
    incomes: dict[str, int] = {}
    deductions: dict[str, int] = {}
    for r in chosen:
        for k, v in r.incomes.items():
            incomes[k] = incomes.get(k, 0) + v
        for k, v in r.deductions.items():
            deductions[k] = deductions.get(k, 0) + v
    primary = chosen[-1] if returns else (max(recs, key=lambda r: sum(r.incomes.get(k, 0) for k in
                                                                      ("salary_revenue", "pension_revenue"))) if recs else None)  # fmt: skip
    merged = Rec("x", None, False, incomes, deductions, max((r.disability for r in chosen), default=0),
                 primary.spouse if primary else None, primary.dependants if primary else [])  # fmt: skip
    part = _case_part(merged)
    born = city.taxpayers[no]
    part["taxpayer"] = {**part["taxpayer"], **({"birth_date": born.isoformat()} if born else {"age": 40})}
    return parse_case({"fiscal_year": fiscal_year, **part})
