"""The store as actors and HTTP handlers use it: ``ctx[STORE]``.

Every write goes to the one AuditWriter, found by name in the registry (a restarted writer is
reached under the same name); every read uses this thread's read-only connection from a small
per-thread pool (sqlite3 connections stay on their thread; WAL lets them read while the writer
commits). Callers import only these names and the operations of ``dealdesk.store``:

- :meth:`Store.write` asks for one operation and returns its typed result once it committed;
  :meth:`Store.commit` does the same for several in one transaction. Both wait at most
  ``timeout`` (an actor's thread only; never the loop).
- :meth:`Store.submit` asks without waiting (several submitted together share a group commit);
  :meth:`Store.tell` writes and forgets.
- :meth:`Store.write_from_loop` is the loop's way: it never blocks and resolves an asyncio future.
- :meth:`Store.reader` is this thread's :class:`~dealdesk.store.reader.StoreReader`;
  :meth:`Store.close_reader` closes it (actors that read call it when they stop).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, TypeVar

from dealdesk.runtime.context import ContextKey, RuntimeContext
from dealdesk.runtime.loop import LoopAsk, LoopReply
from dealdesk.runtime.registry import AUDIT_WRITER
from dealdesk.store.errors import StoreError
from dealdesk.store.ops import StoreOp, Transaction
from dealdesk.store.reader import ThreadReaders
from dealdesk.store.schema import database_path

if TYPE_CHECKING:
    from pathlib import Path

    import pykka

    from dealdesk.runtime.registry import ActorRegistry
    from dealdesk.store.reader import StoreReader

__all__ = ["STORE", "Store"]

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 30.0


class Store:
    def __init__(
        self, registry: ActorRegistry, path: Path, *, timeout_s: float = DEFAULT_TIMEOUT_S
    ) -> None:
        self.registry = registry
        self.path = path
        self.timeout_s = timeout_s
        self._readers = ThreadReaders(path)

    @classmethod
    def for_context(cls, ctx: RuntimeContext) -> Store:
        return cls(ctx.registry, database_path(ctx.settings))

    # -- writes ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the AuditWriter is there to take writes."""
        return self.registry.get(AUDIT_WRITER) is not None

    def _writer(self) -> pykka.ActorRef[Any]:
        writer = self.registry.get(AUDIT_WRITER)
        if writer is None:
            raise StoreError("the AuditWriter is not running")
        return writer

    def write(self, op: StoreOp[T], *, timeout: float | None = None) -> T:
        """``op``'s result once it committed; its own error (``VersionConflict``, ...) if not."""
        result: T = self.submit(op).get(timeout=self.timeout_s if timeout is None else timeout)
        return result

    def commit(self, *ops: StoreOp[Any], timeout: float | None = None) -> tuple[Any, ...]:
        """Several operations in one transaction: their results, in order, once committed."""
        future = self._writer().ask(Transaction(ops), block=False)
        results: tuple[Any, ...] = future.get(
            timeout=self.timeout_s if timeout is None else timeout
        )
        return results

    def submit(self, op: StoreOp[T] | Transaction) -> pykka.Future[T]:
        """Ask without waiting: ``.get(timeout=...)`` the answer later."""
        future: pykka.Future[T] = self._writer().ask(op, block=False)
        return future

    def tell(self, op: StoreOp[Any] | Transaction) -> bool:
        """Write and forget; False (and a dead-letter log line) if the writer is not running."""
        return self.registry.tell(AUDIT_WRITER, op)

    def write_from_loop(self, op: StoreOp[T]) -> asyncio.Future[T]:
        """On the I/O loop, without blocking it: a future for ``op``'s committed result (failed
        at once with ``StoreError`` if the writer is not running). Call on the loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        if not self.registry.tell(AUDIT_WRITER, LoopAsk(op, LoopReply(loop, future))):
            future.set_exception(StoreError("the AuditWriter is not running"))
        return future

    # -- reads ----------------------------------------------------------------------------------

    def reader(self) -> StoreReader:
        """This thread's read-only connection (opened on first use)."""
        return self._readers.get()

    def close_reader(self) -> None:
        """This thread is done reading: its connection goes back to the pool."""
        self._readers.close_current()

    def close_idle_readers(self) -> None:
        """Close the pooled connections (at shutdown, once the actors have stopped)."""
        self._readers.close_idle()


STORE: ContextKey[Store] = ContextKey("store", Store.for_context)
