"""The Mailroom's receiving side: the mailbox's history read exactly once. Runs on the Mailroom's
thread, with its client.

- The first read of a mailbox takes its current history id as the baseline (old mail is not
  "new"); after that ``history.list`` pages from the stored cursor. Each new message is fetched,
  parsed, classified and routed, and recorded (``mail_received``, with its audit entry) in ONE
  transaction with the cursor's move past it; only then is it dispatched. A crash before the
  commit re-reads the same history; a message recorded before is skipped by its Gmail id.
- A 404 (the cursor is too old) re-syncs: the history id is taken first, then ``messages.list``
  since the last message recorded (bounded), then the cursor moves to that id.
- Our own messages are never replies: listed SENT in the history (not even fetched), or, once
  fetched, from our address or with a Message-ID of our outbox (a talent manager and the
  creator writing in one thread are both read).
- Routing: the Gmail thread of an email we sent, then the Message-IDs the message names
  (In-Reply-To, References; a bounce's returned original), then the sender's address. Unknown
  threads are recorded, audited and ignored. A routed message stays ``routed`` until its
  negotiation takes it, so one for a paused or human-held negotiation is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from dealdesk.actors.mail_messages import EmailFailed, ReplyArrived
from dealdesk.integrations.gmail import HistoryTooOld, InboundEmail, is_ours, parse_message
from dealdesk.runtime.registry import campaign_name
from dealdesk.store import (
    AppendAudit,
    AuditKind,
    Direction,
    InboundKind,
    RecordInbound,
    SetMailCursor,
    inbound_known_query,
    inbound_query,
    negotiation_by_address_query,
    outbox_route_query,
    parse_iso,
)

if TYPE_CHECKING:
    from dealdesk.actors.mailroom import Mailroom
    from dealdesk.store import StoreOp

__all__ = ["Receiver"]

RESYNC_PAGES = 20  # at most this many pages of messages.list after a 404
RESYNC_LOOKBACK = timedelta(days=7)  # with nothing recorded yet: how far back a re-sync reads


@dataclass
class _Seen:
    polls: int = 0
    recorded: int = 0
    routed: int = 0
    ignored: int = 0
    resyncs: int = 0


class Receiver:
    def __init__(self, room: Mailroom) -> None:
        self.room = room
        self.address = room.address
        self.seen = _Seen()

    def poll(self) -> int:
        """Read what is new; answers how many messages were recorded."""
        room = self.room
        self.seen.polls += 1
        cursor = room.store.reader().mail_cursor(self.address)
        if cursor is None:
            self.baseline()
            return 0
        recorded = 0
        page_token: str | None = None
        while True:
            before = room.gmail.units
            try:
                page = room.gmail.history(cursor, page_token)
            except HistoryTooOld:
                return recorded + self.resync()
            finally:
                room.pacer.spent(room.ctx.clock.now(), room.gmail.units - before)
            # Our own mail (Gmail lists it SENT) is never a reply: not even fetched.
            ids = tuple(dict.fromkeys(g for g, _ in page.added if g not in page.ours))
            last = page.next_page_token is None
            recorded += self._record(
                ids, SetMailCursor(self.address, page.history_id) if last else None
            )
            if last:
                return recorded
            page_token = page.next_page_token

    def baseline(self) -> None:
        """The first observation of a mailbox is a baseline, not news: its current history id
        becomes the cursor. Taken before the mailbox first sends anything, so a reply to our
        first email is always after it."""
        room = self.room
        if room.store.reader().mail_cursor(self.address) is None:
            room.store.write(SetMailCursor(self.address, str(room.gmail.profile()["historyId"])))

    def resync(self) -> int:
        room = self.room
        self.seen.resyncs += 1
        history_id = str(room.gmail.profile()["historyId"])  # first: nothing can slip between
        latest = room.store.reader().run(inbound_query(mailbox=self.address))
        since = (
            parse_iso(latest[-1].received_at) if latest else room.ctx.clock.now() - RESYNC_LOOKBACK
        )
        ids: list[str] = []
        page_token: str | None = None
        for _ in range(RESYNC_PAGES):
            found, page_token = room.gmail.list_since(since - timedelta(minutes=5), page_token)
            ids.extend(found)
            if page_token is None:
                break
        room.log.warning("mail_resync", since=since.isoformat(), messages=len(ids))
        return self._record(tuple(dict.fromkeys(ids)), SetMailCursor(self.address, history_id))

    # -- one batch: fetch, classify, route, record with the cursor, then dispatch ---------------

    def _record(self, ids: tuple[str, ...], cursor: SetMailCursor | None) -> int:
        room = self.room
        known = room.store.reader().run(inbound_known_query(ids)) if ids else set()
        ops: list[StoreOp[Any]] = []
        routed: list[RecordInbound] = []
        new = [gmail_id for gmail_id in ids if gmail_id not in known]
        before = room.gmail.units
        try:
            fetched = room.gmail.get_many(new, "full") if new else {}
        finally:
            room.pacer.spent(room.ctx.clock.now(), room.gmail.units - before)
        for gmail_id in new:
            email = parse_message(fetched.get(gmail_id) or {"id": gmail_id})
            record = self._classify(email)
            ops.append(record)
            if record.kind is not InboundKind.OURS:
                ops.append(self._audit(email, record))
            if record.status.value == "routed":
                routed.append(record)
        if cursor is not None:
            ops.append(cursor)
        if ops:
            room.store.commit(*ops)
        for record in routed:
            self._dispatch(record)
        recorded = sum(isinstance(op, RecordInbound) for op in ops)
        self.seen.recorded += recorded
        return recorded

    def _classify(self, email: InboundEmail) -> RecordInbound:
        reader = self.room.store.reader()

        def ours(message_id: str) -> bool:
            return bool(reader.outbox(message_id=message_id))

        if is_ours(email, self.address, ours):
            kind = InboundKind.OURS
        elif email.bounce is not None:
            kind = InboundKind.BOUNCE
        elif email.auto_reply:
            kind = InboundKind.AUTO_REPLY
        else:
            kind = InboundKind.REPLY
        negotiation_id: str | None = None
        if kind is not InboundKind.OURS:
            named = tuple(m for m in (email.in_reply_to, *email.references) if m)
            if email.bounce is not None and email.bounce.original_message_id:
                named = (email.bounce.original_message_id, *named)
            negotiation_id = reader.run(outbox_route_query(email.thread_id, named))
            if negotiation_id is None and email.bounce is None:
                negotiation_id = reader.run(negotiation_by_address_query(email.from_addr))
            if negotiation_id is None:
                kind = InboundKind.UNKNOWN_THREAD
        self.room.ctx.metrics.mail_received.labels(self.address, kind.value).inc()
        return RecordInbound(
            gmail_id=email.gmail_id,
            mailbox=self.address,
            received_at=email.internal_date or self.room.ctx.clock.now(),
            kind=kind,
            message_id=email.message_id,
            thread_id=email.thread_id,
            from_addr=email.from_addr,
            subject=email.subject,
            negotiation_id=negotiation_id,
            body=_body(email),
        )

    def _audit(self, email: InboundEmail, record: RecordInbound) -> AppendAudit:
        return AppendAudit(
            AuditKind.EMAIL_RECEIVED,
            influencer_email=email.from_addr or None,
            thread_id=email.thread_id,
            direction=Direction.RECEIVED,
            email_body=email.text,
            metadata={
                "gmail_id": email.gmail_id,
                "message_id": email.message_id,
                "kind": record.kind.value,
                "negotiation_id": record.negotiation_id,
                "subject": email.subject,
                "mailbox": self.address,
            },
        )

    def _dispatch(self, record: RecordInbound) -> None:
        """Hand a recorded message to its negotiation's campaign supervisor (never lost: it stays
        ``routed`` in the store until the negotiation takes it)."""
        assert record.negotiation_id is not None
        negotiation = self.room.store.reader().negotiation(record.negotiation_id)
        if negotiation is None:
            self.room.log.warning("reply_for_unknown_negotiation", gmail_id=record.gmail_id)
            return
        self.seen.routed += 1
        news: ReplyArrived | EmailFailed
        bounce = record.body.get("bounce")
        if record.kind is InboundKind.BOUNCE and isinstance(bounce, dict):
            # A bounce is a failed delivery of the email it returns, not something they said.
            reason = str(bounce.get("reason") or "the address does not take mail")
            news = EmailFailed(
                record.negotiation_id,
                str(bounce.get("original_message_id") or record.gmail_id),
                f"bounced: {reason}"[:300],
                final=True,
                bounce=record.gmail_id,
            )
        else:
            news = ReplyArrived(
                record.negotiation_id, record.gmail_id, InboundKind(record.kind).value
            )
        self.room.ctx.registry.tell(campaign_name(negotiation.campaign_id), news)

    def dump_fields(self) -> dict[str, Any]:
        return {
            "polls": self.seen.polls,
            "received": self.seen.recorded,
            "routed": self.seen.routed,
            "resyncs": self.seen.resyncs,
            "cursor": self.room.store.reader().mail_cursor(self.address),
        }


def _body(email: InboundEmail) -> dict[str, Any]:
    """What a negotiation needs of the message, as JSON (the headers were already read)."""
    bounce = email.bounce
    return {
        "from": email.from_addr,
        "from_name": email.from_name,
        "to": list(email.to),
        "cc": list(email.cc),
        "subject": email.subject,
        "date": email.date.isoformat() if isinstance(email.date, datetime) else email.date,
        "in_reply_to": email.in_reply_to,
        "references": list(email.references),
        "text": email.text,
        "quoted": email.quoted,
        "signature": email.signature,
        "html_only": email.html_only,
        "attachments": list(email.attachments),
        "auto_reply": email.auto_reply,
        "forwarded": email.forwarded,
        "bounce": None
        if bounce is None
        else {
            "failed_recipients": list(bounce.failed_recipients),
            "reason": bounce.reason,
            "original_message_id": bounce.original_message_id,
        },
    }
