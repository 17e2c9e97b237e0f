"""``slack``: type a slash command or click a button as Slack would, against the running dealdesk.

``python run.py slack "/takeover Jane Doe" --user U123`` sends the command, signed as Slack signs
it, to the running process's ``/slack/events`` and prints what Slack would show the user (the
answer posted to the command's ``response_url``). ``python run.py slack --click ACTION --message
TS`` clicks the button ``ACTION`` (``escalation_approve``, ``escalation_counter``,
``escalation_decline``, ``escalation_takeover``, ``view_thread``) of the message ``TS`` in the
team channel. Both need the process's sandbox Slack (it records the answers); the process is
found by its data directory's ``runtime.json``. Exit 0 with an answer, 1 without one, 2 on a
usage error.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealdesk.app.cli import UsageError, command_parser
from dealdesk.app.paths import RUNTIME_FILE
from dealdesk.integrations.slack.commands import COMMANDS
from dealdesk.runtime.settings import load_settings
from dealdesk.sandbox.slack.console import (
    SANDBOX_SIGNING_SECRET,
    button_click,
    sign,
    slash_command,
)

if TYPE_CHECKING:
    import argparse

    from dealdesk.runtime.settings import Settings

__all__ = ["register", "show"]

WAIT_S = 20.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = command_parser(subparsers, "slack", "type a slash command or click a button")
    parser.add_argument("line", nargs="?", help='the command as typed, e.g. "/status"')
    parser.add_argument("--user", default="ULOCAL", help="the Slack user id who types or clicks")
    parser.add_argument("--click", metavar="ACTION", help="click this button instead")
    parser.add_argument("--message", metavar="TS", help="the ts of the message to click on")
    parser.add_argument("--data-dir", help="data directory (default: DEALDESK_DATA_DIR or ./data)")
    parser.set_defaults(handler=slack_command)


class _Failed(Exception):
    pass


def slack_command(args: argparse.Namespace) -> int:
    if (args.line is None) == (args.click is None):
        raise UsageError('give a command ("/status") or --click ACTION --message TS')
    if args.click is not None and not args.message:
        raise UsageError("--click needs --message TS (the ts of the message in the channel)")
    if args.line is not None and args.line.split(" ", 1)[0] not in COMMANDS:
        raise UsageError(f"{args.line.split(' ', 1)[0]!r} is not one of {', '.join(COMMANDS)}")
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    settings = load_settings(**overrides)
    try:
        shown = _exchange(args, settings)
    except _Failed as exc:
        print(f"error: {exc}")
        return 1
    for answer_body in shown:
        print(show(answer_body))
    return 0


def _exchange(args: argparse.Namespace, settings: Settings) -> list[dict[str, Any]]:
    """Send the command or click, signed; the answers it was shown. Raises _Failed."""
    runtime = _runtime(Path(settings.data_dir))
    slack = str((runtime.get("sandbox") or {}).get("slack") or "").rstrip("/")
    if not slack:
        raise _Failed("this dealdesk talks to the real Slack: its answers show there")
    secret = (
        settings.slack_signing_secret.get_secret_value()
        if settings.slack_signing_secret is not None
        else SANDBOX_SIGNING_SECRET
    )
    response_url = f"{slack}/response/X{secrets.token_hex(8)}"
    if args.line is not None:
        command, _, text = args.line.strip().partition(" ")
        body = slash_command(command, text, args.user, response_url)
    else:
        token = str((runtime.get("sandbox_tokens") or {}).get("slack") or "")
        channel, message = _message(slack, token, settings.slack_team_channel, args.message)
        body = button_click(
            args.click, _value(message, args.click), args.user, response_url,
            channel_id=channel, message=message,
        )  # fmt: skip
    status, answer = _post(f"{runtime['http']}/slack/events", body, sign(secret, body))
    if status != 200:
        raise _Failed(f"dealdesk answered {status}: {answer[:300]}")
    shown: list[dict[str, Any]] = _get(f"{response_url}?wait={WAIT_S}")["answers"]
    if not shown:
        raise _Failed(f"no answer within {WAIT_S:g} s")
    return shown


def show(answer: dict[str, Any]) -> str:
    """An answer as Slack shows it, in plain lines (who sees it, then its blocks or text)."""
    lines = [f"[{answer.get('response_type', 'ephemeral')}]"]
    blocks = answer.get("blocks") or []
    for block in blocks:
        if block.get("type") in ("section", "header"):
            lines.append(block["text"]["text"])
        elif block.get("type") == "context":
            lines.extend(e.get("text", "") for e in block.get("elements", []))
        elif block.get("type") == "actions":
            labels = [f"[{e['text']['text']}]({e['action_id']})" for e in block["elements"]]
            lines.append(" ".join(labels))
    if not blocks:
        lines.append(str(answer.get("text", "")))
    return "\n".join(lines)


def _runtime(data_dir: Path) -> dict[str, Any]:
    path = data_dir / RUNTIME_FILE
    try:
        runtime = json.loads(path.read_text(encoding="utf-8"))
        os.kill(int(runtime["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        raise _Failed(f"dealdesk is not running on {data_dir} (start it: python run.py)") from None
    if not isinstance(runtime, dict):
        raise _Failed(f"{path} is not a runtime file")
    return runtime


def _message(slack: str, token: str, channel: str, ts: str) -> tuple[str, dict[str, Any]]:
    """The team channel's message ``ts`` as Slack's history has it."""
    found = _post(
        f"{slack}/api/conversations.history",
        json.dumps({"channel": channel, "include_all_metadata": True, "limit": 1000}),
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )[1]
    history = json.loads(found)
    for message in history.get("messages") or []:
        if message.get("ts") == ts:
            listed = _post(
                f"{slack}/api/conversations.list", "{}",
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )[1]  # fmt: skip
            ids = {c["name"]: c["id"] for c in json.loads(listed).get("channels") or []}
            return ids.get(channel.lstrip("#"), channel), message
    raise _Failed(f"no message {ts} in {channel}")


def _value(message: dict[str, Any], action_id: str) -> str:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str(element.get("value", ""))
    raise _Failed(f"the message has no button {action_id!r}")


def _post(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")  # noqa: S310 - loopback URLs from runtime.json
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - as above
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode()
    except OSError as exc:
        raise _Failed(f"cannot reach {url.split('?', maxsplit=1)[0]}: {exc}") from None


def _get(url: str) -> Any:
    request = urllib.request.Request(url)  # noqa: S310 - loopback, as above
    try:
        with urllib.request.urlopen(request, timeout=WAIT_S + 10) as response:  # noqa: S310
            return json.loads(response.read().decode())
    except (OSError, ValueError) as exc:
        raise _Failed(f"cannot read {url.split('?', maxsplit=1)[0]}: {exc}") from None
