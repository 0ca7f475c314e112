"""File linkage: whole or differential CSV exports of a dataset, streamed page by page.

The export's range is fixed when it starts: ``upto`` = the last committed outbox seq. A whole
export is the snapshot as of ``upto``; a differential export is every change after the given
cursor up to ``upto``. Either way :attr:`Export.next_cursor` (known before the first byte, sent
as the ``X-Kikan-Next-Cursor`` header) is where the next differential export starts.

Logged twice in the exchange log: ``started`` (before the first byte, so a crash mid-stream still
leaves a trace) and ``completed`` or ``aborted`` (records sent, digest of their keys, number of
CP932 degradations, whose detail goes to ``linkage_substitution``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator

from kikan.adapters.db import linkage_exchange as xlog
from kikan.adapters.db import linkage_feed as feed
from kikan.adapters.db import outbox
from kikan.adapters.db.database import Database
from kikan.adapters.db.linkage_delivery import Caller, entry
from kikan.linkage import records
from kikan.linkage.chain import Exchange
from kikan.linkage.csvout import CsvEncoder
from kikan.linkage.cursor import ChangeCursor, SnapshotCursor, decode_change, encode
from kikan.linkage.datasets import Dataset
from kikan.linkage.errors import InvalidCursor

PAGE = 1000


class Export:
    """Validate and log the start at construction (errors are 4xx before any byte); then :meth:`chunks`."""

    def __init__(
        self, db: Database, caller: Caller, ds: Dataset, *, after: str | None = None, whole: bool = True,
        encoding: str = "utf-8", header: str = "name",
    ) -> None:  # fmt: skip
        self.db, self.caller, self.ds, self.whole = db, caller, ds, whole
        self.encoder = CsvEncoder(ds.csv_fields, encoding=encoding, header=header)
        self.exchange_id = str(uuid.uuid4())
        self.after = "" if whole else (after or "")
        self.record_count = 0
        self.completed = False
        self._digest = hashlib.sha256()
        mode = "whole" if whole else "changes"
        with db.uow(caller.ctx) as uow:
            self.upto = outbox.last_seq(uow.conn, uow.tenant_id)
            if not whole:
                cur = decode_change(after, ds.name)
                if cur.seq > self.upto:
                    raise InvalidCursor(
                        f"after: カーソルがこの団体の現在の位置 {self.upto} より先です", field="after"
                    )
            self.next_cursor = encode(ChangeCursor(ds.name, self.upto, 0))
            self._detail = f"mode={mode} encoding={encoding} header={header} upto={self.upto}"
            xlog.append(uow.conn, uow.tenant_id, uow.now, self._entry("started"))
            uow.audit("linkage.export", "export", target_type="dataset", target_id=ds.name,
                      detail=f"client={caller.client_id} {self._detail} exchange={self.exchange_id}")  # fmt: skip
            uow.commit()

    @property
    def media_type(self) -> str:
        return self.encoder.media_type

    @property
    def filename(self) -> str:
        kind = "all" if self.whole else "diff"
        return f"{self.ds.name}_v{self.ds.version}_{self.caller.tenant_id}_{kind}_{self.upto}.csv"

    def _entry(self, status: str, detail: str = "") -> Exchange:
        return entry(
            self.caller, self.ds, "export", status, exchange_id=self.exchange_id, cursor_from=self.after,
            cursor_to=self.next_cursor, record_count=self.record_count,
            keys_digest=self._digest.hexdigest() if status != "started" else "", detail=f"{self._detail}{detail}",
        )  # fmt: skip

    def _pages(self) -> Iterator[feed.Page]:
        cursor: str | None = encode(SnapshotCursor(self.ds.name, self.upto, "")) if self.whole else self.after
        while True:
            with self.db.uow(self.caller.ctx) as uow:  # read only: never committed
                if self.whole:
                    page = feed.read_snapshot(uow.conn, uow.tenant_id, self.ds, cursor, PAGE)
                else:
                    page = feed.read_changes(uow.conn, uow.tenant_id, self.ds, cursor, PAGE, upto=self.upto)
            yield page
            if not page.has_more:
                return
            cursor = page.next_cursor

    def chunks(self) -> Iterator[bytes]:
        """The CSV bytes, one chunk per page; logs completion (or abortion) when the stream ends."""
        try:
            yield self.encoder.start()
            for page in self._pages():
                rows = [
                    (i["id"], row) for i in page.items for row in records.csv_rows(self.ds.name, i["data"])
                ]
                for i in page.items:
                    self._digest.update(i["id"].encode() + b"\n")
                self.record_count += len(page.items)
                if rows:
                    yield self.encoder.rows(rows)
            self.completed = True
        finally:
            self._finish()

    def _finish(self) -> None:
        subs = self.encoder.substitutions
        status = "completed" if self.completed else "aborted"
        with self.db.uow(self.caller.ctx) as uow:
            xlog.append(uow.conn, uow.tenant_id, uow.now, self._entry(status, f" substitutions={len(subs)}"))
            xlog.add_substitutions(uow.conn, uow.tenant_id, self.exchange_id, subs)
            uow.commit()
