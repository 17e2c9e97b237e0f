"""Nothing acknowledged is lost: kill -9, a crash and restart under a supervisor, a shutdown with
writes still queued (with and without the I/O loop), and readers running beside the writer. Then
the writer's connections (``dealdesk.store.connection``): the pragmas each runs with."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pykka
import pytest

from dealdesk.actors.audit_writer import AuditWriter, Flush, audit_writer_spec
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import AUDIT_WRITER
from dealdesk.runtime.supervision import StartChild, Supervisor
from dealdesk.store import (
    AppendAudit,
    AuditFilter,
    StoreError,
    ThreadReaders,
    connection,
    database_path,
    prepare_database,
)
from dealdesk.store.connection import WRITER_PRAGMAS
from dealdesk.store.reader import StoreReader

from .test_audit_writer import TIMEOUT, writer_held

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from dealdesk.actors.audit_writer import AuditWriter
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.runtime.loop import IoLoop
    from dealdesk.runtime.settings import Settings
    from dealdesk.store import AppendAudit
    from dealdesk.runtime.logging import configure_logging

    configure_logging("warning", json=True)  # logs to stderr: stdout carries only ACK lines
    settings = Settings(_env_file=None, data_dir=Path(sys.argv[1]))
    ref = AuditWriter.start(RuntimeContext(settings=settings, loop=IoLoop().start()))
    lock = threading.Lock()

    def worker(k):
        i = 0
        while True:
            key = f"{k}-{i}"
            ref.tell(AppendAudit("email_received", thread_id="told-" + key))
            ref.ask(AppendAudit("email_sent", thread_id=key, email_body="x" * 500), timeout=30)
            with lock:
                print("ACK", key, flush=True)
            i += 1

    for k in range(4):
        threading.Thread(target=worker, args=(k,), daemon=True).start()
    threading.Event().wait()
    """
)


