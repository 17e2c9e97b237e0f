"""One negotiation's conversation as a list of steps, oldest first (``run.py thread``'s model).

The audit trail is the spine: every email sent and received, every transition with its reason,
every escalation and agreement is an entry, and entries are numbered in commit order. Each entry
is filled in from where the rest lives: our emails' subject and text from the outbox, their
purpose and amount from the negotiation's history (``email_queued``); their emails' new text from
the received mail (``body["text"]``, never the quoted history) and the reading from the history
(``reply``, by Message-ID). Outbox emails not sent yet, and received mail the audit does not show,
are added at their own times, so nothing the negotiation holds is missing from the thread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from dealdesk.app.conversations import NegotiationView, as_decimal, clean, money, span
from dealdesk.store.inbox import inbound_query
from dealdesk.store.model import AuditKind
from dealdesk.store.queries import MAX_LIMIT, AuditEntry, AuditFilter

if TYPE_CHECKING:
    from dealdesk.store.inbox import InboundRecord
    from dealdesk.store.outbox import OutboxRecord
    from dealdesk.store.reader import StoreReader

__all__ = ["Step", "build_timeline", "reading_lines"]


@dataclass(frozen=True)
class Step:
    """One thing that happened. ``kind``: ours, queued, theirs, decision, state, created,
    agreement, escalation, refused, ignored, event. ``lines`` come before the body, ``after``
    after it."""

    ts: str
    kind: str
    title: str
    lines: tuple[str, ...] = ()
    body: str = ""
    after: tuple[str, ...] = ()


def _meta(entry: AuditEntry) -> dict[str, Any]:
    return entry.metadata if isinstance(entry.metadata, dict) else {}


def _pages(reader: StoreReader, audit: AuditFilter) -> list[AuditEntry]:
    """Every entry ``audit`` matches, page by page."""
    entries: list[AuditEntry] = []
    while True:
        page = reader.audit(audit)
        entries.extend(page.entries)
        if not page.entries or audit.offset + len(page.entries) >= page.total:
            return entries
        audit = replace(audit, offset=audit.offset + len(page.entries))


def _audit(
    reader: StoreReader,
    view: NegotiationView,
    senders: set[str],
    recipients: set[str],
) -> list[AuditEntry]:
    """The negotiation's audit entries, oldest first: the influencer's, and the mail of other
    addresses in the thread (a talent manager's reply, a bounce, an email to a manager)."""
    wanted = [AuditFilter(influencer=view.email or view.entry, limit=MAX_LIMIT)]
    mine = {view.email.casefold()} if view.email else set()
    for addresses, kind in (
        (senders, AuditKind.EMAIL_RECEIVED),
        (recipients, AuditKind.EMAIL_SENT),
    ):
        wanted.extend(
            AuditFilter(influencer=address, event_type=kind, limit=MAX_LIMIT)
            for address in sorted(addresses)
            if "@" in address and address.casefold() not in mine
        )
    entries = {e.id: e for audit in wanted for e in _pages(reader, audit)}
    return sorted((e for e in entries.values() if _ours_entry(e, view)), key=lambda e: e.id)


def _ours_entry(entry: AuditEntry, view: NegotiationView) -> bool:
    """This negotiation's: named by its id (received mail carries no campaign), else an entry of
    the influencer in its campaign."""
    named = _meta(entry).get("negotiation_id")
    if named is not None:
        return bool(named == view.negotiation_id)
    return entry.campaign_id == view.campaign_id


def build_timeline(reader: StoreReader, view: NegotiationView) -> list[Step]:
    outbox = {r.message_id: r for r in reader.outbox(negotiation_id=view.negotiation_id)}
    inbound = {r.gmail_id: r for r in reader.run(inbound_query(negotiation_id=view.negotiation_id))}
    shown_out: set[str] = set()
    shown_in: set[str] = set()
    keyed: list[tuple[str, int, Step]] = []
    senders = {r.from_addr for r in inbound.values() if r.from_addr}
    recipients = {r.recipient for r in outbox.values()}
    for entry in _audit(reader, view, senders, recipients):
        meta = _meta(entry)
        if entry.event_type == AuditKind.EMAIL_SENT:
            message_id = str(meta.get("message_id") or "")
            shown_out.add(message_id)
            step = _ours(view, entry.ts, outbox.get(message_id), entry, message_id)
        elif entry.event_type == AuditKind.EMAIL_RECEIVED:
            gmail_id = str(meta.get("gmail_id") or "")
            shown_in.add(gmail_id)
            step = _theirs(view, entry.ts, inbound.get(gmail_id), entry)
        else:
            step = _event(view, entry)
        keyed.append((entry.ts, entry.id, step))
    last = 2**63
    for message_id, record in outbox.items():
        if message_id not in shown_out:
            step = _ours(view, record.created_at, record, None, message_id)
            keyed.append((record.created_at, last, step))
    for gmail_id, received in inbound.items():
        if gmail_id not in shown_in:
            keyed.append(
                (received.received_at, last, _theirs(view, received.received_at, received, None))
            )
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [step for _, _, step in keyed]


def _ours(
    view: NegotiationView,
    ts: str,
    record: OutboxRecord | None,
    entry: AuditEntry | None,
    message_id: str,
) -> Step:
    queued = view.history_entry("email_queued", message_id) or {}
    purpose = str(
        queued.get("purpose") or (_meta(entry).get("purpose") if entry else "") or "email"
    )
    terms = queued.get("terms") if isinstance(queued.get("terms"), dict) else {}
    amount = as_decimal(terms.get("amount")) if terms else None
    title = purpose.replace("_", " ") + (f" · {money(amount, view.currency)}" if amount else "")
    if entry is None:
        status = record.status if record is not None else "unknown"
        kind, title = "queued", f"{title} · not sent ({status})"
    else:
        kind, title = "ours", f"we sent: {title}"
    lines: list[str] = []
    if record is not None:
        lines.append(clean(f"To {record.recipient} · Subject: {record.subject}", one_line=True))
        if record.last_error and entry is None:
            lines.append(clean(f"last error: {record.last_error}", one_line=True))
    said = str(queued.get("text") or "")  # the decision's own words for what the email carries
    if said:
        lines.append(clean(said, one_line=True))
    body = record.rendered if record is not None else (entry.email_body if entry else "")
    return Step(ts, kind, title, tuple(lines), clean(body).strip())


def _theirs(
    view: NegotiationView, ts: str, record: InboundRecord | None, entry: AuditEntry | None
) -> Step:
    meta = _meta(entry) if entry is not None else {}
    kind = record.kind.value if record is not None else str(meta.get("kind") or "reply")
    body = record.body if record is not None else {}
    text = str(body.get("text") or (entry.email_body if entry else "") or "")
    sender = (record.from_addr if record else None) or (entry.influencer_email if entry else None)
    subject = (record.subject if record else None) or meta.get("subject")
    lines = [clean(f"From {sender or '?'} · Subject: {subject or ''}", one_line=True)]
    titles = {"reply": "they wrote", "auto_reply": "automatic reply", "bounce": "bounced"}
    title = titles.get(kind, f"received ({kind.replace('_', ' ')})")
    after: list[str] = []
    bounce = body.get("bounce")
    if kind == "bounce" and isinstance(bounce, dict) and bounce.get("reason"):
        after.append(clean(f"delivery failed: {bounce['reason']}", one_line=True))
    message_id = (record.message_id if record else None) or meta.get("message_id")
    gmail_id = record.gmail_id if record else meta.get("gmail_id")
    reply = view.history_entry("reply", message_id) or view.history_entry(
        "reply", f"<{gmail_id}@gmail>"
    )
    if reply is not None and isinstance(reply.get("reading"), dict):
        after.extend(reading_lines(reply["reading"], view.currency))
    elif kind != "bounce" and entry is not None and isinstance(entry.intent, dict):
        after.extend(reading_lines(entry.intent, view.currency))
    return Step(ts, "theirs", title, tuple(lines), clean(text).strip(), tuple(after))


def _amount(found: dict[str, Any], currency: str) -> str:
    low, high = as_decimal(found.get("amount")), as_decimal(found.get("upper"))
    text = money(low, currency) if high is None else span(low, high, currency)
    basis = str(found.get("basis") or "")
    if found.get("deliverable"):
        basis = f"{basis} {str(found['deliverable']).replace('_', ' ')}".strip()
    if basis and basis != "unspecified":
        text += f" ({basis.replace('_', ' ')})"
    quoted = clean(str(found.get("text") or ""), one_line=True)
    return text + (f' "{quoted}"' if quoted else "")


def reading_lines(reading: dict[str, Any], currency: str) -> list[str]:
    """How a reply was read, in words: the intent first, then what it found."""
    amounts = [a for a in reading.get("amounts") or [] if isinstance(a, dict)]
    asks = [_amount(a, currency) for a in amounts if not a.get("refers_to_offer")]
    ours = [_amount(a, currency) for a in amounts if a.get("refers_to_offer")]
    confidence = reading.get("confidence")
    reader = reading.get("reader")
    how = [f"confidence {confidence}"] if confidence is not None else []
    how += [f"{reader} reader"] if reader else []
    found = [f"their ask {a}" for a in asks] + [f"names our offer {a}" for a in ours]
    first = f"read as {reading.get('intent', 'unknown')}" + (f" ({', '.join(how)})" if how else "")
    lines = [first + (": " + "; ".join(found) if found else "")]
    for option in reading.get("options") or []:
        if isinstance(option, dict):
            outside = "; ".join(str(o) for o in option.get("outside_brief") or [])
            lines.append(
                f"option {money(as_decimal(option.get('amount')), currency)} "
                f"{option.get('condition', '')}".rstrip()
                + (f" (outside the brief: {outside})" if outside else "")
            )
    questions = [str(q).replace("_", " ") for q in reading.get("questions") or []]
    if questions:
        lines.append("asks about " + ", ".join(questions))
    flags = [
        text
        for field, text in (
            ("manager", "written by a talent manager"),
            ("hostile", "hostile"),
            ("legal", "mentions legal action"),
            ("future_interest", "open to working together later"),
        )
        if reading.get(field)
    ]
    if reading.get("out_of_office_until"):
        flags.append(f"out of office until {reading['out_of_office_until']}")
    if flags:
        lines.append("; ".join(flags))
    if reading.get("needs_human"):
        lines.append(f"needs a person: {reading['needs_human']}")
    return [clean(line, one_line=True) for line in lines]


def _event(view: NegotiationView, entry: AuditEntry) -> Step:
    meta = _meta(entry)
    ts = entry.ts
    moved = f"{entry.state_from or '?'} → {entry.state_to or '?'}"
    if entry.event_type == AuditKind.STATE_TRANSITION:
        event = str(meta.get("event") or "").replace("_", " ")
        if meta.get("ignored"):
            return Step(
                ts, "ignored", f"late {event or 'event'} ignored", (clean(str(meta["ignored"])),)
            )
        if entry.state_from is None and entry.state_to:
            source = f" (from {meta['source']})" if meta.get("source") else ""
            return Step(ts, "created", f"negotiation created{source}: {entry.state_to}")
        reason = clean(str(meta.get("reason") or ""), one_line=True)
        title = moved + (f" on {event}" if event else "")
        # An email going out only moves the bookkeeping; every other event is a decision.
        kind = "state" if meta.get("event") == "email_sent" else "decision"
        return Step(ts, kind, title, (f"why: {reason}",) if reason else ())
    if entry.event_type == AuditKind.AGREEMENT:
        rates = entry.rates if isinstance(entry.rates, dict) else {}
        amount, cpm = as_decimal(rates.get("amount")), as_decimal(rates.get("cpm"))
        title = f"agreed {money(amount, view.currency)}" + (
            f" · CPM {money(cpm, view.currency)}" if cpm is not None else ""
        )
        return Step(ts, "agreement", title)
    if entry.event_type == AuditKind.ESCALATION:
        summary = clean(str(meta.get("summary") or ""), one_line=True)
        return Step(ts, "escalation", "escalated to the team", (summary,) if summary else ())
    if entry.event_type == AuditKind.EMAIL_SKIPPED:
        problems = [clean(str(p), one_line=True) for p in meta.get("problems") or []]
        purpose = str(meta.get("purpose") or "email").replace("_", " ")
        return Step(
            ts, "refused", f"{purpose} email not sent: the guard refused it", tuple(problems)
        )
    title = entry.event_type.replace("_", " ")
    if entry.state_from or entry.state_to:
        title += f": {moved}"
    details = [
        clean(f"{k}: {meta[k]}", one_line=True) for k in ("reason", "summary", "by") if meta.get(k)
    ]
    return Step(ts, "event", title, tuple(details))
