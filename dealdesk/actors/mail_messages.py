"""What the Mailroom is told, and what it tells the negotiation's campaign supervisor."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EmailFailed", "EmailSent", "PollMailbox", "ReplyArrived", "SendPending"]


@dataclass(frozen=True)
class SendPending:
    """Command: send what the outbox holds, as fast as the mailbox's limits allow (a negotiation
    tells it after committing an email; the Mailroom tells itself when a limit lifts: ``timer``,
    its wake-up timer has fired)."""

    timer: bool = False


@dataclass(frozen=True)
class PollMailbox:
    """Command: read the mailbox's history now (``scheduled``: from the poll timer, which then
    schedules the next poll; a Gmail push sends one unscheduled)."""

    scheduled: bool = False


@dataclass(frozen=True)
class EmailSent:
    """Event: an outbox email is in the mailbox (Gmail answered, or reading the mailbox found
    it)."""

    negotiation_id: str
    message_id: str
    gmail_id: str
    thread_id: str | None


@dataclass(frozen=True)
class EmailFailed:
    """Event: an outbox email will not be sent (``final``) or could not be sent now, or came
    back as a bounce (``bounce``: the bounce's Gmail id, recorded ``routed`` for the
    negotiation to take)."""

    negotiation_id: str
    message_id: str
    reason: str
    final: bool
    bounce: str | None = None


@dataclass(frozen=True)
class ReplyArrived:
    """Event: a message for this negotiation is recorded (``mail_received``, status ``routed``)
    and waits for the negotiation to take it; ``kind`` is reply, auto_reply or bounce."""

    negotiation_id: str
    gmail_id: str
    kind: str
