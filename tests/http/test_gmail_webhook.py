"""``POST /webhooks/gmail``: a Gmail push, token-checked, nudges the mailbox's Mailroom to read."""

from __future__ import annotations

import base64
import json

import pytest
from pydantic import SecretStr

from dealdesk.http.app import HttpState, build_app
from dealdesk.http.gmail_webhook import gmail_push_routes
from dealdesk.integrations.gmail.push import GmailPush
from dealdesk.runtime.registry import mailroom_name

BOX = "deals@agency.example"


class Told:
    """Stands in for the Mailroom in the registry: keeps what it is told."""

    def __init__(self):
        self.messages = []

    def tell(self, message):
        self.messages.append(message)

    def is_alive(self):
        return True


def push(address=BOX, history="12345"):
    data = base64.urlsafe_b64encode(
        json.dumps({"emailAddress": address, "historyId": history}).encode()
    ).decode()
    return {"message": {"data": data.rstrip("="), "messageId": "1"}, "subscription": "s"}


@pytest.fixture
def told(ctx):
    stand_in = Told()
    ctx.registry.register(mailroom_name(BOX), stand_in)
    return stand_in.messages


async def client_for(aiohttp_client, ctx, token):
    app = build_app(HttpState(ctx=ctx, admin_token="t"), routes=(gmail_push_routes(token),))
    return await aiohttp_client(app)


async def test_a_push_with_the_token_tells_the_mailbox_to_read_now(aiohttp_client, ctx, told):
    client = await client_for(aiohttp_client, ctx, SecretStr("s3cret"))
    response = await client.post("/webhooks/gmail?token=s3cret", json=push("Deals@Agency.example"))
    assert response.status == 204
    bearer = await client.post(
        "/webhooks/gmail", json=push(), headers={"Authorization": "Bearer s3cret"}
    )
    assert bearer.status == 204
    assert told == [GmailPush(BOX, "12345"), GmailPush(BOX, "12345")]


async def test_a_wrong_or_missing_token_is_refused_and_no_setting_means_push_is_off(
    aiohttp_client, ctx, told
):
    client = await client_for(aiohttp_client, ctx, SecretStr("s3cret"))
    assert (await client.post("/webhooks/gmail?token=nope", json=push())).status == 401
    assert (await client.post("/webhooks/gmail", json=push())).status == 401
    off = await client_for(aiohttp_client, ctx, None)
    answer = await off.post("/webhooks/gmail?token=s3cret", json=push())
    assert answer.status == 403
    assert "DEALDESK_GMAIL_PUSH_TOKEN" in (await answer.json())["error"]
    assert told == []


async def test_a_body_that_is_not_a_push_is_400_and_another_mailbox_is_acknowledged(
    aiohttp_client, ctx, told
):
    client = await client_for(aiohttp_client, ctx, SecretStr("s3cret"))
    bad = await client.post("/webhooks/gmail?token=s3cret", json={"message": {}})
    assert bad.status == 400
    assert "not a Gmail push" in (await bad.json())["error"]
    other = await client.post("/webhooks/gmail?token=s3cret", json=push("other@agency.example"))
    assert other.status == 200
    big = await client.post("/webhooks/gmail?token=s3cret", data=b"x" * 70_000)
    assert big.status == 413
