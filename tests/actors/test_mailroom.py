"""The Mailroom sends every outbox email exactly once, through the real Gmail client against the
sandbox Gmail, whatever Gmail answers: a send that may have happened is settled by reading the
mailbox, never by sending again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dealdesk.actors.mail_messages import EmailFailed, EmailSent
from dealdesk.integrations.gmail import OutgoingEmail, build_message, raw_of
from dealdesk.runtime.actor import DumpState
from dealdesk.sandbox.base import Fault
from dealdesk.store import (
    STORE,
    AddDoNotContact,
    ClaimOutbox,
    EmailPriority,
    InsertOutbox,
    OutboxStatus,
)
from tests.support.mail_rig import MailRig

MAYA = "maya@glowwithmaya.example"


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"gmail_timeout_s": 0.5})


@pytest.fixture
def rig(ctx):
    harness = MailRig(ctx)
    yield harness
    harness.close()


def status_of(rig, mid):
    [row] = rig.outbox(message_id=mid)
    return row


def test_an_outbox_email_leaves_once_with_its_headers_and_its_negotiation_hears(rig):
    rig.start_mailroom()
    [mid] = rig.queue(in_reply_to="<theirs@x>", references=("<first@x>", "<theirs@x>"))
    assert rig.send() == 1
    [stored] = rig.gmail.messages_with_message_id(mid)
    headers = dict(stored.headers)
    assert headers["To"] == MAYA
    assert headers["In-Reply-To"] == "<theirs@x>"
    assert headers["References"] == "<first@x> <theirs@x>"
    row = status_of(rig, mid)
    assert (row.status, row.gmail_id, row.gmail_thread_id) == ("sent", stored.id, stored.thread_id)
    assert rig.send() == 0  # nothing twice
    assert rig.gmail.count_sent(mid) == 1
    [event] = rig.handed()
    assert event == EmailSent(rig.nid(), mid, stored.id, stored.thread_id)
    [(_kind, body)] = rig.rows(
        "SELECT event_type, email_body FROM audit_log WHERE event_type = 'email_sent'"
    )
    assert body == "Hi! We offer $1,000."


@pytest.mark.parametrize(
    "fault",
    [
        Fault(operation="send", status=500, apply_first=True),
        Fault(operation="send", disconnect=True, apply_first=True),
        Fault(operation="send", status=0, delay_s=3.0, apply_first=True),  # past the timeout
    ],
    ids=["500-after-storing", "dropped-after-storing", "timeout-after-storing"],
)
def test_a_send_gmail_may_have_acted_on_is_found_in_the_mailbox_not_sent_again(rig, fault):
    rig.gmail.inject(fault)
    rig.start_mailroom()
    [mid] = rig.queue()
    rig.send()
    assert rig.gmail.count_sent(mid) == 1
    row = status_of(rig, mid)
    assert (row.status, row.attempts) == ("sent", 1)
    assert rig.rows(
        "SELECT json_extract(metadata, '$.confirmed_by') FROM audit_log "
        "WHERE event_type = 'email_sent'"
    ) == [("settled",)]


def test_a_send_that_failed_before_gmail_stored_it_is_sent_once_after_reading_shows_it_absent(
    rig,
):
    rig.gmail.inject(Fault(operation="send", status=500))  # refused before anything was stored
    rig.start_mailroom()
    [mid] = rig.queue()
    rig.send()
    rig.send()
    assert rig.gmail.count_sent(mid) == 1
    row = status_of(rig, mid)
    assert (row.status, row.attempts) == ("sent", 2)


def test_when_the_mailbox_cannot_be_read_an_uncertain_send_is_held_and_the_team_told(rig):
    rig.gmail.inject(Fault(operation="send", status=500, apply_first=True))
    rig.gmail.inject(Fault(operation="messages", status=503, times=10))  # every search fails
    rig.start_mailroom()
    [mid] = rig.queue()
    rig.send()
    rig.send()
    assert status_of(rig, mid).status == OutboxStatus.HELD
    assert rig.gmail.count_sent(mid) == 1  # what Gmail stored, and nothing more
    [alert] = rig.alerts
    assert "held, not resent" in alert
    assert mid in alert


def test_an_email_left_sending_by_a_crash_is_settled_at_start_up_without_a_second_send(rig):
    [mid] = rig.queue()
    rig.ctx[STORE].write(ClaimOutbox(mid))  # claimed: the request was on its way...
    email = OutgoingEmail(
        from_addr="deals@agency.example",
        to=MAYA,
        subject="Collaboration",
        message_id=mid,
        date=datetime.now(UTC),
        text="Hi! We offer $1,000.",
    )
    client = rig.client()
    client.send(raw_of(build_message(email)), None)  # ...Gmail stored it; then kill -9
    client.close()
    rig.start_mailroom()
    assert status_of(rig, mid).status == "sent"
    assert rig.gmail.count_sent(mid) == 1


def _sent_directly(rig, mid, subject):
    """``mid`` claimed, and Gmail stored it; the process died before it recorded the answer."""
    rig.ctx[STORE].write(ClaimOutbox(mid))
    email = OutgoingEmail(
        from_addr="deals@agency.example",
        to=MAYA,
        subject=subject,
        message_id=mid,
        date=datetime.now(UTC),
        text="Hi! We offer $1,000.",
    )
    client = rig.client()
    client.send(raw_of(build_message(email)), None)
    client.close()


@pytest.fixture
def dated_rig(ctx):
    """A rig whose Gmail dates its mail by the test's clock, as the settling search reads it."""
    harness = MailRig(ctx, clock_ms=lambda: int(ctx.clock.now().timestamp() * 1000))
    yield harness
    harness.close()


