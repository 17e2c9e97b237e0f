"""Start-up and migrations: the database is created and migrated once, a newer one is refused,
a failed migration changes nothing, and the audit indexes (or the table's own time order) serve
the queries without a sort."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from dealdesk.actors.audit_writer import AuditWriter
from dealdesk.runtime.actor import ChildFailed
from dealdesk.store import (
    SCHEMA_VERSION,
    AuditFilter,
    AuditKind,
    SchemaTooNew,
    StoreError,
    StoreReader,
    database_path,
    schema,
)
from dealdesk.store.queries import audit_count_query, audit_entries_query
from dealdesk.store.schema import prepare_database


def version(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_start_up_creates_the_data_dir_and_database_in_wal_mode_at_the_current_version(
    settings, tmp_path
):
    settings = settings.model_copy(update={"data_dir": tmp_path / "new" / "dir"})
    path = prepare_database(settings)
    assert path == database_path(settings) == tmp_path / "new" / "dir" / "dealdesk.db"
    assert version(path) == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    finally:
        conn.close()
    assert {
        "audit_log", "campaigns", "negotiations", "webhook_deliveries", "outbox", "reminders",
        "errors", "mail_cursor", "do_not_contact",
    } <= tables  # fmt: skip


def test_start_up_on_a_current_database_changes_nothing(settings):
    path = prepare_database(settings)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO mail_cursor VALUES ('m', '1', 'now')")
    conn.commit()
    conn.close()
    prepare_database(settings)
    with StoreReader(path) as reader:
        assert reader.mail_cursor("m") == "1"


def test_a_database_newer_than_the_code_refuses_to_start_saying_so(settings):
    path = prepare_database(settings)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    message = f"schema version {SCHEMA_VERSION + 1}.*newer dealdesk.*refusing to start"
    with pytest.raises(SchemaTooNew, match=message):
        prepare_database(settings)
    with pytest.raises(SchemaTooNew):
        StoreReader(path)
    assert version(path) == SCHEMA_VERSION + 1


def test_the_audit_writer_does_not_start_on_a_database_newer_than_the_code(ctx):
    path = prepare_database(ctx.settings)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    conn.close()
    failures: list[ChildFailed] = []

    class Parent:
        def tell(self, message: ChildFailed) -> None:
            failures.append(message)

    ref = AuditWriter.start(ctx, parent=Parent())  # type: ignore[arg-type]
    ref.actor_stopped.wait(10)
    assert "SchemaTooNew" in failures[0].error


def test_a_database_from_a_pre_release_build_of_version_1_is_refused_in_one_line(settings):
    path = database_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, ts TEXT, influencer_key TEXT);"
        "PRAGMA user_version = 1;"
    )
    conn.close()
    with pytest.raises(StoreError, match=r"pre-release dealdesk .*move it aside"):
        prepare_database(settings)


def test_a_failing_migration_leaves_the_database_at_its_previous_version(settings, monkeypatch):
    path = prepare_database(settings)
    broken = "CREATE TABLE half_done (x INTEGER);\nCREATE TABLE audit_log (x INTEGER);\n"
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(Exception, match="already exists"):
        prepare_database(settings)
    assert version(path) == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    try:
        assert (
            conn.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchall() == []
        )
    finally:
        conn.close()


NOV_1 = datetime(2026, 11, 1, tzinfo=UTC)
PLANS = {
    "influencer": (AuditFilter(influencer="Jane Doe"), 1, "INDEX audit_by_influencer (influencer_ref=?)"),
    "influencer-since": (AuditFilter(influencer="Jane Doe", since=NOV_1), 1,
                         "INDEX audit_by_influencer (influencer_ref=? AND rowid>?)"),
    "influencer-campaign": (AuditFilter(influencer="jane@x.example", campaign_id="c1"), 1,
                            "INDEX audit_by_influencer (influencer_ref=?)"),
    "campaign": (AuditFilter(campaign_id="c1"), None, "INDEX audit_by_campaign (campaign_id=?)"),
    "campaign-until": (AuditFilter(campaign_id="c1", until=NOV_1), None,
                       "INDEX audit_by_campaign (campaign_id=? AND rowid<?)"),
    "event-type": (AuditFilter(event_type=AuditKind.EMAIL_SENT), None,
                   "INDEX audit_by_event_type (event_type=?)"),
    "since": (AuditFilter(since=NOV_1), None, "USING INTEGER PRIMARY KEY (rowid>?)"),
    "all": (AuditFilter(), None, "SCAN audit_log"),
}  # fmt: skip


@pytest.mark.parametrize(("audit_filter", "ref", "served_by"), PLANS.values(), ids=PLANS.keys())
def test_the_newest_entries_for_any_filter_are_read_in_index_or_table_order_without_sorting(
    settings, audit_filter, ref, served_by
):
    path = prepare_database(settings)
    query = audit_entries_query(audit_filter, ref)
    conn = sqlite3.connect(path)
    try:
        plan = " | ".join(
            row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {query.sql}", query.params)
        )
    finally:
        conn.close()
    assert served_by in plan
    assert "TEMP B-TREE" not in plan


def test_an_audit_count_reads_only_its_index(settings):
    path = prepare_database(settings)
    query = audit_count_query(
        AuditFilter(influencer="Jane Doe", since=datetime(2026, 11, 1, tzinfo=UTC)), 1
    )
    conn = sqlite3.connect(path)
    try:
        [row] = conn.execute(f"EXPLAIN QUERY PLAN {query.sql}", query.params).fetchall()
    finally:
        conn.close()
    assert "USING COVERING INDEX audit_by_influencer" in row[3]
