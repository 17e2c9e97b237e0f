"""The sandbox Slack speaks Socket Mode as Slack does: apps.connections.open takes only an
app-level token and hands out a one-time WebSocket URL; the socket says hello as the app, carries
envelopes and records the acks. Driven by slack_sdk's client and a bare aiohttp WebSocket."""

from __future__ import annotations

import json

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from dealdesk.sandbox.slack import SANDBOX_BOT_TOKEN

APP_TOKEN = "xapp-1-A0123TEST-42-abcdef"


def call(io_loop, fake, method, token, **kwargs):
    """One Web API call as slack_sdk makes it: Slack's answer, or SlackApiError."""

    async def go():
        client = AsyncWebClient(token=token, base_url=fake.base_url + "/api/")
        return (await getattr(client, method)(**kwargs)).data

    return io_loop.run(go(), timeout=5)


def open_url(io_loop, fake):
    return call(io_loop, fake, "apps_connections_open", None, app_token=APP_TOKEN)["url"]


@pytest.mark.parametrize(
    ("token", "error"),
    [(SANDBOX_BOT_TOKEN, "not_allowed_token_type"), ("", "not_authed")],
)
def test_apps_connections_open_refuses_anything_but_an_app_level_token(io_loop, fake_slack,
                                                                       token, error):  # fmt: skip
    with pytest.raises(SlackApiError) as refused:
        call(io_loop, fake_slack, "apps_connections_open", None, app_token=token)
    assert refused.value.response.data == {"ok": False, "error": error}
    assert not fake_slack.socket.connected()


def test_an_app_level_token_is_no_bot_token(io_loop, fake_slack):
    with pytest.raises(SlackApiError) as refused:
        call(io_loop, fake_slack, "chat_postMessage", APP_TOKEN, channel="#dealdesk", text="x")
    assert refused.value.response["error"] == "not_allowed_token_type"
    assert fake_slack.messages == []


def test_the_socket_says_hello_as_the_app_carries_envelopes_and_records_acks(io_loop, fake_slack):
    url = open_url(io_loop, fake_slack)
    assert url.startswith(f"ws://127.0.0.1:{fake_slack.port}/link/?ticket=")
    got = []

    async def connect():
        session = aiohttp.ClientSession()
        ws = await session.ws_connect(url)
        got.append(json.loads((await ws.receive()).data))
        return session, ws

    session, ws = io_loop.run(connect(), timeout=5)
    try:
        [hello] = got
        assert hello["type"] == "hello"
        assert hello["num_connections"] == 1
        assert hello["connection_info"] == {"app_id": "A0123TEST"}
        assert fake_slack.wait_until(fake_slack.socket.connected)

        envelope_id = fake_slack.socket.command("/status", "86abc", "UBOSS")
        envelope = json.loads(io_loop.run(ws.receive(), timeout=5).data)
        assert envelope["envelope_id"] == envelope_id
        assert envelope["type"] == "slash_commands"
        assert envelope["accepts_response_payload"] is True
        assert envelope["payload"]["command"] == "/status"
        assert envelope["payload"]["response_url"].startswith(fake_slack.base_url + "/response/")

        io_loop.run(ws.send_json({"envelope_id": envelope_id, "payload": {"text": "ok"}}), 5)
        ack = fake_slack.socket.ack(envelope_id)
        assert ack.payload == {"text": "ok"}
    finally:
        io_loop.run(session.close(), timeout=5)
    assert fake_slack.wait_until(lambda: not fake_slack.socket.connected())


def test_a_ticket_opens_one_connection_once(io_loop, fake_slack):
    url = open_url(io_loop, fake_slack)

    async def connect_twice():
        async with aiohttp.ClientSession() as session:
            first = await session.ws_connect(url)
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(url)
            await first.close()
            return refused.value.status

    assert io_loop.run(connect_twice(), timeout=5) == 401
    assert fake_slack.socket.connections == 1


def test_pushing_with_no_connection_says_so(fake_slack):
    with pytest.raises(RuntimeError, match="no Socket Mode connection"):
        fake_slack.socket.command("/status", "", "UBOSS")
