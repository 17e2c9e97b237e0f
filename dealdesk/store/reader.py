"""Read-only access to the database, never through the writer (durability rule 3).

:class:`StoreReader` is one read-only ``sqlite3`` connection for one thread (sqlite3 refuses
cross-thread use, and that is kept): CLIs, dumps and actors that read make their own, or use
:class:`ThreadReaders` for one per thread. :class:`AsyncStoreReader` is the same over aiosqlite, for
code on the I/O loop. Both run the :mod:`dealdesk.store.queries` values, so the SQL exists once.
WAL lets readers run while the writer commits; each read sees the last committed state.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from typing import TYPE_CHECKING, Any, Self, TypeVar

import aiosqlite

from dealdesk.store import outbox
from dealdesk.store import queries as q
from dealdesk.store.errors import SchemaTooNew, StoreError, StoreMissing
from dealdesk.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path
    from types import TracebackType

__all__ = ["AsyncStoreReader", "StoreReader", "ThreadReaders"]

T = TypeVar("T")


def _read_only_uri(path: Path) -> str:
    if not path.is_file():
        raise StoreMissing(str(path))
    return _uri_of(path)


@functools.lru_cache(maxsize=16)
def _uri_of(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _check_version(path: Path, found: int) -> None:
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(str(path), found, SCHEMA_VERSION)
    if found < SCHEMA_VERSION:
        raise StoreError(
            f"database {path} is at schema version {found}, older than this dealdesk's "
            f"{SCHEMA_VERSION}: start the service once to migrate it"
        )


class StoreReader:
    """A read-only connection for the calling thread. Use as a context manager, or ``close()``."""

    def __init__(self, path: Path, *, movable: bool = False) -> None:
        self.path = path
        try:
            # ``movable``: one thread at a time, but not always the same one (a pool's).
            self._conn = sqlite3.connect(
                _read_only_uri(path), uri=True, timeout=5.0, check_same_thread=not movable
            )
            self._conn.execute("PRAGMA query_only=ON")
            _check_version(path, int(self._conn.execute("PRAGMA user_version").fetchone()[0]))
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read database {path}: {exc}") from exc

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def run(self, query: q.Query[T]) -> T:
        try:
            rows = self._conn.execute(query.sql, query.params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"query failed on {self.path}: {exc}") from exc
        return query.convert(rows)

    def audit(self, audit: q.AuditFilter) -> q.AuditPage:
        """A page of the audit trail, newest first, and the count of every match."""
        steps = q.audit_steps(audit)
        answer: Any = None
        while True:
            try:
                query = steps.send(answer)
            except StopIteration as done:
                page: q.AuditPage = done.value
                return page
            answer = self.run(query)

    def campaigns(self, campaign_id: str | None = None) -> list[q.CampaignRecord]:
        return self.run(q.campaigns_query(campaign_id))

    def negotiations(self, campaign_id: str | None = None) -> list[q.NegotiationRecord]:
        return self.run(q.negotiations_query(campaign_id))

    def negotiation(self, negotiation_id: str) -> q.NegotiationRecord | None:
        return self.run(q.negotiation_query(negotiation_id))

    def unprocessed_deliveries(self, limit: int = 1000) -> list[q.DeliveryRecord]:
        return self.run(q.unprocessed_deliveries_query(limit))

    def outbox(self, **where: Any) -> list[outbox.OutboxRecord]:
        return self.run(outbox.outbox_query(**where))

    def due_reminders(self, now: datetime, limit: int = 1000) -> list[q.ReminderRecord]:
        return self.run(q.due_reminders_query(now, limit))

    def reminders(self, negotiation_id: str) -> list[q.ReminderRecord]:
        return self.run(q.reminders_query(negotiation_id))

    def errors(self, fingerprint: str | None = None) -> list[q.ErrorRecord]:
        return self.run(q.errors_query(fingerprint))

    def mail_cursor(self, mailbox: str) -> str | None:
        return self.run(q.mail_cursor_query(mailbox))

    def is_do_not_contact(self, email: str) -> bool:
        return self.run(q.do_not_contact_query(email))


class ThreadReaders:
    """One :class:`StoreReader` per thread, taken on first use from a pool of idle ones (opened
    when the pool is empty) and handed back when the thread is done with it: actors that come
    and go (a negotiator activated, passivated, activated again) reuse connections instead of
    opening one each time."""

    def __init__(self, path: Path, *, keep_idle: int = 64) -> None:
        self.path = path
        self.keep_idle = keep_idle
        self._local = threading.local()
        self._lock = threading.Lock()
        self._idle: list[StoreReader] = []

    def get(self) -> StoreReader:
        reader: StoreReader | None = getattr(self._local, "reader", None)
        if reader is None:
            with self._lock:
                reader = self._idle.pop() if self._idle else None
            if reader is None:
                reader = StoreReader(self.path, movable=True)
            self._local.reader = reader
        return reader

    def close_current(self) -> None:
        """This thread is done with its reader: back to the pool (closed if the pool is full)."""
        reader: StoreReader | None = getattr(self._local, "reader", None)
        if reader is None:
            return
        self._local.reader = None
        with self._lock:
            if len(self._idle) < self.keep_idle:
                self._idle.append(reader)
                return
        reader.close()

    def close_idle(self) -> None:
        """Close every pooled connection (at shutdown)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for reader in idle:
            reader.close()


