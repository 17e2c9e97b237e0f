"""What the console's users ask and what they are shown, as values: a verified slash command, a
button click, an edited draft, and the answer shown through ``response_url`` (or ``chat.update``).
Built by the bolt app from Slack's payloads; answered by the Console actor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ButtonClick", "ConsoleAnswer", "SlashCommand", "SubmitEdit"]


@dataclass(frozen=True)
class SlashCommand:
    """Ask: a verified slash command (``command`` with its slash, the ``text`` after it)."""

    command: str
    text: str
    user_id: str
    channel_id: str = ""


@dataclass(frozen=True)
class ButtonClick:
    """Ask: a verified click on one of our messages' buttons."""

    action_id: str
    value: str
    user_id: str
    channel_id: str
    message_ts: str
    message_text: str = ""
    message_blocks: tuple[dict[str, Any], ...] = ()
    trigger_id: str = ""


@dataclass(frozen=True)
class SubmitEdit:
    """Ask: a review modal's edited text, submitted (``key``: the draft's Message-ID)."""

    key: str
    text: str
    user_id: str
    channel_id: str = ""
    message_ts: str = ""
    message_text: str = ""


@dataclass(frozen=True)
class ConsoleAnswer:
    """What Slack shows the user: through ``response_url`` (``ephemeral`` to them alone, or
    ``in_channel``); ``replace_original`` replaces the message a button was clicked on."""

    text: str
    blocks: list[dict[str, Any]] | None = None
    response_type: str = "ephemeral"
    replace_original: bool = False
    view: dict[str, Any] | None = None  # a modal to open (the click's trigger_id)
    errors: str | None = None  # a modal's input refused: shown under it, the modal stays

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": self.text, "response_type": self.response_type}
        if self.blocks is not None:
            body["blocks"] = self.blocks
        if self.replace_original:
            body["replace_original"] = True
        return body
