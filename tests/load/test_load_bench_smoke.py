"""Keeps ``python -m bench`` working: a few fast benchmarks at the smoke size write one report.

The benchmarks themselves never run in the normal suite (their figures are not asserted, only that
they ran and that the report carries them). The runner's own rules are checked without running a
benchmark of real size: a failure and a timeout are recorded, not fatal; an unknown module is sized
from its ``--help``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from load_support import ROOT

from bench.__main__ import Plan, run_one
from bench._specs import KNOWN, Spec, discover, inferred


def test_smoke_report_of_a_few_benchmarks(tmp_path: Path) -> None:
    out = tmp_path / "report"
    cmd = [sys.executable, "-m", "bench", "--size", "smoke", "--db", "sqlite", "--only", "search_keys", "tax_calc",
           "moves", "--out", str(out), "--timeout", "120"]  # fmt: skip
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=420)
    assert r.returncode == 0, r.stderr[-3000:]
    report = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    got = {(o["name"], o["backend"]): o for o in report["outcomes"]}
    assert set(got) == {("search_keys", ""), ("tax_calc", ""), ("moves", "sqlite")}
    assert all(o["status"] == "ok" for o in got.values()), [
        (k, o["status"], o["error"]) for k, o in got.items()
    ]
    moves = got[("moves", "sqlite")]["figures"]
    assert moves["bench"] == "moves" and moves["events"] == 2 * moves["n"] == 60 and moves["moves_per_s"] > 0
    m = report["machine"]
    assert m["cores"] >= 1 and m["ram_gb"] > 0 and len(m["load_avg_start"]) == 3 and m["python"]
    md = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "## Machine" in md and "## Headline figures" in md
    assert "異動 through the services" in md and "search keys" in md


def test_a_failing_or_hanging_benchmark_is_recorded_not_fatal() -> None:
    broken = run_one(Plan(Spec("no_such_bench", "none", {"smoke": []}), ""), timeout=120)
    assert broken.status == "failed" and "No module named bench.no_such_bench" in broken.error
    slow = run_one(Plan(KNOWN["search_keys"], "", ["--n", "100000000"]), timeout=3)
    assert slow.status == "timeout" and slow.seconds < 60


def test_every_module_is_discovered_and_unknown_ones_are_sized_from_their_help() -> None:
    names = discover()
    assert {"seed", "juki_search", "moves", "load", "certificates"} <= set(names)
    assert not [n for n in names if n.startswith("_") or n in ("report", "__main__")]
    spec = inferred("seed")  # as if the registry did not know it
    assert spec.db == "both" and spec.population == "--residents"
    assert spec.sizes["smoke"][:2] == ["--residents", "2000"] and spec.sizes["city"][1] == "1000000"
