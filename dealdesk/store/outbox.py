"""The outbox: every email dealdesk sends, written before it is sent, under its deterministic
Message-ID, and moved through its states by the Mailroom that owns its mailbox.

``pending`` → ``sending`` (claimed: the request may now be in flight) → ``sent`` (with Gmail's
ids) | ``pending`` again (provably not acted on: tried later, ``not_before``) | ``in_doubt``
(Gmail may have acted on it) → ``sent`` or ``pending`` once the mailbox was read, or ``held``
when reading could not tell (a human decides) | ``failed`` (refused for good). A negotiation
writes the email in the same transaction as its state change (:class:`InsertOutbox`); a
Message-ID already in the outbox is never inserted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dealdesk.errors import InvalidInput
from dealdesk.store.controls import HELD_BY_CONTROL
from dealdesk.store.errors import StoreError
from dealdesk.store.model import EmailPriority, OutboxStatus, iso_ms
from dealdesk.store.ops import Plan, Stmt, StoreOp, check_texts, require_texts
from dealdesk.store.queries import Query, Rows, where

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "ClaimOutbox",
    "InsertOutbox",
    "OutboxInserted",
    "OutboxRecord",
    "UpdateOutbox",
    "outbox_by_gmail_id_query",
    "outbox_counts_query",
    "outbox_query",
    "outbox_route_query",
    "sendable_query",
    "sent_since_query",
]

_STATUSES = {s.value for s in OutboxStatus}


@dataclass(frozen=True, slots=True)
class OutboxInserted:
    new: bool  # False: this Message-ID was already in the outbox (status tells what happened)
    status: OutboxStatus
    attempts: int


@dataclass(frozen=True, slots=True)
class InsertOutbox(StoreOp[OutboxInserted]):
    """Put an email in the outbox under its deterministic Message-ID, before it is sent.

    ``thread_id`` is the Gmail thread to reply in; ``in_reply_to`` and ``references`` the
    Message-IDs the reply answers; ``mailbox`` the address that sends it (empty: the default).
    """

    message_id: str
    negotiation_id: str
    recipient: str
    subject: str
    rendered: str
    campaign_id: str | None = None
    thread_id: str | None = None
    mailbox: str = ""
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    html: str | None = None
    priority: EmailPriority = EmailPriority.OUTREACH

    def __post_init__(self) -> None:
        require_texts(
            message_id=self.message_id, negotiation_id=self.negotiation_id, recipient=self.recipient
        )
        check_texts(subject=self.subject, rendered=self.rendered, campaign_id=self.campaign_id,
                    thread_id=self.thread_id, mailbox=self.mailbox, in_reply_to=self.in_reply_to,
                    html=self.html, references=" ".join(self.references))  # fmt: skip
        object.__setattr__(self, "priority", EmailPriority(self.priority))

    def plan(self, now: str) -> Plan[OutboxInserted]:
        result = yield Stmt(
            "INSERT INTO outbox (message_id, negotiation_id, campaign_id, mailbox, thread_id, "
            "in_reply_to, refs, recipient, subject, rendered, html, priority, status, attempts, "
            "created_at, updated_at, heard) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "'pending', 0, ?, ?, 0) ON CONFLICT (message_id) DO NOTHING",
            (self.message_id, self.negotiation_id, self.campaign_id, self.mailbox,
             self.thread_id, self.in_reply_to, " ".join(self.references), self.recipient,
             self.subject, self.rendered, self.html, int(self.priority), now, now),
        )  # fmt: skip
        if result.rowcount == 1:
            return OutboxInserted(new=True, status=OutboxStatus.PENDING, attempts=0)
        found = yield Stmt(
            "SELECT status, attempts FROM outbox WHERE message_id = ?",
            (self.message_id,),
            fetch=True,
        )
        status, attempts = found.rows[0]
        return OutboxInserted(new=False, status=OutboxStatus(status), attempts=int(attempts))


@dataclass(frozen=True, slots=True)
class ClaimOutbox(StoreOp[bool]):
    """``pending`` → ``sending``, counting the attempt; False if it was no longer pending (sent
    meanwhile, cancelled, or claimed by another activation): then it must not be sent."""

    message_id: str

    def plan(self, now: str) -> Plan[bool]:
        result = yield Stmt(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ? "
            "WHERE message_id = ? AND status = 'pending'",
            (now, self.message_id),
        )
        return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class UpdateOutbox(StoreOp[None]):
    """Move an outbox email to ``status``; ``attempted`` counts one more send attempt.

    ``gmail_id``/``gmail_thread_id`` record what Gmail answered (``sent``); ``not_before`` is when
    a ``pending`` email may be tried again; ``expect`` refuses the move unless the email is in
    one of those states (a ``StoreError``), so two owners can never both move it.
    """

    message_id: str
    status: OutboxStatus | str
    attempted: bool = False
    error: str | None = None
    gmail_id: str | None = None
    gmail_thread_id: str | None = None
    not_before: datetime | None = None
    expect: tuple[OutboxStatus, ...] = ()

    def __post_init__(self) -> None:
        if str(self.status) not in _STATUSES:
            raise InvalidInput(f"unknown outbox status {self.status!r}")
        object.__setattr__(self, "status", OutboxStatus(self.status))
        check_texts(error=self.error, gmail_id=self.gmail_id, gmail_thread_id=self.gmail_thread_id)
        if self.not_before is not None:
            iso_ms(self.not_before)  # refuses a naive datetime here, on the caller's thread

    def plan(self, now: str) -> Plan[None]:
        status = OutboxStatus(self.status).value
        not_before = iso_ms(self.not_before) if self.not_before is not None else None
        expected = [s.value for s in self.expect] or sorted(_STATUSES)
        marks = ",".join("?" * len(expected))
        result = yield Stmt(
            "UPDATE outbox SET status = ?, attempts = attempts + ?, last_error = ?, "  # noqa: S608
            "updated_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END, "
            "gmail_id = coalesce(?, gmail_id), gmail_thread_id = coalesce(?, gmail_thread_id), "
            f"not_before = ? WHERE message_id = ? AND status IN ({marks})",
            (status, int(self.attempted), self.error, now, status, now, self.gmail_id,
             self.gmail_thread_id, not_before, self.message_id, *expected),
        )  # fmt: skip
        if result.rowcount != 1:
            raise StoreError(
                f"no outbox email with Message-ID {self.message_id!r}"
                + (f" in state {', '.join(expected)}" if self.expect else "")
            )


@dataclass(frozen=True, slots=True)
class MarkOutboxHeard(StoreOp[None]):
    """The email's negotiation has taken its outcome (in the step this op commits with)."""

    message_id: str

    def __post_init__(self) -> None:
        require_texts(message_id=self.message_id)

    def plan(self, now: str) -> Plan[None]:  # noqa: ARG002 - no time to record
        yield Stmt("UPDATE outbox SET heard = 1 WHERE message_id = ?", (self.message_id,))
        return None


