"""Every typed write, run through the same plan and group-commit code the AuditWriter uses."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from dealdesk.errors import InvalidInput
from dealdesk.store import (
    AddDoNotContact,
    AddReminder,
    AppendAudit,
    CancelReminder,
    CancelReminders,
    CountErrorReport,
    InsertOutbox,
    MarkDeliveryProcessed,
    MarkErrorPosted,
    MarkReminderFired,
    OutboxStatus,
    RecordDelivery,
    SaveNegotiation,
    SetMailCursor,
    StoreError,
    StoreReader,
    UpdateOutbox,
    UpsertCampaign,
    VersionConflict,
)
from dealdesk.store.batch import Directory, commit_plan, run_plan_sync
from dealdesk.store.ops import AUDIT_SEQ_BITS, Plan, Stmt, StoreOp, epoch_ms
from tests.support.store_rig import result

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class Broken(StoreOp[None]):
    def plan(self, now: str) -> Plan[None]:
        yield Stmt("INSERT INTO campaigns (campaign_id, name) VALUES ('x', NULL)")


def test_a_delivery_is_recorded_once_per_idempotency_key_and_can_be_marked_processed(
    apply, db_path
):
    first = result(apply(RecordDelivery("clickup", "k1", "{}")))
    again = result(apply(RecordDelivery("clickup", "k1", '{"retry": 5}')))
    other_source = result(apply(RecordDelivery("slack", "k1", "{}")))
    assert (first.new, again.new, again.delivery_id) == (True, False, first.delivery_id)
    assert other_source.new
    with StoreReader(db_path) as reader:
        assert [d.body for d in reader.unprocessed_deliveries()] == ["{}", "{}"]
    result(apply(MarkDeliveryProcessed(first.delivery_id, "campaign_created")))
    with StoreReader(db_path) as reader:
        assert [d.source for d in reader.unprocessed_deliveries()] == ["slack"]
    with pytest.raises(StoreError, match="no webhook delivery"):
        result(apply(MarkDeliveryProcessed(999)))


def test_saving_a_negotiation_checks_and_bumps_its_version(apply, db_path):
    assert (
        result(apply(SaveNegotiation("n1", "c1", "Jane", "outreach_sent", 0, data={"round": 0})))
        == 1
    )
    assert (
        result(apply(SaveNegotiation("n1", "c1", "Jane", "countered", 1, history=[{"e": 1}]))) == 2
    )
    with pytest.raises(VersionConflict, match="expected at version 1 but is at version 2"):
        result(apply(SaveNegotiation("n1", "c1", "Jane", "stale", 1)))
    with pytest.raises(VersionConflict, match="does not exist"):
        result(apply(SaveNegotiation("n2", "c1", "Ann", "countered", 4)))
    with StoreReader(db_path) as reader:
        saved = reader.negotiation("n1")
    assert saved is not None
    assert (saved.state, saved.version, saved.history) == ("countered", 2, [{"e": 1}])


def test_an_outbox_message_id_is_inserted_once_and_its_status_and_attempts_move(apply, db_path):
    email = InsertOutbox("<a@dealdesk>", "n1", "jane@x.example", "Offer", "Hi Jane")
    assert result(apply(email)).new
    result(apply(UpdateOutbox("<a@dealdesk>", OutboxStatus.FAILED, attempted=True, error="503")))
    again = result(apply(email))
    assert (again.new, again.status, again.attempts) == (False, OutboxStatus.FAILED, 1)
    result(
        apply(UpdateOutbox("<a@dealdesk>", "sent", attempted=True), now="2026-11-22T10:00:00.000Z")
    )
    with StoreReader(db_path) as reader:
        [row] = reader.outbox(negotiation_id="n1")
    assert (row.status, row.attempts, row.sent_at) == ("sent", 2, "2026-11-22T10:00:00.000Z")
    with pytest.raises(StoreError, match="no outbox email"):
        result(apply(UpdateOutbox("<missing@dealdesk>", "sent")))


def test_reminders_are_added_rescheduled_cancelled_fired_and_listed_when_due(apply, db_path):
    result(apply(AddReminder("r1", "n1", "follow_up", T0 + timedelta(days=3))))
    result(apply(AddReminder("r2", "n1", "stale", T0 + timedelta(days=7))))
    result(apply(AddReminder("r3", "n2", "follow_up", T0 + timedelta(days=1), {"round": 2})))
    result(apply(AddReminder("r1", "n1", "follow_up", T0 + timedelta(days=2))))  # rescheduled
    with StoreReader(db_path) as reader:
        due = reader.due_reminders(T0 + timedelta(days=2))
    assert [(r.reminder_id, r.payload) for r in due] == [("r3", {"round": 2}), ("r1", {})]
    assert result(apply(MarkReminderFired("r3")))
    assert not result(apply(MarkReminderFired("r3")))
    assert result(apply(CancelReminders("n1", kind="stale"))) == 1
    assert result(apply(CancelReminder("r1")))
    with StoreReader(db_path) as reader:
        assert reader.due_reminders(T0 + timedelta(days=30)) == []
        assert {r.status for r in reader.reminders("n1")} == {"cancelled"}


def test_errors_are_counted_by_fingerprint_and_marked_posted(apply, db_path):
    error = CountErrorReport("slack:post:timeout", "slack", "post", "timeout", "timed out")
    assert [result(apply(error, now=f"2026-11-22T09:00:0{i}.000Z")) for i in range(3)] == [1, 2, 3]
    result(apply(MarkErrorPosted("slack:post:timeout")))
    with StoreReader(db_path) as reader:
        [row] = reader.errors()
    assert (row.count, row.posted_count, row.first_seen, row.last_seen) == (
        3, 3, "2026-11-22T09:00:00.000Z", "2026-11-22T09:00:02.000Z",
    )  # fmt: skip


def test_the_mail_cursor_is_set_then_advanced(apply, db_path):
    result(apply(SetMailCursor("deals@agency.example", "100")))
    result(apply(SetMailCursor("deals@agency.example", "250")))
    with StoreReader(db_path) as reader:
        assert reader.mail_cursor("deals@agency.example") == "250"
        assert reader.mail_cursor("other@agency.example") is None


def test_do_not_contact_is_added_once_and_matches_any_case(apply, db_path):
    assert result(apply(AddDoNotContact("Jane@X.example", "asked to stop")))
    assert not result(apply(AddDoNotContact("jane@x.example", "again")))
    with StoreReader(db_path) as reader:
        assert reader.is_do_not_contact("JANE@x.EXAMPLE")
        assert not reader.is_do_not_contact("ann@x.example")


def test_a_campaign_upsert_replaces_its_fields_and_keeps_its_creation_time(apply, db_path):
    result(apply(UpsertCampaign("c1", "Winter", "active", {"cpm": "25.00"})))
    result(apply(UpsertCampaign("c1", "Winter launch", "paused"), now="2026-11-23T09:00:00.000Z"))
    with StoreReader(db_path) as reader:
        [campaign] = reader.campaigns()
    assert (campaign.name, campaign.status, campaign.data) == ("Winter launch", "paused", {})
    assert (campaign.created_at, campaign.updated_at) == (
        "2026-11-22T09:00:00.000Z", "2026-11-23T09:00:00.000Z",
    )  # fmt: skip


def test_a_failing_write_among_100_fails_alone_and_the_other_99_commit(apply, conn):
    units = [
        Broken() if i == 50 else AppendAudit("email_sent", thread_id=str(i)) for i in range(100)
    ]
    outcomes = apply(*units)
    assert [i for i, o in enumerate(outcomes) if o.error is not None] == [50]
    assert isinstance(outcomes[50].error, sqlite3.IntegrityError)
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == (99,)


def test_a_transaction_that_fails_part_way_leaves_nothing_behind(apply, conn):
    outcomes = apply(
        AppendAudit("pause", thread_id="alone"),
        (AppendAudit("stop", thread_id="in-tx"), UpsertCampaign("c9", "C", "active"), Broken()),
    )
    assert outcomes[0].error is None
    assert isinstance(outcomes[1].error, sqlite3.IntegrityError)
    assert conn.execute("SELECT thread_id FROM audit_log").fetchall() == [("alone",)]
    assert conn.execute("SELECT count(*) FROM campaigns").fetchone() == (0,)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: AppendAudit("bogus_event"), "unknown audit event type"),
        (lambda: AppendAudit("pause", direction="sideways"), "direction must be sent or received"),
        (lambda: AppendAudit("pause", ts=datetime(2026, 11, 1)), "has no time zone"),  # noqa: DTZ001
        (lambda: AppendAudit("pause", metadata={"x": object}), "cannot be stored as JSON"),
        (
            lambda: SaveNegotiation("", "c", "J", "s", 0),
            "negotiation_id must be a non-empty string",
        ),
        (lambda: SaveNegotiation("n", "c", "J", "s", -1), "expected_version"),
        (lambda: UpdateOutbox("<m>", "lost"), "unknown outbox status"),
        (lambda: AddReminder("r", "n", "k", datetime(2026, 1, 1)), "has no time zone"),  # noqa: DTZ001
        (lambda: RecordDelivery("clickup", "k", "\udcff"), "body is not valid Unicode"),
    ],
)
def test_operations_refuse_bad_values_when_they_are_built(build, message):
    with pytest.raises(InvalidInput, match=message):
        build()


def test_an_audit_entry_keeps_the_time_it_happened_when_given_one(apply, conn):
    happened = datetime(2026, 11, 1, 12, 30, 15, 123456, tzinfo=UTC)
    result(apply(AppendAudit("email_sent", ts=happened)))
    assert conn.execute("SELECT ts FROM audit_log").fetchone() == ("2026-11-01T12:30:15.123Z",)


def test_directory_entries_are_cached_as_known_only_once_they_are_committed(conn):
    directory = Directory()
    entry = AppendAudit("email_sent", influencer_name="Zed", influencer_email="zed@x.example")
    outcomes = run_plan_sync(
        conn, commit_plan([(entry, Broken())], "2026-11-22T09:00:00.000Z", directory)
    )
    assert outcomes[0].error is not None
    assert (directory.pairs, directory.refs) == (set(), {})
    assert conn.execute("SELECT count(*) FROM audit_keys").fetchone() == (0,)
    run_plan_sync(conn, commit_plan([(entry,), (entry,)], "2026-11-22T09:00:01.000Z", directory))
    assert directory.pairs == {("Zed", "zed@x.example")}
    [(ref,)] = conn.execute("SELECT id FROM audit_keys WHERE key = 'zed@x.example'").fetchall()
    assert directory.refs == {"zed@x.example": ref}
    assert conn.execute("SELECT name, email FROM audit_influencers").fetchall() == [
        ("Zed", "zed@x.example")
    ]
    assert conn.execute("SELECT DISTINCT influencer_ref FROM audit_log").fetchall() == [(ref,)]


def test_an_influencer_first_seen_in_a_failed_unit_is_referenced_correctly_by_the_next(conn):
    """The isolation pass rolls back what a failing unit added to the directory; a later unit of
    the same batch with the same influencer creates the reference again, never a dangling one."""
    first = AppendAudit("email_sent", influencer_email="new@x.example", thread_id="lost")
    second = AppendAudit("email_sent", influencer_email="new@x.example", thread_id="kept")
    outcomes = run_plan_sync(
        conn, commit_plan([(first, Broken()), (second,)], "2026-11-22T09:00:00.000Z")
    )
    assert [o.error is None for o in outcomes] == [False, True]
    assert conn.execute(
        "SELECT l.thread_id, k.key FROM audit_log l JOIN audit_keys k ON k.id = l.influencer_ref"
    ).fetchall() == [("kept", "new@x.example")]


def test_audit_ids_follow_time_then_write_order_whatever_the_write_order_of_times(apply, conn):
    t = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    apply(
        AppendAudit("email_sent", thread_id="b", ts=t + timedelta(milliseconds=1)),
        AppendAudit("email_sent", thread_id="a1", ts=t),
        AppendAudit("email_sent", thread_id="now"),  # the batch's time: 09:00:00.000 too
        AppendAudit("email_sent", thread_id="a2", ts=t),
    )
    apply(AppendAudit("email_sent", thread_id="a3", ts=t), now="2026-11-22T08:00:00.000Z")
    rows = conn.execute("SELECT thread_id, id FROM audit_log ORDER BY id").fetchall()
    assert [thread for thread, _ in rows] == ["a1", "now", "a2", "a3", "b"]
    floor = epoch_ms(t) << AUDIT_SEQ_BITS
    assert [i - floor for _, i in rows] == [0, 1, 2, 3, 1 << AUDIT_SEQ_BITS]


def test_an_audit_time_outside_what_an_id_can_hold_is_refused():
    with pytest.raises(InvalidInput, match="outside 1970 to 2248"):
        AppendAudit("pause", ts=datetime(1969, 12, 31, tzinfo=UTC))
    with pytest.raises(InvalidInput, match="outside 1970 to 2248"):
        AppendAudit("pause", ts=datetime(2300, 1, 1, tzinfo=UTC))
