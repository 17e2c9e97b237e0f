"""config/slack-manifest.yaml declares exactly the console's commands, all at /slack/events, with
interactivity there too and the scopes the console and the Notifier use."""

from __future__ import annotations

from pathlib import Path

import yaml

from dealdesk.integrations.slack.commands import COMMANDS

MANIFEST = Path(__file__).resolve().parents[2] / "config" / "slack-manifest.yaml"


def test_the_manifest_declares_every_command_and_the_interactivity_at_slack_events():
    manifest = yaml.safe_load(MANIFEST.read_text())
    commands = manifest["features"]["slash_commands"]
    assert tuple(c["command"] for c in commands) == COMMANDS
    assert {c["url"] for c in commands} == {"https://dealdesk.example.com/slack/events"}
    interactivity = manifest["settings"]["interactivity"]
    assert interactivity == {
        "is_enabled": True,
        "request_url": "https://dealdesk.example.com/slack/events",
    }
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "channels:history", "channels:read"} <= scopes
