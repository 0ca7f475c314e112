"""A lock for the per-process WeasyPrint resources (fonts, stylesheets) of a renderer.

A lock copied into a child by ``fork`` may be held by a thread of the parent that does not exist
in the child: each process gets its own lock on first use.
"""

from __future__ import annotations

import os
import threading


class ProcessLock:
    def __init__(self) -> None:
        self._lock, self._pid = threading.RLock(), os.getpid()

    def __call__(self) -> threading.RLock:
        if self._pid != os.getpid():
            self._lock, self._pid = threading.RLock(), os.getpid()
        return self._lock
