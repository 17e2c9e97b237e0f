"""Group commit as a plan, and the two drivers that run plans (aiosqlite and sqlite3).

:func:`commit_plan` writes many callers' units (one operation, or a ``Transaction``'s several) in
one transaction. Consecutive audit appends become one ``executemany``, so a batch of a thousand
entries is three statements. If anything fails, the transaction is rolled back and the batch is
replayed unit by unit, each inside its own SAVEPOINT, still under one commit: the failing unit
alone gets its error, every other unit is written. Only a failure of the commit itself fails
every unit (nothing of that batch was acknowledged, so nothing acknowledged is lost).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dealdesk.store.ops import (
    INSERT_AUDIT,
    INSERT_AUDIT_INFLUENCER,
    AppendAudit,
    Plan,
    Stmt,
    StmtResult,
    StoreOp,
)

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence

    import aiosqlite

__all__ = ["Outcome", "commit_plan", "run_plan", "run_plan_sync"]

KNOWN_PAIRS_MAX = 100_000


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one unit: its results (one per operation), or the error that failed it."""

    results: tuple[Any, ...] = ()
    error: BaseException | None = None


_DONE = Outcome((None,))


Pairs = set[tuple[str, str]]


def _ops_plan(
    ops: Sequence[StoreOp[Any]], now: str, known: Pairs, fresh: Pairs
) -> Plan[tuple[Any, ...]]:
    """Run ``ops`` in order, folding runs of audit appends into one ``executemany``, and the
    name/email pairs the directory may not have (not in ``known``; collected in ``fresh``)
    into another."""
    results: list[Any] = []
    rows: list[tuple[Any, ...]] = []
    pairs: Pairs = set()
    for op in ops:
        if type(op) is AppendAudit:
            rows.append(op.row(now))
            pair = op.influencer_pair
            if pair is not None and pair not in known:
                pairs.add(pair)
            results.append(None)
            continue
        if rows:
            yield from _append(rows, pairs)
            fresh |= pairs
            rows, pairs = [], set()
        results.append((yield from op.plan(now)))
    if rows:
        yield from _append(rows, pairs)
        fresh |= pairs
    return tuple(results)


def _append(rows: list[tuple[Any, ...]], pairs: set[tuple[str, str]]) -> Plan[None]:
    yield Stmt(INSERT_AUDIT, rows, many=True)
    if pairs:
        yield Stmt(INSERT_AUDIT_INFLUENCER, sorted(pairs), many=True)


def _quietly(sql: str) -> Plan[None]:
    # A ROLLBACK of a transaction SQLite already ended has nothing to undo.
    with contextlib.suppress(Exception):
        yield Stmt(sql)


def commit_plan(
    units: Sequence[Sequence[StoreOp[Any]]], now: str, known: Pairs | None = None
) -> Plan[list[Outcome]]:
    """One transaction for all ``units``; see the module docstring for failure isolation.

    ``known`` is the caller's cache of name/email pairs already in the directory: pairs not in it
    are written (idempotently) and, once committed, added to it.
    """
    cache = known if known is not None else set()
    flat = [op for unit in units for op in unit]
    fresh: Pairs = set()
    yield Stmt("BEGIN IMMEDIATE")  # if even this fails (locked, I/O), retrying would not help
    try:
        results = yield from _ops_plan(flat, now, cache, fresh)
        yield Stmt("COMMIT")
    except Exception:
        yield from _quietly("ROLLBACK")
    else:
        _remember(cache, fresh)
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
    fresh = set()
    yield Stmt("BEGIN IMMEDIATE")
    try:
        for unit in units:
            yield Stmt("SAVEPOINT unit")
            unit_fresh: Pairs = set()
            try:
                unit_results = yield from _ops_plan(unit, now, cache, unit_fresh)
            except Exception as exc:
                yield Stmt("ROLLBACK TO unit")
                isolated.append(Outcome(error=exc))
            else:
                isolated.append(Outcome(unit_results))
                fresh |= unit_fresh
            yield Stmt("RELEASE unit")
        yield Stmt("COMMIT")
    except BaseException:
        yield from _quietly("ROLLBACK")
        raise
    _remember(cache, fresh)
    return isolated


def _remember(cache: Pairs, fresh: Pairs) -> None:
    """Committed pairs are known from now on (a cache, not a record: re-inserting is a no-op)."""
    if len(cache) + len(fresh) > KNOWN_PAIRS_MAX:
        cache.clear()
    cache |= fresh


async def run_plan(db: aiosqlite.Connection, plan: Plan[Any]) -> Any:
    """Drive ``plan`` on an aiosqlite connection (runs on the I/O loop)."""
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
                cursor = await db.executemany(stmt.sql, stmt.params)
                value = StmtResult(cursor.rowcount)
                await cursor.close()
            elif stmt.fetch:
                rows = await db.execute_fetchall(stmt.sql, stmt.params)
                value = StmtResult(rows=[tuple(row) for row in rows])
            else:
                cursor = await db.execute(stmt.sql, stmt.params)
                value = StmtResult(cursor.rowcount, cursor.lastrowid)
                await cursor.close()
        except Exception as exc:
            error = exc


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
