"""Export of the whole registry history in a layout (データの移行出力: a municipality can leave with its data).

Every history row of every person (除票 and cancelled rows included), 宛名番号 then 履歴番号, with the
個人番号 decrypted for the file (audited with ``mynumber_shown`` when the layout carries it: 番号法第19条
— providing it is allowed only where the law allows, e.g. to the municipality's next system).  The
rows are streamed (server-side cursor on PostgreSQL), so memory stays flat for any population.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import migration_runs as runs
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.juki import juki_history
from kikan.adapters.security.crypto import get_cipher
from kikan.core.tenancy import TenantContext
from kikan.migration.export import Exporter, ExportReport
from kikan.migration.layout import Layout
from kikan.migration.targets import INDIVIDUAL_NUMBER

Write = Callable[[bytes], Any]


def export_registry(
    db: Database, ctx: TenantContext, layout: Layout, write: Write, *, out_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> ExportReport:  # fmt: skip
    """Write every history row of the tenant through ``write`` (header first); returns the report of
    degraded characters and cut values (empty for UTF-8 layouts)."""
    exporter = Exporter(layout)
    shows_number = INDIVIDUAL_NUMBER in layout.columns
    run_id = runs.start_run(db, ctx, kind="export", layout=layout.name, files=[{"name": out_name}])
    write(exporter.header())
    h = juki_history.c
    cipher = get_cipher() if shows_number else None
    clear: dict[str, str] = {}
    n = 0
    with db.uow(ctx) as uow:
        q = sa.select(juki_history).where(h.tenant_id == uow.tenant_id).order_by(h.addressee_no, h.history_no)
        result = uow.conn.execute(q.execution_options(stream_results=True, yield_per=5000))  # this query only
        for row in result:
            d: dict[str, Any] = dict(row._mapping)
            token = d.get("individual_number_enc")
            if cipher is not None and token:
                number = clear.get(token)
                if number is None:
                    number = clear[token] = cipher.decrypt(token)
                    if len(clear) > 100_000:
                        clear.clear()
                d[INDIVIDUAL_NUMBER] = number
            write(exporter.record(d))
            n += 1
            if progress is not None and n % 5000 == 0:
                progress(5000)
        if progress is not None:
            progress(n % 5000)
        uow.audit("migration.export", "read", target_type="juki_history", target_id=run_id,
                  mynumber_shown=shows_number, detail=f"移行出力 {layout.name} {n}行")  # fmt: skip
        uow.commit()
    report = exporter.report
    runs.finish_run(db, ctx, run_id, status="completed", summary={
        "rows": n, "changes": len(report.changes), "lossy": report.lossy, "errors": len(report.errors),
    })  # fmt: skip
    return report
