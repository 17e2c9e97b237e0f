"""The ErrorReporter: one Slack post per fingerprint per window with a count of repeats, nothing
lost while Slack is down, secrets never posted."""

from __future__ import annotations

import json
from typing import Any

import pykka
import pytest

from dealdesk.actors.audit_messages import Flush
from dealdesk.actors.error_reporter import FlushReports, error_reporter_spec
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.reports import ErrorReport
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.sandbox.base import Fault
from dealdesk.store.model import AuditKind
from dealdesk.store.queries import AuditFilter
from dealdesk.store.reader import StoreReader
from dealdesk.store.schema import database_path
from tests.conftest import slack_gateway

CHANNEL = "#dealdesk-errors"


@pytest.fixture
def reporter(ctx, fake_slack) -> pykka.ActorRef[Any]:
    slack = slack_gateway(fake_slack, RetryPolicy.without_waiting())

    async def post(text: str) -> object:
        return await slack.post_once(CHANNEL, text)

    spec = error_reporter_spec(ctx, post)
    ref = spec.start(None, 0)  # type: ignore[arg-type]
    ctx.registry.register(spec.name, ref)
    return ref


def report(kind: str = "http_500", message: str = "server error") -> ErrorReport:
    return ErrorReport("clickup", "get_task", kind, message)


def settle(reporter) -> dict[str, Any]:
    return reporter.ask(DumpState(), timeout=10)


def test_repeats_inside_the_window_are_counted_not_posted(reporter, fake_slack, clock):
    for _ in range(5):
        reporter.tell(report())
    settle(reporter)

    assert len(fake_slack.messages_in(CHANNEL)) == 1
    assert "clickup" in fake_slack.messages_in(CHANNEL)[0].text

    clock.advance(601)
    reporter.tell(FlushReports())
    settle(reporter)

    posts = fake_slack.messages_in(CHANNEL)
    assert len(posts) == 2
    assert "4 more time(s)" in posts[1].text


def test_a_report_after_the_window_is_posted_again(reporter, fake_slack, clock):
    reporter.tell(report())
    settle(reporter)
    clock.advance(600)
    reporter.tell(report())
    settle(reporter)
    assert len(fake_slack.messages_in(CHANNEL)) == 2


def test_each_fingerprint_has_its_own_window(reporter, fake_slack):
    reporter.tell(report("http_500"))
    reporter.tell(report("timeout"))
    reporter.tell(ErrorReport("gmail", "send", "http_500", "x"))
    settle(reporter)
    assert len(fake_slack.messages_in(CHANNEL)) == 3


def test_reports_made_while_slack_is_down_are_posted_when_it_answers_again(reporter, fake_slack):
    fake_slack.inject(Fault("chat.postMessage", disconnect=True, times=1000))
    for kind in ("a", "b", "c"):
        reporter.tell(report(kind))
    state = settle(reporter)
    assert state["queued_posts"] == 3
    assert state["state"] == "backlogged"
    assert fake_slack.messages_in(CHANNEL) == []

    fake_slack.clear_faults()
    reporter.tell(FlushReports())
    state = settle(reporter)

    texts = [m.text for m in fake_slack.messages_in(CHANNEL)]
    assert len(texts) == 3
    assert ["`a`" in texts[0], "`b`" in texts[1], "`c`" in texts[2]] == [True, True, True]
    assert state["queued_posts"] == 0


def test_secrets_never_reach_the_errors_channel(reporter, fake_slack):
    reporter.tell(report(message="auth failed with Bearer abcdefghijklmnop and xoxb-99-secret"))
    settle(reporter)
    (post,) = fake_slack.messages_in(CHANNEL)
    assert "abcdefghijklmnop" not in post.text
    assert "xoxb-99-secret" not in post.text


def stored(ctx, writer):
    writer.ask(Flush(), timeout=10)  # everything told before is committed
    with StoreReader(database_path(ctx.settings)) as reader:
        errors = reader.errors()
        audited = reader.audit(AuditFilter(event_type=AuditKind.ERROR))
    return errors, audited


def test_reports_are_counted_in_the_store_and_each_post_is_audited(
    reporter, writer, fake_slack, ctx
):
    fake_slack.inject(Fault("chat.postMessage", disconnect=True, times=1000))
    for _ in range(3):
        reporter.tell(report(message="token xoxb-99-secret refused"))
    settle(reporter)
    (error,), audited = stored(ctx, writer)
    assert (error.fingerprint, error.count, error.posted_at) == (
        "clickup:get_task:http_500",
        3,
        None,
    )
    assert "xoxb-99-secret" not in error.message
    assert audited.entries == []  # nothing was posted yet

    fake_slack.clear_faults()
    reporter.tell(FlushReports())
    settle(reporter)
    (error,), audited = stored(ctx, writer)
    assert error.posted_at is not None
    assert error.posted_count == 3
    (entry,) = audited.entries
    assert entry.metadata["service"] == "clickup"
    assert "xoxb-99-secret" not in json.dumps(entry.metadata)


def test_the_stores_own_failures_are_posted_but_not_written_to_the_store(
    reporter, writer, fake_slack, ctx
):
    reporter.tell(ErrorReport("store", "commit batch", "OperationalError", "disk I/O error"))
    settle(reporter)
    assert len(fake_slack.messages_in(CHANNEL)) == 1
    errors, audited = stored(ctx, writer)
    assert (errors, audited.entries) == ([], [])


def test_a_report_the_store_would_refuse_is_still_posted(reporter, writer, fake_slack, ctx):
    reporter.tell(ErrorReport("gmail", "send", "bad\ud800kind", "x"))  # a lone surrogate
    state = settle(reporter)
    assert len(fake_slack.messages_in(CHANNEL)) == 1
    assert state["restarts"] == 0
    assert reporter.is_alive()
    errors, _ = stored(ctx, writer)
    assert errors == []
