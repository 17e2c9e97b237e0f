"""The one retry policy, driven through the real slack_sdk client against the fake Slack:
what is retried, how long it waits, and what the caller and the ErrorReporter get at the end."""

from __future__ import annotations

import pytest

from dealdesk.errors import UpstreamError
from dealdesk.integrations.slack.gateway import SlackGateway
from dealdesk.runtime.reports import ErrorReport
from dealdesk.runtime.retry import HttpStatusError, RetryPolicy, classify, retry_after_from_headers
from dealdesk.sandbox.base import Fault
from dealdesk.sandbox.slack.fake import FakeSlack
from tests.conftest import slack_gateway


class Recorder:
    def __init__(self) -> None:
        self.waits: list[float] = []
        self.reports: list[ErrorReport] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def policy(self) -> RetryPolicy:
        return RetryPolicy(attempts=3, initial_s=1, max_s=30, jitter_s=5, sleep=self.sleep)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def slack(fake_slack: FakeSlack, recorder: Recorder) -> SlackGateway:
    return slack_gateway(fake_slack, recorder.policy(), recorder.reports.append)


def _post(io_loop, slack: SlackGateway) -> str:
    return io_loop.run(slack.post("#dealdesk", "hello"), timeout=10)


def test_a_5xx_is_retried_with_backoff_and_the_call_succeeds(io_loop, fake_slack, slack, recorder):
    fake_slack.inject(Fault("chat.postMessage", status=503, times=2))

    assert _post(io_loop, slack)
    assert len(fake_slack.calls("chat.postMessage")) == 3
    assert len(recorder.waits) == 2
    assert all(0 <= wait <= 30 for wait in recorder.waits)
    assert 1 <= recorder.waits[0] <= 6  # initial 1 s plus up to 5 s of jitter
    assert recorder.reports == []


def test_a_429_waits_what_retry_after_says(io_loop, fake_slack, slack, recorder):
    fake_slack.inject(
        Fault(
            "chat.postMessage",
            status=429,
            headers={"Retry-After": "7"},
            body={"ok": False, "error": "ratelimited"},
        )
    )

    assert _post(io_loop, slack)
    assert recorder.waits == [7.0]


def test_a_4xx_is_never_retried(io_loop, fake_slack, slack, recorder):
    fake_slack.inject(Fault("chat.postMessage", status=403, body={"ok": False, "error": "nope"}))

    with pytest.raises(UpstreamError) as caught:
        _post(io_loop, slack)
    assert caught.value.attempts == 1
    assert len(fake_slack.calls("chat.postMessage")) == 1
    assert recorder.waits == []


def test_a_slack_error_answer_is_not_retried_and_names_the_error(
    io_loop, fake_slack, slack, recorder
):
    fake_slack.inject(
        Fault("chat.postMessage", status=200, body={"ok": False, "error": "channel_not_found"})
    )

    with pytest.raises(UpstreamError) as caught:
        _post(io_loop, slack)
    assert caught.value.kind == "slack_channel_not_found"
    assert len(recorder.reports) == 1


def test_exhausted_retries_raise_a_typed_error_and_report_it_once(
    io_loop, fake_slack, slack, recorder
):
    fake_slack.inject(Fault("chat.postMessage", status=500, times=10))

    with pytest.raises(UpstreamError) as caught:
        _post(io_loop, slack)

    error = caught.value
    assert (error.service, error.operation, error.kind, error.attempts) == (
        "slack",
        "chat.postMessage",
        "http_500",
        3,
    )
    assert error.status_hint == 502
    assert len(fake_slack.calls("chat.postMessage")) == 3
    assert [r.fingerprint for r in recorder.reports] == [("slack", "chat.postMessage", "http_500")]


def test_a_dropped_connection_counts_as_retryable(io_loop, fake_slack, slack, recorder):
    fake_slack.inject(Fault("chat.postMessage", disconnect=True, times=1))

    assert _post(io_loop, slack)
    assert len(recorder.waits) == 1


def test_expected_statuses_raise_without_being_reported(recorder):
    async def not_found() -> None:
        raise HttpStatusError(404, "history id too old")

    import asyncio

    with pytest.raises(UpstreamError) as caught:
        asyncio.run(
            recorder.policy().call(
                "gmail", "history.list", not_found, report=recorder.reports.append,
                expected_statuses=(404,),
            )
        )  # fmt: skip
    assert caught.value.status == 404
    assert recorder.reports == []


def test_the_blocking_variant_follows_the_same_policy(recorder):
    calls: list[int] = []
    waits: list[float] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise HttpStatusError(502, "bad gateway")
        return "ok"

    policy = RetryPolicy(attempts=3, sleep_sync=waits.append)
    assert policy.call_sync("sheets", "values.get", flaky, report=recorder.reports.append) == "ok"
    assert len(calls) == 3
    assert len(waits) == 2


def test_secrets_in_an_error_message_are_redacted_before_anyone_sees_them(recorder):
    async def leaky() -> None:
        raise HttpStatusError(400, "bad token xoxb-1234-abcdefgh in request")

    import asyncio

    with pytest.raises(UpstreamError) as caught:
        asyncio.run(recorder.policy().call("slack", "x", leaky, report=recorder.reports.append))
    assert "xoxb-1234" not in str(caught.value)
    assert "xoxb-1234" not in recorder.reports[0].message


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "12"}, 12.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"X-RateLimit-Reset": "1795000060"}, 60.0),
        ({"X-RateLimit-Reset": "1795000060000"}, 60.0),  # milliseconds
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_is_read_from_every_header_services_use(headers, expected):
    assert retry_after_from_headers(headers, now=1_795_000_000.0) == expected


def test_classification_retries_only_what_can_succeed_later():
    assert classify(HttpStatusError(500)).retryable
    assert classify(HttpStatusError(429, retry_after=3)).retry_after == 3
    assert not classify(HttpStatusError(404)).retryable
    assert classify(TimeoutError()).kind == "timeout"
    assert classify(ConnectionResetError()).kind == "connection"
    assert not classify(ValueError("our bug")).retryable