# -- reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRecord:
    message_id: str
    negotiation_id: str
    campaign_id: str | None
    thread_id: str | None
    recipient: str
    subject: str
    rendered: str
    status: str
    attempts: int
    last_error: str | None
    created_at: str
    updated_at: str
    sent_at: str | None
    mailbox: str = ""
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    html: str | None = None
    priority: int = int(EmailPriority.OUTREACH)
    not_before: str | None = None
    gmail_id: str | None = None
    gmail_thread_id: str | None = None


_OUTBOX_SELECT = (
    "SELECT message_id, negotiation_id, campaign_id, thread_id, recipient, subject, rendered, "
    "status, attempts, last_error, created_at, updated_at, sent_at, mailbox, in_reply_to, refs, "
    "html, priority, not_before, gmail_id, gmail_thread_id FROM outbox"
)


def _records(rows: Rows) -> list[OutboxRecord]:
    return [
        OutboxRecord(
            message_id=r[0],
            negotiation_id=r[1],
            campaign_id=r[2],
            thread_id=r[3],
            recipient=r[4],
            subject=r[5],
            rendered=r[6],
            status=r[7],
            attempts=int(r[8]),
            last_error=r[9],
            created_at=r[10],
            updated_at=r[11],
            sent_at=r[12],
            mailbox=r[13],
            in_reply_to=r[14],
            references=tuple(str(r[15]).split()),
            html=r[16],
            priority=int(r[17]),
            not_before=r[18],
            gmail_id=r[19],
            gmail_thread_id=r[20],
        )
        for r in rows
    ]


