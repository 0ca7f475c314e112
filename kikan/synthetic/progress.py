"""A rich progress bar for ``seed_tenant``'s ``progress(done, total)`` callback (CLI, bench)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


@contextmanager
def progress_bar(
    console: Console | None = None, label: str = "住民を作成中"
) -> Iterator[Callable[[int, int], None]]:
    """``with progress_bar() as cb: seed_tenant(..., progress=cb)`` — residents done / total, ETA."""
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=console or Console(stderr=True), transient=False) as bar:
        task = bar.add_task(label, total=None, rate="")

        def update(done: int, total: int) -> None:
            elapsed = bar.tasks[task].elapsed or 0.0
            rate = f"{done / elapsed:,.0f} 人/秒" if elapsed > 0 and done else ""
            bar.update(task, completed=done, total=total, rate=rate)

        yield update
