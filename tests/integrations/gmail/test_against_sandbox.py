"""The Gmail client end to end against the sandbox Gmail: what it sends is what the fake stores
and reads back; a dropped send is stored once and found by its Message-ID; a stale cursor is
HistoryTooOld; the sending limit pauses the mailbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from dealdesk.errors import UpstreamError
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.integrations.gmail import (
    GmailClient,
    HistoryTooOld,
    OutgoingEmail,
    SendInDoubt,
    SendRefused,
    build_gmail,
    build_message,
    is_ours,
    parse_message,
    raw_of,
)
from dealdesk.runtime.loop import IoLoop
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.gmail import FakeGmail, backend_error, dropped, user_rate_limited

BOX = "deals@agency.example"


@pytest.fixture
def fake(io_loop: IoLoop) -> Iterator[FakeGmail]:
    server = FakeGmail(address=BOX, cast=False)
    io_loop.run(server.start(), timeout=5)
    yield server
    io_loop.run(server.stop(), timeout=5)


@pytest.fixture
def reports() -> list:
    return []


@pytest.fixture
def gmail(fake: FakeGmail, reports: list) -> Iterator[GmailClient]:
    endpoint = Endpoint(Service.GMAIL, fake.base_url, SecretStr(fake.token), sandboxed=True)
    client = GmailClient(
        build_gmail(endpoint, None, timeout_s=10),
        policy=RetryPolicy.without_waiting(),
        report=reports.append,
    )
    yield client
    client.close()


def offer(message_id: str = "<dd.0001@agency.example>") -> str:
    email = OutgoingEmail(
        from_addr=BOX,
        to="Maya <maya@creator.example>",
        subject="Collaboration with Lumen",
        message_id=message_id,
        date=datetime.now(UTC),
        text="Hi Maya,\n\nWe'd love to offer $1,200 for one reel.\n\nDeals Team",
        from_name="Deals Team",
    )
    return raw_of(build_message(email))


def test_a_sent_offer_is_stored_as_written_and_read_back_as_ours(fake, gmail):
    sent = gmail.send(offer(), None)
    stored = fake.message(sent.id)
    assert "SENT" in stored.label_ids
    assert dict(stored.headers)["Message-ID"] == "<dd.0001@agency.example>"
    assert gmail.find_by_message_id("<dd.0001@agency.example>") == [sent.id]
    email = parse_message(gmail.get(sent.id))
    assert email.text.startswith("Hi Maya,")
    assert is_ours(email, BOX, {"<dd.0001@agency.example>"})


def test_a_reply_arrives_through_history_and_reads_as_the_influencers_words(fake, gmail):
    sent = gmail.send(offer(), None)
    cursor = str(gmail.profile()["historyId"])
    fake.inbound(
        "Maya <Maya@Creator.example>",
        "Re: Collaboration with Lumen",
        "I'd do it for $1,500.\n\nOn Mon, Deals Team <deals@agency.example> wrote:\n> $1,200",
        in_reply_to="<dd.0001@agency.example>",
        references="<dd.0001@agency.example>",
    )
    page = gmail.history(cursor)
    ((gmail_id, thread_id),) = page.added
    assert thread_id == sent.thread_id
    email = parse_message(gmail.get(gmail_id))
    assert (email.from_addr, email.text) == ("maya@creator.example", "I'd do it for $1,500.")
    assert email.in_reply_to == "<dd.0001@agency.example>"
    assert not is_ours(email, BOX, {"<dd.0001@agency.example>"})
    assert int(page.history_id) >= int(cursor)


def test_a_send_whose_answer_is_dropped_is_in_doubt_stored_once_and_found(fake, gmail, reports):
    fake.inject(dropped("send", apply_first=True))
    with pytest.raises(SendInDoubt):
        gmail.send(offer("<dd.0002@agency.example>"), None)
    assert fake.count_sent("<dd.0002@agency.example>") == 1
    assert len(gmail.find_by_message_id("<dd.0002@agency.example>")) == 1
    assert reports == []


def test_the_sending_limit_is_a_retryable_refusal_that_pauses_an_hour(fake, gmail, reports):
    fake.inject(user_rate_limited())
    with pytest.raises(SendRefused) as caught:
        gmail.send(offer("<dd.0003@agency.example>"), None)
    assert (caught.value.retryable, caught.value.retry_after) == (True, 3600.0)
    assert fake.count_sent("<dd.0003@agency.example>") == 0
    assert reports == []


def test_an_expired_cursor_is_history_too_old(fake, gmail, reports):
    cursor = str(gmail.profile()["historyId"])
    gmail.send(offer(), None)
    fake.expire_history()
    with pytest.raises(HistoryTooOld):
        gmail.history(cursor)
    assert reports == []


def inbound(fake: FakeGmail, count: int) -> list[str]:
    return [
        fake.inbound("maya@creator.example", "Re: Collaboration", f"Reply number {i}")
        for i in range(count)
    ]


def test_many_messages_are_read_in_batches_of_fifty_each_as_get_reads_it(fake, gmail):
    ids = inbound(fake, 120)
    got = gmail.get_many([*ids, ids[0]])  # one asked twice is read once
    assert list(got) == ids
    assert parse_message(got[ids[7]]).text == "Reply number 7"
    assert got[ids[7]] == gmail.get(ids[7])
    assert len(fake.calls("batch")) == 3  # 50, 50, 20
    assert gmail.units == 5 * 121  # 120 in the batches, and the one get


def test_a_call_that_fails_in_a_batch_is_asked_again_alone_and_the_rest_kept(fake, gmail, reports):
    ids = inbound(fake, 4)
    fake.inject(backend_error(operation="messages.get", code=503))  # the batch's first call
    got = gmail.get_many(ids)
    assert list(got) == ids
    asked = [call.path.rsplit("/", 1)[-1] for call in fake.calls("messages.get")]
    assert asked == [*ids, ids[0]]  # the second attempt asks only for the one it lacks
    assert reports == []


def test_a_message_gone_before_it_is_read_is_an_upstream_error(fake, gmail, reports):
    ids = inbound(fake, 2)
    with pytest.raises(UpstreamError, match="404"):
        gmail.get_many([ids[0], "00000000000000ff", ids[1]])
    assert len(fake.calls("batch")) == 1  # a 404 is not worth a retry
    assert [r.operation for r in reports] == ["messages.get"]