def outbox_query(
    *,
    status: str | None = None,
    negotiation_id: str | None = None,
    message_id: str | None = None,
    mailbox: str | None = None,
) -> Query[list[OutboxRecord]]:
    clause, params = where(
        status=status, negotiation_id=negotiation_id, message_id=message_id, mailbox=mailbox
    )
    return Query(
        f"{_OUTBOX_SELECT} WHERE {clause} ORDER BY created_at, message_id",
        params,
        _records,
    )


def sendable_query(mailbox: str, now: datetime, limit: int) -> Query[list[OutboxRecord]]:
    """Pending emails of ``mailbox`` that may go now: replies first, then follow-ups, then
    outreach; oldest first within each. None the team holds (a takeover, a pause or a stop of
    its negotiation or campaign, or the kill switch: ``controls``)."""
    return Query(
        f"{_OUTBOX_SELECT} WHERE status = 'pending' AND mailbox = ? AND "
        f"(not_before IS NULL OR not_before <= ?) AND NOT {HELD_BY_CONTROL} "
        "ORDER BY priority, created_at, message_id LIMIT ?",
        (mailbox, iso_ms(now), limit),
        _records,
    )


def sent_since_query(mailbox: str, since: datetime) -> Query[list[str]]:
    """When each email of ``mailbox`` sent at or after ``since`` went (for the caps)."""
    return Query(
        "SELECT sent_at FROM outbox WHERE mailbox = ? AND sent_at >= ? ORDER BY sent_at",
        (mailbox, iso_ms(since)),
        lambda rows: [str(r[0]) for r in rows],
    )


def outbox_by_gmail_id_query(gmail_id: str) -> Query[str | None]:
    """The email of ours recorded as sent as Gmail message ``gmail_id``, if any (a rare read:
    the settling of an uncertain send, so no index of its own)."""
    return Query(
        "SELECT message_id FROM outbox WHERE gmail_id = ? LIMIT 1",
        (gmail_id,),
        lambda rows: str(rows[0][0]) if rows else None,
    )


def outbox_route_query(
    gmail_thread_id: str | None, message_ids: tuple[str, ...]
) -> Query[str | None]:
    """The negotiation a received message answers: by the Gmail thread of an email we sent, else
    by a Message-ID of ours it names (In-Reply-To, References)."""
    marks = ",".join(f"?{i}" for i in range(2, len(message_ids) + 2)) or "NULL"  # ?1: thread
    return Query(
        f"SELECT negotiation_id FROM outbox WHERE message_id IN ({marks}) OR "  # noqa: S608
        "(gmail_thread_id = ?1 AND ?1 IS NOT NULL) "
        "ORDER BY (gmail_thread_id = ?1) DESC, created_at DESC LIMIT 1",
        (gmail_thread_id, *message_ids),
        lambda rows: str(rows[0][0]) if rows else None,
    )


def outbox_counts_query(
    mailbox: str, statuses: tuple[OutboxStatus, ...] = ()
) -> Query[dict[str, int]]:
    """How many emails of ``mailbox`` are in each state (only ``statuses``, when given: counted
    through the status index, so the cost is theirs, not every email's ever sent)."""
    only = ""
    if statuses:
        only = f" AND status IN ({','.join('?' * len(statuses))})"
    return Query(
        f"SELECT status, count(*) FROM outbox WHERE mailbox = ?{only} GROUP BY status",  # noqa: S608
        (mailbox, *(OutboxStatus(s).value for s in statuses)),
        lambda rows: {str(r[0]): int(r[1]) for r in rows},
    )


def unheard_outcomes_query(
    *, campaign_id: str | None = None, negotiation_id: str | None = None
) -> Query[list[OutboxRecord]]:
    """Emails whose outcome (sent, failed, cancelled) their negotiation has not taken yet, in
    the order the outcomes came; of one negotiation, or of one campaign (through the partial
    index of unheard outcomes: only the filter given is named)."""
    column, value = (
        ("negotiation_id", negotiation_id)
        if negotiation_id is not None
        else ("campaign_id", campaign_id)
    )
    return Query(
        f"{_OUTBOX_SELECT} WHERE heard = 0 AND status IN ('sent', 'failed', 'cancelled') AND "
        f"{column} = ? ORDER BY updated_at, message_id",
        (value,),
        _records,
    )


def outcome_heard_query(message_id: str) -> Query[bool]:
    """Whether the email's negotiation has taken its outcome already (unknown emails: no)."""
    return Query(
        "SELECT heard FROM outbox WHERE message_id = ?",
        (message_id,),
        lambda rows: bool(rows and rows[0][0]),
    )
