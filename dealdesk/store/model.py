"""Vocabulary shared by writes and reads: event types, statuses, and the one timestamp format.

Timestamps are stored as UTC ISO 8601 text with milliseconds and a ``Z`` suffix
(``2026-11-22T09:00:00.000Z``): fixed width, so text order is time order and range queries are
plain comparisons that use the indexes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum, StrEnum

from dealdesk.errors import InvalidInput

__all__ = [
    "AuditKind",
    "Direction",
    "EmailPriority",
    "InboundKind",
    "InboundStatus",
    "OutboxStatus",
    "ReminderStatus",
    "iso_ms",
    "parse_iso",
]


class AuditKind(StrEnum):
    """What an audit entry records. Add members here; the column is plain text (no migration)."""

    EMAIL_SENT = "email_sent"
    EMAIL_RECEIVED = "email_received"
    EMAIL_SKIPPED = "email_skipped"
    STATE_TRANSITION = "state_transition"
    OFFER_DECIDED = "offer_decided"
    ESCALATION = "escalation"
    AGREEMENT = "agreement"
    REJECTION = "rejection"
    TAKEOVER = "takeover"
    RELEASE = "release"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    REMINDER_FIRED = "reminder_fired"
    CAMPAIGN_START = "campaign_start"
    CAMPAIGN_UPDATE = "campaign_update"
    CAMPAIGN_REJECTED = "campaign_rejected"
    CAMPAIGN_INFLUENCER_SKIP = "campaign_influencer_skip"
    CAMPAIGN_COMPLETED = "campaign_completed"
    WEBHOOK_RECEIVED = "webhook_received"
    LLM = "llm"  # a model call: job, outcome, tokens, cost; why the guard refused a draft
    WEBHOOK_DUPLICATE = "webhook_duplicate"
    DO_NOT_CONTACT = "do_not_contact"
    SLACK_COMMAND = "slack_command"
    REVIEW = "review"  # a person sent (perhaps edited) or discarded a draft in Slack
    ERROR = "error"


class Direction(StrEnum):
    SENT = "sent"
    RECEIVED = "received"


class OutboxStatus(StrEnum):
    """Where an outbox email stands. ``sending``: the request may be in flight; ``in_doubt``:
    Gmail may have acted on it (settled by reading the mailbox, never by resending); ``held``:
    reading could not settle it, a human must look."""

    PENDING = "pending"
    SENDING = "sending"
    IN_DOUBT = "in_doubt"
    HELD = "held"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class EmailPriority(IntEnum):
    """Which waiting email goes first: a conversation is never starved by a big campaign."""

    REPLY = 0  # an answer in a live negotiation
    FOLLOW_UP = 1
    OUTREACH = 2


class InboundKind(StrEnum):
    REPLY = "reply"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    OURS = "ours"  # our own message, seen in the history: never a reply
    UNKNOWN_THREAD = "unknown_thread"


class InboundStatus(StrEnum):
    ROUTED = "routed"  # recorded against its negotiation, not yet taken by it
    DELIVERED = "delivered"
    IGNORED = "ignored"


class ReminderStatus(StrEnum):
    PENDING = "pending"
    FIRED = "fired"
    CANCELLED = "cancelled"


def iso_ms(moment: datetime) -> str:
    """``moment`` as stored: UTC, ISO 8601, milliseconds, ``Z``. Naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(f"timestamp {moment.isoformat()} has no time zone (UTC expected)")
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def parse_iso(text: str) -> datetime:
    """Read a stored timestamp back as an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)
