"""The mail tables: the outbox's states and order, received mail recorded once, routing reads,
the do-not-contact list by address and by domain, and the migration that brought them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from dealdesk.store import (
    AddDoNotContact,
    ClaimOutbox,
    EmailPriority,
    InboundKind,
    InboundStatus,
    InsertOutbox,
    MarkInboundDelivered,
    OutboxStatus,
    RecordInbound,
    RemoveDoNotContact,
    SetMailCursor,
    StoreError,
    StoreReader,
    UpdateOutbox,
    do_not_contact_list_query,
    inbound_known_query,
    inbound_query,
    negotiation_by_address_query,
    outbox_route_query,
    sendable_query,
    sent_since_query,
)
from dealdesk.store.schema import MIGRATIONS, migrate
from tests.support.store_rig import result

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
BOX = "deals@agency.example"


def email(mid, priority=EmailPriority.OUTREACH, negotiation="n1", **fields):
    return InsertOutbox(
        mid, negotiation, "jane@x.example", "Offer", "Hi", mailbox=BOX, priority=priority, **fields
    )


def test_replies_go_before_follow_ups_before_outreach_and_a_deferred_email_waits(apply, db_path):
    apply(email("<o1>"), now="2026-11-22T09:00:00.000Z")
    apply(email("<f1>", EmailPriority.FOLLOW_UP), now="2026-11-22T09:00:01.000Z")
    apply(email("<r1>", EmailPriority.REPLY), now="2026-11-22T09:00:02.000Z")
    apply(email("<o2>"), now="2026-11-22T09:00:03.000Z")
    result(apply(UpdateOutbox("<o1>", "pending", not_before=T0 + timedelta(minutes=5))))
    with StoreReader(db_path) as reader:
        now = [r.message_id for r in reader.run(sendable_query(BOX, T0, 10))]
        later = [r.message_id for r in reader.run(sendable_query(BOX, T0 + timedelta(hours=1), 10))]
        assert reader.run(sendable_query("other@agency.example", T0, 10)) == []
    assert now == ["<r1>", "<f1>", "<o2>"]
    assert later == ["<r1>", "<f1>", "<o1>", "<o2>"]


def test_an_email_is_claimed_once_and_moves_only_from_the_states_its_owner_expects(apply, db_path):
    result(apply(email("<a>", in_reply_to="<x>", references=("<w>", "<x>"), thread_id="t9")))
    assert result(apply(ClaimOutbox("<a>")))
    assert not result(apply(ClaimOutbox("<a>")))  # a second claim never sends it twice
    with pytest.raises(StoreError, match="in state pending"):
        result(apply(UpdateOutbox("<a>", "sent", expect=(OutboxStatus.PENDING,))))
    result(apply(UpdateOutbox("<a>", OutboxStatus.IN_DOUBT, expect=(OutboxStatus.SENDING,))))
    result(
        apply(
            UpdateOutbox("<a>", "sent", gmail_id="g1", gmail_thread_id="gt1",
                         expect=(OutboxStatus.IN_DOUBT,)),
            now="2026-11-22T09:30:00.000Z",
        )
    )  # fmt: skip
    with StoreReader(db_path) as reader:
        [row] = reader.outbox(message_id="<a>")
        sent = reader.run(sent_since_query(BOX, T0))
    assert (row.status, row.attempts, row.gmail_id, row.gmail_thread_id) == ("sent", 1, "g1", "gt1")
    assert (row.in_reply_to, row.references, row.thread_id) == ("<x>", ("<w>", "<x>"), "t9")
    assert sent == ["2026-11-22T09:30:00.000Z"]


def test_a_reply_is_routed_by_gmail_thread_then_by_the_message_ids_it_names_then_by_sender(
    apply, db_path
):
    apply(email("<to-n1>", negotiation="n1"))
    apply(email("<to-n2>", negotiation="n2"))
    result(apply(UpdateOutbox("<to-n1>", "sent", gmail_id="g1", gmail_thread_id="thread-1")))
    with StoreReader(db_path) as reader:
        assert reader.run(outbox_route_query("thread-1", ())) == "n1"
        assert reader.run(outbox_route_query("unknown", ("<to-n2>",))) == "n2"
        assert reader.run(outbox_route_query(None, ("<nobody>",))) is None
        assert reader.run(negotiation_by_address_query("JANE@x.example")) == "n2"


def test_received_mail_is_recorded_once_with_the_cursor_and_stays_routed_until_taken(
    apply, db_path
):
    reply = RecordInbound("g7", BOX, T0, InboundKind.REPLY, "<m7>", "t1", "jane@x.example",
                          "Re: Offer", "n1", {"text": "ok"})  # fmt: skip
    ours = RecordInbound("g8", BOX, T0, InboundKind.OURS, negotiation_id="n1")
    [outcome] = apply((reply, ours, SetMailCursor(BOX, "501")))
    assert outcome.results == (True, True, None)
    assert result(apply(reply)) is False
    with StoreReader(db_path) as reader:
        assert reader.mail_cursor(BOX) == "501"
        assert reader.run(inbound_known_query(("g7", "g8", "g9"))) == {"g7", "g8"}
        [waiting] = reader.run(inbound_query(negotiation_id="n1", status=InboundStatus.ROUTED))
    assert (waiting.gmail_id, waiting.body, waiting.kind) == ("g7", {"text": "ok"}, "reply")
    assert result(apply(MarkInboundDelivered("g7")))
    assert not result(apply(MarkInboundDelivered("g7")))


def test_do_not_contact_holds_addresses_and_whole_domains(apply, db_path):
    result(apply(AddDoNotContact("@spam.example", "the whole agency asked", source="config")))
    result(apply(AddDoNotContact("jane@x.example", "remove me", source="reply")))
    with StoreReader(db_path) as reader:
        assert reader.is_do_not_contact("anyone@spam.example")
        assert reader.is_do_not_contact("jane@x.example")
        assert not reader.is_do_not_contact("ann@x.example")
        listed = [r.email for r in reader.run(do_not_contact_list_query())]
    assert listed == ["@spam.example", "jane@x.example"]
    assert result(apply(RemoveDoNotContact("jane@x.example")))
    assert not result(apply(RemoveDoNotContact("jane@x.example")))


def test_the_migration_keeps_every_outbox_email_of_version_1(tmp_path):
    conn = sqlite3.connect(tmp_path / "v1.db", isolation_level=None)
    migrate_to(conn, 1)
    conn.execute(
        "INSERT INTO outbox (message_id, negotiation_id, recipient, subject, rendered, status, "
        "attempts, created_at, updated_at) VALUES ('<old>', 'n1', 'a@x.example', 'S', 'R', "
        "'pending', 0, 't', 't')"
    )
    migrate(conn, str(tmp_path / "v1.db"))
    row = conn.execute("SELECT message_id, status, mailbox, priority, refs FROM outbox").fetchone()
    assert row == ("<old>", "pending", "", 2, "")


def migrate_to(conn, version):
    from dealdesk.store import schema

    for script in MIGRATIONS[:version]:
        for statement in schema._statements(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
