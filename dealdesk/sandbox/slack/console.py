"""What Slack sends the app when someone types a slash command or clicks a button: signed
requests, built as Slack builds them, for the sandbox, the tests and ``run.py slack``.

Signing v0 (../shared/reference-wire-formats.md §2): ``X-Slack-Signature: v0=`` + hex
HMAC-SHA256(secret, ``v0:{timestamp}:{body}``), ``X-Slack-Request-Timestamp``. A slash command
is form-encoded (``command``, ``text``, ``user_id``, ``response_url``, ``trigger_id`` …); a click
is form-encoded with one field, ``payload``: the ``block_actions`` JSON. Each carries a fresh
``response_url`` of the sandbox Slack, where the app's answer is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

__all__ = [
    "SANDBOX_SIGNING_SECRET",
    "button_click",
    "button_click_payload",
    "sign",
    "slash_command",
    "slash_command_fields",
    "view_submission",
]

SANDBOX_SIGNING_SECRET = "sandbox-signing-secret-0000"  # noqa: S105 - the sandbox's, not a secret
_TRIGGERS = itertools.count(1)


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack signs ``body`` with (``timestamp``: now unless given)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def slash_command(
    command: str, text: str, user_id: str, response_url: str, *, channel_id: str = "C00000001"
) -> str:
    """The form body of a slash command."""
    return urlencode(
        slash_command_fields(command, text, user_id, response_url, channel_id=channel_id)
    )


def slash_command_fields(
    command: str, text: str, user_id: str, response_url: str, *, channel_id: str = "C00000001"
) -> dict[str, str]:
    """The fields of a slash command: form-encoded over HTTP, the envelope's payload in Socket
    Mode."""
    return {
        "token": "deprecated-verification-token",
        "team_id": "T0SANDBOX",
        "team_domain": "sandbox",
        "channel_id": channel_id,
        "channel_name": "dealdesk",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0DEALDESK",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{next(_TRIGGERS)}.sandbox",
    }


def button_click(
    action_id: str,
    value: str,
    user_id: str,
    response_url: str,
    *,
    channel_id: str,
    message: dict[str, Any],
) -> str:
    """The form body of a click on a button of ``message`` (as conversations.history has it)."""
    payload = button_click_payload(
        action_id, value, user_id, response_url, channel_id=channel_id, message=message
    )
    return urlencode({"payload": json.dumps(payload)})


def button_click_payload(
    action_id: str,
    value: str,
    user_id: str,
    response_url: str,
    *,
    channel_id: str,
    message: dict[str, Any],
) -> dict[str, Any]:
    """The ``block_actions`` payload of that click: form-encoded JSON over HTTP, the envelope's
    payload in Socket Mode."""
    return {
        "type": "block_actions",
        "team": {"id": "T0SANDBOX", "domain": "sandbox"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": "T0SANDBOX"},
        "api_app_id": "A0DEALDESK",
        "token": "deprecated-verification-token",
        "container": {
            "type": "message",
            "message_ts": message.get("ts"),
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "trigger_id": f"{next(_TRIGGERS)}.sandbox",
        "channel": {"id": channel_id, "name": "dealdesk"},
        "message": message,
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": f"{action_id}-block",
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def view_submission(view: dict[str, Any], values: dict[str, str], user_id: str) -> str:
    """The form body of a modal's submission: ``values`` maps each input block's id to the text
    typed in it (its one element's ``action_id`` as the view declared it)."""
    state: dict[str, Any] = {}
    for block in view.get("blocks") or []:
        if block.get("type") == "input" and block.get("block_id") in values:
            element = block["element"]
            state[block["block_id"]] = {
                element["action_id"]: {"type": element["type"], "value": values[block["block_id"]]}
            }
    payload = {
        "type": "view_submission",
        "team": {"id": "T0SANDBOX", "domain": "sandbox"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": "T0SANDBOX"},
        "api_app_id": "A0DEALDESK",
        "token": "deprecated-verification-token",
        "trigger_id": f"{next(_TRIGGERS)}.sandbox",
        "view": {**view, "id": "V0SANDBOX", "state": {"values": state}},
        "response_urls": [],
    }
    return urlencode({"payload": json.dumps(payload)})
