"""The AuditWriter's behaviour: answers after commit, transactions, failure isolation inside a
batch, reports, hostile values, and asks from the I/O loop. Real threads, a real loop, no sleeps."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pykka
import pytest

from dealdesk.actors.audit_writer import AuditWriter, Flush
from dealdesk.errors import InvalidInput
from dealdesk.runtime.actor import BaseActor, DumpState
from dealdesk.runtime.context import RuntimeContext
from dealdesk.runtime.registry import ERROR_REPORTER
from dealdesk.runtime.reports import ErrorReport
from dealdesk.store import (
    AppendAudit,
    AuditFilter,
    RecordDelivery,
    SaveNegotiation,
    StoreError,
    StoreReader,
    Transaction,
    VersionConflict,
    database_path,
)
from dealdesk.store.ops import Plan, Stmt, StoreOp

TIMEOUT = 10


@dataclass(frozen=True)
class BrokenInsert(StoreOp[None]):
    """A write whose statement SQLite refuses (NOT NULL constraint): a failing statement."""

    tag: str

    def plan(self, now: str) -> Plan[None]:
        yield Stmt("INSERT INTO campaigns (campaign_id, name) VALUES (?, NULL)", (self.tag,))


class RecordingReporter(BaseActor):
    kind = "error_reporter"

    def __init__(self, received: list[ErrorReport], arrived: threading.Event) -> None:
        super().__init__(actor_id=ERROR_REPORTER)
        self.received = received
        self.arrived = arrived

    def handle(self, message: Any) -> Any:
        match message:
            case ErrorReport():
                self.received.append(message)
                self.arrived.set()
                return None
            case _:
                return self.unhandled(message)


@dataclass(frozen=True, eq=False)
class Gate(StoreOp[None]):
    """A write that holds the writer on its own thread until released: what is sent meanwhile
    queues up behind it."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def plan(self, now: str) -> Plan[None]:
        self.entered.set()
        self.release.wait(TIMEOUT)
        yield from ()


@contextmanager
def writer_held(ref: pykka.ActorRef[Any]) -> Iterator[None]:
    """Hold the writer (busy with a Gate) until the block exits."""
    gate = Gate()
    ref.tell(gate)
    assert gate.entered.wait(TIMEOUT)
    try:
        yield
    finally:
        gate.release.set()


@pytest.fixture
def writer(ctx: RuntimeContext) -> Iterator[pykka.ActorRef[Any]]:
    ref = AuditWriter.start(ctx)
    yield ref
    ref.stop(block=True, timeout=TIMEOUT)  # before the loop fixture stops the loop


def read(ctx: RuntimeContext, **where: Any) -> list[Any]:
    with StoreReader(database_path(ctx.settings)) as reader:
        return reader.audit(AuditFilter(limit=10_000, **where)).entries


def test_an_asked_write_is_readable_as_soon_as_its_answer_arrives(ctx, writer):
    writer.ask(AppendAudit("email_sent", campaign_id="c1", email_body="hi"), timeout=TIMEOUT)
    [entry] = read(ctx)
    assert (entry.event_type, entry.campaign_id, entry.email_body) == ("email_sent", "c1", "hi")


def test_told_entries_are_committed_by_the_time_a_later_flush_answers(ctx, writer):
    for i in range(250):
        writer.tell(AppendAudit("email_received", thread_id=f"t{i}"))
    writer.ask(Flush(), timeout=TIMEOUT)
    assert len(read(ctx)) == 250


def test_entries_carry_the_injected_clock_as_utc_with_milliseconds(ctx, writer, clock):
    clock.advance(0.25)
    writer.ask(AppendAudit("pause"), timeout=TIMEOUT)
    [entry] = read(ctx)
    assert entry.ts == "2026-11-22T09:00:00.250Z"


def test_a_transaction_commits_all_of_its_operations_or_none(ctx, writer):
    create = SaveNegotiation("n1", "c1", "Jane Doe", "outreach_sent", expected_version=0)
    audit = AppendAudit("state_transition", campaign_id="c1", state_to="outreach_sent")
    assert writer.ask(Transaction((create, audit)), timeout=TIMEOUT) == (1, None)
    stale = SaveNegotiation("n1", "c1", "Jane Doe", "countered", expected_version=0)
    with pytest.raises(VersionConflict, match="is at version 1"):
        writer.ask(Transaction((AppendAudit("state_transition"), stale)), timeout=TIMEOUT)
    assert len(read(ctx)) == 1  # the audit entry of the failed transaction was not kept
    with StoreReader(database_path(ctx.settings)) as reader:
        negotiation = reader.negotiation("n1")
    assert negotiation is not None
    assert (negotiation.state, negotiation.version) == ("outreach_sent", 1)


