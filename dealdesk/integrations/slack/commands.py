"""The console's slash commands as typed values: their text parsed, or the usage line to answer.

An edge module (no I/O): ``parse_command(command, text)`` answers a frozen value or raises
:class:`CommandError`, whose message is what the user is shown (the command's usage line and
what was wrong). ``help`` (or an empty text where a target is needed) answers :class:`Help`.
Wire facts: a slash command's ``command`` field is the command with its slash (``/audit``) and
``text`` everything typed after it (../shared/reference-wire-formats.md §2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from dealdesk.errors import InvalidInput

__all__ = [
    "COMMANDS",
    "USAGE",
    "AuditQuery",
    "CommandError",
    "Control",
    "Help",
    "StatusQuery",
    "parse_command",
]

USAGE = {
    "/audit": "/audit [influencer:<name>] [campaign:<id>] [last:<24h|7d|30d>] [event:<type>]",
    "/status": "/status [campaign id]",
    "/takeover": "/takeover <influencer name | email | thread link>",
    "/release": "/release <influencer name | email | thread link>",
    "/pause": "/pause <influencer name | email | campaign:<id> | all>",
    "/resume": "/resume <influencer name | email | campaign:<id> | all>",
    "/stop": "/stop <influencer name | email | campaign:<id> | all>",
}
COMMANDS = tuple(USAGE)
CONTROLS = ("/takeover", "/release", "/pause", "/resume", "/stop")
_KEYS = ("influencer", "campaign", "last", "event")
_SPAN = re.compile(r"^(\d{1,4})([hdw])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


class CommandError(InvalidInput):
    """What was wrong with a command's text; the message is shown as it is."""


@dataclass(frozen=True)
class Help:
    command: str


@dataclass(frozen=True)
class AuditQuery:
    influencer: str | None = None
    campaign_id: str | None = None
    last: timedelta | None = None
    last_text: str | None = None
    event_type: str | None = None

    def cli(self) -> str:
        """The CLI command that lists every match (the console shows the newest few)."""
        parts = ["python run.py audit"]
        for flag, value in (
            ("--influencer", self.influencer),
            ("--campaign", self.campaign_id),
            ("--last", self.last_text),
            ("--event-type", self.event_type),
        ):
            if value is not None:
                parts.append(f"{flag} {_quote(value)}")
        return " ".join(parts) + " --limit 1000"


@dataclass(frozen=True)
class StatusQuery:
    campaign_id: str | None = None


@dataclass(frozen=True)
class Control:
    """``/takeover``, ``/release``, ``/pause``, ``/resume`` or ``/stop`` of one target: an
    influencer (name, email or thread link), a campaign (``campaign:<id>``) or ``all``."""

    action: str  # the command without its slash
    influencer: str | None = None
    campaign_id: str | None = None
    everything: bool = False


def _quote(value: str) -> str:
    return f"'{value}'" if re.search(r"[^\w@.\-]", value) else value


def _fail(command: str, why: str) -> CommandError:
    return CommandError(f"{why}\nUsage: `{USAGE[command]}`")


def parse_command(command: str, text: str) -> Help | AuditQuery | StatusQuery | Control:
    command = command.strip().lower()
    if command not in USAGE:
        raise CommandError(f"unknown command {command}; known: {', '.join(COMMANDS)}")
    text = " ".join(text.split())
    if text.lower() in ("help", "-h", "--help", "?"):
        return Help(command)
    if command == "/audit":
        return _audit(text)
    if command == "/status":
        if len(text.split()) > 1:
            raise _fail(command, "one campaign id at most")
        return StatusQuery(text or None)
    return _control(command, text)


def _audit(text: str) -> AuditQuery:
    found: dict[str, str] = {}
    pieces = re.split(r"(?:^|\s)(\w+):", text)
    if pieces[0].strip():
        raise _fail("/audit", f"{pieces[0].strip()!r} is not a filter (write key:value)")
    for raw_key, raw_value in zip(pieces[1::2], pieces[2::2], strict=True):
        key, value = raw_key.lower(), raw_value.strip()
        if key not in _KEYS:
            raise _fail("/audit", f"unknown filter {key!r} (known: {', '.join(_KEYS)})")
        if not value:
            raise _fail("/audit", f"{key}: needs a value")
        if key in found:
            raise _fail("/audit", f"{key}: given twice")
        found[key] = value
    last = None
    if "last" in found:
        match = _SPAN.match(found["last"].lower())
        if match is None or int(match.group(1)) == 0:
            raise _fail("/audit", f"last: must look like 24h, 7d or 30d, got {found['last']!r}")
        last = int(match.group(1)) * _UNITS[match.group(2)]
    return AuditQuery(
        influencer=found.get("influencer"),
        campaign_id=found.get("campaign"),
        last=last,
        last_text=found.get("last", "").lower() or None,
        event_type=found.get("event", "").lower() or None,
    )


def _control(command: str, text: str) -> Control | Help:
    action = command.lstrip("/")
    if not text:
        raise _fail(command, "say whose negotiation")
    if text.lower() == "all":
        if command in ("/takeover", "/release"):
            raise _fail(command, "one influencer at a time")
        return Control(action, everything=True)
    if text.lower().startswith("campaign:"):
        if command in ("/takeover", "/release"):
            raise _fail(command, "one influencer at a time")
        campaign_id = text.split(":", 1)[1].strip()
        if not campaign_id:
            raise _fail(command, "campaign: needs an id")
        return Control(action, campaign_id=campaign_id)
    return Control(action, influencer=text.strip("<>"))