class AsyncStoreReader:
    """A read-only aiosqlite connection for code on the I/O loop: ``async with`` it, or
    ``await AsyncStoreReader.open(path)`` and ``await close()``."""

    def __init__(self, path: Path, db: aiosqlite.Connection) -> None:
        self.path = path
        self._db = db

    @classmethod
    async def open(cls, path: Path) -> AsyncStoreReader:
        db = await aiosqlite.connect(_read_only_uri(path), uri=True, timeout=5.0)
        try:
            await db.execute("PRAGMA query_only=ON")
            rows = list(await db.execute_fetchall("PRAGMA user_version"))
            _check_version(path, int(rows[0][0]))
        except BaseException:
            await db.close()
            raise
        return cls(path, db)

    async def close(self) -> None:
        await self._db.close()

    async def run(self, query: q.Query[T]) -> T:
        try:
            rows = await self._db.execute_fetchall(query.sql, query.params)
        except sqlite3.Error as exc:
            raise StoreError(f"query failed on {self.path}: {exc}") from exc
        return query.convert([tuple(row) for row in rows])

    async def audit(self, audit: q.AuditFilter) -> q.AuditPage:
        """A page of the audit trail, newest first, and the count of every match."""
        steps = q.audit_steps(audit)
        answer: Any = None
        while True:
            try:
                query = steps.send(answer)
            except StopIteration as done:
                page: q.AuditPage = done.value
                return page
            answer = await self.run(query)

    async def campaigns(self, campaign_id: str | None = None) -> list[q.CampaignRecord]:
        return await self.run(q.campaigns_query(campaign_id))

    async def negotiations(self, campaign_id: str | None = None) -> list[q.NegotiationRecord]:
        return await self.run(q.negotiations_query(campaign_id))

    async def negotiation(self, negotiation_id: str) -> q.NegotiationRecord | None:
        return await self.run(q.negotiation_query(negotiation_id))

    async def unprocessed_deliveries(self, limit: int = 1000) -> list[q.DeliveryRecord]:
        return await self.run(q.unprocessed_deliveries_query(limit))

    async def outbox(self, **where: Any) -> list[outbox.OutboxRecord]:
        return await self.run(outbox.outbox_query(**where))

    async def due_reminders(self, now: datetime, limit: int = 1000) -> list[q.ReminderRecord]:
        return await self.run(q.due_reminders_query(now, limit))

    async def reminders(self, negotiation_id: str) -> list[q.ReminderRecord]:
        return await self.run(q.reminders_query(negotiation_id))

    async def errors(self, fingerprint: str | None = None) -> list[q.ErrorRecord]:
        return await self.run(q.errors_query(fingerprint))

    async def mail_cursor(self, mailbox: str) -> str | None:
        return await self.run(q.mail_cursor_query(mailbox))

    async def is_do_not_contact(self, email: str) -> bool:
        return await self.run(q.do_not_contact_query(email))
