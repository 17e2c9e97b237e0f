"""Kill -9, then restart: mail stays exactly once.

The sandbox Gmail runs in this test process; a child process (``tests.support.mail_child``) runs
the AuditWriter, the campaign with a stand-in per negotiation, and the Mailroom on the real Gmail
client against it. The first child is killed with SIGKILL at a chosen point (a fault holds the
Gmail call it is in: the kill never races the code), a second child starts on the same data
directory, and the test reads the mailbox (the fake's record) and the database.
"""

from __future__ import annotations

import sqlite3

import pytest

from dealdesk.sandbox.base import Fault
from dealdesk.sandbox.gmail import FakeGmail
from dealdesk.store import StoreReader, database_path, inbound_query
from tests.support.mail_child import BOX, CAMPAIGN, handed, start_mail_child

MAYA, JORDAN = "maya@glowwithmaya.example", "jordan.lee@creatormail.example"
HANG_S = 60.0  # a held Gmail answer: far longer than any test waits (the fake ends it on stop)


def nid(entry: str) -> str:
    return f"{CAMPAIGN}:{entry}"


@pytest.fixture
def gmail(io_loop):
    fake = FakeGmail(cast=False, address=BOX)
    io_loop.run(fake.start(), timeout=5)
    yield fake
    io_loop.run(fake.stop(), timeout=10)


@pytest.fixture
def children(data_dir, gmail, tmp_path):
    started = []

    def start(timeout_s: float = 30.0):
        child = start_mail_child(data_dir, gmail.base_url, timeout_s, tmp_path / "child.log")
        started.append(child)
        return child

    yield start
    for child in started:
        child.close()


def read(settings, query=None, **outbox):
    with StoreReader(database_path(settings)) as reader:
        return reader.run(query) if query is not None else reader.outbox(**outbox)


