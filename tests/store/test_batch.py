"""``run_plan``: a whole commit plan in one call on aiosqlite's connection thread, with the same
steps and results as ``run_plan_sync`` (failure isolation included)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import aiosqlite

from dealdesk.store.batch import commit_plan, run_plan
from dealdesk.store.clickup_deliveries import RecordDeliveries
from dealdesk.store.ops import AppendAudit, Plan, Stmt, StoreOp
from dealdesk.store.schema import WRITER_PRAGMAS
from tests.store.test_ops import Broken

NOW = "2026-11-22T09:00:00.000Z"


@dataclass(frozen=True)
class WhoseThread(StoreOp[None]):
    """Notes the thread its plan runs on (between two statements)."""

    threads: set[int]

    def plan(self, now: str) -> Plan[None]:
        del now
        yield Stmt("SELECT 1")
        self.threads.add(threading.get_ident())


async def test_a_plan_runs_in_one_call_on_the_connection_thread_with_failures_isolated(db_path):
    db = await aiosqlite.connect(db_path, isolation_level=None)
    try:
        for pragma in WRITER_PRAGMAS:
            await db.execute(pragma)
        threads: set[int] = set()
        units = [
            (RecordDeliveries("clickup", (("a", "{}"), ("b", "{}"))), WhoseThread(threads)),
            (AppendAudit("email_sent", thread_id="kept"), Broken()),
            (AppendAudit("email_sent", thread_id="also kept"),),
        ]
        outcomes = await run_plan(db, commit_plan(units, NOW))
        assert [o.error is None for o in outcomes] == [True, False, True]
        assert [r.new for r in outcomes[0].results[0]] == [True, True]
        # The plan was driven on aiosqlite's thread (one hop), not statement by statement here.
        assert threads == {db._thread.ident}
        rows = await db.execute_fetchall("SELECT thread_id FROM audit_log ORDER BY id")
        assert [tuple(r) for r in rows] == [("also kept",)]
        again = await run_plan(
            db, commit_plan([(RecordDeliveries("clickup", (("b", "{}"),)),)], NOW)
        )
        assert [r.new for r in again[0].results[0]] == [False]
    finally:
        await db.close()
