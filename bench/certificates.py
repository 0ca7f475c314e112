"""Benchmark: certificate rendering throughput (WeasyPrint + IPAmj明朝).

Renders N certificates — half 個人票 (one page), half 世帯連記式 with four members (one page) —
with IVS names and addresses, first in this process, then with 2 worker processes. Prints one
JSON line::

    {"bench": "certificates", "n": 40, "single": {"pdfs_per_s": ..., "pages_per_s": ...},
     "workers2": {...}, "individual_ms": ..., "household4_ms": ...}

Usage: ``.venv/bin/python bench/certificates.py [N]`` (default 40). Warm-up renders (font
loading) are excluded from the timings. ``pdfs_per_cpu_s`` divides by the CPU time the
rendering processes used, i.e. throughput per fully available core — the wall-clock figures
drop when other processes share the machine (``loadavg_1m`` is printed alongside).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
import time
from datetime import date

from kikan.adapters.pdf.certificates import render_certificate_pdf
from kikan.juki.certificates import (
    CertificateDocument,
    CertificateOptions,
    Issuer,
    Layout,
    PersonRecord,
    build_certificate,
)

TODAY = date(2026, 4, 1)
NAMES = ("渡邉\U000e0116", "髙\U000e0100橋", "齋\U000e0101藤", "葛\U000e0102西")


def _person(no: str, i: int) -> dict:
    family = NAMES[i % len(NAMES)]
    return {
        "addressee_no": no, "history_no": 1, "household_no": "H1", "status": "resident",
        "resident_kind": "japanese", "family_name": family, "given_name": f"太郎{i}",
        "family_name_kana": "ワタナベ", "given_name_kana": "タロウ", "kana_confirmed": i % 2 == 0,
        "birth_date": date(1970 + i, 5, 1), "sex": "1" if i % 2 else "2",
        "relationship": "世帯主" if i == 0 else "子", "household_order": i + 1,
        "head_name": f"{NAMES[0]}　太郎0", "honseki": "東京都千代田区千代田一丁目1番",
        "hitto_name": f"{NAMES[0]}　太郎0", "became_resident_on": date(2020, 4, 1),
        "address_set_on": date(2022, 4, 1), "notified_on": date(2022, 4, 3),
        "address": "東京都葛\U000e0102飾区立石五丁目13番1号", "katagaki": "葛飾マンション101",
        "previous_address": "神奈川県横浜市中区港町一丁目1番地", "juminhyo_code": "12345678901",
    }


def documents(n: int) -> list[CertificateDocument]:
    family = [PersonRecord(_person(f"A{i}", i)) for i in range(4)]
    issuer = Issuer("葛飾区長", "青木　克德")
    docs = []
    for k in range(n):
        if k % 2:
            docs.append(build_certificate("resident_copy", family, CertificateOptions(), today=TODAY,
                                          issue_no=f"R8-{k:06d}", issuer=issuer))
        else:
            docs.append(build_certificate("resident_copy", family[:1], CertificateOptions(layout=Layout.INDIVIDUAL),
                                          today=TODAY, issue_no=f"R8-{k:06d}", issuer=issuer, selected=["A0"]))
    return docs


def _render_many(docs: list[CertificateDocument]) -> tuple[int, float]:
    """(pages rendered, CPU seconds used by this process for them)."""
    c0 = time.process_time()
    pages = sum(render_certificate_pdf(d).pages for d in docs)
    return pages, time.process_time() - c0


def _warm(_: int = 0) -> int:
    return _render_many(documents(2))[0]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    docs = documents(n)
    _warm()
    per_kind = {}
    for label, idx in (("individual_ms", 0), ("household4_ms", 1)):
        t0 = time.perf_counter()
        for _ in range(5):
            render_certificate_pdf(docs[idx])
        per_kind[label] = round((time.perf_counter() - t0) / 5 * 1000, 1)
    t0 = time.perf_counter()
    pages, cpu = _render_many(docs)
    single = time.perf_counter() - t0

    ctx = mp.get_context("spawn")
    with ctx.Pool(2) as pool:  # spawn: each worker builds its own FontConfiguration
        pool.map(_warm, range(2))  # each worker loads its fonts once
        halves = [docs[0::2], docs[1::2]]
        t0 = time.perf_counter()
        results = pool.map(_render_many, halves)
        multi = time.perf_counter() - t0
    pages2 = sum(p for p, _ in results)
    print(json.dumps({
        "bench": "certificates", "n": n,
        "single": {"pdfs_per_s": round(n / single, 2), "pages_per_s": round(pages / single, 2),
                   "pdfs_per_cpu_s": round(n / cpu, 2)},
        "workers2": {"pdfs_per_s": round(n / multi, 2), "pages_per_s": round(pages2 / multi, 2),
                     "pdfs_per_cpu_s": round(n / sum(c for _, c in results), 2)},
        "cpus": os.cpu_count(), "loadavg_1m": round(os.getloadavg()[0], 2),
        **per_kind,
    }))


if __name__ == "__main__":
    main()