SEND_CRASHES = {
    # Gmail stored the email; its answer never comes; the kill lands while the request is open
    # (the outbox says "sending").
    "hang-after-storing": (
        30.0, "sending", [Fault(operation="send", status=0, delay_s=HANG_S, apply_first=True)],
    ),
    # Gmail stored the email and answered 500: "in doubt"; the kill lands while the Mailroom
    # reads the mailbox to settle it.
    "500-after-storing": (
        30.0,
        "in_doubt",
        [Fault(operation="send", status=500, apply_first=True),
         Fault(operation="messages", status=0, delay_s=HANG_S, times=100)],
    ),
    # Gmail stored the email but answered after the client gave up: "in doubt"; the kill lands
    # while the Mailroom reads the mailbox to settle it.
    "timeout-after-storing": (
        1.0,
        "in_doubt",
        [Fault(operation="send", status=0, delay_s=HANG_S, apply_first=True),
         Fault(operation="messages", status=0, delay_s=HANG_S, times=100)],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(SEND_CRASHES), ids=list(SEND_CRASHES))
def test_kill_9_between_a_send_and_its_record_then_restart_leaves_the_email_once(
    gmail, children, settings, case
):
    timeout_s, left, faults = SEND_CRASHES[case]
    mid = "<dealdesk.86abc-maya.1@dealdesk.invalid>"
    first = children(timeout_s)
    for command in (f"campaign {MAYA}", "start", f"queue {MAYA} {mid}"):
        first.write(command)
        assert first.line() == "ok"
    for fault in faults:
        gmail.inject(fault)
    first.write("send")
    assert gmail.wait_until(lambda: gmail.count_sent(mid) == 1)  # Gmail has it
    if len(faults) > 1:  # and the Mailroom is reading the mailbox about it
        assert gmail.wait_until(lambda: gmail.calls("messages") != [])
    first.kill_9()
    [row] = read(settings, message_id=mid)
    assert row.status == left  # recorded as maybe sent, never as sent
    gmail.clear_faults()

    second = children()
    second.write("start")  # start-up settles what may have been sent, by reading
    assert second.line() == "ok"
    second.write("send")
    assert second.line() == "ok 0"  # and nothing is sent again
    assert gmail.count_sent(mid) == 1
    [row] = read(settings, message_id=mid)
    [stored] = gmail.messages_with_message_id(mid)
    assert (row.status, row.gmail_id, row.gmail_thread_id) == ("sent", stored.id, stored.thread_id)
    assert [(event, who) for event, who, _ in handed(settings.data_dir)] == [
        ("EmailSent", nid(MAYA))
    ]


def test_kill_9_while_replies_arrive_then_restart_every_reply_reaches_its_negotiation_once(
    gmail, children, settings
):
    ours = {MAYA: "<dealdesk.86abc-maya.1@dealdesk.invalid>",
            JORDAN: "<dealdesk.86abc-jordan.1@dealdesk.invalid>"}  # fmt: skip
    first = children()
    for command in (f"campaign {MAYA},{JORDAN}", "start",
                    *(f"queue {who} {mid}" for who, mid in ours.items())):  # fmt: skip
        first.write(command)
        assert first.line() == "ok"
    first.write("send")
    assert first.line() == "ok 2"
    threads = {who: gmail.messages_with_message_id(mid)[0].thread_id for who, mid in ours.items()}
    expected: dict[str, str] = {}  # Gmail id -> the negotiation it belongs to

    def reply(who: str, text: str, sender: str | None = None) -> None:
        gid = gmail.inbound(sender or who, "Re: Collaboration", text, in_reply_to=ours[who],
                            references=ours[who], thread_id=threads[who])  # fmt: skip
        expected[gid] = nid(who)

    reply(MAYA, "Could you do $1,800?")
    reply(JORDAN, "My rate is $2,800.")
    first.write("poll")
    assert first.line() == "ok 2"

    reply(MAYA, "Actually, $1,600 works.")
    reply(JORDAN, "Let me check with my manager.")
    reply(MAYA, "Maya can do $1,500.", sender="Sam Ortiz <sam@brighttalent.example>")
    fetched = len(gmail.calls("messages.get"))
    # The next read fetches one message, then Gmail holds the second: the kill lands mid-batch.
    gmail.inject(Fault(operation="messages.get", status=0))
    gmail.inject(Fault(operation="messages.get", status=0, delay_s=HANG_S, apply_first=True))
    first.write("poll")
    assert gmail.wait_until(lambda: len(gmail.calls("messages.get")) >= fetched + 2)
    first.kill_9()
    gmail.clear_faults()
    recorded = read(settings, inbound_query())
    assert len(recorded) == 2  # the batch being read when it died: none of it recorded
    reply(JORDAN, "Jordan here again: $2,500 is my final number.")  # arrives while it is down

    second = children()
    second.write("start")  # reads the mailbox at start, from the cursor the first one committed
    assert second.line() == "ok"
    second.write("poll")
    assert second.line() == "ok 0"

    rows = read(settings, inbound_query())
    assert sorted(r.gmail_id for r in rows) == sorted(expected)  # each once, none lost
    assert {r.gmail_id: r.negotiation_id for r in rows} == expected
    assert {(r.kind, r.status) for r in rows} == {("reply", "routed")}
    audited = read_audit(settings)
    assert sorted(audited) == sorted(expected)  # one audit entry each: processed once
    news = [(who, gid) for event, who, gid in handed(settings.data_dir) if event == "ReplyArrived"]
    assert sorted(news) == sorted((who, gid) for gid, who in expected.items())


def read_audit(settings) -> list[str]:
    conn = sqlite3.connect(f"file:{database_path(settings)}?mode=ro", uri=True)
    try:
        return [
            gid
            for (gid,) in conn.execute(
                "SELECT json_extract(metadata, '$.gmail_id') FROM audit_log "
                "WHERE event_type = 'email_received'"
            )
        ]
    finally:
        conn.close()
