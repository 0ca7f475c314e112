"""Benchmark: 住民検索 latency on a seeded tenant (run ``bench.seed`` first).

A realistic mix, with conditions taken from randomly chosen residents of the tenant:

- ``kana_prefix``   カナ of the 氏 (e.g. サトウ → every サトウ/サトオ/サトー…)
- ``full_name``     氏名 in kanji (氏 + 名)
- ``birth_kana``    生年月日 in 和暦 + カナ of the 氏
- ``address``       住所 partial: 町名 + 丁目 (部分一致; scans the tenant's address keys)
- ``address_prefix`` the same, as 前方一致 (都道府県・市区町村 omitted)
- ``addressee_no``  宛名番号

Each search runs as the application does: its own unit of work (row-level security on), the
page of 50 built with block marks, the access-log row written and committed. Prints one JSON line
with p50/p95/p99 milliseconds of the search (query + page) overall and per kind, and separately
of the commit of its access-log row (a WAL flush: disk-bound)::

    .venv/bin/python -m bench.juki_search --n 300
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from typing import Any

import sqlalchemy as sa

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/kikan_bench"


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))], 1)


def _summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": _pct(values, 0.5), "p95": _pct(values, 0.95), "p99": _pct(values, 0.99),
            "mean": round(statistics.fmean(values), 1)}  # fmt: skip


def _samples(db: Any, tenant: str, count: int, rng: random.Random) -> list[dict[str, Any]]:
    from kikan.adapters.db.tables.juki import juki_history, juki_resident
    from kikan.core.tenancy import Actor, TenantContext

    h, r = juki_history.c, juki_resident.c
    with db.uow(TenantContext(tenant, Actor("bench", kind="batch"))) as uow:
        nos = uow.conn.execute(
            sa.select(r.addressee_no).where(r.tenant_id == tenant, r.status == "resident")
        ).scalars().all()  # fmt: skip
        if not nos:
            raise SystemExit(f"tenant {tenant} has no residents: run python -m bench.seed first")
        chosen = rng.sample(list(nos), min(count, len(nos)))
        rows = uow.conn.execute(
            sa.select(juki_history).join(juki_resident, sa.and_(r.tenant_id == h.tenant_id, r.addressee_no == h.addressee_no,
                                                                r.history_no == h.history_no))
            .where(h.tenant_id == tenant, h.addressee_no.in_(chosen))
        ).mappings().all()  # fmt: skip
    return [dict(x) for x in rows]


def _queries(person: dict[str, Any]) -> dict[str, dict[str, Any]]:
    import re

    from kikan.core.calendar import format_wareki

    town = re.sub(r"^.+?[都道府県].+?[市区町村]", "", person["address"])
    town = re.sub(r"[0-9]+番.*$|[0-9]+番地.*$", "", town)
    return {
        "kana_prefix": {"kana": person["family_name_kana"]},
        "full_name": {"name": f"{person['family_name']}　{person['given_name']}"},
        "birth_kana": {"birth_date": format_wareki(person["birth_date"]), "kana": person["family_name_kana"]},
        "address": {"address": town},
        "address_prefix": {"address": town, "address_match": "prefix"},
        "addressee_no": {"addressee_no": person["addressee_no"]},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default=os.environ.get("KIKAN_BENCH_URL", DEFAULT_URL))
    ap.add_argument("--tenant", default="131041")
    ap.add_argument("--n", type=int, default=300, help="searches per kind")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from kikan.adapters.db.database import Database
    from kikan.adapters.db.juki_search import search
    from kikan.core.characters import prepare_name_search
    from kikan.core.tenancy import Actor, TenantContext
    from kikan.juki.search import SearchQuery
    from kikan.synthetic.seed import analyze

    prepare_name_search()
    db = Database(args.url)
    analyze(db)
    rng = random.Random(args.seed)
    people = _samples(db, args.tenant, args.n, rng)
    ctx = TenantContext(args.tenant, Actor("bench", permissions=frozenset({"juki.read"})))
    today = db.clock.today()
    work = [(kind, q) for p in people for kind, q in _queries(p).items()]
    rng.shuffle(work)
    with db.uow(ctx) as uow:  # warm the connection pool and the caches once
        search(uow, SearchQuery(**work[0][1]), today=today)
    timings: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    commits: list[float] = []
    for kind, q in work:
        t = time.perf_counter()
        with db.uow(ctx) as uow:
            page = search(uow, SearchQuery(**q), today=today)
            t1 = time.perf_counter()
            uow.commit()  # the access-log row (hash chain) and the WAL flush
        commits.append((time.perf_counter() - t1) * 1000)
        timings.setdefault(kind, []).append((t1 - t) * 1000)
        totals.setdefault(kind, []).append(page.total)
    all_ms = [v for vs in timings.values() for v in vs]
    residents = len(people)
    print(json.dumps({
        "bench": "juki_search", "backend": db.dialect, "tenant": args.tenant, "searches": len(all_ms),
        "sampled_people": residents, "all": _summary(all_ms), "audit_commit": _summary(commits),
        "kinds": {k: {**_summary(v), "median_hits": statistics.median(totals[k])} for k, v in sorted(timings.items())},
        "load_avg_1m": round(os.getloadavg()[0], 2), "cores": os.cpu_count(),
    }, ensure_ascii=False))  # fmt: skip
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