def test_an_uncertain_send_is_not_settled_by_the_email_before_it_in_its_thread(dated_rig):
    rig = dated_rig
    # Every email of a thread after the first has the recipient and subject of the one before,
    # so Sent always holds a look-alike in the settling window: never a sign this one went.
    rig.start_mailroom()
    [first] = rig.queue(subject="Re: Collaboration")
    rig.send()
    rig.stop_mailroom()
    [second] = rig.queue(subject="Re: Collaboration")
    rig.ctx[STORE].write(ClaimOutbox(second))  # claimed, then kill -9 before the request
    rig.start_mailroom()  # settled at start-up: not in the mailbox, so it goes out now
    rig.send()
    assert rig.gmail.count_sent(second) == 1
    assert status_of(rig, second).status == "sent"
    assert status_of(rig, second).gmail_id != status_of(rig, first).gmail_id


def test_an_uncertain_send_whose_message_id_gmail_rewrote_is_found_in_sent_not_sent_again(
    dated_rig,
):
    rig = dated_rig
    rig.gmail.rewrite_message_ids = True
    rig.start_mailroom()
    [first] = rig.queue(subject="Re: Collaboration")
    rig.send()
    rig.stop_mailroom()
    [second] = rig.queue(subject="Re: Collaboration")
    _sent_directly(rig, second, "Re: Collaboration")
    rig.start_mailroom()
    rig.send()
    assert len(rig.gmail.sent()) == 2  # the two emails, each once
    assert status_of(rig, second).status == "sent"
    assert status_of(rig, second).gmail_id != status_of(rig, first).gmail_id


def test_a_rate_limit_pauses_the_mailbox_and_the_email_waits_in_the_outbox(rig):
    rig.gmail.inject(
        Fault(
            operation="send",
            status=429,
            headers={"Retry-After": "120"},
            body={
                "error": {
                    "code": 429,
                    "message": "Too many",
                    "errors": [{"reason": "rateLimitExceeded", "message": "Too many"}],
                }
            },
        )
    )
    rig.start_mailroom()
    [mid] = rig.queue()
    assert rig.send() == 0
    row = status_of(rig, mid)
    assert (row.status, row.gmail_id) == ("pending", None)
    assert row.not_before is not None
    assert rig.mailroom.ask(DumpState(), timeout=10)["state"] == "paused"
    assert rig.gmail.count_sent(mid) == 0


def test_replies_go_first_and_the_per_minute_cap_holds_the_rest_in_the_outbox(ctx):
    limited = ctx.settings.model_copy(update={"gmail_per_minute": 2})
    ctx.settings = limited
    rig = MailRig(ctx)
    try:
        outreach = rig.queue(3)
        [reply] = rig.queue(priority=EmailPriority.REPLY)
        rig.start_mailroom()
        rig.send()
        sent = {r.message_id for r in rig.outbox(status="sent")}
        assert reply in sent
        assert len(sent) == 2
        assert {r.message_id for r in rig.outbox(status="pending")} == set(outreach) - sent
        dump = rig.mailroom.ask(DumpState(), timeout=10)
        assert (dump["state"], dump["outbox"]["pending"]) == ("per_minute", 2)
        metrics = ctx.metrics.render().decode()
        box = 'mailbox="deals@agency.example"'
        assert f'dealdesk_mail_outbox_waiting{{{box},state="pending"}} 2.0' in metrics
        assert f'dealdesk_mail_blocked{{{box},why="per_minute"}} 1.0' in metrics
        assert f"dealdesk_gmail_quota_units_last_minute{{{box}}}" in metrics
    finally:
        rig.close()


def test_in_dry_run_nothing_leaves_and_every_email_stays_for_review(ctx):
    ctx.settings = ctx.settings.model_copy(update={"gmail_dry_run": True})
    rig = MailRig(ctx)
    try:
        [mid] = rig.queue()
        rig.start_mailroom()
        assert rig.send() == 0
        assert status_of(rig, mid).status == "pending"
        assert rig.gmail.sent() == []
    finally:
        rig.close()


def test_nobody_on_the_do_not_contact_list_is_emailed(rig):
    rig.ctx[STORE].write(AddDoNotContact("@glowwithmaya.example", "the agency asked"))
    rig.start_mailroom()
    [mid] = rig.queue()
    rig.send()
    assert status_of(rig, mid).status == "cancelled"
    assert rig.gmail.sent() == []
    [event] = rig.handed()
    assert isinstance(event, EmailFailed)
    assert event.final


def test_an_email_that_cannot_be_built_fails_alone_and_its_batch_still_goes(rig):
    [first] = rig.queue()
    rig.ctx[STORE].write(
        InsertOutbox(
            "<bad:@x@y>",
            rig.nid(),
            MAYA,
            "S",
            "R",
            campaign_id="86abc",
            mailbox="deals@agency.example",
        )
    )
    [last] = rig.queue()
    rig.start_mailroom()
    rig.send()
    assert {status_of(rig, m).status for m in (first, last)} == {"sent"}
    assert status_of(rig, "<bad:@x@y>").status == "failed"
    failed = [m for m in rig.handed() if isinstance(m, EmailFailed)]
    assert [f.message_id for f in failed] == ["<bad:@x@y>"]


def test_a_held_email_is_read_for_again_at_start_up_and_never_sent_blind(rig):
    rig.gmail.inject(Fault(operation="send", status=500, apply_first=True))
    rig.gmail.inject(Fault(operation="messages", status=503, times=10))
    rig.start_mailroom()
    [mid] = rig.queue()
    rig.send()
    assert status_of(rig, mid).status == OutboxStatus.HELD
    rig.stop_mailroom()
    rig.gmail.clear_faults()  # Gmail can be read again
    rig.start_mailroom()
    assert status_of(rig, mid).status == "sent"
    assert rig.gmail.count_sent(mid) == 1
