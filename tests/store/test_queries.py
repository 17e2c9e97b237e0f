"""Audit queries (filters, order, paging) through the sync and the async reader alike; readers are
read-only and one per thread."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest

from dealdesk.errors import InvalidInput
from dealdesk.store import (
    AppendAudit,
    AsyncStoreReader,
    AuditFilter,
    AuditKind,
    StoreError,
    StoreMissing,
    StoreReader,
    ThreadReaders,
    UpsertCampaign,
)
from dealdesk.store.queries import Query


def nov(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture
def filled(apply, db_path):
    entries = [
        AppendAudit("email_sent", campaign_id="c1", influencer_name="Jane Doe",
                    influencer_email="jane@x.example", ts=nov(1), thread_id="1"),
        AppendAudit("email_received", campaign_id="c1", influencer_name="Jane Doe",
                    influencer_email="Jane@X.example", ts=nov(2), thread_id="2"),
        AppendAudit("email_sent", campaign_id="c2", influencer_name="Jane Doe", ts=nov(3),
                    thread_id="3"),
        AppendAudit("email_sent", campaign_id="c1", influencer_name="Ann Lee",
                    influencer_email="ann@x.example", ts=nov(3), thread_id="4"),
        AppendAudit("agreement", campaign_id="c1", influencer_name="Ann Lee", ts=nov(30, 23),
                    rates={"agreed": "1200.00"}, thread_id="5"),
        AppendAudit("escalation", campaign_id="c1", influencer_name="Ann Lee", ts=nov(30, 23),
                    thread_id="6"),
    ]  # fmt: skip
    apply(*entries)
    return db_path


def ids(page) -> list[int]:
    """Which of the ``filled`` entries (numbered in write order) the page holds, in its order."""
    return [int(entry.thread_id) for entry in page.entries]


def test_entries_come_newest_first_with_the_later_write_first_on_equal_times(filled):
    with StoreReader(filled) as reader:
        page = reader.audit(AuditFilter())
    assert ids(page) == [6, 5, 4, 3, 2, 1]
    assert page.total == 6


def test_an_influencer_is_found_by_name_or_by_email_in_any_case(filled):
    with StoreReader(filled) as reader:
        assert ids(reader.audit(AuditFilter(influencer="jane doe"))) == [3, 2, 1]
        # Entry 3 has no email, but its name was seen with this one.
        assert ids(reader.audit(AuditFilter(influencer="JANE@x.example"))) == [3, 2, 1]
        assert ids(reader.audit(AuditFilter(influencer="ann@x.example"))) == [6, 5, 4]
        assert ids(reader.audit(AuditFilter(influencer="nobody@x.example"))) == []


def test_an_influencer_with_entries_under_name_and_email_is_paged_as_one_trail(apply, db_path):
    apply(*[
        AppendAudit("email_sent", influencer_name="Mo", influencer_email=None if i % 3 else "mo@x.example",
                    thread_id=str(i), ts=nov(1, 0) + timedelta(minutes=i))
        for i in range(30)
    ])  # fmt: skip
    with StoreReader(db_path) as reader:
        everything = reader.audit(AuditFilter(influencer="mo", limit=100))
        page = reader.audit(AuditFilter(influencer="MO@x.example", limit=7, offset=10))
    assert [e.thread_id for e in everything.entries] == [str(i) for i in reversed(range(30))]
    assert (page.total, [e.thread_id for e in page.entries]) == (
        30,
        [str(i) for i in range(19, 12, -1)],
    )


def test_filters_combine_and_the_total_counts_every_match_beyond_the_page(filled):
    with StoreReader(filled) as reader:
        page = reader.audit(AuditFilter(campaign_id="c1", event_type=AuditKind.EMAIL_SENT))
        assert ids(page) == [4, 1]
        page = reader.audit(AuditFilter(campaign_id="c1", limit=2, offset=1))
        assert (ids(page), page.total) == ([5, 4], 5)


def test_a_date_range_includes_its_start_and_excludes_its_end(filled):
    with StoreReader(filled) as reader:
        page = reader.audit(AuditFilter(since=nov(2), until=nov(3)))
        assert ids(page) == [2]
        page = reader.audit(AuditFilter(since=nov(30, 0)))
        assert ids(page) == [6, 5]
        assert page.entries[1].rates == {"agreed": "1200.00"}


def test_a_bad_filter_is_refused_before_any_query():
    with pytest.raises(InvalidInput, match="limit"):
        AuditFilter(limit=0)
    with pytest.raises(InvalidInput, match="before its end"):
        AuditFilter(since=nov(5), until=nov(4))


async def test_the_async_reader_answers_exactly_as_the_sync_one(filled, apply):
    apply(UpsertCampaign("c1", "Winter", "active"))
    audit_filter = AuditFilter(campaign_id="c1", limit=3)
    with StoreReader(filled) as reader:
        expected = (reader.audit(audit_filter), reader.campaigns(), reader.negotiations())
    reader = await AsyncStoreReader.open(filled)
    try:
        got = (
            await reader.audit(audit_filter),
            await reader.campaigns(),
            await reader.negotiations(),
        )
        by_name = await reader.audit(AuditFilter(influencer="Jane Doe"))
        assert (await reader.reminders("n1"), await reader.errors()) == ([], [])
    finally:
        await reader.close()
    assert ids(by_name) == [3, 2, 1]
    assert got == expected


def test_a_reader_cannot_write(filled):
    with StoreReader(filled) as reader, pytest.raises(StoreError, match=r"readonly"):
        reader.run(Query("DELETE FROM audit_log", (), list))
    with StoreReader(filled) as reader:
        assert reader.audit(AuditFilter()).total == 6


def test_reading_a_database_that_does_not_exist_says_so(tmp_path):
    with pytest.raises(StoreMissing, match=r"no dealdesk database at .*nowhere"):
        StoreReader(tmp_path / "nowhere" / "dealdesk.db")


def test_each_thread_gets_its_own_reader_connection_and_a_pool_reuses_them(filled):
    readers = ThreadReaders(filled, keep_idle=1)
    mine = readers.get()
    assert readers.get() is mine
    theirs: list[StoreReader] = []
    totals: list[int] = []

    def other() -> None:
        theirs.append(readers.get())
        totals.append(readers.get().audit(AuditFilter()).total)
        readers.close_current()  # done: back to the pool, not closed

    for _ in range(2):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
    assert theirs[0] is not mine  # never shared between live threads
    assert theirs[1] is theirs[0]  # the next thread took the pooled one
    assert totals == [6, 6]
    readers.close_current()  # mine joins the pool only if there is room: closed
    with pytest.raises(sqlite3.ProgrammingError):
        mine._conn.execute("SELECT 1")
    readers.close_idle()
    with pytest.raises(sqlite3.ProgrammingError):
        theirs[0]._conn.execute("SELECT 1")
