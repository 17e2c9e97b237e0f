"""Gmail's failures as the client meets them, before a send took effect and after it.

httplib2 (the client's transport) resends a request once, silently, when the connection closes
before an answer: a single dropped connection is invisible to the caller, and after a send took
effect it stores the message twice. These tests pin that down for the exactly-once sender.
"""

from __future__ import annotations

import http.client

import pytest
from googleapiclient.errors import HttpError

from dealdesk.sandbox.base import Fault
from dealdesk.sandbox.gmail import (
    backend_error,
    dropped,
    hang,
    rate_limited,
    user_rate_limited,
)
from tests.sandbox.gmail.conftest import client, send

MID = "<out-1@dealdesk.example>"


def test_a_429_carries_retry_after_and_the_rate_limit_reason(gmail, fake):
    fake.inject(rate_limited(retry_after_s=7, operation="send"))
    with pytest.raises(HttpError) as caught:
        send(gmail)
    assert caught.value.status_code == 429
    assert caught.value.resp["retry-after"] == "7"
    assert caught.value.error_details[0]["reason"] == "rateLimitExceeded"
    assert fake.count_sent(MID) == 0
    send(gmail)  # the fault was for one call
    assert fake.count_sent(MID) == 1


def test_a_403_sending_limit_names_user_rate_limit_exceeded(gmail, fake):
    fake.inject(user_rate_limited())
    with pytest.raises(HttpError) as caught:
        send(gmail)
    assert caught.value.status_code == 403
    assert caught.value.reason == "User-rate limit exceeded (Mail sending)"
    assert caught.value.error_details[0]["reason"] == "userRateLimitExceeded"
    assert fake.sent() == []


def test_a_500_before_storing_leaves_nothing_sent_and_history_where_it_was(gmail, fake):
    before = fake.history_id
    fake.inject(backend_error(operation="send"))
    with pytest.raises(HttpError) as caught:
        send(gmail)
    assert caught.value.status_code == 500
    assert caught.value.reason == "Backend Error"
    assert (fake.sent(), fake.history_id) == ([], before)


def test_a_500_after_storing_keeps_the_message_and_advances_history(gmail, fake):
    before = fake.history_id
    fake.inject(backend_error(operation="send", apply_first=True))
    with pytest.raises(HttpError):
        send(gmail)
    assert fake.count_sent(MID) == 1
    assert fake.history_id > before
    found = gmail.users().messages().list(userId="me", q=f"rfc822msgid:{MID}").execute()
    assert len(found["messages"]) == 1


def test_one_dropped_connection_before_storing_is_resent_by_httplib2_and_stored_once(gmail, fake):
    fake.inject(dropped("send"))
    send(gmail)
    assert len(fake.calls("send")) == 2
    assert fake.count_sent(MID) == 1


def test_one_dropped_connection_after_storing_is_resent_by_httplib2_and_stored_twice(gmail, fake):
    fake.inject(dropped("send", apply_first=True))
    send(gmail)  # the caller sees one success
    assert len(fake.calls("send")) == 2
    assert fake.count_sent(MID) == 2


def test_two_dropped_connections_reach_the_caller_as_remote_disconnected(gmail, fake):
    fake.inject(dropped("send", times=2))
    with pytest.raises(http.client.RemoteDisconnected):
        send(gmail)
    assert fake.sent() == []


def test_a_hang_past_the_client_timeout_times_out_after_the_message_was_stored(fake, clients):
    gmail = client(fake, timeout=0.3)
    clients.append(gmail)
    fake.inject(hang(30, "send"))
    with pytest.raises(TimeoutError):
        send(gmail)
    assert fake.count_sent(MID) == 1


def test_a_hang_before_storing_stores_nothing(fake, clients):
    gmail = client(fake, timeout=0.3)
    clients.append(gmail)
    fake.inject(hang(30, "send", apply_first=False))
    with pytest.raises(TimeoutError):
        send(gmail)
    assert fake.sent() == []


def test_a_fault_hits_only_its_operation(gmail, fake):
    gmail_id = fake.inbound("maya@glowwithmaya.example", "Hi", "hello")
    fake.inject(backend_error(operation="messages.get", code=503))
    assert gmail.users().messages().list(userId="me").execute()["resultSizeEstimate"] == 1
    with pytest.raises(HttpError) as caught:
        gmail.users().messages().get(userId="me", id=gmail_id).execute()
    assert caught.value.status_code == 503
    assert gmail.users().messages().get(userId="me", id=gmail_id).execute()["id"] == gmail_id


def test_faults_are_taken_in_order_and_count_down(gmail, fake):
    fake.inject(Fault(operation="history", status=503, times=2))
    fake.inject(rate_limited(operation="history"))
    statuses = []
    for _ in range(4):
        try:
            gmail.users().history().list(userId="me", startHistoryId=str(fake.history_id)).execute()
            statuses.append(200)
        except HttpError as exc:
            statuses.append(exc.status_code)
    assert statuses == [503, 503, 429, 200]
