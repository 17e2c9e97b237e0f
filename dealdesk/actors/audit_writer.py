"""The AuditWriter: the one SQLite write connection of the process, with group commit.

Every write in dealdesk is a typed operation (``dealdesk.store`` ops) sent to this actor:
``tell`` it to forget it (audit entries), ``ask`` it to wait until it is durable; a
``Transaction`` of several operations commits together; ``Flush`` is a barrier. Code on the I/O
loop uses ``IoLoop.ask_actor``, whose ``LoopAsk`` wrapper is batched the same way.

Group commit: each time the actor takes a write from its mailbox it also takes every write queued
behind it, up to ``audit_batch_max`` operations or ``audit_batch_ms`` of draining, and commits them
in one transaction (``dealdesk.store.batch``). An answer is sent only after its transaction
committed. A failing operation fails only itself (its caller gets the error, the ErrorReporter
hears of it); the writer survives every error, reopening its connection after a failed commit. On
stop it commits every write still queued before closing.

Threads: the actor's own thread drains the mailbox, builds the batch's plan and answers; the plan
runs on the one aiosqlite connection, from the I/O loop (one ``IoLoop.run`` per batch, never per
entry, and one call to aiosqlite's thread per plan: ``store.batch.run_plan``), as the design puts
every SQLite connection of the service there. That hop has a cost (``bench/audit_throughput.py``
shows it against SQLite alone), and the store's plans run unchanged on a plain ``sqlite3``
connection too (``run_plan`` / ``run_plan_sync``), should the design ever move it. The writer
answers every write itself, the first of a batch included: its inbox (a
``runtime.mailbox.SelectiveInbox``) remembers the message being handled and hands the writer its
reply future, so a told write that fails never raises into pykka (which would crash the actor). If
the writer itself breaks, every write it had taken is answered with a ``StoreError`` before it
crashes; its supervisor restarts it with the rest of the mailbox.

How the connection is opened, and with which pragmas, is ``dealdesk.store.connection``'s; how
messages are taken from the mailbox is ``dealdesk.runtime.mailbox``'s (the one place that knows
pykka's internals).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from dealdesk.actors.audit_messages import Flush, is_write, write_weight
from dealdesk.runtime.actor import BaseActor
from dealdesk.runtime.loop import LoopAsk, LoopReply
from dealdesk.runtime.mailbox import SelectiveInboxActor
from dealdesk.runtime.registry import AUDIT_WRITER
from dealdesk.runtime.reports import ErrorReport
from dealdesk.runtime.supervision import ChildSpec
from dealdesk.store import (
    Directory,
    Outcome,
    StoreError,
    StoreOp,
    Transaction,
    VersionConflict,
    commit_plan,
    database_path,
    iso_ms,
    open_writer,
    open_writer_sync,
    prepare_database,
    run_plan,
    run_plan_sync,
)

if TYPE_CHECKING:
    import aiosqlite
    import pykka

    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.store import Plan

__all__ = ["AuditWriter", "Flush", "audit_writer_spec"]

# A batch that has not committed by then is treated as failed (connection reopened, callers told).
COMMIT_TIMEOUT_S = 60.0


_PENDING = Outcome()


class _Unit:
    """One caller's write: its operations, and where its answer goes."""

    __slots__ = ("answered", "ops", "outcome", "reply", "transaction")

    def __init__(
        self,
        ops: tuple[StoreOp[Any], ...],
        *,
        transaction: bool,
        reply: pykka.Future[Any] | LoopReply | None,
    ) -> None:
        self.ops = ops
        self.transaction = transaction
        self.reply = reply
        self.outcome = _PENDING
        self.answered = False

    @classmethod
    def of(cls, message: Any, reply: pykka.Future[Any] | LoopReply | None) -> _Unit:
        """``message`` is a write (``is_write``): an op, a Transaction, a Flush, or a LoopAsk."""
        kind = type(message)
        if kind is LoopAsk:
            return cls.of(message.message, message.reply)
        if kind is Transaction:
            return cls(message.ops, transaction=True, reply=reply)
        if kind is Flush:
            return cls((), transaction=False, reply=reply)
        return cls((message,), transaction=False, reply=reply)

    def value(self) -> Any:
        results = self.outcome.results
        if self.transaction:
            return results
        return results[0] if results else None


