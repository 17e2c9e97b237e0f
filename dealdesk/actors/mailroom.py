"""The Mailroom: one per Gmail mailbox, the only owner of that mailbox's client (httplib2 is not
thread-safe), sending from the outbox exactly once and receiving through the history exactly once.

Registered as ``mailroom:{address}``; every Gmail call runs on this actor's thread. Rules:

- **Sending.** Emails leave in priority order (replies, then follow-ups, then outreach) as the
  :class:`~dealdesk.actors.mail_pacing.Pacer` allows; one that must wait stays ``pending`` in the
  outbox (visible in ``dump`` and /metrics). Each is claimed (``sending``) durably before its
  request is made. Gmail's ``messages.send`` has no idempotency key, so a send is retried only
  when it provably was not acted on (``SendRefused``: refused, or never reached Gmail); anything
  else (a 5xx, a reset, a timeout after the request was written) makes it ``in_doubt``, and an
  in-doubt email — like every email found ``sending`` or ``in_doubt`` at start-up — is settled by
  READING the mailbox, never by sending: found by ``rfc822msgid:`` (or, if Gmail rewrote the
  Message-ID, in Sent by recipient, subject and time) → ``sent``; provably absent → ``pending``,
  sent again; the mailbox could not be read → ``held``, and the team is told: never sent blind.
- **Do-not-contact** is checked before every email, outreach or not: a listed address (or
  domain) gets nothing; the email is cancelled and audited.
- **Dry-run**: everything runs but nothing is sent; emails stay ``pending`` for review.
- **Receiving** is :class:`~dealdesk.actors.mail_receiving.Receiver`'s, on this thread, from a
  poll timer and from Gmail pushes (:class:`PollMailbox`).
- Outcomes go to the negotiation's campaign supervisor (:class:`EmailSent`,
  :class:`EmailFailed`), which hands them to the negotiation (a seam the Negotiator fills).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from dealdesk.actors.mail_messages import EmailFailed, EmailSent, PollMailbox, SendPending
from dealdesk.actors.mail_pacing import SEND_UNITS, Pacer
from dealdesk.actors.mail_receiving import Receiver
from dealdesk.actors.mail_records import audit_entry, held_text, outgoing
from dealdesk.errors import InvalidInput, UpstreamError
from dealdesk.integrations.gmail import (
    SendInDoubt,
    SendRefused,
    build_message,
    header_of,
    pause_for,
    raw_of,
)
from dealdesk.integrations.gmail.push import GmailPush
from dealdesk.runtime.actor import BaseActor
from dealdesk.runtime.registry import campaign_name, mailroom_name
from dealdesk.runtime.supervision import ChildSpec
from dealdesk.store import (
    STORE,
    AppendAudit,
    AuditKind,
    ClaimOutbox,
    OutboxRecord,
    OutboxStatus,
    UpdateOutbox,
    outbox_by_gmail_id_query,
    outbox_counts_query,
    parse_iso,
    sendable_query,
    sent_since_query,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime

    import pykka

    from dealdesk.integrations.gmail import GmailClient
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.store import StoreOp

__all__ = ["Mailroom", "mailroom_spec"]

BATCH = 25  # emails claimed, then recorded, per commit
SETTLE_WINDOW = timedelta(minutes=15)  # how far around an uncertain send Sent is searched
_WAITING = (OutboxStatus.PENDING, OutboxStatus.HELD, OutboxStatus.IN_DOUBT)
# What may have been sent and is settled by reading the mailbox (never by sending blind).
_UNSETTLED = (OutboxStatus.SENDING, OutboxStatus.IN_DOUBT, OutboxStatus.HELD)


@dataclass
class _Stats:
    sent: int = 0
    settled: int = 0
    held: int = 0
    refused: int = 0
    blocked: str = ""


class Mailroom(BaseActor):
    kind = "mailroom"

    def __init__(
        self,
        ctx: RuntimeContext,
        address: str,
        client_factory: Callable[[], GmailClient],
        *,
        alert: Callable[[str], None] | None = None,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
    ) -> None:
        super().__init__(actor_id=mailroom_name(address), parent=parent, restarts=restarts)
        self.ctx = ctx
        self.address = address
        self.settings = ctx.settings
        self.store = ctx[STORE]
        self.client_factory = client_factory
        self.alert = alert or (lambda text: self.log.warning("mail_alert", text=text))
        self.client: GmailClient | None = None
        self.pacer = Pacer(
            self.settings.gmail_daily_cap,
            self.settings.gmail_per_minute,
            self.settings.gmail_quota_units_per_minute,
        )
        self.receiver: Receiver | None = None
        self.stats = _Stats()
        self._wake_at: datetime | None = None
        self.log = self.log.bind(mailbox=address)

    # -- runs on this actor's thread ------------------------------------------------------------

    @property
    def gmail(self) -> GmailClient:
        if self.client is None:
            self.client = self.client_factory()
        return self.client

    def started(self) -> None:
        now = self.ctx.clock.now()
        for sent_at in self.store.reader().run(sent_since_query(self.address, now - timedelta(1))):
            self.pacer.sent(parse_iso(sent_at))
        self.receiver = Receiver(self)
        # Recovery order: what may have been sent is settled before anything is sent; a held
        # email is read for again (it is only ever sent if the mailbox shows it absent).
        for stuck in (OutboxStatus.SENDING, OutboxStatus.IN_DOUBT, OutboxStatus.HELD):
            for record in self.store.reader().outbox(status=stuck.value, mailbox=self.address):
                self.settle(record)
        self.actor_ref.tell(PollMailbox(scheduled=True))  # then every gmail_poll_s
        self.actor_ref.tell(SendPending())

    def on_stop(self) -> None:
        if self.client is not None:
            self.client.close()  # httplib2 keeps its connections open otherwise
        self.store.close_reader()

    def handle(self, message: Any) -> Any:
        match message:
            case SendPending(timer=timer):
                if timer:
                    self._wake_at = None  # the wake-up it stood for has come
                return self.pump()
            case GmailPush():
                assert self.receiver is not None
                return self.receiver.poll()
            case PollMailbox(scheduled=scheduled):
                assert self.receiver is not None
                try:
                    return self.receiver.poll()
                finally:
                    if scheduled:
                        self.tell_self_later(
                            self.ctx.loop, self.settings.gmail_poll_s, PollMailbox(scheduled=True)
                        )
            case _:
                return self.unhandled(message)

    # -- sending --------------------------------------------------------------------------------

    def pump(self) -> int:
        """Send what the pacer allows now; schedule a wake-up for the rest. Answers how many."""
        sent = 0
        if self.settings.gmail_dry_run:
            self._blocked("dry_run")
            self._refresh_gauges()
            return 0
        assert self.receiver is not None
        self.receiver.baseline()  # never a send before the mailbox's first observation
        while True:
            now = self.ctx.clock.now()
            wait = self.pacer.wait(now)
            if not wait.now:
                self._blocked(wait.why)
                self._wake(now + timedelta(seconds=wait.seconds))
                break
            self._blocked("")
            limit = max(1, min(self.pacer.room(now), BATCH))
            due = self.store.reader().run(sendable_query(self.address, now, limit))
            if not due:
                self._wake_for_deferred()
                break
            sent += self.send(due)
        self._refresh_gauges()
        return sent

    def send(self, due: list[OutboxRecord]) -> int:
        """Send a batch, in order: claimed together (one commit), sent one request at a time,
        recorded together (one commit). A crash between a send and the record leaves the email
        ``sending``, which start-up settles by reading the mailbox."""
        reader = self.store.reader()
        barred = [r for r in due if reader.is_do_not_contact(r.recipient)]
        for record in barred:
            self._never_sent(
                record, OutboxStatus.CANCELLED, "do not contact", was=OutboxStatus.PENDING
            )
        # Each message is built before anything is claimed: one that cannot be built (a bad
        # address or Message-ID) fails alone, and never leaves its batch stuck in ``sending``.
        built: dict[str, str] = {}
        for record in due:
            if record in barred:
                continue
            try:
                built[record.message_id] = raw_of(
                    build_message(outgoing(record, self.address, self.ctx.clock.now()))
                )
            except InvalidInput as exc:
                self.log.warning("email_unsendable", message_id=record.message_id, error=str(exc))
                self._never_sent(
                    record, OutboxStatus.FAILED, f"not sendable: {exc}", was=OutboxStatus.PENDING
                )
        wanted = [r for r in due if r.message_id in built]
        if not wanted:
            return 0
        claims = self.store.commit(*(ClaimOutbox(r.message_id) for r in wanted))
        claimed = [r for r, ok in zip(wanted, claims, strict=True) if ok]
        sent: list[tuple[OutboxRecord, str, str | None]] = []
        doubtful: list[OutboxRecord] = []
        for index, record in enumerate(claimed):
            now = self.ctx.clock.now()
            raw = built[record.message_id]
            before = self.gmail.units
            try:
                answer = self.gmail.send(raw, record.thread_id)
            except SendRefused as refused:
                self._spent(now, before)
                self._refused(record, refused, now)
                if self.pacer.paused_until is not None and self.pacer.paused_until > now:
                    self._unclaim(claimed[index + 1 :])  # the mailbox is paused: not tried
                    break
                continue
            except SendInDoubt as doubt:
                self._spent(now, before)
                self.store.write(
                    UpdateOutbox(
                        record.message_id,
                        OutboxStatus.IN_DOUBT,
                        error=str(doubt)[:300],
                        expect=(OutboxStatus.SENDING,),
                    )
                )
                doubtful.append(record)
                continue
            self._spent(now, before)
            sent.append((record, answer.id, answer.thread_id))
        self._record_sent(sent, how="answer")
        settled = 0
        for record in doubtful:
            settled += self.settle(self.store.reader().outbox(message_id=record.message_id)[0])
        return len(sent) + settled

    def _never_sent(
        self, record: OutboxRecord, status: OutboxStatus, why: str, *, was: OutboxStatus
    ) -> None:
        """This email will not be sent (do-not-contact, unsendable, refused for good): recorded
        with why, audited, and its negotiation told."""
        self.store.commit(
            UpdateOutbox(record.message_id, status, error=why[:300], expect=(was,)),
            self._audit(AuditKind.EMAIL_SKIPPED, record, reason=why[:300]),
        )
        failed = EmailFailed(record.negotiation_id, record.message_id, why[:300], final=True)
        self._tell_campaign(record, failed)

    def _unclaim(self, records: list[OutboxRecord]) -> None:
        if records:
            self.store.commit(
                *(
                    UpdateOutbox(r.message_id, OutboxStatus.PENDING, expect=(OutboxStatus.SENDING,))
                    for r in records
                )
            )

    def _refused(self, record: OutboxRecord, refused: SendRefused, now: datetime) -> int:
        self.stats.refused += 1
        pause = pause_for(refused)
        if pause is not None:
            self.pacer.pause(now + timedelta(seconds=pause))
            self.log.warning("mailbox_paused", seconds=pause, error=str(refused)[:200])
        if refused.retryable:
            delay = refused.retry_after or pause or 60.0
            self.store.write(
                UpdateOutbox(
                    record.message_id,
                    OutboxStatus.PENDING,
                    error=str(refused)[:300],
                    not_before=now + timedelta(seconds=delay),
                    expect=(OutboxStatus.SENDING,),
                )
            )
            return 0
        self._never_sent(record, OutboxStatus.FAILED, str(refused), was=OutboxStatus.SENDING)
        return 0

    def settle(self, record: OutboxRecord) -> int:
        """An email that may have been sent: read the mailbox, never send blind."""
        try:
            found = self.gmail.find_by_message_id(record.message_id)
            thread_id: str | None = None
            if not found:
                at = parse_iso(record.updated_at)
                sent = [
                    message
                    for message in self.gmail.find_sent(
                        record.recipient, record.subject, at - SETTLE_WINDOW, at + SETTLE_WINDOW
                    )
                    if not self._another_of_ours(message, record)
                ]
                found = [str(m["id"]) for m in sent]
                thread_id = str(sent[0].get("threadId") or "") or None if sent else None
            elif found:
                thread_id = str(self.gmail.get(found[0], "minimal").get("threadId") or "") or None
        except UpstreamError as exc:
            self.stats.held += 1
            self.store.write(
                UpdateOutbox(
                    record.message_id,
                    OutboxStatus.HELD,
                    error=f"could not confirm: {exc}"[:300],
                    expect=_UNSETTLED,
                )
            )
            self.alert(held_text(record))
            return 0
        self.stats.settled += 1
        if found:
            self._record_sent(
                [(record, found[0], thread_id)],
                how="settled",
                expect=_UNSETTLED,
            )
            return 1
        self.store.write(
            UpdateOutbox(
                record.message_id,
                OutboxStatus.PENDING,
                error="not in the mailbox after an uncertain send",
                expect=_UNSETTLED,
            )
        )
        self.actor_ref.tell(SendPending())  # provably absent: it goes out (once) after all
        return 0

    def _another_of_ours(self, message: Mapping[str, Any], record: OutboxRecord) -> bool:
        """Whether a message the Sent fallback found is another email of ours, not ``record``
        under a Message-ID Gmail rewrote: one recorded as sent under its Gmail id, or one that
        carries another outbox email's Message-ID. Every email of a thread after the first has
        the same recipient and subject ("Re: …"): the previous one is always in the window."""
        reader = self.store.reader()
        gmail_id = str(message.get("id") or "")
        if gmail_id and reader.run(outbox_by_gmail_id_query(gmail_id)):
            return True
        message_id = header_of(message, "Message-ID").strip()
        return (
            bool(message_id)
            and message_id != record.message_id
            and bool(reader.outbox(message_id=message_id))
        )

    def _record_sent(
        self,
        sent: list[tuple[OutboxRecord, str, str | None]],
        *,
        how: str,
        expect: tuple[OutboxStatus, ...] = (OutboxStatus.SENDING,),
    ) -> None:
        """Record emails Gmail has (one transaction), then tell their negotiations."""
        if not sent:
            return
        ops: list[StoreOp[Any]] = []
        for record, gmail_id, thread_id in sent:
            ops.append(
                UpdateOutbox(
                    record.message_id,
                    OutboxStatus.SENT,
                    gmail_id=gmail_id,
                    gmail_thread_id=thread_id,
                    expect=expect,
                )
            )
            ops.append(
                self._audit(
                    AuditKind.EMAIL_SENT,
                    record,
                    gmail_id=gmail_id,
                    thread=thread_id,
                    confirmed_by=how,
                )
            )
        self.store.commit(*ops)
        now = self.ctx.clock.now()
        for record, gmail_id, thread_id in sent:
            self.pacer.sent(now)
            self.stats.sent += 1
            self.ctx.metrics.mail_sent.labels(self.address, how).inc()
            self._tell_campaign(
                record, EmailSent(record.negotiation_id, record.message_id, gmail_id, thread_id)
            )

    def _audit(self, kind: AuditKind, record: OutboxRecord, **metadata: Any) -> AppendAudit:
        return audit_entry(kind, record, self.address, **metadata)

    def _tell_campaign(self, record: OutboxRecord, message: object) -> None:
        campaign_id = record.campaign_id
        if campaign_id is None:
            negotiation = self.store.reader().negotiation(record.negotiation_id)
            campaign_id = negotiation.campaign_id if negotiation else None
        if campaign_id is not None:
            self.ctx.registry.tell(campaign_name(campaign_id), message)

    # -- pacing, timers, gauges -----------------------------------------------------------------

    def _spent(self, at: datetime, before: int) -> None:
        self.pacer.spent(at, max(self.gmail.units - before, SEND_UNITS))

    def _wake_for_deferred(self) -> None:
        deferred = [
            r
            for r in self.store.reader().outbox(status="pending", mailbox=self.address)
            if r.not_before
        ]
        if deferred:
            self._wake(min(parse_iso(r.not_before) for r in deferred if r.not_before))

    def _wake(self, at: datetime) -> None:
        if self._wake_at is not None and self._wake_at <= at:
            return
        self._wake_at = at
        delay = max(0.0, (at - self.ctx.clock.now()).total_seconds())
        self.tell_self_later(self.ctx.loop, delay, SendPending(timer=True))

    def _blocked(self, why: str) -> None:
        if why != self.stats.blocked:
            for reason in ("daily_cap", "per_minute", "quota", "paused", "dry_run"):
                self.ctx.metrics.mail_blocked.labels(self.address, reason).set(int(reason == why))
            self.stats.blocked = why

    def _refresh_gauges(self) -> None:
        now = self.ctx.clock.now()
        counts = self.store.reader().run(outbox_counts_query(self.address, _WAITING))
        for state in _WAITING:
            self.ctx.metrics.mail_waiting.labels(self.address, state.value).set(
                counts.get(state.value, 0)
            )
        self.ctx.metrics.gmail_units.labels(self.address).set(self.pacer.units_last_minute(now))
        self.ctx.metrics.mail_sent_24h.labels(self.address).set(self.pacer.sent_last_day(now))

    def state_name(self) -> str:
        return self.stats.blocked or "running"

    def dump_fields(self) -> dict[str, Any]:
        counts = self.store.reader().run(outbox_counts_query(self.address))
        waiting = {s.value: counts.get(s.value, 0) for s in _WAITING}
        return {
            "mailbox": self.address,
            "dry_run": self.settings.gmail_dry_run,
            "outbox": waiting,
            "sent": self.stats.sent,
            "settled": self.stats.settled,
            "held": self.stats.held,
            "refused": self.stats.refused,
            "sent_last_24h": self.pacer.sent_last_day(self.ctx.clock.now()),
            **(self.receiver.dump_fields() if self.receiver else {}),
        }


def mailroom_spec(
    ctx: RuntimeContext,
    address: str,
    client_factory: Callable[[], GmailClient],
    *,
    alert: Callable[[str], None] | None = None,
) -> ChildSpec:
    """How the root starts (and restarts: stuck sends are settled, the cursor reread) a mailbox."""

    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return Mailroom.start(
            ctx, address, client_factory, alert=alert, parent=parent, restarts=restarts
        )

    return ChildSpec(name=mailroom_name(address), start=start, kind=Mailroom.kind)
