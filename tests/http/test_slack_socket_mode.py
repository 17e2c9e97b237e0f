"""The Slack console over Socket Mode, end to end: with an app-level token the console opens no
route; bolt's Socket Mode client asks the sandbox Slack for a WebSocket (apps.connections.open),
connects, and each command and click arrives as Slack's envelope, is acked by its id, and is
answered where Slack shows it (the envelope's response_url, the message it was made on)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from pydantic import SecretStr

from dealdesk.app.slack_console import slack_console
from dealdesk.domain.money import format_money
from dealdesk.errors import ConfigError, UpstreamError
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.base import Fault
from dealdesk.sandbox.slack import SANDBOX_BOT_TOKEN
from dealdesk.store import STORE
from tests.conftest import slack_gateway
from tests.http.test_slack_console import escalated, sent_to
from tests.support.settings import test_settings
from tests.support.slack_rig import BOSS, INTERN, SocketConsoleRig, texts

APP_TOKEN = "xapp-1-A000-sandbox"


@pytest.fixture
def settings(data_dir):
    return test_settings(data_dir, slack_allowed_users=BOSS, slack_app_token=APP_TOKEN)


@pytest.fixture
def rig(ctx, fake_sheets, fake_slack):
    built = SocketConsoleRig(ctx, fake_sheets, fake_slack)
    yield built
    built.close()


def test_the_console_opens_its_socket_with_the_app_token_and_is_greeted_as_the_app(rig):
    [opened] = rig.slack.calls("apps.connections.open")
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    assert rig.slack.socket.connections == 1
    assert rig.slack.calls("link")  # the WebSocket handshake, on the URL it was given


def test_status_typed_in_slack_is_acked_by_envelope_and_answered_through_its_response_url(rig):
    rig.world.submit(["@glowwithmaya"])
    assert rig.world.eventually(lambda: len(rig.world.states()) == 1)
    ack, answer = rig.command("/status", user=INTERN)
    # bolt acks at once with nothing (the listener's ack()); the answer follows by response_url.
    assert ack.payload is None
    shown = texts(answer)
    assert "86abc" in shown
    assert "Spend $0 of $25,000 budget" in shown
    [done] = rig.audited("slack_command")
    assert done["user"] == INTERN
    assert done["command"] == "/status"


def test_an_escalation_approved_by_a_click_over_the_socket_ends_in_an_agreement(rig):
    message = escalated(rig)
    [row] = rig.ctx[STORE].reader().negotiations("86abc")
    their_ask = row.data["negotiation"]["last_ask"]

    ack, answer = rig.click("escalation_approve", message)
    assert ack.payload is None
    assert "chose *Approve their ask" in answer["text"]
    assert answer["response_type"] == "ephemeral"
    updated = rig.slack.message(message.ts)
    assert updated.updates == 1
    assert all(b["type"] != "actions" for b in updated.blocks)
    assert f"<@{BOSS}> chose *Approve their ask" in texts({"blocks": updated.blocks})

    rig.world.run_until_settled()
    assert rig.world.states() == {"Noah Kim": "agreed"}
    confirmation = sent_to(rig, "noah.kim@creatormail.example")[-1]
    assert format_money(Decimal(their_ask)) in confirmation.text
    [decision] = [e for e in rig.audited("release") if e.get("decision")]
    assert decision["by"] == BOSS


def test_a_click_from_someone_not_on_the_allowlist_is_refused_over_the_socket_too(rig):
    message = escalated(rig)
    _, refused = rig.click("escalation_decline", message, user=INTERN)
    assert "not allowed" in refused["text"]
    assert rig.slack.message(message.ts).updates == 0


def test_asked_to_reconnect_the_console_opens_a_new_socket_and_keeps_answering(rig):
    rig.slack.socket.disconnect("refresh_requested")
    assert rig.slack.wait_until(lambda: rig.slack.socket.connections == 2)
    assert rig.slack.wait_until(lambda: len(rig.slack.calls("apps.connections.open")) == 2)
    assert rig.slack.wait_until(lambda: rig.slack.socket.open_count() == 1)
    assert rig.slack.socket.close_codes == [1000]  # the app left the old one itself
    _, answer = rig.command("/status", user=INTERN)  # over the new connection, the only one
    assert "Outbox:" in texts(answer)


# -- a token Slack refuses ------------------------------------------------------------------------


@pytest.fixture
def handlers(monkeypatch):
    """Every Socket Mode handler the console makes (to see it cleaned up after a failed start)."""
    from slack_bolt.adapter.socket_mode import async_handler

    made = []

    class Recorded(async_handler.AsyncSocketModeHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(async_handler, "AsyncSocketModeHandler", Recorded)
    return made


def start_console(ctx, fake_slack):
    """The console as boot builds it, started (Socket Mode connects here); the console."""
    endpoint = Endpoint(Service.SLACK, fake_slack.base_url, SecretStr(SANDBOX_BOT_TOKEN), True)
    gateway = slack_gateway(fake_slack, RetryPolicy.without_waiting())
    console = slack_console(ctx, gateway, endpoint)
    assert console is not None
    ctx.loop.run(console.start(), timeout=10)
    return console


def closed(handler):
    return handler.client.closed and handler.client.aiohttp_client_session.closed


def test_a_bot_token_given_as_the_app_token_stops_start_up_with_slacks_error_not_the_token(
    ctx, fake_slack, data_dir, handlers
):
    ctx = dataclasses.replace(
        ctx, settings=test_settings(data_dir, slack_app_token=SANDBOX_BOT_TOKEN)
    )
    with pytest.raises(ConfigError) as refused:
        start_console(ctx, fake_slack)  # at once: the SDK alone retries it for ever
    assert "not_allowed_token_type" in str(refused.value)
    assert "DEALDESK_SLACK_APP_TOKEN" in str(refused.value)
    assert SANDBOX_BOT_TOKEN not in str(refused.value)
    assert len(fake_slack.calls("apps.connections.open")) == 1
    assert not fake_slack.socket.connected()
    [handler] = handlers
    assert closed(handler)  # its aiohttp session would otherwise leak


def test_slack_failing_to_open_a_socket_at_start_up_is_an_upstream_error(ctx, fake_slack, handlers):
    fake_slack.inject(Fault("apps.connections.open", status=503))
    with pytest.raises(UpstreamError) as failed:
        start_console(ctx, fake_slack)
    assert failed.value.kind == "http_503"
    assert APP_TOKEN not in str(failed.value)
    [handler] = handlers
    assert closed(handler)


def test_shutdown_closes_the_socket_and_the_clients_session(rig, handlers):
    rig.ctx.loop.run(rig.console.close(), timeout=5)  # the rig's handler came before the spy
    assert rig.slack.wait_until(lambda: not rig.slack.socket.connected())
    console = start_console(rig.ctx, rig.slack)
    assert rig.slack.wait_until(rig.slack.socket.connected)
    rig.ctx.loop.run(console.close(), timeout=5)
    assert rig.slack.wait_until(lambda: not rig.slack.socket.connected())
    assert rig.slack.socket.close_codes == [1000, 1000]  # both closed by the app, normally
    [handler] = handlers
    assert closed(handler)
