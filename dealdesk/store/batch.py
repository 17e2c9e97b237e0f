"""Group commit as a plan, and the driver that runs plans on a ``sqlite3`` connection.

:func:`commit_plan` writes many callers' units (one operation, or a ``Transaction``'s several) in
one transaction. Consecutive audit appends become one ``executemany`` (:func:`append_plan`), so a
batch of a thousand entries is a handful of statements. If anything fails, the transaction is
rolled back and the batch is replayed unit by unit, each inside its own SAVEPOINT, still under one
commit: the failing unit alone gets its error, every other unit is written. Only a failure of the
commit itself fails every unit (nothing of that batch was acknowledged, so nothing acknowledged is
lost).

A :class:`Directory` is the caller's cache of what the audit directories hold (influencer key
references, name/email pairs): it saves a lookup per entry, and learns only from commits.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dealdesk.store.ops import AppendAudit, AuditBatch, Plan, Stmt, StmtResult, append_plan

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence

    import aiosqlite

    from dealdesk.store.ops import StoreOp

__all__ = ["Directory", "Outcome", "commit_plan", "run_plan_sync"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one unit: its results (one per operation), or the error that failed it."""

    results: tuple[Any, ...] = ()
    error: BaseException | None = None


_DONE = Outcome((None,))


@dataclass(slots=True)
class Directory:
    """What is known to be committed in the audit directories (a cache, not a record: a miss
    costs one lookup, a hit saves it). Bounded: cleared when it outgrows ``max_size``."""

    refs: dict[str, int] = field(default_factory=dict)
    pairs: set[tuple[str, str]] = field(default_factory=set)
    max_size: int = 100_000

    def remember(self, batch: AuditBatch) -> None:
        """Call once ``batch``'s transaction has committed."""
        if len(self.refs) + len(batch.new_refs) > self.max_size:
            self.refs.clear()
        if len(self.pairs) + len(batch.new_pairs) > self.max_size:
            self.pairs.clear()
        self.refs.update(batch.new_refs)
        self.pairs |= batch.new_pairs


def _ops_plan(ops: Sequence[StoreOp[Any]], batch: AuditBatch) -> Plan[tuple[Any, ...]]:
    """Run ``ops`` in order, folding each run of audit appends into one :func:`append_plan`."""
    results: list[Any] = []
    entries: list[AppendAudit] = []
    for op in ops:
        if type(op) is AppendAudit:
            entries.append(op)
            results.append(None)
            continue
        if entries:
            yield from append_plan(entries, batch)
            entries = []
        results.append((yield from op.plan(batch.now)))
    if entries:
        yield from append_plan(entries, batch)
    return tuple(results)


def _quietly(sql: str) -> Plan[None]:
    # A ROLLBACK of a transaction SQLite already ended has nothing to undo.
    with contextlib.suppress(Exception):
        yield Stmt(sql)


def commit_plan(
    units: Sequence[Sequence[StoreOp[Any]]], now: str, directory: Directory | None = None
) -> Plan[list[Outcome]]:
    """One transaction for all ``units`` at batch time ``now``; see the module docstring for
    failure isolation. ``directory`` (the caller's, kept across batches) learns what commits."""
    known = directory if directory is not None else Directory()
    flat = [op for unit in units for op in unit]
    batch = AuditBatch(now, known.refs, known.pairs)
    yield Stmt("BEGIN IMMEDIATE")  # if even this fails (locked, I/O), retrying would not help
    try:
        results = yield from _ops_plan(flat, batch)
        yield Stmt("COMMIT")
    except Exception:
        yield from _quietly("ROLLBACK")
    else:
        known.remember(batch)
        outcomes, start = [], 0
        for unit in units:
            size = len(unit)
            if size == 1 and results[start] is None:
                outcomes.append(_DONE)  # the common case (an audit append): no allocation
            else:
                outcomes.append(Outcome(results[start : start + size]))
            start += size
        return outcomes
    # Isolation pass: each unit in its own savepoint, one commit for all that succeed.
    isolated: list[Outcome] = []
    batch = AuditBatch(now, known.refs, known.pairs)
    yield Stmt("BEGIN IMMEDIATE")
    try:
        for unit in units:
            yield Stmt("SAVEPOINT unit")
            saved = (dict(batch.next_ids), dict(batch.new_refs), set(batch.new_pairs))
            try:
                unit_results = yield from _ops_plan(unit, batch)
            except Exception as exc:
                yield Stmt("ROLLBACK TO unit")
                # What the unit added to the directories was rolled back with it.
                batch.next_ids, batch.new_refs, batch.new_pairs = saved
                isolated.append(Outcome(error=exc))
            else:
                isolated.append(Outcome(unit_results))
            yield Stmt("RELEASE unit")
        yield Stmt("COMMIT")
    except BaseException:
        yield from _quietly("ROLLBACK")
        raise
    known.remember(batch)
    return isolated


async def run_plan(db: aiosqlite.Connection, plan: Plan[Any]) -> Any:
    """Drive ``plan`` on an aiosqlite connection (from the I/O loop) in ONE call to its thread:
    the same steps and results as :func:`run_plan_sync`, which runs there on the connection's own
    ``sqlite3`` object. A statement at a time would cost a loop round trip per statement (begin,
    insert, fetch, close, commit: seven for a delivery batch), and under load each of those waits
    for a turn of a busy loop. aiosqlite has no public "run this function on the connection's
    thread"; ``_execute`` is the primitive every one of its own methods is built on (checked by
    ``tests/store/test_batch.py``)."""
    return await db._execute(run_plan_sync, db._conn, plan)  # type: ignore[no-untyped-call]


def run_plan_sync(conn: sqlite3.Connection, plan: Plan[Any]) -> Any:
    """Drive ``plan`` on a plain sqlite3 connection in autocommit mode (blocking)."""
    value: StmtResult | None = None
    error: Exception | None = None
    while True:
        try:
            stmt = plan.throw(error) if error is not None else plan.send(value)  # type: ignore[arg-type]
        except StopIteration as stop:
            return stop.value
        value, error = None, None
        try:
            if stmt.many:
                cursor = conn.executemany(stmt.sql, stmt.params)
                value = StmtResult(cursor.rowcount)
            else:
                cursor = conn.execute(stmt.sql, stmt.params)
                rows = cursor.fetchall() if stmt.fetch else []
                value = StmtResult(cursor.rowcount, cursor.lastrowid, [tuple(r) for r in rows])
            cursor.close()
        except Exception as exc:
            error = exc