class AuditWriter(SelectiveInboxActor, BaseActor):
    """Exactly one per process; registered as ``audit-writer``."""

    kind = "audit_writer"
    max_batches_per_message = 16  # then let pykka look at the mailbox (stop, dumps) again

    def __init__(
        self,
        ctx: RuntimeContext,
        *,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
        actor_id: str = AUDIT_WRITER,
    ) -> None:
        super().__init__(actor_id=actor_id, parent=parent, restarts=restarts)
        self.ctx = ctx
        self.path = database_path(ctx.settings)
        self.conn: aiosqlite.Connection | None = None
        self._retired: list[aiosqlite.Connection] = []
        self.batches = 0
        self.committed = 0
        self.failed = 0
        self.last_batch = 0
        # Influencer references and name/email pairs already committed (a cache; see batch.py).
        self.directory = Directory()

    # -- runs on the actor's thread (all of it) -------------------------------------------------

    def started(self) -> None:
        prepare_database(self.ctx.settings)
        self.conn = self._open()
        self.log.info("audit_writer_started", path=str(self.path), restarts=self.restarts)

    def on_receive(self, message: Any) -> Any:
        if not is_write(message):
            return super().on_receive(message)
        self.last_message_at = time.time()
        # Take over answering this write (pykka then answers nothing), so every write of a
        # batch is answered the same way, right after its own commit.
        try:
            reply = self.inbox.take_reply(message)
        except LookupError as exc:  # pragma: no cover - defensive
            raise StoreError("audit writer lost track of the message it is handling") from exc
        first = _Unit.of(message, reply)
        batch = [first]  # taken from the mailbox and not yet answered
        try:
            batch += self._drain(len(first.ops) or 1)
            for _ in range(self.max_batches_per_message):
                self._commit(batch)
                batch = self._drain(0)
                if not batch:
                    break
            else:
                self._commit(batch)
        except BaseException as exc:
            # A bug of ours: whoever waits hears of it (nothing of theirs was acknowledged);
            # then the writer crashes and its supervisor restarts it with the rest of the mailbox.
            for unit in batch:
                if not unit.answered:
                    unit.outcome = Outcome(error=StoreError(f"audit writer failed: {exc!r}"))
                    self._answer(unit)
            raise
        return None

    def handle(self, message: Any) -> Any:
        return self.unhandled(message)

    def on_stop(self) -> None:
        pending = [_Unit.of(message, reply) for message, reply in self.inbox.take_all(is_write)]
        cap = self.ctx.settings.audit_batch_max
        for start in range(0, len(pending), cap):
            self._commit(pending[start : start + cap])
        self._close()
        self.log.info("audit_writer_stopped", flushed_on_stop=len(pending), batches=self.batches)

    def on_failure(self, exception_type: Any, exception_value: Any, traceback: Any) -> None:
        self._close()
        super().on_failure(exception_type, exception_value, traceback)

    # -- group commit ---------------------------------------------------------------------------

    def _drain(self, count: int) -> list[_Unit]:
        """Take the writes waiting at the front of the mailbox (stopping when it has no more, at
        ``audit_batch_max`` operations in all, or after ``audit_batch_ms``)."""
        settings = self.ctx.settings
        deadline = time.monotonic() + settings.audit_batch_ms / 1000
        # A message that is not a write (a stop request, a dump) ends the batch: it and everything
        # queued behind it wait for pykka.
        letters = self.inbox.take_front(write_weight, settings.audit_batch_max - count, deadline)
        return [_Unit.of(message, reply) for message, reply in letters]

    def _commit(self, units: list[_Unit]) -> None:
        """Commit ``units`` in one transaction, then answer each one."""
        plan = commit_plan(
            [unit.ops for unit in units], iso_ms(self.ctx.clock.now()), self.directory
        )
        outcomes: list[Outcome] | None = None
        error: Exception | None = None
        try:
            outcomes = self._run(plan)
        except Exception as exc:  # the commit itself (or BEGIN) failed: nothing was written
            plan.close()
            error = exc
        whole_batch_failed = outcomes is None
        if outcomes is None:
            self._close()  # a fresh connection next time: the old one's state is unknown
            message = f"write not committed ({len(units)} in batch): {error!r}"
            self.log.error("audit_batch_not_committed", writes=len(units), error=repr(error))
            self._report("commit batch", type(error).__name__, message)  # once, not per write
            outcomes = [Outcome(error=StoreError(message)) for _ in units]
        self.batches += 1
        self.last_batch = len(units)
        for unit, outcome in zip(units, outcomes, strict=True):
            unit.outcome = outcome
            if outcome.error is None:
                self.committed += 1
            else:
                self.failed += 1
                self._failed(unit, outcome.error, report=not whole_batch_failed)
            self._answer(unit)

    def _failed(self, unit: _Unit, error: BaseException, *, report: bool) -> None:
        names = ",".join(type(op).__name__ for op in unit.ops) or "Flush"
        self.log.warning("audit_write_failed", ops=names, error=repr(error))
        if report and not isinstance(error, VersionConflict):
            # (A version conflict is the optimistic check doing its job: the caller retries.)
            self._report(f"write {names}", type(error).__name__, str(error))

    def _report(self, operation: str, kind: str, message: str) -> None:
        self.ctx.report(
            ErrorReport(
                service="store",
                operation=operation[:200],
                kind=kind,
                message=message[:500],
                context={"database": str(self.path)},
            )
        )

    @staticmethod
    def _answer(unit: _Unit) -> None:
        unit.answered = True
        error, reply = unit.outcome.error, unit.reply
        if isinstance(reply, LoopReply):
            if error is None:
                reply.ok(unit.value())
            else:
                reply.fail(error)
        elif reply is not None:
            if error is None:
                reply.set(unit.value())
            else:
                reply.set_exception(exc_info=(type(error), error, error.__traceback__))

    # -- the connection -------------------------------------------------------------------------

    def _run(self, plan: Plan[list[Outcome]]) -> list[Outcome]:
        if not self.ctx.loop.running:
            # The loop is gone before the writer (a shutdown out of order): commit on this thread
            # over a plain sqlite3 connection rather than lose what was queued.
            self._close()
            conn = open_writer_sync(self.path)
            try:
                outcomes: list[Outcome] = run_plan_sync(conn, plan)
                return outcomes
            finally:
                conn.close()
        if self.conn is None:
            self.conn = self._open()
        return self.ctx.loop.run(run_plan(self.conn, plan), timeout=COMMIT_TIMEOUT_S)

    def _open(self) -> aiosqlite.Connection:
        synchronous = self.ctx.settings.sqlite_synchronous
        return self.ctx.loop.run(open_writer(self.path, synchronous), timeout=COMMIT_TIMEOUT_S)

    def _close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        if not self.ctx.loop.running:
            conn.stop()  # closes on aiosqlite's own thread, no loop needed
            self._retired.append(conn)  # kept until that close has run (no warning on collect)
            return
        try:
            self.ctx.loop.run(conn.close(), timeout=COMMIT_TIMEOUT_S)
        except Exception as exc:  # a closing loop or a broken connection: nothing left to keep
            self.log.warning("audit_db_close_failed", error=repr(exc))

    def dump_fields(self) -> dict[str, Any]:
        return {
            "database": str(self.path),
            "batches": self.batches,
            "committed": self.committed,
            "failed": self.failed,
            "last_batch": self.last_batch,
            "connected": self.conn is not None,
        }


def audit_writer_spec(ctx: RuntimeContext) -> ChildSpec:
    """How the root supervisor starts (and restarts) the AuditWriter."""

    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return AuditWriter.start(ctx, parent=parent, restarts=restarts)

    return ChildSpec(name=AUDIT_WRITER, start=start, kind=AuditWriter.kind)
