"""The Gmail client over real HTTP (a loopback stub): one attempt per send, reads under the
policy, history and its too-old cursor, and the quota units each call costs."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import httplib2
import pytest
from googleapiclient.discovery import build
from pydantic import SecretStr

from dealdesk.errors import UpstreamError
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.integrations.gmail import (
    GmailClient,
    HistoryPage,
    HistoryTooOld,
    SendInDoubt,
    SendRefused,
    SentMessage,
    build_gmail,
)
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from tests.integrations.gmail.stub import Answer, StubGmail, error_body

AFTER = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
BEFORE = datetime(2024, 5, 6, 9, 30, tzinfo=UTC)


@pytest.fixture
def stub():
    server = StubGmail().start()
    yield server
    server.stop()


@pytest.fixture
def reports():
    return []


def client_for(base_url: str, reports: list, attempts: int = 3) -> GmailClient:
    endpoint = Endpoint(Service.GMAIL, base_url, SecretStr("sandbox"), sandboxed=True)
    resource = build_gmail(endpoint, None, timeout_s=5)
    return GmailClient(
        resource, policy=RetryPolicy.without_waiting(attempts), report=reports.append
    )


@pytest.fixture
def gmail(stub, reports):
    client = client_for(stub.base_url, reports)
    yield client
    client.close()


def test_a_send_posts_raw_and_thread_to_the_endpoint_as_given_without_auth(stub, gmail):
    stub.answer("POST", "messages/send", Answer(body={"id": "m1", "threadId": "t1"}))
    sent = gmail.send("UmF3", "t1")
    assert sent == SentMessage("m1", "t1")
    (request,) = stub.requests("messages/send")
    assert request.json() == {"raw": "UmF3", "threadId": "t1"}
    assert request.query["alt"] == ["json"]
    assert "authorization" not in request.headers
    assert gmail.units == 100


def test_a_first_message_is_sent_without_a_thread(stub, gmail):
    stub.answer("POST", "messages/send", Answer(body={"id": "m2", "threadId": "t2"}))
    assert gmail.send("UmF3", None) == SentMessage("m2", "t2")
    assert stub.requests("messages/send")[0].json() == {"raw": "UmF3"}


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_5xx_send_is_in_doubt_tried_once_and_left_to_the_caller(stub, gmail, reports, status):
    stub.answer("POST", "messages/send", Answer(status, error_body(status, "backendError")))
    with pytest.raises(SendInDoubt) as caught:
        gmail.send("UmF3", None)
    assert caught.value.status == status
    assert len(stub.requests("messages/send")) == 1
    assert reports == []


def test_a_bad_request_is_refused_for_good_and_reported(stub, gmail, reports):
    body = error_body(400, "invalidArgument", "Invalid To header")
    stub.answer("POST", "messages/send", Answer(400, body))
    with pytest.raises(SendRefused) as caught:
        gmail.send("UmF3", None)
    assert (caught.value.retryable, caught.value.status, caught.value.kind) == (
        False,
        400,
        "http_400",
    )
    assert len(stub.requests("messages/send")) == 1
    assert [(r.service, r.operation, r.kind) for r in reports] == [
        ("gmail", "messages.send", "http_400")
    ]


def test_a_rate_limited_send_is_refused_retryable_with_its_pause_and_not_reported(
    stub, gmail, reports
):
    stub.answer(
        "POST",
        "messages/send",
        Answer(429, error_body(429, "rateLimitExceeded"), {"Retry-After": "42"}),
        Answer(403, error_body(403, "userRateLimitExceeded", "User-rate limit (Mail sending)")),
    )
    with pytest.raises(SendRefused) as first:
        gmail.send("UmF3", None)
    assert (first.value.retryable, first.value.retry_after, first.value.kind) == (
        True,
        42.0,
        "ratelimited",
    )
    with pytest.raises(SendRefused) as second:
        gmail.send("UmF3", None)
    assert (second.value.retryable, second.value.retry_after) == (True, 3600.0)
    assert len(stub.requests("messages/send")) == 2
    assert reports == []
    assert gmail.units == 200


def test_a_connection_dropped_after_the_request_is_in_doubt_and_never_sent_twice(stub, gmail):
    stub.answer("POST", "messages/send", Answer(drop=True))
    with pytest.raises(SendInDoubt):
        gmail.send("UmF3", None)
    assert len(stub.requests("messages/send")) == 1


def test_plain_httplib2_would_have_sent_a_dropped_post_twice(stub):
    """Why the client has its own transport: httplib2 re-sends after a dropped answer."""
    stub.answer("POST", "messages/send", Answer(drop=True), Answer(body={"id": "m"}))
    url = f"{stub.base_url}gmail/v1/users/me/messages/send"
    http = httplib2.Http(timeout=5)
    response, _content = http.request(url, "POST", body=b"{}")
    http.close()
    assert response.status == 200
    assert len(stub.requests("messages/send")) == 2


def test_reads_and_sends_share_the_connection_one_after_another(stub, gmail):
    stub.answer("GET", "profile", *[Answer(body={"emailAddress": "d@x", "historyId": "1"})] * 2)
    stub.answer("POST", "messages/send", *[Answer(body={"id": "m", "threadId": "t"})] * 2)
    gmail.profile()
    gmail.send("UmF3", None)
    gmail.send("UmF3", None)
    assert gmail.profile()["emailAddress"] == "d@x"
    assert len(stub.requests("messages/send")) == 2
    assert gmail.units == 1 + 100 + 100 + 1


def test_a_refused_connection_is_refused_retryable_and_not_reported(reports):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gmail = client_for(f"http://127.0.0.1:{port}/", reports)
    with pytest.raises(SendRefused) as caught:
        gmail.send("UmF3", None)
    gmail.close()
    assert caught.value.retryable
    assert caught.value.kind == "connection"
    assert reports == []


class RaisingHttp(httplib2.Http):
    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc
        self.calls = 0

    def request(self, *_args, **_kwargs):
        self.calls += 1
        raise self.exc


@pytest.mark.parametrize("exc", [TimeoutError("timed out"), ConnectionResetError("reset")])
def test_a_timeout_or_reset_during_a_send_is_in_doubt(exc, reports):
    http = RaisingHttp(exc)
    resource = build("gmail", "v1", http=http, static_discovery=True, cache_discovery=False)
    gmail = GmailClient(resource, policy=RetryPolicy.without_waiting(), report=reports.append)
    with pytest.raises(SendInDoubt) as caught:
        gmail.send("UmF3", None)
    assert caught.value.kind in {"timeout", "connection"}
    assert http.calls == 1
    assert reports == []


def test_an_answer_without_an_id_is_in_doubt(stub, gmail):
    stub.answer("POST", "messages/send", Answer(body={"labelIds": ["SENT"]}))
    with pytest.raises(SendInDoubt, match="without an id"):
        gmail.send("UmF3", None)


def test_reads_are_retried_by_the_policy_and_every_attempt_costs_units(stub, gmail, reports):
    stub.answer("GET", "messages/m1", Answer(503, error_body(503)), Answer(body={"id": "m1"}))
    assert gmail.get("m1") == {"id": "m1"}
    requests = stub.requests("messages/m1")
    assert len(requests) == 2
    assert requests[0].query["format"] == ["full"]
    assert gmail.units == 10
    assert reports == []


def test_a_read_that_keeps_failing_raises_upstream_error_and_reports(stub, reports):
    gmail = client_for(stub.base_url, reports, attempts=2)
    stub.answer("GET", "profile", *[Answer(500, error_body(500))] * 2)
    with pytest.raises(UpstreamError) as caught:
        gmail.profile()
    gmail.close()
    assert (caught.value.operation, caught.value.status, caught.value.attempts) == (
        "getProfile",
        500,
        2,
    )
    assert [r.operation for r in reports] == ["getProfile"]


def test_find_by_message_id_searches_every_folder_for_the_bare_id(stub, gmail):
    stub.answer("GET", "messages", Answer(body={"messages": [{"id": "m9", "threadId": "t9"}]}))
    assert gmail.find_by_message_id("<dd.7f3a9c@agency.example>") == ["m9"]
    (request,) = stub.requests("messages")
    assert request.query["q"] == ["rfc822msgid:dd.7f3a9c@agency.example"]
    assert request.query["includeSpamTrash"] == ["true"]
    assert gmail.units == 5


def test_find_by_message_id_with_no_match_is_an_empty_list(stub, gmail):
    stub.answer("GET", "messages", Answer(body={"resultSizeEstimate": 0}))
    assert gmail.find_by_message_id("dd.1@agency.example") == []


def metadata(gmail_id: str, subject: str) -> dict:
    headers = [{"name": "Subject", "value": subject}, {"name": "To", "value": "ana@x.example"}]
    return {"id": gmail_id, "threadId": f"t-{gmail_id}", "payload": {"headers": headers}}


def test_find_sent_searches_sent_mail_in_the_window_and_keeps_exact_subjects(stub, gmail):
    stub.answer(
        "GET",
        "messages",
        Answer(body={"messages": [{"id": "a"}], "nextPageToken": "p2"}),
        Answer(body={"messages": [{"id": "b"}]}),
    )
    stub.answer("GET", "messages/a", Answer(body=metadata("a", "Summer  campaign")))
    stub.answer("GET", "messages/b", Answer(body=metadata("b", "Re: Summer campaign")))
    found = gmail.find_sent("Ana <ANA@x.example>", "Summer campaign", AFTER, BEFORE)
    assert [m["id"] for m in found] == ["a"]
    first, second = stub.requests("messages")
    assert first.query["q"] == [
        f"in:sent to:ana@x.example after:{int(AFTER.timestamp())} before:{int(BEFORE.timestamp())}"
    ]
    assert second.query["pageToken"] == ["p2"]
    detail = stub.requests("messages/a")[0].query
    assert detail["format"] == ["metadata"]
    assert detail["metadataHeaders"] == ["Subject", "To", "Message-ID", "Date"]
    assert gmail.units == 5 * 4


def test_history_lists_added_messages_once_each_with_the_next_cursor(stub, gmail):
    page = {
        "history": [
            {"id": "11", "messagesAdded": [{"message": {"id": "m1", "threadId": "t1"}}]},
            {"id": "12", "labelsAdded": [{"message": {"id": "m0"}}]},
            {
                "id": "13",
                "messagesAdded": [
                    {"message": {"id": "m2", "threadId": "t2"}},
                    {"message": {"id": "m1", "threadId": "t1"}},
                ],
            },
        ],
        "historyId": "14",
        "nextPageToken": "n2",
    }
    stub.answer("GET", "history", Answer(body=page))
    assert gmail.history("10", "n1") == HistoryPage(
        added=(("m1", "t1"), ("m2", "t2")), history_id="14", next_page_token="n2"
    )
    (request,) = stub.requests("history")
    assert request.query["startHistoryId"] == ["10"]
    assert request.query["historyTypes"] == ["messageAdded"]
    assert request.query["pageToken"] == ["n1"]
    assert gmail.units == 2


def test_an_empty_history_page_keeps_the_cursor_gmail_gives(stub, gmail):
    stub.answer("GET", "history", Answer(body={"historyId": "20"}))
    assert gmail.history("10") == HistoryPage((), "20", None)


def test_a_too_old_history_cursor_is_history_too_old_and_not_reported(stub, gmail, reports):
    stub.answer("GET", "history", Answer(404, error_body(404, "notFound", "Requested entity")))
    with pytest.raises(HistoryTooOld) as caught:
        gmail.history("3")
    assert caught.value.start_history_id == "3"
    assert len(stub.requests("history")) == 1
    assert reports == []


def test_list_since_pages_through_mail_after_a_moment(stub, gmail):
    stub.answer("GET", "messages", Answer(body={"messages": [{"id": "x"}], "nextPageToken": "p"}))
    assert gmail.list_since(AFTER) == (["x"], "p")
    assert stub.requests("messages")[0].query["q"] == [f"after:{int(AFTER.timestamp())}"]


def test_profile_thread_and_watch_cost_their_units(stub, gmail):
    stub.answer("GET", "profile", Answer(body={"emailAddress": "deals@x", "historyId": "5"}))
    stub.answer("GET", "threads/t1", Answer(body={"id": "t1", "messages": []}))
    stub.answer("POST", "watch", Answer(body={"historyId": "6", "expiration": "1715000000000"}))
    assert gmail.profile() == {"emailAddress": "deals@x", "historyId": "5"}
    assert gmail.thread("t1")["id"] == "t1"
    assert gmail.watch("projects/p/topics/gmail", ["INBOX"])["historyId"] == "6"
    assert stub.requests("watch")[0].json() == {
        "topicName": "projects/p/topics/gmail",
        "labelIds": ["INBOX"],
        "labelFilterBehavior": "include",
    }
    assert gmail.units == 1 + 10 + 100
