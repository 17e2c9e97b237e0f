"""Read-write SQLite connections to the database: how each is opened and the pragmas it runs with.

Three kinds, all in autocommit mode (``isolation_level=None``: the store's plans and migrations
issue their own ``BEGIN IMMEDIATE`` / ``COMMIT``, which Python's implicit transactions would
interfere with):

- the AuditWriter's one write connection (:func:`open_writer`, aiosqlite, on the I/O loop),
  with :data:`WRITER_PRAGMAS` and the configured ``synchronous`` level;
- the writer's fallback when the I/O loop is gone at shutdown (:func:`open_writer_sync`, plain
  ``sqlite3`` on the writer's own thread), with :data:`WRITER_PRAGMAS`;
- the setup connection :func:`~dealdesk.store.schema.prepare_database` migrates on
  (:func:`connect`, then :data:`SETUP_PRAGMAS` via :func:`apply_pragmas`).

Rules: a connection whose pragmas fail is closed before the error propagates. Pragma lists are
read when a connection opens, not when this module loads (tests shorten ``busy_timeout``). The
read-only connections are :mod:`dealdesk.store.reader`'s. No actor or pykka code here.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Literal

import aiosqlite

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = [
    "SETUP_PRAGMAS",
    "WRITER_PRAGMAS",
    "Synchronous",
    "apply_pragmas",
    "connect",
    "open_writer",
    "open_writer_sync",
]

# ``PRAGMA synchronous`` for the writer (``Settings.sqlite_synchronous``): NORMAL loses nothing
# committed on a process crash in WAL mode, FULL also survives a power cut.
Synchronous = Literal["NORMAL", "FULL"]

# The writer's connection. A big page cache and a roomy WAL before checkpoints keep a group
# commit's dirty index pages in memory and write each one once (``bench/audit_throughput.py``).
WRITER_PRAGMAS: tuple[str, ...] = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA cache_size=-65536",
    "PRAGMA wal_autocheckpoint=10000",
    "PRAGMA journal_size_limit=67108864",
)

# The setup connection: WAL is a property of the database file, so switching it on here makes
# every later connection (readers included) use it; the timeout waits for a lock held elsewhere
# instead of failing at once.
SETUP_PRAGMAS: tuple[str, ...] = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",
)


def connect(path: Path) -> sqlite3.Connection:
    """A plain ``sqlite3`` connection to ``path`` in autocommit mode, no pragmas applied."""
    return sqlite3.connect(path, isolation_level=None)


def apply_pragmas(conn: sqlite3.Connection, pragmas: Iterable[str]) -> None:
    for pragma in pragmas:
        conn.execute(pragma)


async def open_writer(path: Path, synchronous: Synchronous) -> aiosqlite.Connection:
    """The AuditWriter's connection; await it on the I/O loop."""
    db = await aiosqlite.connect(path, isolation_level=None)
    try:
        for pragma in (*WRITER_PRAGMAS, f"PRAGMA synchronous={synchronous}"):
            await db.execute(pragma)
    except BaseException:
        await db.close()
        raise
    return db


def open_writer_sync(path: Path) -> sqlite3.Connection:
    """The AuditWriter's fallback when the I/O loop is gone: blocking, on the caller's thread.

    ``synchronous`` is left at SQLite's default (FULL in the builds we run on): at least as
    durable as either configured level, on a path that only commits what is left at shutdown.
    """
    conn = connect(path)
    try:
        apply_pragmas(conn, WRITER_PRAGMAS)
    except BaseException:
        conn.close()
        raise
    return conn