def test_a_failing_write_in_a_batch_of_100_fails_only_that_write(ctx, io_loop):
    settings = ctx.settings.model_copy(update={"audit_batch_ms": 5_000.0})
    ctx = RuntimeContext(settings=settings, loop=io_loop, clock=ctx.clock)
    received: list[ErrorReport] = []
    arrived = threading.Event()
    ctx.registry.register(ERROR_REPORTER, RecordingReporter.start(received, arrived))
    ref = AuditWriter.start(ctx)
    with writer_held(ref):  # the 100 queue up behind the gate, then commit as one batch
        futures = [
            ref.ask(
                BrokenInsert("bad") if i == 37 else AppendAudit("email_sent", thread_id=f"t{i}"),
                block=False,
            )
            for i in range(100)
        ]
    results = []
    for future in futures:
        try:
            results.append(future.get(timeout=TIMEOUT))
        except sqlite3.IntegrityError as exc:
            results.append(exc)
    assert [i for i, r in enumerate(results) if r is not None] == [37]
    assert "NOT NULL" in str(results[37])
    assert len(read(ctx)) == 99
    dump = ref.ask(DumpState(), timeout=TIMEOUT)
    assert (dump["batches"], dump["last_batch"], dump["failed"]) == (2, 100, 1)  # gate, then 100
    assert arrived.wait(TIMEOUT)
    assert received[0].service == "store"
    assert received[0].kind == "IntegrityError"
    ref.stop(block=True, timeout=TIMEOUT)


def test_a_told_write_that_fails_is_reported_and_the_writer_lives_on(ctx, writer):
    received: list[ErrorReport] = []
    arrived = threading.Event()
    ctx.registry.register(ERROR_REPORTER, RecordingReporter.start(received, arrived))
    writer.tell(BrokenInsert("bad"))
    assert arrived.wait(TIMEOUT)
    assert "BrokenInsert" in received[0].operation
    writer.ask(AppendAudit("resume"), timeout=TIMEOUT)
    assert writer.is_alive()
    assert [e.event_type for e in read(ctx)] == ["resume"]


def test_a_version_conflict_fails_that_caller_only_and_is_not_reported(ctx, writer):
    received: list[ErrorReport] = []
    ctx.registry.register(ERROR_REPORTER, RecordingReporter.start(received, threading.Event()))
    assert writer.ask(SaveNegotiation("n1", "c1", "Jane", "a", 0), timeout=TIMEOUT) == 1
    first = writer.ask(SaveNegotiation("n1", "c1", "Jane", "b", 1), block=False)
    second = writer.ask(SaveNegotiation("n1", "c1", "Jane", "c", 1), block=False)
    assert first.get(timeout=TIMEOUT) == 2
    with pytest.raises(VersionConflict) as conflict:
        second.get(timeout=TIMEOUT)
    assert (conflict.value.expected, conflict.value.actual, conflict.value.status_hint) == (
        1,
        2,
        409,
    )
    writer.ask(Flush(), timeout=TIMEOUT)
    assert received == []


HOSTILE = [
    'O\'Brien "quoted" `back`',
    "'); DROP TABLE audit_log; --",
    "nul\x00inside\x00",
    "emoji 🎉👩🏽‍💻 and RTL שלום",
    "x" * 1_048_576,
    "[bold red]not markup[/bold red] %s {} \\N",
]


@pytest.mark.parametrize("value", HOSTILE, ids=["quotes", "sql", "nul", "emoji", "1mb", "markup"])
def test_hostile_values_are_stored_and_read_back_exactly(ctx, writer, value):
    entry = AppendAudit(
        "email_received",
        influencer_name=value,
        email_body=value,
        metadata={value[:100]: value},
    )
    writer.ask(entry, timeout=TIMEOUT)
    [stored] = read(ctx, influencer=value)
    assert stored.influencer_name == value
    assert stored.email_body == value
    assert stored.metadata == {value[:100]: value}
    assert len(read(ctx)) == 1  # the table is still there


def test_invalid_unicode_is_refused_with_a_clear_error_before_it_reaches_the_writer(ctx, writer):
    with pytest.raises(InvalidInput, match=r"email_body is not valid Unicode .*position 3"):
        AppendAudit("email_received", email_body="abc\udc80def")
    with pytest.raises(InvalidInput, match="metadata"):
        AppendAudit("email_received", metadata={"k": "\ud800"})
    with pytest.raises(InvalidInput, match="metadata cannot be stored as JSON"):
        AppendAudit("email_received", metadata={"nan": float("nan")})
    writer.ask(AppendAudit("email_received", email_body="fine"), timeout=TIMEOUT)
    assert [e.email_body for e in read(ctx)] == ["fine"]


def test_a_write_asked_from_the_io_loop_is_answered_on_the_loop_after_commit(ctx, io_loop, writer):
    delivery = RecordDelivery("clickup", "evt-1", '{"event":"taskCreated"}')
    first = io_loop.run(io_loop.ask_actor(writer, delivery, TIMEOUT), TIMEOUT)
    again = io_loop.run(io_loop.ask_actor(writer, delivery, TIMEOUT), TIMEOUT)
    assert (first.new, again.new, again.delivery_id) == (True, False, first.delivery_id)
    with StoreReader(database_path(ctx.settings)) as reader:
        assert [d.idempotency_key for d in reader.unprocessed_deliveries()] == ["evt-1"]


def test_a_failing_write_asked_from_the_io_loop_raises_on_the_loop(io_loop, writer):
    with pytest.raises(sqlite3.IntegrityError):
        io_loop.run(io_loop.ask_actor(writer, BrokenInsert("x"), TIMEOUT), TIMEOUT)
    with pytest.raises(StoreError):
        io_loop.run(
            io_loop.ask_actor(writer, SaveNegotiation("n", "c", "J", "s", 3), TIMEOUT), TIMEOUT
        )
