"""Mass rendering of notices in worker PROCESSES, one PDF file per notice, idempotent and resumable.

* Workers are started with ``forkserver`` (``spawn`` where it does not exist), never plain ``fork``:
  the parent holds database connections and threads that a forked child must not inherit. The
  fork server preloads WeasyPrint, and each worker loads the fonts ONCE in its initializer (one
  ``FontConfiguration`` per process, :func:`~kikan.adapters.pdf.tax.render.warm_up`).
* A worker writes its files itself (``<name>.tmp-<pid>`` then ``os.replace``: a file is complete or
  absent) and returns only (key, sha256, pages, bytes): no PDF travels back through the pipe.
* ``manifest.jsonl`` (appended by the parent only, after the worker reported the file written)
  records per key the digest of the document (content + templates) and the sha256 of the file. A
  rerun skips a key whose manifest entry has the same document digest AND whose file still has the
  recorded sha256; anything else (new, changed, missing, truncated, edited) is rendered again. A
  crash between a file's rename and its manifest line only costs one re-render.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kikan.tax.individual_resident.notices import Notice

MANIFEST = "manifest.jsonl"


@dataclass(frozen=True)
class Job:
    key: str
    path: str  # absolute
    doc: Notice


@dataclass(frozen=True)
class Written:
    key: str
    sha256: str
    pages: int
    size: int
    cpu_seconds: float = 0.0  # of the render process (workers are not children of the caller)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def render_jobs(jobs: list[Job]) -> list[Written]:
    """Render and write each job's PDF (runs in a worker, or in-process with ``workers=0``)."""
    from kikan.adapters.pdf.tax.render import render_notice

    out = []
    for job in jobs:
        cpu = time.process_time()
        r = render_notice(job.doc)
        _write(Path(job.path), r.pdf)
        digest = hashlib.sha256(r.pdf).hexdigest()
        out.append(Written(job.key, digest, r.pages, len(r.pdf), time.process_time() - cpu))
    return out


def _init_worker() -> None:
    from kikan.adapters.pdf.tax.render import warm_up

    warm_up()


class _Inline(Executor):
    """``workers=0``: render in the calling process (tests, the staff UI, debugging)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        f: Future[Any] = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - handed to the caller through the future
            f.set_exception(e)
        return f


@contextmanager
def worker_pool(workers: int) -> Iterator[Executor]:
    """A pool of ``workers`` render processes (fonts loaded once each), or inline for 0."""
    if workers <= 0:
        yield _Inline()
        return
    methods = multiprocessing.get_all_start_methods()
    mp = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if mp.get_start_method() == "forkserver":
        mp.set_forkserver_preload(["kikan.adapters.pdf.tax.render"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp, initializer=_init_worker) as pool:
        yield pool


class Manifest:
    """What was written in one output directory (see the module docstring)."""

    def __init__(self, root: Path):
        self.root = root
        self.path = root / MANIFEST
        self.entries: dict[str, dict[str, Any]] = {}
        if self.path.exists():
            with self.path.open(encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        e = json.loads(line)
                    except ValueError:  # a line cut by a crash: that key is re-rendered
                        continue
                    self.entries[e["key"]] = e

    def is_current(self, key: str, rel: str, digest: str | None) -> bool:
        """The key's file was written and is intact, with the same document digest (any if None)."""
        e = self.entries.get(key)
        if e is None or (digest is not None and e.get("doc") != digest) or e.get("file") != rel:
            return False
        p = self.root / rel
        return p.is_file() and p.stat().st_size == e.get("size") and file_sha256(p) == e.get("sha256")

    def record(self, items: Iterable[tuple[str, str, str, Written]], at: str) -> None:
        """Append (key, relative path, document digest, written) entries and fsync."""
        lines = []
        for key, rel, digest, w in items:
            e = {
                "key": key,
                "file": rel,
                "doc": digest,
                "sha256": w.sha256,
                "pages": w.pages,
                "size": w.size,
                "at": at,
            }
            self.entries[key] = e
            lines.append(json.dumps(e, ensure_ascii=False))
        if not lines:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
            f.flush()
            os.fsync(f.fileno())
