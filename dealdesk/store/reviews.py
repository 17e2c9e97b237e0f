"""Review before send: drafts a person sends (perhaps edited) or discards before they may leave.

While a review is ``waiting`` the outbox holds its email (``controls.HELD_BY_CONTROL``). The
review keeps the decided email (the domain's ``SendEmail``, as JSON) so an edited text is checked
by the same guard as the agent's, and the key of the Slack message that shows the draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dealdesk.store.errors import StoreError
from dealdesk.store.ops import Plan, Stmt, StoreOp, check_text, required_text, to_json
from dealdesk.store.queries import Query, Rows, _loads

__all__ = ["AlreadyReviewed", "RequestReview", "ReviewRecord", "SettleReview", "review_query"]


@dataclass(frozen=True, slots=True)
class RequestReview(StoreOp[None]):
    message_id: str
    negotiation_id: str
    campaign_id: str | None
    email: dict[str, Any]
    notification_key: str

    def __post_init__(self) -> None:
        required_text("message_id", self.message_id)
        required_text("negotiation_id", self.negotiation_id)
        check_text("notification_key", self.notification_key)

    def plan(self, now: str) -> Plan[None]:
        yield Stmt(
            "INSERT INTO reviews (message_id, negotiation_id, campaign_id, status, email, "
            "notification_key, created_at, updated_at) VALUES (?, ?, ?, 'waiting', ?, ?, ?, ?) "
            "ON CONFLICT (message_id) DO NOTHING",
            (self.message_id, self.negotiation_id, self.campaign_id,
             to_json("email", self.email), self.notification_key, now, now),
        )  # fmt: skip


class AlreadyReviewed(StoreError):
    """The draft was no longer waiting (someone decided first): its transaction changes nothing."""


@dataclass(frozen=True, slots=True)
class SettleReview(StoreOp[None]):
    """``waiting`` → ``sent`` or ``discarded`` by ``reviewer``; with ``text``, the outbox email's
    words are replaced first (an edit: its HTML part goes, the text is what was checked).
    Raises :class:`AlreadyReviewed` if it was no longer waiting, failing its transaction."""

    message_id: str
    status: str
    reviewer: str
    text: str | None = None

    def __post_init__(self) -> None:
        if self.status not in ("sent", "discarded"):
            raise ValueError(f"a review cannot be settled as {self.status!r}")
        required_text("reviewer", self.reviewer)
        check_text("text", self.text)

    def plan(self, now: str) -> Plan[None]:
        result = yield Stmt(
            "UPDATE reviews SET status = ?, reviewer = ?, edited = ?, updated_at = ? "
            "WHERE message_id = ? AND status = 'waiting'",
            (self.status, self.reviewer, int(self.text is not None), now, self.message_id),
        )
        if result.rowcount != 1:
            raise AlreadyReviewed(f"draft {self.message_id} was already reviewed")
        if self.text is not None:
            yield Stmt(
                "UPDATE outbox SET rendered = ?, html = NULL, updated_at = ? "
                "WHERE message_id = ? AND status = 'pending'",
                (self.text, now, self.message_id),
            )


@dataclass(frozen=True)
class ReviewRecord:
    message_id: str
    negotiation_id: str
    campaign_id: str | None
    status: str
    email: dict[str, Any]
    notification_key: str | None
    reviewer: str | None
    subject: str
    text: str


def review_query(message_id: str) -> Query[ReviewRecord | None]:
    """A review with its email's subject and current words."""

    def one(rows: Rows) -> ReviewRecord | None:
        if not rows:
            return None
        r = rows[0]
        return ReviewRecord(r[0], r[1], r[2], r[3], _loads(r[4]) or {}, r[5], r[6], r[7], r[8])

    return Query(
        "SELECT r.message_id, r.negotiation_id, r.campaign_id, r.status, r.email, "
        "r.notification_key, r.reviewer, o.subject, o.rendered FROM reviews r "
        "JOIN outbox o ON o.message_id = r.message_id WHERE r.message_id = ?",
        (message_id,),
        one,
    )
