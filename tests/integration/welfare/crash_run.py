"""Run a payment run in a separate process and kill -9 it right after its first chunk committed.

python crash_run.py <db_url> <tenant_id> <allowance> <payment_month_index> <today> <chunk_size>
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import date

from kikan.adapters.db.database import Database
from kikan.adapters.db.welfare_payment_runs import run_payment
from kikan.core.tenancy import Actor, TenantContext


def main() -> None:
    url, tenant, allowance, pay, today, size = sys.argv[1:7]
    db = Database(url)
    ctx = TenantContext(tenant, Actor("welfare01", permissions=frozenset({"welfare.read", "welfare.write"})))

    def die(chunk: int) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    run_payment(db, ctx, allowance=allowance, payment_month=int(pay), today=date.fromisoformat(today),
                chunk_size=int(size), after_chunk=die)  # fmt: skip


if __name__ == "__main__":
    main()
