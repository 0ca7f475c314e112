"""Processes for the load and fault tests: the app server (uvicorn) and a throwaway PostgreSQL.

Helpers of ``bench.load`` (a leading underscore: not a benchmark of its own). Everything listens
on 127.0.0.1 only. The PostgreSQL cluster here is a private one (own data directory and port), so
it can be restarted mid-load without touching the shared cluster on port 5432.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
LINKAGE_KEY = "load1:" + base64.b64encode(b"kikan-load-test-key-not-a-secret").decode()  # 32 bytes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    """``uvicorn kikan.adapters.api.asgi:app`` in a child process (1 worker, loopback)."""

    def __init__(self, db_url: str, *, port: int | None = None, log_path: str | Path | None = None,
                 env: dict[str, str] | None = None) -> None:  # fmt: skip
        self.db_url, self.port = db_url, port or free_port()
        self.log_path = Path(log_path or f"/tmp/kikan-load-server-{self.port}.log")
        self.env = {**os.environ, "KIKAN_DATABASE_URL": db_url, "KIKAN_SECRET_KEY": "load-test",
                    "KIKAN_LINKAGE_KEY": os.environ.get("KIKAN_LINKAGE_KEY", LINKAGE_KEY), "PYTHONPATH": str(ROOT), **(env or {})}  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self._launched = 0.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180.0) -> float:
        """Start and wait until ``/api/v1/health`` answers; returns the seconds it took."""
        self.launch()
        return self.wait_ready(timeout)

    def launch(self) -> None:
        """Start the process without waiting (its imports take seconds: prepare the data meanwhile)."""
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("server already running")
        cmd = [sys.executable, "-m", "uvicorn", "kikan.adapters.api.asgi:app", "--host", "127.0.0.1",
               "--port", str(self.port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
        self._launched = time.monotonic()
        with self.log_path.open("ab") as log:  # a file, never a pipe: a full pipe would block the server
            self.proc = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=log, stderr=log)
        self.starts += 1

    def wait_ready(self, timeout: float = 180.0) -> float:
        assert self.proc is not None, "launch() first"
        t0 = self._launched
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(self.base_url + "/api/v1/health", timeout=2).status_code == 200:
                    return time.monotonic() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"server did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """``kill -9`` (no shutdown handlers, connections cut mid-request)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def __enter__(self) -> AppServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


class ThrowawayPostgres:
    """A private PostgreSQL cluster (``initdb`` as the ``postgres`` user when run as root)."""

    def __init__(self, root: str | Path = "/tmp/kikan-fault-pg", port: int = 55433) -> None:
        self.root, self.port = Path(root), port
        self.data, self.log = self.root / "data", self.root / "log"
        self.bin = _pg_bin()

    @staticmethod
    def unavailable_reason() -> str:
        if _pg_bin() is None:
            return "PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are not installed"
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            return "running as root without runuser (initdb refuses root)"
        return ""

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        assert self.bin is not None
        cmd = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)

    def _ctl(self, action: str, *extra: str) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.log), "-w", "-t", "120",
                  action, *extra)  # fmt: skip

    def start(self) -> None:
        if not self.data.exists():
            if self.root.exists():
                shutil.rmtree(self.root)
            self.root.mkdir(parents=True)
            if os.geteuid() == 0:
                shutil.chown(self.root, "postgres", "postgres")
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                      "--locale=C.UTF-8")  # fmt: skip
        if self.ready():
            return
        self._ctl("start")

    def ready(self) -> bool:
        assert self.bin is not None
        r = subprocess.run([str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                           capture_output=True, timeout=30)  # fmt: skip
        return r.returncode == 0

    def restart(self, mode: str = "fast") -> float:
        """``pg_ctl restart -m fast``: every connection is cut, in-flight transactions roll back."""
        t0 = time.monotonic()
        self._ctl("restart", "-m", mode)
        return time.monotonic() - t0

    def stop(self, *, remove: bool = True) -> None:
        if self.bin is not None and self.data.exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._ctl("stop", "-m", "fast")
        if remove and self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)