def thread_ids(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {row[0] for row in conn.execute("SELECT thread_id FROM audit_log")}
    finally:
        conn.close()


def test_kill_9_right_after_n_acknowledged_writes_loses_none_of_them(tmp_path):
    wanted = 400
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    acknowledged: list[str] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("ACK "):
                acknowledged.append(line.split()[1])
                if len(acknowledged) == wanted:
                    child.send_signal(signal.SIGKILL)  # at once, mid-stream: writes are in flight
                    break
    finally:
        child.kill()
        child.wait(TIMEOUT)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert len(acknowledged) == wanted
    assert set(acknowledged) <= thread_ids(tmp_path / "dealdesk.db")


def test_a_writer_restarted_by_its_supervisor_keeps_every_acknowledged_write(ctx, monkeypatch):
    root = Supervisor.start(ctx, actor_id="root")
    first = root.ask(StartChild(audit_writer_spec(ctx)), timeout=TIMEOUT)
    for i in range(20):
        first.ask(AppendAudit("email_sent", thread_id=f"before-{i}"), timeout=TIMEOUT)

    real_commit = AuditWriter._commit

    def commit_or_crash(self: AuditWriter, units: list[Any]) -> None:
        if any(getattr(op, "thread_id", None) == "crash" for unit in units for op in unit.ops):
            raise RuntimeError("simulated bug in the writer")
        real_commit(self, units)

    monkeypatch.setattr(AuditWriter, "_commit", commit_or_crash)
    first.tell(AppendAudit("error", thread_id="crash"))
    # A non-write between them keeps the crash alone in its batch; both move to the new writer.
    dump = first.ask(DumpState(), block=False)
    after = first.ask(AppendAudit("email_sent", thread_id="after"), block=False)
    assert after.get(timeout=TIMEOUT) is None
    assert dump.get(timeout=TIMEOUT)["restarts"] == 1
    second = ctx.registry.get(AUDIT_WRITER)
    assert second is not None
    assert second is not first
    assert not first.is_alive()
    ids = thread_ids(database_path(ctx.settings))
    assert {f"before-{i}" for i in range(20)} | {"after"} == ids
    root.stop(block=True, timeout=TIMEOUT)


def test_writes_queued_at_shutdown_are_committed_before_the_writer_closes(ctx):
    ref = AuditWriter.start(ctx)
    with writer_held(ref):  # everything below queues up behind the gate, the stop included
        for i in range(50):
            ref.tell(AppendAudit("email_sent", thread_id=f"before-stop-{i}"))
        stopped = ref.stop(block=False)
        for i in range(10):
            ref.tell(AppendAudit("email_sent", thread_id=f"behind-stop-{i}"))
    stopped.get(timeout=TIMEOUT)
    assert len(thread_ids(database_path(ctx.settings))) == 60


def test_the_writer_still_commits_when_the_io_loop_is_already_gone(ctx, io_loop):
    ref = AuditWriter.start(ctx)
    ref.ask(AppendAudit("email_sent", thread_id="with-loop"), timeout=TIMEOUT)
    io_loop.stop()
    for i in range(10):
        ref.tell(AppendAudit("email_sent", thread_id=f"no-loop-{i}"))
    ref.ask(Flush(), timeout=TIMEOUT)
    last = ref.ask(AppendAudit("email_sent", thread_id="last"), block=False)
    ref.stop(block=True, timeout=TIMEOUT)
    assert last.get(timeout=TIMEOUT) is None
    assert len(thread_ids(database_path(ctx.settings))) == 12


def test_readers_in_several_threads_see_every_acknowledged_write_while_the_writer_runs(ctx):
    ref = AuditWriter.start(ctx)
    ref.ask(Flush(), timeout=TIMEOUT)  # the database exists before readers open it
    readers = ThreadReaders(database_path(ctx.settings))
    acknowledged: set[str] = set()
    lock = threading.Lock()
    writers_done = threading.Event()
    failures: list[BaseException] = []

    def write(k: int) -> None:
        try:
            for i in range(150):
                key = f"{k}-{i}"
                ref.ask(AppendAudit("email_sent", campaign_id="c1", thread_id=key), timeout=TIMEOUT)
                with lock:
                    acknowledged.add(key)
        except BaseException as exc:
            failures.append(exc)

    def read() -> None:
        try:
            seen = 0
            while True:
                done = writers_done.is_set()
                with lock:
                    expected = set(acknowledged)
                page = readers.get().audit(AuditFilter(campaign_id="c1", limit=10_000))
                present = {e.thread_id for e in page.entries}
                assert expected <= present, "an acknowledged write was not visible"
                assert page.total >= seen
                seen = page.total
                if done:
                    break
            readers.close_current()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(3)]
    threads += [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads[:3]:
        thread.join(60)
    writers_done.set()
    for thread in threads[3:]:
        thread.join(60)
    assert failures == []
    with StoreReader(database_path(ctx.settings)) as reader:
        assert reader.audit(AuditFilter(campaign_id="c1")).total == 450
    ref.stop(block=True, timeout=TIMEOUT)


def test_a_write_in_a_batch_whose_commit_cannot_start_fails_with_a_store_error(ctx, monkeypatch):
    pragmas = tuple(p for p in WRITER_PRAGMAS if "busy_timeout" not in p)
    monkeypatch.setattr(connection, "WRITER_PRAGMAS", (*pragmas, "PRAGMA busy_timeout=50"))
    ref = AuditWriter.start(ctx)
    ref.ask(Flush(), timeout=TIMEOUT)
    blocker = sqlite3.connect(database_path(ctx.settings), timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock: our BEGIN waits, then fails
    try:
        with pytest.raises((StoreError, sqlite3.OperationalError)):
            ref.ask(AppendAudit("email_sent"), timeout=30)
    finally:
        blocker.rollback()
        blocker.close()
    ref.ask(AppendAudit("email_sent", thread_id="recovered"), timeout=TIMEOUT)
    assert "recovered" in thread_ids(database_path(ctx.settings))
    ref.stop(block=True, timeout=TIMEOUT)


PRAGMAS = ("journal_mode", "busy_timeout", "cache_size", "synchronous", "wal_autocheckpoint")


def _pragmas(conn: sqlite3.Connection) -> dict[str, Any]:
    return {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in PRAGMAS}


WRITER_SETTINGS = {
    "journal_mode": "wal",
    "busy_timeout": 5000,
    "cache_size": -65536,
    "wal_autocheckpoint": 10000,
}


@pytest.mark.parametrize(("level", "value"), [("NORMAL", 1), ("FULL", 2)])
def test_the_writers_connection_runs_with_the_writer_pragmas_and_the_configured_sync_level(
    ctx, level, value
):
    path = prepare_database(ctx.settings)

    async def pragmas() -> dict[str, Any]:
        db = await connection.open_writer(path, level)
        try:
            return {name: (await db.execute_fetchall(f"PRAGMA {name}"))[0][0] for name in PRAGMAS}
        finally:
            await db.close()

    assert ctx.loop.run(pragmas(), timeout=TIMEOUT) == {**WRITER_SETTINGS, "synchronous": value}


def test_the_fallback_connection_runs_with_the_writer_pragmas_at_sqlites_default_sync_level(ctx):
    conn = connection.open_writer_sync(prepare_database(ctx.settings))
    try:
        assert _pragmas(conn) == {**WRITER_SETTINGS, "synchronous": 2}
    finally:
        conn.close()


def test_a_connection_whose_pragmas_fail_is_closed(ctx, monkeypatch):
    path = prepare_database(ctx.settings)
    opened: list[sqlite3.Connection] = []

    def connect(path: Path) -> sqlite3.Connection:
        opened.append(sqlite3.connect(path, isolation_level=None))
        return opened[-1]

    monkeypatch.setattr(connection, "connect", connect)
    monkeypatch.setattr(connection, "WRITER_PRAGMAS", ("PRAGMA journal_mode=WAL", "PRAGMA ("))
    with pytest.raises(sqlite3.OperationalError):
        connection.open_writer_sync(path)
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        opened[0].execute("SELECT 1")


@pytest.fixture(autouse=True)
def _no_leftover_writers() -> Iterator[None]:
    yield
    for ref in pykka.ActorRegistry.get_by_class(AuditWriter):
        ref.stop(block=True, timeout=TIMEOUT)
