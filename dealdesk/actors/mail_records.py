"""What the Mailroom makes of an outbox email: the message to send, and the audit entry of what
became of it (pure functions of the outbox row; the Mailroom owns the I/O)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealdesk.integrations.gmail import OutgoingEmail
from dealdesk.store import AppendAudit, AuditKind, Direction

if TYPE_CHECKING:
    from datetime import datetime

    from dealdesk.store import OutboxRecord

__all__ = ["audit_entry", "held_text", "outgoing"]


def outgoing(record: OutboxRecord, mailbox: str, now: datetime) -> OutgoingEmail:
    """The email as it leaves ``mailbox``: its Message-ID and threading as the outbox holds them."""
    return OutgoingEmail(
        from_addr=mailbox,
        to=record.recipient,
        subject=record.subject,
        message_id=record.message_id,
        date=now,
        text=record.rendered,
        html=record.html,
        in_reply_to=record.in_reply_to,
        references=record.references,
    )


def audit_entry(
    kind: AuditKind, record: OutboxRecord, mailbox: str, **metadata: Any
) -> AppendAudit:
    """An audit entry for the email (the text itself only when it was sent)."""
    sent = kind is AuditKind.EMAIL_SENT
    return AppendAudit(
        kind,
        campaign_id=record.campaign_id,
        influencer_email=record.recipient,
        thread_id=metadata.get("thread"),
        direction=Direction.SENT if sent else None,
        email_body=record.rendered if sent else None,
        metadata={
            "message_id": record.message_id,
            "negotiation_id": record.negotiation_id,
            "subject": record.subject,
            "mailbox": mailbox,
            **metadata,
        },
    )


def held_text(record: OutboxRecord) -> str:
    """For the team: an email that may or may not have gone, held until Gmail can tell."""
    return (
        f':hourglass: An email to {record.recipient} ("{record.subject}") may or may not have '
        f"been sent, and Gmail could not be read to tell. It is held, not resent. "
        f"Message-ID {record.message_id}."
    )
