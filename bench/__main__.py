"""``python -m bench``: run the benchmarks of ``bench/`` and write ONE report (Markdown + JSON).

    python -m bench --size smoke                       # everything, small: < 2 minutes
    python -m bench --size city --db postgres          # 1,000,000 residents (hours on 2 cores)
    python -m bench --size smoke --only moves load     # a few
    python -m bench --size city --scale tax_batch=100000   # one at 100k, extrapolated (said so)

Each benchmark runs as a subprocess (``python -m bench.<name> …``) with the size flags it
understands (:data:`SPECS`; a module not listed there is asked for ``--help`` and given the flags
it has, see :func:`inferred`). Its last JSON line on stdout is its figures. A failure, a timeout or
a missing module is recorded in the report, never fatal. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench._specs import ADMIN_URL, CITY, KNOWN, WORKDIR, Spec, discover, inferred
from bench.report import ROOT, Outcome, Report, machine, postgres_version, write


@dataclass
class Plan:
    spec: Spec
    backend: str  # sqlite | postgres | ""
    args: list[str] = field(default_factory=list)
    note: str = ""
    skip: str = ""


def plan(names: list[str], size: str, backends: list[str], admin: str, scale: dict[str, int]) -> list[Plan]:
    out: list[Plan] = []
    for name in names:
        spec = KNOWN.get(name) or inferred(name)
        targets = {"both": backends, "postgres": ["postgres"], "none": [""]}[spec.db]
        for b in targets:
            p = Plan(spec, b, list(spec.sizes.get(size, [])))
            if spec.db == "postgres" and "postgres" not in backends:
                p.skip = "PostgreSQL only (run with --db postgres or both)"
            if name in scale and spec.population:
                p.args = _replace(p.args, spec.population, str(scale[name]))
                p.note = f"run at {spec.population} {scale[name]:,} instead of the size `{size}`"
            if spec.extra is not None and not p.skip:
                p.args += spec.extra(b, admin)
            if spec.sqlite_file and b == "sqlite":
                p.args += ["--sqlite-path", str(WORKDIR / spec.sqlite_file)]
            out.append(p)
    return out


def _replace(args: list[str], flag: str, value: str) -> list[str]:
    if flag in args:
        i = args.index(flag)
        return args[: i + 1] + [value] + args[i + 2 :]
    return args + [flag, value]


def busy(admin: str, names: tuple[str, ...]) -> list[str]:
    """The databases among ``names`` someone else is connected to (another engineer's run)."""
    import sqlalchemy as sa

    if not names:
        return []
    engine = sa.create_engine(admin, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as c:
            rows = c.execute(sa.text("SELECT DISTINCT datname FROM pg_stat_activity WHERE datname = ANY(:n) "
                                     "AND pid <> pg_backend_pid()"), {"n": list(names)}).scalars().all()  # fmt: skip
    finally:
        engine.dispose()
    return sorted(rows)


def running_elsewhere(name: str) -> list[int]:
    """Pids of another run of the same benchmark on this machine (it may not be connected yet)."""
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"bench.{name}".encode() in cmd or any(c.endswith(f"bench/{name}.py".encode()) for c in cmd):
            pids.append(int(proc.name))
    return pids


def wait_free(p: Plan, admin: str, wait: float) -> str:
    """Wait up to ``wait`` s while the benchmark's databases are in use (or another run of it is going
    on); the reason to skip, or ""."""
    if p.skip or p.backend != "postgres" or not p.spec.databases:
        return ""  # SQLite files are this run's own
    t0 = time.monotonic()
    while True:
        in_use = busy(admin, p.spec.databases)
        others = running_elsewhere(p.spec.name)
        if not in_use and not others:
            return ""
        what = ", ".join(in_use) or f"another run of {p.spec.name} (pid {', '.join(map(str, others))})"
        if time.monotonic() - t0 > wait:
            return f"{what} in use for {wait:.0f} s: not dropped under another process"
        print(f"[bench]   waiting: {what}", file=sys.stderr, flush=True)
        time.sleep(15)


def run_one(p: Plan, timeout: float) -> Outcome:
    backend = {"postgres": "postgresql"}.get(p.backend, p.backend)
    o = Outcome(p.spec.name, backend, "ok", p.args, note=p.note)
    if p.skip:
        o.status, o.error = "skipped", p.skip
        return o
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", f"bench.{p.spec.name}", *p.args]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the benchmark and the servers it started
        stdout, stderr = proc.communicate()
        o.status = "timeout"
        o.error = f"no result within {timeout:.0f} s\n{stderr[-2000:]}"
    o.seconds = time.monotonic() - t0
    o.figures = _last_json(stdout)
    if o.status == "ok" and proc.returncode != 0:
        o.status = "failed"
        o.error = f"exit code {proc.returncode}\n{stderr[-3000:]}"
    elif o.status == "ok" and not o.figures:
        o.status = "failed"
        o.error = f"no JSON line on stdout\n{stdout[-1000:]}\n{stderr[-2000:]}"
    if p.note and isinstance(o.figures.get("seconds"), int | float):
        n = int(p.args[p.args.index(p.spec.population) + 1])
        o.note += f"; linear extrapolation to {CITY:,}: {o.figures['seconds'] * CITY / n:,.0f} s"
    return o


def _last_json(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return {}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    ap.add_argument("--size", choices=("smoke", "city"), default="smoke")
    ap.add_argument(
        "--db",
        choices=("sqlite", "postgres", "both"),
        default=None,
        help="default: postgres when it answers on --admin-url, else sqlite",
    )
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    ap.add_argument(
        "--scale",
        action="append",
        default=[],
        metavar="NAME=N",
        help="run NAME with N instead of the size (e.g. tax_batch=100000); noted in the report",
    )
    ap.add_argument("--admin-url", default=os.environ.get("KIKAN_BENCH_ADMIN_URL", ADMIN_URL))
    ap.add_argument("--timeout", type=float, default=None, help="seconds per benchmark (smoke 90, city 3600)")
    ap.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results" / "latest",
        help="report path without suffix (writes .md and .json)",
    )
    ap.add_argument(
        "--wait",
        type=float,
        default=None,
        help="seconds to wait while a benchmark's PostgreSQL database is in use (smoke 60, city 1800)",
    )
    ap.add_argument("--list", action="store_true", help="show what would run")
    args = ap.parse_args(argv)  # fmt: skip
    names = discover()
    if args.only:
        unknown = [n for n in args.only if n not in names]
        if unknown:
            ap.error(f"unknown benchmark(s) {unknown}; available: {', '.join(names)}")
        names = [n for n in names if n in args.only]
    pg = postgres_version(args.admin_url)
    db = args.db or ("postgres" if pg else "sqlite")
    backends = ["sqlite", "postgres"] if db == "both" else [db]
    scale = {k: int(v) for k, v in (s.split("=", 1) for s in args.scale)}
    plans = plan(names, args.size, backends, args.admin_url, scale)
    if args.list:
        for p in plans:
            print(f"{p.spec.name:18} {p.backend or '-':9} {p.skip or ' '.join(p.args)}")
        return 0
    timeout = args.timeout or (90.0 if args.size == "smoke" else 3600.0)
    wait = args.wait if args.wait is not None else (60.0 if args.size == "smoke" else 1800.0)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    report = Report(args.size, datetime.now().astimezone().isoformat(timespec="seconds"),
                    machine(args.admin_url if pg else None), {}, command="python -m bench " + " ".join(argv or sys.argv[1:]))  # fmt: skip
    done: dict[tuple[str, str], str] = {}
    for p in plans:
        report.sizes[p.spec.name] = [a for a in p.spec.sizes.get(args.size, [])]
        need = done.get((p.spec.needs, p.backend)) if p.spec.needs else "ok"
        if need not in (None, "ok") and not p.skip:
            p.skip = f"needs {p.spec.needs} on the same backend, which was {need}"
        print(f"[bench] {p.spec.name} {p.backend or ''} {' '.join(p.args)}", file=sys.stderr, flush=True)
        p.skip = p.skip or wait_free(p, args.admin_url, wait)
        o = run_one(p, timeout)
        done[(p.spec.name, p.backend)] = o.status
        print(f"[bench]   → {o.status} in {o.seconds:.1f} s", file=sys.stderr, flush=True)
        report.outcomes.append(o)
        report.seconds = round(time.monotonic() - started, 1)
        write(report, args.out)  # after every benchmark: a long city run interrupted keeps what it measured
    report.seconds = round(time.monotonic() - started, 1)
    report.finished_at = datetime.now().astimezone().isoformat(timespec="seconds")
    report.machine["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    shutil.rmtree(WORKDIR, ignore_errors=True)
    jpath, mpath = write(report, args.out)
    print(f"[bench] report: {mpath} and {jpath} ({report.seconds:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
