"""The benchmark report: the machine, the sizes, each benchmark's figures (Markdown + JSON).

``python -m bench`` builds a :class:`Report` and calls :func:`write`. The headline table picks
the figures the issue asks for out of each benchmark's JSON line (:data:`HEADLINES`); every other
number of the line is kept in the JSON report and listed under the benchmark's own section.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Outcome:
    name: str
    backend: str  # sqlite | postgresql | "" (no database)
    status: str  # ok | failed | timeout | skipped | missing
    args: list[str] = field(default_factory=list)
    seconds: float = 0.0
    figures: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    note: str = ""


@dataclass
class Report:
    size: str
    started_at: str
    machine: dict[str, Any]
    sizes: dict[str, Any]
    outcomes: list[Outcome] = field(default_factory=list)
    finished_at: str = ""
    seconds: float = 0.0
    command: str = ""


def machine(admin_url: str | None) -> dict[str, Any]:
    from bench.seed import machine as basic

    info: dict[str, Any] = dict(basic())
    info["load_avg_start"] = [round(x, 2) for x in os.getloadavg()]
    info["kernel"] = platform.release()
    info["sqlite"] = sqlite3.sqlite_version
    info["postgresql"] = postgres_version(admin_url) if admin_url else None
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True, timeout=10).stdout.strip() or None  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        info["commit"] = None
    return info


def postgres_version(admin_url: str) -> str | None:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(admin_url, connect_args={"connect_timeout": 5})
        with engine.connect() as c:
            v = c.exec_driver_sql("SHOW server_version").scalar()
        engine.dispose()
        return str(v)
    except Exception:  # noqa: BLE001 — unreachable server: the report says so
        return None


# --- headline figures -----------------------------------------------------------------------


def _get(d: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(d, dict) or part not in d:
            return None
        d = d[part]
    return d


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        return f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _pick(*paths: str, fmt: str = "{}") -> Callable[[dict[str, Any]], str | None]:
    def f(d: dict[str, Any]) -> str | None:
        vals = [_get(d, p) for p in paths]
        if any(v is None for v in vals):
            return None
        return fmt.format(*(_fmt(v) for v in vals))

    return f


#: (benchmark, figure label, extractor) — the rows of the headline table, in the issue's order.
HEADLINES: list[tuple[str, str, Callable[[dict[str, Any]], str | None]]] = [
    (
        "seed",
        "seeding (residents/s)",
        _pick("residents_per_s", "residents", "seconds", fmt="{} ({} in {} s)"),
    ),
    (
        "juki_search",
        "住民検索 p50 / p95 / p99 ms",
        _pick("all.p50", "all.p95", "all.p99", fmt="{} / {} / {}"),
    ),
    (
        "moves",
        "異動 through the services (異動/s)",
        _pick("moves_per_s", "n", "threads", fmt="{} ({} 転入 + as many 転居, {} threads)"),
    ),
    (
        "load",
        "counter day over HTTP (ops/s, 異動/s)",
        _pick("ops_per_s", "moves_per_s", "clients", fmt="{} ops/s, {} 異動/s ({} clerks)"),
    ),
    (
        "load",
        "counter day p95 ms (search / view / 転入 / 転居 / 証明書)",
        _pick(
            "ops.search.p95_ms",
            "ops.view.p95_ms",
            "ops.move_in.p95_ms",
            "ops.move_within.p95_ms",
            "ops.certificate.p95_ms",
            fmt="{} / {} / {} / {} / {}",
        ),
    ),
    (
        "load",
        "counter day checks (errors, 409, lost/dup)",
        _pick("errors", "conflicts_409", "check.ok", fmt="{} errors, {} × 409, verified={}"),
    ),
    (
        "certificates",
        "certificate PDFs/s (1 process / 2 workers)",
        _pick("single.pdfs_per_s", "workers2.pdfs_per_s", fmt="{} / {}"),
    ),
    (
        "feed",
        "feed throughput (異動 records/s; residents/s)",
        _pick("moves_per_s", "residents_per_s", fmt="{}; {}"),
    ),
    ("feed", "feed lag p50 / p95 ms", _pick("lag_p50_ms", "lag_p95_ms", fmt="{} / {}")),
    (
        "migration_import",
        "migration import (rows/s, residents/s)",
        _pick("rows_per_s", "residents_per_s", "residents", "seconds", fmt="{}, {} ({} residents in {} s)"),
    ),
    (
        "tax_batch",
        "tax batch (当初課税)",
        _pick("seconds", "taxpayers", "taxpayers_per_s", fmt="{} s for {} ({} /s)"),
    ),
    ("tax_calc", "tax calc kernel (taxpayers/s)", _pick("taxpayers_per_s")),
    (
        "welfare_calc",
        "benefit calc kernel (児童手当 households/s)",
        _pick("runs.child_allowance_2025_06.households_per_s"),
    ),
    (
        "welfare_payment_run",
        "benefit payment run (児童手当, s)",
        _pick("seconds", "cases", "transfers", "rerun_s", fmt="{} s for {} cases ({} transfers; rerun {} s)"),
    ),
    (
        "backup_restore",
        "backup / restore / checks (s)",
        _pick("backup_s", "restore_s", "check_s", "residents", fmt="{} / {} / {} ({} residents)"),
    ),
    (
        "tax_notices",
        "tax notices/s (1 / 2 workers)",
        _pick("workers1.notices_per_s", "workers2.notices_per_s", "notices", fmt="{} / {} ({} notices)"),
    ),
    (
        "search_keys",
        "search keys (kana / name keys per CPU-s)",
        _pick("kana_keys_per_cpu_s", "name_keys_per_cpu_s", fmt="{} / {}"),
    ),
]


def _generic(d: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    found = [f"{k}={_fmt(d[k])}" for k in keys if isinstance(d.get(k), int | float)]
    return ", ".join(found) or None


SKIP_KEYS = {"bench", "machine", "backend", "error_samples", "statuses"}


def flatten(d: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for k, v in d.items():
        if not prefix and k in SKIP_KEYS:
            continue
        if isinstance(v, dict):
            out += flatten(v, f"{prefix}{k}.")
        elif (
            isinstance(v, int | float | str | bool)
            or v is None
            or isinstance(v, list)
            and len(v) <= 4
            and all(isinstance(x, int | float) for x in v)
        ):
            out.append((prefix + k, v))
    return out


def markdown(r: Report) -> str:
    m = r.machine
    backends = sorted({o.backend for o in r.outcomes if o.backend})
    lines = [
        f"# kikan benchmark report — size `{r.size}`", "",
        f"Started {r.started_at}, finished {r.finished_at or '— (still running)'} ({r.seconds:,.0f} s). Command: `{r.command}`", "",
        "## Machine", "",
        f"- CPU: {m.get('cpu') or '?'} — {m.get('cores')} cores; RAM {m.get('ram_gb')} GB; kernel {m.get('kernel')}",
        f"- load average at start (1/5/15 min): {m.get('load_avg_start')} — **the figures are wall-clock on this machine**",
        f"- Python {m.get('python')}, SQLite {m.get('sqlite')}, PostgreSQL {m.get('postgresql') or 'not reachable'}; commit {m.get('commit')}",
        "", "## Sizes", "",
        *[f"- `{name}`: {' '.join(args) or '(defaults)'}" for name, args in r.sizes.items()],
        "", "## Headline figures", "",
        "| figure | " + " | ".join(backends + (["(no database)"] if any(not o.backend for o in r.outcomes) else [])) + " |",
    ]  # fmt: skip
    cols = backends + ([""] if any(not o.backend for o in r.outcomes) else [])
    lines.append("|---|" + "---|" * len(cols))
    for name, label, fn in HEADLINES:
        cells = []
        for b in cols:
            o = next((x for x in r.outcomes if x.name == name and x.backend == b), None)
            cells.append(_cell(o, fn))
        if any(c != "" for c in cells):
            lines.append(f"| {label} (`{name}`) | " + " | ".join(cells) + " |")
    lines += ["", "## Benchmarks", ""]
    for o in r.outcomes:
        where = f" on {o.backend}" if o.backend else ""
        lines.append(f"### {o.name}{where} — {o.status} ({o.seconds:,.1f} s)")
        lines.append("")
        if o.args:
            lines.append(f"`python -m bench.{o.name} {' '.join(o.args)}`")
            lines.append("")
        if o.note:
            lines += [f"Note: {o.note}", ""]
        if o.error:
            lines += ["```", o.error.strip()[-3000:], "```", ""]
        if o.figures:
            lines.append(", ".join(f"{k}={_fmt(v)}" for k, v in flatten(o.figures)))
            lines.append("")
    return "\n".join(lines) + "\n"


def _cell(o: Outcome | None, fn: Callable[[dict[str, Any]], str | None]) -> str:
    if o is None:
        return ""
    if o.status != "ok":
        return f"**{o.status}**"
    return fn(o.figures) or "—"


def write(r: Report, out: Path) -> tuple[Path, Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    jpath, mpath = out.with_suffix(".json"), out.with_suffix(".md")
    jpath.write_text(json.dumps(asdict(r), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    mpath.write_text(markdown(r), encoding="utf-8")
    return jpath, mpath
