"""The store facade (``ctx[STORE]``): typed writes through the one AuditWriter, per-thread reads,
and the loop's non-blocking write."""

from __future__ import annotations

import asyncio
import threading

import pytest

from dealdesk.store import (
    STORE,
    AppendAudit,
    AuditFilter,
    AuditKind,
    SaveNegotiation,
    StoreError,
    VersionConflict,
)


def negotiation(version=0, state="new"):
    return SaveNegotiation(
        negotiation_id="c1:maya",
        campaign_id="c1",
        influencer_name="Maya",
        state=state,
        expected_version=version,
    )


def test_one_store_per_context_and_writes_answer_their_typed_result(ctx, writer):
    store = ctx[STORE]
    assert ctx[STORE] is store
    assert store.write(negotiation()) == 1
    assert store.commit(negotiation(1, "paused"), AppendAudit(AuditKind.PAUSE)) == (2, None)
    with pytest.raises(VersionConflict):
        store.write(negotiation(1))
    assert store.reader().negotiation("c1:maya").state == "paused"


def test_a_told_write_is_visible_once_a_later_write_committed(ctx, writer):
    store = ctx[STORE]
    assert store.tell(AppendAudit(AuditKind.PAUSE, campaign_id="told"))
    store.write(AppendAudit(AuditKind.RESUME, campaign_id="asked"))  # committed after the tell
    page = store.reader().audit(AuditFilter())
    assert [entry.campaign_id for entry in page.entries] == ["asked", "told"]


def test_each_thread_reads_through_its_own_connection(ctx, writer):
    store = ctx[STORE]
    mine = store.reader()
    assert store.reader() is mine
    theirs = []
    thread = threading.Thread(target=lambda: (theirs.append(store.reader()), store.close_reader()))
    thread.start()
    thread.join(10)
    assert theirs
    assert theirs[0] is not mine  # never shared between live threads
    store.close_reader()  # done: pooled, and the next reader taken is a pooled one
    assert store.reader() in (mine, theirs[0])


def test_without_a_writer_writes_fail_at_once_and_the_loop_is_never_blocked(ctx):
    store = ctx[STORE]
    assert not store.running
    with pytest.raises(StoreError, match="AuditWriter is not running"):
        store.write(AppendAudit(AuditKind.PAUSE))

    async def from_loop():
        future = store.write_from_loop(AppendAudit(AuditKind.PAUSE))
        assert future.done()
        with pytest.raises(StoreError):
            await future

    ctx.loop.run(from_loop(), timeout=5)


def test_a_write_from_the_loop_resolves_once_committed(ctx, writer):
    store = ctx[STORE]

    async def from_loop():
        return await asyncio.wait_for(store.write_from_loop(negotiation()), 10)

    assert ctx.loop.run(from_loop(), timeout=15) == 1
