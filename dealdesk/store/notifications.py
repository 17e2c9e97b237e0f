"""The team's notifications: written before they are posted, posted once, in order per channel.

A notification is written by whatever causes it, in the same transaction where it can be (a
negotiation's step writes its agreement's or escalation's message with its row), under a ``key``
that names it once: writing the same key again is a no-op, so a step replayed after a crash or a
webhook delivered twice never makes a second message. The Notifier claims one (``posting``: the
post may now reach Slack), posts it, and marks it ``posted`` with Slack's ``ts``; a claim found
at start-up is settled by reading the channel for the key, never by posting again. ``failed`` is
Slack's refusal (an unknown channel, invalid blocks): recorded, reported, not retried.

``thread_of`` names another notification whose Slack thread this one replies in (a takeover's
replies go under its message: ``takeover:{negotiation}:*``, the newest takeover's); it is posted
after that one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dealdesk.store.ops import Plan, Stmt, StoreOp, check_text, required_text, to_json
from dealdesk.store.queries import Query, Rows, _loads

__all__ = [
    "ClaimNotification",
    "EnqueueNotification",
    "MarkNotification",
    "NotificationRecord",
    "notification_query",
    "waiting_notifications_query",
]

MAX_NOTIFICATION_TEXT = 40_000  # what Slack keeps of a message's text


@dataclass(frozen=True, slots=True)
class EnqueueNotification(StoreOp[bool]):
    """Queue one message for ``channel``; True if new, False if ``key`` was already queued."""

    key: str
    channel: str
    text: str
    blocks: tuple[dict[str, Any], ...] | None = None
    thread_of: str | None = None

    def __post_init__(self) -> None:
        required_text("key", self.key)
        required_text("channel", self.channel)
        check_text("text", self.text)
        check_text("thread_of", self.thread_of)
        object.__setattr__(self, "text", self.text[:MAX_NOTIFICATION_TEXT])

    def plan(self, now: str) -> Plan[bool]:
        blocks = None if self.blocks is None else to_json("blocks", list(self.blocks))
        result = yield Stmt(
            "INSERT INTO notifications (key, channel, text, blocks, thread_of, status, attempts, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) "
            "ON CONFLICT (key) DO NOTHING",
            (self.key, self.channel, self.text, blocks, self.thread_of, now, now),
        )
        return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class ClaimNotification(StoreOp[bool]):
    """``pending`` → ``posting``, counting the attempt; False if it was not pending."""

    key: str

    def plan(self, now: str) -> Plan[bool]:
        result = yield Stmt(
            "UPDATE notifications SET status = 'posting', attempts = attempts + 1, "
            "updated_at = ? WHERE key = ? AND status = 'pending'",
            (now, self.key),
        )
        return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class MarkNotification(StoreOp[None]):
    """Settle a claimed notification: ``posted`` (with its ``ts``), ``failed`` (Slack refused
    it), or ``pending`` again (it certainly did not reach Slack; it is tried again)."""

    key: str
    status: str
    ts: str | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        if self.status not in ("posted", "failed", "pending"):
            raise ValueError(f"a notification cannot be marked {self.status!r}")
        check_text("error", self.error)

    def plan(self, now: str) -> Plan[None]:
        yield Stmt(
            "UPDATE notifications SET status = ?, ts = coalesce(?, ts), error = ?, "
            "updated_at = ? WHERE key = ?",
            (self.status, self.ts, (self.error or "")[:500] or None, now, self.key),
        )


@dataclass(frozen=True)
class NotificationRecord:
    id: int
    key: str
    channel: str
    text: str
    blocks: list[dict[str, Any]] | None
    thread_of: str | None
    status: str
    attempts: int
    ts: str | None
    created_at: str


_SELECT = (
    "SELECT id, key, channel, text, blocks, thread_of, status, attempts, ts, created_at "
    "FROM notifications"
)


def _records(rows: Rows) -> list[NotificationRecord]:
    return [
        NotificationRecord(
            id=int(r[0]),
            key=r[1],
            channel=r[2],
            text=r[3],
            blocks=_loads(r[4]),
            thread_of=r[5],
            status=r[6],
            attempts=int(r[7]),
            ts=r[8],
            created_at=r[9],
        )
        for r in rows
    ]


def waiting_notifications_query(limit: int = 200) -> Query[list[NotificationRecord]]:
    """The oldest notification not yet settled (pending or claimed) of each channel: the only
    one of its channel that may be posted now (first in, first out)."""
    return Query(
        f"{_SELECT} WHERE id IN (SELECT min(id) FROM notifications "  # noqa: S608
        "WHERE status IN ('pending', 'posting') GROUP BY channel) ORDER BY id LIMIT ?",
        (limit,),
        _records,
    )


def _one(rows: Rows) -> NotificationRecord | None:
    found = _records(rows)
    return found[0] if found else None


def notification_query(key: str) -> Query[NotificationRecord | None]:
    """The notification ``key``; a key ending ``:*`` names the newest whose key starts so (a
    negotiation's latest takeover: ``takeover:{id}:*``)."""
    if key.endswith(":*"):
        prefix = key[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return Query(
            f"{_SELECT} WHERE key LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT 1",
            (prefix + "%",),
            _one,
        )
    return Query(f"{_SELECT} WHERE key = ?", (key,), _one)
