"""Messages of the Slack console the actors exchange: the person's decision on one negotiation,
told through its campaign's supervisor (which activates it if it rests). The console's requests
and answers are wire values of ``dealdesk.integrations.slack.requests``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dealdesk.integrations.slack.requests import (
    ButtonClick,
    ConsoleAnswer,
    SlashCommand,
    SubmitEdit,
)

if TYPE_CHECKING:
    from dealdesk.domain import Event

__all__ = ["ButtonClick", "ConsoleAnswer", "HumanDecision", "SlashCommand", "SubmitEdit"]


@dataclass(frozen=True)
class HumanDecision:
    """Tell: a person's decision on one negotiation, as the domain event it is (takeover,
    release with an approved cap, pause, resume, stop). Routed like the Mailroom's news."""

    negotiation_id: str
    event: Event = field(repr=False)
