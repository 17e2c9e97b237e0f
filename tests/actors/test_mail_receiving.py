"""The Mailroom receives exactly once: every message the history shows is recorded by its Gmail id
with the cursor's move past it, then handed to its negotiation; our own mail is never a reply."""

from __future__ import annotations

import pytest

from dealdesk.actors.mail_messages import EmailFailed, EmailSent, ReplyArrived
from dealdesk.errors import UpstreamError
from dealdesk.runtime.actor import DumpState
from dealdesk.sandbox.base import Fault
from dealdesk.store import STORE, InboundStatus, inbound_query
from tests.support.mail_rig import BOX, MailRig

MAYA = "maya@glowwithmaya.example"


@pytest.fixture
def rig(ctx):
    harness = MailRig(ctx)
    yield harness
    harness.close()


def received(rig, **where):
    return rig.ctx[STORE].reader().run(inbound_query(**where))


def replies(rig, entry=MAYA):
    return [m for m in rig.handed(entry) if isinstance(m, ReplyArrived)]


def our_email(rig):
    """Send one outreach email; answers the stored message (its Message-ID and thread)."""
    [mid] = rig.queue()
    rig.send()
    [stored] = rig.gmail.messages_with_message_id(mid)
    return mid, stored


def test_the_first_read_is_a_baseline_and_old_mail_is_not_news(rig):
    rig.gmail.inbound(MAYA, "Old thread", "from last year")
    rig.start_mailroom()
    assert rig.poll() == 0
    assert received(rig) == []


def test_a_reply_in_our_thread_reaches_its_negotiation_once_and_our_own_mail_is_not_a_reply(rig):
    rig.start_mailroom()
    mid, ours = our_email(rig)
    gid = rig.gmail.inbound(MAYA, "Re: Collaboration with Lumen", "Could you do $1,400?",
                            in_reply_to=mid, references=mid, thread_id=ours.thread_id)  # fmt: skip
    rig.poll()
    rig.poll()  # nothing twice
    [reply] = received(rig, status=InboundStatus.ROUTED)
    assert (reply.gmail_id, reply.kind, reply.negotiation_id) == (gid, "reply", rig.nid())
    assert "Could you do $1,400?" in reply.body["text"]
    assert ours.id not in {r.gmail_id for r in received(rig)}  # ours: not even read
    assert replies(rig) == [ReplyArrived(rig.nid(), gid, "reply")]
    assert [type(m) for m in rig.handed()] == [EmailSent, ReplyArrived]
    [(direction, body)] = rig.rows(
        "SELECT direction, email_body FROM audit_log WHERE event_type = 'email_received'"
    )
    assert direction == "received"
    assert "$1,400" in body


def test_a_talent_manager_writing_from_another_address_in_the_thread_reaches_the_negotiation(rig):
    rig.start_mailroom()
    mid, ours = our_email(rig)
    text = "Happy to discuss on Maya's behalf: $2,000.\n\nSam Ortiz\nTalent Manager, Bright Talent"
    gid = rig.gmail.inbound("Sam Ortiz <sam@brighttalent.example>", "Re: Collaboration", text,
                            in_reply_to=mid, thread_id=ours.thread_id)  # fmt: skip
    rig.poll()
    [reply] = received(rig, status=InboundStatus.ROUTED)
    assert (reply.gmail_id, reply.from_addr, reply.negotiation_id) == (
        gid, "sam@brighttalent.example", rig.nid(),
    )  # fmt: skip


def test_a_bounce_reaches_the_negotiation_as_a_failed_delivery(rig):
    rig.start_mailroom()
    mid, _ = our_email(rig)
    report = (
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\n"
        f"To: {BOX}\r\nSubject: Delivery Status Notification (Failure)\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nAddress not found.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; googlemail.com\r\n\r\nFinal-Recipient: rfc822; {MAYA}\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\n\r\n"
        f"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {mid}\r\nTo: {MAYA}\r\n"
        "--b--\r\n"
    )
    gid = rig.gmail.inbound(raw=report)
    rig.poll()
    [bounce] = received(rig, status=InboundStatus.ROUTED)
    assert (bounce.gmail_id, bounce.kind, bounce.negotiation_id) == (gid, "bounce", rig.nid())
    [failed] = [m for m in rig.handed() if isinstance(m, EmailFailed)]
    assert (failed.message_id, failed.final) == (mid, True)
    assert failed.reason.startswith("bounced")
    assert replies(rig) == []  # a failed delivery, not something they said


def test_mail_from_nobody_we_wrote_to_is_recorded_audited_and_ignored(rig):
    rig.start_mailroom()
    rig.poll()
    gid = rig.gmail.inbound("stranger@elsewhere.example", "Partnership?", "Hi there")
    rig.poll()
    [row] = received(rig)
    assert (row.gmail_id, row.kind, row.status, row.negotiation_id) == (
        gid, "unknown_thread", "ignored", None,
    )  # fmt: skip
    assert replies(rig) == []
    assert rig.rows("SELECT count(*) FROM audit_log WHERE event_type = 'email_received'") == [(1,)]


def test_a_read_that_fails_midway_records_nothing_and_the_next_read_records_each_once(rig):
    rig.start_mailroom()
    mid, _ = our_email(rig)
    first = rig.gmail.inbound(MAYA, "Re: Collaboration", "one", in_reply_to=mid)
    second = rig.gmail.inbound(MAYA, "Re: Collaboration", "two", in_reply_to=mid)
    # The two are fetched in one batch: both fail twice, then the first fails its last try
    # while the second is fetched: the read fails midway.
    rig.gmail.inject(Fault(operation="messages.get", status=503, times=5))
    with pytest.raises(UpstreamError, match=r"503"):
        rig.poll()
    assert received(rig, status=InboundStatus.ROUTED) == []
    rig.poll()
    assert sorted(r.gmail_id for r in received(rig, status=InboundStatus.ROUTED)) == sorted(
        [first, second]
    )
    assert sorted(m.gmail_id for m in replies(rig)) == sorted([first, second])


def test_a_cursor_too_old_for_gmail_resyncs_and_records_each_message_once(rig):
    rig.start_mailroom()
    mid, _ours = our_email(rig)
    rig.poll()  # the cursor now stands past our email
    gid = rig.gmail.inbound(MAYA, "Re: Collaboration", "Deal at $1,200", in_reply_to=mid)
    rig.gmail.expire_history(rig.gmail.history_id)  # the id we hold is now too old
    rig.poll()
    rig.poll()
    assert [r.gmail_id for r in received(rig, status=InboundStatus.ROUTED)] == [gid]
    assert rig.mailroom.ask(DumpState(), timeout=10)["resyncs"] == 1
