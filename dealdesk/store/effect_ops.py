"""Typed writes for what a negotiation sets in motion: durable reminders, counted errors, the mail
cursor and the do-not-contact list (the outbox is :mod:`dealdesk.store.outbox`'s). See
:mod:`dealdesk.store.ops` for how a plan runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dealdesk.store.errors import StoreError
from dealdesk.store.model import iso_ms
from dealdesk.store.ops import (
    Plan,
    Stmt,
    StoreOp,
    check_texts,
    require_texts,
    to_json,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

__all__ = [
    "AddDoNotContact",
    "AddReminder",
    "CancelReminder",
    "CancelReminders",
    "CountErrorReport",
    "MarkErrorPosted",
    "MarkReminderFired",
    "RemoveDoNotContact",
    "SetMailCursor",
]


# -- reminders -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AddReminder(StoreOp[None]):
    """Schedule (or re-schedule, by id) a durable reminder."""

    reminder_id: str
    negotiation_id: str
    kind: str
    due_at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_texts(
            reminder_id=self.reminder_id, negotiation_id=self.negotiation_id, kind=self.kind
        )
        iso_ms(self.due_at)

    def plan(self, now: str) -> Plan[None]:
        yield Stmt(
            "INSERT INTO reminders (reminder_id, negotiation_id, kind, due_at, payload, status, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) "
            "ON CONFLICT (reminder_id) DO UPDATE SET negotiation_id = excluded.negotiation_id, "
            "kind = excluded.kind, due_at = excluded.due_at, payload = excluded.payload, "
            "status = 'pending', updated_at = excluded.updated_at",
            (self.reminder_id, self.negotiation_id, self.kind, iso_ms(self.due_at),
             to_json("payload", self.payload), now, now),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class CancelReminder(StoreOp[bool]):
    """Cancel one pending reminder; answers whether it was pending."""

    reminder_id: str

    def plan(self, now: str) -> Plan[bool]:
        result = yield Stmt(
            "UPDATE reminders SET status = 'cancelled', updated_at = ? "
            "WHERE reminder_id = ? AND status = 'pending'",
            (now, self.reminder_id),
        )
        return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class CancelReminders(StoreOp[int]):
    """Cancel a negotiation's pending reminders (of one ``kind``, or all); answers how many."""

    negotiation_id: str
    kind: str | None = None

    def plan(self, now: str) -> Plan[int]:
        result = yield Stmt(
            "UPDATE reminders SET status = 'cancelled', updated_at = ? WHERE negotiation_id = ? "
            "AND status = 'pending' AND (? IS NULL OR kind = ?)",
            (now, self.negotiation_id, self.kind, self.kind),
        )
        return result.rowcount


@dataclass(frozen=True, slots=True)
class MarkReminderFired(StoreOp[bool]):
    reminder_id: str

    def plan(self, now: str) -> Plan[bool]:
        result = yield Stmt(
            "UPDATE reminders SET status = 'fired', updated_at = ? "
            "WHERE reminder_id = ? AND status = 'pending'",
            (now, self.reminder_id),
        )
        return result.rowcount == 1


# -- errors, mail cursor, do-not-contact ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountErrorReport(StoreOp[int]):
    """Count one occurrence of a failure by fingerprint; answers the running count."""

    fingerprint: str
    service: str
    operation: str
    kind: str
    message: str

    def __post_init__(self) -> None:
        require_texts(fingerprint=self.fingerprint)
        check_texts(service=self.service, operation=self.operation, kind=self.kind,
               message=self.message)  # fmt: skip

    def plan(self, now: str) -> Plan[int]:
        result = yield Stmt(
            "INSERT INTO errors (fingerprint, service, operation, kind, message, count, "
            "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, 1, ?, ?) "
            "ON CONFLICT (fingerprint) DO UPDATE SET count = count + 1, "
            "message = excluded.message, last_seen = excluded.last_seen RETURNING count",
            (self.fingerprint, self.service, self.operation, self.kind, self.message, now, now),
            fetch=True,
        )
        return int(result.rows[0][0])


@dataclass(frozen=True, slots=True)
class MarkErrorPosted(StoreOp[None]):
    fingerprint: str

    def plan(self, now: str) -> Plan[None]:
        result = yield Stmt(
            "UPDATE errors SET posted_at = ?, posted_count = count WHERE fingerprint = ?",
            (now, self.fingerprint),
        )
        if result.rowcount != 1:
            raise StoreError(f"no error with fingerprint {self.fingerprint!r}")


@dataclass(frozen=True, slots=True)
class SetMailCursor(StoreOp[None]):
    """Advance a mailbox's history cursor (only after its messages are recorded)."""

    mailbox: str
    history_id: str

    def __post_init__(self) -> None:
        require_texts(mailbox=self.mailbox, history_id=self.history_id)

    def plan(self, now: str) -> Plan[None]:
        yield Stmt(
            "INSERT INTO mail_cursor (mailbox, history_id, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (mailbox) DO UPDATE SET history_id = excluded.history_id, "
            "updated_at = excluded.updated_at",
            (self.mailbox, self.history_id, now),
        )


@dataclass(frozen=True, slots=True)
class AddDoNotContact(StoreOp[bool]):
    """Never contact ``email`` again; answers False if it was already listed."""

    email: str
    reason: str
    source: str = "operator"

    def __post_init__(self) -> None:
        require_texts(email=self.email, reason=self.reason, source=self.source)

    def plan(self, now: str) -> Plan[bool]:
        result = yield Stmt(
            "INSERT INTO do_not_contact (email, reason, source, added_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (email) DO NOTHING",
            (self.email, self.reason, self.source, now),
        )
        return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class RemoveDoNotContact(StoreOp[bool]):
    """Take ``email`` (an address or a domain entry) off the list; False if it was not there."""

    email: str

    def __post_init__(self) -> None:
        require_texts(email=self.email)

    def plan(self, now: str) -> Plan[bool]:  # noqa: ARG002 - a delete needs no time
        result = yield Stmt("DELETE FROM do_not_contact WHERE email = ?", (self.email,))
        return result.rowcount == 1
