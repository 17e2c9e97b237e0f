"""Received mail, exactly once: every message a mailbox's history shows is recorded here by its
Gmail id before anything acts on it, in the same transaction that moves the history cursor past
it (:class:`RecordInbound` with ``SetMailCursor``). A message recorded once is never recorded or
dispatched again; a routed message stays ``routed`` until its negotiation has taken it
(:class:`MarkInboundDelivered`), so a reply for a paused or human-held negotiation is kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dealdesk.store.model import InboundKind, InboundStatus, iso_ms
from dealdesk.store.ops import Plan, Stmt, StoreOp, check_texts, require_texts, to_json
from dealdesk.store.queries import Query, Rows, where

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

__all__ = [
    "InboundRecord",
    "MarkInboundDelivered",
    "RecordInbound",
    "inbound_known_query",
    "inbound_query",
    "negotiation_by_address_query",
]


@dataclass(frozen=True, slots=True)
class RecordInbound(StoreOp[bool]):
    """Record one received message; False if its Gmail id was recorded before (nothing changes)."""

    gmail_id: str
    mailbox: str
    received_at: datetime
    kind: InboundKind
    message_id: str | None = None
    thread_id: str | None = None
    from_addr: str | None = None
    subject: str | None = None
    negotiation_id: str | None = None
    body: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_texts(gmail_id=self.gmail_id, mailbox=self.mailbox)
        check_texts(message_id=self.message_id, thread_id=self.thread_id,
                    from_addr=self.from_addr, subject=self.subject,
                    negotiation_id=self.negotiation_id)  # fmt: skip
        iso_ms(self.received_at)
        object.__setattr__(self, "kind", InboundKind(self.kind))

    @property
    def status(self) -> InboundStatus:
        routed = self.negotiation_id is not None and self.kind is not InboundKind.OURS
        return InboundStatus.ROUTED if routed else InboundStatus.IGNORED

    def plan(self, now: str) -> Plan[bool]:
        result = yield Stmt(
            "INSERT INTO mail_received (gmail_id, mailbox, message_id, thread_id, from_addr, "
            "subject, received_at, kind, negotiation_id, body, status, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (gmail_id) DO NOTHING",
            (self.gmail_id, self.mailbox, self.message_id, self.thread_id, self.from_addr,
             self.subject, iso_ms(self.received_at), InboundKind(self.kind).value,
             self.negotiation_id, to_json("body", self.body), self.status.value, now),
        )  # fmt: skip
        return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class MarkInboundDelivered(StoreOp[bool]):
    """The negotiation took the message; False if it had already been delivered."""

    gmail_id: str

    def plan(self, now: str) -> Plan[bool]:
        result = yield Stmt(
            "UPDATE mail_received SET status = 'delivered', delivered_at = ? "
            "WHERE gmail_id = ? AND status = 'routed'",
            (now, self.gmail_id),
        )
        return result.rowcount == 1


# -- reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboundRecord:
    gmail_id: str
    mailbox: str
    message_id: str | None
    thread_id: str | None
    from_addr: str | None
    subject: str | None
    received_at: str
    kind: InboundKind
    negotiation_id: str | None
    body: dict[str, Any]
    status: InboundStatus
    delivered_at: str | None


def _records(rows: Rows) -> list[InboundRecord]:
    return [
        InboundRecord(
            gmail_id=r[0],
            mailbox=r[1],
            message_id=r[2],
            thread_id=r[3],
            from_addr=r[4],
            subject=r[5],
            received_at=r[6],
            kind=InboundKind(r[7]),
            negotiation_id=r[8],
            body=json.loads(r[9]),
            status=InboundStatus(r[10]),
            delivered_at=r[11],
        )
        for r in rows
    ]


def inbound_query(
    *,
    negotiation_id: str | None = None,
    status: InboundStatus | None = None,
    mailbox: str | None = None,
) -> Query[list[InboundRecord]]:
    """Received messages, oldest first (the order they reach their negotiation in)."""
    clause, params = where(
        negotiation_id=negotiation_id,
        status=None if status is None else InboundStatus(status).value,
        mailbox=mailbox,
    )
    return Query(
        "SELECT gmail_id, mailbox, message_id, thread_id, from_addr, subject, received_at, kind, "  # noqa: S608
        f"negotiation_id, body, status, delivered_at FROM mail_received WHERE {clause} "
        "ORDER BY received_at, gmail_id",
        params,
        _records,
    )


def inbound_known_query(gmail_ids: tuple[str, ...]) -> Query[set[str]]:
    """Which of these Gmail ids are recorded already."""
    marks = ",".join("?" * len(gmail_ids)) or "NULL"
    return Query(
        f"SELECT gmail_id FROM mail_received WHERE gmail_id IN ({marks})",  # noqa: S608 - marks
        gmail_ids,
        lambda rows: {str(r[0]) for r in rows},
    )


def negotiation_by_address_query(address: str) -> Query[str | None]:
    """The negotiation most recently emailed at ``address`` (routing's last resort, after the
    Gmail thread and the Message-IDs a reply names)."""
    return Query(
        "SELECT negotiation_id FROM outbox WHERE recipient = ? COLLATE NOCASE "
        "ORDER BY created_at DESC, rowid DESC LIMIT 1",
        (address.strip(),),
        lambda rows: str(rows[0][0]) if rows else None,
    )
