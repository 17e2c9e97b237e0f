"""The Slack console end to end: the negotiation runtime of ``tests/actors/test_negotiator.World``
(roster, campaigns, negotiators, Mailroom, personas) with its Notifier posting to the sandbox
Slack, the Console actor, and the real bolt app mounted on the service's aiohttp app at
``/slack/events``. Commands and clicks are sent as Slack sends them (signed, form-encoded), and
the answers read where Slack would show them (the sandbox's response_url record, its messages)."""

from __future__ import annotations

import json

import aiohttp
from pydantic import SecretStr

from dealdesk.actors.console import console_spec
from dealdesk.app.slack_console import slack_console
from dealdesk.app.wiring import serve, start_children
from dealdesk.http.app import HttpState, build_app
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.slack import SANDBOX_BOT_TOKEN
from dealdesk.sandbox.slack.console import (
    SANDBOX_SIGNING_SECRET,
    button_click,
    sign,
    slash_command,
    view_submission,
)
from dealdesk.store import STORE
from tests.actors.test_negotiator import World
from tests.conftest import slack_gateway

BOSS = "UBOSS"  # on the allowlist
INTERN = "UINTERN"  # not


class ConsoleRig:
    def __init__(self, ctx, fake_sheets, fake_slack):
        self.console = self._start(ctx, fake_sheets, fake_slack)
        assert self.console.routes is not None
        app = build_app(HttpState(ctx=ctx, admin_token="t"), routes=(self.console.routes,))
        self.runner, self.url = ctx.loop.run(serve(app, "127.0.0.1", 0), timeout=5)

    def _start(self, ctx, fake_sheets, fake_slack):
        """The runtime with its Console, and the Slack console as settings make it."""
        self.ctx = ctx
        self.slack = fake_slack
        self.gateway = slack_gateway(fake_slack, RetryPolicy.without_waiting())
        self.sheets = fake_sheets
        self.world = World(ctx, fake_sheets, slack=self.gateway)
        start_children(self.world.root, [console_spec(ctx)])
        endpoint = Endpoint(Service.SLACK, fake_slack.base_url, SecretStr(SANDBOX_BOT_TOKEN), True)
        console = slack_console(ctx, self.gateway, endpoint)
        assert console is not None
        return console

    def restart(self):
        """The runtime stops (every actor) and starts again on the same database, mailbox and
        Slack; the HTTP app stays (the console reaches the new actors by name)."""
        gmail = self.world.gmail
        self.world.root.stop(timeout=20)
        self.world = World(self.ctx, self.sheets, slack=self.gateway, gmail=gmail)
        self.world.owns_gmail = True
        start_children(self.world.root, [console_spec(self.ctx)])

    def close(self):
        self.world.close()
        self.ctx.loop.run(self.runner.cleanup(), timeout=5)

    # -- sending as Slack sends -----------------------------------------------------------------

    def post(self, body, headers):
        async def send():
            async with (
                aiohttp.ClientSession() as session,
                session.post(self.url + "/slack/events", data=body, headers=headers) as response,
            ):
                return response.status, await response.text()

        return self.ctx.loop.run(send(), timeout=10)

    def command(self, line, user=BOSS):
        """Type ``line`` (``/takeover Jane Doe``) in Slack: the one answer it is shown."""
        command, _, text = line.partition(" ")
        url = self.slack.response_url()
        body = slash_command(command, text, user, url)
        status, _ = self.post(body, sign(SANDBOX_SIGNING_SECRET, body))
        assert status == 200
        assert self.slack.wait_until(lambda: self.slack.answers_to(url))
        [answer] = self.slack.answers_to(url)
        return answer

    def click(self, action_id, message, user=BOSS, *, answered=True):
        """Click a button of ``message`` (a sandbox PostedMessage): the answer to the clicker
        (``answered=False``: a click that opens a modal, answered by nothing else)."""
        url = self.slack.response_url()
        value, as_slack_has_it = button_of(message, action_id)
        body = button_click(
            action_id, value, user, url, channel_id=message.channel, message=as_slack_has_it
        )
        status, _ = self.post(body, sign(SANDBOX_SIGNING_SECRET, body))
        assert status == 200
        if not answered:
            return None
        assert self.slack.wait_until(lambda: self.slack.answers_to(url))
        return self.slack.answers_to(url)[0]

    def submit(self, view, text, user=BOSS):
        """Submit the modal ``view`` (as views.open got it) with ``text`` typed in its draft:
        bolt's HTTP answer (a refusal keeps the modal open and says why)."""
        body = view_submission(view, {"draft": text}, user)
        return self.post(body, sign(SANDBOX_SIGNING_SECRET, body))

    # -- reading --------------------------------------------------------------------------------

    def audited(self, kind):
        # The console audits with a tell before it answers: an empty transaction asked of the
        # writer after it (its mailbox is in order) is the barrier, so what was told is there.
        self.ctx[STORE].commit()
        return [
            (json.loads(metadata) if metadata else {})
            for (metadata,) in self.world.rows(
                "SELECT metadata FROM audit_log WHERE event_type = ? ORDER BY id", kind
            )
        ]


def button_of(message, action_id):
    """The value of ``message``'s button ``action_id``, and the message as Slack shows it in the
    click's payload."""
    as_slack_has_it = {
        "type": "message",
        "ts": message.ts,
        "text": message.text,
        "blocks": message.blocks,
    }
    [value] = [
        element["value"]
        for block in message.blocks or []
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == action_id
    ]
    return value, as_slack_has_it


def texts(answer):
    """Every text of an answer: its ``text`` and its blocks' (sections, contexts, headers)."""
    found = [answer.get("text", "")]
    for block in answer.get("blocks") or []:
        if "text" in block:
            found.append(block["text"]["text"])
        found.extend(
            element["text"]
            for element in block.get("elements", [])
            if isinstance(element.get("text"), str)
        )
    return "\n".join(found)


class SocketConsoleRig(ConsoleRig):
    """The same runtime and console reached over Socket Mode (``DEALDESK_SLACK_APP_TOKEN`` set):
    no HTTP route, bolt's Socket Mode client connected to the sandbox Slack's WebSocket, each
    command and click pushed as Slack's envelope; ``command`` and ``click`` answer the app's ack
    and what reached the envelope's response_url."""

    def __init__(self, ctx, fake_sheets, fake_slack):
        self.console = self._start(ctx, fake_sheets, fake_slack)
        assert self.console.routes is None  # Socket Mode: nothing listens for Slack
        ctx.loop.run(self.console.start(), timeout=10)
        assert fake_slack.wait_until(fake_slack.socket.connected)

    def close(self):
        self.ctx.loop.run(self.console.close(), timeout=5)
        self.world.close()

    def answered(self, envelope_id, *, answered=True):
        ack = self.slack.socket.ack(envelope_id)
        if not answered:
            return ack, None
        url = self.slack.socket.sent[envelope_id]["payload"]["response_url"]
        assert self.slack.wait_until(lambda: self.slack.answers_to(url))
        return ack, self.slack.answers_to(url)[0]

    def command(self, line, user=BOSS):
        """Type ``line`` in Slack: (the ack, the one answer it is shown)."""
        command, _, text = line.partition(" ")
        return self.answered(self.slack.socket.command(command, text, user))

    def click(self, action_id, message, user=BOSS, *, answered=True):
        """Click a button of ``message``: (the ack, the answer to the clicker)."""
        value, as_slack_has_it = button_of(message, action_id)
        envelope_id = self.slack.socket.click(
            action_id, value, user, channel_id=message.channel, message=as_slack_has_it
        )
        return self.answered(envelope_id, answered=answered)
